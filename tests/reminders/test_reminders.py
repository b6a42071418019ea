import datetime
import re
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dsar.cases.models import Clock
from dsar.reminders import services
from dsar.reminders.calendar import calendar_feed_render
from dsar.reminders.models import Notification, Reminder, ReminderPreference
from dsar.reminders.services import (
    digests_send,
    reminder_claim,
    reminder_deliver,
    reminders_sweep,
    unsubscribe_token_issue,
)
from tests.factories import CaseFactory, MembershipFactory, ProceedingFactory, UserFactory

from .factories import ClockFactory, in_days

pytestmark = pytest.mark.django_db


def deliver_all() -> dict[str, int]:
    counts: dict[str, int] = {}
    for reminder_id in reminders_sweep().selected:
        outcome = reminder_deliver(reminder_id=reminder_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def test_upcoming_reminder_created_once_and_sent_once():
    clock = ClockFactory(due_date=in_days(5))
    ClockFactory(due_date=in_days(20))  # not yet due
    first = reminders_sweep()
    second = reminders_sweep()
    assert first.created == 1 and second.created == 0
    reminder = Reminder.objects.get()
    assert (reminder.clock, reminder.offset_days, reminder.kind) == (clock, 7, "upcoming")
    assert reminder_deliver(reminder_id=reminder.pk) == "sent"
    assert reminder_deliver(reminder_id=reminder.pk) == "busy"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [clock.proceeding.case.owner.email]
    assert "http://" in message.body and clock.proceeding.get_absolute_url() in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.emailed and reminder.sent_at
    assert Notification.objects.filter(reminder=reminder, is_read=False).count() == 1
    # Nothing new on the next sweep; at one day before, the 1-day reminder follows.
    assert deliver_all() == {}
    with mock.patch("django.utils.timezone.localdate", return_value=in_days(4)):
        assert reminders_sweep().created == 1
    assert Reminder.objects.filter(offset_days=1).count() == 1


def test_late_discovery_sends_one_reminder_not_a_burst():
    ClockFactory(due_date=in_days(1))
    reminders_sweep()
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [1]


def test_recipients_owner_and_org_admins_and_advocates_each_with_preferences():
    owner = UserFactory()
    membership = MembershipFactory(role="admin")
    org = membership.organization
    advocate = MembershipFactory(organization=org, role="advocate").user
    viewer = MembershipFactory(organization=org, role="viewer").user
    ReminderPreference.objects.create(user=advocate, offsets="10")
    case = CaseFactory(owner=owner, organization=org)
    ClockFactory(proceeding=ProceedingFactory(case=case), due_date=in_days(9))
    reminders_sweep()
    # Owner and admin use the default 7,1 (9 days out: nothing yet); advocate wants 10 days.
    assert list(Reminder.objects.values_list("recipient", flat=True)) == [advocate.pk]
    with mock.patch("django.utils.timezone.localdate", return_value=in_days(3)):
        reminders_sweep()
    recipients = set(Reminder.objects.values_list("recipient", flat=True))
    assert recipients == {owner.pk, membership.user.pk, advocate.pk}
    assert viewer.pk not in recipients


def test_missed_clock_tells_what_to_do_in_users_language():
    owner = UserFactory(language="es")
    clock = ClockFactory(
        proceeding=ProceedingFactory(case=CaseFactory(owner=owner)),
        due_date=in_days(-2),
        state=Clock.State.MISSED,
        explanation={
            "consequence": {"text": "You may sue now.", "citation": "5 U.S.C. 552(a)(6)(C)"}
        },
    )
    assert deliver_all() == {"sent": 1}
    reminder = Reminder.objects.get()
    assert reminder.kind == "missed" and reminder.clock == clock
    message = mail.outbox[0]
    assert "You may sue now." in message.body and "552(a)(6)(C)" in message.body
    assert 'lang="es"' in message.alternatives[0][0]
    assert Notification.objects.get().level == "warning"


def test_missed_clock_generic_fallback_and_old_misses_ignored():
    ClockFactory(due_date=in_days(-3), state=Clock.State.MISSED)
    ClockFactory(due_date=in_days(-400), state=Clock.State.MISSED)
    assert deliver_all() == {"sent": 1}
    assert "agency is late" in mail.outbox[0].body


def test_appeal_window_gets_extra_warning():
    ClockFactory(code="us-foia-appeal-window", due_date=in_days(3))
    reminders_sweep()
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.offset_days) == ("appeal", 3)


def test_moved_clock_reschedules_and_closed_proceeding_cancels():
    clock = ClockFactory(due_date=in_days(5))
    reminders_sweep()
    old = Reminder.objects.get()
    clock.due_date = in_days(6)
    clock.save()
    reminders_sweep()
    old.refresh_from_db()
    assert old.status == "cancelled"
    new = Reminder.objects.get(status="pending")
    assert new.due_date == in_days(6)
    clock.proceeding.is_open = False
    clock.proceeding.save()
    result = reminders_sweep()
    assert result.cancelled == 1 and result.selected == []
    assert deliver_all() == {} and mail.outbox == []


def test_claim_is_check_and_set():
    ClockFactory(due_date=in_days(1))
    reminder_id = reminders_sweep().selected[0]
    assert reminder_claim(reminder_id=reminder_id) is not None
    assert reminder_claim(reminder_id=reminder_id) is None
    # An expired lease (crashed worker) can be taken over.
    Reminder.objects.filter(pk=reminder_id).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert reminders_sweep().selected == [reminder_id]
    assert reminder_deliver(reminder_id=reminder_id) == "sent"


def test_failures_retry_with_backoff_then_fail_visibly():
    ClockFactory(due_date=in_days(1))
    reminder_id = reminders_sweep().selected[0]
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
    ):
        assert reminder_deliver(reminder_id=reminder_id) == "retry"
        reminder = Reminder.objects.get()
        assert reminder.status == "pending" and reminder.not_before > timezone.now()
        assert "smtp down" in reminder.last_error
        assert reminder_deliver(reminder_id=reminder_id) == "busy"  # backing off
        outcome = None
        for _ in range(10):
            Reminder.objects.filter(pk=reminder_id).update(not_before=None)
            outcome = reminder_deliver(reminder_id=reminder_id)
            if outcome == "failed":
                break
    assert outcome == "failed"
    assert Reminder.objects.get().status == "failed"
    note = Notification.objects.get(level="error")
    assert "could not e-mail" in note.title


def test_digest_collects_reminders_into_one_email():
    owner = UserFactory()
    ReminderPreference.objects.create(user=owner, digest="daily")
    case = CaseFactory(owner=owner)
    ClockFactory(proceeding=ProceedingFactory(case=case), due_date=in_days(1))
    ClockFactory(proceeding=ProceedingFactory(case=case), due_date=in_days(6))
    assert deliver_all() == {"digest": 2}
    assert mail.outbox == []
    assert Notification.objects.filter(user=owner).count() == 2
    assert digests_send(frequency="daily") == 1
    assert digests_send(frequency="daily") == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("* ") == 2
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_email_off_keeps_in_app_and_both_off_creates_nothing():
    a, b = UserFactory(), UserFactory()
    ReminderPreference.objects.create(user=a, email_enabled=False)
    ReminderPreference.objects.create(user=b, email_enabled=False, in_app_enabled=False)
    ClockFactory(proceeding=ProceedingFactory(case=CaseFactory(owner=a)), due_date=in_days(1))
    ClockFactory(proceeding=ProceedingFactory(case=CaseFactory(owner=b)), due_date=in_days(1))
    assert deliver_all() == {"sent": 1}
    assert mail.outbox == [] and Notification.objects.get().user == a


def test_unsubscribe_one_click(client):
    user = UserFactory()
    token = unsubscribe_token_issue(user=user)
    url = reverse("reminders:unsubscribe", args=[token])
    response = client.get(url)
    assert response.status_code == 200 and b"<form" in response.content
    assert not ReminderPreference.objects.filter(user=user, email_enabled=False).exists()
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderPreference.objects.get(user=user).email_enabled is False
    assert client.get(reverse("reminders:unsubscribe", args=["forged"])).status_code == 400


def test_calendar_feed_is_valid_and_stable(client):
    user = UserFactory()
    case = CaseFactory(owner=user)
    clock = ClockFactory(proceeding=ProceedingFactory(case=case), due_date=in_days(12))
    ClockFactory(proceeding=ProceedingFactory(case=case), state=Clock.State.MET)
    ClockFactory(due_date=in_days(3))  # someone else's
    ReminderPreference.objects.create(user=user, offsets="7,2,1")
    url = reverse("reminders:calendar_feed", args=[services.calendar_token_issue(user=user)])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"clock-{clock.pk}@dsar"
    assert event.decoded("DTSTART") == in_days(12)
    assert len(event.walk("VALARM")) == 3
    for prop in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY"):
        assert prop in event
    seq = int(event["SEQUENCE"])
    clock.due_date = in_days(14)
    clock.computed_at = timezone.now() + datetime.timedelta(minutes=5)
    clock.save()
    event2 = icalendar.Calendar.from_ical(calendar_feed_render(user=user)).walk("VEVENT")[0]
    assert str(event2["UID"]) == str(event["UID"])
    assert int(event2["SEQUENCE"]) > seq and event2.decoded("DTSTART") == in_days(14)
    # Resetting the token kills the old address; the new one is shown once, on that response.
    client.force_login(user)
    page = client.post(reverse("reminders:calendar_reset")).content.decode()
    assert client.get(url).status_code == 404
    new_url = re.search(r'id="feed-url" type="text" readonly value="[^"]*(/calendar/[^"]+)"', page)
    client.logout()
    assert client.get(new_url.group(1)).status_code == 200


def test_notifications_page_count_and_mark_read(client):
    user = UserFactory()
    other = UserFactory()
    n1 = Notification.objects.create(user=user, title="First")
    Notification.objects.create(user=user, title="Second")
    Notification.objects.create(user=other, title="Not yours")
    client.force_login(user)
    response = client.get(reverse("reminders:notifications"))
    assert response.status_code == 200
    assert b"First" in response.content and b"Not yours" not in response.content
    request = RequestFactory().get("/")
    request.user = user
    tag = Template("{% load reminders %}{% unread_notifications_count %}")
    assert tag.render(Context({"request": request})) == "2"
    client.post(reverse("reminders:notifications_read"), {"notification": n1.pk})
    assert tag.render(Context({"request": request})) == "1"
    client.post(reverse("reminders:notifications_read"))
    assert tag.render(Context({"request": request})) == "0"
    assert Notification.objects.filter(user=other, is_read=False).count() == 1


def test_preferences_form(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("reminders:preferences")).status_code == 200
    response = client.post(
        reverse("reminders:preferences"),
        {"email_enabled": "on", "offsets": "14, 3,3", "digest": "weekly"},
    )
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=user)
    assert (pref.offsets, pref.max_offset, pref.in_app_enabled, pref.digest) == (
        "14,3",
        14,
        False,
        "weekly",
    )
    bad = client.post(reverse("reminders:preferences"), {"offsets": "99", "digest": "none"})
    assert bad.status_code == 200 and ReminderPreference.objects.get(user=user).offsets == "14,3"


def test_pages_need_login(client):
    for name in ("reminders:notifications", "reminders:preferences"):
        assert client.get(reverse(name)).status_code == 302


def test_send_due_reminders_command(capsys):
    ClockFactory(due_date=in_days(1))
    ClockFactory(due_date=in_days(2))
    call_command("send_due_reminders")
    out = capsys.readouterr().out
    assert "selected=2 sent=2 failed=0" in out
    call_command("send_due_reminders")
    assert "selected=0 sent=0" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_sweep_task_enqueues_in_eager_mode(django_capture_on_commit_callbacks):
    from dsar.reminders.tasks import sweep_reminders

    ClockFactory(due_date=in_days(1))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders.delay()
    assert Reminder.objects.get().status == "sent"
    # A live, slow send is never overtaken: the lease outlasts the task's hard time limit.
    from dsar.reminders.tasks import send_reminder

    assert services.conf.lease_seconds() > send_reminder.time_limit
