"""A person creates an API token in the account menu, sees it once, uses it, and revokes it."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.test_case_flow import sign_up

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_use_and_revoke_a_token(page, live_server):
    sign_up(page, "script-writer@example.org")
    page.locator("summary", has_text="Account").click()
    page.get_by_role("link", name="API tokens").click()
    page.fill("#id_name", "nightly export")
    page.check("#id_read_only")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("dsar_")

    headers = {"Authorization": f"Bearer {token}"}
    url = f"{live_server.url}/api/v1/cases/"
    assert httpx.get(url, headers=headers).status_code == 200
    assert httpx.post(url, headers=headers, json={"title": "x"}).status_code == 403

    page.goto("/account/api-tokens/")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="nightly export")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token revoked.")).to_be_visible()
    assert httpx.get(url, headers=headers).status_code == 401
