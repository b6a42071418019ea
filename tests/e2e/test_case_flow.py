import re

import pytest
from playwright.sync_api import expect

from dsar.cases.models import Case, Proceeding
from tests.e2e.conftest import enter_emailed_code
from tests.factories import AgencyFactory, RegimeFactory, days_ago

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {
        "new_case": "New case",
        "add_proceeding": "Add a proceeding",
        "record": "Record",
        "filed": "Request filed",
        "with_agency": "With the agency",
        "timeline": "Timeline",
        "refused": "An appeal decision can only be recorded after an appeal was filed.",
    },
    "es": {
        "new_case": "Nuevo caso",
        "add_proceeding": "Añadir un procedimiento",
        "record": "Registrar",
        "filed": "Solicitud presentada",
        "with_agency": "En trámite en la agencia",
        "timeline": "Cronología",
        "refused": "Solo se puede registrar la decisión de un recurso después de presentarlo.",
    },
}


def sign_up(page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_password1", "a-long passphrase 2026")
    page.fill("#id_password2", "a-long passphrase 2026")
    page.locator("form[action$='/accounts/signup/'] button[type=submit]").click()
    enter_emailed_code(page)
    expect(page).to_have_url(re.compile(r"/cases/$"))


def switch_language(page, code: str) -> None:
    page.select_option("#lang-select", code)
    page.locator(".lang-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("language", ["en", "es"])
def test_sign_up_create_case_add_proceeding_record_events(page, language):
    regime = RegimeFactory(code="us-dhs-trip", name="DHS TRIP", citation="49 CFR 1560.205")
    agency = AgencyFactory(
        code="dhs-trip", name="DHS Traveler Redress Inquiry Program", abbreviation="DHS TRIP"
    )
    text = TEXT[language]
    sign_up(page, f"person-{language}@example.org")
    if language == "es":
        switch_language(page, "es")

    page.get_by_role("link", name=text["new_case"]).first.click()
    page.fill("#id_title", "Face did not match at JFK")
    page.fill("#id_subject_name", "Ana María Pérez")
    page.fill("#id_subject_nationality", "MX")
    page.fill("#id_decision_date", "2026-08-14")
    page.fill("#id_decision_place", "JFK Terminal 4")
    page.fill("#id_decision_description", "Sent to secondary inspection twice.")
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator("h1")).to_have_text("Face did not match at JFK")

    page.get_by_role("link", name=text["add_proceeding"]).first.click()
    page.select_option("#id_regime", str(regime.pk))
    page.select_option("#id_request_type", "redress")
    page.select_option("#id_agency", str(agency.pk))
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator("#proceeding-status")).to_be_visible()

    page.select_option("#id_kind", "filed")
    page.fill("#id_occurred_on", days_ago(20).isoformat())
    page.select_option("#id_channel", "portal")
    page.get_by_role("button", name=text["record"], exact=True).click()
    expect(page.locator(".timeline").first).to_contain_text(text["filed"])

    page.select_option("#id_kind", "acknowledged")
    page.fill("#id_occurred_on", days_ago(18).isoformat())
    page.fill("#id_tracking_number", "RCN-2026-0042")
    page.get_by_role("button", name=text["record"], exact=True).click()
    expect(page.locator("#proceeding-status")).to_contain_text(text["with_agency"])

    # A nonsensical event is refused with the reason, and nothing changes.
    page.select_option("#id_kind", "note")
    page.evaluate(
        "document.querySelector('#id_kind').add(new Option('x', 'appeal_decided', true, true))"
    )
    page.select_option("#id_outcome", "granted")
    page.fill("#id_occurred_on", days_ago(1).isoformat())
    page.get_by_role("button", name=text["record"], exact=True).click()
    expect(page.locator(".alert-error, .errorlist").first).to_contain_text(text["refused"])

    proceeding = Proceeding.objects.get()
    assert proceeding.status == "in_progress"
    assert proceeding.tracking_numbers == "RCN-2026-0042"

    page.goto(Case.objects.get().get_absolute_url())
    expect(page.get_by_role("heading", name=text["timeline"])).to_be_visible()
    timeline = page.locator("section[aria-labelledby=timeline-h] .timeline")
    expect(timeline.locator("li")).to_have_count(2)
    expect(timeline).to_contain_text("RCN-2026-0042")
    page.screenshot(path=f"/tmp/dsar-e2e-case-{language}.png", full_page=True)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
