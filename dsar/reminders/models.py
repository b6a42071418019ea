import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_calendar_token() -> str:
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
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
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


class Reminder(models.Model):
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
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
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
