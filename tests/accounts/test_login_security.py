"""Logins: rate limits that slow the guesser and not the account's owner, shared by every
process; the admin behind the same login and a second factor; no e-mail enumeration."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from dsar.accounts.models import User
from tests.conftest import (
    require_service,
    sign_in_with_second_factor,
    totp_code,
    verified_user,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
TOO_MANY = "Too many failed login attempts"


def log_in(client, email, password, ip, **extra):
    return client.post(
        reverse("account_login"), {"login": email, "password": password, **extra}, REMOTE_ADDR=ip
    )


def test_fifty_wrong_admin_passwords_are_rate_limited_and_the_owner_still_gets_in(client):
    from allauth.mfa.totp.internal.auth import TOTP

    admin = verified_user("admin@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    # The admin's own login page sends everyone to the account login, with its limits.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"

    refused = sum(
        is_refused(log_in(client, admin.email, f"guess {attempt}", ATTACKER))
        for attempt in range(50)
    )
    assert refused >= 45  # five guesses at most, then only "too many"
    # Even the right password is refused from the guessing address: it slowed itself down.
    assert is_refused(log_in(client, admin.email, PASSWORD, ATTACKER))
    assert not client.session.get("_auth_user_id")

    # The owner, from elsewhere, signs in with the password and the authenticator code.
    owner = client_class_for(client)
    response = log_in(owner, admin.email, PASSWORD, OWNER, next="/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = owner.post(reverse("mfa_authenticate"), {"code": totp_code()}, REMOTE_ADDR=OWNER)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert owner.get("/admin/", REMOTE_ADDR=OWNER).status_code == 200


def is_refused(response) -> bool:
    """Refused without checking the password: allauth's "too many attempts" on the form, or a
    429 once the address has also used up its login requests for the minute."""
    return response.status_code == 429 or (
        response.status_code == 200 and TOO_MANY in response.content.decode()
    )


def client_class_for(client):
    return client.__class__()


def test_a_guesser_does_not_lock_the_owner_out(client):
    user = verified_user("ana@example.org")
    for attempt in range(20):
        log_in(client, user.email, f"guess {attempt}", ATTACKER)
    assert TOO_MANY in log_in(client, user.email, PASSWORD, ATTACKER).content.decode()
    owner = client_class_for(client)
    response = log_in(owner, user.email, PASSWORD, OWNER)
    assert response.status_code == 302 and response["Location"] == reverse("cases:dashboard")


def test_guessing_many_accounts_from_one_address_is_slowed_down(client):
    users = [verified_user(f"user-{n}@example.org") for n in range(12)]
    bodies = [log_in(client, u.email, "wrong", ATTACKER).content.decode() for u in users]
    assert TOO_MANY not in bodies[0]
    assert TOO_MANY in bodies[-1]  # ten a minute per address, whatever the account


def test_a_correct_login_does_not_reset_the_guess_count(client):
    user = verified_user("ana@example.org")
    for attempt in range(4):
        log_in(client, user.email, f"guess {attempt}", ATTACKER)
    assert log_in(client, user.email, PASSWORD, ATTACKER).status_code == 302
    client.post(reverse("account_logout"), REMOTE_ADDR=ATTACKER)
    log_in(client, user.email, "guess 5", ATTACKER)
    assert TOO_MANY in log_in(client, user.email, "guess 6", ATTACKER).content.decode()


# --- counts are shared by every process -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    require_service("redis-server", server is not None)
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


ASK_OTHER_PROCESS = """
from django.test import RequestFactory
from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
for ip in ({attacker!r}, {owner!r}):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    key = get_adapter()._get_login_attempts_cache_key(request, email={email!r})
    allowed = ratelimit.consume(
        request, app="allauth.account", action="login_failed", key=key, dry_run=True
    )
    print(ip, "allowed" if allowed else "limited")
"""


def other_process_sees(email: str, env: dict) -> dict[str, str]:
    code = ASK_OTHER_PROCESS.format(attacker=ATTACKER, owner=OWNER, email=email)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in result.stdout.strip().splitlines())


def test_failed_logins_are_counted_across_processes_in_redis(client, redis_url):
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "dsar",
        }
    }
    user = verified_user("ana@example.org")
    with override_settings(CACHES=cache):
        seen = other_process_sees(
            user.email, {"DJANGO_SETTINGS_MODULE": "dsar.settings.test", "CACHE_URL": redis_url}
        )
        assert seen == {ATTACKER: "allowed", OWNER: "allowed"}
        for attempt in range(5):
            log_in(client, user.email, f"guess {attempt}", ATTACKER)
        seen = other_process_sees(
            user.email, {"DJANGO_SETTINGS_MODULE": "dsar.settings.test", "CACHE_URL": redis_url}
        )
    assert seen == {ATTACKER: "limited", OWNER: "allowed"}


def test_failed_logins_are_counted_across_processes_in_the_embedded_default(client, tmp_path):
    var = tmp_path / "var"
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var / "cache"),
        }
    }
    user = verified_user("ana@example.org")
    with override_settings(CACHES=cache):
        for attempt in range(5):
            log_in(client, user.email, f"guess {attempt}", ATTACKER)
    seen = other_process_sees(
        user.email,
        {
            "DJANGO_SETTINGS_MODULE": "dsar.settings.local",
            "DSAR_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert seen == {ATTACKER: "limited", OWNER: "allowed"}


# --- the admin wants staff signed in with a second factor --------------------------------------


def test_admin_sends_staff_without_a_second_factor_to_set_one_up(client):
    staff = verified_user("staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert "only open to staff who use two-factor authentication" in response.content.decode()


def test_admin_asks_for_the_second_factor_when_the_session_did_not_use_it(client):
    from allauth.mfa.totp.internal.auth import TOTP

    staff = verified_user("staff@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)  # e.g. signed in before turning two factors on
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=%2Fadmin%2F"
    assert client.get("/admin/rules/closureday/").status_code == 302
    sign_in_with_second_factor(client, staff)
    assert client.get("/admin/rules/closureday/").status_code == 200


def test_admin_refuses_signed_in_users_who_are_not_staff(client):
    client.force_login(verified_user("ana@example.org"))
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/").status_code == 302


# --- no e-mail enumeration ---------------------------------------------------------------------


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a-long passphrase 2026",
            "password2": "a-long passphrase 2026",
        },
        follow=True,
    )


def page_text(response, address: str) -> str:
    body = response.content.decode().replace(address, "X@")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(client):
    verified_user("taken@example.org")
    new = sign_up(client, "new@example.org")
    client.logout()
    client.cookies.clear()
    taken = sign_up(client, "taken@example.org")
    assert new.redirect_chain == taken.redirect_chain
    assert new.status_code == taken.status_code == 200
    assert page_text(new, "new@") == page_text(taken, "taken@")
    assert User.objects.filter(email="taken@example.org").count() == 1
    # The owner of the taken address is told by e-mail, not the person at the keyboard.
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["taken@example.org"]]


def test_password_reset_answers_the_same_for_unknown_addresses(client):
    verified_user("ana@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "ana@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
