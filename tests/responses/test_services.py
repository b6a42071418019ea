"""Reading an uploaded agency letter: nothing is recorded until the person confirms; confirming
records the event through the same service (state machine, clocks) with the letter attached."""

import io
import shutil
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dsar.cases import services as case_services
from dsar.cases.models import Event, EventKind, ProceedingStatus
from dsar.core import chaos
from dsar.core.exceptions import ApplicationError
from dsar.core.work import work_claim, work_select, work_sweep
from dsar.letters.context import proceeding_facts
from dsar.responses import services
from dsar.responses.evaluation import Letter, letter_html
from dsar.responses.models import READING, ResponseReading
from tests.conftest import require_service
from tests.factories import MembershipFactory, ProceedingFactory

pytestmark = pytest.mark.django_db

real_read_document = services._read_document


def ago(seconds: int):
    return timezone.now() - timedelta(seconds=seconds)


DETERMINATION = """U.S. Customs and Border Protection
FOIA Division

November 3, 2026

Re: CBP-2026-081442

Dear Ms. Torres:

This is the final response to your FOIA request. 9 pages are released in full and 5 pages are
released in part. Portions have been withheld under Exemptions 6 and 7(C), 5 U.S.C. 552(b)(6)
and (b)(7)(C).

You may appeal this determination within 90 working days of the date of this letter.
"""


@pytest.fixture(autouse=True)
def tools():
    require_service("tesseract", bool(shutil.which("tesseract")))
    require_service("poppler-utils", bool(shutil.which("pdftotext")))


def pdf_of(text: str) -> bytes:
    from weasyprint import HTML

    letter = Letter("t", "tune", "en", "cbp", "pdf", text, {})
    return HTML(string=letter_html(letter)).write_pdf()


def upload(content: bytes, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def filed(db):
    proceeding = ProceedingFactory()
    case_services.proceeding_record_event(
        user=proceeding.case.owner,
        proceeding=proceeding,
        kind=EventKind.FILED,
        occurred_on=date(2026, 9, 2),
    )
    proceeding.refresh_from_db()
    return proceeding


def start(proceeding, content, name="letter.pdf"):
    return services.response_reading_start(
        user=proceeding.case.owner, proceeding=proceeding, upload=upload(content, name)
    )


def test_reading_proposes_and_records_nothing_until_confirmed(
    filed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(filed, pdf_of(DETERMINATION))
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.READY
    result = services.reading_result(reading)
    assert result.event_kind == "determination"
    assert result.outcome == "partial"
    assert result.tracking_numbers == ["CBP-2026-081442"]
    assert sorted(result.exemptions) == ["(b)(6)", "(b)(7)(C)"]
    assert result.letter_date == date(2026, 11, 3)
    assert (result.appeal_days, result.appeal_unit) == (90, "working")
    assert Event.objects.filter(proceeding=filed).count() == 1  # only the filing
    filed.refresh_from_db()
    assert filed.status == ProceedingStatus.FILED


def test_confirming_records_the_event_with_the_letter_and_prefills_the_appeal(
    filed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(filed, pdf_of(DETERMINATION))
    reading.refresh_from_db()
    event = services.response_reading_confirm(
        user=filed.case.owner,
        reading=reading,
        kind="determination",
        occurred_on=date(2026, 11, 3),
        tracking_number="CBP-2026-081442",
        outcome="partial",
        exemptions="(b)(6), (b)(7)(C)",
    )
    filed.refresh_from_db()
    assert filed.status == ProceedingStatus.DETERMINED
    assert reading.document.__class__.objects.get(pk=reading.document_id).event_id == event.pk
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.CONFIRMED
    assert filed.clocks.filter(code__contains="appeal").exists()
    facts = proceeding_facts(filed)
    assert facts["determination"].exemptions == "(b)(6), (b)(7)(C)"
    with pytest.raises(ApplicationError, match="already recorded"):
        services.response_reading_confirm(
            user=filed.case.owner,
            reading=reading,
            kind="determination",
            occurred_on=date(2026, 11, 3),
            outcome="partial",
        )


def test_the_state_machine_still_applies_on_confirmation(filed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(filed, pdf_of(DETERMINATION))
    with pytest.raises(ApplicationError):
        services.response_reading_confirm(
            user=filed.case.owner,
            reading=reading,
            kind="appeal_decided",
            occurred_on=date(2026, 11, 3),
            outcome="denied",
        )
    assert Event.objects.filter(proceeding=filed).count() == 1


def blank_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (1200, 1600), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(DETERMINATION))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pages_pdf(pages: int) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f"<p style='page-break-after: always'>Released record page {n}.</p>" for n in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


@pytest.mark.parametrize(
    ("content", "name", "code", "message"),
    [
        (encrypted_pdf, "locked.pdf", "encrypted", "protected by a password"),
        (lambda: _pages_pdf(40), "records.pdf", "too_long", "40 pages"),
        (blank_png, "photo.png", "no_text", "No text could be found"),
    ],
)
def test_unreadable_letters_fail_with_a_clear_message_and_no_suggestion(
    filed, django_capture_on_commit_callbacks, content, name, code, message
):
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(filed, content(), name)
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.FAILED
    assert reading.error_code == code
    assert message in reading.error
    assert reading.result == ""
    with pytest.raises(ApplicationError):
        services.response_reading_confirm(
            user=filed.case.owner,
            reading=reading,
            kind="determination",
            occurred_on=date(2026, 11, 3),
            outcome="partial",
        )


def test_an_empty_file_or_a_wrong_type_is_refused_and_nothing_is_stored(filed):
    with pytest.raises(ApplicationError, match="empty"):
        start(filed, b"", "empty.pdf")
    with pytest.raises(ApplicationError, match="PDF files and JPEG or PNG"):
        start(filed, b"just some text, not a letter file", "notes.txt")
    assert ResponseReading.objects.count() == 0
    assert filed.documents.count() == 0


def test_a_claimed_reading_is_not_read_twice_and_a_dead_workers_claim_expires(filed):
    reading = start(filed, pdf_of(DETERMINATION))  # on_commit not run: the message is "lost"
    lease = work_claim(kind=READING, pk=reading.pk, lease=services.LEASE_SECONDS)
    assert lease is not None
    assert services.response_reading_run(reading_id=reading.pk) == "skipped"  # a live claim
    assert work_select(kind=READING) == []
    ResponseReading.objects.filter(pk=reading.pk).update(lease_until=ago(1))  # worker died
    assert work_sweep()["reading"] == 1  # eager in tests: the sweep reads it now
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.READY
    assert reading.attempts == 2
    assert reading.lease_until is None
    assert services.response_reading_run(reading_id=reading.pk) == "skipped"  # read once


def test_a_lost_message_is_found_by_the_sweep(filed):
    reading = start(filed, pdf_of(DETERMINATION))  # never enqueued: on_commit not run
    assert work_sweep()["reading"] == 0  # too fresh to be called lost
    ResponseReading.objects.filter(pk=reading.pk).update(enqueued_at=ago(3600))
    assert work_sweep()["reading"] == 1
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.READY


def test_a_reading_whose_lease_was_taken_over_stores_nothing(filed, monkeypatch):
    reading = start(filed, pdf_of(DETERMINATION))
    real = services._read_document

    def slow_read(document, agency_code):
        result = real(document, agency_code)
        # While this worker was reading, its lease ran out and another worker claimed the row.
        ResponseReading.objects.filter(pk=reading.pk).update(
            lease_until=timezone.now() + timedelta(minutes=5)
        )
        return result

    monkeypatch.setattr(services, "_read_document", slow_read)
    assert services.response_reading_run(reading_id=reading.pk) == "skipped"
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.READING and reading.result == ""


def test_a_crash_puts_the_reading_back_then_fails_visibly_with_a_way_forward(
    filed, monkeypatch, client, django_capture_on_commit_callbacks
):
    reading = start(filed, pdf_of(DETERMINATION))

    def crash(document, agency_code):
        raise OSError("tesseract was killed")

    monkeypatch.setattr(services, "_read_document", crash)
    for attempt in range(1, services.MAX_ATTEMPTS):
        assert services.response_reading_run(reading_id=reading.pk) == "pending"
        reading.refresh_from_db()
        assert reading.status == ResponseReading.Status.PENDING and reading.not_before
        assert reading.attempts == attempt
        ResponseReading.objects.filter(pk=reading.pk).update(not_before=None)
    assert services.response_reading_run(reading_id=reading.pk) == "failed"
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.FAILED
    assert reading.error_code == "error" and "tesseract was killed" in reading.error
    assert work_sweep()["reading"] == 0  # a failure waits for the person, not the sweep

    client.force_login(filed.case.owner)
    page = client.get(reverse("responses:reading", args=[reading.pk])).content.decode()
    assert "Reading this letter failed" in page and "Try again" in page
    monkeypatch.setattr(services, "_read_document", real_read_document)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("responses:reading_retry", args=[reading.pk]))
    assert response.status_code == 302
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.READY
    assert reading.attempts == 1 and reading.error == "" and reading.error_code == ""


def test_a_letter_that_keeps_killing_its_worker_fails_visibly(filed):
    reading = start(filed, pdf_of(DETERMINATION))
    ResponseReading.objects.filter(pk=reading.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.response_reading_run(reading_id=reading.pk) == "failed"
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.FAILED
    assert "interrupted" in reading.error and reading.error_code == "error"


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_letter_is_stored_and_read_once_the_broker_is_back(filed):
    """No Redis listens on the port: the upload answers normally and the reading waits."""
    with chaos.use_broker(f"redis://127.0.0.1:{chaos.free_port()}/0"):
        reading = start(filed, pdf_of(DETERMINATION))
    reading.refresh_from_db()
    assert reading.status == ResponseReading.Status.PENDING
    assert reading.enqueued_at is None  # never published: the first sweep takes it
    assert work_sweep()["reading"] == 1
    assert ResponseReading.objects.get(pk=reading.pk).status == ResponseReading.Status.READY


def test_viewers_and_strangers_cannot_read_or_confirm(
    filed, client, other_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(filed, pdf_of(DETERMINATION))
    client.force_login(other_user)
    assert client.get(reverse("responses:reading", args=[reading.pk])).status_code == 404
    response = client.post(
        reverse("responses:reading_confirm", args=[reading.pk]),
        {"kind": "determination", "occurred_on": "2026-11-03", "outcome": "partial"},
    )
    assert response.status_code == 404
    org_viewer = MembershipFactory(role="viewer")
    filed.case.organization = org_viewer.organization
    filed.case.save()
    client.force_login(org_viewer.user)
    page = client.get(reverse("responses:reading", args=[reading.pk]))
    assert page.status_code == 200 and b"Confirm and record" not in page.content
    with pytest.raises(ApplicationError):
        services.response_reading_confirm(
            user=org_viewer.user,
            reading=reading,
            kind="determination",
            occurred_on=date(2026, 11, 3),
            outcome="partial",
        )
    upload_url = reverse("responses:reading_start", args=[filed.pk])
    assert client.post(upload_url, {"file": upload(pdf_of(DETERMINATION))}).status_code == 403
    assert Event.objects.filter(proceeding=filed).count() == 1


def test_the_pages_upload_show_evidence_and_confirm(
    filed, client, django_capture_on_commit_callbacks
):
    client.force_login(filed.case.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("responses:reading_start", args=[filed.pk]),
            {"file": upload(pdf_of(DETERMINATION))},
        )
    reading = ResponseReading.objects.get()
    assert response.status_code == 302 and response["Location"] == reading.get_absolute_url()
    page = client.get(reading.get_absolute_url()).content.decode()
    assert '<mark class="evidence evidence-tracking_numbers"' in page
    assert "CBP-2026-081442" in page and "(b)(7)(C)" in page
    assert 'value="2026-11-03"' in page  # the date input is prefilled from the letter
    response = client.post(
        reverse("responses:reading_confirm", args=[reading.pk]),
        {
            "kind": "determination",
            "occurred_on": "2026-11-03",
            "outcome": "partial",
            "tracking_number": "CBP-2026-081442",
            "exemptions": "(b)(6), (b)(7)(C)",
        },
    )
    assert response.status_code == 302
    assert Event.objects.filter(proceeding=filed, kind="determination").count() == 1


def test_read_response_command_prints_the_documented_json(tmp_path, capsys):
    import json

    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf_of(DETERMINATION))
    call_command("read_response", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    for key in (
        "event_kind",
        "outcome",
        "tracking_numbers",
        "letter_date",
        "exemptions",
        "appeal_days",
        "appeal_unit",
        "confidence",
        "evidence",
    ):
        assert key in data
    assert data["event_kind"] == "determination"
    assert data["appeal_unit"] == "working"
    assert data["letter_date"] == "2026-11-03"


def test_read_response_command_refuses_bad_files(tmp_path):
    from django.core.management.base import CommandError

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("read_response", str(empty), "--json")
    with pytest.raises(CommandError, match="No such file"):
        call_command("read_response", str(tmp_path / "missing.pdf"))


def test_the_appeal_letter_contests_the_exemptions_read_from_the_letter(
    user, django_capture_on_commit_callbacks
):
    from dsar.letters import registry
    from dsar.letters import services as letter_services
    from tests.letters.conftest import pdf_text
    from tests.letters.factories import make_proceeding, sample_inputs

    proceeding = make_proceeding(user)  # filed and acknowledged, awaiting the determination
    letter_date = timezone.localdate() - timedelta(days=3)
    text = DETERMINATION.replace("November 3, 2026", letter_date.strftime("%B %-d, %Y"))
    with django_capture_on_commit_callbacks(execute=True):
        reading = start(proceeding, pdf_of(text))
    reading.refresh_from_db()
    result = services.reading_result(reading)
    services.response_reading_confirm(
        user=user,
        reading=reading,
        kind=result.event_kind,
        occurred_on=result.letter_date,
        tracking_number=", ".join(result.tracking_numbers),
        outcome=result.outcome,
        exemptions=", ".join(result.exemptions),
    )
    proceeding.refresh_from_db()
    spec = registry.letter_spec("foia-appeal")
    request = letter_services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code="foia-appeal",
        language="en",
        inputs=sample_inputs(spec),
    )
    request = letter_services.letter_request_render(letter_request_id=request.pk)
    assert request.status == "ready", request.error
    body = pdf_text(io.BytesIO(request.document.read_content()))
    assert "(b)(6), (b)(7)(C)" in body
    assert "CBP-2026-081442" in body
    assert letter_date.strftime("%B %-d, %Y") in body
