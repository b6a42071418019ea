from django.core.management.base import BaseCommand
from django.db import transaction

from dsar.cases.models import Proceeding
from dsar.rules.models import RecomputeRun
from dsar.rules.services import recompute_run_execute


class Command(BaseCommand):
    help = (
        "Recompute every open proceeding's clocks now, in this process (after an upgrade that "
        "changes how dates are counted). Progress is recorded as a recompute run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="recompute_clocks command")

    def handle(self, *args, **options):
        with transaction.atomic():
            run = RecomputeRun.objects.create(
                reason=options["reason"][:200],
                total=Proceeding.objects.filter(is_open=True).count(),
            )
        run = recompute_run_execute(run_id=run.pk)
        self.stdout.write(f"Recomputed the clocks of {run.done} open proceedings.")
