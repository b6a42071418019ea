from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def read_letter(reading_id: int) -> str:
    """Safe to re-run: the service claims the row before reading and skips a claimed one."""
    return services.response_reading_run(reading_id=reading_id)


@shared_task(time_limit=60)
def sweep_response_readings() -> int:
    return services.response_readings_sweep()
