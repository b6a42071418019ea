"""Every letter template, rendered to PDF, carries its statutory elements and fits the page."""

import datetime
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dsar.accounts.services import consent_record
from dsar.letters import registry, services
from dsar.letters.context import DECLARATION_INSIDE_US, DECLARATION_OUTSIDE_US
from tests.letters.conftest import pdf_bytes, pdf_text
from tests.letters.factories import proceeding_for, sample_inputs

EXPECTED = {
    ("foia-access", "en"): ["5 U.S.C. § 552", "Certification of Identity", "28 U.S.C. § 1746"],
    ("foia-access", "es"): ["5 U.S.C. § 552", "Traducción para su lectura", "28 U.S.C. § 1746"],
    ("foia-pa-access", "en"): [
        "5 U.S.C. § 552a(d)(1)",
        "Certification of Identity",
        "I am a lawful permanent resident of the United States",
    ],
    ("pa-amendment", "en"): ["5 U.S.C. § 552a(d)(2)", "What the record should say"],
    ("dhs-trip-cover", "en"): ["DHS TRIP", "Redress Control Number"],
    ("fbi-idhs-request", "en"): ["28 CFR 16.32", "FD-258"],
    ("fbi-idhs-challenge", "en"): ["28 CFR 16.34"],
    ("gdpr-access", "en"): ["Article 15(1)(h)", "C-203/22", "meaningful information"],
    ("gdpr-access", "es"): ["artículo 15(1)(h)", "C-203/22", "información significativa"],
    ("gdpr-rectification", "en"): ["Article 16", "Article 18(1)(a)"],
    ("gdpr-rectification", "es"): ["artículo 16", "artículo 19"],
    ("gdpr-objection", "en"): ["Article 21(1)", "Article 22(3)", "human intervention"],
    ("gdpr-objection", "es"): ["artículo 21", "intervención humana"],
    ("ees-request", "en"): ["Article 52 of Regulation (EU) 2017/2226", "45 days"],
    ("ees-request", "es"): ["artículo 52 del Reglamento (UE) 2017/2226", "45 días"],
    ("mx-arco", "es"): [
        "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados",
        "ARCO",
        "identificación oficial",
    ],
    ("co-consulta", "es"): ["artículo 14 de la Ley 1581 de 2012", "diez (10) días hábiles"],
    ("co-reclamo", "es"): ["artículo 15 de la Ley 1581 de 2012", "reclamo en trámite"],
    ("status-inquiry", "en"): ["the time limit has passed", "CBP-OT-2026-081234"],
    ("status-inquiry", "es"): ["el plazo ha vencido", "CBP-OT-2026-081234"],
    ("foia-appeal", "en"): ["Freedom of Information Act Appeal", "(b)(7)(E)", "CBP-OT-2026-081234"],
    ("ogis-mediation", "en"): ["5 U.S.C. § 552(h)", "Office of Government Information Services"],
    ("pa-amendment-appeal", "en"): ["5 U.S.C. § 552a(d)(3)", "30 working days"],
    ("pa-statement-disagreement", "en"): ["statement of disagreement", "5 U.S.C. § 552a(d)(4)"],
    ("dpa-complaint", "en"): ["Article 77", "Article 78(2)"],
    ("dpa-complaint", "es"): ["artículo 77", "artículo 78"],
    # Spanish reading copies of the letters filed in English.
    ("foia-pa-access", "es"): ["5 U.S.C. § 552a(d)(1)", "Traducción para su lectura"],
    ("pa-amendment", "es"): ["5 U.S.C. § 552a(d)(2)", "Qué debería decir el registro"],
    ("dhs-trip-cover", "es"): ["DHS TRIP", "Traducción para su lectura"],
    ("fbi-idhs-request", "es"): ["28 CFR 16.32", "FD-258", "Traducción para su lectura"],
    ("fbi-idhs-challenge", "es"): ["28 CFR 16.34", "Traducción para su lectura"],
    ("foia-appeal", "es"): ["Recurso administrativo", "(b)(7)(E)", "Traducción para su lectura"],
    ("ogis-mediation", "es"): ["5 U.S.C. § 552(h)", "Traducción para su lectura"],
    ("pa-amendment-appeal", "es"): ["5 U.S.C. § 552a(d)(3)", "30 días hábiles"],
    ("pa-statement-disagreement", "es"): ["Declaración de desacuerdo", "5 U.S.C. § 552a(d)(4)"],
}

VARIANTS = [(spec, lang) for spec in registry.LETTERS for lang in spec.languages]


def _render(spec, lang, user, **inputs):
    proceeding = proceeding_for(spec, user)
    if inputs.get("advocate_name"):
        # A letter filed by a representative needs the client's consent on file.
        consent_record(
            user=user,
            case=proceeding.case,
            scope="Requests for my biometric records and their appeals",
            regimes=[proceeding.regime],
            signed_on=datetime.date(2026, 1, 15),
        )
    letter_request = services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code=spec.code,
        language=lang,
        inputs=sample_inputs(spec, **inputs),
    )
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "ready", letter_request.error
    return letter_request


def test_every_variant_has_expected_strings():
    assert {(s.code, lang) for s, lang in VARIANTS} == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spec", "lang"), VARIANTS, ids=[f"{s.code}.{lang}" for s, lang in VARIANTS]
)
def test_letter_contains_its_statutory_elements(spec, lang, user):
    letter_request = _render(spec, lang, user)
    document = letter_request.document
    text = pdf_text(document)
    for expected in EXPECTED[(spec.code, lang)]:
        assert expected in text, f"{expected!r} missing from {spec.code}.{lang}"
    assert "[[" not in text
    reader = PdfReader(pdf_bytes(document))
    assert reader.metadata.title and "—" in reader.metadata.title
    assert reader.metadata.author
    assert str(reader.trailer["/Root"]["/Lang"]) == lang
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF
    assert document.kind == "letter" and document.language == lang
    assert len(reader.pages) <= 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spec", "lang"), VARIANTS, ids=[f"{s.code}.{lang}" for s, lang in VARIANTS]
)
def test_nothing_overflows_the_page(spec, lang, user, has_poppler):
    """Rasterise every page and check that the outer bands of the page (inside the paper
    margins) stay white: text that overflows its box would print there. Rendered with every
    optional part filled in, so the longest version of each letter is checked."""
    letter_request = _render(
        spec,
        lang,
        user,
        advocate_name="Rosa Díaz-Villanueva",
        advocate_organization="Border Rights Clinic of the Northern District",
        free_paragraph="An unbreakable reference: " + "X" * 120,
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "letter.pdf"
        pdf.write_bytes(letter_request.document.read_content())
        subprocess.run(
            ["pdftoppm", "-r", "40", "-gray", str(pdf), f"{tmp}/p"],
            check=True,
        )
        pages = sorted(Path(tmp).glob("p*.pgm"))
        assert pages
        for page in pages:
            width, height, pixels = _read_pgm(page)
            band = max(3, width // 30)  # about 7 mm of a 210 mm page: well inside the margin
            for y in range(height):
                row = pixels[y * width : (y + 1) * width]
                assert min(row[:band]) > 200, f"ink in the left margin of {page.name}"
                assert min(row[-band:]) > 200, f"ink in the right margin of {page.name}"


def _read_pgm(path: Path):
    data = path.read_bytes()
    stream = io.BytesIO(data)
    assert stream.readline().strip() == b"P5"
    line = stream.readline()
    while line.startswith(b"#"):
        line = stream.readline()
    width, height = (int(v) for v in line.split())
    stream.readline()  # maxval
    return width, height, stream.read()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("location", "declaration"),
    [("outside_us", DECLARATION_OUTSIDE_US), ("inside_us", DECLARATION_INSIDE_US)],
)
def test_certification_wording_follows_where_the_user_signs(user, location, declaration):
    spec = registry.letter_spec("foia-access")
    text = pdf_text(_render(spec, "en", user, signing_location=location).document)
    assert declaration in text
    if location == "inside_us":
        assert "under the laws of the United States of America" not in text


@pytest.mark.django_db
def test_sensitive_identifiers_only_where_needed(user):
    foia = pdf_text(_render(registry.letter_spec("foia-access"), "en", user).document)
    assert "G12345678" in foia and "A012345678" in foia and "May 17, 1988" in foia
    inquiry = pdf_text(_render(registry.letter_spec("status-inquiry"), "en", user).document)
    assert "G12345678" not in inquiry
    assert "A012345678" not in inquiry
    assert "1988" not in inquiry


@pytest.mark.django_db
def test_automated_decision_letters_ask_for_scores_thresholds_and_human_review(user):
    text = pdf_text(_render(registry.letter_spec("foia-access"), "en", user).document)
    assert "match scores" in text and "threshold" in text
    assert "vendor" in text and "human officer" in text


@pytest.mark.django_db
def test_third_party_consent_when_an_advocate_files(user):
    spec = registry.letter_spec("foia-access")
    text = pdf_text(
        _render(
            spec, "en", user, advocate_name="Rosa Díaz", advocate_organization="Border Clinic"
        ).document
    )
    assert "Consent to release to my representative" in text
    assert "Rosa Díaz" in text
    assert "signed on January 15, 2026" in " ".join(text.split())
    assert "Requests for my biometric records and their appeals" in " ".join(text.split())


@pytest.mark.django_db
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "lang", "heading"),
    [
        ("gdpr-access", "en", "Authorisation of representative"),
        ("mx-arco", "es", "Autorización de representación"),
    ],
)
def test_representative_authorisation_outside_the_us(user, code, lang, heading):
    spec = registry.letter_spec(code)
    text = pdf_text(_render(spec, lang, user, advocate_name="Rosa Díaz").document)
    assert heading in text and "Rosa Díaz" in text
    plain = pdf_text(_render(spec, lang, user, advocate_name="").document)
    assert heading not in plain


def test_expedited_processing_and_fee_waiver_cite_their_grounds(user):
    spec = registry.letter_spec("foia-access")
    text = pdf_text(
        _render(
            spec,
            "en",
            user,
            expedite="life_safety",
            expedite_explanation="I am at risk if deported.",
            fee_choice="waiver",
            fee_waiver_grounds="Public understanding of face recognition at the border.",
        ).document
    )
    assert "5 U.S.C. § 552(a)(6)(E)(v)(I)" in text
    assert "true and correct to the best of my knowledge and belief" in text
    assert "5 U.S.C. § 552(a)(4)(A)(iii)" in text


@pytest.mark.django_db
def test_case_report_lists_proceedings_clocks_and_events(user):
    spec = registry.letter_spec("status-inquiry")
    proceeding = proceeding_for(spec, user)
    letter_request = services.case_report_request(user=user, case=proceeding.case, language="en")
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "ready", letter_request.error
    assert letter_request.document.kind == "report"
    text = pdf_text(letter_request.document)
    assert "Case history" in text
    assert "Agency response due" in text and "Missed" in text
    assert "CBP-OT-2026-081234" in text
    assert "legal information, not legal advice" in text


def test_every_letter_has_a_spanish_version_marked_as_a_translation_when_filed_in_english():
    for spec in registry.LETTERS:
        assert "es" in spec.languages, spec.code
        if (
            "en" in spec.languages
            and spec.regimes
            and set(spec.regimes)
            <= {
                "us-foia",
                "us-dhs-foia",
                "us-privacy-act",
                "us-dhs-trip",
                "us-fbi-idhs",
            }
        ):
            assert "es" in spec.reader_languages, spec.code
            assert "traducción para su lectura" in spec.title_es, spec.code


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["foia-appeal", "foia-access", "gdpr-objection"])
def test_closing_and_signature_never_stand_alone_on_a_page(code, user, has_poppler, tmp_path):
    """Push the end of the letter across the page break with growing optional paragraphs: the
    page that carries the closing always carries body text above it too."""
    spec = registry.letter_spec(code)
    closing = "Sincerely,"
    for words in range(0, 700, 35):
        letter_request = _render(
            spec, "en", user, free_paragraph=" ".join(["Additional facts."] * words)
        )
        # The stored document is encrypted on disk: give pdftotext the decrypted PDF.
        path = tmp_path / f"{code}-{words}.pdf"
        path.write_bytes(letter_request.document.read_content())
        pages = len(PdfReader(path).pages)
        for number in range(1, pages + 1):
            text = subprocess.run(
                ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if closing in text:
                before = text.split(closing)[0]
                body_lines = [line for line in before.splitlines() if len(line.strip()) > 20]
                assert len(body_lines) >= 2, f"{code}: closing alone on page {number} ({words})"
