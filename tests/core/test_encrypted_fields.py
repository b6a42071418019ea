"""Encrypted fields keep the field API: lengths and choices are still validated by forms, the API
and full_clean, although the column holds longer ciphertext."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from dsar.cases.forms import CaseForm
from dsar.cases.models import Case
from tests.factories import CaseFactory


def test_case_form_validates_lengths_and_choices_of_encrypted_fields(db, user):
    form = CaseForm(
        data={
            "title": "x" * 201,
            "subject_name": "Ana",
            "subject_us_status": "martian",
            "decision_references": "r" * 301,
        },
        user=user,
    )
    assert not form.is_valid()
    assert "at most 200 characters" in form.errors["title"][0]
    assert "at most 300 characters" in form.errors["decision_references"][0]
    assert "Select a valid choice" in form.errors["subject_us_status"][0]
    assert 'maxlength="200"' in str(form["title"])
    assert "<select" in str(form["subject_us_status"])
    assert "<textarea" not in str(form["subject_name"])


def test_full_clean_checks_the_length_of_encrypted_fields(db, user):
    case = CaseFactory.build(owner=user, subject_nationality="MEX")
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "subject_nationality" in exc.value.message_dict


def test_encrypted_choices_still_display(db, user):
    case = CaseFactory(owner=user, subject_us_status="lpr")
    case = Case.objects.get(pk=case.pk)
    assert case.get_subject_us_status_display() == "US lawful permanent resident"


def test_api_refuses_a_title_longer_than_its_limit(db, user):
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        reverse("api:case-list"),
        {"title": "t" * 201, "subject_name": "Ana", "subject_us_status": "none"},
        format="json",
    )
    assert response.status_code == 400 and "title" in response.json()["errors"]
    response = api.post(
        reverse("api:case-list"),
        {"title": "Matter", "subject_name": "Ana", "subject_us_status": "alien"},
        format="json",
    )
    assert response.status_code == 400 and "subject_us_status" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_the_database_is_never_asked_to_compare_encrypted_values(db, user):
    from django.core.exceptions import FieldError

    CaseFactory(owner=user, notes="")
    assert Case.objects.filter(notes="").count() == 1  # empty stays empty
    with pytest.raises(ValueError, match="encrypted"):
        Case.objects.filter(subject_name="Ana María Pérez").count()
    with pytest.raises(FieldError):
        Case.objects.filter(subject_name__icontains="Ana").count()


def test_services_enforce_lengths_the_text_columns_no_longer_do(db, user):
    from dsar.cases import services
    from dsar.core.exceptions import ApplicationError
    from tests.factories import ProceedingFactory, days_ago

    with pytest.raises(ApplicationError, match="at most 200 characters") as exc:
        services.case_create(user=user, title="t" * 201, subject_name="Ana")
    assert exc.value.field == "title"
    with pytest.raises(ApplicationError, match="at most 2 characters"):
        services.case_create(user=user, title="Matter", subject_name="Ana", subject_residence="MEX")
    proceeding = ProceedingFactory(case__owner=user)
    with pytest.raises(ApplicationError, match="at most 100 characters"):
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="filed",
            occurred_on=days_ago(1),
            tracking_number="9" * 101,
        )
    with pytest.raises(ApplicationError, match="at most 200 characters"):
        services.proceeding_update(user=user, proceeding=proceeding, title="p" * 201)
    assert Case.objects.count() == 1 and proceeding.events.count() == 0
