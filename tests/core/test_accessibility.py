"""Accessibility rules that do not need a browser: focus outline contrast, help texts tied to
their fields, styled error pages, the favicon."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from dsar.cases.forms import EventForm

CSS = Path(settings.BASE_DIR) / "dsar" / "static" / "css" / "app.css"


def _luminance(hex_color: str) -> float:
    hex_color = hex_color.lstrip("#")
    if len(hex_color) == 3:
        hex_color = "".join(c * 2 for c in hex_color)
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_focus_outline_contrast_is_at_least_3_to_1():
    css = CSS.read_text()
    main = re.search(r"a:focus-visible[^{]*\{[^}]*outline:\s*\d+px solid (#[0-9a-fA-F]{3,6})", css)
    assert main, "no focus outline rule"
    for page_background in ("#ffffff", "#f6f7f9"):
        assert contrast(main.group(1), page_background) >= 3, main.group(1)
    header = re.search(r"\.site-header a:focus-visible[^{]*\{[^}]*outline-color:\s*(#\w+)", css)
    header_background = re.search(r"\.site-header \{[^}]*background:\s*(#\w+)", css)
    assert header and header_background
    assert contrast(header.group(1), header_background.group(1)) >= 3


def test_help_text_ids_match_aria_describedby():
    from django.template.loader import render_to_string

    form = EventForm()
    for name in ("outcome", "exemptions", "documents"):
        html = render_to_string("includes/field.html", {"field": form[name]})
        described = re.search(r'aria-describedby="([^"]+)"', html)
        assert described, name
        for target in described.group(1).split():
            assert f'id="{target}"' in html, (name, target)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_is_styled_and_favicon_exists(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "css/app.css" in body and "<h1>Page not found</h1>" in body
    assert 'rel="icon"' in body
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith("favicon.svg")


def test_date_inputs_carry_the_page_language():
    from django.utils import translation

    with translation.override("es"):
        html = str(EventForm()["occurred_on"])
    assert 'type="date"' in html and 'lang="es"' in html
