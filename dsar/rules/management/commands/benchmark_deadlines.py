"""Benchmark: clock computations per second (fast engine vs day-by-day counting), and the
recomputation of every open proceeding's clocks after a holiday change, on the configured
database. Prints its figures; asserts nothing."""

import random
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from dsar.deadlines.engine import compute, compute_naive

CODES = [
    ("us-foia-response", None),
    ("us-dhs-foia-appeal-window", None),
    ("us-foia-appeal-window", None),
    ("eu-gdpr-response", "DE"),
    ("mx-arco-response", None),
    ("co-habeas-data-reclamo", None),
    ("ca-privacy-act-response", None),
]


class Command(BaseCommand):
    help = "Benchmark the deadline engine and the bulk recomputation of clocks."

    def add_arguments(self, parser):
        parser.add_argument("--proceedings", type=int, default=100_000)
        parser.add_argument("--naive-sample", type=int, default=20_000)
        parser.add_argument("--skip-db", action="store_true")

    def handle(self, *args, **options):
        n = options["proceedings"]
        rng = random.Random(2026)
        inputs = [
            (*rng.choice(CODES), date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000)))
            for _ in range(n)
        ]
        for code, country, start in inputs[:2000]:  # warm the calendar caches
            compute(code, start, country=country, explain=False)
            compute_naive(code, start, country=country)

        def timed(fn, items):
            t0 = time.perf_counter()
            for code, country, start in items:
                fn(code, start, country=country)
            return time.perf_counter() - t0

        fast = timed(lambda c, s, country: compute(c, s, country=country, explain=False), inputs)
        full = timed(lambda c, s, country: compute(c, s, country=country), inputs)
        sample = inputs[: options["naive_sample"]]
        naive = timed(lambda c, s, country: compute_naive(c, s, country=country), sample)
        mismatches = sum(
            compute(c, s, country=k, explain=False).due != compute_naive(c, s, country=k)
            for c, k, s in sample[:5000]
        )
        fast_rate, full_rate, naive_rate = n / fast, n / full, len(sample) / naive
        stored_rate = self._derive_rate(inputs[: min(n, 20_000)])
        self.stdout.write(f"Engine, {n:,} clock computations on one core:")
        self.stdout.write(
            f"  dates with explanations (what the product stores): {full_rate:10,.0f} /s"
        )
        self.stdout.write(
            f"  dates only:                                         {fast_rate:10,.0f} /s"
        )
        self.stdout.write(
            f"  whole proceedings derived (events in, clock rows with explanations out, as "
            f"the recomputation does): {stored_rate:,.0f} /s"
        )
        self.stdout.write(
            f"  day-by-day with holiday lookup:  {naive_rate:12,.0f} /s (sample of {len(sample):,})"
        )
        self.stdout.write(
            f"  speed-up with explanations (the product's figure): {full_rate / naive_rate:9.1f}x"
        )
        self.stdout.write(
            f"  speed-up, dates only:                               {fast_rate / naive_rate:9.1f}x"
        )
        self.stdout.write(f"  results differing from day-by-day: {mismatches} of 5,000")
        if not options["skip_db"]:
            self._recompute(n)

    def _derive_rate(self, inputs) -> float:
        """Proceedings per second through ``derive_clocks`` (the product's path: events in,
        clock rows with rule, citation and explanation out), without the database."""
        from dsar.cases.clocks import EventRow, derive_clocks
        from dsar.cases.models import Proceeding
        from dsar.directory.models import Agency, Regime

        regime = Regime(code="us-foia", name="FOIA", country="US")
        agency = Agency(code="cbp", name="CBP", country="US")
        proceeding = Proceeding(
            regime=regime, agency=agency, request_type="access", status="in_progress"
        )
        today = date(2027, 1, 1)
        t0 = time.perf_counter()
        for _code, _country, start in inputs:
            derive_clocks(proceeding, [EventRow(1, "filed", start, "")], today=today)
        return len(inputs) / (time.perf_counter() - t0)

    def _recompute(self, n: int) -> None:
        from dsar.accounts.models import User
        from dsar.cases.models import Case, Clock, Event, Proceeding
        from dsar.directory.models import Agency, Regime
        from dsar.rules.models import ClosureDay, RecomputeRun
        from dsar.rules.services import recompute_run_execute

        self.stdout.write(
            f"\nRecompute after a holiday change, {n:,} open proceedings on {connection.vendor}:"
        )
        owner, _ = User.objects.get_or_create(email="benchmark@dsar.invalid")
        regime, _ = Regime.objects.get_or_create(
            code="us-foia", defaults={"name": "FOIA", "country": "US"}
        )
        agency, _ = Agency.objects.get_or_create(
            code="cbp", defaults={"name": "CBP", "country": "US"}
        )
        t0 = time.perf_counter()
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(owner=owner, title=f"bench {i}", subject_name="Bench")
                    for i in range(n // 10)
                ],
                batch_size=5000,
            )
            proceedings = Proceeding.objects.bulk_create(
                [
                    Proceeding(
                        case=cases[i % len(cases)],
                        owner=owner,
                        regime=regime,
                        agency=agency,
                        request_type="access",
                        status="in_progress",
                    )
                    for i in range(n)
                ],
                batch_size=5000,
            )
            base = date(2026, 9, 1)
            Event.objects.bulk_create(
                [
                    Event(
                        proceeding=p,
                        kind="filed",
                        occurred_on=base + timedelta(days=i % 60),
                        status_before="draft",
                        status_after="filed",
                    )
                    for i, p in enumerate(proceedings)
                ],
                batch_size=5000,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # planner statistics, as autovacuum would
                cursor.execute("ANALYZE cases_case, cases_proceeding, cases_event, cases_clock")
        self.stdout.write(f"  created test data in {time.perf_counter() - t0:.1f} s")
        closure = None
        try:
            run = RecomputeRun.objects.create(reason="benchmark: initial", total=n)
            t0 = time.perf_counter()
            recompute_run_execute(run_id=run.pk, batch_size=1000)
            first = time.perf_counter() - t0
            self.stdout.write(
                f"  first computation (creates {Clock.objects.count():,} clocks): {first:.1f} s"
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE cases_clock")
            closure = ClosureDay.objects.create(
                country="US", date=date(2026, 10, 20), reason="benchmark closure"
            )
            run = RecomputeRun.objects.create(reason="benchmark: closure", total=n)
            t0 = time.perf_counter()
            recompute_run_execute(run_id=run.pk, batch_size=1000)
            elapsed = time.perf_counter() - t0
            moved = (
                Clock.objects.filter(inputs__closures__contains=["2026-10-20"]).count()
                if connection.vendor == "postgresql"
                else "n/a"
            )
            self.stdout.write(
                f"  recompute and save after the closure: {elapsed:.1f} s "
                f"({n / elapsed:,.0f} proceedings/s; clocks citing the closure: "
                f"{moved})"
            )
            self.stdout.write("  (target: under 60 s)")
        finally:
            t0 = time.perf_counter()
            if closure is not None:
                closure.delete()
            with transaction.atomic():
                Clock.objects.filter(proceeding__case__owner=owner)._raw_delete("default")
                Event.objects.filter(proceeding__case__owner=owner)._raw_delete("default")
                Proceeding.objects.filter(case__owner=owner)._raw_delete("default")
                Case.objects.filter(owner=owner)._raw_delete("default")
                RecomputeRun.objects.filter(reason__startswith="benchmark").delete()
                owner.delete()
            self.stdout.write(f"  cleaned up in {time.perf_counter() - t0:.1f} s")
