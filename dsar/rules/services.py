"""Recompute every open proceeding's clocks after a holiday, closure or rule change."""

import datetime
import os

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.cases.clocks import clocks_recompute_open
from dsar.cases.models import Proceeding
from dsar.core.work import (
    is_transient_database_error,
    lease_seconds,
    work_claim,
    work_enqueue_on_commit,
    work_fail,
    work_mine,
    work_release,
)

from .models import RECOMPUTE_RUN, RecomputeRun
from .selectors import rule_settings

BATCH_SIZE = 500
# A run interrupted this many times (worker killed, database errors) fails visibly.
MAX_RUN_ATTEMPTS = 10


class _ClaimLost(Exception):
    """Our lease expired and another worker took the run over: stop, roll back this batch."""


def recompute_run_start(*, reason: str) -> RecomputeRun:
    """Create the status row and enqueue the task once the row is committed. A broker that is
    down does not fail the caller: the row waits and the work sweep enqueues it later."""
    run = RecomputeRun.objects.create(
        reason=reason[:200],
        total=Proceeding.objects.filter(is_open=True).count(),
        enqueued_at=timezone.now(),
    )
    work_enqueue_on_commit(kind=RECOMPUTE_RUN, ids=[run.pk])
    return run


def recompute_run_execute(*, run_id: int, batch_size: int | None = None) -> RecomputeRun:
    """Work through the open proceedings in id order, one committed batch at a time.

    The run is claimed with a lease that each batch renews together with its progress
    (``last_id``), in the batch's own transaction. A worker that dies stops renewing; once the
    lease expires the work sweep hands the run to another worker, which resumes after the last
    committed batch. Running a batch twice gives the same clocks."""
    batch_size = batch_size or int(os.environ.get("DSAR_RECOMPUTE_BATCH_SIZE", BATCH_SIZE))
    lease = work_claim(kind=RECOMPUTE_RUN, pk=run_id)
    if lease is None:
        return RecomputeRun.objects.get(pk=run_id)
    run = RecomputeRun.objects.get(pk=run_id)
    if run.attempts > MAX_RUN_ATTEMPTS:
        work_fail(
            kind=RECOMPUTE_RUN,
            pk=run_id,
            lease=lease,
            error=_("The recomputation was interrupted %(n)s times.") % {"n": run.attempts},
        )
        return RecomputeRun.objects.get(pk=run_id)
    if run.started_at is None:
        work_mine(kind=RECOMPUTE_RUN, pk=run_id, lease=lease).update(started_at=timezone.now())
    claim = {"lease": lease}

    def progress(count: int, last_id: int) -> None:
        renewed = timezone.now() + datetime.timedelta(seconds=lease_seconds())
        changed = work_mine(kind=RECOMPUTE_RUN, pk=run_id, lease=claim["lease"]).update(
            last_id=last_id, done=F("done") + count, lease_until=renewed
        )
        if changed != 1:
            raise _ClaimLost
        claim["lease"] = renewed

    try:
        clocks_recompute_open(
            batch_size=batch_size,
            progress=progress,
            after_id=run.last_id,
            today=timezone.localdate(),
            settings=rule_settings(),
        )
    except _ClaimLost:
        return RecomputeRun.objects.get(pk=run_id)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, shown to administrators
        error = f"{type(exc).__name__}: {exc}"
        if is_transient_database_error(exc):
            work_release(
                kind=RECOMPUTE_RUN,
                pk=run_id,
                lease=claim["lease"],
                error=error,
                attempt=run.attempts,
            )
        else:
            work_fail(kind=RECOMPUTE_RUN, pk=run_id, lease=claim["lease"], error=error)
        return RecomputeRun.objects.get(pk=run_id)
    work_mine(kind=RECOMPUTE_RUN, pk=run_id, lease=claim["lease"]).update(
        status=RecomputeRun.Status.DONE,
        finished_at=timezone.now(),
        done=Greatest(F("done"), F("total")),
        lease_until=None,
        error="",
    )
    return RecomputeRun.objects.get(pk=run_id)
