"""Input and output shapes for the REST API. Serializers validate; services write."""

from rest_framework import serializers

from dsar.cases.models import Case, Clock, Event, EventKind, Outcome, Proceeding, RequestType


class ClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clock
        fields = [
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
            "kind",
            "occurred_on",
            "channel",
            "tracking_number",
            "outcome",
            "exemptions",
            "notes",
            "status_before",
            "status_after",
            "created_at",
        ]


class ProceedingSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    clocks = ClockSerializer(many=True, read_only=True)

    class Meta:
        model = Proceeding
        fields = [
            "id",
            "case",
            "regime",
            "request_type",
            "agency",
            "parent",
            "title",
            "tracking_numbers",
            "status",
            "outcome",
            "appeal_outcome",
            "is_open",
            "next_due_on",
            "next_clock",
            "clocks",
        ]


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "status",
            "subject_name",
            "subject_nationality",
            "subject_us_status",
            "subject_residence",
            "notes",
            "decision_date",
            "decision_place",
            "decision_description",
            "decision_outcome",
            "decision_references",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]


class ProceedingCreateSerializer(serializers.Serializer):
    regime = serializers.SlugField()
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    agency = serializers.SlugField()
    parent = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)


class EventCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_on = serializers.DateField()
    channel = serializers.CharField(required=False, allow_blank=True, max_length=16)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    exemptions = serializers.CharField(required=False, allow_blank=True, max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True)
