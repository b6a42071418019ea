"""Propose the proceedings open to a person in a given situation."""

import json
import sys

from django.core.management.base import BaseCommand

from dsar.directory.planner import US_STATUSES, PlannerInputError, plan, situations


class Command(BaseCommand):
    help = (
        "Propose proceedings (regime, request type, agency…) for a situation. "
        "Legal information, not legal advice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--situation", required=True, help=", ".join(situations()))
        parser.add_argument("--nationality", required=True, help="ISO 3166 alpha-2 code, e.g. MX")
        parser.add_argument("--us-status", default="none", help="|".join(US_STATUSES))
        parser.add_argument("--residence", default="", help="ISO 3166 alpha-2 code")
        parser.add_argument(
            "--present-in", default="", help="where the person is now (ISO 3166 alpha-2 code)"
        )
        parser.add_argument(
            "--screened-us",
            action="store_true",
            help="stopped, delayed or sent to secondary screening travelling to the US",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON list")

    def handle(self, *args, **options):
        try:
            proposals = plan(
                options["situation"],
                options["nationality"],
                options["us_status"],
                options["residence"],
                present_in=options["present_in"],
                screened_us=options["screened_us"],
            )
        except PlannerInputError as exc:
            self.stderr.write(f"Error: {exc}")
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps([p.as_dict() for p in proposals], indent=2))
            return
        if not proposals:
            self.stdout.write("No proceeding found for this situation and these facts.")
            return
        for number, p in enumerate(proposals, start=1):
            target = p.agency + (f" / {p.record_system}" if p.record_system else "")
            self.stdout.write(f"{number}. {p.regime} — {p.request_type} — {target}")
            self.stdout.write(f"   Why: {p.why}")
            self.stdout.write(f"   Citation: {p.citation} [{p.status}]")
            if p.channel:
                self.stdout.write(f"   Channel: {p.channel}")
            if p.caveat:
                self.stdout.write(f"   Caveat: {p.caveat}")
        self.stdout.write("Legal information, not legal advice.")
