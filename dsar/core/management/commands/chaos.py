from django.core.management.base import BaseCommand, CommandError

from dsar.core import chaos


class Command(BaseCommand):
    help = (
        "Fault injection for background work against the configured database (use a scratch "
        "database: the scenarios create and delete their own users and cases, and the workers "
        "they start also run the periodic sweeps over everything else). Starts its own Redis on "
        "a free port, its own SMTP sink and its own Celery workers and beat; kills workers with "
        "SIGKILL, restarts Redis without persistence, stops the mail server and the broker. "
        "Prints a table per scenario and one summary line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="A small run (a few minutes).")
        parser.add_argument("--cases", type=int, help="Cases per scenario (default 150; 20).")
        parser.add_argument(
            "--timing",
            choices=["production", "fast"],
            default="production",
            help="Lease, re-enqueue delay and sweep period: the production values (75 s, 60 s, "
            "30 s) or short ones (4 s, 3 s, 1 s).",
        )
        parser.add_argument(
            "--scenario",
            action="append",
            choices=["crash", "mail", "broker"],
            help="Run only these scenarios (repeatable).",
        )

    def handle(self, *args, quick=False, cases=None, timing="production", scenario=None, **opts):
        cases = cases or (20 if quick else 150)
        selected = scenario or ["crash", "mail", "broker"]
        chosen = chaos.PRODUCTION if timing == "production" else chaos.FAST
        self.stdout.write(
            f"timing: lease={chosen.lease}s re-enqueue={chosen.reenqueue}s sweep={chosen.sweep}s "
            f"retry backoff={chosen.retry_base}-{chosen.retry_max}s; {cases} cases per scenario"
        )
        results: list[chaos.Result] = []
        try:
            with chaos.Harness(timing=chosen, log=self.stdout.write) as harness:
                for name in selected:
                    if name == "crash":
                        found = chaos.scenario_crash(harness, cases=cases)
                    elif name == "mail":
                        found = chaos.scenario_mail_outage(harness, cases=max(cases // 2, 5))
                    else:
                        found = chaos.scenario_broker_down(harness, cases=max(cases // 2, 5))
                    self.stdout.write("")
                    self.stdout.write(chaos.table(found))
                    self.stdout.flush()
                    results += found
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(chaos.summary(results))
