from celery import shared_task

from dsar.core.work import TASK_RETRY_OPTIONS

from . import services


# The time limit stays below the claim's lease (DSAR_WORK_LEASE_SECONDS, 75 s), so a slow but
# live render is never taken over by a second worker.
@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=60, soft_time_limit=50)
def render_letter_request(letter_request_id: int) -> str:
    """Safe to re-run: the service claims the row and stores at most one PDF."""
    return services.letter_request_render(letter_request_id=letter_request_id).status
