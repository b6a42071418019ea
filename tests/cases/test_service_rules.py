"""Every domain rule is enforced by the service itself, whoever calls it (page, API, command):
each test calls the service directly with an input that only a form used to catch."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dsar.cases import services
from dsar.cases.models import Case, Event, Proceeding, ProceedingStatus
from dsar.core.exceptions import ApplicationError, ConflictError
from dsar.letters.models import Document
from tests.factories import AgencyFactory, CaseFactory, ProceedingFactory, RegimeFactory, days_ago

pytestmark = pytest.mark.django_db

TOMORROW = datetime.date.today() + datetime.timedelta(days=2)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("subject_nationality", "ZZ", "two-letter ISO country code"),
        ("subject_nationality", "Mexico", "two-letter ISO country code"),
        ("subject_residence", "XX", "two-letter ISO country code"),
        ("decision_date", TOMORROW, "cannot be in the future"),
        ("subject_date_of_birth", TOMORROW.isoformat(), "cannot be in the future"),
        ("subject_date_of_birth", "31/02/1990", "valid date"),
        ("subject_email", "not-an-address", "valid e-mail"),
        ("subject_us_status", "martian", "valid US status"),
    ],
)
def test_case_create_refuses_bad_fields_on_their_field(user, field, value, message):
    with pytest.raises(ApplicationError, match=message) as refused:
        services.case_create(user=user, title="ESTA", subject_name="Ana", **{field: value})
    assert field in refused.value.errors
    assert Case.objects.count() == 0


def test_case_create_reports_every_bad_field_at_once(user):
    with pytest.raises(ApplicationError) as refused:
        services.case_create(
            user=user,
            title="ESTA",
            subject_name="Ana",
            subject_nationality="ZZ",
            decision_date=TOMORROW,
        )
    assert set(refused.value.errors) == {"subject_nationality", "decision_date"}


def test_case_update_refuses_a_bad_country_and_keeps_the_case(user):
    case = CaseFactory(owner=user, subject_nationality="MX")
    with pytest.raises(ApplicationError, match="country code"):
        services.case_update(user=user, case=case, subject_nationality="ZZ")
    case.refresh_from_db()
    assert case.subject_nationality == "MX"


def test_case_fields_are_normalised(user):
    case = services.case_create(
        user=user,
        title="ESTA",
        subject_name="Ana",
        subject_nationality=" mx ",
        subject_date_of_birth=datetime.date(1990, 2, 3),
    )
    case.refresh_from_db()
    assert case.subject_nationality == "MX"
    assert case.subject_date_of_birth == "1990-02-03"


def test_closing_a_closed_case_is_a_conflict(user):
    case = CaseFactory(owner=user)
    services.case_close(user=user, case=case)
    with pytest.raises(ConflictError):
        services.case_close(user=user, case=case)


def test_proceeding_calendar_country_is_checked(user):
    case = CaseFactory(owner=user)
    with pytest.raises(ApplicationError, match="country code") as refused:
        services.proceeding_create(
            user=user,
            case=case,
            regime=RegimeFactory(),
            agency=AgencyFactory(),
            request_type="access",
            calendar_country="ZZ",
        )
    assert "calendar_country" in refused.value.errors
    assert Proceeding.objects.count() == 0
    proceeding = services.proceeding_create(
        user=user,
        case=case,
        regime=RegimeFactory(),
        agency=AgencyFactory(),
        request_type="access",
        calendar_country="eu",
    )
    assert proceeding.calendar_country == "EU"


def test_proceeding_create_warns_when_the_subject_is_not_eligible(user):
    privacy_act = RegimeFactory(code="us-privacy-act", name="US Privacy Act")
    foreigner = CaseFactory(owner=user, subject_nationality="MX", subject_us_status="none")
    citizen = CaseFactory(owner=user, subject_nationality="US", subject_us_status="citizen")
    warned = services.proceeding_create(
        user=user, case=foreigner, regime=privacy_act, agency=AgencyFactory(), request_type="access"
    )
    assert warned.warnings and "may not be eligible" in warned.warnings[0]
    fine = services.proceeding_create(
        user=user, case=citizen, regime=privacy_act, agency=AgencyFactory(), request_type="access"
    )
    assert fine.warnings == []


def test_event_channel_must_be_known(user):
    proceeding = ProceedingFactory(case__owner=user)
    with pytest.raises(ApplicationError, match="channel") as refused:
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="filed",
            occurred_on=days_ago(1),
            channel="carrier-pigeon",
        )
    assert "channel" in refused.value.errors
    assert Event.objects.count() == 0


def test_event_outcome_must_be_known(user):
    proceeding = ProceedingFactory(case__owner=user, status=ProceedingStatus.FILED)
    with pytest.raises(ApplicationError, match="outcome"):
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="determination",
            occurred_on=days_ago(1),
            outcome="sort-of",
        )
    assert Event.objects.count() == 0


def test_event_date_cannot_be_in_the_future(user):
    proceeding = ProceedingFactory(case__owner=user)
    with pytest.raises(ApplicationError, match="future"):
        services.proceeding_record_event(
            user=user, proceeding=proceeding, kind="filed", occurred_on=TOMORROW
        )
    assert Event.objects.count() == 0


def test_a_transition_the_state_machine_refuses_is_a_conflict(user):
    proceeding = ProceedingFactory(case__owner=user)
    with pytest.raises(ConflictError, match="after an appeal was filed"):
        services.proceeding_record_event(
            user=user,
            proceeding=proceeding,
            kind="appeal_decided",
            occurred_on=days_ago(1),
            outcome="granted",
        )
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.DRAFT and Event.objects.count() == 0


@pytest.mark.parametrize(
    "content,message",
    [(b"", "empty"), (b"MZ\x90\x00\x03" + bytes(range(256)) * 4, "not accepted")],
)
def test_document_upload_checks_the_content(user, content, message):
    case = CaseFactory(owner=user)
    upload = SimpleUploadedFile("letter.pdf", content)
    with pytest.raises(ApplicationError, match=message):
        services.document_upload(user=user, case=case, upload=upload)
    assert Document.objects.count() == 0


def test_document_upload_refuses_a_proceeding_of_another_case(user):
    case = CaseFactory(owner=user)
    elsewhere = ProceedingFactory(case__owner=user)
    upload = SimpleUploadedFile("note.txt", b"hello")
    with pytest.raises(ApplicationError, match="same case"):
        services.document_upload(user=user, case=case, proceeding=elsewhere, upload=upload)
    assert Document.objects.count() == 0


def test_cases_import_checks_every_item_and_writes_all_or_nothing(user):
    RegimeFactory()
    AgencyFactory()
    good = {
        "title": "Imported",
        "subject_name": "Ana",
        "proceedings": [{"regime": "us-foia", "request_type": "access", "agency": "cbp"}],
    }
    bad_country = {**good, "subject_nationality": "ZZ"}
    bad_proceeding = {**good, "proceedings": [{"regime": "us-foia", "request_type": "appeal"}]}
    with pytest.raises(ApplicationError) as refused:
        services.cases_import(user=user, cases=[good, bad_country, bad_proceeding])
    assert set(refused.value.errors) == {
        "cases.1.subject_nationality",
        "cases.2.proceedings.0.agency",
        "cases.2.proceedings.0.request_type",
    }
    assert Case.objects.count() == 0 and Proceeding.objects.count() == 0
    created, warnings = services.cases_import(user=user, cases=[good, good])
    assert [c.owner_id for c in created] == [user.pk, user.pk] and warnings == {}
    assert Proceeding.objects.filter(case__in=created, status=ProceedingStatus.DRAFT).count() == 2
