"""Writes for reading agency letters: upload and queue, read once (OCR where needed), and record
the event only when the person confirms what was read."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.cases.models import Event, Proceeding
from dsar.cases.selectors import case_can_edit
from dsar.cases.services import document_upload, proceeding_record_event
from dsar.core.exceptions import ApplicationError
from dsar.core.uploads import check_upload
from dsar.core.work import (
    work_claim,
    work_enqueue_on_commit,
    work_fail,
    work_mine,
    work_release,
    work_retry,
)
from dsar.letters.models import Document

from .extract import Reading, normalize_text, read_text
from .models import READING, ResponseReading
from .text import UnreadableLetter, letter_text

log = logging.getLogger(__name__)

READABLE_TYPES = ("application/pdf", "image/jpeg", "image/png")
# The claim's lease: longer than the task's hard time limit (240 s), so a slow, live OCR is never
# taken over by a second worker; a worker that dies frees the row when the lease runs out.
LEASE_SECONDS = 300
# A reading that kills its worker (or fails on a transient error) this many times is shown as
# failed, with a "try again" button, instead of looping for ever.
MAX_ATTEMPTS = 3


def _check_can_edit(*, user, proceeding: Proceeding) -> None:
    if not case_can_edit(user=user, case=proceeding.case):
        raise ApplicationError(_("You can read this case but not change it."))


@transaction.atomic
def response_reading_start(
    *, user, proceeding: Proceeding, upload: UploadedFile
) -> ResponseReading:
    """Store the agency's letter on the proceeding and queue it to be read."""
    _check_can_edit(user=user, proceeding=proceeding)
    if proceeding.case.status != "open":
        raise ApplicationError(_("This case is closed. Reopen it to record new events."))
    try:
        content_type = check_upload(upload).content_type
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="file") from exc
    if content_type not in READABLE_TYPES:
        raise ApplicationError(
            _("Only PDF files and JPEG or PNG photos of a letter can be read."), field="file"
        )
    document = document_upload(
        user=user,
        case=proceeding.case,
        proceeding=proceeding,
        upload=upload,
        title=_("Agency letter: %(name)s") % {"name": (upload.name or "letter")[:150]},
    )
    reading = ResponseReading.objects.create(
        proceeding=proceeding, document=document, created_by=user, enqueued_at=timezone.now()
    )
    work_enqueue_on_commit(kind=READING, ids=[reading.pk])
    return reading


def _read_document(document: Document, agency_code: str) -> tuple[Reading, str, int, bool, float]:
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        document.content_type, ""
    )
    with tempfile.TemporaryDirectory(prefix="dsar-read-") as tmp:
        path = Path(tmp) / f"letter{suffix}"
        path.write_bytes(document.read_content())  # decrypted; the copy dies with the folder
        letter = letter_text(path, document.content_type)
    # The evidence's offsets are into the normalized text, so that is the text kept.
    text = normalize_text(letter.text)
    return read_text(text, agency=agency_code), text, letter.pages, letter.ocr, letter.seconds


def response_reading_run(*, reading_id: int) -> str:
    """Read one letter. Safe to run twice: the row is claimed with a lease (``dsar.core.work``)
    and the result stored only while the claim is still ours; the OCR runs outside any
    transaction, so it holds no lock while it works."""
    lease = work_claim(kind=READING, pk=reading_id, lease=LEASE_SECONDS)
    if lease is None:  # read, failed, backing off, or another live worker has it
        return "skipped"
    reading = ResponseReading.objects.select_related("document", "proceeding__agency").get(
        pk=reading_id
    )
    if reading.attempts > MAX_ATTEMPTS:
        # A letter that kills its worker every time must not loop for ever.
        message = _("Reading this letter was interrupted %(n)s times.") % {"n": MAX_ATTEMPTS}
        work_fail(
            kind=READING, pk=reading_id, lease=lease, error=message, fields={"error_code": "error"}
        )
        return ResponseReading.Status.FAILED
    try:
        result, text, pages, ocr, seconds = _read_document(
            reading.document, reading.proceeding.agency.code
        )
    except UnreadableLetter as exc:
        # The letter itself cannot be read: no point in trying again.
        work_fail(
            kind=READING,
            pk=reading_id,
            lease=lease,
            error=exc.message,
            fields={"error_code": exc.code},
        )
        return ResponseReading.Status.FAILED
    except Exception as exc:  # noqa: BLE001 - a crash must not leave the row claimed
        log.exception("reading letter %s failed", reading_id)
        error = f"{type(exc).__name__}: {exc}"
        if reading.attempts < MAX_ATTEMPTS:
            # Perhaps transient (a lost connection, a killed OCR process): back to waiting
            # with a backoff; the sweep publishes it again.
            work_release(
                kind=READING, pk=reading_id, lease=lease, error=error, attempt=reading.attempts
            )
            return ResponseReading.Status.PENDING
        work_fail(
            kind=READING, pk=reading_id, lease=lease, error=error, fields={"error_code": "error"}
        )
        return ResponseReading.Status.FAILED
    stored = work_mine(kind=READING, pk=reading_id, lease=lease).update(
        status=ResponseReading.Status.READY,
        lease_until=None,
        result=_json_dump(result),
        text=text,
        pages=pages,
        ocr=ocr,
        seconds=seconds,
        error_code="",
        error="",
        updated_at=timezone.now(),
    )
    # Not stored: our lease ran out and another worker took the letter over.
    return ResponseReading.Status.READY if stored else "skipped"


def _json_dump(reading: Reading) -> str:
    return json.dumps(reading.as_json(), ensure_ascii=False)


def reading_result(reading: ResponseReading) -> Reading | None:
    return Reading.from_json(json.loads(reading.result)) if reading.result else None


@transaction.atomic
def response_reading_retry(*, user, reading: ResponseReading) -> ResponseReading:
    """The person pressed "try again" on a letter that could not be read."""
    reading = ResponseReading.objects.select_for_update().get(pk=reading.pk)
    _check_can_edit(user=user, proceeding=reading.proceeding)
    if reading.status != ResponseReading.Status.FAILED:
        raise ApplicationError(_("This letter is not waiting for another try."))
    ResponseReading.objects.filter(pk=reading.pk).update(error_code="")
    work_retry(kind=READING, pk=reading.pk)
    reading.refresh_from_db()
    return reading


@transaction.atomic
def response_reading_dismiss(*, user, reading: ResponseReading) -> ResponseReading:
    """Nothing is recorded; the letter stays on the proceeding as an uploaded document."""
    reading = ResponseReading.objects.select_for_update().get(pk=reading.pk)
    _check_can_edit(user=user, proceeding=reading.proceeding)
    if reading.status == ResponseReading.Status.CONFIRMED:
        raise ApplicationError(_("This letter's event is already recorded."))
    reading.status = ResponseReading.Status.DISMISSED
    reading.save(update_fields=["status", "updated_at"])
    return reading


@transaction.atomic
def response_reading_confirm(
    *,
    user,
    reading: ResponseReading,
    **event_fields: Any,
) -> Event:
    """Record the event the person confirmed (as read, or corrected) through the same service as
    any event, so the state machine and the clocks apply, and attach the letter to it.
    ``event_fields`` are ``proceeding_record_event``'s own (kind, occurred_on, outcome…)."""
    reading = (
        ResponseReading.objects.select_for_update()
        .select_related("proceeding", "proceeding__case")
        .get(pk=reading.pk)
    )
    _check_can_edit(user=user, proceeding=reading.proceeding)
    if reading.status == ResponseReading.Status.CONFIRMED:
        raise ApplicationError(_("This letter's event is already recorded."))
    if reading.status != ResponseReading.Status.READY:
        raise ApplicationError(_("This letter has not been read yet."))
    event = proceeding_record_event(user=user, proceeding=reading.proceeding, **event_fields)
    Document.objects.filter(pk=reading.document_id).update(event=event)
    reading.status = ResponseReading.Status.CONFIRMED
    reading.event = event
    reading.save(update_fields=["status", "event", "updated_at"])
    return event
