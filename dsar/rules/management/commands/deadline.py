import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dsar.deadlines.engine import ClockError
from dsar.deadlines.rules import RULES
from dsar.rules.forms import parse_pause
from dsar.rules.selectors import clock_calculate


class Command(BaseCommand):
    help = "Compute one legal deadline and explain it."

    def add_arguments(self, parser):
        parser.add_argument("code", help=f"clock code: {', '.join(RULES)}")
        parser.add_argument("start", help="start date, YYYY-MM-DD")
        parser.add_argument("--country")
        parser.add_argument("--subdivision")
        parser.add_argument("--pause", action="append", default=[], metavar="FROM:TO")
        parser.add_argument("--extended", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        code = options["code"]
        if code not in RULES:
            raise CommandError(
                f"Unknown clock code '{code}'. Known codes: {', '.join(RULES)}", returncode=2
            )
        try:
            start = date.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(
                f"Malformed start date '{options['start']}': use YYYY-MM-DD", returncode=2
            )
        try:
            pauses = [parse_pause(p) for p in options["pause"]]
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2)
        try:
            result = clock_calculate(
                code=code,
                start=start,
                country=options["country"] or "",
                subdivision=options["subdivision"] or "",
                pauses=pauses,
                extended=options["extended"],
            )
        except ClockError as exc:
            raise CommandError(str(exc), returncode=2)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
            return
        e = result.explanation
        lines = [
            f"{result.label} ({result.code}): {result.due.isoformat()}",
            f"Rule: {e['total']} after {e['starts_on']} — {e['citation']} [{e['status']}]",
            f"Start: {e['start']}"
            + (
                f" (counted from {e['effective_start']}, the next working day)"
                if e["start_moved"]
                else ""
            ),
        ]
        for pause in e["pauses"]:
            lines.append(
                f"Paused {pause['from']} to {pause['to']} "
                f"({pause['counted_before']} counted before)"
            )
        if e["weekend_days"]:
            lines.append(f"Weekend days skipped: {e['weekend_days']}")
        if e["skipped"]:
            lines.append(
                "Skipped: " + ", ".join(f"{s['date']} {s['reason']}" for s in e["skipped"])
            )
        if e["rolled_forward"]:
            lines.append(f"The period ended on {e['raw_end']}, a non-working day: moved forward.")
        if RULES[code].note:
            lines.append(f"Note: {RULES[code].note}")
        self.stdout.write("\n".join(lines))
