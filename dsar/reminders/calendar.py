"""The personal calendar feed (RFC 5545): one all-day event per open clock, with alarms.

The feed is written as text directly (no object per property) from one query per visibility
branch, cached per user under a version that changes whenever one of their proceedings or its
clocks does, and answered with 304 when the client already has that version.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dsar.rules.presentation import clock_label, status_text

from .selectors import calendar_clock_rows, calendar_version, preference_get
from .texts import local_date, whose_names

_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
CACHE_SECONDS = 24 * 3600


def _sequence(computed_at: datetime.datetime) -> int:
    """Grows every time the engine recomputes the clock, so clients replace the old event."""
    return max(int((computed_at - _EPOCH).total_seconds()), 0)


def _text(value: str) -> str:
    """An RFC 5545 TEXT value."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 sequence."""
    if len(line) <= 75 and line.isascii():
        return line
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def proceeding_label(row: dict) -> str:
    """What ``str(proceeding)`` gives, from a row of ``calendar_clock_rows``."""
    if row["proceeding__title"]:
        return row["proceeding__title"]
    agency = row["proceeding__agency__name"]
    if row["proceeding__agency__abbreviation"]:
        agency = f"{row['proceeding__agency__abbreviation']} — {agency}"
    return f"{row['proceeding__regime__name']} — {row['request_type_label']} — {agency}"


def calendar_feed_render(*, user, stamp: datetime.datetime | None = None) -> bytes:
    from dsar.cases.models import RequestType

    pref = preference_get(user=user)
    offsets = pref.offset_days or [1]
    stamp_text = _utc(stamp or datetime.datetime.now(datetime.UTC))
    with translation.override(user.language or settings.LANGUAGE_CODE):
        due_text, rule_text = _("Due: %(date)s"), _("Rule: %(citation)s (%(status)s)")
        summary_text, proceeding_text = _("%(label)s — %(whose)s"), _("Proceeding: %(proceeding)s")
        disclaimer = _("dsar gives legal information, not legal advice.")
        request_types = {value: str(label) for value, label in RequestType.choices}
        lines = [
            "BEGIN:VCALENDAR",
            "PRODID:-//dsar//deadlines//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            _fold("X-WR-CALNAME:" + _text(_("dsar deadlines"))),
        ]
        triggers = [f"TRIGGER:-P{offset}D" for offset in offsets]
        url_template = settings.SITE_URL + reverse(
            "cases:proceeding_detail", args=[987654321]
        ).replace("987654321", "{}")
        for row in calendar_clock_rows(user=user):
            row["request_type_label"] = request_types.get(
                row["proceeding__request_type"], row["proceeding__request_type"]
            )
            due = row["due_date"]
            url = url_template.format(row["proceeding_id"])
            # The client and the case, in the recipient's language; never an identifier.
            summary = summary_text % {
                "label": clock_label(row["label"]),
                "whose": whose_names(
                    row["proceeding__case__subject_name"], row["proceeding__case__title"]
                ),
            }
            description = "\n".join(
                [
                    summary,
                    proceeding_text % {"proceeding": proceeding_label(row)},
                    due_text % {"date": local_date(due)},
                    rule_text
                    % {"citation": row["citation"], "status": status_text(row["rule_status"])},
                    url,
                    disclaimer,
                ]
            )
            alarm_description = _fold("DESCRIPTION:" + _text(summary))
            lines += [
                "BEGIN:VEVENT",
                f"UID:clock-{row['pk']}@dsar",
                _fold("SUMMARY:" + _text(summary)),
                f"DTSTART;VALUE=DATE:{due.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{(due + datetime.timedelta(days=1)).strftime('%Y%m%d')}",
                f"DTSTAMP:{stamp_text}",
                f"LAST-MODIFIED:{_utc(row['computed_at'])}",
                f"SEQUENCE:{_sequence(row['computed_at'])}",
                "TRANSP:TRANSPARENT",
                _fold("URL:" + url),
                _fold("DESCRIPTION:" + _text(description)),
            ]
            for trigger in triggers:
                lines += [
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    alarm_description,
                    trigger,
                    "END:VALARM",
                ]
            lines.append("END:VEVENT")
        lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@dataclass(frozen=True)
class Feed:
    body: bytes | None  # None when only the version was asked for and it matched
    etag: str
    last_modified: datetime.datetime


def calendar_feed_get(*, user, if_none_match: str = "") -> Feed:
    """The user's feed with its ETag and Last-Modified. Costs two small indexed queries when
    the client or the cache already has the current version."""
    pref = preference_get(user=user)
    count, last_change = calendar_version(user=user)
    last_modified = max(filter(None, [last_change, pref.updated_at, _EPOCH]))
    version = (
        f"{user.pk}:{count}:{last_change.isoformat() if last_change else '-'}:"
        f"{pref.updated_at.isoformat()}:{pref.offsets}:{user.language}:{settings.SITE_URL}"
    )
    etag = '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Feed(None, etag, last_modified)
    key = f"dsar:calendar:{user.pk}:{etag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        body = calendar_feed_render(user=user, stamp=last_modified)
        cache.set(key, body, CACHE_SECONDS)
    return Feed(body, etag, last_modified)
