import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.models import WorkRow
from dsar.core.work import WorkKind, register


def new_calendar_token() -> str:
    """Only migration 0001 refers to this: tokens are now made by dsar.core.tokens."""
    return secrets.token_urlsafe(32)


class ReminderPreference(models.Model):
    class Digest(models.TextChoices):
        NONE = "none", _("Send each reminder as it comes")
        DAILY = "daily", _("One e-mail a day")
        WEEKLY = "weekly", _("One e-mail a week (Mondays)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    email_enabled = models.BooleanField(_("send reminders by e-mail"), default=True)
    in_app_enabled = models.BooleanField(
        _("show reminders in the notifications list"), default=True
    )
    offsets = models.CharField(
        _("remind me this many days before a deadline"),
        max_length=64,
        default="7,1",
        help_text=_("Comma-separated numbers of days, for example 7,1."),
    )
    digest = models.CharField(
        _("e-mail frequency"), max_length=8, choices=Digest.choices, default=Digest.NONE
    )
    # The largest offset, kept in step with ``offsets`` so the sweep can bound its date window
    # with one indexed MAX() instead of reading every user's preferences.
    max_offset = models.PositiveSmallIntegerField(default=7, db_index=True)
    # SHA-256 of the secret in the calendar feed's address (see dsar.core.tokens); empty while
    # the user has no feed. The address itself is shown once, when it is made.
    calendar_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")

    def __str__(self) -> str:
        return f"preferences of {self.user}"

    def save(self, *args, **kwargs):
        self.max_offset = max(self.offset_days or [0])
        if kwargs.get("update_fields") is not None and "offsets" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "max_offset"}
        super().save(*args, **kwargs)

    @property
    def offset_days(self) -> list[int]:
        values = set()
        for part in self.offsets.split(","):
            part = part.strip()
            if part.isdigit() and 0 < int(part) <= 30:
                values.add(int(part))
        return sorted(values, reverse=True)


class Reminder(WorkRow):
    """One reminder for one recipient about one clock at one offset, for one due date.

    The unique constraint makes the sweep idempotent: a reminder is created once however many
    sweeps run. A clock that moves gets a new due date, hence new rows; the pending rows for the
    old date are cancelled."""

    MISSED_OFFSET = -1

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", _("Deadline approaching")
        APPEAL = "appeal", _("Appeal window closing")
        MISSED = "missed", _("Deadline passed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DIGEST = "digest", _("Waiting for the digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SKIPPED = "skipped", _("Skipped (all channels off)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    clock = models.ForeignKey("cases.Clock", on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.SmallIntegerField()
    due_date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "clock", "offset_days", "due_date"], name="uniq_reminder"
            )
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="reminder_status_enq"),
            models.Index(fields=["status", "lease_until"], name="reminder_work_lease"),
            models.Index(fields=["recipient", "status"], name="reminder_recipient_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.offset_days}d clock {self.clock_id} → {self.recipient_id}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    level = models.CharField(max_length=12, default="info")  # info | warning | error
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "is_read"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title


def _reminders_select(now):
    from .services import reminders_select_for_delivery

    return reminders_select_for_delivery()


# Failed reminders keep a retry time while the failure is transient (the mail server was down):
# they are retried until it answers again, and at once when any e-mail goes through.
REMINDER_DELIVERY = register(
    WorkKind(
        name="reminder",
        label=_("Reminders"),
        model="reminders.Reminder",
        task="dsar.reminders.tasks.send_reminder",
        running=Reminder.Status.SENDING,
        error_field="last_error",
        retry_failed=True,
        select=_reminders_select,
    )
)


def _digests_select(now):
    from .services import digests_due_user_ids

    return digests_due_user_ids(now=now)


def _digests_overview(now):
    from .services import digests_overview

    return digests_overview(now=now)


# A digest is the set of a user's reminders waiting for it: the sweep finds users whose
# reminders waited past the last scheduled digest time (a lost beat message, a dead worker).
DIGEST_DELIVERY = register(
    WorkKind(
        name="digest",
        label=_("Reminder digests"),
        model="reminders.Reminder",
        task="dsar.reminders.tasks.send_digest",
        running=Reminder.Status.SENDING,
        pending=Reminder.Status.DIGEST,
        error_field="last_error",
        select=_digests_select,
        overview=_digests_overview,
    )
)


class UnsubscribeToken(models.Model):
    """The secret in one e-mail's unsubscribe link, stored as its SHA-256. It works until it
    expires or the user cancels the links already sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsubscribe_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="unsubscribe_user_expires")]

    def __str__(self) -> str:
        return f"unsubscribe link of {self.user_id} until {self.expires_at:%Y-%m-%d}"
