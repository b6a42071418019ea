"""Unsubscribe links and calendar addresses: random secrets, stored only as SHA-256 digests,
that expire (unsubscribe) and can be cancelled."""

import datetime

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from dsar.core.tokens import token_digest
from dsar.reminders import services
from dsar.reminders.models import ReminderPreference, UnsubscribeToken
from tests.factories import UserFactory

from .factories import ClockFactory, in_days

pytestmark = pytest.mark.django_db

OLD_HARD_CODED_KEY = "dsar-insecure-local-only-key-change-me"


def unsubscribe(client, token):
    return client.post(reverse("reminders:unsubscribe", args=[token]))


def email_is_on(user) -> bool:
    return ReminderPreference.objects.get_or_create(user=user)[0].email_enabled


def test_a_link_signed_with_the_old_hard_coded_key_does_nothing(client):
    victim = UserFactory()
    forged = signing.dumps(
        {"u": victim.pk}, key=OLD_HARD_CODED_KEY, salt="dsar.reminders.unsubscribe", compress=True
    )
    assert unsubscribe(client, forged).status_code == 400
    assert client.get(reverse("reminders:unsubscribe", args=[forged])).status_code == 400
    assert email_is_on(victim)


def test_a_guessed_link_does_nothing(client):
    victim = UserFactory()
    services.unsubscribe_token_issue(user=victim)
    stored = UnsubscribeToken.objects.get().token_hash
    # Neither a made-up token nor the stored digest itself opens the door.
    for guess in ("forged", stored, "A" * 43):
        assert unsubscribe(client, guess).status_code == 400
    assert email_is_on(victim)


def test_links_are_stored_as_digests_only():
    user = UserFactory()
    token = services.unsubscribe_token_issue(user=user)
    row = UnsubscribeToken.objects.get()
    assert row.token_hash == token_digest(token) and token not in row.token_hash
    assert services.unsubscribe_token_user_id(token=token) == user.pk


def test_a_link_expires_after_sixty_days(client):
    user = UserFactory()
    token = services.unsubscribe_token_issue(user=user)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=59)):
        assert services.unsubscribe_token_user_id(token=token) == user.pk
    with time_machine.travel(timezone.now() + datetime.timedelta(days=60, minutes=1)):
        assert unsubscribe(client, token).status_code == 400
    assert email_is_on(user)


def test_expired_links_are_deleted_when_a_new_one_is_made():
    user = UserFactory()
    services.unsubscribe_token_issue(user=user)
    later = timezone.now() + datetime.timedelta(days=61)
    services.unsubscribe_token_issue(user=user, now=later)
    assert UnsubscribeToken.objects.filter(user=user).count() == 1


def test_the_user_can_cancel_the_links_already_sent(client):
    user, other = UserFactory(), UserFactory()
    token = services.unsubscribe_token_issue(user=user)
    other_token = services.unsubscribe_token_issue(user=other)
    client.force_login(user)
    client.post(reverse("reminders:unsubscribe_links_revoke"))
    client.logout()
    assert unsubscribe(client, token).status_code == 400
    assert email_is_on(user)
    assert unsubscribe(client, other_token).status_code == 200
    assert not email_is_on(other)


def test_each_reminder_e_mail_carries_a_working_link_of_its_own(client):
    from dsar.cases.models import Proceeding

    clock = ClockFactory(due_date=in_days(1))
    owner = Proceeding.objects.get(pk=clock.proceeding_id).case.owner
    for reminder_id in services.reminders_sweep().selected:
        services.reminder_deliver(reminder_id=reminder_id)
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200
    assert not email_is_on(owner)


def test_calendar_address_is_stored_hashed_and_revocable(client):
    user = UserFactory()
    token = services.calendar_token_issue(user=user)
    url = reverse("reminders:calendar_feed", args=[token])
    pref = ReminderPreference.objects.get(user=user)
    assert pref.calendar_token_hash == token_digest(token)
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("reminders:calendar_feed", args=[pref.calendar_token_hash])).status_code
        == 404
    )
    client.force_login(user)
    client.post(reverse("reminders:calendar_revoke"))
    client.logout()
    assert client.get(url).status_code == 404


def test_a_new_user_has_no_calendar_address_until_they_make_one(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert "You have no calendar feed." in page and 'id="feed-url"' not in page
    page = client.post(reverse("reminders:calendar_reset")).content.decode()
    assert 'id="feed-url"' in page and "shown only now" in page
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert 'id="feed-url"' not in page and "Your calendar feed is on." in page
