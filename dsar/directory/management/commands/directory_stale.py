"""List directory facts that have not been verified for a while."""

from django.core.management.base import BaseCommand

from dsar.directory.selectors import directory_stale_entries


class Command(BaseCommand):
    help = "Report directory entries not verified for more than --days days (default 365)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, **options):
        entries = directory_stale_entries(days=options["days"])
        if not entries:
            self.stdout.write("none")
            return
        for entry in entries:
            verified = entry["verified_on"].isoformat() if entry["verified_on"] else "never"
            self.stdout.write(f"{entry['kind']}\t{entry['code']}\t{verified}\t{entry['status']}")
