import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dsar.cases import services
from dsar.cases.models import Case, Event, ProceedingStatus
from dsar.cases.selectors import visible_cases
from dsar.core.exceptions import ApplicationError
from dsar.letters.models import Document
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    ProceedingFactory,
    RegimeFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def record(proceeding, kind, when, **kwargs):
    return services.proceeding_record_event(
        user=proceeding.case.owner, proceeding=proceeding, kind=kind, occurred_on=when, **kwargs
    )


def test_case_create_requires_title_and_subject(user):
    with pytest.raises(ApplicationError, match="title"):
        services.case_create(user=user, title="  ", subject_name="Ana")
    with pytest.raises(ApplicationError, match="name of the person"):
        services.case_create(user=user, title="ESTA denied", subject_name="")
    assert Case.objects.count() == 0


def test_identity_data_is_encrypted_at_rest(user):
    case = services.case_create(
        user=user,
        title="A-file",
        subject_name="Ana",
        subject_a_number="A123456789",
        subject_date_of_birth="1990-02-03",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_a_number, subject_date_of_birth FROM cases_case WHERE id = %s",
            [case.pk],
        )
        raw_a_number, raw_dob = cursor.fetchone()
    assert "A123456789" not in raw_a_number and raw_a_number.startswith("fernet:")
    assert "1990" not in raw_dob
    case.refresh_from_db()
    assert case.subject_a_number == "A123456789"


def test_close_and_reopen(user):
    case = CaseFactory(owner=user)
    services.case_close(user=user, case=case)
    assert case.status == Case.Status.CLOSED and case.closed_at
    with pytest.raises(ApplicationError):
        services.case_close(user=user, case=case)
    services.case_reopen(user=user, case=case)
    assert case.status == Case.Status.OPEN and case.closed_at is None


def test_proceeding_on_a_closed_case_is_refused(user):
    case = CaseFactory(owner=user, status=Case.Status.CLOSED)
    with pytest.raises(ApplicationError, match="Reopen"):
        services.proceeding_create(
            user=user,
            case=case,
            regime=RegimeFactory(),
            request_type="access",
            agency=AgencyFactory(),
        )


def test_appeal_must_link_to_a_proceeding_of_the_same_case(user):
    case = CaseFactory(owner=user)
    other = ProceedingFactory()
    with pytest.raises(ApplicationError, match="same case"):
        services.proceeding_create(
            user=user,
            case=case,
            regime=RegimeFactory(),
            request_type="appeal",
            agency=AgencyFactory(),
            parent=other,
        )
    with pytest.raises(ApplicationError, match="linked"):
        services.proceeding_create(
            user=user,
            case=case,
            regime=RegimeFactory(),
            request_type="appeal",
            agency=AgencyFactory(),
        )


def test_events_drive_the_status_and_keep_tracking_numbers(user):
    proceeding = ProceedingFactory(case__owner=user)
    record(proceeding, "filed", days_ago(30), channel="portal")
    record(proceeding, "acknowledged", days_ago(28), tracking_number="CBP-2026-001234")
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.IN_PROGRESS
    assert proceeding.tracking_numbers == "CBP-2026-001234"
    record(proceeding, "determination", days_ago(2), outcome="denied", exemptions="(b)(7)(E)")
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.DETERMINED
    assert proceeding.outcome == "denied"
    assert proceeding.is_open


def test_refused_event_changes_nothing(user):
    proceeding = ProceedingFactory(case__owner=user)
    record(proceeding, "filed", days_ago(10))
    with pytest.raises(ApplicationError, match="after an appeal was filed"):
        record(proceeding, "appeal_decided", days_ago(1), outcome="granted")
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.FILED
    assert Event.objects.filter(proceeding=proceeding).count() == 1


def test_event_dates_must_be_plausible(user):
    proceeding = ProceedingFactory(case__owner=user)
    with pytest.raises(ApplicationError, match="future"):
        record(proceeding, "filed", datetime.date.today() + datetime.timedelta(days=2))
    record(proceeding, "filed", days_ago(10))
    with pytest.raises(ApplicationError, match="before the request was filed"):
        record(proceeding, "acknowledged", days_ago(11))
    record(proceeding, "info_requested", days_ago(5))
    with pytest.raises(ApplicationError, match="before"):
        record(proceeding, "info_provided", days_ago(6))
    assert proceeding.events.count() == 2


def test_withdrawal_closes_the_proceeding(user):
    proceeding = ProceedingFactory(case__owner=user)
    record(proceeding, "filed", days_ago(3))
    record(proceeding, "withdrawn", days_ago(1))
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.WITHDRAWN
    assert not proceeding.is_open


def test_events_on_a_closed_case_are_refused(user):
    proceeding = ProceedingFactory(case__owner=user)
    services.case_close(user=user, case=proceeding.case)
    with pytest.raises(ApplicationError, match="closed"):
        record(proceeding, "filed", days_ago(1))


def test_event_documents_are_stored_with_their_hash(user):
    proceeding = ProceedingFactory(case__owner=user)
    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    event = record(proceeding, "filed", days_ago(1), uploads=[upload])
    document = Document.objects.get(event=event)
    assert document.content_type == "application/pdf"
    assert len(document.sha256) == 64 and document.size == len(PDF)


def test_upload_type_is_checked_by_content_not_name(user):
    proceeding = ProceedingFactory(case__owner=user)
    fake = SimpleUploadedFile("records.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff\x00\x00")
    with pytest.raises(ApplicationError, match="not accepted"):
        record(proceeding, "filed", days_ago(1), uploads=[fake])
    assert proceeding.events.count() == 0 and Document.objects.count() == 0


def test_upload_size_limit(user, settings):
    settings.DSAR_UPLOAD_MAX_BYTES = 100
    case = CaseFactory(owner=user)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    with pytest.raises(ApplicationError, match="too large"):
        services.document_upload(user=user, case=case, upload=big)


def test_cases_shared_with_an_organization_are_visible_to_its_members(user, other_user):
    membership = MembershipFactory(user=user)
    MembershipFactory(user=other_user, organization=membership.organization)
    case = services.case_create(
        user=user, title="Shared", subject_name="Ana", organization=membership.organization
    )
    assert list(visible_cases(other_user)) == [case]
    outsider = MembershipFactory().user
    assert list(visible_cases(outsider)) == []


def test_sharing_with_an_organization_you_do_not_belong_to_is_refused(user):
    organization = MembershipFactory().organization
    with pytest.raises(ApplicationError, match="not a member"):
        services.case_create(user=user, title="x", subject_name="y", organization=organization)
