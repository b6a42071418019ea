"""Two factors: allauth's MFA pages in our layout and both languages; organizations that
require a second factor of their members."""

import re

import pytest
from django.urls import reverse

from dsar.accounts import services
from dsar.core.exceptions import ApplicationError
from tests.conftest import (
    log_in_with_password,
    sign_in_with_second_factor,
    totp_code,
    verified_user,
)
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Two-Factor Authentication"), ("es", "Autenticación de doble factor")],
)
def test_two_factor_pages_use_the_site_layout_in_both_languages(client, language, heading):
    user = verified_user("ana@example.org")
    log_in_with_password(client, user)
    for url in (reverse("mfa_index"), reverse("mfa_activate_totp")):
        response = client.get(url, headers={"Accept-Language": language})
        body = response.content.decode()
        assert response.status_code == 200
        assert 'class="site-header"' in body and f'<html lang="{language}">' in body
    assert (
        heading
        in client.get(reverse("mfa_index"), headers={"Accept-Language": language}).content.decode()
    )


def test_turning_on_an_authenticator_app_then_signing_in_with_its_code(client):
    from allauth.mfa.models import Authenticator

    user = verified_user("ana@example.org")
    log_in_with_password(client, user)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = client.session["mfa.totp.secret"]
    assert secret in page and "data:image/svg+xml" in page  # the QR code and the key
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    client.post(reverse("account_logout"))

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("cases:dashboard")).status_code == 302  # not in yet
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_account_menu_links_to_two_factor_settings(client):
    client.force_login(verified_user("ana@example.org"))
    assert reverse("mfa_index") in client.get(reverse("cases:dashboard")).content.decode()


# --- organizations that require a second factor -----------------------------------------------


@pytest.fixture
def strict_clinic():
    organization = OrganizationFactory(name="Strict Clinic", require_mfa=True)
    return organization


def test_members_without_a_second_factor_are_sent_to_set_one_up(client, strict_clinic):
    member = verified_user("member@example.org")
    MembershipFactory(organization=strict_clinic, user=member, role="advocate")
    case = CaseFactory(owner=member)
    log_in_with_password(client, member)
    for url in (reverse("cases:dashboard"), case.get_absolute_url(), "/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("mfa_index"), url
        assert "Strict Clinic requires two-factor authentication" in response.content.decode()
        assert case.title not in response.content.decode()
    api = client.get("/api/v1/cases/")
    assert api.status_code == 403 and "requires two-factor" in api.json()["detail"]
    # Setting it up is allowed, and afterwards the cases are back.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    sign_in_with_second_factor(client, member)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_members_of_organizations_without_the_rule_are_not_bothered(client):
    member = verified_user("member@example.org")
    MembershipFactory(organization=OrganizationFactory(), user=member)
    client.force_login(member)
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_only_an_admin_who_uses_two_factors_can_require_them(client):
    admin = verified_user("admin@example.org")
    advocate = verified_user("advocate@example.org")
    organization = services.organization_create(user=admin, name="Clinic")
    MembershipFactory(organization=organization, user=advocate, role="advocate")
    with pytest.raises(ApplicationError, match="administrators"):
        services.organization_set_mfa_required(
            user=advocate, organization=organization, required=True
        )
    with pytest.raises(ApplicationError, match="your own account first"):
        services.organization_set_mfa_required(user=admin, organization=organization, required=True)
    organization.refresh_from_db()
    assert organization.require_mfa is False

    sign_in_with_second_factor(client, admin)
    url = reverse("accounts:organization_mfa", args=[organization.pk])
    client.post(url, {"require_mfa": "on"})
    organization.refresh_from_db()
    assert organization.require_mfa is True
    page = client.get(reverse("accounts:organization", args=[organization.pk])).content.decode()
    assert 'name="require_mfa" id="id_require_mfa" checked' in page
    client.post(url, {})
    organization.refresh_from_db()
    assert organization.require_mfa is False


def test_sign_in_to_a_strict_organization_asks_for_the_code(client, strict_clinic):
    """A member who has set up an authenticator app can't get past the login without it."""
    from allauth.mfa.totp.internal.auth import TOTP

    member = verified_user("member@example.org")
    MembershipFactory(organization=strict_clinic, user=member)
    TOTP.activate(member, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct horse battery"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_passkeys_can_be_added_and_used_to_sign_in(client):
    """WebAuthn: the login page offers a passkey, and the page that adds one loads allauth's
    scripts from our origin with its options as JSON data (no inline code, for the CSP)."""
    login = client.get(reverse("account_login")).content.decode()
    assert "mfa/js/webauthn.js" in login and "passkey" in login.lower()
    user = verified_user("ana@example.org")
    log_in_with_password(client, user)
    response = client.get(reverse("mfa_add_webauthn"))
    body = response.content.decode()
    assert response.status_code == 200 and 'class="site-header"' in body
    assert "/static/mfa/js/webauthn.js" in body
    for script in re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", body, re.S):
        attrs, code = script
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs


def test_authenticator_secrets_and_recovery_codes_are_encrypted_at_rest(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import connection

    user = verified_user("ana@example.org")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        raw = " ".join(str(row[0]) for row in cursor.fetchall())
    assert secret not in raw and "fernet:" in raw
    assert Authenticator.objects.filter(user=user).count() == 2

    # Both still work: the code from the app, and (once) a recovery code.
    client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("cases:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.get(reverse("cases:dashboard")).status_code == 200
