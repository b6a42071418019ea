"""Run inside child processes by test_sqlite_concurrency: the worker renders letters and runs a
recomputation while the web process records events and asks for reports, on one SQLite file."""

import sys
import time
import traceback

from django.db import OperationalError
from django.utils import timezone


def seed(cases: int) -> None:
    from dsar.core.chaos import seed as chaos_seed

    chaos_seed(cases=cases, reminders=False, runs=4)


def worker() -> None:
    """Render every waiting letter and run the recomputation, as the Celery worker would."""
    from dsar.letters.models import LetterRequest
    from dsar.letters.services import letter_request_render
    from dsar.rules.models import RecomputeRun
    from dsar.rules.services import recompute_run_execute

    errors = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ids = list(LetterRequest.objects.exclude(status="ready").values_list("pk", flat=True)) + [
            -run for run in RecomputeRun.objects.exclude(status="done").values_list("pk", flat=True)
        ]
        if not ids:
            break
        for pk in ids:
            try:
                if pk > 0:
                    letter = letter_request_render(letter_request_id=pk)
                    if letter.status == "failed":
                        print(f"render failed: {letter.error}")
                        errors += 1
                else:
                    recompute_run_execute(run_id=-pk, batch_size=1)
            except OperationalError:
                traceback.print_exc()
                errors += 1
        time.sleep(0.05)
    print(f"worker errors={errors}")
    sys.exit(1 if errors else 0)


def web(rounds: int) -> None:
    """Record notes on every proceeding and ask for case reports, as users would."""
    from dsar.accounts.models import User
    from dsar.cases.models import Case, Proceeding
    from dsar.cases.services import proceeding_record_event
    from dsar.letters.services import case_report_request

    errors = 0
    user = User.objects.filter(email__startswith="chaos-").get()
    for i in range(rounds):
        for proceeding in Proceeding.objects.filter(case__owner=user).order_by("pk"):
            try:
                proceeding_record_event(
                    user=user,
                    proceeding=proceeding,
                    kind="note",
                    occurred_on=timezone.localdate(),
                    notes=f"round {i}",
                )
                if i == rounds - 1:
                    case = Case.objects.get(pk=proceeding.case_id)
                    case_report_request(user=user, case=case, language="es")
            except OperationalError:
                traceback.print_exc()
                errors += 1
    print(f"web errors={errors}")
    sys.exit(1 if errors else 0)
