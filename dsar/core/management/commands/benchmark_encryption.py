"""Measure what encryption at rest costs: one field, one file, the upload checks, a list page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python manage.py benchmark_encryption

Prints its figures; asserts nothing (the tests check behaviour, this measures it). Creates its
own user and cases and deletes them afterwards.
"""

import statistics
import time
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.urls import reverse

from dsar.accounts.models import User
from dsar.cases import selectors
from dsar.cases.models import Case, Proceeding
from dsar.core import crypto
from dsar.core.uploads import check_upload
from dsar.directory.models import Agency, Regime


def _median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


class Command(BaseCommand):
    help = "Measure the cost of field and file encryption, upload checks and a list page."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50, help="Cases on the list pages.")
        parser.add_argument("--repeat", type=int, default=10)

    def handle(self, *args, rows: int, repeat: int, **options):
        out = self.stdout.write
        out(f"database: {connection.vendor}")
        value = "María Fernanda López Ruiz"
        token = crypto.encrypt(value)
        n = 5000
        out(
            f"field: encrypt {_median_ms(lambda: [crypto.encrypt(value) for _ in range(n)], 3) * 1000 / n:.0f} µs, "  # noqa: E501
            f"decrypt {_median_ms(lambda: [crypto.decrypt(token) for _ in range(n)], 3) * 1000 / n:.0f} µs, "  # noqa: E501
            f"re-encrypt for rotation {_median_ms(lambda: [crypto.reencrypt(token) for _ in range(500)], 3) * 1000 / 500:.0f} µs"  # noqa: E501
        )
        data = bytes(range(256)) * (10 * 1024 * 1024 // 256)
        key = crypto.new_data_key()
        sealed = crypto.seal(data, key)
        out(
            f"file, 10 MiB: encrypt {_median_ms(lambda: crypto.seal(data, key), 5):.0f} ms, "
            f"decrypt {_median_ms(lambda: crypto.unseal(sealed, key), 5):.0f} ms"
        )
        text = ("A line of an agency letter about the request, 2026.\n" * 200_000)[: 10 * 2**20]
        upload = SimpleUploadedFile("letter.txt", text.encode())
        out(
            f"upload check of a whole 10 MiB text file: {_median_ms(lambda: check_upload(upload), 5):.0f} ms"  # noqa: E501
        )
        self._list_pages(rows, repeat, out)

    def _list_pages(self, rows: int, repeat: int, out) -> None:
        user = User.objects.create(email=f"encryption-benchmark-{uuid.uuid4().hex[:8]}@example.org")
        regime = Regime.objects.order_by("pk").first() or Regime.objects.create(
            code="us-foia", name="US Freedom of Information Act", country="US"
        )
        agency = Agency.objects.order_by("pk").first() or Agency.objects.create(
            code="cbp", name="U.S. Customs and Border Protection", country="US"
        )
        try:
            for i in range(rows):
                case = Case.objects.create(
                    owner=user,
                    title=f"Benchmark matter {i}",
                    subject_name="María Fernanda López Ruiz",
                    subject_other_names="María López",
                    subject_nationality="MX",
                    subject_residence="MX",
                    subject_address="Av. Insurgentes Sur 1234\n03100 Ciudad de México",
                    subject_email="maria@example.org",
                    subject_date_of_birth="1988-05-17",
                    subject_place_of_birth="Puebla",
                    subject_a_number="A012345678",
                    subject_passport_number="G12345678",
                    notes="Met at the clinic.",
                    decision_place="JFK Terminal 4",
                    decision_description="The face comparison did not match.",
                    decision_outcome="Secondary inspection",
                    decision_references="I-94 123456789A1",
                )
                Proceeding.objects.create(
                    case=case,
                    regime=regime,
                    agency=agency,
                    request_type="access",
                    title="TVS records",
                    description="All records of facial comparisons.",
                    tracking_numbers="CBP-OT-2026-081234",
                )

            def as_shown():  # what the dashboard does: its rows, every field decrypted
                page = selectors.dashboard_proceedings(user=user)[:rows]
                return [(p.title, p.case.title, p.case.subject_name) for p in page]

            ids = [p.pk for p in selectors.dashboard_proceedings(user=user)[:rows]]
            skipped = [f.name for f in crypto.encrypted_fields(Proceeding)]
            skipped += [f"case__{f.name}" for f in crypto.encrypted_fields(Case)]

            def without_decrypting():  # the same rows with the encrypted columns left unread
                qs = Proceeding.objects.filter(pk__in=ids).select_related("case")
                return [p.pk for p in qs.defer(*skipped)]

            out(
                f"dashboard rows, {rows} proceedings: "
                f"{_median_ms(as_shown, repeat):.1f} ms as the page loads them (decrypting what "
                f"it shows), {_median_ms(without_decrypting, repeat):.1f} ms reading none of the "
                f"{len(skipped)} encrypted fields"
            )
            client = Client()
            client.force_login(user)
            for name in ("cases:dashboard", "cases:case_list"):
                url = reverse(name)
                ms = _median_ms(lambda url=url: client.get(url, HTTP_HOST="127.0.0.1"), repeat)
                out(f"page {url} with {rows} rows: {ms:.0f} ms")
        finally:
            Case.objects.filter(owner=user).delete()
            user.delete()
