"""Measure the cost of the audit log and of the data-rights work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python manage.py benchmark_data_rights

Everything it creates is rolled back (and its files removed) at the end. Prints figures;
asserts nothing.
"""

import datetime
import os
import shutil
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from dsar.accounts.exports import write_export_zip
from dsar.accounts.models import User
from dsar.audit.models import AuditEntry
from dsar.audit.selectors import audit_for_account
from dsar.audit.services import Action, audit_record
from dsar.cases import services as case_services
from dsar.cases.models import Case, Event, Proceeding
from dsar.cases.services import cases_delete_expired
from dsar.directory.models import Agency, Regime


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time audit-log writes, the export of a large account and the retention sweep."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200)
        parser.add_argument("--audit", type=int, default=5000)

    def handle(self, *args, **options):
        media = tempfile.mkdtemp(prefix="dsar-bench-media-")
        try:
            with override_settings(MEDIA_ROOT=media), transaction.atomic():
                self._run(options["cases"], options["audit"])
                raise Rollback
        except Rollback:
            self.stdout.write("(everything created was rolled back)")
        finally:
            shutil.rmtree(media, ignore_errors=True)

    def _run(self, n_cases: int, n_audit: int) -> None:
        user = User.objects.create_user(email=f"bench-{time.time_ns()}@example.org")
        regime, _ = Regime.objects.get_or_create(
            code="us-foia", defaults={"name": "FOIA", "country": "US", "citation": "5 USC 552"}
        )
        agency, _ = Agency.objects.get_or_create(
            code="cbp", defaults={"name": "CBP", "abbreviation": "CBP", "country": "US"}
        )
        case = Case.objects.create(owner=user, title="bench", subject_name="Bench Subject")

        started = time.perf_counter()
        for _ in range(n_audit):
            audit_record(actor=user, action=Action.VIEW, case=case)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"audit log: {n_audit} entries in {elapsed:.2f} s = "
            f"{elapsed / n_audit * 1000:.3f} ms per entry (the cost added to each page view)"
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            list(audit_for_account(user=user)[:50])
            elapsed = time.perf_counter() - started
        self.stdout.write(
            f"my audit page (first 50 of {AuditEntry.objects.filter(actor=user).count()}): "
            f"{elapsed * 1000:.1f} ms, {len(queries)} query"
        )

        payload = b"%PDF-1.4\n" + os.urandom(100_000)  # incompressible, like a scan
        cases = []
        for i in range(n_cases):
            c = Case.objects.create(owner=user, title=f"case {i}", subject_name=f"Subject {i}")
            cases.append(c)
            for j in range(3):
                p = Proceeding.objects.create(
                    case=c, regime=regime, agency=agency, request_type="access", title=f"p{j}"
                )
                Event.objects.bulk_create(
                    Event(
                        proceeding=p,
                        kind="note",
                        occurred_on=datetime.date(2026, 1, 1 + k),
                        status_before="draft",
                        status_after="draft",
                    )
                    for k in range(5)
                )
            case_services.document_upload(
                user=user, case=c, upload=SimpleUploadedFile(f"d{i}.pdf", payload)
            )
        with tempfile.TemporaryFile() as handle:
            started = time.perf_counter()
            counts = write_export_zip(user=user, handle=handle)
            elapsed = time.perf_counter() - started
            size = handle.tell()
        self.stdout.write(
            f"export: {counts['cases']} cases, {n_cases * 3} proceedings, "
            f"{n_cases * 15} events, {counts['documents']} documents of 100 kB "
            f"in {elapsed:.2f} s, zip {size / 1e6:.1f} MB"
        )

        user.retention_days = 30
        user.save(update_fields=["retention_days"])
        closed_at = timezone.now() - datetime.timedelta(days=10)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            status=Case.Status.CLOSED, closed_at=closed_at
        )
        started = time.perf_counter()
        deleted = cases_delete_expired(now=timezone.now())
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"retention sweep, {n_cases} closed cases none due: {elapsed * 1000:.1f} ms "
            f"({deleted} deleted)"
        )
        started = time.perf_counter()
        deleted = cases_delete_expired(now=timezone.now() + datetime.timedelta(days=30))
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"retention sweep, {n_cases} closed cases all due: {elapsed:.2f} s "
            f"({deleted} deleted with their files)"
        )
