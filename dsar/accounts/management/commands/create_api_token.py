"""Create an API token for a user; the token alone is printed on the last line, for scripts:

TOKEN=$(python manage.py create_api_token ana@example.org --read-only | tail -n 1)
"""

from django.core.management.base import BaseCommand, CommandError

from dsar.accounts import services
from dsar.accounts.models import User
from dsar.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail address and print it."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--read-only", action="store_true", help="refuse every write")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--expires-days", type=int, default=None, help="lifetime in days")

    def handle(self, *args, email: str, read_only: bool, name: str, expires_days, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email}.")
        try:
            row, token = services.api_token_create(
                user=user, name=name, read_only=read_only, expires_days=expires_days
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        access = "read-only" if row.read_only else "read-write"
        expiry = f", expires {row.expires_at:%Y-%m-%d}" if row.expires_at else ""
        self.stderr.write(f"Created {access} token “{row.name}” for {user.email}{expiry}.")
        self.stdout.write(token)
