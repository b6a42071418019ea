"""The reader's cues, one rule at a time: every agency reference format (from its data), every way
of citing an exemption, dates in both languages, the appeal window and its unit."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from dsar.responses.extract import REFERENCE_FORMATS, normalize_text, read_text


def formats():
    data = yaml.safe_load(Path(REFERENCE_FORMATS).read_text(encoding="utf-8"))
    for agency, items in data["agencies"].items():
        for item in items:
            yield agency, item


@pytest.mark.parametrize(("agency", "fmt"), list(formats()), ids=lambda v: str(v)[:40])
def test_every_agency_reference_format_reads_its_own_example(agency, fmt):
    example = str(fmt["example"])
    text = f"Dear requester,\n\nWe write about your request.\n\n{example}\n\nSincerely"
    reading = read_text(text, agency=agency)
    printed = example.split(":", 1)[1].strip() if ":" in example else example
    printed = printed.replace("Radicado No. ", "").replace("Radicado ", "").replace("Folio ", "")
    printed = printed.replace("Expediente ", "")
    assert printed in reading.tracking_numbers


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        ("withheld under (b)(6)", ["(b)(6)"]),
        ("withheld under Exemption 6", ["(b)(6)"]),
        ("pursuant to 5 U.S.C. § 552(b)(7)(C)", ["(b)(7)(C)"]),
        ("under Exemptions 6, 7(C) and 7(E)", ["(b)(6)", "(b)(7)(C)", "(b)(7)(E)"]),
        ("exempt under 5 U.S.C. 552a(k)(2)", ["(k)(2)"]),
        ("exempt under subsection (j)(2) of the Privacy Act", ["(j)(2)"]),
        ("Exemption (b) (7) (e) was applied", ["(b)(7)(E)"]),
        ("con fundamento en la exención (b)(6)", ["(b)(6)"]),
    ],
)
def test_exemptions_are_normalized_however_they_are_written(cited, expected):
    text = f"Dear Ms. Doe:\n\nPages were withheld in part. Portions were {cited}.\n"
    assert sorted(read_text(text).exemptions) == sorted(expected)


def test_no_exemption_is_invented_from_other_statute_subsections():
    text = "Dear Ms. Doe:\n\nUnder 5 U.S.C. 552(a)(6)(A) you may appeal. See 552(a)(4)(B)."
    assert read_text(text).exemptions == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("November 3, 2026", date(2026, 11, 3)),
        ("Nov. 3, 2026", date(2026, 11, 3)),
        ("3 November 2026", date(2026, 11, 3)),
        ("11/03/2026", date(2026, 11, 3)),
        ("Date: 2026-11-03", date(2026, 11, 3)),
    ],
)
def test_english_letter_dates(line, expected):
    text = f"Agency\n{line}\n\nDear Mr. Roe:\n\nYour request dated October 1, 2026 was received."
    assert read_text(text).letter_date == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ciudad de México, a 9 de junio de 2026", date(2026, 6, 9)),
        ("Bogotá D.C., 3 de marzo de 2026", date(2026, 3, 3)),
        ("Fecha: 03/02/2026", date(2026, 2, 3)),  # día/mes/año
    ],
)
def test_spanish_letter_dates(line, expected):
    text = f"Instituto\n{line}\n\nEstimada señora:\n\nEn respuesta a su solicitud del 2 de mayo."
    reading = read_text(text)
    assert reading.language == "es"
    assert reading.letter_date == expected


def test_the_request_date_is_not_taken_for_the_letter_date():
    text = "Dear Ms. Doe:\n\nThis acknowledges receipt of your request dated September 2, 2026."
    assert read_text(text).letter_date is None


@pytest.mark.parametrize(
    ("sentence", "days", "unit"),
    [
        ("Your appeal must be postmarked within 90 working days of this letter.", 90, "working"),
        ("You may appeal within ninety (90) days from the date of this letter.", 90, "calendar"),
        ("You may appeal within 90 business days.", 90, "working"),
        (
            "Podrá interponer recurso de revisión dentro de los quince días hábiles siguientes.",
            15,
            "working",
        ),
        ("Podrá presentar el recurso dentro de los 30 días naturales siguientes.", 30, "calendar"),
    ],
)
def test_appeal_window_and_its_unit(sentence, days, unit):
    reading = read_text(f"Dear requester,\n\nThe records are withheld in full. {sentence}")
    assert (reading.appeal_days, reading.appeal_unit) == (days, unit)


def test_a_time_limit_that_is_not_for_an_appeal_is_not_an_appeal_window():
    text = (
        "Dear requester,\n\nPlease provide a Certification of Identity. If we do not receive it "
        "within 30 calendar days, we will close your request."
    )
    assert read_text(text).appeal_days is None


def test_an_a_number_is_not_a_tracking_number():
    text = "Dear requester,\n\nFile No. A123456789. Request Number: 2026-HQFO-00123."
    assert read_text(text, agency="dhs").tracking_numbers == ["2026-HQFO-00123"]


def test_a_number_on_the_subject_line_is_read_whatever_agency_wrote():
    # A request referred to another agency: the letter comes from CBP, the proceeding is OBIM's.
    text = normalize_text(
        "September 14, 2026\n\nRe: CBP-2026-081442\n\nDear Ms. Torres:\n\nThis letter "
        "acknowledges receipt of your request. We are reviewing records received on 3 August."
    )
    assert read_text(text, agency="obim").tracking_numbers == ["CBP-2026-081442"]
    # "Re:" introducing words, or inside a sentence, is not a number.
    assert (
        read_text(
            "Re: Freedom of Information Act request\n\nDear Sir:", agency="obim"
        ).tracking_numbers
        == []
    )
    assert read_text("Dear Sir:\n\nWe are: 2026-77 ready.", agency="obim").tracking_numbers == []


def test_evidence_points_at_the_text_that_supports_each_value():
    text = normalize_text(
        "November 3, 2026\n\nRe: CBP-2026-012345\n\nDear Ms. Doe:\n\nNo responsive records were "
        "located. You may appeal within 90 working days."
    )
    reading = read_text(text, agency="cbp")
    assert reading.event_kind == "determination"
    assert reading.outcome == "no_records"
    fields = {e.field for e in reading.evidence}
    assert {"event_kind", "outcome", "letter_date", "tracking_numbers", "appeal_window"} <= fields
    for item in reading.evidence:
        assert text[item.start : item.end] == item.text


def test_an_empty_or_meaningless_text_proposes_nothing():
    reading = read_text("lorem ipsum dolor sit amet")
    assert reading.event_kind is None
    assert reading.outcome is None
    assert reading.tracking_numbers == []
    assert reading.confidence < 0.5


def test_a_statute_citation_after_an_exemption_list_is_not_another_exemption():
    text = "Dear Ms. Doe:\n\nWithheld in part under Exemptions 6 and 7(C), 5 U.S.C. 552(b)(6)."
    assert sorted(read_text(text).exemptions) == ["(b)(6)", "(b)(7)(C)"]
