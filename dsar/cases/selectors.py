"""Reads, always scoped to the requesting user: a case is visible to its owner and to the
members of the organization it is shared with. Anything else is "not found"."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dsar.accounts.models import Membership
from dsar.letters.models import Document

from .models import Case, Clock, Event, Proceeding


def _visibility(user, prefix: str = "") -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    member = Membership.objects.filter(user=user, organization=OuterRef(f"{prefix}organization"))
    return Q(**{f"{prefix}owner": user}) | Q(Exists(member))


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(_visibility(user))


def visible_proceedings(user) -> QuerySet[Proceeding]:
    return Proceeding.objects.filter(_visibility(user, "case__"))


def case_get(*, user, case_id: int) -> Case:
    case = (
        visible_cases(user)
        .select_related("owner", "organization", "decision_system")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def proceeding_get(*, user, proceeding_id: int) -> Proceeding:
    proceeding = (
        visible_proceedings(user)
        .select_related("case", "regime", "agency", "agency__parent", "record_system", "parent")
        .filter(pk=proceeding_id)
        .first()
    )
    if proceeding is None:
        raise Http404("No such proceeding")
    return proceeding


def event_get(*, user, event_id: int) -> Event:
    event = (
        Event.objects.filter(_visibility(user, "proceeding__case__"))
        .select_related("proceeding", "proceeding__case")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("No such event")
    return event


def document_get(*, user, document_id: int) -> Document:
    document = (
        Document.objects.filter(_visibility(user, "case__"))
        .select_related("case", "proceeding", "event")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise Http404("No such document")
    return document


def today() -> date:
    return timezone.localdate()


def dashboard_proceedings(
    *,
    user,
    status: str = "",
    regime: str = "",
    agency: str = "",
    overdue: bool = False,
    query: str = "",
    include_closed: bool = False,
) -> QuerySet[Proceeding]:
    """Open proceedings ordered by next deadline (those without one last)."""
    qs = visible_proceedings(user).select_related("case", "regime", "agency")
    if not include_closed:
        qs = qs.filter(is_open=True, case__status=Case.Status.OPEN)
    if status:
        qs = qs.filter(status=status)
    if regime:
        qs = qs.filter(regime__code=regime)
    if agency:
        qs = qs.filter(agency__code=agency)
    if overdue:
        qs = qs.filter(next_due_on__lt=today())
    if query:
        qs = qs.filter(
            Q(case__title__icontains=query)
            | Q(case__subject_name__icontains=query)
            | Q(title__icontains=query)
            | Q(tracking_numbers__icontains=query)
            | Q(events__tracking_number__icontains=query)
        ).distinct()
    return qs.order_by(F("next_due_on").asc(nulls_last=True), "pk").prefetch_related(
        Prefetch("clocks", queryset=Clock.objects.order_by("due_date"))
    )


def case_list(*, user, status: str = "", query: str = "") -> QuerySet[Case]:
    qs = visible_cases(user).select_related("owner")
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(subject_name__icontains=query))
    return qs.order_by("-updated_at")


def case_detail_proceedings(*, case: Case) -> QuerySet[Proceeding]:
    return (
        case.proceedings.select_related("regime", "agency", "record_system", "parent")
        .prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("due_date")))
        .order_by("is_open", "next_due_on", "pk")
    )


def case_timeline(*, case: Case) -> QuerySet[Event]:
    """Every event of every proceeding of the case, newest first, with its documents."""
    return (
        Event.objects.filter(proceeding__case=case)
        .select_related("proceeding", "proceeding__regime", "proceeding__agency", "created_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
        .order_by("-occurred_on", "-pk")
    )


def proceeding_events(*, proceeding: Proceeding) -> QuerySet[Event]:
    return (
        proceeding.events.select_related("created_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
        .order_by("-occurred_on", "-pk")
    )


def user_organizations(*, user):
    return [
        m.organization for m in Membership.objects.filter(user=user).select_related("organization")
    ]


EDITOR_ROLES = (Membership.Role.ADMIN, Membership.Role.ADVOCATE)


def case_can_edit(*, user, case: Case) -> bool:
    if case.owner_id == user.pk:
        return True
    return (
        case.organization_id is not None
        and Membership.objects.filter(
            user=user, organization_id=case.organization_id, role__in=EDITOR_ROLES
        ).exists()
    )


def case_get_for_edit(*, user, case_id: int) -> Case:
    """Like case_get, but a viewer-only member is refused (403): they may read, not change."""
    case = case_get(user=user, case_id=case_id)
    if not case_can_edit(user=user, case=case):
        raise PermissionDenied
    return case


def proceeding_get_for_edit(*, user, proceeding_id: int) -> Proceeding:
    proceeding = proceeding_get(user=user, proceeding_id=proceeding_id)
    if not case_can_edit(user=user, case=proceeding.case):
        raise PermissionDenied
    return proceeding
