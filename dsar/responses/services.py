"""Writes for reading agency letters: upload and queue, read once (OCR where needed), and record
the event only when the person confirms what was read."""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import timedelta
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
from dsar.letters.models import Document

from .extract import Reading, normalize_text, read_text
from .models import ResponseReading
from .text import UnreadableLetter, letter_text

log = logging.getLogger(__name__)

READABLE_TYPES = ("application/pdf", "image/jpeg", "image/png")
LEASE = timedelta(minutes=5)  # longer than the task's hard time limit
STALE_PENDING = timedelta(minutes=1)  # a pending row older than this lost its message
MAX_ATTEMPTS = 3


def _enqueue(reading: ResponseReading) -> None:
    """Queue the read after commit. A broker that is down is not the user's error: the row stays
    pending and the sweep queues it again."""
    from .tasks import read_letter

    pk = reading.pk

    def send() -> None:
        try:
            read_letter.delay(pk)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep retries
            log.warning("could not enqueue the reading of letter %s; the sweep will", pk)

    transaction.on_commit(send)


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
        proceeding=proceeding, document=document, created_by=user
    )
    _enqueue(reading)
    return reading


def _claim(reading_id: int) -> ResponseReading | None:
    now = timezone.now()
    with transaction.atomic():
        reading = (
            ResponseReading.objects.select_for_update(skip_locked=True)
            .select_related("document", "proceeding__agency")
            .filter(pk=reading_id)
            .first()
        )
        if reading is None:
            return None
        claimable = reading.status == ResponseReading.Status.PENDING or (
            reading.status == ResponseReading.Status.READING
            and (reading.claimed_until is None or reading.claimed_until < now)
        )
        if not claimable:
            return None
        reading.status = ResponseReading.Status.READING
        reading.claimed_until = now + LEASE
        reading.attempts += 1
        reading.save(update_fields=["status", "claimed_until", "attempts", "updated_at"])
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
    """Read one letter. Safe to run twice: only a pending row, or one whose worker's lease ran
    out, is claimed; the OCR runs outside any transaction so it holds no lock while it works."""
    reading = _claim(reading_id)
    if reading is None:
        return "skipped"
    update: dict = {"claimed_until": None}
    try:
        result, text, pages, ocr, seconds = _read_document(
            reading.document, reading.proceeding.agency.code
        )
    except UnreadableLetter as exc:
        update.update(status=ResponseReading.Status.FAILED, error_code=exc.code, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - a crash must not leave the row claimed
        log.exception("reading letter %s failed", reading_id)
        final = reading.attempts >= MAX_ATTEMPTS
        update.update(
            status=ResponseReading.Status.FAILED if final else ResponseReading.Status.PENDING,
            error_code="error",
            error=str(exc)[:500],
        )
    else:
        update.update(
            status=ResponseReading.Status.READY,
            result=_json_dump(result),
            text=text,
            pages=pages,
            ocr=ocr,
            seconds=seconds,
            error_code="",
            error="",
        )
    ResponseReading.objects.filter(pk=reading.pk, status=ResponseReading.Status.READING).update(
        updated_at=timezone.now(), **update
    )
    return update["status"]


def _json_dump(reading: Reading) -> str:
    return json.dumps(reading.as_json(), ensure_ascii=False)


def reading_result(reading: ResponseReading) -> Reading | None:
    return Reading.from_json(json.loads(reading.result)) if reading.result else None


@transaction.atomic
def response_reading_retry(*, user, reading: ResponseReading) -> ResponseReading:
    reading = ResponseReading.objects.select_for_update().get(pk=reading.pk)
    _check_can_edit(user=user, proceeding=reading.proceeding)
    if reading.status != ResponseReading.Status.FAILED:
        raise ApplicationError(_("This letter is not waiting for another try."))
    reading.status = ResponseReading.Status.PENDING
    reading.attempts = 0
    reading.error = reading.error_code = ""
    reading.save(update_fields=["status", "attempts", "error", "error_code", "updated_at"])
    _enqueue(reading)
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


def response_readings_sweep() -> int:
    """Queue again every reading whose message was lost (pending for a while) or whose worker
    died (lease expired). Safe to run at any time, any number of times."""
    now = timezone.now()
    stale = ResponseReading.objects.filter(
        status=ResponseReading.Status.PENDING, updated_at__lt=now - STALE_PENDING
    ) | ResponseReading.objects.filter(status=ResponseReading.Status.READING, claimed_until__lt=now)
    ids = list(stale.values_list("pk", flat=True)[:500])
    from .tasks import read_letter

    for pk in ids:
        try:
            read_letter.delay(pk)
        except Exception:  # noqa: BLE001 - broker down: the next sweep tries again
            log.warning("sweep could not enqueue reading %s", pk)
            break
    return len(ids)
