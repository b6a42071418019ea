"""The REST API: the same selectors and services as the pages."""

from django.db.models import Prefetch
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from dsar.cases import selectors, services
from dsar.cases.models import Clock
from dsar.core.exceptions import ApplicationError
from dsar.directory.models import Agency, Regime

from . import serializers as s


def _refuse(exc: ApplicationError):
    raise ValidationError({exc.field or "non_field_errors": [exc.message]})


@api_view(["GET", "POST"])
def cases(request):
    if request.method == "POST":
        data = s.CaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.case_create(user=request.user, **data.validated_data)
        except ApplicationError as exc:
            _refuse(exc)
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.case_list(user=request.user), request)
    return paginator.get_paginated_response(s.CaseSerializer(page, many=True).data)


@api_view(["GET"])
def case_detail(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    proceedings = selectors.case_detail_proceedings(case=case).prefetch_related(
        Prefetch("clocks", queryset=Clock.objects.order_by("due_date"))
    )
    return Response(
        {
            **s.CaseSerializer(case).data,
            "proceedings": s.ProceedingSerializer(proceedings, many=True).data,
        }
    )


@api_view(["POST"])
def proceeding_create(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    data = s.ProceedingCreateSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    regime = Regime.objects.filter(code=values.pop("regime")).first()
    agency = Agency.objects.filter(code=values.pop("agency")).first()
    if regime is None:
        raise ValidationError({"regime": ["Unknown regime code."]})
    if agency is None:
        raise ValidationError({"agency": ["Unknown agency code."]})
    parent_id = values.pop("parent", None)
    parent = case.proceedings.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        raise ValidationError({"parent": ["No such proceeding in this case."]})
    try:
        proceeding = services.proceeding_create(
            user=request.user, case=case, regime=regime, agency=agency, parent=parent, **values
        )
    except ApplicationError as exc:
        _refuse(exc)
    return Response(s.ProceedingSerializer(proceeding).data, status=status.HTTP_201_CREATED)


@api_view(["GET"])
def proceeding_detail(request, pk: int):
    proceeding = selectors.proceeding_get(user=request.user, proceeding_id=pk)
    return Response(
        {
            **s.ProceedingSerializer(proceeding).data,
            "events": s.EventSerializer(
                selectors.proceeding_events(proceeding=proceeding), many=True
            ).data,
        }
    )


@api_view(["POST"])
def event_create(request, pk: int):
    proceeding = selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
    data = s.EventCreateSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        event = services.proceeding_record_event(
            user=request.user, proceeding=proceeding, **data.validated_data
        )
    except ApplicationError as exc:
        _refuse(exc)
    return Response(s.EventSerializer(event).data, status=status.HTTP_201_CREATED)
