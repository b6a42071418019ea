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
