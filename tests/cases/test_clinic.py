"""A clinic's views: the agenda by client, the client pages, assigning a case."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dsar.cases.models import Clock
from dsar.cases.selectors import agenda, client_cases, client_list
from dsar.cases.services import case_assign
from dsar.core.exceptions import ApplicationError
from tests.factories import CaseFactory, MembershipFactory, ProceedingFactory, UserFactory
from tests.reminders.factories import ClockFactory, in_days

pytestmark = pytest.mark.django_db


def test_agenda_groups_the_weeks_deadlines_by_client_and_hides_others_cases(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    ana = CaseFactory(owner=user, subject_name="Ana Torres", title="ESTA")
    ana_again = CaseFactory(owner=user, subject_name=" ana  torres", title="TRIP")
    luis = CaseFactory(owner=user, subject_name="Luis Pérez", title="FBI")
    ClockFactory(proceeding=ProceedingFactory(case=ana), due_date=in_days(3))
    ClockFactory(proceeding=ProceedingFactory(case=ana_again), due_date=in_days(-2))
    ClockFactory(proceeding=ProceedingFactory(case=luis), due_date=in_days(20))
    ClockFactory(
        proceeding=ProceedingFactory(case=luis), due_date=in_days(2), state=Clock.State.MET
    )
    ClockFactory(due_date=in_days(1))  # someone else's case
    week = agenda(user=user, days=7)
    assert [group["name"] for group in week] == ["Ana Torres"]
    assert len(week[0]["clocks"]) == 2  # the overdue one first
    assert week[0]["clocks"][0].due_date == in_days(-2)
    month = agenda(user=user, days=30)
    assert [group["name"] for group in month] == ["Ana Torres", "Luis Pérez"]
    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("cases:agenda") + "?days=30").content.decode()
    assert "Ana Torres" in page and "Luis Pérez" in page and "ESTA" in page


def test_client_list_and_client_page_show_all_and_only_visible_cases(client):
    user = UserFactory()
    first = CaseFactory(owner=user, subject_name="Ana Torres", title="ESTA refused")
    CaseFactory(owner=user, subject_name="ANA TORRES", title="TRIP inquiry")
    CaseFactory(subject_name="Ana Torres", title="Another user's case")
    clients = client_list(user=user)
    assert [(c["name"], c["cases"]) for c in clients] == [("Ana Torres", 2)]
    name, cases = client_cases(user=user, case_id=first.pk)
    assert name == "Ana Torres"
    assert {c.title for c in cases} == {"ESTA refused", "TRIP inquiry"}
    client.force_login(user)
    page = client.get(reverse("cases:client_detail", args=[first.pk])).content.decode()
    assert "ESTA refused" in page and "TRIP inquiry" in page
    assert "Another user's case" not in page
    other = CaseFactory(subject_name="Ana Torres")
    assert client.get(reverse("cases:client_detail", args=[other.pk])).status_code == 404


def test_assignment_only_to_a_colleague_who_may_edit():
    admin = MembershipFactory(role="admin")
    org = admin.organization
    advocate = MembershipFactory(organization=org, role="advocate").user
    viewer = MembershipFactory(organization=org, role="viewer").user
    outsider = UserFactory()
    case = CaseFactory(owner=admin.user, organization=org)
    case_assign(user=admin.user, case=case, assignee=advocate)
    case.refresh_from_db()
    assert case.assignee == advocate
    for wrong in (viewer, outsider):
        with pytest.raises(ApplicationError):
            case_assign(user=admin.user, case=case, assignee=wrong)
    case.refresh_from_db()
    assert case.assignee == advocate
    case_assign(user=admin.user, case=case, assignee=None)
    case.refresh_from_db()
    assert case.assignee is None


def test_a_viewer_cannot_assign(client):
    admin = MembershipFactory(role="admin")
    viewer = MembershipFactory(organization=admin.organization, role="viewer").user
    case = CaseFactory(owner=admin.user, organization=admin.organization)
    client.force_login(viewer)
    response = client.post(reverse("cases:case_assign", args=[case.pk]), {"assignee": viewer.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_demo_prints_the_administrator_login(capsys):
    from dsar.accounts.models import User

    call_command("demo")
    out = capsys.readouterr().out
    assert "admin@example.org" in out and "/admin/" in out
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and admin.is_superuser
