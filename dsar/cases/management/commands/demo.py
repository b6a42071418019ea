from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dsar.cases.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo accounts and cases (idempotent) and print the demo login."

    def handle(self, *args, **options):
        if not settings.DSAR_DEMO_ALLOWED:
            raise CommandError(
                "The demo creates accounts with a published password; it only runs with the "
                "embedded default (DJANGO_SETTINGS_MODULE=dsar.settings.local), not with "
                f"{settings.SETTINGS_MODULE}."
            )
        result = demo_load()
        if result["created"]:
            self.stdout.write(f"Demo data loaded: {result['cases']} cases.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {result['email']} / {result['password']}"
                " (an advocate colleague: advocate@example.org, same password)"
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator login (http://127.0.0.1:8000/admin/): {result['admin']} /"
                f" {result['password']}"
            )
        )
