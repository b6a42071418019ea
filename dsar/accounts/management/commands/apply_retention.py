from django.core.management.base import BaseCommand

from dsar.accounts.services import data_rights_sweep


class Command(BaseCommand):
    help = (
        "Delete closed cases past their owner's retention period and expired exports (the "
        "hourly sweep, for cron)."
    )

    def handle(self, *args, **options):
        result = data_rights_sweep()
        self.stdout.write(
            f"cases deleted: {result['cases_deleted']}, "
            f"exports expired: {result['exports_expired']}"
        )
