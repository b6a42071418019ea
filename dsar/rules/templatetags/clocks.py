from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_left(due: date | None) -> str:
    """'5 days left', 'due today' or '3 days overdue', relative to today."""
    if due is None:
        return ""
    delta = (due - timezone.localdate()).days
    if delta == 0:
        return _("due today")
    if delta > 0:
        return ngettext("%(n)s day left", "%(n)s days left", delta) % {"n": delta}
    return ngettext("%(n)s day overdue", "%(n)s days overdue", -delta) % {"n": -delta}


@register.filter
def urgency(clock) -> str:
    """A CSS class for a clock: overdue, soon (within 7 days) or nothing."""
    if clock.state == "missed":
        return "deadline-overdue"
    if clock.state in ("running", "paused"):
        delta = (clock.due_date - timezone.localdate()).days
        if delta < 0:
            return "deadline-overdue"
        if delta <= 7:
            return "deadline-soon"
    return ""


@register.filter
def isodate(value: str):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def no_clock_reason(proceeding) -> str:
    """Why a proceeding has no statutory deadline ("" when it has one)."""
    from dsar.cases.clocks import proceeding_no_clock_reason

    return proceeding_no_clock_reason(proceeding)
