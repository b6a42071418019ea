"""In a real browser: sign up, turn on an authenticator app, log out, log in with its code."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import totp_code
from tests.e2e.conftest import enter_emailed_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long passphrase 2026"


def test_sign_up_turn_on_totp_log_out_and_log_in_with_the_code(page):
    page.goto("/accounts/signup/")
    page.fill("#id_email", "two-factors@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form[action$='/accounts/signup/'] button[type=submit]:not([form])").click()
    enter_emailed_code(page)
    expect(page).to_have_url(re.compile(r"/cases/$"))

    # Account menu → Two-factor authentication → activate the authenticator app.
    page.locator("details.menu summary").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.locator("h1")).to_contain_text("Two-Factor Authentication")
    page.locator("a[href$='/accounts/2fa/totp/activate/']").click()
    # allauth asks for the password again before changing security settings.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("#id_password", PASSWORD)
    page.locator(
        "form[action*='/accounts/reauthenticate/'] button[type=submit]:not([form])"
    ).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()  # the QR code
    page.screenshot(path="/tmp/dsar-e2e-totp-activate.png", full_page=True)
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    page.fill("#id_code", totp_code(secret))
    page.locator(
        "form[action$='/accounts/2fa/totp/activate/'] button[type=submit]:not([form])"
    ).click()
    # Wait for the activation to be answered before going elsewhere: leaving at once would
    # abort the form's request.
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    # Recovery codes are offered next; the authenticator app is now on.
    page.goto("/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("Authenticator App")
    expect(page.locator("a[href$='/accounts/2fa/totp/deactivate/']")).to_be_visible()

    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".nav-user").get_by_role("link", name="Log in")).to_be_visible()

    page.goto("/accounts/login/")
    page.fill("#id_login", "two-factors@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]:not([form])").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.goto("/cases/")  # not signed in until the code is given
    expect(page).not_to_have_url(re.compile(r"/cases/$"))
    page.goto("/accounts/2fa/authenticate/")
    # A code from another 30-second step is refused: only the current one counts.
    page.fill("#id_code", totp_code(secret, steps_ahead=1))
    page.locator(
        "form[action*='/accounts/2fa/authenticate/'] button[type=submit]:not([form])"
    ).click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    page.fill("#id_code", totp_code(secret))
    page.locator(
        "form[action*='/accounts/2fa/authenticate/'] button[type=submit]:not([form])"
    ).click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    page.screenshot(path="/tmp/dsar-e2e-two-factors.png", full_page=True)
