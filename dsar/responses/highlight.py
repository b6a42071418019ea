"""The letter's text as HTML with each piece of evidence marked, everything else escaped."""

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .extract import Evidence


def highlight(text: str, evidence: Iterable[Evidence]) -> SafeString:
    spans = sorted(
        (e for e in evidence if 0 <= e.start < e.end <= len(text)), key=lambda e: (e.start, -e.end)
    )
    parts: list[str] = []
    position = 0
    for item in spans:
        if item.start < position:
            continue  # overlaps a span already marked
        parts.append(escape(text[position : item.start]))
        parts.append(
            f'<mark class="evidence evidence-{escape(item.field)}" '
            f'data-field="{escape(item.field)}">{escape(text[item.start : item.end])}</mark>'
        )
        position = item.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
