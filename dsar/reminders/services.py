"""Reminders: the sweep that decides what is due, and the delivery of each reminder.

Delivery guarantee
------------------
Every reminder is a durable ``Reminder`` row, unique per (recipient, clock, offset, due date), so
however many sweeps run, a reminder exists once. Delivery claims the row (pending → sending, with a
lease) in a short transaction: on PostgreSQL with ``SELECT ... FOR UPDATE SKIP LOCKED``, on SQLite
with a conditional ``UPDATE ... WHERE status = 'pending'`` (check-and-set). Only the claimant sends.

We choose **at-least-once across a crash, exactly-once otherwise**: the row is marked ``sent``
by one autocommitted UPDATE immediately after the mail server accepted the message. If the worker
dies in the short window between the SMTP acceptance and that UPDATE, the lease expires and the
reminder is sent again: a duplicate is possible in that window only. The alternative
(mark ``sent`` before sending: at-most-once) would lose a reminder whenever a worker dies while
talking to the mail server; a duplicate reminder costs a user far less than a missed deadline.
The lease is longer than the task time limit, so a slow but alive worker is never overtaken.
A lost broker message (e.g. Redis restarted without persistence) is harmless: the next sweep
enqueues again any pending row whose task was enqueued long ago, and any expired lease.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dsar.accounts.models import Membership
from dsar.cases.models import Clock

from . import conf
from .models import Notification, Reminder, ReminderPreference, new_calendar_token
from .selectors import OPEN_CLOCK_STATES

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "dsar.reminders.unsubscribe"
RECIPIENT_ROLES = (Membership.Role.ADMIN, Membership.Role.ADVOCATE)


# --- preferences -----------------------------------------------------------------------------


def _preference(user_id: int) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.get_or_create(user_id=user_id)
    return pref


@transaction.atomic
def preference_update(
    *,
    user,
    email_enabled: bool,
    in_app_enabled: bool,
    offsets: list[int],
    digest: str,
) -> ReminderPreference:
    pref = _preference(user.pk)
    pref.email_enabled = email_enabled
    pref.in_app_enabled = in_app_enabled
    pref.offsets = ",".join(str(o) for o in sorted(set(offsets), reverse=True))
    pref.digest = digest
    pref.save()
    return pref


@transaction.atomic
def calendar_token_reset(*, user) -> ReminderPreference:
    pref = _preference(user.pk)
    pref.calendar_token = new_calendar_token()
    pref.save(update_fields=["calendar_token", "updated_at"])
    return pref


def unsubscribe_token_make(*, user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_user_id(*, token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@transaction.atomic
def email_unsubscribe(*, user_id: int) -> None:
    pref = _preference(user_id)
    pref.email_enabled = False
    pref.save(update_fields=["email_enabled", "updated_at"])


# --- notifications ---------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, is_read=False)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(is_read=True)


# --- the sweep -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    candidates: int = 0
    created: int = 0
    cancelled: int = 0
    selected: list[int] = field(default_factory=list)


def _is_appeal(code: str) -> bool:
    return code.endswith("-appeal-window")


def _due_offset(
    *, code: str, due_date: datetime.date, state: str, offsets: list[int], today: datetime.date
) -> tuple[str, int] | None:
    """Which reminder (kind, offset) is due today for one clock, or None."""
    if state == Clock.State.MISSED or due_date < today:
        return Reminder.Kind.MISSED, Reminder.MISSED_OFFSET
    appeal = _is_appeal(code)
    if appeal:
        offsets = sorted({*offsets, *conf.APPEAL_EXTRA_OFFSETS}, reverse=True)
    passed = [o for o in offsets if due_date - datetime.timedelta(days=o) <= today]
    if not passed:
        return None
    # Only the latest threshold: a clock first seen 3 days before its date gets one reminder,
    # not a burst of every offset already passed.
    return (Reminder.Kind.APPEAL if appeal else Reminder.Kind.UPCOMING), min(passed)


def reminders_cancel_stale() -> int:
    """Pending reminders whose clock moved, was met or closed, or whose proceeding closed."""
    stale = Reminder.objects.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.DIGEST])
    stale = stale.filter(
        ~Q(clock__due_date=F("due_date"))
        | ~Q(clock__state__in=OPEN_CLOCK_STATES)
        | Q(clock__proceeding__is_open=False)
    )
    return Reminder.objects.filter(pk__in=stale.values("pk")).update(
        status=Reminder.Status.CANCELLED, lease_until=None
    )


def reminders_create_due(*, today: datetime.date) -> tuple[int, int]:
    """Insert the reminder rows due today. Reads only clocks inside the date window
    [today - lookback, today + largest offset] through the (state, due_date) index, so the cost
    follows the number of clocks near their date, not the number of proceedings."""
    max_pref = ReminderPreference.objects.aggregate(m=Max("max_offset"))["m"] or 0
    window = max(max_pref, *conf.DEFAULT_OFFSETS, *conf.APPEAL_EXTRA_OFFSETS)
    clocks = list(
        Clock.objects.filter(
            state__in=OPEN_CLOCK_STATES,
            due_date__gte=today - datetime.timedelta(days=conf.MISSED_LOOKBACK_DAYS),
            due_date__lte=today + datetime.timedelta(days=window),
            proceeding__is_open=True,
        )
        .order_by()
        .values_list(
            "pk",
            "code",
            "due_date",
            "state",
            "proceeding__case__owner_id",
            "proceeding__case__organization_id",
        )
    )
    if not clocks:
        return 0, 0
    org_ids = {row[5] for row in clocks if row[5]}
    members: dict[int, set[int]] = defaultdict(set)
    if org_ids:
        for org_id, user_id in Membership.objects.filter(
            organization_id__in=org_ids, role__in=RECIPIENT_ROLES
        ).values_list("organization_id", "user_id"):
            members[org_id].add(user_id)
    recipient_ids = {row[4] for row in clocks} | {u for s in members.values() for u in s}
    prefs = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=recipient_ids)}
    default_offsets = list(conf.DEFAULT_OFFSETS)
    rows = []
    for pk, code, due_date, state, owner_id, org_id in clocks:
        for user_id in {owner_id} | members.get(org_id, set()):
            pref = prefs.get(user_id)
            if pref is not None and not (pref.email_enabled or pref.in_app_enabled):
                continue
            offsets = pref.offset_days if pref is not None else default_offsets
            due = _due_offset(
                code=code, due_date=due_date, state=state, offsets=offsets, today=today
            )
            if due is None:
                continue
            kind, offset = due
            rows.append(
                Reminder(
                    recipient_id=user_id,
                    clock_id=pk,
                    offset_days=offset,
                    due_date=due_date,
                    kind=kind,
                )
            )
    # ignore_conflicts does not report which rows were new: count ids above the previous maximum.
    before = Reminder.objects.aggregate(m=Max("pk"))["m"] or 0
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(clocks), Reminder.objects.filter(pk__gt=before).count()


def reminders_select_for_delivery(*, limit: int = 10000) -> list[int]:
    """Pending reminders never enqueued, enqueued long ago (lost message), or whose sending
    lease expired (crashed worker). Marks them enqueued now."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=conf.reenqueue_seconds())
    ready = Q(not_before__isnull=True) | Q(not_before__lte=now)
    qs = Reminder.objects.filter(
        (
            Q(status=Reminder.Status.PENDING)
            & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            & ready
        )
        | Q(status=Reminder.Status.SENDING, lease_until__lt=now)
    )
    ids = list(qs.order_by("pk").values_list("pk", flat=True)[:limit])
    if ids:
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def reminders_sweep(*, today: datetime.date | None = None) -> SweepResult:
    """One sweep: cancel stale reminders, create the due ones, and return the ids to deliver."""
    today = today or timezone.localdate()
    result = SweepResult()
    result.cancelled = reminders_cancel_stale()
    result.candidates, result.created = reminders_create_due(today=today)
    result.selected = reminders_select_for_delivery()
    return result


# --- delivery --------------------------------------------------------------------------------


def reminder_claim(*, reminder_id: int) -> datetime.datetime | None:
    """Take a reminder for sending. Returns the lease end when this caller won it, else None."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=conf.lease_seconds())
    claimable = (
        Q(status=Reminder.Status.PENDING) & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    ) | Q(status=Reminder.Status.SENDING, lease_until__lt=now)
    changes = {
        "status": Reminder.Status.SENDING,
        "lease_until": lease,
        "attempts": F("attempts") + 1,
    }
    with transaction.atomic():
        qs = Reminder.objects.filter(claimable, pk=reminder_id)
        if connection.features.has_select_for_update_skip_locked:
            row = qs.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if row is None:
                return None
            Reminder.objects.filter(pk=row).update(**changes)
        elif qs.update(**changes) != 1:
            return None
    return lease


def _still_relevant(reminder: Reminder) -> bool:
    clock = reminder.clock
    return (
        clock.due_date == reminder.due_date
        and clock.state in OPEN_CLOCK_STATES
        and clock.proceeding.is_open
    )


def _consequence(clock: Clock) -> tuple[str, str]:
    value = (clock.explanation or {}).get("consequence")
    if isinstance(value, dict) and value.get("text"):
        return str(value["text"]), str(value.get("citation", ""))
    if isinstance(value, str) and value:
        return value, ""
    return (
        _(
            "The agency is late. You may write to ask when it will answer, ask for an "
            "estimated completion date, and in many regimes treat the silence as a refusal "
            "that you can appeal or take to the supervisory authority or a court. Check the "
            "rule shown on the proceeding for what applies to you."
        ),
        clock.citation,
    )


def _proceeding_url(clock: Clock) -> str:
    return settings.SITE_URL + clock.proceeding.get_absolute_url()


def _reminder_texts(reminder: Reminder, today: datetime.date) -> dict:
    """Title, body and context for a reminder, in the active language."""
    clock = reminder.clock
    days = (clock.due_date - today).days
    ctx = {
        "reminder": reminder,
        "clock": clock,
        "proceeding": clock.proceeding,
        "case": clock.proceeding.case,
        "url": _proceeding_url(clock),
        "days_left": days,
        "consequence": "",
        "consequence_citation": "",
    }
    if reminder.kind == Reminder.Kind.MISSED:
        title = _("Deadline passed: %(label)s (%(date)s)") % {
            "label": _(clock.label),
            "date": clock.due_date.isoformat(),
        }
        ctx["consequence"], ctx["consequence_citation"] = _consequence(clock)
        body = ctx["consequence"]
    elif reminder.kind == Reminder.Kind.APPEAL:
        title = _("Your appeal window closes on %(date)s: %(label)s") % {
            "label": _(clock.label),
            "date": clock.due_date.isoformat(),
        }
        body = _("File the appeal before %(date)s; a late appeal can be refused.") % {
            "date": clock.due_date.isoformat()
        }
    else:
        title = _("Deadline on %(date)s: %(label)s") % {
            "label": _(clock.label),
            "date": clock.due_date.isoformat(),
        }
        body = _("%(days)s day(s) left.") % {"days": max(days, 0)}
    ctx["title"] = title
    ctx["body"] = body
    return ctx


def _unsubscribe_headers(user) -> tuple[str, dict]:
    url = settings.SITE_URL + reverse(
        "reminders:unsubscribe", args=[unsubscribe_token_make(user=user)]
    )
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send_mail(*, user, subject: str, template: str, ctx: dict, headers: dict) -> None:
    unsubscribe_url, extra = _unsubscribe_headers(user)
    ctx = {
        **ctx,
        "user": user,
        "unsubscribe_url": unsubscribe_url,
        "language": user.language,
        "settings_url": settings.SITE_URL + reverse("reminders:preferences"),
    }
    text = render_to_string(f"reminders/email/{template}.txt", ctx)
    html = render_to_string(f"reminders/email/{template}.html", ctx)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={**extra, **headers},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def _record_failure(reminder: Reminder, lease: datetime.datetime, error: str) -> str:
    attempts = Reminder.objects.filter(pk=reminder.pk).values_list("attempts", flat=True).first()
    attempts = attempts or 0
    if attempts >= conf.MAX_ATTEMPTS:
        with transaction.atomic():
            done = Reminder.objects.filter(
                pk=reminder.pk, status=Reminder.Status.SENDING, lease_until=lease
            ).update(status=Reminder.Status.FAILED, last_error=error[:2000], lease_until=None)
            if done:
                with translation.override(reminder.recipient.language or "en"):
                    Notification.objects.create(
                        user=reminder.recipient,
                        level="error",
                        title=_("We could not e-mail you a reminder: %(label)s")
                        % {"label": _(reminder.clock.label)},
                        body=_(
                            "The deadline is %(date)s. Check the e-mail address in your "
                            "account; the error has been recorded for the administrators."
                        )
                        % {"date": reminder.due_date.isoformat()},
                        url=reminder.clock.proceeding.get_absolute_url(),
                    )
        return "failed"
    Reminder.objects.filter(
        pk=reminder.pk, status=Reminder.Status.SENDING, lease_until=lease
    ).update(
        status=Reminder.Status.PENDING,
        last_error=error[:2000],
        lease_until=None,
        not_before=timezone.now()
        + datetime.timedelta(seconds=conf.retry_backoff_seconds(attempts)),
    )
    return "retry"


def reminder_deliver(*, reminder_id: int) -> str:
    """Claim and deliver one reminder. Returns sent | digest | retry | failed | cancelled |
    skipped | busy (someone else holds it, or it is already done)."""
    lease = reminder_claim(reminder_id=reminder_id)
    if lease is None:
        return "busy"
    reminder = Reminder.objects.select_related(
        "recipient", "clock", "clock__proceeding", "clock__proceeding__case"
    ).get(pk=reminder_id)
    mine = Reminder.objects.filter(
        pk=reminder.pk, status=Reminder.Status.SENDING, lease_until=lease
    )
    if not _still_relevant(reminder):
        mine.update(status=Reminder.Status.CANCELLED, lease_until=None)
        return "cancelled"
    user = reminder.recipient
    pref = _preference(user.pk)
    if not (pref.email_enabled or pref.in_app_enabled):
        mine.update(status=Reminder.Status.SKIPPED, lease_until=None)
        return "skipped"
    to_digest = pref.email_enabled and pref.digest != ReminderPreference.Digest.NONE
    email_now = pref.email_enabled and not to_digest and not reminder.emailed and user.email
    today = timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = _reminder_texts(reminder, today)
        if pref.in_app_enabled:
            # In-app first: its own channel, idempotent (one notification per reminder).
            Notification.objects.get_or_create(
                reminder=reminder,
                defaults={
                    "user": user,
                    "level": "info" if reminder.kind == Reminder.Kind.UPCOMING else "warning",
                    "title": ctx["title"],
                    "body": ctx["body"],
                    "url": reminder.clock.proceeding.get_absolute_url(),
                },
            )
        if email_now:
            try:
                _send_mail(
                    user=user,
                    subject=ctx["title"],
                    template="reminder",
                    ctx=ctx,
                    headers={
                        "X-DSAR-Reminder": f"{user.pk}:{reminder.clock_id}:"
                        f"{reminder.offset_days}:{reminder.due_date.isoformat()}"
                    },
                )
            except Exception as exc:  # noqa: BLE001 - any transport error is retried
                logger.warning("reminder %s: e-mail failed: %s", reminder.pk, exc)
                return _record_failure(reminder, lease, f"{type(exc).__name__}: {exc}")
    # The very next statement after the mail server accepted the message, one autocommitted
    # UPDATE: this is the only window in which a crash leads to a second send.
    mine.update(
        status=Reminder.Status.DIGEST if to_digest else Reminder.Status.SENT,
        emailed=bool(email_now) or reminder.emailed,
        sent_at=timezone.now(),
        lease_until=None,
        last_error="",
    )
    return "digest" if to_digest else "sent"


def digests_send(*, frequency: str) -> int:
    """Send one digest e-mail per user whose reminders are waiting for it. Returns e-mails sent.
    Each user's rows are claimed like single reminders, so concurrent runs never double-send."""
    user_ids = (
        Reminder.objects.filter(
            status=Reminder.Status.DIGEST, recipient__reminder_preference__digest=frequency
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        now = timezone.now()
        lease = now + datetime.timedelta(seconds=conf.lease_seconds())
        with transaction.atomic():
            qs = Reminder.objects.filter(recipient_id=user_id, status=Reminder.Status.DIGEST)
            if connection.features.has_select_for_update_skip_locked:
                ids = list(qs.select_for_update(skip_locked=True).values_list("pk", flat=True))
                qs = Reminder.objects.filter(pk__in=ids)
            qs.update(status=Reminder.Status.SENDING, lease_until=lease)
        mine = Reminder.objects.filter(
            recipient_id=user_id, status=Reminder.Status.SENDING, lease_until=lease
        )
        reminders = list(
            mine.select_related(
                "recipient", "clock", "clock__proceeding", "clock__proceeding__case"
            ).order_by("due_date")
        )
        if not reminders:
            continue
        user = reminders[0].recipient
        pref = _preference(user_id)
        if not pref.email_enabled or not user.email:
            mine.update(status=Reminder.Status.SENT, lease_until=None)
            continue
        today = timezone.localdate()
        with translation.override(user.language or settings.LANGUAGE_CODE):
            items = [_reminder_texts(r, today) for r in reminders if _still_relevant(r)]
            try:
                if items:
                    _send_mail(
                        user=user,
                        subject=_("Your deadlines: %(count)s reminder(s)") % {"count": len(items)},
                        template="digest",
                        ctx={"items": items},
                        headers={"X-DSAR-Digest": str(user.pk)},
                    )
            except Exception as exc:  # noqa: BLE001
                logger.warning("digest for user %s failed: %s", user_id, exc)
                mine.update(status=Reminder.Status.DIGEST, lease_until=None, last_error=str(exc))
                continue
            mine.update(
                status=Reminder.Status.SENT, emailed=True, lease_until=None, sent_at=timezone.now()
            )
            sent += 1 if items else 0
    return sent
