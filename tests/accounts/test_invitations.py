"""Members join an organization only by accepting an invitation; the inviter learns nothing
about which addresses have accounts; case owners are told when someone joins or leaves."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from dsar.accounts import services
from dsar.accounts.models import Invitation, Membership
from dsar.core.exceptions import ApplicationError
from dsar.reminders.models import Notification
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, organization, email, django_capture_on_commit_callbacks):
    url = reverse("accounts:organization", args=[organization.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": email, "role": "viewer"}, follow=True)
    return response


def _link(message) -> str:
    return re.search(r"/organizations/join/[^\s/]+/", message.body).group(0)


def test_the_inviter_gets_the_same_answer_whether_or_not_an_account_exists(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    organization = services.organization_create(user=user, name="Clinic")
    UserFactory(email="known@example.org")
    known = _invite(
        client_logged_in, organization, "known@example.org", django_capture_on_commit_callbacks
    )
    unknown = _invite(
        client_logged_in, organization, "unknown@example.org", django_capture_on_commit_callbacks
    )
    said = [
        [str(m).replace(email, "<address>") for m in response.context["messages"]]
        for response, email in ((known, "known@example.org"), (unknown, "unknown@example.org"))
    ]
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert said[0] == said[1]
    assert "Invitation sent to" in known.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.org", "unknown@example.org"]
    assert not Membership.objects.filter(user__email="known@example.org").exists()
    # the invitee with an account also sees it in the application
    assert Notification.objects.get(user__email="known@example.org").title == (
        "Clinic invites you to join it"
    )


def test_the_invitee_accepts_by_the_link_and_only_with_the_invited_address(
    client, user, django_capture_on_commit_callbacks
):
    organization = services.organization_create(user=user, name="Clinic")
    owner_of_shared_case = user
    CaseFactory(owner=owner_of_shared_case, organization=organization)
    client.force_login(user)
    _invite(client, organization, "new@example.org", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1])
    assert Invitation.objects.get().token_hash not in link  # the token is stored hashed

    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    assert client.get(link).status_code == 404
    assert client.post(link, {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(user=intruder).exists()

    invitee = UserFactory(email="new@example.org")
    client.force_login(invitee)
    assert client.get(link).status_code == 200
    client.post(link, {"answer": "accept"})
    assert Membership.objects.get(user=invitee).role == "viewer"
    # the owner of the organization's cases is told who can now see them
    assert Notification.objects.filter(user=owner_of_shared_case, title__contains="new@").exists()
    # the link works once
    assert client.get(link).status_code == 404


def test_accepting_in_the_application_needs_a_verified_address(user):
    organization = services.organization_create(user=user, name="Clinic")
    invitee = UserFactory(email="new@example.org")
    invitation = services.invitation_create(
        user=user, organization=organization, email="new@example.org", role="advocate"
    )
    with pytest.raises(ApplicationError, match="Confirm your e-mail address"):
        services.invitation_answer(user=invitee, accept=True, invitation_id=invitation.pk)
    assert not Membership.objects.filter(user=invitee).exists()
    EmailAddress.objects.create(user=invitee, email=invitee.email, verified=True)
    services.invitation_answer(user=invitee, accept=True, invitation_id=invitation.pk)
    assert Membership.objects.filter(user=invitee, role="advocate").exists()


def test_declined_withdrawn_and_expired_invitations_cannot_be_accepted(user):
    organization = services.organization_create(user=user, name="Clinic")
    invitee = UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=invitee, email=invitee.email, verified=True)
    declined = services.invitation_create(
        user=user, organization=organization, email=invitee.email, role="viewer"
    )
    services.invitation_answer(user=invitee, accept=False, invitation_id=declined.pk)
    with pytest.raises(ApplicationError, match="not valid"):
        services.invitation_answer(user=invitee, accept=True, invitation_id=declined.pk)
    withdrawn = services.invitation_create(
        user=user, organization=organization, email=invitee.email, role="viewer"
    )
    services.invitation_revoke(user=user, invitation=withdrawn)
    with pytest.raises(ApplicationError, match="not valid"):
        services.invitation_answer(user=invitee, accept=True, invitation_id=withdrawn.pk)
    expiring = services.invitation_create(
        user=user, organization=organization, email=invitee.email, role="viewer"
    )
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=15)):
        with pytest.raises(ApplicationError, match="not valid"):
            services.invitation_answer(user=invitee, accept=True, invitation_id=expiring.pk)
    assert not Membership.objects.filter(user=invitee).exists()


def test_removing_a_member_tells_the_case_owners(user):
    organization = services.organization_create(user=user, name="Clinic")
    member = UserFactory()
    membership = Membership.objects.create(organization=organization, user=member, role="viewer")
    CaseFactory(owner=user, organization=organization)
    services.membership_remove(user=user, membership=membership)
    assert Notification.objects.filter(user=user, title__contains="no longer sees").exists()
