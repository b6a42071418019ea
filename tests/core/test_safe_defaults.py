"""Safe by default: entry points, secrets, DEBUG, the demo, HTTPS headers, caching, sessions."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DSAR_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "dsar.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # never contacted by the checks
        "ALLOWED_HOSTS": "dsar.example.org",
        "DSAR_FIELD_KEYS": "3dKPcakc6X4e9lIX1qz_JYe4Hb5FewSBpsx1zKQiBTM=",
    }


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], tmp_path, **production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key_or_shared_cache(tmp_path):
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], tmp_path, **env)
    assert result.returncode != 0 and "needs SECRET_KEY" in result.stderr
    env = production_env()
    del env["REDIS_URL"]
    result = run(["manage.py", "check"], tmp_path, **env)
    assert result.returncode != 0 and "needs REDIS_URL" in result.stderr


@pytest.mark.parametrize("module", ["manage", "dsar.wsgi", "dsar.asgi", "dsar.celery"])
def test_entry_points_default_to_production_settings(tmp_path, module):
    code = (
        f"import os, runpy; runpy.run_module({module!r}, run_name='not_main')"
        if module == "manage"
        else f"import {module}"
    )
    code += "; import os; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    if module in ("dsar.wsgi", "dsar.asgi"):
        # Loading the application reads the settings: production wants a real secret.
        result = run(["-c", code], tmp_path)
        assert result.returncode != 0 and "dsar.settings.production needs SECRET_KEY" in (
            result.stderr
        )
    result = run(["-c", code], tmp_path, **production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "dsar.settings.production"


def test_the_embedded_default_refuses_debug_on_a_public_host(tmp_path):
    result = run(
        ["manage.py", "check"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="dsar.settings.local",
        ALLOWED_HOSTS="dsar.example.org",
    )
    assert result.returncode != 0 and "ALLOWED_HOSTS may only name loopback" in result.stderr
    result = run(
        ["manage.py", "check"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="dsar.settings.local",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    assert result.returncode == 0, result.stderr


def test_the_embedded_default_makes_its_own_secret_key_once(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    shell = ["manage.py", "shell", "--no-imports", "-c", code]
    first = run(shell, tmp_path, DJANGO_SETTINGS_MODULE="dsar.settings.local")
    second = run(shell, tmp_path, DJANGO_SETTINGS_MODULE="dsar.settings.local")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret.key"
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    elsewhere = run(
        shell, tmp_path / "other", DJANGO_SETTINGS_MODULE="dsar.settings.local"
    ).stdout.strip()
    assert elsewhere and elsewhere != first.stdout.strip()


def test_no_secret_key_is_written_in_the_source():
    for path in (ROOT / "dsar" / "settings").glob("*.py"):
        text = path.read_text()
        assert "dsar-insecure" not in text
        for line in text.splitlines():
            if line.startswith("SECRET_KEY"):
                assert "os.environ" in line or "secret_key_from_file" in line, line


def test_demo_refuses_to_run_with_production_settings(tmp_path):
    result = run(["manage.py", "demo"], tmp_path, **production_env())
    assert result.returncode == 1
    assert "only runs with the embedded default" in result.stderr
    assert "demo@example.org" not in result.stdout


def test_production_turns_on_hsts_and_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
    )
    result = run(["manage.py", "shell", "--no-imports", "-c", code], tmp_path, **production_env())
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "False",
    ]


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_never_stored(client, user):
    public = client.get(reverse("directory:index"))
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(user)
    for url in (reverse("cases:dashboard"), reverse("directory:index")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_sessions_last_a_working_day_or_until_the_browser_closes(client):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    user = UserFactory(email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login = {"login": user.email, "password": "correct horse battery"}
    client.post(reverse("account_login"), login)
    assert client.session.get_expire_at_browser_close()
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {**login, "remember": "on"})
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() <= 12 * 3600
