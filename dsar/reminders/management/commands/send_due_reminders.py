from django.core.management.base import BaseCommand

from dsar.reminders.services import reminder_deliver, reminders_sweep


class Command(BaseCommand):
    help = "Run one reminder sweep now and deliver what is due (for cron; no worker needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue one Celery task per reminder instead of sending here.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        result = reminders_sweep()
        ids = result.selected
        if enqueue:
            from dsar.reminders.tasks import enqueue_deliveries

            enqueue_deliveries(ids)
            self.stdout.write(
                f"selected={len(ids)} created={result.created} "
                f"cancelled={result.cancelled} enqueued={len(ids)}"
            )
            return
        counts: dict[str, int] = {}
        for reminder_id in ids:
            outcome = reminder_deliver(reminder_id=reminder_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        sent = counts.get("sent", 0) + counts.get("digest", 0)
        failed = counts.get("failed", 0) + counts.get("retry", 0)
        self.stdout.write(
            f"selected={len(ids)} sent={sent} failed={failed} "
            f"created={result.created} cancelled={result.cancelled} "
            + " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        )
