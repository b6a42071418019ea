"""Render every letter template for the demo cases, in every language, into a directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dsar.cases.models import Case, Proceeding
from dsar.letters import registry
from dsar.letters.context import PLACEHOLDER, clean_inputs, prefill
from dsar.letters.models import LetterRequest
from dsar.letters.pdf import html_to_pdf
from dsar.letters.registry import FIELDS
from dsar.letters.selectors import letter_fits
from dsar.letters.services import letter_html

DEMO_TEXT = {
    "addressee_address": "Appeals Officer\n(address given in the agency's determination letter)",
    "records_sought": "All records about my entries and exits, including biometric matches.",
    "what_is_wrong": "The record attributes to me an event that concerns another person.",
    "what_it_should_say": "The entry should be removed from my record.",
    "complaint_facts": "The controller has not answered my request within the time limit.",
}


class Command(BaseCommand):
    help = "Render every letter template for the demo cases, in every language, into --out."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Use the demo cases.")
        parser.add_argument("--out", required=True, help="Directory for the PDFs.")

    def handle(self, *args, demo: bool, out: str, **options):
        if not demo:
            raise CommandError("Only --demo is supported.")
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        from dsar.cases.demo import DEMO_EMAIL, demo_load

        if not Case.objects.filter(owner__email=DEMO_EMAIL).exists():
            demo_load()
        proceedings = list(
            Proceeding.objects.filter(case__owner__email=DEMO_EMAIL)
            .select_related("case", "regime", "agency", "agency__parent", "record_system")
            .order_by("pk")
        )
        if not proceedings:
            raise CommandError("The demo has no proceedings.")
        count = 0
        for spec in registry.LETTERS:
            proceeding, fits = self._pick(spec, proceedings)
            for language in spec.languages:
                inputs = prefill(spec, proceeding, language)
                for name in spec.fields:
                    value = inputs.get(name)
                    unfilled = isinstance(value, str) and PLACEHOLDER.search(value)
                    if (FIELDS[name].required and not value) or unfilled:
                        inputs[name] = DEMO_TEXT.get(name, "—")
                letter_request = LetterRequest(
                    case=proceeding.case,
                    proceeding=proceeding,
                    code=spec.code,
                    language=language,
                    inputs=clean_inputs(spec, inputs),
                )
                path = out_dir / f"{spec.code}.{language}.pdf"
                path.write_bytes(html_to_pdf(letter_html(letter_request)))
                count += 1
                note = "" if fits else " (template preview: no demo proceeding in that state)"
                self.stdout.write(f"{path}  ← {proceeding}{note}")
        for case in Case.objects.filter(owner__email=DEMO_EMAIL).order_by("pk"):
            for language in registry.CASE_REPORT.languages:
                letter_request = LetterRequest(
                    case=case, code=registry.CASE_REPORT.code, language=language, inputs={}
                )
                path = out_dir / f"case-report-{case.pk}.{language}.pdf"
                path.write_bytes(html_to_pdf(letter_html(letter_request)))
                count += 1
                self.stdout.write(f"{path}  ← {case}")
        self.stdout.write(self.style.SUCCESS(f"{count} PDFs written to {out_dir}"))

    @staticmethod
    def _pick(spec, proceedings):
        for proceeding in proceedings:
            if letter_fits(spec, proceeding):
                return proceeding, True
        for proceeding in proceedings:
            if proceeding.regime.code in spec.regimes and proceeding.case.subject_address:
                return proceeding, False
        with_address = [p for p in proceedings if p.case.subject_address]
        return (with_address or proceedings)[0], False
