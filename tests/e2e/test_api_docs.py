"""The API documentation page works in a real browser under the site's strict CSP, with
every asset served from this site."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_the_operations_without_csp_violations(page, live_server):
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto("/api/docs/")
    page.get_by_text("/api/v1/cases/import/").first.wait_for()
    assert page.locator(".opblock").count() > 30
    violations = [e for e in page.console_errors if "Content Security Policy" in e]
    assert violations == []
    assert outside == []
