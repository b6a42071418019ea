import datetime
import hashlib

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from dsar.accounts import services
from dsar.accounts.models import ApiToken
from dsar.cases.models import Case

pytestmark = pytest.mark.django_db


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_only_the_hash_of_a_token_is_stored(user):
    row, token = services.api_token_create(user=user, name="export")
    assert token.startswith(f"dsar_{row.prefix}_")
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.objects.filter(pk=row.pk).values().get())


def test_token_authenticates_and_records_its_use(user):
    row, token = services.api_token_create(user=user)
    assert client_with(token).get(reverse("api:case-list")).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    # A token with the right prefix but a wrong secret is refused.
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client_with(forged).get(reverse("api:case-list")).status_code == 401


def test_a_revoked_token_is_refused(user):
    row, token = services.api_token_create(user=user)
    services.api_token_revoke(user=user, token_id=row.pk)
    response = client_with(token).get(reverse("api:case-list"))
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(user):
    _row, token = services.api_token_create(user=user, expires_days=1)
    assert client_with(token).get(reverse("api:case-list")).status_code == 200
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2)
    with time_machine.travel(later):
        assert client_with(token).get(reverse("api:case-list")).status_code == 401


def test_a_read_only_token_reads_but_cannot_write(user):
    _row, token = services.api_token_create(user=user, read_only=True)
    client = client_with(token)
    assert client.get(reverse("api:case-list")).status_code == 200
    response = client.post(
        reverse("api:case-list"), {"title": "x", "subject_name": "y"}, format="json"
    )
    assert response.status_code == 403 and "read-only" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_a_user_cannot_revoke_someone_elses_token(client_logged_in, other_user):
    row, _token = services.api_token_create(user=other_user)
    response = client_logged_in.post(reverse("api_tokens:revoke", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_token_page_creates_shows_once_lists_and_revokes(client_logged_in, user):
    page = reverse("api_tokens:list")
    response = client_logged_in.post(
        page, {"name": "nightly export", "read_only": "on", "expires_days": "30"}
    )
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token and token in response.content.decode()
    row = ApiToken.objects.get(user=user)
    assert row.read_only and row.expires_at is not None and row.name == "nightly export"
    listing = client_logged_in.get(page).content.decode()
    assert token not in listing and f"dsar_{row.prefix}_" in listing and "nightly export" in listing
    client_logged_in.post(reverse("api_tokens:revoke", args=[row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert client_with(token).get(reverse("api:case-list")).status_code == 401


def test_token_page_refuses_a_bad_lifetime(client_logged_in):
    response = client_logged_in.post(reverse("api_tokens:list"), {"name": "x", "expires_days": "0"})
    assert response.status_code == 400 and ApiToken.objects.count() == 0


def test_command_prints_the_token_alone_on_its_last_line(user, capsys):
    call_command(
        "create_api_token", user.email, "--read-only", "--name", "cron", "--expires-days", "7"
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    row = ApiToken.objects.get(user=user)
    assert token.startswith(f"dsar_{row.prefix}_") and row.read_only and row.name == "cron"
    assert client_with(token).get(reverse("api:case-list")).status_code == 200


def test_command_refuses_an_unknown_user(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody@example.org")
