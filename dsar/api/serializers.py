"""Input and output shapes for the REST API. Serializers parse and present; the services own
every rule and every write."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dsar.accounts.models import ClientConsent
from dsar.audit.models import AuditEntry
from dsar.cases.models import (
    Case,
    Channel,
    Clock,
    Event,
    EventKind,
    Outcome,
    Proceeding,
    RequestType,
    USStatus,
)
from dsar.cases.selectors import proceeding_eligibility
from dsar.deadlines.rules import RULES
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.directory.planner import US_STATUSES, situations
from dsar.letters.models import Document, LetterRequest
from dsar.reminders.models import Notification

# --- cases -----------------------------------------------------------------------------------


class ClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clock
        fields = [
            "id",
            "proceeding",
            "code",
            "label",
            "start_date",
            "due_date",
            "state",
            "extended",
            "met_on",
            "citation",
            "rule_status",
            "explanation",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = [
            "id",
            "proceeding",
            "kind",
            "occurred_on",
            "channel",
            "tracking_number",
            "outcome",
            "exemptions",
            "notes",
            "first_received_on",
            "after_cutoff",
            "extension_days",
            "extended_to",
            "status_before",
            "status_after",
            "created_at",
        ]


class ProceedingSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    record_system = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    clocks = ClockSerializer(many=True, read_only=True)
    eligibility_warnings = serializers.SerializerMethodField()

    class Meta:
        model = Proceeding
        fields = [
            "id",
            "case",
            "regime",
            "request_type",
            "agency",
            "record_system",
            "parent",
            "title",
            "description",
            "tracking_numbers",
            "expedited",
            "calendar_country",
            "calendar_subdivision",
            "status",
            "outcome",
            "appeal_outcome",
            "is_open",
            "next_due_on",
            "next_clock",
            "created_at",
            "updated_at",
            "clocks",
            "eligibility_warnings",
        ]

    def get_eligibility_warnings(self, proceeding: Proceeding) -> list[dict[str, str]]:
        return [
            {"reason": w.reason, "citation": w.citation, "status": w.status}
            for w in proceeding_eligibility(proceeding=proceeding)
        ]


class ProceedingCreatedSerializer(ProceedingSerializer):
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Eligibility warnings: the subject may not be entitled to this request.",
    )

    class Meta(ProceedingSerializer.Meta):
        fields = [*ProceedingSerializer.Meta.fields, "warnings"]


class ProceedingInputSerializer(serializers.Serializer):
    regime = serializers.SlugField(help_text="A regime code from /api/v1/directory/regimes/.")
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    agency = serializers.SlugField(help_text="An agency code from /api/v1/directory/agencies/.")
    record_system = serializers.SlugField(required=False, allow_blank=True)
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="The proceeding (same case) this one follows."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    tracking_numbers = serializers.CharField(required=False, allow_blank=True, max_length=300)
    expedited = serializers.BooleanField(required=False)
    calendar_country = serializers.CharField(required=False, allow_blank=True, max_length=8)
    calendar_subdivision = serializers.CharField(required=False, allow_blank=True, max_length=16)


class ProceedingCreateSerializer(ProceedingInputSerializer):
    case = serializers.IntegerField(help_text="The case the proceeding belongs to.")


class ProceedingUpdateSerializer(ProceedingInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


CASE_LIST_FIELDS = [
    "id",
    "title",
    "status",
    "organization",
    "subject_name",
    "subject_nationality",
    "subject_us_status",
    "subject_residence",
    "decision_date",
    "created_at",
    "updated_at",
]


class CaseListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = CASE_LIST_FIELDS


class CaseSerializer(serializers.ModelSerializer):
    decision_system = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    subject_date_of_birth = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            *CASE_LIST_FIELDS,
            "closed_at",
            "subject_other_names",
            "subject_address",
            "subject_email",
            "subject_date_of_birth",
            "subject_place_of_birth",
            "subject_a_number",
            "subject_passport_number",
            "notes",
            "decision_place",
            "decision_system",
            "decision_system_other",
            "decision_description",
            "decision_outcome",
            "decision_references",
        ]


class CaseDetailSerializer(CaseSerializer):
    proceedings = ProceedingSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "proceedings"]


class CaseInputSerializer(serializers.Serializer):
    """Sensitive identity fields (address, e-mail, date of birth, A-number, passport number)
    are stored encrypted."""

    title = serializers.CharField(max_length=200, allow_blank=True)
    subject_name = serializers.CharField(max_length=200, allow_blank=True)
    subject_other_names = serializers.CharField(max_length=300, required=False, allow_blank=True)
    subject_nationality = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2, e.g. MX."
    )
    subject_us_status = serializers.ChoiceField(choices=USStatus.choices, required=False)
    subject_residence = serializers.CharField(max_length=2, required=False, allow_blank=True)
    subject_address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    subject_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    subject_date_of_birth = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="YYYY-MM-DD"
    )
    subject_place_of_birth = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject_a_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    subject_passport_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    decision_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decision_system = serializers.SlugField(
        required=False, allow_blank=True, help_text="A record system code."
    )
    decision_system_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decision_description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    decision_outcome = serializers.CharField(max_length=300, required=False, allow_blank=True)
    decision_references = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organization = serializers.IntegerField(
        required=False, allow_null=True, help_text="Share with this organization (member only)."
    )


class CaseUpdateSerializer(CaseInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ImportProceedingSerializer(serializers.Serializer):
    regime = serializers.CharField(max_length=40)
    request_type = serializers.CharField(max_length=24)
    agency = serializers.CharField(max_length=40)
    record_system = serializers.CharField(max_length=40, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    tracking_numbers = serializers.CharField(max_length=300, required=False, allow_blank=True)
    expedited = serializers.BooleanField(required=False)
    calendar_country = serializers.CharField(max_length=8, required=False, allow_blank=True)
    calendar_subdivision = serializers.CharField(max_length=16, required=False, allow_blank=True)


class ImportCaseSerializer(CaseInputSerializer):
    organization = None
    decision_system = None
    proceedings = ImportProceedingSerializer(many=True, required=False, max_length=50)


class ImportSerializer(serializers.Serializer):
    cases = ImportCaseSerializer(many=True, min_length=1, max_length=1000)


class ImportedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    proceedings = serializers.ListField(child=serializers.IntegerField())


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="How many cases were created.")
    cases = ImportedCaseSerializer(many=True)
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Eligibility warnings, by place (`cases.3.proceedings.0`).",
    )


class EventCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    exemptions = serializers.CharField(required=False, allow_blank=True, max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    first_received_on = serializers.DateField(required=False, allow_null=True)
    after_cutoff = serializers.BooleanField(required=False)
    extension_days = serializers.IntegerField(required=False, allow_null=True)
    extended_to = serializers.DateField(required=False, allow_null=True)


class EventRecordedSerializer(serializers.Serializer):
    event = EventSerializer()
    proceeding = ProceedingSerializer(help_text="The proceeding after the event, clocks recomputed")


# --- client consent and the audit log -------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    regimes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    state = serializers.SerializerMethodField(
        help_text="`revoked`, `expired` (past `expires_on`) or `valid`."
    )

    class Meta:
        model = ClientConsent
        fields = [
            "id",
            "case",
            "scope",
            "regimes",
            "signed_on",
            "expires_on",
            "document",
            "state",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["valid", "expired", "revoked"]))
    def get_state(self, consent: ClientConsent) -> str:
        if consent.revoked_at is not None:
            return "revoked"
        if consent.expires_on is not None and consent.expires_on < timezone.localdate():
            return "expired"
        return "valid"


class ConsentCreateSerializer(serializers.Serializer):
    scope = serializers.CharField(
        max_length=10000, allow_blank=True, help_text="What the client authorises."
    )
    regimes = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        max_length=50,
        help_text="The regime codes it covers, from /api/v1/directory/regimes/.",
    )
    signed_on = serializers.DateField(help_text="Not in the future.")
    expires_on = serializers.DateField(
        required=False, allow_null=True, help_text="Not before `signed_on`."
    )
    document = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The signed copy: a document of the same case (upload it first).",
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    """One entry of the audit log. The case and the document are named by id only: either may
    have been deleted since, and the log keeps no copy of their content."""

    actor_email = serializers.CharField(
        read_only=True, help_text="Who did it; empty for dsar's own automatic work."
    )
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    document = serializers.IntegerField(source="document_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor_email",
            "action",
            "action_label",
            "case",
            "document",
            "detail",
            "ip_address",
        ]
        read_only_fields = fields


# --- documents and letters -------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "proceeding",
            "event",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "language",
            "created_at",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, document: Document) -> str:
        return reverse("api:document-download", args=[document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    proceeding = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    file = serializers.FileField(help_text="PDF, PNG, JPEG, TIFF or plain text.")


class LetterFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    help = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())


class LetterSpecSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    fields = LetterFieldSerializer(many=True)
    citations = serializers.ListField(child=serializers.CharField())


class LetterRequestCreateSerializer(serializers.Serializer):
    proceeding = serializers.IntegerField()
    code = serializers.CharField(max_length=48, help_text="From the proceeding's `letters` list.")
    language = serializers.CharField(max_length=8)
    inputs = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000),
        required=False,
        help_text="The letter's fields, by name.",
    )


class LetterRequestSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = LetterRequest
        fields = [
            "id",
            "case",
            "proceeding",
            "code",
            "language",
            "status",
            "error",
            "document",
            "created_at",
            "updated_at",
            "download_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, letter_request: LetterRequest) -> str | None:
        if letter_request.status != LetterRequest.Status.READY:
            return None
        return reverse("api:letter-pdf", args=[letter_request.pk])


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "level", "title", "body", "url", "is_read", "created_at"]


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


# --- the public directory, planner and calculator --------------------------------------------


class RegimeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regime
        fields = [
            "code",
            "name",
            "name_es",
            "country",
            "citation",
            "description",
            "source",
            "verified_on",
            "status",
        ]


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    regimes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "name_es",
            "abbreviation",
            "parent",
            "country",
            "subdivision",
            "website",
            "description",
            "regimes",
            "source",
            "verified_on",
            "status",
        ]


class RecordSystemSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RecordSystem
        fields = [
            "code",
            "name",
            "name_es",
            "abbreviation",
            "agency",
            "biometrics",
            "sorn",
            "exemptions",
            "description",
            "source",
            "verified_on",
            "status",
        ]


class PlannerInputSerializer(serializers.Serializer):
    situation = serializers.ChoiceField(choices=())
    nationality = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. MX.")
    us_status = serializers.ChoiceField(choices=US_STATUSES, default="none")
    residence = serializers.CharField(max_length=2, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["en", "es"], default="en")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].choices = list(situations())


class PlannedProceedingSerializer(serializers.Serializer):
    regime = serializers.CharField()
    request_type = serializers.CharField()
    agency = serializers.CharField()
    record_system = serializers.CharField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    why = serializers.CharField()
    citation = serializers.CharField()
    caveat = serializers.CharField()
    status = serializers.CharField()


class PauseSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class CalculatorInputSerializer(serializers.Serializer):
    clock = serializers.ChoiceField(choices=())
    start = serializers.DateField()
    country = serializers.CharField(max_length=8, required=False, allow_blank=True)
    subdivision = serializers.CharField(max_length=16, required=False, allow_blank=True)
    extended = serializers.BooleanField(required=False, default=False)
    pauses = PauseSerializer(many=True, required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = list(RULES)


class ClockResultSerializer(serializers.Serializer):
    clock = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    effective_start = serializers.DateField()
    due = serializers.DateField()
    extended = serializers.BooleanField()
    citation = serializers.CharField()
    status = serializers.CharField()
    explanation = serializers.DictField(help_text="How the date was computed.")


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    count = serializers.IntegerField()
    extension = serializers.IntegerField()
    citation = serializers.CharField()
    status = serializers.CharField()
    country = serializers.CharField()
