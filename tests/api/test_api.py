import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dsar.cases.models import Case
from tests.factories import AgencyFactory, CaseFactory, ProceedingFactory, RegimeFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_requires_authentication():
    assert APIClient().get(reverse("api:cases")).status_code in (401, 403)


def test_create_case_proceeding_and_event_through_the_api(api, user):
    RegimeFactory()
    AgencyFactory()
    response = api.post(
        reverse("api:cases"), {"title": "ESTA denied", "subject_name": "Lukas"}, format="json"
    )
    assert response.status_code == 201
    case_id = response.json()["id"]
    response = api.post(
        reverse("api:proceeding_create", args=[case_id]),
        {"regime": "us-foia", "request_type": "access", "agency": "cbp"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    proceeding_id = response.json()["id"]
    response = api.post(
        reverse("api:event_create", args=[proceeding_id]),
        {"kind": "filed", "occurred_on": days_ago(3).isoformat()},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status_after"] == "filed"
    detail = api.get(reverse("api:proceeding_detail", args=[proceeding_id])).json()
    assert detail["status"] == "filed" and len(detail["events"]) == 1


def test_api_refusals_are_clear_and_change_nothing(api, user):
    proceeding = ProceedingFactory(case__owner=user)
    response = api.post(
        reverse("api:event_create", args=[proceeding.pk]),
        {"kind": "appeal_decided", "occurred_on": days_ago(1).isoformat(), "outcome": "granted"},
        format="json",
    )
    assert response.status_code == 400
    assert "after an appeal was filed" in str(response.json())
    response = api.post(
        reverse("api:proceeding_create", args=[proceeding.case_id]),
        {"regime": "nope", "request_type": "access", "agency": "cbp"},
        format="json",
    )
    assert response.status_code == 400 and "regime" in response.json()
    assert proceeding.events.count() == 0


def test_api_hides_other_users_cases(api, other_user):
    case = CaseFactory(owner=other_user)
    proceeding = ProceedingFactory(case=case)
    assert api.get(reverse("api:case_detail", args=[case.pk])).status_code == 404
    assert api.get(reverse("api:proceeding_detail", args=[proceeding.pk])).status_code == 404
    response = api.post(
        reverse("api:event_create", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": days_ago(1).isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert api.get(reverse("api:cases")).json()["count"] == 0
    assert Case.objects.count() == 1
