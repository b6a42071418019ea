"""Reads from the directory. The directory is public: these selectors need no user."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dsar.deadlines import procedure
from dsar.directory.models import (
    Agency,
    AppealRoute,
    Channel,
    IdentityRequirement,
    RecordSystem,
    Regime,
)

STATS_MINIMUM_DEFAULT = 5


def agency_list(*, query: str = "") -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("parent").order_by("country", "name")
    if query:
        agencies = agencies.filter(
            Q(name__icontains=query)
            | Q(name_es__icontains=query)
            | Q(abbreviation__icontains=query)
            | Q(code__icontains=query)
            | Q(description__icontains=query)
        )
    return agencies


def record_system_list(*, query: str = "") -> QuerySet[RecordSystem]:
    systems = RecordSystem.objects.select_related("agency")
    if query:
        systems = systems.filter(
            Q(name__icontains=query)
            | Q(name_es__icontains=query)
            | Q(abbreviation__icontains=query)
            | Q(code__icontains=query)
            | Q(biometrics__icontains=query)
            | Q(description__icontains=query)
        )
    return systems


def agencies_by_country(*, query: str = "") -> list[tuple[str, list[Agency]]]:
    groups: dict[str, list[Agency]] = defaultdict(list)
    for agency in agency_list(query=query):
        groups[agency.country].append(agency)
    order = ["US", "EU", "GB", "MX", "CO", "BR", "CA"]
    return sorted(
        groups.items(), key=lambda item: (order.index(item[0]) if item[0] in order else 99, item[0])
    )


def agency_get(*, code: str) -> Agency:
    agency = (
        Agency.objects.select_related("parent")
        .prefetch_related(
            "regimes",
            "components",
            Prefetch("channels", queryset=Channel.objects.order_by("purpose", "position")),
            Prefetch("identity_requirements", queryset=IdentityRequirement.objects.all()),
            Prefetch(
                "appeal_routes",
                queryset=AppealRoute.objects.select_related("regime", "to_agency", "channel"),
            ),
            Prefetch("record_systems", queryset=RecordSystem.objects.all()),
        )
        .filter(code=code)
        .first()
    )
    if agency is None:
        raise Http404("No such agency")
    return agency


def record_system_get(*, code: str) -> RecordSystem:
    system = (
        RecordSystem.objects.select_related("agency", "agency__parent")
        .prefetch_related(Prefetch("channels", queryset=Channel.objects.select_related("agency")))
        .filter(code=code)
        .first()
    )
    if system is None:
        raise Http404("No such record system")
    return system


def directory_stale_entries(*, days: int = 365, today: datetime.date | None = None) -> list[dict]:
    """Every directory fact whose verified-on date is older than ``days`` (or missing)."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    stale = Q(verified_on__lt=cutoff) | Q(verified_on__isnull=True)
    entries = []
    for kind, model in (
        ("regime", Regime),
        ("agency", Agency),
        ("channel", Channel),
        ("identity requirement", IdentityRequirement),
        ("appeal route", AppealRoute),
        ("record system", RecordSystem),
    ):
        for code, verified_on, status in model.objects.filter(stale).values_list(
            "code", "verified_on", "status"
        ):
            entries.append(
                {"kind": kind, "code": code, "verified_on": verified_on, "status": status}
            )
    return entries


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def agency_statistics(*, agency: Agency) -> dict:
    """Aggregate figures over every user's proceedings with ``agency``. Only counts, medians and
    shares come out, and each figure only when it rests on at least the configured minimum
    number of proceedings, so no single case can be recognised. Three queries at most."""
    from dsar.cases.models import Clock, Event, EventKind, Outcome, Proceeding

    minimum = int(getattr(settings, "DIRECTORY_STATS_MIN_PROCEEDINGS", STATS_MINIMUM_DEFAULT))
    total = Proceeding.objects.filter(agency=agency).count()
    result: dict = {"minimum": minimum, "proceedings": total, "enough": total >= minimum}
    if not result["enough"]:
        return result

    kinds = [
        EventKind.FILED,
        EventKind.RECEIVED,
        EventKind.ACKNOWLEDGED,
        EventKind.DETERMINATION,
        EventKind.APPEAL_DECIDED,
    ]
    filed: dict[int, datetime.date] = {}
    acknowledged: dict[int, datetime.date] = {}
    determined: dict[int, datetime.date] = {}
    appeals: list[str] = []
    for proceeding_id, kind, occurred_on, outcome in Event.objects.filter(
        proceeding__agency=agency, kind__in=kinds
    ).values_list("proceeding_id", "kind", "occurred_on", "outcome"):
        if kind == EventKind.FILED:
            target = filed
        elif kind in (EventKind.RECEIVED, EventKind.ACKNOWLEDGED):
            target = acknowledged
        elif kind == EventKind.DETERMINATION:
            target = determined
        else:
            appeals.append(outcome)
            continue
        if proceeding_id not in target or occurred_on < target[proceeding_id]:
            target[proceeding_id] = occurred_on

    to_ack = [
        (acknowledged[p] - filed[p]).days
        for p in filed
        if p in acknowledged and acknowledged[p] >= filed[p]
    ]
    to_det = [
        (determined[p] - filed[p]).days
        for p in filed
        if p in determined and determined[p] >= filed[p]
    ]
    on_time: list[bool] = []
    seen: set[int] = set()
    for proceeding_id, state, due_date in (
        Clock.objects.filter(
            proceeding__agency=agency,
            code__in=procedure.RESPONSE_CLOCKS,
            state__in=[Clock.State.MET, Clock.State.MISSED],
        )
        .order_by("proceeding_id", "start_date")
        .values_list("proceeding_id", "state", "due_date")
    ):
        if proceeding_id in seen:
            continue
        seen.add(proceeding_id)
        if proceeding_id in determined:
            on_time.append(determined[proceeding_id] <= due_date)
        else:
            on_time.append(state == Clock.State.MET)

    def enough(sample: list) -> bool:
        return len(sample) >= minimum

    result["acknowledgement"] = (
        {"median_days": _median(to_ack), "sample": len(to_ack)} if enough(to_ack) else None
    )
    result["determination"] = (
        {"median_days": _median(to_det), "sample": len(to_det)} if enough(to_det) else None
    )
    result["on_time"] = (
        {"share": sum(on_time) / len(on_time), "sample": len(on_time)} if enough(on_time) else None
    )
    # How many proceedings each figure could rest on, shown when there are too few.
    result["samples"] = {
        "acknowledgement": len(to_ack),
        "determination": len(to_det),
        "on_time": len(on_time),
        "appeals": len(appeals),
    }
    granted = [o for o in appeals if o in (Outcome.GRANTED, Outcome.PARTIAL)]
    result["appeals"] = (
        {"share_granted": len(granted) / len(appeals), "sample": len(appeals)}
        if enough(appeals)
        else None
    )
    return result
