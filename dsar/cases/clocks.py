"""Derive a proceeding's legal clocks from its events and store them.

Which clocks a proceeding has is data (``CLOCK_PLAN``): per regime and request type, the clock
that runs from the request, and the clocks that open after an adverse determination or an
appeal. The engine in ``dsar.deadlines`` does the counting; this module feeds it the dates from
the events and stores what comes out, with the inputs that produced it.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsar.deadlines.engine import ClockError, Pause, compute
from dsar.deadlines.rules import Rule, get_rule

from .models import Clock, Event, EventKind, Proceeding


class EventRow(NamedTuple):
    """The few fields of an event the clocks depend on (cheaper than model instances)."""

    pk: int
    kind: str
    occurred_on: date
    outcome: str


ADVERSE = {"partial", "denied", "no_records"}
PAUSE_STARTS = {
    EventKind.INFO_REQUESTED: EventKind.INFO_PROVIDED,
    EventKind.FEE_NOTICE: EventKind.FEE_RESOLVED,
}


@dataclass(frozen=True)
class ClockSpec:
    code: str
    starts: str  # "request" | "determination" | "appeal"
    met_by: tuple[str, ...]  # event kinds that satisfy the clock
    when: Callable[[Proceeding], bool] = lambda p: True
    dhs_variant: str = ""  # a code that replaces this one for DHS components


def _expedited(p: Proceeding) -> bool:
    return p.expedited


RESPONSE_MET = (EventKind.DETERMINATION, EventKind.WITHDRAWN)

# After an adverse determination: the window to appeal, then the deadline to decide the appeal.
FOIA_APPEAL_CLOCKS = [
    ClockSpec(
        "us-foia-appeal-window",
        "determination",
        (EventKind.APPEAL_FILED,),
        dhs_variant="us-dhs-foia-appeal-window",
    ),
    ClockSpec("us-foia-appeal-decision", "appeal", (EventKind.APPEAL_DECIDED,)),
]

# regime code -> request type ("*" = any) -> clocks
CLOCK_PLAN: dict[str, dict[str, list[ClockSpec]]] = {
    "us-foia": {
        "*": [
            ClockSpec("us-foia-response", "request", RESPONSE_MET),
            ClockSpec("us-foia-expedited-decision", "request", RESPONSE_MET, when=_expedited),
            *FOIA_APPEAL_CLOCKS,
        ],
    },
    "us-privacy-act": {
        "amendment": [
            ClockSpec(
                "us-pa-amendment-ack",
                "request",
                (EventKind.ACKNOWLEDGED, EventKind.DETERMINATION, EventKind.WITHDRAWN),
            ),
            ClockSpec("us-pa-amendment-appeal-decision", "appeal", (EventKind.APPEAL_DECIDED,)),
        ],
        # Access under the Privacy Act has no statutory deadline; agencies use the FOIA clock.
        "access": [ClockSpec("us-foia-response", "request", RESPONSE_MET), *FOIA_APPEAL_CLOCKS],
    },
    "eu-gdpr": {"*": [ClockSpec("eu-gdpr-response", "request", RESPONSE_MET)]},
    "uk-gdpr": {"*": [ClockSpec("uk-gdpr-response", "request", RESPONSE_MET)]},
    "eu-ees": {"*": [ClockSpec("eu-ees-response", "request", RESPONSE_MET)]},
    "eu-etias": {"*": [ClockSpec("eu-etias-response", "request", RESPONSE_MET)]},
    "mx-arco": {"*": [ClockSpec("mx-arco-response", "request", RESPONSE_MET)]},
    "co-habeas-data": {
        "access": [ClockSpec("co-habeas-data-consulta", "request", RESPONSE_MET)],
        "*": [ClockSpec("co-habeas-data-reclamo", "request", RESPONSE_MET)],
    },
    "br-lgpd": {"*": [ClockSpec("br-lgpd-access", "request", RESPONSE_MET)]},
    "ca-privacy-act": {"*": [ClockSpec("ca-privacy-act-response", "request", RESPONSE_MET)]},
}
# Follow-up proceedings (an appeal filed as its own proceeding) run the appeal-decision clock.
APPEAL_PLAN: dict[str, list[ClockSpec]] = {
    "us-foia": [ClockSpec("us-foia-appeal-decision", "request", RESPONSE_MET)],
    "us-privacy-act": [ClockSpec("us-pa-amendment-appeal-decision", "request", RESPONSE_MET)],
}


def clock_specs(proceeding: Proceeding) -> list[ClockSpec]:
    regime = proceeding.regime.code
    if proceeding.request_type == "appeal" and regime in APPEAL_PLAN:
        return APPEAL_PLAN[regime]
    plan = CLOCK_PLAN.get(regime, {})
    return plan.get(proceeding.request_type, plan.get("*", []))


def is_dhs(agency) -> bool:
    while agency is not None:
        if agency.code == "dhs":
            return True
        agency = agency.parent
    return False


def rule_for(code: str, overrides: dict[str, Rule] | None = None) -> Rule:
    if overrides and code in overrides:
        return overrides[code]
    return get_rule(code)


def _pauses(events: list[Event], after: date, before: date | None) -> tuple[list[Pause], bool]:
    """Closed pauses within [after, before) and whether one is still open."""
    pauses: list[Pause] = []
    open_start: Event | None = None
    for event in events:
        if event.kind in PAUSE_STARTS and open_start is None:
            open_start = event
        elif open_start is not None and event.kind == PAUSE_STARTS[open_start.kind]:
            if open_start.occurred_on >= after and (
                before is None or open_start.occurred_on < before
            ):
                pauses.append(Pause(open_start.occurred_on, event.occurred_on))
            open_start = None
    still_open = (
        open_start is not None
        and open_start.occurred_on >= after
        and (before is None or open_start.occurred_on < before)
    )
    return pauses, still_open


def _first(events: Iterable[Event], kinds: tuple[str, ...], on_or_after: date | None = None):
    return next(
        (
            e
            for e in events
            if e.kind in kinds and (on_or_after is None or e.occurred_on >= on_or_after)
        ),
        None,
    )


def derive_clocks(
    proceeding: Proceeding,
    events: list[EventRow] | list[Event],
    *,
    today: date,
    closures: tuple[date, ...] = (),
    overrides: dict[str, Rule] | None = None,
) -> list[dict]:
    """Pure derivation: the clock rows a proceeding should have, as dicts."""
    events = sorted(events, key=lambda e: (e.occurred_on, e.pk))
    filed = _first(events, (EventKind.FILED,))
    if filed is None:
        return []
    received = _first(events, (EventKind.RECEIVED,))
    determination = _first(events, (EventKind.DETERMINATION,))
    appeal = _first(events, (EventKind.APPEAL_FILED,))
    extensions = [e.occurred_on for e in events if e.kind == EventKind.EXTENSION_NOTICE]
    country, subdivision = proceeding.calendar
    rows = []
    for spec in clock_specs(proceeding):
        if not spec.when(proceeding):
            continue
        code = spec.dhs_variant if spec.dhs_variant and is_dhs(proceeding.agency) else spec.code
        inputs: dict = {"country": country, "subdivision": subdivision}
        if spec.starts == "request":
            start_event = received or filed
            if received is None:
                inputs["assumed_receipt"] = True
        elif spec.starts == "determination":
            if determination is None or determination.outcome not in ADVERSE:
                continue
            start_event = determination
        else:
            if appeal is None:
                continue
            start_event = appeal
        start = start_event.occurred_on
        met = _first(events, spec.met_by, on_or_after=start)
        pauses, paused_now = ([], False)
        use_extension = False
        if spec.starts == "request":
            pauses, paused_now = _pauses(events, start, met.occurred_on if met else None)
            # An extension notice before the appeal extends the response clock.
            use_extension = (
                any(d < appeal.occurred_on for d in extensions) if appeal else (bool(extensions))
            )
        elif spec.starts == "appeal":
            # An extension notice on or after the appeal extends the appeal-decision clock.
            use_extension = any(d >= start for d in extensions)
        rule = rule_for(code, overrides)
        use_extension = use_extension and rule.extension > 0
        result = compute(
            rule,
            start,
            country=country or None,
            subdivision=subdivision,
            pauses=pauses,
            extended=use_extension,
            closures=closures,
        )
        explanation = result.explanation
        if inputs.get("assumed_receipt"):
            explanation["assumed_receipt"] = True
        if met is not None:
            # Answered (even late): the clock no longer needs attention; lateness shows as
            # met_on > due_date.
            state = Clock.State.CLOSED if met.kind == EventKind.WITHDRAWN else Clock.State.MET
        elif proceeding.status in ("closed", "withdrawn"):
            state = Clock.State.CLOSED
        elif paused_now:
            state = Clock.State.PAUSED
        elif result.due < today:
            state = Clock.State.MISSED
        else:
            state = Clock.State.RUNNING
        inputs.update(
            {
                "rule": code,
                "start": start.isoformat(),
                "start_event": start_event.kind,
                "pauses": [[p.start.isoformat(), p.end.isoformat()] for p in pauses],
                "extended": use_extension,
                "closures": [d.isoformat() for d in closures],
            }
        )
        rows.append(
            {
                "code": code,
                "label": rule.label,
                "start_date": start,
                "due_date": result.due,
                "state": state,
                "extended": use_extension,
                "met_on": met.occurred_on if met else None,
                "citation": rule.citation,
                "rule_status": rule.status,
                "explanation": explanation,
                "inputs": inputs,
            }
        )
    return rows


ATTENTION = (Clock.State.RUNNING, Clock.State.PAUSED, Clock.State.MISSED)
# The explanation is a function of these (and of the rule's code): comparing them tells whether
# a stored clock is current without loading its explanation.
COMPARED_FIELDS = [
    "label",
    "start_date",
    "due_date",
    "state",
    "extended",
    "met_on",
    "citation",
    "rule_status",
    "inputs",
]
CLOCK_FIELDS = [*COMPARED_FIELDS, "explanation", "computed_at"]


def _apply(
    proceeding: Proceeding, rows: list[dict], stored: dict[str, dict], now
) -> tuple[list[dict], list[int]]:
    """Compare derived rows with the stored clocks (dicts with ``id`` and COMPARED_FIELDS):
    return the rows to upsert and the ids of clocks that no longer apply. Sets the
    proceeding's next deadline from the clocks that need attention."""
    stored = dict(stored)
    write = []
    for row in rows:
        current = stored.pop(row["code"], None)
        if current is None or any(current[k] != row[k] for k in COMPARED_FIELDS):
            write.append({**row, "proceeding_id": proceeding.pk, "computed_at": now})
    attention = [r for r in rows if r["state"] in ATTENTION]
    nxt = min(attention, key=lambda r: r["due_date"], default=None)
    proceeding.next_due_on = nxt["due_date"] if nxt else None
    proceeding.next_clock = nxt["code"] if nxt else ""
    proceeding.clocks_computed_at = now
    return write, [c["id"] for c in stored.values()]


@transaction.atomic
def proceeding_recompute_clocks(
    *, proceeding: Proceeding, today: date | None = None, context: dict | None = None
) -> list[Clock]:
    """Recompute and store one proceeding's clocks (called on every event); idempotent.
    Returns the proceeding's clocks as stored, earliest due first."""
    clocks_recompute_batch(proceedings=[proceeding], today=today, context=context)
    return list(proceeding.clocks.order_by("due_date", "code"))


@transaction.atomic
def clocks_recompute_batch(
    *, proceedings: list[Proceeding], today: date | None = None, context: dict | None = None
) -> int:
    """Recompute many proceedings' clocks with a constant number of queries; write only what
    changed. Returns the number of clocks written."""
    from dsar.rules.selectors import rule_context

    context = context or rule_context()
    today = today or timezone.localdate()
    now = timezone.now()
    ids = [p.pk for p in proceedings]
    events: dict[int, list[EventRow]] = defaultdict(list)
    for proceeding_id, *fields in Event.objects.filter(proceeding_id__in=ids).values_list(
        "proceeding_id", "pk", "kind", "occurred_on", "outcome"
    ):
        events[proceeding_id].append(EventRow(*fields))
    stored: dict[int, dict[str, dict]] = defaultdict(dict)
    for clock in Clock.objects.filter(proceeding_id__in=ids).values(
        "id", "proceeding_id", "code", *COMPARED_FIELDS
    ):
        stored[clock["proceeding_id"]][clock["code"]] = clock
    write, delete, changed = [], [], []
    for proceeding in proceedings:
        before = (proceeding.next_due_on, proceeding.next_clock)
        country, subdivision = proceeding.calendar
        try:
            rows = derive_clocks(
                proceeding,
                events[proceeding.pk],
                today=today,
                closures=context["closures"](country, subdivision),
                overrides=context["overrides"],
            )
        except ClockError:
            # Dates that cannot be counted (a calendar the holidays package lacks) leave the
            # proceeding without clocks rather than with wrong ones; its page says none applies.
            rows = []
        w, d = _apply(proceeding, rows, stored[proceeding.pk], now)
        write += w
        delete += d
        if w or d or before != (proceeding.next_due_on, proceeding.next_clock):
            changed.append(proceeding)
    if delete:
        Clock.objects.filter(pk__in=delete).delete()
    if write:
        _upsert(write)
    if changed or len(proceedings) == 1:
        _store_next_deadlines(changed or proceedings)
    return len(write)


def _upsert(rows: list[dict]) -> None:
    """Insert or update on (proceeding, code): existing clocks keep their ids (reminders point
    at them)."""
    if connection.vendor == "postgresql":
        # The whole batch as one JSON document: PostgreSQL parses it; per-value adaptation by
        # the driver would cost more than the insert itself.
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL, [json.dumps(rows, cls=DjangoJSONEncoder)])
        return
    Clock.objects.bulk_create(
        [Clock(**row) for row in rows],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["proceeding", "code"],
        update_fields=CLOCK_FIELDS,
    )


UPSERT_SQL = """
INSERT INTO cases_clock (proceeding_id, code, label, start_date, due_date, state, extended,
                         met_on, citation, rule_status, explanation, inputs, computed_at)
SELECT r.proceeding_id, r.code, r.label, r.start_date, r.due_date, r.state, r.extended,
       r.met_on, r.citation, r.rule_status, r.explanation, r.inputs, r.computed_at
FROM jsonb_to_recordset(%s::jsonb) AS r(
    proceeding_id bigint, code text, label text, start_date date, due_date date, state text,
    extended boolean, met_on date, citation text, rule_status text, explanation jsonb,
    inputs jsonb, computed_at timestamptz)
ON CONFLICT (proceeding_id, code) DO UPDATE SET
    label = EXCLUDED.label, start_date = EXCLUDED.start_date, due_date = EXCLUDED.due_date,
    state = EXCLUDED.state, extended = EXCLUDED.extended, met_on = EXCLUDED.met_on,
    citation = EXCLUDED.citation, rule_status = EXCLUDED.rule_status,
    explanation = EXCLUDED.explanation, inputs = EXCLUDED.inputs,
    computed_at = EXCLUDED.computed_at
"""


def _store_next_deadlines(proceedings: list[Proceeding]) -> None:
    if len(proceedings) == 1 or connection.vendor != "postgresql":
        Proceeding.objects.bulk_update(
            proceedings, ["next_due_on", "next_clock", "clocks_computed_at"], batch_size=500
        )
        return
    # One UPDATE ... FROM (VALUES ...) per batch: bulk_update's CASE expressions cost more to
    # build in Python than the database spends running them.
    rows = [(p.pk, p.next_due_on, p.next_clock, p.clocks_computed_at) for p in proceedings]
    values = ", ".join(["(%s, %s::date, %s, %s::timestamptz)"] * len(rows))
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_proceeding AS p SET next_due_on = v.due, next_clock = v.clock, "
            f"clocks_computed_at = v.at FROM (VALUES {values}) AS v(id, due, clock, at) "
            "WHERE p.id = v.id",
            params,
        )


def clocks_recompute_open(
    *,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    after_id: int = 0,
    today: date | None = None,
    context: dict | None = None,
) -> int:
    """Recompute the clocks of every open proceeding, in id order, one committed batch at a time.

    ``progress(done_in_batch, last_id)`` is called inside each batch's transaction, so a progress
    row saved there commits with the clocks it counts; a rerun from ``after_id`` resumes where
    the last batch ended. Returns the number of proceedings processed."""
    from dsar.rules.selectors import rule_context

    context = context or rule_context()
    today = today or timezone.localdate()
    last_id, done = after_id, 0
    while True:
        with transaction.atomic():
            batch = list(
                Proceeding.objects.filter(is_open=True, pk__gt=last_id)
                .select_related("agency", "agency__parent", "regime")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return done
            clocks_recompute_batch(proceedings=batch, today=today, context=context)
            last_id = batch[-1].pk
            done += len(batch)
            if progress is not None:
                progress(len(batch), last_id)


# Regimes with no statutory deadline: the reason shown instead of a clock.
NO_CLOCK_REASONS: dict[str, str] = {
    "us-dhs-trip": _(
        "DHS TRIP has no statutory or regulatory response deadline; the final resolution letter "
        "states the next steps (for No Fly List cases, TSA's final order under 49 CFR 1560.205 "
        "can be reviewed in a court of appeals under 49 U.S.C. 46110)."
    ),
    "us-fbi-idhs": _(
        "FBI Identity History Summary challenges have no statutory response deadline "
        "(28 CFR 16.30-16.34)."
    ),
}


def proceeding_no_clock_reason(proceeding: Proceeding) -> str:
    """Why a proceeding has no statutory clock ("" when it has, or should have, one)."""
    code = proceeding.regime.code
    if code in NO_CLOCK_REASONS:
        return str(NO_CLOCK_REASONS[code])
    if not clock_specs(proceeding):
        return str(_("No statutory deadline is recorded for this kind of request."))
    return ""
