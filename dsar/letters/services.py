"""Writes for letters: ask for a letter, render it once, store it as a Document."""

import hashlib
import json
import logging
import time

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

# Imported as a module: accounts' services import the cases' services, which import these.
from dsar.accounts import services as account_services
from dsar.audit.services import Action, audit_record
from dsar.cases.models import Case, Event, Proceeding
from dsar.core.crypto import new_data_key, seal
from dsar.core.exceptions import ApplicationError
from dsar.core.work import (
    is_transient_database_error,
    work_claim,
    work_enqueue_on_commit,
    work_fail,
    work_mine,
    work_release,
    work_retry,
)

from . import registry
from .context import (
    clean_inputs,
    format_date,
    inputs_hash,
    letter_context,
    missing_inputs,
    proceeding_facts,
)
from .models import LETTER_RENDER, Document, LetterRequest
from .pdf import html_to_pdf
from .selectors import letter_fits, with_history

REPORT_VERSION = "1"
# Renders interrupted (worker killed) or hit by database errors this many times fail visibly.
MAX_RENDER_ATTEMPTS = 5
logger = logging.getLogger(__name__)


def document_create(
    *,
    case: Case,
    kind: str,
    title: str,
    content: bytes,
    content_type: str,
    original_name: str = "",
    proceeding: Proceeding | None = None,
    event: Event | None = None,
    created_by=None,
    language: str = "",
    inputs_hash: str = "",
    template_version: str = "",
) -> Document:
    """Store a document encrypted on disk under a generated name, with its own data key.

    The SHA-256 and size are those of the plaintext. If the surrounding transaction rolls back,
    the file stays behind without its key (kept only on the row), so nobody can read it.
    """
    data_key = new_data_key()
    document = Document(
        case=case,
        proceeding=proceeding,
        event=event,
        kind=kind,
        title=title[:200],
        original_name=original_name[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        file_key=data_key,
        language=language,
        inputs_hash=inputs_hash,
        template_version=template_version,
        created_by=created_by,
    )
    document.file.save("document", ContentFile(seal(content, data_key)), save=False)
    document.save()
    return document


@transaction.atomic
def document_delete(*, user, document_id: int) -> None:
    """Delete a document the user may edit; its file is removed from storage once the
    transaction commits (see ``dsar.letters.apps``), and the letter request that produced it
    goes with it."""
    from dsar.cases.selectors import case_can_edit, document_get

    document = document_get(user=user, document_id=document_id)
    if not case_can_edit(user=user, case=document.case):
        raise PermissionDenied
    LetterRequest.objects.filter(document=document).delete()
    document.delete()


def _enqueue(letter_request: LetterRequest) -> None:
    work_enqueue_on_commit(kind=LETTER_RENDER, ids=[letter_request.pk])


def _get_or_create_request(*, lookup: dict, defaults: dict) -> LetterRequest:
    defaults = {**defaults, "enqueued_at": timezone.now()}
    try:
        with transaction.atomic():
            letter_request, _created = LetterRequest.objects.get_or_create(
                **lookup, defaults=defaults
            )
    except IntegrityError:  # a concurrent identical request won the race
        letter_request = LetterRequest.objects.get(**lookup)
    return letter_request


def _schedule(letter_request: LetterRequest) -> LetterRequest:
    # A ready letter whose PDF was deleted is made again when it is asked for again.
    if letter_request.status == LetterRequest.Status.READY and not letter_request.document_id:
        LetterRequest.objects.filter(pk=letter_request.pk).update(
            status=LetterRequest.Status.FAILED
        )
        letter_request.status = LetterRequest.Status.FAILED
    if letter_request.status == LetterRequest.Status.FAILED:
        work_retry(kind=LETTER_RENDER, pk=letter_request.pk)
        letter_request.refresh_from_db()
    elif letter_request.status != LetterRequest.Status.READY:
        _enqueue(letter_request)
    return letter_request


@transaction.atomic
def letter_request_retry(*, user, letter_request: LetterRequest) -> LetterRequest:
    """ "Try again" on a failed render: the same request waits again with a fresh count of
    attempts and is rendered by the next free worker. Only someone who may change the case."""
    from dsar.cases.selectors import case_get_for_edit

    case_get_for_edit(user=user, case_id=letter_request.case_id)
    if letter_request.status != LetterRequest.Status.FAILED:
        raise ApplicationError(_("Only a letter that could not be prepared can be tried again."))
    work_retry(kind=LETTER_RENDER, pk=letter_request.pk)
    letter_request.refresh_from_db()
    return letter_request


@transaction.atomic
def letter_request_create(
    *, user, proceeding: Proceeding, code: str, language: str, inputs: dict
) -> LetterRequest:
    """Ask for a letter. The same letter with the same inputs is the same request: if it was
    already rendered, the stored PDF is served and nothing is rendered again."""
    spec = registry.letter_spec(code)
    if spec is None or spec.code == registry.CASE_REPORT.code:
        raise ApplicationError(_("There is no such letter."))
    if language not in spec.languages:
        raise ApplicationError(_("This letter does not exist in that language."))
    with_history(proceeding)
    if not letter_fits(spec, proceeding):
        raise ApplicationError(_("This letter does not fit this proceeding in its current state."))
    cleaned = clean_inputs(spec, inputs)
    missing = missing_inputs(spec, proceeding, cleaned)
    if missing:
        raise ApplicationError(
            _("Fill in what is missing before the letter can be prepared: %(missing)s.")
            % {"missing": "; ".join(missing)},
            extra={"missing": missing},
        )
    if account_services.letter_requires_consent(case=proceeding.case, inputs=cleaned):
        consent = account_services.consent_current(case=proceeding.case, regime=proceeding.regime)
        if consent is None:
            raise ApplicationError(
                _(
                    "This letter is filed for a client: record the client's signed consent "
                    "covering %(regime)s on the case page first."
                )
                % {"regime": proceeding.regime.name}
            )
        # The letter refers to this consent; a new consent makes a new letter.
        cleaned = {**cleaned, "consent_id": consent.pk}
    digest = inputs_hash(
        spec=spec, language=language, inputs=cleaned, proceeding=proceeding, case=proceeding.case
    )
    letter_request = _get_or_create_request(
        lookup={
            "proceeding": proceeding,
            "code": code,
            "language": language,
            "inputs_hash": digest,
        },
        defaults={"case": proceeding.case, "inputs": cleaned, "created_by": user},
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        case=proceeding.case,
        detail=f"letter {code}.{language} (request {letter_request.pk})",
    )
    return _schedule(letter_request)


def _report_hash(case: Case, language: str) -> str:
    proceedings = []
    for proceeding in case.proceedings.all():
        proceedings.append(
            [
                proceeding.pk,
                str(proceeding.updated_at),
                sorted([e.pk, str(e.updated_at)] for e in proceeding.events.all()),
                sorted([c.code, str(c.due_date), c.state] for c in proceeding.clocks.all()),
            ]
        )
    payload = {
        "case": [case.pk, str(case.updated_at)],
        "proceedings": proceedings,
        "documents": sorted(
            case.documents.exclude(kind=Document.Kind.REPORT).values_list("pk", flat=True)
        ),
        "language": language,
        "version": REPORT_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def case_report_request(*, user, case: Case, language: str) -> LetterRequest:
    if language not in registry.CASE_REPORT.languages:
        raise ApplicationError(_("The report does not exist in that language."))
    digest = _report_hash(case, language)
    letter_request = _get_or_create_request(
        lookup={
            "case": case,
            "proceeding": None,
            "code": registry.CASE_REPORT.code,
            "language": language,
            "inputs_hash": digest,
        },
        defaults={"inputs": {}, "created_by": user},
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        case=case,
        detail=f"case report.{language} (request {letter_request.pk})",
    )
    return _schedule(letter_request)


def _report_context(case: Case, language: str) -> dict:
    proceedings = []
    for proceeding in case.proceedings.select_related(
        "regime", "agency", "record_system", "parent"
    ).order_by("created_at", "pk"):
        facts = proceeding_facts(proceeding)
        proceedings.append(
            {
                "proceeding": proceeding,
                "tracking_numbers": facts["tracking_numbers"],
                "events": sorted(facts["events"], key=lambda e: (e.occurred_on, e.pk)),
                "clocks": list(proceeding.clocks.all()),
                "documents": [d for d in proceeding.documents.all()],
            }
        )
    return {
        "case": case,
        "language": language,
        "today": format_date(timezone.localdate(), language),
        "generated_at": timezone.now(),
        "proceedings": proceedings,
        "case_documents": list(
            case.documents.filter(proceeding__isnull=True).exclude(kind=Document.Kind.REPORT)
        ),
        "decision": case.has_automated_decision,
    }


def letter_html(letter_request: LetterRequest) -> str:
    spec = registry.letter_spec(letter_request.code)
    if spec is None:
        raise ApplicationError(_("There is no such letter."))
    with translation.override(letter_request.language):
        if spec.code == registry.CASE_REPORT.code:
            context = _report_context(letter_request.case, letter_request.language)
        else:
            proceeding = letter_request.proceeding
            if proceeding is None:
                raise ApplicationError(_("This letter needs a proceeding."))
            with_history(proceeding)
            context = letter_context(
                spec=spec,
                proceeding=proceeding,
                inputs=letter_request.inputs,
                language=letter_request.language,
            )
            context["consent"] = _letter_consent(letter_request)
        return render_to_string(spec.template_name(letter_request.language), context)


def _letter_consent(letter_request: LetterRequest) -> dict | None:
    """The client's consent a letter refers to; refuses to render when the letter is filed for
    a client and that consent is no longer valid (revoked, expired) or never was recorded."""
    proceeding = letter_request.proceeding
    if proceeding is None:  # the case report is not filed for anyone
        return None
    if not account_services.letter_requires_consent(
        case=proceeding.case, inputs=letter_request.inputs
    ):
        return None
    consent = account_services.consent_current(case=proceeding.case, regime=proceeding.regime)
    if consent is None or consent.pk != letter_request.inputs.get("consent_id"):
        raise ApplicationError(
            _(
                "This letter is filed for a client and the client's consent it refers to is no "
                "longer valid. Record a valid consent and prepare the letter again."
            )
        )
    return {
        "signed_on": format_date(consent.signed_on, letter_request.language),
        "expires_on": (
            format_date(consent.expires_on, letter_request.language) if consent.expires_on else ""
        ),
        "scope": consent.scope,
    }


def _document_title(spec: registry.LetterSpec, letter_request: LetterRequest) -> str:
    if letter_request.language == "es" and spec.title_es:
        title = spec.title_es
    else:
        with translation.override(letter_request.language):
            title = str(spec.title)
    if letter_request.proceeding is not None:
        return f"{title} — {letter_request.proceeding.agency.abbreviation or ''}".strip(" —")
    return title


def _filename(letter_request: LetterRequest) -> str:
    parts = [letter_request.code]
    if letter_request.proceeding is not None:
        parts.append(letter_request.proceeding.agency.abbreviation or "")
    parts.append(timezone.localdate().isoformat())
    return f"{slugify('-'.join(p for p in parts if p))}.{letter_request.language}.pdf"


def letter_request_render(*, letter_request_id: int) -> LetterRequest:
    """Render a requested letter once.

    The row is claimed with a lease (``dsar.core.work``) in a short transaction; the PDF is made
    outside any transaction, so a slow render never holds a database lock; the Document is
    stored in a second short transaction only while the claim is still ours. A redelivered task,
    a second worker or a worker whose lease was taken over therefore never stores a second PDF.
    A database error is retried with a backoff; a render error fails the request with its
    reason, which the page shows next to a "try again" button."""
    lease = work_claim(kind=LETTER_RENDER, pk=letter_request_id)
    if lease is None:  # ready, failed, backing off, or another live worker has it
        return LetterRequest.objects.get(pk=letter_request_id)
    letter_request = LetterRequest.objects.select_related(
        "case", "proceeding", "proceeding__agency"
    ).get(pk=letter_request_id)
    if letter_request.attempts > MAX_RENDER_ATTEMPTS:
        # A render that kills its worker every time must not loop for ever.
        work_fail(
            kind=LETTER_RENDER,
            pk=letter_request_id,
            lease=lease,
            error=_("The render was interrupted %(n)s times.") % {"n": letter_request.attempts},
        )
        return LetterRequest.objects.get(pk=letter_request_id)
    started = time.perf_counter()
    try:
        pdf = html_to_pdf(letter_html(letter_request))
        _store(letter_request, lease=lease, pdf=pdf, seconds=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - recorded on the row and shown to the user
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("letter request %s: %s", letter_request_id, error)
        if is_transient_database_error(exc) and letter_request.attempts < MAX_RENDER_ATTEMPTS:
            work_release(
                kind=LETTER_RENDER,
                pk=letter_request_id,
                lease=lease,
                error=error,
                attempt=letter_request.attempts,
            )
        else:
            work_fail(kind=LETTER_RENDER, pk=letter_request_id, lease=lease, error=error)
    return LetterRequest.objects.get(pk=letter_request_id)


def _store(letter_request: LetterRequest, *, lease, pdf: bytes, seconds: float) -> None:
    spec = registry.letter_spec(letter_request.code)
    assert spec is not None  # checked when the request was made
    is_report = spec.code == registry.CASE_REPORT.code
    with transaction.atomic():
        mine = work_mine(kind=LETTER_RENDER, pk=letter_request.pk, lease=lease)
        if not mine.select_for_update().exists():
            return  # our lease expired and another worker took the request over
        document = document_create(
            case=letter_request.case,
            proceeding=letter_request.proceeding,
            kind=Document.Kind.REPORT if is_report else Document.Kind.LETTER,
            title=_document_title(spec, letter_request),
            content=pdf,
            content_type="application/pdf",
            original_name=_filename(letter_request),
            language=letter_request.language,
            inputs_hash=letter_request.inputs_hash,
            template_version=spec.version if not is_report else REPORT_VERSION,
            created_by=letter_request.created_by,
        )
        mine.update(
            document=document,
            status=LetterRequest.Status.READY,
            error="",
            render_seconds=seconds,
            lease_until=None,
            not_before=None,
        )
