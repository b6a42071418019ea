"""The REST API: thin views over the same selectors and services as the pages.

Reads go through selectors that take the requesting user (another user's object is a 404);
writes fetch their object with the selectors' ``…_for_edit`` (a viewer's write is a 403) and
call one service. Errors are shaped by ``dsar.api.exceptions``."""

import datetime
import io

from django import forms
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dsar.accounts import services as account_services
from dsar.accounts.models import ClientConsent, Organization
from dsar.audit import selectors as audit_selectors
from dsar.audit.models import AuditEntry
from dsar.cases import selectors, services
from dsar.cases.models import Case, Clock, ProceedingStatus
from dsar.core.exceptions import ApplicationError, ConflictError
from dsar.deadlines.engine import ClockError, Pause
from dsar.deadlines.rules import RULES
from dsar.directory import selectors as directory_selectors
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.directory.planner import PlannerInputError, plan
from dsar.letters import registry
from dsar.letters import selectors as letter_selectors
from dsar.letters import services as letter_services
from dsar.letters.models import Document, LetterRequest
from dsar.letters.registry import FIELDS
from dsar.reminders import selectors as reminder_selectors
from dsar.reminders import services as reminder_services
from dsar.reminders.models import Notification
from dsar.rules.selectors import clock_calculate

from . import serializers as s

FILE_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as uploaded or made.")
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The letter as a PDF.")


def _parse(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _file_response(document: Document) -> FileResponse:
    if not document.file:
        raise NotFound(_("This document has no file."))
    response = FileResponse(
        io.BytesIO(document.read_content()),  # files are encrypted at rest
        as_attachment=True,
        filename=document.original_name or f"document-{document.pk}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _by_code(model, code: str, field: str, message: str):
    found = model.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


# --- cases -----------------------------------------------------------------------------------


class UTCDateTimeField(IsoDateTimeField):
    """An ISO date-time converted to UTC: the database refuses offsets beyond ±16 hours, which
    ISO 8601 (and Python) accept."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(
                _("Enter a date and time within the supported range."), code="invalid"
            ) from None


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class CaseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Case.Status.choices)
    q = filters.CharFilter(
        method="search",
        label="Search whole words of the title and the subject's names, or a reference number",
    )
    updated_after = UTCDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Case
        fields = ["status", "organization"]  # not the nationality: it is encrypted

    def search(self, queryset, name, value):
        # Encrypted fields cannot be compared in SQL: the keyed-hash index answers.
        return queryset.filter(selectors.case_search_filter(user=self.request.user, query=value))


def _case_refs(request, values: dict) -> dict:
    """Codes and ids in a case's input, as the objects the service takes."""
    if values.get("decision_system"):
        values["decision_system"] = _by_code(
            RecordSystem,
            values["decision_system"],
            "decision_system",
            _("Unknown record system code."),
        )
    elif "decision_system" in values:
        values["decision_system"] = None
    if values.get("organization") is not None:
        organization = Organization.objects.filter(
            pk=values["organization"], memberships__user=request.user
        ).first()
        if organization is None:
            raise ValidationError(
                {"organization": [_("You are not a member of that organization.")]}
            )
        values["organization"] = organization
    return values


def _consent_refs(request, values: dict) -> dict:
    """The regime codes and the document id of a consent's input, as the objects the service
    takes; an unknown code is named by its place (`regimes.1`)."""
    codes = values["regimes"]
    found = {regime.code: regime for regime in Regime.objects.filter(code__in=codes)}
    unknown = {str(i): [_("Unknown regime code.")] for i, c in enumerate(codes) if c not in found}
    if unknown:
        raise ValidationError({"regimes": unknown})
    values["regimes"] = list({code: found[code] for code in codes}.values())
    if values.get("document") is not None:
        try:
            values["document"] = selectors.document_get(
                user=request.user, document_id=values["document"]
            )
        except Http404:
            raise ValidationError({"document": [_("No such document in this case.")]}) from None
    return values


@extend_schema_view(
    list=extend_schema(summary="Your cases", responses=s.CaseListSerializer(many=True)),
    retrieve=extend_schema(
        summary="A case with its proceedings and clocks", responses=s.CaseDetailSerializer
    ),
    create=extend_schema(
        summary="Create a case", request=s.CaseInputSerializer, responses={201: s.CaseSerializer}
    ),
    partial_update=extend_schema(
        summary="Change a case", request=s.CaseUpdateSerializer, responses=s.CaseSerializer
    ),
)
class CaseViewSet(viewsets.GenericViewSet):
    queryset = Case.objects.none()
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter
    # Not the title: it is encrypted, so the database cannot order by it.
    ordering_fields = ["updated_at", "created_at", "decision_date"]
    ordering = ["-updated_at"]
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    def create(self, request):
        values = _case_refs(request, _parse(s.CaseInputSerializer, request))
        case = services.case_create(user=request.user, **values)
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk: int):
        case = selectors.case_get_for_view(user=request.user, case_id=pk)
        data = s.CaseSerializer(case).data
        proceedings = selectors.case_detail_proceedings(case=case)
        data["proceedings"] = s.ProceedingSerializer(proceedings, many=True).data
        return Response(data)

    def partial_update(self, request, pk: int):
        case = selectors.case_get_for_edit(user=request.user, case_id=pk)
        values = _case_refs(request, _parse(s.CaseUpdateSerializer, request))
        case = services.case_update(user=request.user, case=case, **values)
        return Response(s.CaseSerializer(case).data)

    @extend_schema(summary="Close a case", request=None, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk: int):
        case = selectors.case_get_for_edit(user=request.user, case_id=pk)
        return Response(s.CaseSerializer(services.case_close(user=request.user, case=case)).data)

    @extend_schema(summary="Reopen a case", request=None, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk: int):
        case = selectors.case_get_for_edit(user=request.user, case_id=pk)
        return Response(s.CaseSerializer(services.case_reopen(user=request.user, case=case)).data)

    @extend_schema(
        methods=["GET"],
        summary="The client consents recorded on the case, newest first",
        responses=s.ConsentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a client's consent (editors of the case)",
        request=s.ConsentCreateSerializer,
        responses={201: s.ConsentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def consents(self, request, pk: int):
        if request.method == "GET":
            case = selectors.case_get(user=request.user, case_id=pk)
            return Response(s.ConsentSerializer(selectors.case_consents(case=case), many=True).data)
        case = selectors.case_get_for_edit(user=request.user, case_id=pk)
        values = _consent_refs(request, _parse(s.ConsentCreateSerializer, request))
        consent = account_services.consent_record(user=request.user, case=case, **values)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The case's audit trail, newest first (its owner and organization administrators)",
        responses=s.AuditEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def audit(self, request, pk: int):
        _case, entries = audit_selectors.audit_for_case(user=request.user, case_id=pk)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(s.AuditEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Import up to 1,000 cases with their proceedings, all or nothing",
        description=(
            "Every case and proceeding is checked first; if any item is refused, nothing is "
            "written and `errors` names each fault by place, e.g. `cases.3.subject_nationality` "
            "or `cases.3.proceedings.0.agency`. New proceedings are drafts."
        ),
        request=s.ImportSerializer,
        responses={201: s.ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_cases(self, request):
        data = _parse(s.ImportSerializer, request)
        cases = [dict(item) for item in data["cases"]]
        for item in cases:
            item["proceedings"] = [dict(p) for p in item.get("proceedings", [])]
        created, warnings = services.cases_import(user=request.user, cases=cases)
        ids = [case.pk for case in created]
        by_case: dict[int, list[int]] = {pk: [] for pk in ids}
        for case_id, proceeding_id in (
            selectors.visible_proceedings(request.user)
            .filter(case_id__in=ids)
            .order_by("pk")
            .values_list("case_id", "pk")
        ):
            by_case[case_id].append(proceeding_id)
        result = {
            "created": len(created),
            "cases": [
                {"id": c.pk, "title": c.title, "proceedings": by_case[c.pk]} for c in created
            ],
            "warnings": warnings,
        }
        return Response(result, status=status.HTTP_201_CREATED)


# --- proceedings, events, clocks -------------------------------------------------------------


class ProceedingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ProceedingStatus.choices)
    regime = filters.CharFilter(field_name="regime__code")
    agency = filters.CharFilter(field_name="agency__code")
    due_before = filters.DateFilter(field_name="next_due_on", lookup_expr="lte")
    due_after = filters.DateFilter(field_name="next_due_on", lookup_expr="gte")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Open and past a deadline")

    class Meta:
        model = selectors.Proceeding
        fields = ["case", "status", "is_open", "request_type"]

    def filter_overdue(self, queryset, name, value):
        late = Q(is_open=True, next_due_on__lt=selectors.today())
        return queryset.filter(late) if value else queryset.exclude(late)


def _proceeding_refs(case: Case, values: dict) -> dict:
    if "regime" in values:
        values["regime"] = _by_code(Regime, values["regime"], "regime", _("Unknown regime code."))
    if "agency" in values:
        values["agency"] = _by_code(Agency, values["agency"], "agency", _("Unknown agency code."))
    if values.get("record_system"):
        values["record_system"] = _by_code(
            RecordSystem,
            values["record_system"],
            "record_system",
            _("Unknown record system code."),
        )
    elif "record_system" in values:
        values["record_system"] = None
    if values.get("parent") is not None:
        parent = case.proceedings.filter(pk=values["parent"]).first()
        if parent is None:
            raise ValidationError({"parent": [_("No such proceeding in this case.")]})
        values["parent"] = parent
    elif "parent" in values:
        values["parent"] = None
    return values


@extend_schema_view(
    list=extend_schema(summary="Your proceedings", responses=s.ProceedingSerializer(many=True)),
    retrieve=extend_schema(summary="A proceeding with its clocks"),
    create=extend_schema(
        summary="Add a proceeding to a case",
        request=s.ProceedingCreateSerializer,
        responses={201: s.ProceedingCreatedSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a proceeding",
        request=s.ProceedingUpdateSerializer,
        responses=s.ProceedingCreatedSerializer,
    ),
)
class ProceedingViewSet(viewsets.GenericViewSet):
    queryset = selectors.Proceeding.objects.none()
    serializer_class = s.ProceedingSerializer
    filterset_class = ProceedingFilter
    ordering_fields = ["next_due_on", "created_at", "updated_at"]
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.proceeding_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.ProceedingSerializer(page, many=True).data)

    def create(self, request):
        values = _parse(s.ProceedingCreateSerializer, request)
        case = selectors.case_get_for_edit(user=request.user, case_id=values.pop("case"))
        values = _proceeding_refs(case, values)
        proceeding = services.proceeding_create(user=request.user, case=case, **values)
        return Response(
            s.ProceedingCreatedSerializer(proceeding).data, status=status.HTTP_201_CREATED
        )

    def retrieve(self, request, pk: int):
        proceeding = selectors.proceeding_get_for_view(user=request.user, proceeding_id=pk)
        return Response(s.ProceedingSerializer(proceeding).data)

    def partial_update(self, request, pk: int):
        proceeding = selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
        values = _proceeding_refs(proceeding.case, _parse(s.ProceedingUpdateSerializer, request))
        proceeding = services.proceeding_update(user=request.user, proceeding=proceeding, **values)
        return Response(s.ProceedingCreatedSerializer(proceeding).data)

    @extend_schema(
        methods=["GET"],
        summary="The proceeding's events, newest first",
        responses=s.EventSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Record an event (the state machine checks it; the clocks are recomputed)",
        request=s.EventCreateSerializer,
        responses={201: s.EventRecordedSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def events(self, request, pk: int):
        if request.method == "GET":
            proceeding = selectors.proceeding_get(user=request.user, proceeding_id=pk)
            events = selectors.proceeding_events(proceeding=proceeding)
            return Response(s.EventSerializer(events, many=True).data)
        proceeding = selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
        values = _parse(s.EventCreateSerializer, request)
        event = services.proceeding_record_event(user=request.user, proceeding=proceeding, **values)
        proceeding = selectors.proceeding_list(user=request.user).get(pk=proceeding.pk)
        return Response(
            {
                "event": s.EventSerializer(event).data,
                "proceeding": s.ProceedingSerializer(proceeding).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Letters that fit the proceeding now, with the fields each asks for",
        responses=s.LetterSpecSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def letters(self, request, pk: int):
        proceeding = selectors.proceeding_get(user=request.user, proceeding_id=pk)
        specs = letter_selectors.letters_available(user=request.user, proceeding=proceeding)
        return Response(
            [
                {
                    "code": spec.code,
                    "title": str(spec.title),
                    "languages": list(spec.languages),
                    "citations": list(spec.citations),
                    "fields": [
                        {
                            "name": name,
                            "label": str(FIELDS[name].label),
                            "kind": FIELDS[name].kind,
                            "required": FIELDS[name].required,
                            "help": str(FIELDS[name].help),
                            "choices": [c[0] for c in FIELDS[name].choices],
                        }
                        for name in spec.fields
                    ],
                }
                for spec in specs
            ]
        )


class ClockFilter(filters.FilterSet):
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    case = filters.NumberFilter(field_name="proceeding__case")

    class Meta:
        model = Clock
        fields = ["state", "proceeding", "code"]


@extend_schema_view(
    list=extend_schema(summary="Clocks (legal deadlines) of your proceedings"),
    retrieve=extend_schema(summary="A clock, with the explanation of its date"),
)
class ClockViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Clock.objects.none()
    serializer_class = s.ClockSerializer
    filterset_class = ClockFilter
    ordering_fields = ["due_date", "start_date"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.clock_list(user=self.request.user)


class ConsentViewSet(viewsets.GenericViewSet):
    """A case's client consents are listed and recorded at /cases/{id}/consents/."""

    queryset = ClientConsent.objects.none()
    serializer_class = s.ConsentSerializer
    lookup_value_converter = "int"

    @extend_schema(
        summary="Revoke a client consent (editors of the case; once)",
        description="Revoking a revoked consent is a 409.",
        request=None,
        responses=s.ConsentSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk: int):
        consent = selectors.consent_get_for_edit(user=request.user, consent_id=pk)
        consent = account_services.consent_revoke(user=request.user, consent=consent)
        return Response(s.ConsentSerializer(consent).data)


# --- documents and letters -------------------------------------------------------------------


class DocumentFilter(filters.FilterSet):
    class Meta:
        model = Document
        fields = ["case", "proceeding", "event", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Documents of your cases (uploads, letters, reports)"),
    retrieve=extend_schema(summary="A document's details"),
    create=extend_schema(
        summary="Upload a document (checked by content: PDF, image or text)",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    ),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Document.objects.none()
    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter
    ordering_fields = ["created_at", "size"]  # not the title: it is encrypted
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.document_list(user=self.request.user)

    def get_object(self):
        return selectors.document_get(user=self.request.user, document_id=self.kwargs["pk"])

    def create(self, request):
        values = _parse(s.DocumentUploadSerializer, request)
        case = selectors.case_get_for_edit(user=request.user, case_id=values["case"])
        proceeding = None
        if values.get("proceeding") is not None:
            proceeding = case.proceedings.filter(pk=values["proceeding"]).first()
            if proceeding is None:
                raise ValidationError({"proceeding": [_("No such proceeding in this case.")]})
        document = services.document_upload(
            user=request.user,
            case=case,
            proceeding=proceeding,
            upload=values["file"],
            title=values.get("title", ""),
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download the document's file", responses={(200, "*/*"): FILE_RESPONSE})
    @action(detail=True, methods=["get"])
    def download(self, request, pk: int):
        return _file_response(self.get_object())


@extend_schema_view(
    list=extend_schema(summary="Your letter requests"),
    retrieve=extend_schema(summary="A letter request: poll it until `status` is `ready`"),
    create=extend_schema(
        summary="Ask for a letter to be rendered as a PDF (in the background)",
        description=(
            "The same letter with the same inputs is the same request: an already rendered "
            "letter is returned ready, not rendered again. Poll the request, then download."
        ),
        request=s.LetterRequestCreateSerializer,
        responses={202: s.LetterRequestSerializer},
    ),
)
class LetterRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = LetterRequest.objects.none()
    serializer_class = s.LetterRequestSerializer
    extra_error_codes = {"pdf": ["409"]}
    filterset_fields = ["proceeding", "status", "code"]
    ordering_fields = ["created_at"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return letter_selectors.letter_request_list(user=self.request.user)

    def get_object(self):
        return letter_selectors.letter_request_get(
            user=self.request.user, letter_request_id=self.kwargs["pk"]
        )

    def create(self, request):
        values = _parse(s.LetterRequestCreateSerializer, request)
        proceeding = selectors.proceeding_get_for_edit(
            user=request.user, proceeding_id=values["proceeding"]
        )
        spec = registry.letter_spec(values["code"])
        if spec is None or spec is registry.CASE_REPORT:
            raise ValidationError({"code": [_("There is no such letter.")]})
        letter_request = letter_services.letter_request_create(
            user=request.user,
            proceeding=proceeding,
            code=values["code"],
            language=values["language"],
            inputs=values.get("inputs") or {},
        )
        return Response(
            s.LetterRequestSerializer(letter_request).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        summary="Download the rendered PDF", responses={(200, "application/pdf"): PDF_RESPONSE}
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk: int):
        letter_request = self.get_object()
        if letter_request.status != LetterRequest.Status.READY or letter_request.document is None:
            raise ConflictError(
                _("The letter is not ready (status: %(status)s). Poll the request and try again.")
                % {"status": letter_request.status}
            )
        return _file_response(letter_request.document)


# --- notifications ---------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="Your notifications, newest first"))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Notification.objects.none()
    serializer_class = s.NotificationSerializer
    filterset_fields = ["is_read", "level"]
    ordering_fields = ["created_at"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return reminder_selectors.notification_list(user=self.request.user)

    @extend_schema(
        summary="Mark one notification read", request=None, responses=s.MarkedReadSerializer
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk: int):
        if not self.get_queryset().filter(pk=pk).exists():
            raise NotFound()
        marked = reminder_services.notification_mark_read(user=request.user, notification_id=pk)
        return Response({"marked": marked})

    @extend_schema(
        summary="Mark every notification read", request=None, responses=s.MarkedReadSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": reminder_services.notification_mark_read(user=request.user)})


# --- the audit log ---------------------------------------------------------------------------


class AuditFilter(filters.FilterSet):
    action = filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    case = filters.NumberFilter(field_name="case_id")

    class Meta:
        model = AuditEntry
        fields = ["action", "case"]


@extend_schema_view(
    list=extend_schema(
        summary="Your audit log, newest first",
        description=(
            "What you did, and what anyone did to the cases you own. The log cannot be changed "
            "or deleted."
        ),
    )
)
class AuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = AuditEntry.objects.none()
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return audit_selectors.audit_for_account(user=self.request.user)


# --- public: directory, planner, calculator --------------------------------------------------


class PublicMixin:
    permission_classes = [AllowAny]


class RegimeViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    """Legal regimes (public)."""

    queryset = Regime.objects.order_by("position", "code")
    serializer_class = s.RegimeSerializer
    lookup_field = "code"
    filterset_fields = ["country", "status"]
    ordering_fields = ["code", "name"]


class AgencyFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search names, codes and descriptions")

    class Meta:
        model = Agency
        fields = ["country", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(pk__in=directory_selectors.agency_list(query=value).values("pk"))


class AgencyViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    """Agencies and their components (public)."""

    serializer_class = s.AgencySerializer
    lookup_field = "code"
    filterset_class = AgencyFilter
    ordering_fields = ["code", "name", "country"]

    def get_queryset(self):
        return directory_selectors.agency_list().prefetch_related("regimes")


class RecordSystemViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    """Systems of records holding biometric data (public)."""

    serializer_class = s.RecordSystemSerializer
    lookup_field = "code"
    filterset_fields = ["status"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return directory_selectors.record_system_list()


class PlannerView(PublicMixin, APIView):
    @extend_schema(
        summary="Which requests a person may file, with why and a citation (public)",
        request=s.PlannerInputSerializer,
        responses=s.PlannedProceedingSerializer(many=True),
    )
    def post(self, request):
        values = _parse(s.PlannerInputSerializer, request)
        try:
            proposals = plan(
                values["situation"],
                values["nationality"],
                values["us_status"],
                values.get("residence", ""),
            )
        except PlannerInputError as exc:
            raise ApplicationError(str(exc)) from exc
        language = values["language"]
        rows = []
        for proposal in proposals:
            row = proposal.as_dict()
            row["why"], row["caveat"] = proposal.localized(language)
            rows.append(row)
        return Response(s.PlannedProceedingSerializer(rows, many=True).data)


class CalculatorView(PublicMixin, APIView):
    @extend_schema(
        summary="Compute one legal deadline, with its explanation (public; nothing stored)",
        request=s.CalculatorInputSerializer,
        responses=s.ClockResultSerializer,
    )
    def post(self, request):
        values = _parse(s.CalculatorInputSerializer, request)
        try:
            result = clock_calculate(
                code=values["clock"],
                start=values["start"],
                country=values.get("country", ""),
                subdivision=values.get("subdivision", ""),
                pauses=[Pause(p["start"], p["end"]) for p in values.get("pauses", [])],
                extended=values.get("extended", False),
            )
        except (ClockError, OverflowError) as exc:
            raise ApplicationError(str(exc)) from exc
        return Response(s.ClockResultSerializer(result.as_json()).data)


class RuleListView(PublicMixin, APIView):
    @extend_schema(
        summary="The deadline rules the calculator knows (public)",
        responses=s.RuleSerializer(many=True),
    )
    def get(self, request):
        return Response(s.RuleSerializer(list(RULES.values()), many=True).data)


def not_found(request, exception=None):
    """Django's 404 for an address no route matches: JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
    return page_not_found(request, exception)
