"""Background work that survives lost messages, dead workers and broker outages.

Every unit of background work (a letter render, a clock recomputation, a reminder, a digest) is
a database row with a status and the ``WorkRow`` fields. The broker message only says "look at
row N now"; the row is the source of truth:

* **Claim under a lock, with a lease.** A task claims its row in a short transaction — on
  PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED``, elsewhere a conditional ``UPDATE ... WHERE
  status = 'pending'`` (check-and-set) — setting it running until ``lease_until``. Only the
  claimant acts, and it finishes only if it still holds the same lease, so a redelivered or
  duplicated message does nothing twice.
* **A periodic sweep** (``sweep_work``, every ``DSAR_WORK_SWEEP_SECONDS``) re-publishes rows
  left waiting longer than ``DSAR_WORK_REENQUEUE_SECONDS`` (the message was lost: a Redis restart,
  a failed enqueue) and rows whose lease expired (the worker died). With the production values
  (sweep 30 s, re-enqueue 60 s, lease 75 s) a lost message or a killed worker delays work by at
  most about two minutes.
* **Enqueue after commit, never fail the request.** ``work_enqueue_on_commit`` publishes once the
  row is committed and only logs a broker error: the sweep publishes it when the broker is back.
* **Errors.** A database error inside a task puts the row back to waiting with a backoff; if the
  database is unreachable even for that, the lease expires and the sweep takes the row again. No
  row stays claimed for ever.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, getattr(settings, name, default)))


def lease_seconds() -> int:
    """How long a claim lasts. Longer than every task's time limit (a slow, live worker is never
    overtaken); long tasks renew it as they progress."""
    return _setting("DSAR_WORK_LEASE_SECONDS", 75)


def reenqueue_seconds() -> int:
    """A waiting row whose message was published longer ago than this is published again."""
    return _setting("DSAR_WORK_REENQUEUE_SECONDS", 60)


def sweep_seconds() -> int:
    return _setting("DSAR_WORK_SWEEP_SECONDS", 30)


def retry_delay_seconds(attempt: int) -> int:
    """Exponential backoff for transient failures, capped so that retries never stop."""
    base = _setting("DSAR_WORK_RETRY_BASE_SECONDS", 30)
    cap = _setting("DSAR_WORK_RETRY_MAX_SECONDS", 1800)
    return int(min(base * 2 ** max(attempt - 1, 0), cap))


@dataclass(frozen=True)
class WorkKind:
    """How the generic machinery reads one model's statuses.

    ``retry_failed``: failed rows that still have a ``not_before`` (a transient failure, e.g. the
    mail server was down) are retried by the sweep; a permanent failure clears ``not_before``.
    ``select`` replaces the generic selection for work that is not one row per task (digests).
    """

    name: str
    label: str
    model: str
    task: str
    running: str
    pending: str = "pending"
    failed: str = "failed"
    error_field: str = "error"
    retry_failed: bool = False
    select: Callable[[datetime.datetime], list[int]] | None = None
    overview: Callable[[datetime.datetime], dict] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def objects(self) -> models.Manager:
        return self.model_class._default_manager


KINDS: dict[str, WorkKind] = {}


def register(kind: WorkKind) -> WorkKind:
    KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> WorkKind:
    return KINDS[name]


def _ready(now: datetime.datetime) -> Q:
    return Q(not_before__isnull=True) | Q(not_before__lte=now)


def _claimable(kind: WorkKind, now: datetime.datetime) -> Q:
    q = (Q(status=kind.pending) & _ready(now)) | Q(status=kind.running, lease_until__lt=now)
    if kind.retry_failed:
        q |= Q(status=kind.failed, not_before__lte=now)
    return q


# --- the claim -------------------------------------------------------------------------------


def work_claim(*, kind: WorkKind, pk: int, lease: int | None = None) -> datetime.datetime | None:
    """Claim one row for this worker; returns the lease (the claim's identity) or None when the
    row is not waiting, is backing off, is done, or another live worker holds it."""
    now = timezone.now()
    lease_until = now + datetime.timedelta(seconds=lease or lease_seconds())
    changes = {"status": kind.running, "lease_until": lease_until, "attempts": F("attempts") + 1}
    with transaction.atomic():
        qs = kind.objects.filter(_claimable(kind, now), pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            row = qs.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if row is None:
                return None
            kind.objects.filter(pk=row).update(**changes)
        elif qs.update(**changes) != 1:
            return None
    return lease_until


def work_mine(*, kind: WorkKind, pk: int, lease: datetime.datetime) -> models.QuerySet:
    """The row, only while this claim still holds it."""
    return kind.objects.filter(pk=pk, status=kind.running, lease_until=lease)


def work_renew(
    *, kind: WorkKind, pk: int, lease: datetime.datetime, seconds: int | None = None
) -> datetime.datetime | None:
    """Extend a claim (long tasks call this as they progress). None: the claim was lost."""
    new = timezone.now() + datetime.timedelta(seconds=seconds or lease_seconds())
    if work_mine(kind=kind, pk=pk, lease=lease).update(lease_until=new) != 1:
        return None
    return new


def work_release(
    *, kind: WorkKind, pk: int, lease: datetime.datetime, error: str, attempt: int = 1
) -> bool:
    """A transient failure: back to waiting after a backoff; the sweep publishes it again."""
    delay = retry_delay_seconds(attempt)
    return bool(
        work_mine(kind=kind, pk=pk, lease=lease).update(
            status=kind.pending,
            lease_until=None,
            enqueued_at=None,
            not_before=timezone.now() + datetime.timedelta(seconds=delay),
            **{kind.error_field: error[:2000]},
        )
    )


def work_fail(
    *,
    kind: WorkKind,
    pk: int,
    lease: datetime.datetime,
    error: str,
    retry_at: datetime.datetime | None = None,
    fields: dict | None = None,
) -> bool:
    """Record a failure that a person should see. With ``retry_at`` (kinds that retry failed
    rows) the sweep tries again then; without it the row waits for someone to press retry.
    ``fields``: the kind's own columns to set in the same update (a reason code, say)."""
    return bool(
        work_mine(kind=kind, pk=pk, lease=lease).update(
            status=kind.failed,
            lease_until=None,
            enqueued_at=None,
            not_before=retry_at,
            **{kind.error_field: error[:2000]},
            **(fields or {}),
        )
    )


def work_retry(*, kind: WorkKind, pk: int) -> bool:
    """Someone pressed "try again": a failed row waits again with a fresh attempt count."""
    changed = kind.objects.filter(pk=pk, status=kind.failed).update(
        status=kind.pending,
        attempts=0,
        not_before=None,
        lease_until=None,
        enqueued_at=timezone.now(),
        **{kind.error_field: ""},
    )
    if changed:
        work_enqueue_on_commit(kind=kind, ids=[pk])
    return bool(changed)


def _transient_database_errors() -> tuple[type[Exception], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


# Options for every background task: a database that is briefly unreachable (before the row
# could even be claimed or released) is retried by Celery with a short exponential backoff;
# countdowns stay far below the broker's visibility timeout. Past these retries the row is
# still waiting or leased, and the sweep takes it again.
TASK_RETRY_OPTIONS = {
    "autoretry_for": _transient_database_errors(),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def is_transient_database_error(exc: BaseException) -> bool:
    """Errors that say "try again later" (a lock, a lost connection), not "this cannot work"."""
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


# --- publishing ------------------------------------------------------------------------------


def work_publish(*, kind: WorkKind, ids: Iterable[int]) -> int:
    """Publish one task per id over one broker connection. A broker error is logged, not
    raised: the rows stay waiting and the sweep publishes them when the broker is back."""
    ids = list(ids)
    if not ids:
        return 0
    task = import_string(kind.task)
    try:
        if task.app.conf.task_always_eager:
            for pk in ids:
                task.delay(pk)
            return len(ids)
        with task.app.producer_or_acquire() as producer:
            for pk in ids:
                task.apply_async((pk,), producer=producer)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep will retry
        logger.warning("could not enqueue %s %s: %s", kind.name, ids[:10], exc)
        if kind.select is None:
            # Never published: the first sweep after the broker is back takes them, without
            # waiting for the re-enqueue delay.
            with contextlib.suppress(Exception):
                kind.objects.filter(pk__in=ids, status=kind.pending).update(enqueued_at=None)
        return 0
    return len(ids)


def work_enqueue_on_commit(*, kind: WorkKind, ids: Iterable[int]) -> None:
    """Publish after the surrounding transaction commits; never turns a committed save into an
    error (``robust``: even an unexpected exception is logged, not raised)."""
    ids = list(ids)
    transaction.on_commit(lambda: work_publish(kind=kind, ids=ids), robust=True)


def work_select(*, kind: WorkKind, now: datetime.datetime | None = None, limit: int = 5000):
    """Rows to publish now: waiting and never published or published long ago (lost message),
    claimed past their lease (dead worker), and, for kinds that retry them, failed rows whose
    retry time came. Marks them published now, so concurrent sweeps rarely overlap (and an
    overlap is harmless: only one claim succeeds)."""
    now = now or timezone.now()
    if kind.select is not None:
        return kind.select(now)
    return select_waiting(kind=kind, now=now, limit=limit)


def select_waiting(*, kind: WorkKind, now: datetime.datetime, limit: int = 5000) -> list[int]:
    """The generic selection behind ``work_select`` (for kinds that add to it)."""
    stale = now - datetime.timedelta(seconds=reenqueue_seconds())
    q = (
        Q(status=kind.pending)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        & _ready(now)
    ) | Q(status=kind.running, lease_until__lt=now)
    if kind.retry_failed:
        q |= Q(status=kind.failed, not_before__lte=now) & (
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
        )
    ids = list(kind.objects.filter(q).order_by("pk").values_list("pk", flat=True)[:limit])
    if ids:
        kind.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def work_sweep(*, publish: bool = True) -> dict[str, int]:
    """One pass over every kind of work; safe to run twice at once."""
    counts = {}
    for kind in KINDS.values():
        try:
            ids = work_select(kind=kind)
        except Exception:  # one kind's failure must not stop the others
            logger.exception("sweep of %s failed", kind.name)
            continue
        counts[kind.name] = work_publish(kind=kind, ids=ids) if publish else len(ids)
    return counts


# --- what operators see ----------------------------------------------------------------------


def work_overview(*, now: datetime.datetime | None = None, examples: int = 10) -> list[dict]:
    """Counts and ages per kind: waiting, running, stuck (waiting past the re-enqueue delay or
    claimed past the lease: the sweep will take them), failed; and the oldest waiting item."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=reenqueue_seconds())
    rows = []
    for kind in KINDS.values():
        if kind.overview is not None:
            rows.append({"kind": kind, **kind.overview(now)})
            continue
        qs = kind.objects.all()
        waiting = qs.filter(status=kind.pending)
        stuck_q = (Q(status=kind.pending) & Q(enqueued_at__lt=stale) & _ready(now)) | Q(
            status=kind.running, lease_until__lt=now
        )
        oldest = waiting.aggregate(m=Min("created_at"))["m"]
        failed = qs.filter(status=kind.failed)
        rows.append(
            {
                "kind": kind,
                "pending": waiting.count(),
                "running": qs.filter(status=kind.running).count(),
                "stuck": qs.filter(stuck_q).count(),
                "failed": failed.count(),
                "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else None,
                "failed_items": _items(
                    kind, qs.filter(status=kind.failed).order_by("-pk"), examples
                ),
                "stuck_items": _items(kind, qs.filter(stuck_q).order_by("pk"), examples),
            }
        )
    return rows


def _items(kind: WorkKind, qs: models.QuerySet, limit: int) -> list[dict]:
    return (
        [
            {
                "pk": obj.pk,
                "label": str(obj),
                "error": getattr(obj, kind.error_field, ""),
                "attempts": obj.attempts,
                "created_at": obj.created_at,
                "lease_until": obj.lease_until,
            }
            for obj in qs[:limit]
        ]
        if limit
        else []
    )
