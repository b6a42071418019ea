from celery import shared_task

from dsar.core.work import TASK_RETRY_OPTIONS

from . import services


# The hard time limit stays below the claim's lease (``services.LEASE_SECONDS``), so a slow but
# live reading is never taken over by a second worker. A lost message or a dead worker is
# recovered by the work sweep (``dsar.core.tasks.sweep_work``).
@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=240, soft_time_limit=200)
def read_letter(reading_id: int) -> str:
    """Safe to re-run: the service claims the row before reading and skips a claimed one."""
    return services.response_reading_run(reading_id=reading_id)
