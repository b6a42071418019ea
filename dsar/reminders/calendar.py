"""The personal calendar feed (RFC 5545): one all-day event per open clock, with alarms."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .selectors import calendar_clocks, preference_get

_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def _sequence(computed_at: datetime.datetime) -> int:
    """Grows every time the engine recomputes the clock, so clients replace the old event."""
    return max(int((computed_at - _EPOCH).total_seconds()), 0)


def calendar_feed_render(*, user) -> bytes:
    pref = preference_get(user=user)
    offsets = pref.offset_days or [1]
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//dsar//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        cal.add("x-wr-calname", _("dsar deadlines"))
        for clock in calendar_clocks(user=user):
            proceeding = clock.proceeding
            event = Event()
            event.add("uid", f"clock-{clock.pk}@dsar")
            event.add("summary", f"{clock.label} — {proceeding}")
            event.add("dtstart", clock.due_date)
            event.add("dtend", clock.due_date + datetime.timedelta(days=1))
            event.add("dtstamp", now)
            event.add("last-modified", clock.computed_at)
            event.add("sequence", _sequence(clock.computed_at))
            event.add("transp", "TRANSPARENT")
            url = settings.SITE_URL + proceeding.get_absolute_url()
            event.add("url", url)
            event.add(
                "description",
                "\n".join(
                    [
                        clock.label,
                        _("Due: %(date)s") % {"date": clock.due_date.isoformat()},
                        _("Rule: %(citation)s (%(status)s)")
                        % {"citation": clock.citation, "status": clock.rule_status},
                        url,
                        _("dsar gives legal information, not legal advice."),
                    ]
                ),
            )
            for offset in offsets:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", clock.label)
                alarm.add("trigger", datetime.timedelta(days=-offset))
                event.add_component(alarm)
            cal.add_component(event)
    return cal.to_ical()
