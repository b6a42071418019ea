"""What administrators change about the rules: closure days, rule overrides, and the runs that
recompute every open clock after such a change."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.core.models import TimeStampedModel, WorkRow, work_indexes
from dsar.core.work import WorkKind, register
from dsar.deadlines.rules import RULES


def validate_rule_code(value: str) -> None:
    if value not in RULES:
        raise ValidationError(_("Unknown clock code."))


class ClosureDay(TimeStampedModel):
    """A day an administrator marks as non-working (e.g. an executive-order closure)."""

    country = models.CharField(_("country"), max_length=8)
    subdivision = models.CharField(_("subdivision"), max_length=16, blank=True)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Published non-working days (Mexico's agencies publish theirs each year) carry the status
    # of their source, like every other fact.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=[
            ("VERIFIED", "VERIFIED"),
            ("VERIFIED-2ND", "VERIFIED-2ND"),
            ("UNCONFIRMED", "UNCONFIRMED"),
        ],
        default="VERIFIED",
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "subdivision", "date"], name="uniq_closure_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}{'-' + self.subdivision if self.subdivision else ''} {self.date}"

    def save(self, *args, **kwargs):
        self.country = self.country.upper()
        self.subdivision = self.subdivision.upper()
        super().save(*args, **kwargs)


class RuleSetting(TimeStampedModel):
    """An administrator's override of a rule's count, unit or extension (for unconfirmed or
    agency-specific values). The override and its reason are shown in every explanation."""

    class Unit(models.TextChoices):
        BUSINESS = "business", _("business days")
        CALENDAR = "calendar", _("calendar days")
        MONTH = "month", _("months")

    code = models.CharField(_("clock"), max_length=48, unique=True, validators=[validate_rule_code])
    count = models.PositiveSmallIntegerField(_("count"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, blank=True)
    extension = models.PositiveSmallIntegerField(_("extension"), null=True, blank=True)
    pause_stops_clock = models.BooleanField(
        _("a request for identity proof or clarification stops the clock"),
        null=True,
        blank=True,
        help_text=_("Where the law is unconfirmed; blank keeps the default (it does not)."),
    )
    reason = models.CharField(_("reason and source"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RecomputeRun(WorkRow, TimeStampedModel):
    """One recomputation of every open proceeding's clocks, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = work_indexes("recompute")

    def __str__(self) -> str:
        return f"{self.reason} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


RECOMPUTE_RUN = register(
    WorkKind(
        name="recompute",
        label=_("Clock recomputations"),
        model="rules.RecomputeRun",
        task="dsar.rules.tasks.recompute_all_open_clocks",
        running=RecomputeRun.Status.RUNNING,
    )
)
