"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright against
Django's live server."""

import os
import shutil

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require_service("Chromium", os.path.exists(CHROMIUM), f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def enter_emailed_code(page) -> None:
    """Type the verification code from the last e-mail (the live server runs in this process,
    so its messages are in Django's test outbox)."""
    from django.core import mail

    from tests.conftest import emailed_code

    page.wait_for_url("**/accounts/confirm-email/")
    page.fill("#id_code", emailed_code(mail.outbox[-1]))
    page.locator("form[action$='/accounts/confirm-email/'] button[type=submit]:not([form])").click()
