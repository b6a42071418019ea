import re

import pytest
from django.core import mail
from django.urls import reverse

from dsar.accounts.models import User
from tests.conftest import emailed_code

pytestmark = pytest.mark.django_db


def test_sign_up_log_out_and_log_in_by_email(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Ana@Example.org",
            "password1": "a-long passphrase 2026",
            "password2": "a-long passphrase 2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="ana@example.org").exists()
    assert client.get(reverse("cases:dashboard")).status_code == 302  # not verified yet
    response = client.post(
        reverse("account_email_verification_sent"), {"code": emailed_code(mail.outbox[-1])}
    )
    assert response.status_code == 302
    assert client.get(reverse("cases:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("cases:dashboard")).status_code == 302
    response = client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": "a-long passphrase 2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_sign_up_with_a_weak_password_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ana@example.org", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert not User.objects.exists()


def test_password_reset_by_email(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "another long passphrase", "password2": "another long passphrase"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase")
