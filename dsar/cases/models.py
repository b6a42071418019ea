"""Cases, proceedings, events and the clocks derived from them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsar.core.crypto import EncryptedCharField, EncryptedTextField
from dsar.core.models import TimeStampedModel


class USStatus(models.TextChoices):
    CITIZEN = "citizen", _("US citizen")
    LPR = "lpr", _("US lawful permanent resident")
    NONE = "none", _("Neither (foreign national)")


class Case(TimeStampedModel):
    """One matter of one person (the subject), owned by a user and optionally shared with an
    organization's members.

    Everything that identifies or describes the person is encrypted at rest (the title too: it
    usually names the client); the database can neither search nor order by those columns."""

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
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
        help_text=_("The colleague who handles the case and receives its reminders."),
    )
    title = EncryptedCharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The rule for client consent: a case handled for someone else (a client) needs the
    # client's consent on file before any letter is prepared for it.
    for_client = models.BooleanField(
        _("handled for a client"),
        default=False,
        help_text=_(
            "Tick when the person the records are about is not you. Letters for this case then "
            "need the client's signed consent on file."
        ),
    )

    subject_name = EncryptedCharField(_("subject's full name"), max_length=200)
    subject_other_names = EncryptedCharField(_("other names used"), max_length=300, blank=True)
    subject_nationality = EncryptedCharField(
        _("nationality"), max_length=2, blank=True, help_text=_("Two-letter country code")
    )
    subject_us_status = EncryptedCharField(
        _("US status"), max_length=8, choices=USStatus.choices, default=USStatus.NONE
    )
    subject_residence = EncryptedCharField(_("country of residence"), max_length=2, blank=True)
    # Where the person is now: Canada's Privacy Act turns on presence, not residence.
    subject_present_in = EncryptedCharField(
        _("country where the person is now"), max_length=2, blank=True
    )
    subject_address = EncryptedTextField(_("postal address"), blank=True)
    subject_email = EncryptedTextField(_("e-mail for correspondence"), blank=True)
    subject_date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    subject_place_of_birth = EncryptedTextField(_("place of birth"), blank=True)
    subject_a_number = EncryptedTextField(_("A-number"), blank=True)
    subject_passport_number = EncryptedTextField(_("passport number"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)

    # The automated decision that started the matter, if any.
    decision_date = models.DateField(_("date of the automated decision"), null=True, blank=True)
    decision_place = EncryptedCharField(_("place"), max_length=200, blank=True)
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
    decision_description = EncryptedTextField(_("what happened"), blank=True)
    decision_outcome = EncryptedCharField(_("outcome"), max_length=300, blank=True)
    decision_references = EncryptedCharField(_("reference numbers"), max_length=300, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "closed_at"], name="case_status_closed"),
            models.Index(fields=["owner", "updated_at"], name="case_owner_updated"),
            models.Index(fields=["organization", "updated_at"], name="case_org_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._searched = _searched_values(instance, SEARCHED_CASE_FIELDS)
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        proceedings_follow_case(self)
        _search_terms_follow(self, self.pk, kwargs.get("update_fields"), SEARCHED_CASE_FIELDS)

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
    FINAL = "final", _("Final refusal: next steps")
    IN_COURT = "in_court", _("In court")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted in full")
    PARTIAL = "partial", _("Partly granted")
    DENIED = "denied", _("Denied")
    NO_RECORDS = "no_records", _("No records found")
    REFERRED = "referred", _("Referred to another agency")
    # Only for an appeal decision: sent back to the agency for a new search or decision.
    REMANDED = "remanded", _("Sent back to the agency (remanded)")


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
    title = EncryptedCharField(_("short description"), max_length=200, blank=True)
    description = EncryptedTextField(_("what is requested"), blank=True)
    tracking_numbers = EncryptedCharField(_("agency tracking numbers"), max_length=300, blank=True)
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
    # Copied from the case (kept in step by Case.save and Proceeding.save) so that "what this
    # user can see" is two index range scans -- the user's own proceedings and each of their
    # organizations' -- instead of an OR across a join that no index can serve.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An open proceeding of an open case: what the dashboard and the calendar list.
    listed = models.BooleanField(default=True)
    # Denormalised from the clocks so the dashboard can order and filter with one indexed query.
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True)
    next_clock = models.CharField(max_length=48, blank=True)
    clocks_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        indexes = [
            models.Index(fields=["is_open", "next_due_on"], name="proc_open_due"),
            models.Index(fields=["case", "is_open"]),
            # The dashboard's order (next deadline, nulls last, then id) served directly by
            # the index, per visibility branch; the two change stamps it carries let the
            # calendar feed's version (count and latest change) be read from the index alone.
            models.Index(
                fields=["owner", "next_due_on", "id"],
                name="proc_owner_listed_due",
                condition=Q(listed=True),
                include=["updated_at", "clocks_computed_at"],
            ),
            models.Index(
                fields=["organization", "next_due_on", "id"],
                name="proc_org_listed_due",
                condition=Q(listed=True),
                include=["updated_at", "clocks_computed_at"],
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.regime} — {self.get_request_type_display()} — {self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("cases:proceeding_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        case = self.case
        self.owner_id = case.owner_id
        self.organization_id = case.organization_id
        self.listed = self.is_open and case.status == Case.Status.OPEN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "owner", "organization", "listed"}
        super().save(*args, **kwargs)
        _search_terms_follow(self, self.case_id, update_fields, SEARCHED_PROCEEDING_FIELDS)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._searched = _searched_values(instance, SEARCHED_PROCEEDING_FIELDS)
        return instance

    @property
    def calendar(self) -> tuple[str, str]:
        country = self.calendar_country or self.agency.country
        subdivision = self.calendar_subdivision or (
            self.agency.subdivision if not self.calendar_country else ""
        )
        return country, subdivision


# The fields the search index is derived from (dsar/cases/search.py).
SEARCHED_CASE_FIELDS = (
    "title",
    "subject_name",
    "subject_other_names",
    "decision_references",
    "owner",
    "organization",
)
SEARCHED_PROCEEDING_FIELDS = ("title", "tracking_numbers")


def _searched_values(instance: models.Model, fields) -> tuple | None:
    if any(instance._meta.get_field(f).attname not in instance.__dict__ for f in fields):
        return None  # loaded with .only(): unknown, so a save rebuilds
    return tuple(getattr(instance, instance._meta.get_field(f).attname) for f in fields)


def _search_terms_follow(instance, case_id: int, update_fields, searched) -> None:
    """Whoever changes a searched field (a service, the admin), the case's search terms
    follow: rebuilt when one of them differs from what was loaded (or the row is new)."""
    if update_fields is not None and not set(update_fields) & set(searched):
        return
    current = _searched_values(instance, searched)
    if current is not None and current == getattr(instance, "_searched", None):
        return
    from .search import case_search_terms_rebuild

    case_search_terms_rebuild(case_ids=[case_id])
    instance._searched = current


def proceedings_follow_case(case: Case) -> int:
    """Copy a case's owner, organization and openness onto its proceedings; touches only the
    rows that differ (their ``updated_at`` moves, which the calendar feed's version reads)."""
    case_open = case.status == Case.Status.OPEN
    stale = ~Q(owner_id=case.owner_id)
    stale |= ~Q(listed=F("is_open")) if case_open else Q(listed=True)
    if case.organization_id is None:
        stale |= Q(organization_id__isnull=False)
    else:
        stale |= Q(organization_id__isnull=True) | ~Q(organization_id=case.organization_id)
    return (
        Proceeding.objects.filter(case_id=case.pk)
        .filter(stale)
        .update(
            owner_id=case.owner_id,
            organization_id=case.organization_id,
            listed=F("is_open") if case_open else False,
            updated_at=timezone.now(),
        )
    )


class EventKind(models.TextChoices):
    FILED = "filed", _("Request filed")
    RECEIVED = "received", _("Received by the agency")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged (tracking number)")
    INFO_REQUESTED = (
        "info_requested",
        _("Agency asked for information, identity proof or clarification"),
    )
    INFO_PROVIDED = "info_provided", _("Information, identity proof or clarification sent")
    FEE_NOTICE = "fee_notice", _("Fee notice (clock paused)")
    FEE_RESOLVED = "fee_resolved", _("Fee issue resolved (clock resumes)")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")
    DETERMINATION = "determination", _("Determination")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_RECEIVED = "appeal_received", _("Appeal received or acknowledged by the agency")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    DISAGREEMENT_FILED = "disagreement_filed", _("Statement of disagreement filed")
    LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
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
    tracking_number = EncryptedCharField(_("tracking number"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    exemptions = models.CharField(_("exemptions cited"), max_length=300, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    # Receipt: a misdirected FOIA request first reached another component on this day
    # (552(a)(6)(A)(ii)); the receipt came after the agency's cut-off time.
    first_received_on = models.DateField(
        _("first received by another component on"), null=True, blank=True
    )
    after_cutoff = models.BooleanField(_("received after the agency's cut-off time"), default=False)
    # Extension notice: the length or the new date the agency stated.
    extension_days = models.PositiveSmallIntegerField(_("extension length"), null=True, blank=True)
    extended_to = models.DateField(_("new due date stated by the agency"), null=True, blank=True)
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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._searched = _searched_values(instance, ("tracking_number",))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.tracking_number or getattr(self, "_searched", None):
            _search_terms_follow(
                self, self.proceeding.case_id, kwargs.get("update_fields"), ("tracking_number",)
            )


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


class SearchTerm(models.Model):
    """One keyed hash (blind index) of a word of a name or title, or of a whole tracking number,
    of a case or of one of its proceedings (see ``dsar.core.blind_index``). Identifying fields
    may be stored encrypted, so they are searched through these digests and never by reading
    them back. Rebuilt by ``dsar.cases.search.case_search_terms_rebuild``."""

    class Kind(models.TextChoices):
        NAME = "name", _("name word")
        TITLE = "title", _("title word")
        REFERENCE = "ref", _("tracking or reference number")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="search_terms")
    # Null for a term of the case itself (the subject's names), which matches all its
    # proceedings.
    proceeding = models.ForeignKey(
        Proceeding, null=True, on_delete=models.CASCADE, related_name="search_terms"
    )
    # The case's owner and organization, so that a search reads only the user's own matches
    # (and each of their organizations'): one index range per visibility branch.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["digest", "owner"], name="searchterm_digest_owner"),
            models.Index(
                fields=["digest", "organization"],
                name="searchterm_digest_org",
                condition=Q(organization__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} term of case {self.case_id}"
