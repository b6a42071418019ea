from celery import shared_task
from django.db import transaction
from django.utils import timezone

from dsar.core.work import TASK_RETRY_OPTIONS

from .models import REMINDER_DELIVERY, ReminderPreference
from .services import digest_deliver, digests_send, reminder_deliver, reminders_sweep


def enqueue_deliveries(ids: list[int]) -> None:
    """One delivery task per reminder, published over a single broker connection; a broker
    error is logged and the work sweep publishes them later."""
    from dsar.core.work import work_publish

    work_publish(kind=REMINDER_DELIVERY, ids=ids)


@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=240, soft_time_limit=200)
def sweep_reminders() -> dict:
    """Periodic (beat): create the due reminders and enqueue one delivery task per row."""
    result = reminders_sweep()
    ids = result.selected
    transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return {"created": result.created, "cancelled": result.cancelled, "enqueued": len(ids)}


# The time limit stays below the claim's lease; EMAIL_TIMEOUT bounds each SMTP call.
@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=45, soft_time_limit=40)
def send_reminder(reminder_id: int) -> str:
    """Deliver one reminder; the claim inside makes duplicates of this task harmless. Retries
    (mail outage, database error) are not scheduled here: the row records when to try again and
    the work sweep publishes it then (no long countdowns on the broker)."""
    return reminder_deliver(reminder_id=reminder_id)


@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=45, soft_time_limit=40)
def send_digest(user_id: int) -> int:
    """One user's overdue digest, found by the work sweep."""
    return digest_deliver(user_id=user_id)


@shared_task(**TASK_RETRY_OPTIONS, acks_late=True, time_limit=600, soft_time_limit=540)
def send_digests() -> int:
    """Daily at a fixed hour: daily digests; on Mondays also the weekly ones."""
    sent = digests_send(frequency=ReminderPreference.Digest.DAILY)
    if timezone.localdate().weekday() == 0:
        sent += digests_send(frequency=ReminderPreference.Digest.WEEKLY)
    return sent
