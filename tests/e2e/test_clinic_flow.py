"""A clinic's day, in English and in Spanish: a plan becomes a case about the client, a letter
goes out without hand edits where the directory has the address, and the reminder and the
calendar entry name the client. axe-core checks the pages on the way (0 violations)."""

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from dsar.cases.models import Case
from dsar.reminders.services import calendar_token_issue, reminder_deliver, reminders_sweep
from tests.conftest import require_service
from tests.e2e.test_case_flow import sign_up, switch_language
from tests.factories import days_ago

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(os.environ.get("DSAR_AXE_JS") or Path(__file__).parents[2] / "var/axe/axe.min.js")
CLIENT = "María Fernanda López Ruiz"

TEXT = {
    "en": {"save": "Save as a new case", "record": "Record", "reader": None},
    "es": {
        "save": "Guardar como nuevo caso",
        "record": "Registrar",
        "reader": "Traducción para su lectura",
    },
}


@pytest.fixture(autouse=True)
def directory_loaded(db):
    from dsar.directory.services import directory_load

    directory_load()


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context may inject axe-core (the site's CSP forbids inline scripts)."""
    require_service("axe-core (npm pack axe-core)", AXE_JS.is_file(), f"{AXE_JS} not found")
    context = browser.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}));
        }"""
    )
    return result


def check_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{where}: {json.dumps(violations)[:800]}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_to_case_to_letter_to_reminder_naming_the_client(axe_page, language, tmp_path):
    page = axe_page
    text = TEXT[language]
    sign_up(page, f"advocate-{language}@example.org")
    if language == "es":
        switch_language(page, "es")
    check_accessible(page, "dashboard")

    # 1. The planner, then the case about the client (not about the advocate).
    page.goto("/plan/")
    check_accessible(page, "plan form")
    page.select_option("#id_situation", "us-border-face-match")
    page.fill("#id_nationality", "MX")
    page.select_option("#id_us_status", "none")
    page.fill("#id_residence", "MX")
    page.locator("#plan-submit").click()
    expect(page.locator("#plan-proposals")).to_be_visible()
    # Saving without saying whom the case is about is refused, and the focus goes to the
    # error summary.
    page.locator("#plan-save").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check_accessible(page, "plan result with errors")
    assert not Case.objects.exists()
    page.fill("#id_client_name", CLIENT)
    page.fill("#id_client_address", "Av. Insurgentes Sur 1234\n03100 Ciudad de México")
    page.fill("#id_client_email", "maria@example.org")
    page.fill("#id_client_date_of_birth", "1988-05-17")
    page.get_by_role("button", name=text["save"]).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert case.subject_name == CLIENT and case.owner.email != CLIENT
    assert CLIENT in case.title
    expect(page.locator("#case-client")).to_have_text(CLIENT)
    check_accessible(page, "case detail")
    cbp = case.proceedings.get(regime__code="us-foia", agency__code="cbp")
    obim = case.proceedings.get(regime__code="us-foia", agency__code="obim")
    assert cbp.record_system is not None

    # 2. The letter to CBP: the directory has its address; nothing to edit.
    page.goto(f"/letters/proceeding/{cbp.pk}/foia-access/{language}/")
    check_accessible(page, "letter form")
    expect(page.locator("#id_addressee_address")).to_have_value(re.compile("90 K St NE"))
    expect(page.locator("#addressee-status")).to_be_visible()
    page.screenshot(path=f"/tmp/dsar-e2e-letter-form-{language}.png", full_page=True)
    page.locator("form.form-grid button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/letters/request/\d+/$"))
    download_link = page.locator("a[href*='/documents/']").first
    expect(download_link).to_be_visible()
    pdf = page.request.get(download_link.get_attribute("href"))
    assert pdf.ok
    pdf_path = tmp_path / f"letter-{language}.pdf"
    pdf_path.write_bytes(pdf.body())
    text_out = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert CLIENT in text_out and "90 K St NE" in text_out
    assert "[[" not in text_out
    if text["reader"]:
        assert text["reader"] in text_out
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf_path), f"{tmp}/p"], check=True)
        for png in sorted(Path(tmp).glob("*.png")):
            Path(f"/tmp/dsar-e2e-letter-{language}-{png.name}").write_bytes(png.read_bytes())

    # Where the directory has no address, the form says where to find it.
    page.goto(f"/letters/proceeding/{obim.pk}/foia-access/{language}/")
    expect(page.locator("#addressee-missing")).to_be_visible()
    expect(page.locator("#addressee-missing a").last).to_have_attribute(
        "href", "/directory/agencies/obim/"
    )

    # 3. The request is filed; its deadline reminds the advocate, naming the client.
    page.goto(f"/cases/proceedings/{cbp.pk}/")
    page.locator("#id_kind").select_option("filed")
    page.fill("#id_occurred_on", days_ago(35).isoformat())
    page.get_by_role("button", name=text["record"]).click()
    expect(page.locator(".messages")).to_be_visible()
    for reminder_id in reminders_sweep().selected:
        reminder_deliver(reminder_id=reminder_id)
    page.goto("/notifications/")
    expect(page.locator(".notification-list")).to_contain_text(CLIENT)
    check_accessible(page, "notifications")
    page.goto("/cases/agenda/?days=30")
    expect(page.locator(".agenda-client h2").first).to_contain_text(CLIENT)
    check_accessible(page, "agenda")
    page.screenshot(path=f"/tmp/dsar-e2e-agenda-{language}.png", full_page=True)
    token = calendar_token_issue(user=case.owner)
    feed = icalendar.Calendar.from_ical(page.request.get(f"/calendar/{token}.ics").body())
    summaries = [str(event["SUMMARY"]) for event in feed.walk("VEVENT")]
    assert summaries and all(CLIENT in summary for summary in summaries)
    if language == "es":
        assert any(summary.startswith("Vence la respuesta FOIA") for summary in summaries)
    page.goto(f"/cases/clients/{case.pk}/")
    expect(page.locator("h1")).to_have_text(CLIENT)
    check_accessible(page, "client page")


def test_an_untouched_event_form_records_nothing(axe_page):
    page = axe_page
    sign_up(page, "careful@example.org")
    page.goto("/plan/")
    page.select_option("#id_situation", "us-border-face-match")
    page.fill("#id_nationality", "MX")
    page.locator("#plan-submit").click()
    page.check("#id_for_myself")
    page.locator("#plan-save").click()
    case = Case.objects.get()
    proceeding = case.proceedings.first()
    page.goto(f"/cases/proceedings/{proceeding.pk}/")
    expect(page.locator("#id_kind")).to_have_value("")
    expect(page.locator("#id_occurred_on")).to_have_value("")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert not proceeding.events.exists()
    check_accessible(page, "event form with errors")
