import re

import pytest
from playwright.sync_api import expect

from dsar.cases.models import Case
from tests.e2e.conftest import enter_emailed_code
from tests.e2e.test_case_flow import switch_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def directory_loaded(db):
    from dsar.directory.services import directory_load

    directory_load()


@pytest.mark.parametrize("language", ["en", "es"])
def test_planner_proposes_routes_and_saves_them_as_a_case(page, language):
    page.goto("/plan/")
    if language == "es":
        switch_language(page, "es")
    page.select_option("#id_situation", "us-border-face-match")
    page.fill("#id_nationality", "MX")
    page.select_option("#id_us_status", "none")
    page.fill("#id_residence", "MX")
    page.locator("#plan-submit").click()

    proposals = page.locator("#plan-proposals > li")
    expect(proposals.first).to_be_visible()
    regimes = {proposals.nth(i).get_attribute("data-regime") for i in range(proposals.count())}
    assert "us-foia" in regimes and "us-dhs-trip" in regimes
    assert "us-privacy-act" not in regimes  # a foreign national has no Privacy Act rights
    if language == "es":
        expect(page.locator("#plan-proposals")).to_contain_text("FOIA")
        expect(page.locator("html")).to_have_attribute("lang", "es")

    # Anonymous: sign up, come back to the same plan, save it.
    page.locator("#plan-signup").click()
    page.fill("#id_email", f"planner-{language}@example.org")
    page.fill("#id_password1", "a-long passphrase 2026")
    page.fill("#id_password2", "a-long passphrase 2026")
    page.locator("form[action*='/accounts/signup/'] button[type=submit]").click()
    enter_emailed_code(page)
    expect(page.locator("#plan-save")).to_be_visible()
    page.fill("#id_client_name", "Ana Torres")
    page.locator("#plan-save").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))

    case = Case.objects.get()
    assert case.subject_name == "Ana Torres"
    saved = set(case.proceedings.values_list("regime__code", flat=True))
    assert saved == regimes
    assert set(case.proceedings.values_list("status", flat=True)) == {"draft"}
    expect(page.locator("section[aria-labelledby=proceedings-h] article")).to_have_count(
        case.proceedings.count()
    )
    page.screenshot(path=f"/tmp/dsar-e2e-planner-{language}.png", full_page=True)
