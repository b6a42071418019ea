"""Cases, proceedings, events and the clocks derived from them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dsar.core.crypto import EncryptedTextField
from dsar.core.models import TimeStampedModel


class USStatus(models.TextChoices):
    CITIZEN = "citizen", _("US citizen")
    LPR = "lpr", _("US lawful permanent resident")
    NONE = "none", _("Neither (foreign national)")


class Case(TimeStampedModel):
    """One matter of one person (the subject), owned by a user and optionally shared with an
    organization's members."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("shared with organization"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    subject_name = models.CharField(_("subject's full name"), max_length=200)
    subject_other_names = models.CharField(_("other names used"), max_length=300, blank=True)
    subject_nationality = models.CharField(
        _("nationality"), max_length=2, blank=True, help_text=_("Two-letter country code")
    )
    subject_us_status = models.CharField(
        _("US status"), max_length=8, choices=USStatus.choices, default=USStatus.NONE
    )
    subject_residence = models.CharField(_("country of residence"), max_length=2, blank=True)
    subject_address = EncryptedTextField(_("postal address"), blank=True)
    subject_email = EncryptedTextField(_("e-mail for correspondence"), blank=True)
    subject_date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    subject_place_of_birth = EncryptedTextField(_("place of birth"), blank=True)
    subject_a_number = EncryptedTextField(_("A-number"), blank=True)
    subject_passport_number = EncryptedTextField(_("passport number"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # The automated decision that started the matter, if any.
    decision_date = models.DateField(_("date of the automated decision"), null=True, blank=True)
    decision_place = models.CharField(_("place"), max_length=200, blank=True)
    decision_system = models.ForeignKey(
        "directory.RecordSystem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("system involved"),
    )
    decision_system_other = models.CharField(
        _("system (if not listed)"), max_length=200, blank=True
    )
    decision_description = models.TextField(_("what happened"), blank=True)
    decision_outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    decision_references = models.CharField(_("reference numbers"), max_length=300, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def has_automated_decision(self) -> bool:
        return bool(
            self.decision_date
            or self.decision_description
            or self.decision_system_id
            or self.decision_system_other
        )


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access to records")
    AMENDMENT = "amendment", _("Correction / amendment")
    REDRESS = "redress", _("Redress inquiry")
    AUTOMATED_DECISION = (
        "automated-decision",
        _("Explanation or human review of an automated decision"),
    )
    CHALLENGE = "challenge", _("Challenge / objection")
    APPEAL = "appeal", _("Appeal")
    MEDIATION = "mediation", _("Mediation")
    COMPLAINT = "complaint", _("Complaint to an authority")


class ProceedingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")
    IN_PROGRESS = "in_progress", _("With the agency")
    AWAITING_REQUESTER = "awaiting_requester", _("Agency waiting for you")
    DETERMINED = "determined", _("Decided")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (
    ProceedingStatus.DRAFT,
    ProceedingStatus.FILED,
    ProceedingStatus.IN_PROGRESS,
    ProceedingStatus.AWAITING_REQUESTER,
    ProceedingStatus.DETERMINED,
    ProceedingStatus.APPEALED,
)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted in full")
    PARTIAL = "partial", _("Partly granted")
    DENIED = "denied", _("Denied")
    NO_RECORDS = "no_records", _("No records found")
    REFERRED = "referred", _("Referred to another agency")


class Proceeding(TimeStampedModel):
    """One legal request inside a case, under one regime, to one agency."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    regime = models.ForeignKey(
        "directory.Regime",
        on_delete=models.PROTECT,
        related_name="proceedings",
        verbose_name=_("legal regime"),
    )
    request_type = models.CharField(_("request type"), max_length=24, choices=RequestType.choices)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="proceedings",
        verbose_name=_("agency"),
    )
    record_system = models.ForeignKey(
        "directory.RecordSystem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proceedings",
        verbose_name=_("record system"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("appeals or follows up on"),
    )
    title = models.CharField(_("short description"), max_length=200, blank=True)
    description = models.TextField(_("what is requested"), blank=True)
    tracking_numbers = models.CharField(_("agency tracking numbers"), max_length=300, blank=True)
    expedited = models.BooleanField(_("expedited processing requested"), default=False)
    calendar_country = models.CharField(
        _("holiday calendar country"),
        max_length=8,
        blank=True,
        help_text=_("Leave blank to use the agency's country"),
    )
    calendar_subdivision = models.CharField(
        _("holiday calendar subdivision"), max_length=16, blank=True
    )

    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ProceedingStatus.choices,
        default=ProceedingStatus.DRAFT,
        db_index=True,
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    appeal_outcome = models.CharField(
        _("appeal outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    is_open = models.BooleanField(default=True, db_index=True)
    # Denormalised from the clocks so the dashboard can order and filter with one indexed query.
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True)
    next_clock = models.CharField(max_length=48, blank=True)
    clocks_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        indexes = [
            models.Index(fields=["is_open", "next_due_on"], name="proc_open_due"),
            models.Index(fields=["case", "is_open"]),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.regime} — {self.get_request_type_display()} — {self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("cases:proceeding_detail", args=[self.pk])

    @property
    def calendar(self) -> tuple[str, str]:
        country = self.calendar_country or self.agency.country
        subdivision = self.calendar_subdivision or (
            self.agency.subdivision if not self.calendar_country else ""
        )
        return country, subdivision


class EventKind(models.TextChoices):
    FILED = "filed", _("Request filed")
    RECEIVED = "received", _("Received by the agency")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged (tracking number)")
    INFO_REQUESTED = "info_requested", _("Agency asked for information (clock paused)")
    INFO_PROVIDED = "info_provided", _("Information provided (clock resumes)")
    FEE_NOTICE = "fee_notice", _("Fee notice (clock paused)")
    FEE_RESOLVED = "fee_resolved", _("Fee issue resolved (clock resumes)")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")
    DETERMINATION = "determination", _("Determination")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOTE = "note", _("Note or correspondence")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    EMAIL = "email", _("E-mail")
    POSTAL = "postal", _("Post")
    FAX = "fax", _("Fax")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Telephone")
    OTHER = "other", _("Other")


class Event(TimeStampedModel):
    """Something that happened in a proceeding, on a date, with its evidence."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=24, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    exemptions = models.CharField(_("exemptions cited"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status_before = models.CharField(max_length=24, choices=ProceedingStatus.choices)
    status_after = models.CharField(max_length=24, choices=ProceedingStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["proceeding", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on})"


class Clock(models.Model):
    """A legal deadline derived by the deadline engine from a proceeding's events, stored with the
    inputs and explanation that produced it."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        CLOSED = "closed", _("No longer applies")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="clocks")
    code = models.CharField(max_length=48)
    label = models.CharField(max_length=200)
    start_date = models.DateField()
    due_date = models.DateField(db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    extended = models.BooleanField(default=False)
    met_on = models.DateField(null=True, blank=True)
    citation = models.CharField(max_length=300)
    rule_status = models.CharField(max_length=24)
    explanation = models.JSONField(default=dict)
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "code"], name="uniq_clock_per_proceeding")
        ]
        indexes = [models.Index(fields=["state", "due_date"], name="clock_state_due")]

    def __str__(self) -> str:
        return f"{self.code} due {self.due_date}"
