"""Store a proceeding's legal clocks, derived from its events by ``dsar.deadlines.procedure``.

Which clocks a proceeding has, from which event they start and what meets them is procedure
data (``procedure.REGIMES``); the engine does the counting. This module feeds the procedure the
proceeding's facts and event rows, and stores what comes out with the inputs that produced it.
"""

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from dsar.deadlines import procedure
from dsar.deadlines.engine import ClockError
from dsar.deadlines.procedure import EventRow, Facts, RuleSettings
from dsar.directory.models import Agency
from dsar.rules.selectors import rule_settings

from .models import Clock, Event, Proceeding

EVENT_FIELDS = (
    "pk",
    "kind",
    "occurred_on",
    "outcome",
    "first_received_on",
    "after_cutoff",
    "extension_days",
    "extended_to",
)


def is_dhs(agency: Agency | None) -> bool:
    while agency is not None:
        if agency.code == "dhs":
            return True
        agency = agency.parent
    return False


def proceeding_facts(proceeding: Proceeding) -> Facts:
    country, subdivision = proceeding.calendar
    return Facts(
        regime=proceeding.regime.code,
        request_type=proceeding.request_type,
        status=proceeding.status,
        expedited=proceeding.expedited,
        dhs=is_dhs(proceeding.agency),
        country=country,
        subdivision=subdivision,
        counting=proceeding.agency.counting,
    )


def derive_clocks(
    proceeding: Proceeding,
    events: list[EventRow] | list[Event],
    *,
    today: date,
    settings: RuleSettings | None = None,
) -> list[dict[str, Any]]:
    """The clock rows a proceeding should have, as dicts (see ``procedure.derive_clocks``)."""
    return [
        clock.as_row()
        for clock in procedure.derive_clocks(
            proceeding_facts(proceeding), events, today=today, settings=settings
        )
    ]


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
    attention = [r for r in rows if procedure.needs_attention(r["state"])]
    nxt = min(attention, key=lambda r: r["due_date"], default=None)
    proceeding.next_due_on = nxt["due_date"] if nxt else None
    proceeding.next_clock = nxt["code"] if nxt else ""
    proceeding.clocks_computed_at = now
    return write, [c["id"] for c in stored.values()]


@transaction.atomic
def proceeding_recompute_clocks(
    *, proceeding: Proceeding, today: date | None = None, settings: RuleSettings | None = None
) -> list[Clock]:
    """Recompute and store one proceeding's clocks (called on every event); idempotent.
    Returns the proceeding's clocks as stored, earliest due first."""
    clocks_recompute_batch(proceedings=[proceeding], today=today, settings=settings)
    return list(proceeding.clocks.order_by("due_date", "code"))


@transaction.atomic
def clocks_recompute_batch(
    *,
    proceedings: list[Proceeding],
    today: date | None = None,
    settings: RuleSettings | None = None,
) -> int:
    """Recompute many proceedings' clocks with a constant number of queries; write only what
    changed. Returns the number of clocks written."""
    settings = settings or rule_settings()
    today = today or timezone.localdate()
    now = timezone.now()
    ids = [p.pk for p in proceedings]
    events: dict[int, list[EventRow]] = defaultdict(list)
    for proceeding_id, *fields in Event.objects.filter(proceeding_id__in=ids).values_list(
        "proceeding_id", *EVENT_FIELDS
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
        try:
            rows = derive_clocks(proceeding, events[proceeding.pk], today=today, settings=settings)
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
    settings: RuleSettings | None = None,
) -> int:
    """Recompute the clocks of every open proceeding, in id order, one committed batch at a time.

    ``progress(done_in_batch, last_id)`` is called inside each batch's transaction, so a progress
    row saved there commits with the clocks it counts; a rerun from ``after_id`` resumes where
    the last batch ended. Returns the number of proceedings processed."""
    settings = settings or rule_settings()
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
            clocks_recompute_batch(proceedings=batch, today=today, settings=settings)
            last_id = batch[-1].pk
            done += len(batch)
            if progress is not None:
                progress(len(batch), last_id)


def proceeding_no_clock_reason(proceeding: Proceeding) -> str:
    """Why a proceeding has no statutory clock ("" when it has, or should have, one)."""
    country, _subdivision = proceeding.calendar
    return procedure.no_clock_reason(proceeding.regime.code, proceeding.request_type, country)
