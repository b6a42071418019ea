"""Benchmark letter rendering and serving, and check that two real Celery workers render a batch
of letters with none lost or duplicated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
    python manage.py benchmark_letters --migrate

The workers' broker is ``CELERY_BROKER_URL`` when it is a Redis; otherwise the benchmark starts a
redis-server of its own on a free port and stops it afterwards (it never touches another Redis).

Prints its figures; asserts nothing (the tests check behaviour, this measures it).
"""

import io
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from dsar.accounts.models import User
from dsar.cases.models import Case, Proceeding
from dsar.directory.models import Agency, RecordSystem, Regime
from dsar.letters import services
from dsar.letters.models import Document, LetterRequest
from dsar.letters.pdf import html_to_pdf

BENCH_EMAIL = "letters-benchmark@example.org"


def _fixture(run: str) -> tuple[User, Proceeding]:
    user, _ = User.objects.get_or_create(email=BENCH_EMAIL)
    regime, _ = Regime.objects.get_or_create(
        code="us-foia",
        defaults={"name": "US Freedom of Information Act", "country": "US"},
    )
    agency, _ = Agency.objects.get_or_create(
        code="cbp", defaults={"name": "U.S. Customs and Border Protection", "country": "US"}
    )
    system, _ = RecordSystem.objects.get_or_create(
        code="tvs", defaults={"name": "Traveler Verification Service", "agency": agency}
    )
    case = Case.objects.create(
        owner=user,
        title=f"Letters benchmark {run}",
        subject_name="María Fernanda López Ruiz",
        subject_nationality="MX",
        subject_residence="MX",
        subject_address="Av. Insurgentes Sur 1234\nCol. Del Valle\n03100 Ciudad de México",
        subject_email="maria.lopez@example.org",
        subject_date_of_birth="1988-05-17",
        subject_place_of_birth="Puebla, México",
        subject_passport_number="G12345678",
    )
    proceeding = Proceeding.objects.create(
        case=case,
        regime=regime,
        agency=agency,
        record_system=system,
        request_type="access",
        title="TVS match records",
        description="All records of facial comparisons and the secondary referral at JFK.",
        status="draft",
    )
    return user, proceeding


def _inputs(n: int) -> dict:
    return {
        "addressee_address": "FOIA Officer\n90 K Street NE, 9th Floor\nWashington, DC 20229-1181",
        "records_sought": f"All records of facial comparisons at JFK (copy {n}).",
        "fee_choice": "limit",
        "fee_limit": "25",
        "signing_location": "outside_us",
    }


class Command(BaseCommand):
    help = "Measure letter rendering and serving; render a batch with two Celery workers."

    def add_arguments(self, parser):
        parser.add_argument("--samples", type=int, default=30)
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--duplicates", type=int, default=100)
        parser.add_argument("--timeout", type=int, default=900)
        parser.add_argument("--migrate", action="store_true", help="Run migrate first.")
        parser.add_argument("--skip-celery", action="store_true")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark data.")

    def handle(self, *args, **opts):
        if opts["migrate"]:
            call_command("migrate", verbosity=0)
        run = uuid.uuid4().hex[:8]
        user, proceeding = _fixture(run)
        out = self.stdout.write
        out(f"database: {connection.vendor}  broker: {settings.CELERY_BROKER_URL}")
        try:
            # Rendered inline and timed here, so nothing is sent to the broker.
            with mock.patch.object(services, "_enqueue", lambda letter_request: None):
                self._render_and_serve(user, proceeding, opts["samples"], out)
            if not opts["skip_celery"]:
                self._celery_batch(user, proceeding, opts, out)
        finally:
            if not opts["keep"]:
                self._cleanup(proceeding.case)

    def _render_and_serve(self, user, proceeding, samples, out):
        render_times, pdf_times, pages = [], [], []
        from pypdf import PdfReader

        for n in range(samples + 1):
            with transaction.atomic():
                letter_request = services.letter_request_create(
                    user=user,
                    proceeding=proceeding,
                    code="foia-access",
                    language="en",
                    inputs=_inputs(n),
                )
            started = time.perf_counter()
            letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
            elapsed = time.perf_counter() - started
            if n == 0:
                continue  # warm-up: imports, fonts
            render_times.append(elapsed)
            html = services.letter_html(letter_request)
            started = time.perf_counter()
            html_to_pdf(html)
            pdf_times.append(time.perf_counter() - started)
            pages.append(len(PdfReader(io.BytesIO(letter_request.document.read_content())).pages))
        out(
            f"render (service: template + PDF + store), {samples} letters of "
            f"{min(pages)}–{max(pages)} pages: "
            f"median {statistics.median(render_times) * 1000:.0f} ms, "
            f"p90 {sorted(render_times)[int(len(render_times) * 0.9) - 1] * 1000:.0f} ms"
        )
        out(f"  of which WeasyPrint HTML→PDF: median {statistics.median(pdf_times) * 1000:.0f} ms")

        client = Client()
        client.force_login(user)
        url = reverse("letters:document_download", args=[letter_request.document_id])
        serve_times = []
        for n in range(101):
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content)
            elapsed = time.perf_counter() - started
            if response.status_code != 200 or not body.startswith(b"%PDF"):
                raise CommandError(f"download failed: {response.status_code}")
            if n:
                serve_times.append(elapsed)
        again = time.perf_counter()
        with transaction.atomic():
            cached = services.letter_request_create(
                user=user,
                proceeding=proceeding,
                code="foia-access",
                language="en",
                inputs=_inputs(samples),
            )
        cached_ms = (time.perf_counter() - again) * 1000
        out(
            f"serve a stored letter (download view, {len(serve_times)} requests, "
            f"{len(body) // 1024} KiB): median {statistics.median(serve_times) * 1000:.1f} ms, "
            f"max {max(serve_times) * 1000:.1f} ms"
        )
        out(
            f"re-request with unchanged inputs: {cached_ms:.1f} ms, status {cached.status}, "
            f"same document: {cached.document_id == letter_request.document_id}"
        )

    def _celery_batch(self, user, proceeding, opts, out):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The worker benchmark needs PostgreSQL: set DATABASE_URL (or pass --skip-celery)."
            )
        broker = settings.CELERY_BROKER_URL
        if broker.startswith("redis://"):
            self._celery_batch_on(broker, user, proceeding, opts, out)
            return
        from dsar.core import chaos

        redis = chaos.RedisServer()
        try:
            redis.start()
        except RuntimeError as error:
            raise CommandError(f"The worker benchmark needs redis-server: {error}.") from error
        try:
            out(f"broker: a redis-server of its own on port {redis.port}")
            with chaos.use_broker(redis.url):
                self._celery_batch_on(redis.url, user, proceeding, opts, out)
        finally:
            redis.stop()

    def _celery_batch_on(self, broker: str, user, proceeding, opts, out):
        count = opts["count"]
        duplicates = min(opts["duplicates"], count)
        env = {
            **os.environ,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "CELERY_BROKER_URL": broker,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "dsar.settings.local"
            ),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        log_dir = Path(settings.BASE_DIR) / "var" / "benchmark"
        log_dir.mkdir(parents=True, exist_ok=True)
        workers = []
        for i in range(opts["workers"]):
            log = open(log_dir / f"worker{i}.log", "w")  # noqa: SIM115 - closed below
            workers.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "dsar",
                            "worker",
                            "--concurrency=1",
                            "--loglevel=WARNING",
                            "-n",
                            f"letters-bench{i}-{os.getpid()}@%h",
                        ],
                        cwd=settings.BASE_DIR,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
        try:
            from dsar.letters.tasks import render_letter_request

            started = time.perf_counter()
            ids = []
            for n in range(count):
                with transaction.atomic():
                    letter_request = services.letter_request_create(
                        user=user,
                        proceeding=proceeding,
                        code="foia-access",
                        language="en",
                        inputs=_inputs(10_000 + n),
                    )
                ids.append(letter_request.pk)
            # Redeliveries: the same task sent again must not render twice.
            for pk in ids[:duplicates]:
                render_letter_request.delay(pk)
            enqueued = time.perf_counter() - started
            deadline = time.monotonic() + opts["timeout"]
            batch = LetterRequest.objects.filter(pk__in=ids)
            while time.monotonic() < deadline:
                done = batch.filter(status__in=["ready", "failed"]).count()
                if done == count:
                    break
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            ready = batch.filter(status="ready").count()
            failed = batch.filter(status="failed").count()
            documents = Document.objects.filter(
                inputs_hash__in=batch.values("inputs_hash"), case=proceeding.case
            )
            duplicated = (
                documents.values("inputs_hash").annotate(n=Count("pk")).filter(n__gt=1).count()
            )
            multi_attempts = batch.filter(attempts__gt=1).count()
            out(
                f"{opts['workers']} Celery workers, {count} letters (+{duplicates} redelivered "
                f"tasks): enqueued in {enqueued:.1f} s, all done in {elapsed:.1f} s "
                f"({count / elapsed:.1f} letters/s)"
            )
            out(
                f"  ready {ready}, failed {failed}, lost {count - ready - failed}, "
                f"documents {documents.count()}, duplicated documents {duplicated}, "
                f"requests rendered more than once {multi_attempts}"
            )
            per_worker = {}
            for _i, (proc, _log) in enumerate(workers):
                per_worker[proc.pid] = proc.poll() is None
            out(f"  workers alive at the end: {sum(per_worker.values())}/{len(workers)}")
        finally:
            for proc, _log in workers:
                proc.terminate()
            for proc, log in workers:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                log.close()

    def _cleanup(self, case: Case) -> None:
        # Deleting the rows removes their files once committed (see dsar.letters.apps).
        LetterRequest.objects.filter(case=case).delete()
        Document.objects.filter(case=case).delete()
        case.proceedings.all().delete()
        case.delete()
