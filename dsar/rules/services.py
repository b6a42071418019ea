"""Recompute every open proceeding's clocks after a holiday, closure or rule change."""

from django.db import transaction
from django.utils import timezone

from dsar.cases.clocks import clocks_recompute_open
from dsar.cases.models import Proceeding

from .models import RecomputeRun
from .selectors import rule_context

BATCH_SIZE = 500


def recompute_run_start(*, reason: str) -> RecomputeRun:
    """Create the status row and enqueue the task once the row is committed."""
    from .tasks import recompute_all_open_clocks

    run = RecomputeRun.objects.create(
        reason=reason[:200], total=Proceeding.objects.filter(is_open=True).count()
    )
    transaction.on_commit(lambda: recompute_all_open_clocks.delay(run.pk))
    return run


def recompute_run_execute(*, run_id: int, batch_size: int = BATCH_SIZE) -> RecomputeRun:
    """Work through the open proceedings in id order, one committed batch at a time.

    Progress (``last_id``) is saved with each batch, so a worker that dies resumes where the last
    batch ended, and running the task twice does the same work twice with the same result.
    """
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().get(pk=run_id)
        if run.status == RecomputeRun.Status.DONE:
            return run
        run.status = RecomputeRun.Status.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.save(update_fields=["status", "started_at", "updated_at"])

    def progress(count: int, last_id: int) -> None:
        run.last_id = last_id
        run.done += count
        run.save(update_fields=["last_id", "done", "updated_at"])

    clocks_recompute_open(
        batch_size=batch_size,
        progress=progress,
        after_id=run.last_id,
        today=timezone.localdate(),
        context=rule_context(),
    )
    run.status = RecomputeRun.Status.DONE
    run.finished_at = timezone.now()
    run.done = max(run.done, run.total)
    run.save(update_fields=["status", "finished_at", "done", "updated_at"])
    return run
