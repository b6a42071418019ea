"""Reads, always scoped to the requesting user: a case is visible to its owner and to the
members of the organization it is shared with. Anything else is "not found"."""

from datetime import date, timedelta
from functools import cmp_to_key

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dsar.accounts.models import ClientConsent, Membership
from dsar.audit.services import Action, audit_record
from dsar.core.crypto import encrypted_fields
from dsar.deadlines import procedure
from dsar.directory.models import Agency, Regime
from dsar.letters.models import Document

from .models import Case, Clock, Event, Proceeding
from .search import parse_query, search_filter


def user_organization_ids(user) -> list[int]:
    """The ids of the user's organizations, read once per request (kept on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_dsar_organization_ids", None)
    if cached is None:
        cached = sorted(
            Membership.objects.filter(user=user).values_list("organization_id", flat=True)
        )
        user._dsar_organization_ids = cached
    return cached


# Encrypted case fields that lists never show: left unloaded there, since every value read costs
# a decryption.
CASE_DETAIL_FIELDS = (
    "subject_other_names",
    "subject_nationality",
    "subject_us_status",
    "subject_residence",
    "subject_address",
    "subject_email",
    "subject_date_of_birth",
    "subject_place_of_birth",
    "subject_a_number",
    "subject_passport_number",
    "notes",
    "decision_place",
    "decision_description",
    "decision_outcome",
    "decision_references",
)


def _visibility(user, prefix: str = "") -> Q:
    """Owner, or a member of the organization the case is shared with. ``prefix`` leads from
    the queried model to a model with ``owner`` and ``organization`` columns (a case, or a
    proceeding, which carries copies of its case's)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}owner": user})
    organization_ids = user_organization_ids(user)
    if organization_ids:
        condition |= Q(**{f"{prefix}organization_id__in": organization_ids})
    return condition


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(_visibility(user))


def visible_proceedings(user) -> QuerySet[Proceeding]:
    return Proceeding.objects.filter(_visibility(user))


def visibility_branches(user, model) -> list[QuerySet]:
    """What the user can see, as disjoint querysets each served by one index range: their own
    rows, then each organization's rows owned by someone else."""
    return [model.objects.filter(scope) for scope in visibility_scopes(user)]


def visibility_scopes(user) -> list[Q]:
    """The filters of the visibility branches, for any model with ``owner`` and
    ``organization`` columns (cases, proceedings, search terms)."""
    if not user.is_authenticated:
        return []
    scopes = [Q(owner=user)]
    for organization_id in user_organization_ids(user):
        scopes.append(Q(organization_id=organization_id) & ~Q(owner=user))
    return scopes


class BranchUnion:
    """An ordered list over several visibility branches, sliceable like a queryset (so the
    Paginator can use it) with a cost that follows what the user can see.

    ``count()`` is one ``UNION ALL`` count. A slice asks each branch for its first ``stop``
    ids in the list's order (an index range scan that stops early), merges them in the same
    query, and loads the page's rows with ``load(ids)``."""

    def __init__(self, branches: list[QuerySet], ordering: list, load):
        self.branches = branches
        self.ordering = ordering
        self.load = load
        self._count: int | None = None

    def _union(self, querysets: list[QuerySet]) -> QuerySet:
        first, *rest = querysets
        return first.union(*rest, all=True) if rest else first

    def _compare(self, a: tuple, b: tuple) -> int:
        """Compare two ``(pk, *ordering values)`` rows as the database orders them (NULLs last
        in ascending order unless the ordering says otherwise, as PostgreSQL does)."""
        for index, order in enumerate(self.ordering, start=1):
            x, y = a[index], b[index]
            if x == y:
                continue
            if x is None or y is None:
                last = order.nulls_last or (not order.nulls_first and not order.descending)
                return (1 if x is None else -1) * (1 if last else -1)
            result = -1 if x < y else 1
            return -result if order.descending else result
        return 0

    def count(self) -> int:
        if self._count is None:
            if not self.branches:
                self._count = 0
            else:
                self._count = self._union(
                    [b.order_by().values("pk") for b in self.branches]
                ).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.count()
        if not self.branches or stop <= start:
            return []
        names = ["pk", *(_order_name(o) for o in self.ordering)]
        parts = [b.order_by(*self.ordering).values_list(*names)[:stop] for b in self.branches]
        if len(parts) == 1:
            rows = list(parts[0][start:stop])
        elif connections[parts[0].db].features.supports_slicing_ordering_in_compound:
            rows = list(self._union(parts).order_by(*self.ordering)[start:stop])
        else:  # SQLite: no ORDER BY/LIMIT inside a UNION; each branch in turn, merged here
            merged = sorted((row for part in parts for row in part), key=cmp_to_key(self._compare))
            rows = merged[start:stop]
        ids = [row[0] for row in rows]
        by_id = {obj.pk: obj for obj in self.load(ids)}
        return [by_id[i] for i in ids if i in by_id]


def _order_name(ordering) -> str:
    if isinstance(ordering, str):
        return ordering.lstrip("-")
    return ordering.expression.name


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


DASHBOARD_ORDER = [F("next_due_on").asc(nulls_last=True), F("id").asc()]


def dashboard_proceedings(
    *,
    user,
    status: str = "",
    regime: str = "",
    agency: str = "",
    overdue: bool = False,
    query: str = "",
) -> BranchUnion:
    """Open proceedings of open cases the user can see, ordered by next deadline (those
    without one last). Each visibility branch is a range of a partial index on (owner or
    organization, next deadline, id) over listed proceedings, so the order needs no sort."""
    filters = Q(listed=True)
    if status:
        filters &= Q(status=status)
    if regime:
        filters &= Q(regime_id__in=Regime.objects.filter(code=regime).values("pk"))
    if agency:
        filters &= Q(agency_id__in=Agency.objects.filter(code=agency).values("pk"))
    if overdue:
        filters &= Q(next_due_on__lt=today())
    parsed = parse_query(query) if query else None
    branches = []
    for scope in visibility_scopes(user):
        branch = Proceeding.objects.filter(scope, filters)
        if parsed is not None:
            branch = branch.filter(search_filter(parsed, scope=scope, proceeding_level=True))
        branches.append(branch)

    def load(ids):
        return (
            Proceeding.objects.filter(pk__in=ids)
            .select_related("case", "regime", "agency")
            .defer(*_dashboard_unshown())
            .prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("due_date")))
        )

    return BranchUnion(branches, DASHBOARD_ORDER, load)


# What a dashboard row shows of the client's data; its other encrypted columns are left unread,
# so a page decrypts a few fields per row instead of twenty.
DASHBOARD_SHOWN = {"proceeding": {"title", "tracking_numbers"}, "case": {"title", "subject_name"}}


def _dashboard_unshown() -> list[str]:
    def unshown(model, prefix: str, shown: set[str]) -> list[str]:
        return [prefix + f.name for f in encrypted_fields(model) if f.name not in shown]

    return unshown(Proceeding, "", DASHBOARD_SHOWN["proceeding"]) + unshown(
        Case, "case__", DASHBOARD_SHOWN["case"]
    )


def case_list(*, user, status: str = "", query: str = "", summary: bool = False) -> QuerySet[Case]:
    """Cases newest first; ``summary`` leaves the fields a list page does not show unloaded."""
    qs = visible_cases(user).select_related("owner")
    if summary:
        qs = qs.defer(*CASE_DETAIL_FIELDS)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(case_search_filter(user=user, query=query))
    return qs.order_by("-updated_at", "-pk")


def case_search_filter(*, user, query: str) -> Q:
    """The user's visible cases whose names, titles or references match ``query``, through
    the keyed-hash index (the fields themselves are encrypted)."""
    parsed = parse_query(query)
    matches = Q(pk__in=[])
    for scope in visibility_scopes(user):
        matches |= scope & search_filter(parsed, scope=scope, proceeding_level=False)
    return matches


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


def proceeding_list(*, user) -> QuerySet[Proceeding]:
    """Every proceeding the user can see, open or not, with its clocks."""
    return (
        visible_proceedings(user)
        .select_related("regime", "agency", "record_system")
        .prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("due_date", "code")))
        .order_by(F("next_due_on").asc(nulls_last=True), "pk")
    )


def clock_list(*, user) -> QuerySet[Clock]:
    return (
        Clock.objects.filter(proceeding__in=visible_proceedings(user))
        .select_related("proceeding")
        .order_by("due_date", "pk")
    )


def document_list(*, user) -> QuerySet[Document]:
    return Document.objects.filter(_visibility(user, "case__")).order_by("-created_at", "-pk")


def case_can_manage(*, user, case: Case) -> bool:
    """Who may change who sees a case, hand it over or delete it: its owner, and the
    administrators of the organization that holds it. Advocates edit; they do not re-share."""
    if case.owner_id == user.pk:
        return True
    return (
        case.organization_id is not None
        and Membership.objects.filter(
            user=user, organization_id=case.organization_id, role=Membership.Role.ADMIN
        ).exists()
    )


def case_get_for_manage(*, user, case_id: int) -> Case:
    case = case_get(user=user, case_id=case_id)
    if not case_can_manage(user=user, case=case):
        raise PermissionDenied
    return case


def document_get_for_edit(*, user, document_id: int) -> Document:
    document = document_get(user=user, document_id=document_id)
    if not case_can_edit(user=user, case=document.case):
        raise PermissionDenied
    return document


def sharing_candidates(*, case: Case):
    """Who can be made owner of a case: members of its organization who can edit."""
    if case.organization_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization_id=case.organization_id, role__in=EDITOR_ROLES)
        .select_related("user")
        .order_by("user__email")
    )


# Reads that show a case's content to a person are recorded in the audit log here, so every
# interface that shows a case or serves a document (pages, API, downloads) records it the same way.


def case_get_for_view(*, user, case_id: int) -> Case:

    case = case_get(user=user, case_id=case_id)
    audit_record(actor=user, action=Action.VIEW, case=case)
    return case


def proceeding_get_for_view(*, user, proceeding_id: int) -> Proceeding:

    proceeding = proceeding_get(user=user, proceeding_id=proceeding_id)
    audit_record(
        actor=user, action=Action.VIEW, case=proceeding.case, detail=f"proceeding {proceeding.pk}"
    )
    return proceeding


def document_get_for_download(*, user, document_id: int) -> Document:

    document = document_get(user=user, document_id=document_id)
    audit_record(actor=user, action=Action.DOWNLOAD, document=document)
    return document


def case_consents(*, case: Case):

    return (
        ClientConsent.objects.filter(case=case)
        .prefetch_related("regimes")
        .select_related("document", "recorded_by")
        .order_by("-signed_on", "-pk")
    )


def consent_get_for_edit(*, user, consent_id: int):

    consent = (
        ClientConsent.objects.filter(pk=consent_id, case__in=visible_cases(user))
        .select_related("case")
        .first()
    )
    if consent is None:
        raise Http404("No such consent")
    if not case_can_edit(user=user, case=consent.case):
        raise PermissionDenied
    return consent


def proceeding_eligibility(*, proceeding: Proceeding) -> list[procedure.EligibilityWarning]:
    """Why the person may not be entitled to this proceeding (the page and the API show it)."""
    case = proceeding.case
    return procedure.eligibility(
        regime=proceeding.regime.code,
        agency_country=proceeding.agency.country,
        us_status=case.subject_us_status,
        nationality=case.subject_nationality,
        present_in=case.subject_present_in,
    )


# --- clients and the clinic's agenda ---------------------------------------------------------
#
# A client is the subject of one or more cases; the same name (ignoring case and spacing) on
# several cases the user can see is the same client. A client is addressed by the id of one of
# their cases, so names never travel in URLs.


def _client_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def client_list(*, user) -> list[dict]:
    """The clients of the cases the user can see: name, the id that addresses them, how many
    cases and how many are open; sorted by name."""
    clients: dict[str, dict] = {}
    rows = visible_cases(user).order_by("pk").values_list("pk", "subject_name", "status")
    for pk, name, status in rows:
        key = _client_key(name)
        if not key:
            continue
        entry = clients.setdefault(
            key, {"name": " ".join(name.split()), "case_id": pk, "cases": 0, "open": 0}
        )
        entry["cases"] += 1
        entry["open"] += status == Case.Status.OPEN
    return sorted(clients.values(), key=lambda c: c["name"].casefold())


def client_cases(*, user, case_id: int) -> tuple[str, QuerySet[Case]]:
    """The client addressed by one of their cases, and all their cases the user can see."""
    case = case_get(user=user, case_id=case_id)
    name = " ".join(case.subject_name.split())
    # Names are encrypted: the keyed-hash index finds the cases with every word of the name,
    # and the exact name (ignoring case and spacing) is compared after decryption.
    key = _client_key(name)
    same = [c.pk for c in case_list(user=user, query=name) if _client_key(c.subject_name) == key]
    cases = (
        visible_cases(user)
        .filter(pk__in=same or [case.pk])
        .select_related("owner", "assignee")
        .prefetch_related(
            Prefetch(
                "proceedings",
                queryset=Proceeding.objects.select_related("regime", "agency").order_by(
                    F("next_due_on").asc(nulls_last=True), "pk"
                ),
            )
        )
        .order_by("status", "-updated_at")
    )
    return name, cases


AGENDA_WINDOWS = (7, 30)


def agenda(*, user, days: int) -> list[dict]:
    """Open deadlines of every visible case due within ``days`` (and those already passed),
    grouped by client, the most urgent client first."""
    from dsar.reminders.selectors import OPEN_CLOCK_STATES

    until = today() + timedelta(days=days)
    clocks = (
        Clock.objects.filter(
            proceeding__in=visible_proceedings(user).filter(
                is_open=True, case__status=Case.Status.OPEN
            ),
            state__in=OPEN_CLOCK_STATES,
            due_date__lte=until,
        )
        .select_related(
            "proceeding", "proceeding__case", "proceeding__regime", "proceeding__agency"
        )
        .order_by("due_date", "pk")
    )
    groups: dict[str, dict] = {}
    for clock in clocks:
        case = clock.proceeding.case
        key = _client_key(case.subject_name)
        group = groups.setdefault(
            key,
            {"name": " ".join(case.subject_name.split()), "case_id": case.pk, "clocks": []},
        )
        if case.pk < group["case_id"]:
            # The client is named and addressed as on their first case, as in client_list.
            group["name"], group["case_id"] = " ".join(case.subject_name.split()), case.pk
        group["clocks"].append(clock)
    return list(groups.values())


def assignable_users(*, case: Case) -> list:
    """Who may be assigned a case: its owner and its organization's administrators and
    advocates."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk=case.owner_id)
    if case.organization_id:
        users = users | get_user_model().objects.filter(
            memberships__organization_id=case.organization_id,
            memberships__role__in=EDITOR_ROLES,
        )
    return list(users.distinct().order_by("display_name", "email"))
