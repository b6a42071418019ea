import io

import pytest
from django.core.management import call_command
from django.urls import reverse


@pytest.mark.django_db
def test_public_healthz_says_only_ok(client, settings):
    settings.DSAR_HEALTH_TOKEN = "s3cret-token"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    wrong = client.get(reverse("healthz"), HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.json() == {"status": "ok"}


@pytest.mark.django_db
def test_operator_healthz_reports_database_broker_and_oldest_work(client, settings):
    from dsar.rules.models import RecomputeRun

    settings.DSAR_HEALTH_TOKEN = "s3cret-token"
    RecomputeRun.objects.create(reason="closure day saved")
    response = client.get(reverse("healthz"), HTTP_X_HEALTH_TOKEN="s3cret-token")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["work"]["recompute"]["pending"] == 1
    assert body["work"]["recompute"]["oldest_pending_seconds"] >= 0
    assert body["work"]["letter"]["oldest_pending_seconds"] is None
    by_param = client.get(reverse("healthz"), {"token": "s3cret-token"}).json()
    assert "work" in by_param


@pytest.mark.django_db
def test_healthz_without_a_token_setting_never_shows_details(client, settings):
    settings.DSAR_HEALTH_TOKEN = ""
    assert client.get(reverse("healthz"), {"token": ""}).json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.DSAR_HEALTH_TOKEN = "s3cret-token"
    from dsar.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        public = client.get(reverse("healthz"))
        operator = client.get(reverse("healthz"), HTTP_X_HEALTH_TOKEN="s3cret-token")
    finally:
        app.conf.broker_url = previous
    assert public.status_code == 503 and public.json() == {"status": "error"}
    assert operator.status_code == 503
    assert operator.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_production_keeps_database_connections_and_caches_in_redis():
    """Production settings read in a separate interpreter (they need their environment)."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@db:5432/dsar",
        "REDIS_URL": "redis://redis:6379/0",
        "DSAR_SEARCH_KEY": "k",
    }
    code = (
        "import json; from dsar.settings import production as p; "
        "print(json.dumps([p.DATABASES['default']['CONN_MAX_AGE'], "
        "p.DATABASES['default']['CONN_HEALTH_CHECKS'], p.CACHES['default']['BACKEND'], "
        "p.CACHES['default']['LOCATION']]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    max_age, health, backend, location = json.loads(out)
    assert max_age >= 60 and health is True
    assert backend.endswith("RedisCache") and location == "redis://redis:6379/0"
