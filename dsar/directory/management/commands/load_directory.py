"""Load (or refresh) the directory from its data file. Safe to run more than once."""

from django.core.management.base import BaseCommand, CommandError

from dsar.directory.services import DirectoryDataError, directory_load


class Command(BaseCommand):
    help = "Load regimes, agencies, channels and record systems from the directory data file."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another YAML file (default: the bundled one)")

    def handle(self, *args, **options):
        try:
            counts = directory_load(path=options.get("path"))
        except (DirectoryDataError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Directory loaded: {summary}."))
