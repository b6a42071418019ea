from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import conf
from .models import Reminder, ReminderPreference
from .services import digests_send, reminder_deliver, reminders_sweep


def enqueue_deliveries(ids: list[int]) -> None:
    """One delivery task per reminder, published over a single broker connection."""
    if not ids:
        return
    if send_reminder.app.conf.task_always_eager:
        for reminder_id in ids:
            send_reminder.delay(reminder_id)
        return
    with send_reminder.app.producer_or_acquire() as producer:
        for reminder_id in ids:
            send_reminder.apply_async((reminder_id,), producer=producer)


@shared_task(acks_late=True)
def sweep_reminders() -> dict:
    """Periodic (beat): create the due reminders and enqueue one delivery task per row."""
    result = reminders_sweep()
    ids = result.selected
    transaction.on_commit(lambda: enqueue_deliveries(ids))
    return {"created": result.created, "cancelled": result.cancelled, "enqueued": len(ids)}


@shared_task(acks_late=True)
def send_reminder(reminder_id: int) -> str:
    """Deliver one reminder; the claim inside makes duplicates of this task harmless."""
    outcome = reminder_deliver(reminder_id=reminder_id)
    if outcome == "retry":
        not_before = (
            Reminder.objects.filter(pk=reminder_id).values_list("not_before", flat=True).first()
        )
        delay = (
            max((not_before - timezone.now()).total_seconds(), 1)
            if not_before
            else conf.retry_backoff_seconds(1)
        )
        send_reminder.apply_async((reminder_id,), countdown=delay)
    return outcome


@shared_task(acks_late=True)
def send_digests() -> int:
    """Daily at a fixed hour: daily digests; on Mondays also the weekly ones."""
    sent = digests_send(frequency=ReminderPreference.Digest.DAILY)
    if timezone.localdate().weekday() == 0:
        sent += digests_send(frequency=ReminderPreference.Digest.WEEKLY)
    return sent
