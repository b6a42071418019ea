"""The reader on the labelled letters, rendered as a person would upload them (text PDFs, scanned
PDFs, photos), OCR included: the targets hold on the letters the cues were not written against."""

import shutil
from pathlib import Path

import pytest

from dsar.responses.evaluation import FIELDS, evaluate, load_corpus, summary
from tests.conftest import require_service

CORPUS = Path(__file__).parent / "corpus" / "letters.yaml"


@pytest.fixture(scope="module")
def results():
    require_service("tesseract", bool(shutil.which("tesseract")))
    require_service("poppler-utils", bool(shutil.which("pdftotext")))
    return evaluate(load_corpus(CORPUS))


def test_the_corpus_covers_every_kind_both_languages_and_every_form():
    letters = load_corpus(CORPUS)
    assert len(letters) >= 30
    kinds = {(letter.language, letter.labels["event_kind"]) for letter in letters}
    for language in ("en", "es"):
        for kind in (
            "acknowledged",
            "info_requested",
            "fee_notice",
            "extension_notice",
            "determination",
            "appeal_decided",
        ):
            assert (language, kind) in kinds
    assert {letter.form for letter in letters} == {"pdf", "scan", "jpeg", "png"}
    assert sum(letter.split == "heldout" for letter in letters) >= 15


def test_held_out_letters_meet_the_accuracy_targets(results):
    figures = summary([r for r in results if r.letter.split == "heldout"])
    for name in ("event_kind", "outcome", "tracking_numbers", "letter_date"):
        assert figures[name] >= 0.9, (name, figures)
    assert figures["exemptions_f1"] >= 0.9, figures


def test_scans_and_photos_are_read_by_ocr(results):
    scanned = [r for r in results if r.letter.form != "pdf"]
    assert scanned and all(r.ocr for r in scanned)
    assert all(not r.ocr for r in results if r.letter.form == "pdf")
    # OCR must actually read them: most scanned letters come out right on every field.
    fully_right = [r for r in scanned if all(r.correct[name] for name in FIELDS)]
    assert len(fully_right) >= 0.8 * len(scanned)
