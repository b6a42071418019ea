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
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dsar.accounts.models import Membership
from dsar.cases.models import Clock
from dsar.core.tokens import token_digest, token_new
from dsar.core.work import (
    is_transient_database_error,
    retry_delay_seconds,
    select_waiting,
    work_claim,
    work_fail,
    work_mine,
    work_release,
)
from dsar.deadlines import procedure

from . import conf
from .models import (
    REMINDER_DELIVERY,
    Notification,
    Reminder,
    ReminderPreference,
    UnsubscribeToken,
)
from .selectors import OPEN_CLOCK_STATES
from .texts import local_date, reminder_texts, whose

logger = logging.getLogger(__name__)

UNSUBSCRIBE_TOKEN_DAYS = 60
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
def calendar_token_issue(*, user) -> str:
    """Make (or replace) the secret of the user's calendar feed and return it: it is stored only
    as a digest, so this is the one moment it can be shown. The previous address stops working."""
    pref = _preference(user.pk)
    token = token_new()
    pref.calendar_token_hash = token_digest(token)
    pref.save(update_fields=["calendar_token_hash", "updated_at"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    pref = _preference(user.pk)
    if pref.calendar_token_hash is not None:
        pref.calendar_token_hash = None
        pref.save(update_fields=["calendar_token_hash", "updated_at"])


@transaction.atomic
def unsubscribe_token_issue(*, user, now: datetime.datetime | None = None) -> str:
    """A new secret for one e-mail's unsubscribe link, valid for ``UNSUBSCRIBE_TOKEN_DAYS``.
    The user's expired links are deleted on the way, so the table stays small."""
    now = now or timezone.now()
    UnsubscribeToken.objects.filter(user=user, expires_at__lte=now).delete()
    token = token_new()
    UnsubscribeToken.objects.create(
        user=user,
        token_hash=token_digest(token),
        expires_at=now + datetime.timedelta(days=UNSUBSCRIBE_TOKEN_DAYS),
    )
    return token


def unsubscribe_token_user_id(*, token: str) -> int | None:
    """The user an unsubscribe link belongs to, or None when it is unknown, expired or revoked."""
    return (
        UnsubscribeToken.objects.filter(
            token_hash=token_digest(token),
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .first()
    )


@transaction.atomic
def unsubscribe_tokens_revoke(*, user) -> int:
    """Cancel the unsubscribe links of every e-mail already sent to ``user``."""
    return UnsubscribeToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).update(revoked_at=timezone.now())


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


def _due_offset(
    *, code: str, due_date: datetime.date, state: str, offsets: list[int], today: datetime.date
) -> tuple[str, int] | None:
    """Which reminder (kind, offset) is due today for one clock, or None."""
    if procedure.is_late(state, due_date, today):
        return Reminder.Kind.MISSED, Reminder.MISSED_OFFSET
    appeal = procedure.is_appeal_window(code)
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
            "proceeding__case__assignee_id",
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
    recipient_ids = (
        {row[4] for row in clocks}
        | {row[6] for row in clocks if row[6]}
        | {u for s in members.values() for u in s}
    )
    prefs = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=recipient_ids)}
    default_offsets = list(conf.DEFAULT_OFFSETS)
    rows = []
    for pk, code, due_date, state, owner_id, org_id, assignee_id in clocks:
        # An assigned case reminds its owner and the colleague handling it; an unassigned
        # shared case reminds every administrator and advocate of the organization.
        team = {assignee_id} if assignee_id else members.get(org_id, set())
        for user_id in {owner_id} | team:
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
    """Reminders to deliver now: pending never enqueued or enqueued long ago (lost message),
    sending past their lease (crashed worker), failed with a retry time that came (mail outage).
    Marks them enqueued now (``dsar.core.work``)."""
    if Reminder.objects.filter(
        status=Reminder.Status.FAILED, not_before__gt=timezone.now()
    ).exists():
        _probe_mail_server()
    return select_waiting(kind=REMINDER_DELIVERY, now=timezone.now(), limit=limit)


def _probe_mail_server() -> None:
    """Reminders wait on a mail outage: if the mail server answers again, retry them now."""
    from django.core.mail import get_connection

    try:
        mail_connection = get_connection(fail_silently=False)
        mail_connection.open()
        mail_connection.close()
    except Exception as exc:  # noqa: BLE001 - still down; the capped backoff keeps retrying
        logger.info("mail server still unreachable: %s", exc)
        return
    _mail_answered()


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
    return work_claim(kind=REMINDER_DELIVERY, pk=reminder_id, lease=conf.lease_seconds())


def _still_relevant(reminder: Reminder) -> bool:
    clock = reminder.clock
    return (
        clock.due_date == reminder.due_date
        and clock.state in OPEN_CLOCK_STATES
        and clock.proceeding.is_open
    )


def _unsubscribe_headers(user) -> tuple[str, dict]:
    url = settings.SITE_URL + reverse(
        "reminders:unsubscribe", args=[unsubscribe_token_issue(user=user)]
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


def _is_permanent(exc: BaseException) -> bool:
    """The mail server refused this message for good (5xx), as opposed to being unreachable or
    answering "try later" (4xx): only the former stops the retries."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(
            int(code) >= 500 for code, _msg in exc.recipients.values()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def _notify_not_emailed(reminder: Reminder) -> None:
    with translation.override(reminder.recipient.language or "en"):
        Notification.objects.create(
            user=reminder.recipient,
            level="error",
            title=_("We could not e-mail you a reminder for %(whose)s: %(label)s")
            % {"label": _(reminder.clock.label), "whose": whose(reminder.clock.proceeding.case)},
            body=_(
                "The deadline is %(date)s. We keep trying to send the e-mail; check the e-mail "
                "address in your account. The error has been recorded for the administrators."
            )
            % {"date": local_date(reminder.due_date)},
            url=reminder.clock.proceeding.get_absolute_url(),
        )


def _record_failure(reminder: Reminder, lease: datetime.datetime, exc: BaseException) -> str:
    """A failed e-mail. Attempts count per outage: within the budget the reminder waits and is
    tried again with a backoff; past it the reminder is shown as failed, and what could not be
    e-mailed is shown in-app — but a transient failure keeps a (capped) retry time, and the first
    e-mail that goes through retries every such reminder at once (``_mail_answered``)."""
    error = f"{type(exc).__name__}: {exc}"
    attempts = Reminder.objects.filter(pk=reminder.pk).values_list("attempts", flat=True).first()
    attempts = attempts or 0
    permanent = _is_permanent(exc)
    if permanent or attempts >= conf.MAX_ATTEMPTS:
        retry_at = (
            None
            if permanent
            else timezone.now() + datetime.timedelta(seconds=retry_delay_seconds(attempts))
        )
        with transaction.atomic():
            done = work_fail(
                kind=REMINDER_DELIVERY, pk=reminder.pk, lease=lease, error=error, retry_at=retry_at
            )
            # Once per outage: when the budget runs out (attempts restart after an outage).
            if done and (permanent or attempts == conf.MAX_ATTEMPTS):
                _notify_not_emailed(reminder)
        return "failed"
    work_release(kind=REMINDER_DELIVERY, pk=reminder.pk, lease=lease, error=error, attempt=attempts)
    return "retry"


def _mail_answered() -> int:
    """An e-mail went through: the outage is over. Reminders waiting on a backoff because of it
    are retried at once, with their attempts counted afresh."""
    now = timezone.now()
    return Reminder.objects.filter(
        Q(status=Reminder.Status.FAILED, not_before__gt=now)
        | Q(status=Reminder.Status.PENDING, not_before__gt=now, attempts__gt=0)
    ).update(not_before=now, attempts=0, enqueued_at=None)


def reminder_deliver(*, reminder_id: int) -> str:
    """Claim and deliver one reminder. Returns sent | digest | retry | failed | cancelled |
    skipped | busy (someone else holds it, or it is already done)."""
    lease = reminder_claim(reminder_id=reminder_id)
    if lease is None:
        return "busy"
    try:
        return _deliver_claimed(reminder_id=reminder_id, lease=lease)
    except Exception as exc:
        if not is_transient_database_error(exc):
            raise
        # The database hiccuped: back to waiting with a backoff. If even this fails, the lease
        # expires and the sweep takes the reminder again.
        logger.warning("reminder %s: database error: %s", reminder_id, exc)
        attempts = Reminder.objects.filter(pk=reminder_id).values_list("attempts", flat=True)
        work_release(
            kind=REMINDER_DELIVERY,
            pk=reminder_id,
            lease=lease,
            error=f"{type(exc).__name__}: {exc}",
            attempt=attempts.first() or 1,
        )
        return "retry"


def _deliver_claimed(*, reminder_id: int, lease: datetime.datetime) -> str:
    reminder = Reminder.objects.select_related(
        "recipient", "clock", "clock__proceeding", "clock__proceeding__case"
    ).get(pk=reminder_id)
    mine = work_mine(kind=REMINDER_DELIVERY, pk=reminder.pk, lease=lease)
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
        ctx = reminder_texts(reminder, today)
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
                return _record_failure(reminder, lease, exc)
    # The very next statement after the mail server accepted the message, one autocommitted
    # UPDATE: this is the only window in which a crash leads to a second send.
    mine.update(
        status=Reminder.Status.DIGEST if to_digest else Reminder.Status.SENT,
        emailed=bool(email_now) or reminder.emailed,
        # For a digest, when it first joined one: a reminder taken back from a dead digest keeps
        # its place, so the sweep sees its digest is overdue.
        sent_at=Coalesce(F("sent_at"), timezone.now()) if to_digest else timezone.now(),
        lease_until=None,
        not_before=None,
        last_error="",
    )
    if email_now and (reminder.last_error or reminder.attempts > 1):
        _mail_answered()
    return "digest" if to_digest else "sent"


def digest_due_at(*, frequency: str, now: datetime.datetime) -> datetime.datetime:
    """The latest scheduled digest time at or before ``now`` (daily at ``DSAR_DIGEST_HOUR``
    UTC; weekly on Mondays at that hour)."""
    at = now.replace(hour=conf.digest_hour(), minute=0, second=0, microsecond=0)
    if at > now:
        at -= datetime.timedelta(days=1)
    if frequency == ReminderPreference.Digest.WEEKLY:
        at -= datetime.timedelta(days=at.weekday())
    return at


def _overdue_digests(now: datetime.datetime):
    q = Q()
    for frequency in (ReminderPreference.Digest.DAILY, ReminderPreference.Digest.WEEKLY):
        q |= Q(
            recipient__reminder_preference__digest=frequency,
            sent_at__lt=digest_due_at(frequency=frequency, now=now),
        )
    return Reminder.objects.filter(q, status=Reminder.Status.DIGEST)


def digests_due_user_ids(*, now: datetime.datetime) -> list[int]:
    """Users with reminders that waited past their last scheduled digest: the beat's message
    was lost or the digest's worker died. The work sweep sends their digest now."""
    return sorted(set(_overdue_digests(now).values_list("recipient_id", flat=True)[:5000]))


def digests_overview(*, now: datetime.datetime) -> dict:
    waiting = Reminder.objects.filter(status=Reminder.Status.DIGEST)
    oldest = waiting.aggregate(m=Min("sent_at"))["m"]
    return {
        "pending": waiting.count(),
        "running": 0,
        "stuck": _overdue_digests(now).count(),
        "failed": 0,
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "failed_items": [],
        "stuck_items": [],
    }


def digests_send(*, frequency: str) -> int:
    """Send one digest e-mail per user whose reminders are waiting for it. Returns e-mails sent."""
    user_ids = (
        Reminder.objects.filter(
            status=Reminder.Status.DIGEST, recipient__reminder_preference__digest=frequency
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(digest_deliver(user_id=user_id) for user_id in list(user_ids))


def digest_deliver(*, user_id: int) -> int:
    """Send one user's digest of waiting reminders; returns 1 if an e-mail went out.

    The user's waiting rows are claimed like single reminders (``SKIP LOCKED`` / check-and-set,
    with a lease), so concurrent runs never send twice. A worker that dies leaves them claimed;
    when the lease expires the reminder sweep puts them back to waiting with their original time,
    so the work sweep sees the digest is overdue and sends it."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=conf.lease_seconds())
    with transaction.atomic():
        qs = Reminder.objects.filter(recipient_id=user_id, status=Reminder.Status.DIGEST)
        if connection.features.has_select_for_update_skip_locked:
            ids = list(qs.select_for_update(skip_locked=True).values_list("pk", flat=True))
            qs = Reminder.objects.filter(pk__in=ids, status=Reminder.Status.DIGEST)
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
        return 0
    user = reminders[0].recipient
    pref = _preference(user_id)
    if not pref.email_enabled or not user.email:
        mine.update(status=Reminder.Status.SENT, lease_until=None)
        return 0
    today = timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [reminder_texts(r, today) for r in reminders if _still_relevant(r)]
        try:
            if items:
                _send_mail(
                    user=user,
                    subject=_("Your deadlines: %(count)s reminder(s)") % {"count": len(items)},
                    template="digest",
                    ctx={"items": items},
                    headers={"X-DSAR-Digest": str(user.pk)},
                )
        except Exception as exc:  # noqa: BLE001 - the rows wait for the next digest
            logger.warning("digest for user %s failed: %s", user_id, exc)
            mine.update(status=Reminder.Status.DIGEST, lease_until=None, last_error=str(exc))
            return 0
    mine.update(status=Reminder.Status.SENT, emailed=True, lease_until=None, sent_at=timezone.now())
    return 1 if items else 0


# --- notices (sharing and account security) --------------------------------------------------


def notice_send(*, user, title: str, body: str = "", url: str = "") -> Notification:
    """Tell a user something about their account or their cases (a change of sharing, an
    invitation): an in-app notification now, and an e-mail once the transaction commits.

    These are not reminders, so the reminder switches do not silence them: a change of who can
    read one's case is always told. Strings arrive already translated into the user's language.
    A failed e-mail is logged; the in-app notification stays."""
    notification = Notification.objects.create(
        user=user, level="warning", title=title[:300], body=body, url=url
    )
    if user.email:
        recipient, absolute = user.email, (settings.SITE_URL + url if url else "")
        language = user.language or settings.LANGUAGE_CODE

        def send() -> None:
            with translation.override(language):
                ctx = {"title": title, "body": body, "url": absolute, "language": language}
                message = EmailMultiAlternatives(
                    subject=title,
                    body=render_to_string("reminders/email/notice.txt", ctx),
                    to=[recipient],
                )
                message.attach_alternative(
                    render_to_string("reminders/email/notice.html", ctx), "text/html"
                )
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - the in-app notification is kept
                logger.warning("notice to user %s: e-mail failed: %s", user.pk, exc)

        transaction.on_commit(send)
    return notification
