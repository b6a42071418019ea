"""Accuracy and speed of the letter reader on the labelled letters in tests/responses/corpus.

Prints per-field accuracy for the held-out letters (those the cues were not written against) and
for all letters, exemptions F1, and the time per page for text PDFs and for scans and photos.
"""

import statistics
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dsar.responses.evaluation import FIELDS, evaluate, load_corpus, summary
from dsar.responses.text import tools_missing

DEFAULT_CORPUS = Path(settings.BASE_DIR) / "tests" / "responses" / "corpus" / "letters.yaml"


class Command(BaseCommand):
    help = "Measure the letter reader: per-field accuracy and time per page."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
        parser.add_argument("--verbose", action="store_true", help="one line per letter")

    def handle(self, *args, **options):
        missing = tools_missing()
        if missing:
            raise CommandError("missing: " + ", ".join(missing))
        letters = load_corpus(options["corpus"])
        results = evaluate(letters)
        if options["verbose"]:
            for r in results:
                wrong = [name for name, ok in r.correct.items() if not ok]
                self.stdout.write(
                    f"{r.letter.id:34s} {r.letter.split:8s} {r.letter.form:5s} "
                    f"{r.seconds / r.pages:6.2f} s/page  wrong: {', '.join(wrong) or '-'}"
                )
        held = [r for r in results if r.letter.split == "heldout"]
        self.stdout.write(
            f"letters: {len(results)} ({len(held)} held out; "
            f"{sum(r.letter.language == 'es' for r in results)} in Spanish; "
            f"{sum(r.ocr for r in results)} scanned or photographed)"
        )
        self.stdout.write(f"{'field':18s} {'held-out':>9s} {'all':>9s}")
        held_figures, all_figures = summary(held), summary(results)
        for name in (*FIELDS, "exemptions_f1"):
            self.stdout.write(
                f"{name:18s} {held_figures[name]:9.1%} {all_figures[name]:9.1%}"
                if name != "exemptions_f1"
                else f"{name:18s} {held_figures[name]:9.2f} {all_figures[name]:9.2f}"
            )
        for label, group in (
            ("text PDF", [r for r in results if not r.ocr]),
            ("scan or photo", [r for r in results if r.ocr]),
        ):
            per_page = [r.seconds / r.pages for r in group]
            if per_page:
                self.stdout.write(
                    f"time per page, {label}: median {statistics.median(per_page):.2f} s, "
                    f"max {max(per_page):.2f} s ({len(per_page)} letters)"
                )
