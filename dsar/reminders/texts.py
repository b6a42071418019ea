"""The words of reminders, notifications, digests and calendar entries, rendered in the active
language at the moment they are shown or sent (never stored in one language).

Every text names the client (the case's subject) and the case, so an advocate with many clients
knows whose deadline it is; no identifier (A-number, passport number, date of birth) is ever
printed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dsar.rules.presentation import (
    clock_label,
    consequence_citation,
    consequence_text,
    status_text,
)


def local_date(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def whose_names(subject_name: str, title: str) -> str:
    """'María López — Face match refused at JFK': the client and the case, nothing more."""
    if title and title != subject_name:
        return _("%(client)s — %(case)s") % {"client": subject_name, "case": title}
    return subject_name


def whose(case) -> str:
    return whose_names(case.subject_name, case.title)


def _consequence(clock) -> tuple[str, str]:
    text = consequence_text(code=clock.code, explanation=clock.explanation)
    if text:
        return text, consequence_citation(clock.explanation)
    return (
        _(
            "The agency is late. You may write to ask when it will answer, ask for an "
            "estimated completion date, and in many regimes treat the silence as a refusal "
            "that you can appeal or take to the supervisory authority or a court. Check the "
            "rule shown on the proceeding for what applies to you."
        ),
        clock.citation,
    )


def reminder_texts(reminder, today: datetime.date) -> dict:
    """Title, body and e-mail context for a reminder, in the active language."""
    from .models import Reminder

    clock = reminder.clock
    proceeding = clock.proceeding
    case = proceeding.case
    due = reminder.due_date
    days = (due - today).days
    values = {"label": clock_label(clock.label), "date": local_date(due), "whose": whose(case)}
    ctx = {
        "reminder": reminder,
        "clock": clock,
        "clock_label": values["label"],
        "due_date": values["date"],
        "proceeding": proceeding,
        "case": case,
        "client": case.subject_name,
        "whose": values["whose"],
        "rule_status": status_text(clock.rule_status),
        "url": settings.SITE_URL + proceeding.get_absolute_url(),
        "days_left": days,
        "consequence": "",
        "consequence_citation": "",
    }
    if reminder.kind == Reminder.Kind.MISSED:
        title = _("Deadline passed for %(whose)s: %(label)s (%(date)s)") % values
        ctx["consequence"], ctx["consequence_citation"] = _consequence(clock)
        body = ctx["consequence"]
    elif reminder.kind == Reminder.Kind.APPEAL:
        title = _("Appeal window for %(whose)s closes on %(date)s: %(label)s") % values
        body = _("File the appeal before %(date)s; a late appeal can be refused.") % values
    else:
        title = _("Deadline on %(date)s for %(whose)s: %(label)s") % values
        body = _("%(days)s day(s) left.") % {"days": max(days, 0)}
    ctx["title"] = title
    ctx["body"] = body
    return ctx


def notification_texts(notification, today: datetime.date) -> tuple[str, str]:
    """A notification's title and body in the active language: rebuilt from its reminder when
    it has one, so switching language also changes notifications received earlier."""
    reminder = notification.reminder
    if reminder is None:
        return notification.title, notification.body
    ctx = reminder_texts(reminder, today)
    return ctx["title"], ctx["body"]


def calendar_event_texts(clock) -> dict:
    """Summary, description and alarm text of a clock's calendar entry, in the active
    language."""
    proceeding = clock.proceeding
    case = proceeding.case
    label = clock_label(clock.label)
    url = settings.SITE_URL + proceeding.get_absolute_url()
    summary = _("%(label)s — %(whose)s") % {"label": label, "whose": whose(case)}
    description = "\n".join(
        [
            summary,
            _("Proceeding: %(proceeding)s") % {"proceeding": proceeding},
            _("Due: %(date)s") % {"date": local_date(clock.due_date)},
            _("Rule: %(citation)s (%(status)s)")
            % {"citation": clock.citation, "status": status_text(clock.rule_status)},
            url,
            _("dsar gives legal information, not legal advice."),
        ]
    )
    return {"summary": summary, "description": description, "alarm": summary, "url": url}
