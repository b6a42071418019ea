"""Every reminder, notification, digest line and calendar entry names the client and the case,
in the recipient's language, and never an identifier."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from dsar.cases.models import Clock
from dsar.reminders.calendar import calendar_feed_render
from dsar.reminders.models import Notification, ReminderPreference
from dsar.reminders.services import digests_send, reminder_deliver, reminders_sweep
from tests.factories import CaseFactory, MembershipFactory, ProceedingFactory, UserFactory

from .factories import ClockFactory, in_days

pytestmark = pytest.mark.django_db

FOIA_LATE = {
    "rule": "us-foia-response",
    "consequence": {"text": "The agency missed the statutory time limit.", "citation": "552"},
}


def _case(owner, **extra):
    return CaseFactory(
        owner=owner,
        title="Face match at JFK",
        subject_name="María López",
        subject_a_number="A123456789",
        subject_passport_number="G1234567",
        subject_date_of_birth="1988-05-17",
        **extra,
    )


def _deliver_all():
    return [reminder_deliver(reminder_id=pk) for pk in reminders_sweep().selected]


def _assert_no_identifiers(text: str):
    for secret in ("A123456789", "G1234567", "1988-05-17", "1988"):
        assert secret not in text


@pytest.mark.parametrize(
    ("language", "missed", "late"),
    [
        ("en", "Deadline passed for", "statutory time limit"),
        ("es", "Plazo vencido para", "plazo legal"),
    ],
)
def test_missed_reminder_names_client_and_case_in_the_users_language(language, missed, late):
    owner = UserFactory(language=language)
    ClockFactory(
        proceeding=ProceedingFactory(case=_case(owner)),
        code="us-foia-response",
        label="FOIA response due",
        due_date=in_days(-2),
        state=Clock.State.MISSED,
        explanation=FOIA_LATE,
    )
    assert _deliver_all() == ["sent"]
    message = mail.outbox[0]
    for text in (message.subject, message.body, message.alternatives[0][0]):
        assert "María López" in text and "Face match at JFK" in text
        _assert_no_identifiers(text)
    assert message.subject.startswith(missed)
    assert late in message.body
    if language == "es":
        assert "Vence la respuesta FOIA" in message.subject
        assert "FOIA response due" not in message.body
        assert "(VERIFIED)" not in message.body and "verificado" in message.body


def test_notifications_follow_the_users_current_language(client):
    owner = UserFactory(language="en")
    ClockFactory(
        proceeding=ProceedingFactory(case=_case(owner)),
        code="us-foia-response",
        label="FOIA response due",
        due_date=in_days(3),
    )
    _deliver_all()
    client.force_login(owner)
    page = client.get(reverse("reminders:notifications")).content.decode()
    assert "María López" in page and "FOIA response due" in page
    owner.language = "es"
    owner.save()
    page = client.get(
        reverse("reminders:notifications"), headers={"accept-language": "es"}
    ).content.decode()
    client.cookies["django_language"] = "es"
    page = client.get(reverse("reminders:notifications")).content.decode()
    assert "María López" in page and "Vence la respuesta FOIA" in page
    assert "FOIA response due" not in page
    _assert_no_identifiers(page)
    assert Notification.objects.count() == 1


def test_digest_lines_name_each_client():
    owner = UserFactory()
    ReminderPreference.objects.create(user=owner, digest="daily")
    ClockFactory(proceeding=ProceedingFactory(case=_case(owner)), due_date=in_days(1))
    other = CaseFactory(owner=owner, title="ESTA refused", subject_name="Jon Smith")
    ClockFactory(proceeding=ProceedingFactory(case=other), due_date=in_days(1))
    assert set(_deliver_all()) == {"digest"}
    assert digests_send(frequency="daily") == 1
    body = mail.outbox[0].body
    assert "María López — Face match at JFK" in body and "Jon Smith — ESTA refused" in body
    _assert_no_identifiers(body)


@pytest.mark.parametrize("language", ["en", "es"])
def test_calendar_entries_name_the_client_in_the_users_language(language):
    owner = UserFactory(language=language)
    ClockFactory(
        proceeding=ProceedingFactory(case=_case(owner)),
        code="us-foia-response",
        label="FOIA response due",
        due_date=in_days(9),
    )
    event = icalendar.Calendar.from_ical(calendar_feed_render(user=owner)).walk("VEVENT")[0]
    summary = str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    alarm = str(event.walk("VALARM")[0]["DESCRIPTION"])
    for text in (summary, description, alarm):
        assert "María López" in text
        _assert_no_identifiers(text)
    assert "Face match at JFK" in summary
    if language == "es":
        assert summary.startswith("Vence la respuesta FOIA")
        assert "Vence:" in description and "verificado" in description
        assert "FOIA response due" not in description + alarm
    else:
        assert summary.startswith("FOIA response due")


def test_an_assigned_case_reminds_the_owner_and_the_assignee_only(client):
    membership = MembershipFactory(role="admin")
    org = membership.organization
    colleague = MembershipFactory(organization=org, role="advocate").user
    bystander = MembershipFactory(organization=org, role="advocate").user
    case = _case(membership.user, organization=org)
    ClockFactory(proceeding=ProceedingFactory(case=case), due_date=in_days(1))
    client.force_login(membership.user)
    response = client.post(reverse("cases:case_assign", args=[case.pk]), {"assignee": colleague.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == colleague
    _deliver_all()
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {membership.user.email, colleague.email}
    assert bystander.email not in recipients
