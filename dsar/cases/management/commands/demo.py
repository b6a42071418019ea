from django.core.management.base import BaseCommand

from dsar.cases.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo accounts and cases (idempotent) and print the demo login."

    def handle(self, *args, **options):
        result = demo_load()
        if result["created"]:
            self.stdout.write(f"Demo data loaded: {result['cases']} cases.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {result['email']} / {result['password']}"
                " (an advocate colleague: advocate@example.org, same password)"
            )
        )
