"""Print how long the API takes for a bulk import and for the main reads. Everything it writes
is rolled back: the database is left as it was."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.test import APIClient

from dsar.accounts import services as account_services
from dsar.accounts.models import User
from dsar.directory.models import Agency, Regime


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a 1,000-case import and the case list/detail through the API (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000)

    def handle(self, *args, cases: int, **options):
        regime = Regime.objects.order_by("position").first()
        agency = Agency.objects.order_by("code").first()
        if regime is None or agency is None:
            self.stderr.write("Load the directory first (python manage.py load_directory).")
            return
        try:
            with transaction.atomic():
                self._run(cases, regime.code, agency.code)
                raise Rollback
        except Rollback:
            pass

    def _time(self, label: str, call):
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{label:<46} {elapsed * 1000:9.1f} ms  (HTTP {response.status_code})")
        return response

    def _run(self, count: int, regime: str, agency: str) -> None:
        user = User.objects.create_user(email="benchmark-api@example.invalid")
        _row, token = account_services.api_token_create(user=user, name="benchmark")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        batch = [
            {
                "title": f"Benchmark matter {i}",
                "subject_name": f"Client {i}",
                "subject_nationality": "MX",
                "subject_a_number": f"A{i:09d}",
                "proceedings": [
                    {"regime": regime, "request_type": "access", "agency": agency},
                    {"regime": regime, "request_type": "amendment", "agency": agency},
                ],
            }
            for i in range(count)
        ]
        response = self._time(
            f"import {count} cases, {2 * count} proceedings",
            lambda: client.post("/api/v1/cases/import/", {"cases": batch}, format="json"),
        )
        first = response.json()["cases"][0]["id"]
        self._time("list cases (page of 50)", lambda: client.get("/api/v1/cases/"))
        self._time("list proceedings (page of 50)", lambda: client.get("/api/v1/proceedings/"))
        self._time("case detail", lambda: client.get(f"/api/v1/cases/{first}/"))
        self._time("schema", lambda: client.get("/api/schema/"))
