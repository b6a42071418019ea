from celery import shared_task

from .work import TASK_RETRY_OPTIONS, work_sweep


@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=60, soft_time_limit=50)
def sweep_work() -> dict:
    """Periodic (beat): publish again every unit of work whose message was lost or whose worker
    died. Safe to run twice at once; only one claim per row succeeds."""
    return work_sweep()
