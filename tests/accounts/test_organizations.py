import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from dsar.accounts import services
from dsar.accounts.models import Membership
from dsar.core.exceptions import ApplicationError
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_creating_an_organization_makes_you_its_admin(client_logged_in, user):
    response = client_logged_in.post(reverse("accounts:organizations"), {"name": "Clinic"})
    membership = Membership.objects.get(user=user)
    assert membership.role == "admin"
    assert response["Location"] == reverse(
        "accounts:organization", args=[membership.organization_id]
    )


def test_admin_invites_and_removes_a_colleague(client_logged_in, user, client):
    organization = services.organization_create(user=user, name="Clinic")
    colleague = UserFactory(email="colleague@example.org")
    url = reverse("accounts:organization", args=[organization.pk])
    client_logged_in.post(url, {"email": "Colleague@example.org", "role": "advocate"})
    assert not Membership.objects.filter(user=colleague).exists()  # not before accepting
    invitation = organization.invitations.get(email="colleague@example.org")
    EmailAddress.objects.create(user=colleague, email=colleague.email, verified=True)
    services.invitation_answer(user=colleague, accept=True, invitation_id=invitation.pk)
    membership = Membership.objects.get(user=colleague)
    assert membership.role == "advocate"
    client_logged_in.post(reverse("accounts:membership_remove", args=[membership.pk]))
    assert not Membership.objects.filter(user=colleague).exists()


def test_only_admins_manage_members_and_the_last_admin_stays(user):
    organization = services.organization_create(user=user, name="Clinic")
    advocate = MembershipFactory(organization=organization, role="advocate").user
    with pytest.raises(ApplicationError, match="administrators"):
        services.invitation_create(
            user=advocate, organization=organization, email="x@example.org", role="viewer"
        )
    with pytest.raises(ApplicationError, match="at least one administrator"):
        services.membership_remove(user=user, membership=Membership.objects.get(user=user))


def test_outsiders_cannot_see_an_organization(client, user, other_user):
    organization = services.organization_create(user=user, name="Clinic")
    membership = Membership.objects.get(user=user)
    client.force_login(other_user)
    assert client.get(reverse("accounts:organization", args=[organization.pk])).status_code == 404
    response = client.post(reverse("accounts:membership_remove", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_changes_a_members_role_and_the_trail_records_it(client_logged_in, user):
    from dsar.audit.models import AuditEntry

    organization = services.organization_create(user=user, name="Clinic")
    viewer = MembershipFactory(organization=organization, role="viewer")
    page = client_logged_in.get(reverse("accounts:organization", args=[organization.pk]))
    assert (
        f'action="{reverse("accounts:membership_role", args=[viewer.pk])}"' in page.content.decode()
    )
    response = client_logged_in.post(
        reverse("accounts:membership_role", args=[viewer.pk]), {"role": "advocate"}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == "advocate"
    entry = AuditEntry.objects.filter(action="share").latest("created_at")
    assert entry.actor_id == user.pk and "viewer → advocate" in entry.detail


def test_role_changes_are_for_admins_only_with_a_real_role_and_never_leave_no_admin(user):
    organization = services.organization_create(user=user, name="Clinic")
    me = Membership.objects.get(user=user)
    advocate = MembershipFactory(organization=organization, role="advocate")
    with pytest.raises(ApplicationError, match="administrators"):
        services.membership_set_role(user=advocate.user, membership=advocate, role="admin")
    with pytest.raises(ApplicationError, match="Choose a role"):
        services.membership_set_role(user=user, membership=advocate, role="owner")
    with pytest.raises(ApplicationError, match="at least one administrator"):
        services.membership_set_role(user=user, membership=me, role="viewer")
    assert Membership.objects.get(pk=advocate.pk).role == "advocate"
    assert Membership.objects.get(pk=me.pk).role == "admin"
    # With a second administrator, the first may step down.
    services.membership_set_role(user=user, membership=advocate, role="admin")
    services.membership_set_role(user=user, membership=me, role="viewer")
    assert Membership.objects.get(pk=me.pk).role == "viewer"


def test_a_stranger_cannot_change_a_role(client, user, other_user):
    organization = services.organization_create(user=user, name="Clinic")
    membership = Membership.objects.get(user=user)
    client.force_login(other_user)
    response = client.post(
        reverse("accounts:membership_role", args=[membership.pk]), {"role": "viewer"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == "admin"
    assert organization.memberships.count() == 1


def test_the_admin_site_shows_cases_and_members_but_cannot_change_them(client, user):
    from tests.conftest import sign_in_with_second_factor
    from tests.factories import CaseFactory

    organization = services.organization_create(user=user, name="Clinic")
    case = CaseFactory(owner=user, organization=organization)
    operator = UserFactory(is_staff=True, is_superuser=True)
    sign_in_with_second_factor(client, operator)
    change = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(change, {"title": "Renamed", "owner": operator.pk})
    assert response.status_code == 403
    assert client.get(reverse("admin:cases_case_delete", args=[case.pk])).status_code == 403
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    org_page = client.get(reverse("admin:accounts_organization_change", args=[organization.pk]))
    assert org_page.status_code == 200
    assert 'name="memberships-0-role"' not in org_page.content.decode()
    assert client.get(reverse("admin:accounts_organization_add")).status_code == 403
