"""Rebuild the search index (keyed hashes of names, titles and tracking numbers) of every case:
after changing DSAR_SEARCH_KEY, after a bulk import, or on upgrading to the search index."""

import time

from django.core.management.base import BaseCommand

from dsar.cases.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of every case."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        started = time.perf_counter()
        done = search_index_rebuild(batch_size=options["batch_size"])
        self.stdout.write(
            f"Rebuilt the search index of {done:,} cases in {time.perf_counter() - started:.1f} s."
        )
