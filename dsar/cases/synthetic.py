"""Synthetic caseloads for benchmarks: valid data, written fast.

Every proceeding's events are a path the state machine accepts (each one checked with
``state_machine.check_transition``), its clocks are what the clock engine derives from those
events (``clocks.derive_clocks``, the function the product stores), its search terms are what
``search.case_terms``/``proceeding_terms`` give, and every column value goes through its model
field's ``get_db_prep_value`` so encrypted fields are written in their stored form. Rows are
written with PostgreSQL COPY.

Heavy users see a fixed caseload whatever the size of the database: each owns
``HEAVY_OWN_CASES`` cases and belongs to an organization with colleagues whose
``HEAVY_SHARED_CASES`` cases are shared with it. Every other case belongs to an ordinary user
and is shared, if at all, only with an ordinary organization.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, models

from dsar.accounts.models import Membership, Organization, User
from dsar.deadlines.engine import ClockError
from dsar.deadlines.procedure import OPEN_STATUSES, RuleSettings
from dsar.directory.models import Agency, Regime

from . import state_machine
from .clocks import EventRow, derive_clocks
from .models import (
    Case,
    Clock,
    Event,
    EventKind,
    Proceeding,
    ProceedingStatus,
    SearchTerm,
)
from .search import case_terms, proceeding_terms

HEAVY_OWN_CASES = 1400  # about 2,000 proceedings
HEAVY_SHARED_CASES = 1100  # about 1,600 proceedings
COLLEAGUES_PER_HEAVY_USER = 3
BIG_CASE_EVENTS = 260
HEAVY_PASSWORD = "benchmark-dsar-2026"
ID_STRIDE = 10**10  # each part writes its own id range

FIRST_NAMES = (
    "Ana María José Luis Carlos Sofía Valentina Mateo Camila Diego Lucía Andrés Isabel Javier "
    "Fernanda Miguel Gabriela Santiago Daniela Alejandro Olga Ahmed Fatima Yusuf Amina Wei Li "
    "Chen Priya Arjun Ivan Olena Dmitri Kwame Ama Chidi Ngozi Samuel Grace Peter Mary John "
    "Elena Tomás Inés Nicolás Paula Raúl Marta Héctor Beatriz Emre Zeynep Nour Omar"
).split()
LAST_NAMES = (
    "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores "
    "Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Jiménez Mendoza Castillo "
    "Vargas Romero Herrera Medina Aguilar Silva Khan Ali Hassan Ibrahim Nguyen Tran Kim Park "
    "Singh Patel Kumar Okafor Mensah Kowalski Novak Petrov Ivanova Smith Johnson Brown Müller "
    "Schmidt Rossi Ferrari Costa Santos Oliveira Pereira Almeida Yilmaz Kaya Demir Haddad"
).split()
PLACES = (
    "JFK Miami Houston Newark Atlanta Chicago Dulles LAX SFO Toronto Madrid Frankfurt Bogotá "
    "Mexico-City Tijuana San-Ysidro El-Paso Laredo Heathrow Schiphol"
).split()
STORIES = [
    "Face match failed at {place}",
    "Sent to secondary inspection at {place}",
    "Fingerprint attached to the wrong person ({place})",
    "ESTA denied after {place}",
    "Watch-list hit at {place}",
    "Visa refused, biometrics at {place}",
]
# (regime, request type, agency, share): combinations the clock plan covers, and some it
# does not (no statutory deadline), weighted roughly like a clinic's caseload.
PLAN = [
    ("us-foia", "access", "cbp", 30),
    ("us-foia", "access", "obim", 10),
    ("us-foia", "access", "fbi", 6),
    ("us-foia", "access", "uscis", 6),
    ("us-privacy-act", "amendment", "obim", 6),
    ("us-privacy-act", "access", "cbp", 6),
    ("us-dhs-trip", "redress", "dhs-trip", 6),
    ("eu-gdpr", "access", "eu-dpa", 6),
    ("eu-ees", "access", "eu-ees-authority", 4),
    ("uk-gdpr", "access", "ico", 4),
    ("mx-arco", "access", "renapo", 6),
    ("co-habeas-data", "access", "migracion-colombia", 5),
    ("br-lgpd", "access", "policia-federal", 3),
    ("ca-privacy-act", "access", "cbsa", 2),
]
ADVERSE = ("partial", "denied", "no_records")
OUTCOMES = ("granted", "partial", "denied", "no_records", "denied", "partial")


_STOCK_MODULES = ("django.db.models.fields", "django.db.models.fields.related")


def _stores_python_value(f: models.Field) -> bool:
    """Django's own scalar fields store the Python values written here unchanged (psycopg
    adapts them); any other field class -- an encrypted field, JSON -- is converted."""
    cls = type(f)
    return cls.__module__ in _STOCK_MODULES and not isinstance(f, models.JSONField)


def _db_values(model: type[models.Model]):
    """The table, its columns and a function turning a dict of attribute values into the row
    as the database stores it (through each field's get_db_prep_value, except where that is
    the identity)."""
    db = connections["default"]
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    convert = [
        (i, f.get_db_prep_value) for i, f in enumerate(fields) if not _stores_python_value(f)
    ]
    pick = itemgetter(*names)

    def row(values: dict) -> list:
        try:
            out = list(pick(values))
        except KeyError:  # a field the generator does not set gets its model default
            out = [
                values[name] if name in values else f.get_default()
                for name, f in zip(names, fields, strict=True)
            ]
        for i, prep in convert:
            out[i] = prep(out[i], db, prepared=False)
        return out

    return model._meta.db_table, columns, row


@dataclass
class Batch:
    """Rows waiting to be copied, per model."""

    rows: dict[type[models.Model], list[list]] = field(default_factory=dict)

    def add(self, model, values: dict) -> None:
        self.rows.setdefault(model, []).append(_ROW[model](values))

    def __len__(self) -> int:
        return sum(len(r) for r in self.rows.values())


_TABLES = {}
_ROW = {}


def _register(*models_: type[models.Model]) -> None:
    for model in models_:
        table, columns, row = _db_values(model)
        _TABLES[model] = (table, columns)
        _ROW[model] = row


def copy_batch(batch: Batch) -> None:
    """COPY every model's rows of the batch (parents first)."""
    order = [User, Organization, Membership, Case, Proceeding, Event, Clock, SearchTerm]
    with connection.cursor() as cursor:
        for model in order:
            rows = batch.rows.get(model)
            if not rows:
                continue
            table, columns = _TABLES[model]
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
    batch.rows.clear()


@dataclass
class World:
    """Who exists: users, organizations and who is heavy (ids are fixed by the sizes)."""

    users: int
    heavy_users: int
    organizations: int
    heavy_own_cases: int = HEAVY_OWN_CASES
    heavy_shared_cases: int = HEAVY_SHARED_CASES

    @property
    def heavy_ids(self) -> range:
        return range(1, self.heavy_users + 1)

    def colleagues(self, heavy_id: int) -> list[int]:
        first = self.heavy_users + 1 + (heavy_id - 1) * COLLEAGUES_PER_HEAVY_USER
        return list(range(first, first + COLLEAGUES_PER_HEAVY_USER))

    @property
    def first_ordinary_user(self) -> int:
        return self.heavy_users * (1 + COLLEAGUES_PER_HEAVY_USER) + 1

    def ordinary_organization(self, user_id: int) -> int | None:
        """Ordinary users: one in three belongs to an ordinary organization."""
        if user_id % 3:
            return None
        return self.heavy_users + 1 + user_id % max(self.organizations - self.heavy_users, 1)


def world_for(
    *,
    users: int,
    heavy_users: int,
    own_cases: int = HEAVY_OWN_CASES,
    shared_cases: int = HEAVY_SHARED_CASES,
) -> World:
    users = max(users, heavy_users * (1 + COLLEAGUES_PER_HEAVY_USER) + 10)
    organizations = heavy_users + max(users // 30, 1)
    return World(users, heavy_users, organizations, own_cases, shared_cases)


def write_people(world: World, *, now: datetime) -> None:
    """Users, organizations and memberships (small: one batch)."""
    _register(User, Organization, Membership, Case, Proceeding, Event, Clock, SearchTerm)
    password = make_password(HEAVY_PASSWORD)
    batch = Batch()
    for user_id in range(1, world.users + 1):
        heavy = user_id <= world.heavy_users
        batch.add(
            User,
            {
                "id": user_id,
                "email": f"{'heavy' if heavy else 'user'}{user_id}@bench.example.org",
                "password": password if heavy else "!",
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "first_name": "",
                "last_name": "",
                "display_name": f"Bench user {user_id}",
                "language": "en",
                "date_joined": now,
            },
        )
    for org_id in range(1, world.organizations + 1):
        batch.add(
            Organization,
            {
                "id": org_id,
                "name": f"Clinic {org_id}",
                "slug": f"clinic-{org_id}",
                "created_at": now,
                "updated_at": now,
            },
        )
    membership_id = 0
    for heavy_id in world.heavy_ids:
        for user_id in [heavy_id, *world.colleagues(heavy_id)]:
            membership_id += 1
            batch.add(
                Membership,
                {
                    "id": membership_id,
                    "organization_id": heavy_id,
                    "user_id": user_id,
                    "role": "admin" if user_id == heavy_id else "advocate",
                    "created_at": now,
                    "updated_at": now,
                },
            )
    for user_id in range(world.first_ordinary_user, world.users + 1):
        org_id = world.ordinary_organization(user_id)
        if org_id:
            membership_id += 1
            batch.add(
                Membership,
                {
                    "id": membership_id,
                    "organization_id": org_id,
                    "user_id": user_id,
                    "role": "advocate",
                    "created_at": now,
                    "updated_at": now,
                },
            )
    copy_batch(batch)


@dataclass
class Plan:
    """One case to create: who owns it, whom it is shared with, how many proceedings."""

    owner_id: int
    organization_id: int | None
    proceedings: int
    big: bool = False


def case_plans(world: World, *, part: int, parts: int, proceedings: int, seed: int):
    """The cases of one part, until it has its share of ``proceedings``. Part 0 writes the heavy
    users' fixed caseloads first."""
    rng = random.Random(seed * 1000 + part)
    target = proceedings // parts + (1 if part < proceedings % parts else 0)
    made = 0
    if part == 0:
        for heavy_id in world.heavy_ids:
            for i in range(world.heavy_own_cases):
                n = 1 if i % 3 else 2
                yield Plan(heavy_id, None, n, big=(i == 0))
                made += n
            colleagues = world.colleagues(heavy_id)
            for i in range(world.heavy_shared_cases):
                n = 1 if i % 3 else 2
                yield Plan(colleagues[i % len(colleagues)], heavy_id, n)
                made += n
    ordinary = range(world.first_ordinary_user, world.users + 1)
    while made < target:
        owner_id = rng.choice(ordinary)
        org_id = world.ordinary_organization(owner_id) if rng.random() < 0.5 else None
        n = min(rng.choice((1, 1, 1, 2, 2, 3)), target - made)
        yield Plan(owner_id, org_id, n)
        made += n


class Reference:
    """Regimes and agencies, loaded once, as the clock engine needs them."""

    def __init__(self):
        self.regimes = {r.code: r for r in Regime.objects.all()}
        self.agencies = {a.code: a for a in Agency.objects.select_related("parent__parent")}
        self.plan = [
            (self.regimes[r], kind, self.agencies[a], weight)
            for r, kind, a, weight in PLAN
            if r in self.regimes and a in self.agencies
        ]
        self.weights = [w for *_, w in self.plan]


def event_path(rng: random.Random, *, start: date, today: date, big: bool):
    """A random history the state machine accepts: (kind, date, outcome, tracking number)."""
    status = ProceedingStatus.DRAFT
    pause: str | None = None
    extended = False
    events: list[tuple[str, date, str, str]] = []
    day = start

    def step(kind: str, gap: tuple[int, int], outcome: str = "", number: str = "") -> bool:
        nonlocal status, pause, extended, day
        when = day + timedelta(days=rng.randint(*gap))
        if when > today:
            return False
        status_after = state_machine.check_transition(
            status=status, kind=kind, outcome=outcome, open_pause=pause, has_extension=extended
        )
        if kind in (EventKind.INFO_REQUESTED, EventKind.FEE_NOTICE):
            pause = kind
        elif kind in state_machine.PAUSE_PAIRS:
            pause = None
        if kind == EventKind.EXTENSION_NOTICE:
            extended = True
        if kind == EventKind.APPEAL_FILED:
            extended = False  # one extension per phase
        status, day = status_after, when
        events.append((kind, when, outcome, number))
        return True

    if rng.random() < 0.06 and not big:
        return events, status
    if not step(EventKind.FILED, (0, 0)):
        return events, status
    if rng.random() < 0.7 and not step(EventKind.RECEIVED, (1, 6)):
        return events, status
    if rng.random() < 0.65 or big:
        office = rng.choice(("FOIA", "PA", "CBP", "OBIM", "REF"))
        number = f"{start.year}-{office}-{rng.randrange(10**6):06d}"
        if not step(EventKind.ACKNOWLEDGED, (1, 10), number=number):
            return events, status
    if big:
        for i in range(BIG_CASE_EVENTS):
            step(EventKind.NOTE, (0, 0) if i % 4 else (0, 1))
        return events, status
    if rng.random() < 0.2:
        if not step(EventKind.INFO_REQUESTED, (3, 20)):
            return events, status
        if rng.random() < 0.75 and not step(EventKind.INFO_PROVIDED, (2, 15)):
            return events, status
    if pause is None and rng.random() < 0.1 and not step(EventKind.EXTENSION_NOTICE, (5, 15)):
        return events, status
    if pause is None and rng.random() < 0.55:
        outcome = rng.choice(OUTCOMES)
        if not step(EventKind.DETERMINATION, (10, 60), outcome=outcome):
            return events, status
        if outcome in ADVERSE and rng.random() < 0.45:
            if not step(EventKind.APPEAL_FILED, (3, 60)):
                return events, status
            if rng.random() < 0.1 and not step(EventKind.EXTENSION_NOTICE, (5, 15)):
                return events, status
            if rng.random() < 0.5:
                step(EventKind.APPEAL_DECIDED, (10, 40), outcome=rng.choice(OUTCOMES))
        elif rng.random() < 0.3:
            step(EventKind.CLOSED, (1, 30))
    if status in OPEN_STATUSES and rng.random() < 0.03:
        step(EventKind.WITHDRAWN, (1, 30))
    if rng.random() < 0.3:
        step(EventKind.NOTE, (0, 10))
    return events, status


def _name(rng: random.Random) -> str:
    first = rng.choice(FIRST_NAMES)
    if rng.random() < 0.4:
        first += " " + rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    if rng.random() < 0.5:
        last += " " + rng.choice(LAST_NAMES)
    return f"{first} {last}"


def generate_part(
    world: World,
    *,
    part: int,
    parts: int,
    proceedings: int,
    seed: int,
    today: date,
    now: datetime,
    settings: RuleSettings,
    batch_size: int = 5000,
    progress=None,
) -> dict[str, int]:
    """Write one part's cases, proceedings, events, clocks and search terms. Returns counts."""
    from django.db import transaction

    _register(User, Organization, Membership, Case, Proceeding, Event, Clock, SearchTerm)
    rng = random.Random(seed * 7919 + part)
    reference = Reference()
    base = part * ID_STRIDE
    ids = {"case": base, "proceeding": base, "event": base, "clock": base, "term": base}
    counts = dict.fromkeys(("cases", "proceedings", "events", "clocks", "terms"), 0)
    batch = Batch()
    pending = 0
    proceeding = Proceeding(expedited=False, calendar_country="", calendar_subdivision="")
    for plan in case_plans(world, part=part, parts=parts, proceedings=proceedings, seed=seed):
        ids["case"] += 1
        case_id = ids["case"]
        case_open = plan.big or rng.random() < 0.95
        name = _name(rng)
        other = _name(rng) if rng.random() < 0.15 else ""
        title = rng.choice(STORIES).format(place=rng.choice(PLACES))
        created = now - timedelta(days=rng.randint(1, 700))
        case_values = {
            "id": case_id,
            "owner_id": plan.owner_id,
            "organization_id": plan.organization_id,
            "title": title,
            "status": "open" if case_open else "closed",
            "closed_at": None if case_open else now,
            "subject_name": name,
            "subject_other_names": other,
            "subject_nationality": rng.choice(("MX", "CO", "US", "DE", "IN", "NG", "BR")),
            "subject_us_status": rng.choice(("none", "none", "lpr", "citizen")),
            "subject_residence": rng.choice(("US", "MX", "CO", "ES")),
            "subject_address": "",
            "subject_email": "",
            "subject_date_of_birth": (
                f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                if rng.random() < 0.3
                else ""
            ),
            "subject_place_of_birth": "",
            "subject_a_number": "",
            "subject_passport_number": "",
            "notes": "",
            "decision_date": None,
            "decision_place": "",
            "decision_system_id": None,
            "decision_system_other": "",
            "decision_description": "",
            "decision_outcome": "",
            "decision_references": "",
            "created_at": created,
            "updated_at": now,
        }
        batch.add(Case, case_values)
        counts["cases"] += 1
        for kind, digest in case_terms(
            title=title, subject_name=name, subject_other_names=other, decision_references=""
        ):
            ids["term"] += 1
            batch.add(
                SearchTerm,
                {
                    "id": ids["term"],
                    "case_id": case_id,
                    "owner_id": plan.owner_id,
                    "organization_id": plan.organization_id,
                    "kind": kind,
                    "digest": digest,
                },
            )
            counts["terms"] += 1
        for index in range(plan.proceedings):
            regime, request_type, agency, _ = rng.choices(reference.plan, reference.weights)[0]
            big = plan.big and index == 0
            start = today - timedelta(days=rng.randint(3, 420))
            path, status = event_path(rng, start=start, today=today, big=big)
            ids["proceeding"] += 1
            proceeding_id = ids["proceeding"]
            numbers = [number for *_, number in path if number]
            # One unsaved instance reused: the clock engine reads regime, agency, request type
            # and status from it.
            proceeding.id, proceeding.request_type, proceeding.status = (
                proceeding_id,
                request_type,
                status,
            )
            proceeding.regime, proceeding.agency = regime, agency
            event_rows = []
            status_before = ProceedingStatus.DRAFT
            outcome = appeal_outcome = ""
            for kind, when, event_outcome, number in path:
                ids["event"] += 1
                transition = state_machine.TRANSITIONS[kind]
                status_after = transition.to or status_before
                event_rows.append(EventRow(ids["event"], kind, when, event_outcome))
                batch.add(
                    Event,
                    {
                        "id": ids["event"],
                        "proceeding_id": proceeding_id,
                        "kind": kind,
                        "occurred_on": when,
                        "channel": "email" if kind == EventKind.FILED else "",
                        "tracking_number": number,
                        "outcome": event_outcome,
                        "exemptions": "(b)(6), (b)(7)(C)" if event_outcome in ADVERSE else "",
                        "notes": "Called the agency; no answer yet." if kind == "note" else "",
                        "status_before": status_before,
                        "status_after": status_after,
                        "created_by_id": plan.owner_id,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
                status_before = status_after
                if kind == EventKind.DETERMINATION:
                    outcome = event_outcome
                if kind == EventKind.APPEAL_DECIDED:
                    appeal_outcome = event_outcome
            counts["events"] += len(path)
            try:
                clocks = derive_clocks(
                    proceeding,
                    event_rows,
                    today=today,
                    settings=settings,
                )
            except ClockError:
                clocks = []  # as clocks_recompute_batch does: no clocks rather than wrong ones
            attention = [c for c in clocks if c["state"] in ("running", "paused", "missed")]
            nxt = min(attention, key=lambda c: c["due_date"], default=None)
            is_open = status in OPEN_STATUSES
            title = (
                f"{request_type.title()} request — {name.split()[0]}" if rng.random() < 0.5 else ""
            )
            batch.add(
                Proceeding,
                {
                    "id": proceeding_id,
                    "case_id": case_id,
                    "regime_id": regime.pk,
                    "request_type": request_type,
                    "agency_id": agency.pk,
                    "record_system_id": None,
                    "parent_id": None,
                    "title": title,
                    "description": "",
                    "tracking_numbers": ", ".join(numbers),
                    "expedited": False,
                    "calendar_country": "",
                    "calendar_subdivision": "",
                    "status": status,
                    "outcome": outcome,
                    "appeal_outcome": appeal_outcome,
                    "is_open": is_open,
                    "owner_id": plan.owner_id,
                    "organization_id": plan.organization_id,
                    "listed": is_open and case_open,
                    "next_due_on": nxt["due_date"] if nxt else None,
                    "next_clock": nxt["code"] if nxt else "",
                    "clocks_computed_at": now if path else None,
                    "created_at": created,
                    "updated_at": now,
                },
            )
            for clock in clocks:
                ids["clock"] += 1
                batch.add(
                    Clock,
                    {
                        **clock,
                        "id": ids["clock"],
                        "proceeding_id": proceeding_id,
                        "computed_at": now,
                    },
                )
            counts["clocks"] += len(clocks)
            for kind, digest in proceeding_terms(title=title, tracking_numbers=numbers):
                ids["term"] += 1
                batch.add(
                    SearchTerm,
                    {
                        "id": ids["term"],
                        "case_id": case_id,
                        "proceeding_id": proceeding_id,
                        "owner_id": plan.owner_id,
                        "organization_id": plan.organization_id,
                        "kind": kind,
                        "digest": digest,
                    },
                )
                counts["terms"] += 1
            counts["proceedings"] += 1
            pending += 1
        if pending >= batch_size:
            with transaction.atomic():
                copy_batch(batch)
            pending = 0
            if progress:
                progress(counts)
    with transaction.atomic():
        copy_batch(batch)
    if progress:
        progress(counts)
    return counts


def utc_now() -> datetime:
    return datetime.now(UTC)
