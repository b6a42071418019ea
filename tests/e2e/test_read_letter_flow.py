"""In the browser: upload an agency's letter on a proceeding, see what was read with the evidence
marked, correct nothing, confirm, and find the event in the history — in English and Spanish."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dsar.cases import services as case_services
from dsar.cases.models import Event, EventKind
from dsar.responses.evaluation import load_corpus, render
from tests.conftest import verified_user
from tests.factories import AgencyFactory, ProceedingFactory, RegimeFactory

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).parents[1] / "responses" / "corpus" / "letters.yaml"
CASES = {
    # language: (letter id in the corpus, agency, regime, texts)
    "en": (
        "cbp-partial",
        "cbp",
        "us-foia",
        "Read the letter",
        "Confirm and record",
        "Determination",
    ),
    "es": (
        "inm-inexistencia",
        "segob",
        "mx-arco",
        "Leer la carta",
        "Confirmar y registrar",
        "Resolución",
    ),
}


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", "correct horse battery")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cases/"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_upload_read_confirm(page, language, tmp_path):
    letter_id, agency_code, regime_code, read_label, confirm_label, kind_label = CASES[language]
    letter = next(item for item in load_corpus(CORPUS) if item.id == letter_id)
    if language == "es":  # the Spanish flow uploads a photo, read by OCR
        letter = letter.__class__(**{**letter.__dict__, "form": "jpeg"})
    path = render(letter, tmp_path)
    user = verified_user(f"reader-{language}@example.org", language=language)
    proceeding = ProceedingFactory(
        case__owner=user,
        regime=RegimeFactory(code=regime_code),
        agency=AgencyFactory(code=agency_code, country="US" if language == "en" else "MX"),
    )
    case_services.proceeding_record_event(
        user=user, proceeding=proceeding, kind=EventKind.FILED, occurred_on=date(2026, 6, 1)
    )
    log_in(page, user.email)
    if language == "es":
        page.select_option("#lang-select", "es")
        page.locator(".lang-form button").click()
        expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(proceeding.get_absolute_url())
    page.set_input_files("#read-letter input[type=file]", str(path))
    page.get_by_role("button", name=read_label).click()

    expect(page.locator("mark.evidence").first).to_be_visible(timeout=30000)
    expect(page.locator("#id_kind")).to_have_value("determination")
    expected_date = letter.labels["letter_date"]
    expect(page.locator("#id_occurred_on")).to_have_value(expected_date)
    page.screenshot(path=str(tmp_path / f"reading-{language}.png"), full_page=True)
    assert Event.objects.filter(proceeding=proceeding).count() == 1  # nothing recorded yet

    page.get_by_role("button", name=confirm_label).click()
    expect(page).to_have_url(re.compile(rf"/cases/proceedings/{proceeding.pk}/"))
    expect(page.locator("#history-h + ul")).to_contain_text(kind_label)
    event = Event.objects.get(proceeding=proceeding, kind=EventKind.DETERMINATION)
    assert event.occurred_on.isoformat() == expected_date
    assert event.outcome == letter.labels["outcome"]
    assert event.documents.count() == 1
