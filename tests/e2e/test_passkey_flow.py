"""In a real browser with Chromium's virtual authenticator: add a passkey, log out, sign in with
the passkey alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import verified_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_a_passkey_then_sign_in_with_it(page, settings):
    # The live server is plain http on localhost; browsers allow WebAuthn there, and the relying
    # party must accept that origin too (as the embedded default does with DEBUG on).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    verified_user("passkey@example.org")
    page.goto("/accounts/login/")
    page.fill("#id_login", "passkey@example.org")
    page.fill("#id_password", "correct horse battery")
    page.locator("form[action$='/accounts/login/'] button[type=submit]:not([form])").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))

    page.goto("/accounts/2fa/webauthn/add/")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("#id_password", "correct horse battery")
    page.locator(
        "form[action*='/accounts/reauthenticate/'] button[type=submit]:not([form])"
    ).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.fill("#id_name", "Laptop")
    page.check("#id_passwordless")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto("/accounts/2fa/webauthn/")
    expect(page.locator("main")).to_contain_text("Laptop")

    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
