from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def render_letter_request(letter_request_id: int) -> str:
    """Safe to re-run: the service renders each request at most once."""
    return services.letter_request_render(letter_request_id=letter_request_id).status
