import time

import pytest
from django.urls import reverse

from dsar.cases.models import Case, Proceeding
from tests.factories import AgencyFactory, RegimeFactory

pytestmark = pytest.mark.django_db


def batch(n: int) -> list[dict]:
    return [
        {
            "title": f"Imported matter {i}",
            "subject_name": f"Client {i}",
            "subject_nationality": "MX",
            "subject_a_number": f"A{i:09d}",
            "proceedings": [
                {"regime": "us-foia", "request_type": "access", "agency": "cbp"},
                {
                    "regime": "us-foia",
                    "request_type": "amendment",
                    "agency": "cbp",
                    "calendar_country": "us",
                },
            ],
        }
        for i in range(n)
    ]


def test_a_thousand_cases_with_their_proceedings_are_created_together(api, user):
    RegimeFactory()
    AgencyFactory()
    started = time.perf_counter()
    response = api.post(reverse("api:case-import"), {"cases": batch(1000)}, format="json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 1000 and len(body["cases"]) == 1000
    assert all(len(c["proceedings"]) == 2 for c in body["cases"])
    assert Case.objects.filter(owner=user).count() == 1000
    assert Proceeding.objects.filter(case__owner=user).count() == 2000
    case = Case.objects.get(pk=body["cases"][7]["id"])
    assert case.subject_a_number == "A000000007" and case.title == "Imported matter 7"
    print(f"imported 1,000 cases and 2,000 proceedings in {elapsed:.2f} s")


def test_one_bad_item_refuses_the_whole_batch_and_writes_nothing(api, user):
    RegimeFactory()
    AgencyFactory()
    items = batch(50)
    items[3]["subject_nationality"] = "ZZ"
    items[17]["proceedings"][1]["agency"] = "no-such-agency"
    response = api.post(reverse("api:case-import"), {"cases": items}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"cases.3.subject_nationality", "cases.17.proceedings.1.agency"}
    assert "2 of 50 cases" in response.json()["detail"]
    assert Case.objects.count() == 0 and Proceeding.objects.count() == 0


def test_a_malformed_batch_is_refused_with_per_item_errors(api):
    items = batch(3)
    items[1]["title"] = "x" * 500
    del items[2]["subject_name"]
    response = api.post(reverse("api:case-import"), {"cases": items}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"cases.1.title", "cases.2.subject_name"}
    assert Case.objects.count() == 0


def test_a_batch_over_the_limit_is_refused(api):
    response = api.post(reverse("api:case-import"), {"cases": batch(1001)}, format="json")
    assert response.status_code == 400 and "cases" in response.json()["errors"]
    assert Case.objects.count() == 0
