from celery import shared_task

from .models import RecomputeRun
from .services import recompute_run_execute


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def recompute_all_open_clocks(run_id: int) -> None:
    """Recompute the clocks of every open proceeding in committed batches, recording progress on
    the ``RecomputeRun`` row (idempotent: a second run gives the same clocks)."""
    try:
        recompute_run_execute(run_id=run_id)
    except Exception as exc:
        RecomputeRun.objects.filter(pk=run_id).update(
            status=RecomputeRun.Status.FAILED, error=str(exc)[:2000]
        )
        raise


@shared_task
def refresh_clock_states() -> int:
    """Hourly: running clocks whose due date has passed become missed. Dates do not change
    overnight, so this is one indexed UPDATE, not a recomputation."""
    from django.utils import timezone

    from dsar.cases.models import Clock

    return Clock.objects.filter(
        state=Clock.State.RUNNING, due_date__lt=timezone.localdate()
    ).update(state=Clock.State.MISSED)
