"""Read an agency's letter from the shell: ``python manage.py read_response FILE --json``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dsar.core.uploads import detect_content_type
from dsar.responses.extract import normalize_text, read_text
from dsar.responses.text import UnreadableLetter, letter_text


class Command(BaseCommand):
    help = "Read an agency's letter (PDF, JPEG or PNG) and print what it says."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--agency", default=None, help="the agency's directory code (e.g. cbp, fbi, obim)"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as handle:
            content_type = detect_content_type(handle.read()) or ""
        try:
            letter = letter_text(path, content_type)
        except UnreadableLetter as exc:
            raise CommandError(exc.message) from exc
        reading = read_text(normalize_text(letter.text), agency=options["agency"])
        data = reading.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for key in ("event_kind", "outcome", "letter_date", "tracking_numbers", "exemptions"):
            self.stdout.write(f"{key}: {data[key]}")
        if data["appeal_days"]:
            self.stdout.write(f"appeal window: {data['appeal_days']} {data['appeal_unit']} days")
        for key in ("fees", "estimated_completion"):
            if data[key]:
                self.stdout.write(f"{key}: {data[key]}")
        self.stdout.write(
            f"confidence: {data['confidence']} ({letter.pages} page(s), "
            f"{'OCR' if letter.ocr else 'text layer'}, {letter.seconds:.2f} s)"
        )
