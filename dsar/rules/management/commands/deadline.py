import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dsar.deadlines.engine import ClockError
from dsar.deadlines.rules import RULES
from dsar.directory.models import Agency
from dsar.rules.forms import parse_pause
from dsar.rules.selectors import clock_calculate


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Malformed {name} '{value}': use YYYY-MM-DD", returncode=2) from None


START_REASONS = {
    "non_working_day": " (a non-working day: counted from {effective_start})",
    "after_cutoff": " (after the cut-off time: received on {effective_start})",
    "first_received": " (capped: the clock starts on {effective_start}, 10 working days after "
    "another component first received it)",
}


class Command(BaseCommand):
    help = "Compute one legal deadline and explain it. Bad input exits with status 2."

    def add_arguments(self, parser):
        parser.add_argument("code", help=f"clock code: {', '.join(RULES)}")
        parser.add_argument("start", help="start date, YYYY-MM-DD")
        parser.add_argument(
            "--country", help="holiday calendar; required for EU regimes (the Member State)"
        )
        parser.add_argument("--subdivision")
        parser.add_argument("--pause", action="append", default=[], metavar="FROM:TO")
        parser.add_argument("--extended", action="store_true", help="the full extension")
        parser.add_argument(
            "--extension-days",
            type=int,
            metavar="N",
            help="an extension of N units (the length the agency's notice states)",
        )
        parser.add_argument(
            "--extended-to", metavar="DATE", help="the new due date the agency's notice states"
        )
        parser.add_argument(
            "--first-received",
            metavar="DATE",
            help="FOIA: the day another component designated to receive requests first got it",
        )
        parser.add_argument(
            "--agency", metavar="CODE", help="use this agency's day-one and cut-off rules"
        )
        parser.add_argument(
            "--after-cutoff", action="store_true", help="received after the agency's cut-off"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        code = options["code"]
        if code not in RULES:
            raise CommandError(
                f"Unknown clock code '{code}'. Known codes: {', '.join(RULES)}", returncode=2
            )
        start = _date(options["start"], "start date")
        try:
            pauses = [parse_pause(p) for p in options["pause"]]
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        counting = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Unknown agency '{options['agency']}'", returncode=2)
            counting = agency.counting
        if options["after_cutoff"] and (counting is None or not counting.cutoff):
            raise CommandError(
                "--after-cutoff needs --agency with a receipt cut-off time", returncode=2
            )
        try:
            result = clock_calculate(
                code=code,
                start=start,
                country=options["country"] or "",
                subdivision=options["subdivision"] or "",
                pauses=pauses,
                extended=options["extended"],
                extension_days=options["extension_days"],
                extended_to=_date(options["extended_to"], "--extended-to date"),
                first_received=_date(options["first_received"], "--first-received date"),
                counting=counting,
                after_cutoff=options["after_cutoff"],
            )
        except ClockError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
            return
        e = result.explanation
        lines = [
            f"{result.label} ({result.code}): {result.due.isoformat()}",
            f"Rule: {e['total']} after {e['starts_on']} — {e['citation']} [{e['status']}]",
            f"Start: {e['start']}" + START_REASONS.get(e["start_reason"], "").format(**e),
            f"Counting: {e['convention_citation']} [{e['convention_status']}]",
        ]
        for pause in e["pauses"]:
            lines.append(
                f"Paused {pause['from']} to {pause['to']} "
                f"({pause['counted_before']} counted before)"
            )
        if e["extension"]:
            lines.append(f"Extension: +{e['extension']}")
        if e["weekend_days"]:
            lines.append(f"Weekend days skipped: {e['weekend_days']}")
        if e["skipped"]:
            lines.append(
                "Skipped: " + ", ".join(f"{s['date']} {s['reason']}" for s in e["skipped"])
            )
        if e["rolled_forward"]:
            lines.append(f"The period ended on {e['raw_end']}, a non-working day: moved forward.")
        lines.extend(f"Note: {note}" for note in e["notes"])
        if RULES[code].note:
            lines.append(f"Note: {RULES[code].note}")
        self.stdout.write("\n".join(lines))
