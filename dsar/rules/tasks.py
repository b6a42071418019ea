from celery import shared_task

from dsar.core.work import TASK_RETRY_OPTIONS

from .services import recompute_run_execute


# Runs long; the claim's lease is renewed with each batch, so a dead worker's run is taken over
# within a lease, while a live one is never overtaken.
@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=3600, soft_time_limit=3500)
def recompute_all_open_clocks(run_id: int) -> str:
    """Recompute the clocks of every open proceeding in committed batches, recording progress on
    the ``RecomputeRun`` row (safe to re-run: a second run gives the same clocks)."""
    return recompute_run_execute(run_id=run_id).status


@shared_task(**TASK_RETRY_OPTIONS, time_limit=300, soft_time_limit=280)
def refresh_clock_states() -> int:
    """Hourly: running clocks whose due date has passed become missed. Dates do not change
    overnight, so this is one indexed UPDATE, not a recomputation."""
    from django.utils import timezone

    from dsar.cases.models import Clock

    return Clock.objects.filter(
        state=Clock.State.RUNNING, due_date__lt=timezone.localdate()
    ).update(state=Clock.State.MISSED)
