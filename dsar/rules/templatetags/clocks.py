from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dsar.deadlines import procedure

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
    today = timezone.localdate()
    if procedure.is_late(clock.state, clock.due_date, today):
        return "deadline-overdue"
    if procedure.needs_attention(clock.state) and procedure.days_left(clock.due_date, today) <= 7:
        return "deadline-soon"
    return ""


@register.filter
def needs_attention(clock) -> bool:
    return procedure.needs_attention(clock.state)


@register.filter
def isodate(value: str):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def no_clock_reason(proceeding) -> str:
    """Why a proceeding has no statutory deadline ("" when it has one)."""
    country, _subdivision = proceeding.calendar
    reason = procedure.no_clock_reason(proceeding.regime.code, proceeding.request_type, country)
    return _(reason) if reason else ""


@register.filter
def is_requester_deadline(clock) -> bool:
    """The requester's own deadline (an appeal window, a time limit to sue)."""
    return procedure.is_requester_deadline(clock.code)


@register.filter
def rule_total(explanation) -> str:
    from dsar.rules.presentation import total_text

    return total_text(explanation)


@register.filter
def rule_starts_on(value) -> str:
    from dsar.rules.presentation import starts_on_text

    return starts_on_text(value or "")


@register.filter
def rule_status_text(value) -> str:
    from dsar.rules.presentation import status_text

    return status_text(value or "")


@register.filter
def day_reason(value) -> str:
    from dsar.rules.presentation import day_reason_text

    return day_reason_text(value or "")


@register.filter
def clock_consequence(clock) -> str:
    """What a missed clock means, in the active language."""
    from dsar.rules.presentation import consequence_text

    return consequence_text(code=clock.code, explanation=clock.explanation)


@register.filter
def clock_label(label) -> str:
    from dsar.rules.presentation import clock_label as translate_label

    return translate_label(str(label or ""))


@register.filter
def rule_period(rule) -> str:
    """'20 business days (+10)' for a rule, in the active language."""
    from dsar.rules.presentation import total_text

    text = total_text({"unit": rule.unit, "count": rule.count})
    if rule.extension:
        return f"{text} (+{rule.extension})"
    if getattr(rule, "extension_kind", "") == "agency":
        return f"{text} ({_('+ as the agency states')})"
    return text
