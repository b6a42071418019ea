"""Fault injection with real Celery workers, PostgreSQL, and a Redis and an SMTP sink of the
test's own (``dsar.core.chaos``): nothing shared is touched.

Short lease, re-enqueue and sweep settings (``chaos.FAST``) keep the suite quick; the same
scenarios run at the production settings with ``python manage.py chaos``.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dsar.core import chaos
from tests.conftest import require_service, sign_in_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def harness():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL")
    require_service("redis-server", bool(chaos.shutil.which("redis-server")))
    with chaos.Harness(timing=chaos.FAST) as running:
        yield running


def assert_recovered(results):
    print("\n" + chaos.table(results))
    assert results
    for result in results:
        assert result.due > 0, result
        assert (result.lost, result.duplicated, result.stuck) == (0, 0, 0), result
        assert result.done == result.due, result


def test_letters_recomputes_and_reminders_survive_kill_9_and_a_redis_restart(harness):
    results = chaos.scenario_crash(harness, cases=16, runs=2)
    assert {r.kind for r in results} == {"letters", "recomputes", "reminders"}
    assert_recovered(results)


def test_mail_outage_longer_than_the_retry_budget(harness):
    results = chaos.scenario_mail_outage(harness, cases=6)
    assert_recovered(results)
    (reminders,) = results
    # Every reminder ran out of attempts while the mail server was down, was shown in-app, and
    # was still sent once it answered again.
    assert reminders.extra["all_failed"] is True
    assert reminders.extra["in_app"] == reminders.due


def test_broker_down_while_users_save_a_closure_day_and_ask_for_letters(harness):
    from dsar.accounts.models import User
    from dsar.letters.models import LetterRequest
    from dsar.rules.models import RecomputeRun

    def through_the_pages(seed):
        User.objects.filter(pk=seed.user_id).update(is_staff=True, is_superuser=True)
        client = Client()
        # The admin wants staff signed in with a second factor.
        sign_in_with_second_factor(client, User.objects.get(pk=seed.user_id))
        statuses = []
        for case_id in seed.case_ids:
            response = client.post(
                reverse("letters:case_report", args=[case_id]), {"language": "en"}
            )
            statuses.append(response.status_code)
        page = client.get(response["Location"])
        assert "queued" in page.content.decode()
        response = client.post(
            reverse("admin:rules_closureday_add"),
            {
                "country": "US",
                "subdivision": "",
                "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
                "reason": "Chaos closure",
                "source": "",
                "status": "VERIFIED",
            },
        )
        statuses.append(response.status_code)
        seed.letter_ids = list(
            LetterRequest.objects.filter(case_id__in=seed.case_ids).values_list("pk", flat=True)
        )
        seed.run_ids = list(
            RecomputeRun.objects.filter(created_at__gte=seed.started_at).values_list(
                "pk", flat=True
            )
        )
        return sum(1 for status in statuses if status != 302)

    results = chaos.scenario_broker_down(harness, cases=4, make_requests=through_the_pages)
    assert {r.kind for r in results} == {"letters", "recomputes"}
    assert all(r.extra["request_errors"] == 0 for r in results)
    assert_recovered(results)
