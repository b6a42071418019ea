"""Measure the letter reader on a labelled set of letters: render each letter to the form a
person would upload (a PDF with text, a scanned PDF, a photo), read it, compare with its labels.

Used by ``python manage.py benchmark_reading`` and by the tests, so both measure the same thing.
"""

from __future__ import annotations

import html
import random
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .extract import Reading, normalize_text, read_text
from .text import letter_text

FIELDS = (
    "event_kind",
    "outcome",
    "tracking_numbers",
    "letter_date",
    "exemptions",
    "appeal_days",
)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "scan": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
SCAN_DPI = 200


@dataclass(frozen=True)
class Letter:
    id: str
    split: str
    language: str
    agency: str
    form: str
    text: str
    labels: dict[str, Any]


def load_corpus(path: Path) -> list[Letter]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    letters = []
    for item in data["letters"]:
        labels = dict(item["labels"])
        if isinstance(labels.get("letter_date"), date):
            labels["letter_date"] = labels["letter_date"].isoformat()
        labels["tracking_numbers"] = [str(v) for v in labels.get("tracking_numbers") or []]
        letters.append(
            Letter(
                id=item["id"],
                split=item["split"],
                language=item["language"],
                agency=item["agency"],
                form=item["form"],
                text=item["text"],
                labels=labels,
            )
        )
    return letters


def letter_html(letter: Letter) -> str:
    blocks = [b.strip() for b in letter.text.strip().split("\n\n")]
    paragraphs = "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in block.splitlines()) + "</p>"
        for block in blocks
        if block
    )
    return (
        f'<!doctype html><html lang="{letter.language}"><head><meta charset="utf-8">'
        "<title>Letter</title><style>@page { size: Letter; margin: 2.2cm 2.4cm } "
        "body { font-family: 'DejaVu Serif', serif; font-size: 10.5pt; line-height: 1.35 } "
        "p { margin: 0 0 .8em }</style></head>"
        f"<body>{paragraphs}</body></html>"
    )


def _pdf_bytes(letter: Letter) -> bytes:
    from weasyprint import HTML

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict:
        raise ValueError(f"letters fetch nothing: {url}")

    return HTML(string=letter_html(letter), url_fetcher=refuse).write_pdf()


def _degrade(image: Any, seed: str) -> Any:
    """Make a clean page look scanned: a slight tilt, speckles, a little blur and grey."""
    from PIL import ImageFilter

    rng = random.Random(seed)
    image = image.convert("L").rotate(rng.uniform(-1.2, 1.2), expand=True, fillcolor=255)
    pixels = image.load()
    width, height = image.size
    for _ in range(width * height // 400):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 90, 160))
    image = image.filter(ImageFilter.GaussianBlur(radius=0.6))
    return image.point(lambda value: min(255, int(value * 0.92 + 14)))


def render(letter: Letter, folder: Path) -> Path:
    """Write the letter in its form (``pdf``, ``scan``, ``jpeg``, ``png``); return the file."""
    pdf = _pdf_bytes(letter)
    if letter.form == "pdf":
        path = folder / f"{letter.id}.pdf"
        path.write_bytes(pdf)
        return path
    from PIL import Image

    source = folder / f"{letter.id}.source.pdf"
    source.write_bytes(pdf)
    prefix = folder / f"{letter.id}.page"
    subprocess.run(
        ["pdftoppm", "-r", str(SCAN_DPI), "-png", "-f", "1", "-l", "1", str(source), str(prefix)],
        check=True,
        capture_output=True,
    )
    page = sorted(folder.glob(f"{letter.id}.page*.png"))[0]
    image = _degrade(Image.open(page), letter.id)
    if letter.form == "scan":
        path = folder / f"{letter.id}.pdf"
        image.save(path, format="PDF", resolution=SCAN_DPI)
    elif letter.form == "jpeg":
        path = folder / f"{letter.id}.jpg"
        image.save(path, format="JPEG", quality=72)
    else:
        path = folder / f"{letter.id}.png"
        image.save(path, format="PNG")
    return path


def _normalized_refs(values: Iterable[str]) -> set[str]:
    return {"".join(v.split()).upper() for v in values}


@dataclass
class Result:
    letter: Letter
    reading: Reading
    seconds: float
    pages: int
    ocr: bool
    correct: dict[str, bool] = field(default_factory=dict)
    exemption_counts: tuple[int, int, int] = (0, 0, 0)  # true positives, predicted, expected


def score(letter: Letter, reading: Reading) -> tuple[dict[str, bool], tuple[int, int, int]]:
    labels = letter.labels
    data = reading.as_json()
    correct = {
        "event_kind": data["event_kind"] == labels["event_kind"],
        "outcome": data["outcome"] == labels.get("outcome"),
        "letter_date": data["letter_date"] == labels.get("letter_date"),
        "tracking_numbers": _normalized_refs(data["tracking_numbers"])
        == _normalized_refs(labels["tracking_numbers"]),
        "exemptions": set(data["exemptions"]) == set(labels.get("exemptions") or []),
        "appeal_days": (data["appeal_days"], data["appeal_unit"])
        == (labels.get("appeal_days"), labels.get("appeal_unit")),
    }
    predicted, expected = set(data["exemptions"]), set(labels.get("exemptions") or [])
    return correct, (len(predicted & expected), len(predicted), len(expected))


def evaluate(letters: Iterable[Letter], folder: Path | None = None) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="dsar-corpus-") as tmp:
        work = folder or Path(tmp)
        for letter in letters:
            path = render(letter, work)
            started = time.perf_counter()
            text = letter_text(path, CONTENT_TYPES[letter.form])
            reading = read_text(normalize_text(text.text), agency=letter.agency)
            seconds = time.perf_counter() - started
            result = Result(letter, reading, seconds, text.pages, text.ocr)
            result.correct, result.exemption_counts = score(letter, reading)
            results.append(result)
    return results


def summary(results: list[Result]) -> dict[str, float]:
    """Per-field accuracy (share of letters right), exemptions F1 (micro) and time per page."""
    figures: dict[str, float] = {}
    if not results:
        return figures
    for name in FIELDS:
        figures[name] = sum(r.correct[name] for r in results) / len(results)
    tp = sum(r.exemption_counts[0] for r in results)
    predicted = sum(r.exemption_counts[1] for r in results)
    expected = sum(r.exemption_counts[2] for r in results)
    precision = tp / predicted if predicted else 1.0
    recall = tp / expected if expected else 1.0
    figures["exemptions_f1"] = (
        2 * precision * recall / (precision + recall) if precision + recall else 0.0
    )
    return figures
