"""Writes for letters: ask for a letter, render it once, store it as a Document."""

import hashlib
import json
import time

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dsar.cases.models import Case, Proceeding
from dsar.core.exceptions import ApplicationError

from . import registry
from .context import (
    clean_inputs,
    format_date,
    inputs_hash,
    letter_context,
    missing_inputs,
    proceeding_facts,
)
from .models import Document, LetterRequest
from .pdf import html_to_pdf
from .selectors import letter_fits, with_history

REPORT_VERSION = "1"


def _enqueue(letter_request: LetterRequest) -> None:
    from .tasks import render_letter_request

    pk = letter_request.pk
    transaction.on_commit(lambda: render_letter_request.delay(pk))


def _get_or_create_request(*, lookup: dict, defaults: dict) -> LetterRequest:
    try:
        with transaction.atomic():
            letter_request, _created = LetterRequest.objects.get_or_create(
                **lookup, defaults=defaults
            )
    except IntegrityError:  # a concurrent identical request won the race
        letter_request = LetterRequest.objects.get(**lookup)
    return letter_request


def _schedule(letter_request: LetterRequest) -> LetterRequest:
    if letter_request.status == LetterRequest.Status.FAILED:
        letter_request.status = LetterRequest.Status.PENDING
        letter_request.error = ""
        letter_request.save(update_fields=["status", "error", "updated_at"])
    if letter_request.status != LetterRequest.Status.READY:
        _enqueue(letter_request)
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
            with_history(letter_request.proceeding)
            context = letter_context(
                spec=spec,
                proceeding=letter_request.proceeding,
                inputs=letter_request.inputs,
                language=letter_request.language,
            )
        return render_to_string(spec.template_name(letter_request.language), context)


def _document_title(spec: registry.LetterSpec, letter_request: LetterRequest) -> str:
    if letter_request.language == "es" and spec.title_es:
        title = spec.title_es
    else:
        with translation.override(letter_request.language):
            title = str(spec.title)
    if letter_request.proceeding_id:
        return f"{title} — {letter_request.proceeding.agency.abbreviation or ''}".strip(" —")
    return title


def _filename(letter_request: LetterRequest) -> str:
    parts = [letter_request.code]
    if letter_request.proceeding_id:
        parts.append(letter_request.proceeding.agency.abbreviation or "")
    parts.append(timezone.localdate().isoformat())
    return f"{slugify('-'.join(p for p in parts if p))}.{letter_request.language}.pdf"


def letter_request_render(*, letter_request_id: int) -> LetterRequest:
    """Render a requested letter once. Safe to call twice or concurrently: the row is locked
    while rendering and a ready request is returned untouched, so a redelivered task neither
    renders again nor stores a second Document."""
    with transaction.atomic():
        letter_request = LetterRequest.objects.select_for_update().get(pk=letter_request_id)
        if letter_request.status == LetterRequest.Status.READY:
            return letter_request
        # Shown to the user while the PDF is made; committed at once so the page can poll it.
        letter_request.status = LetterRequest.Status.RENDERING
        letter_request.save(update_fields=["status", "updated_at"])

    with transaction.atomic():
        letter_request = (
            LetterRequest.objects.select_for_update(of=("self",))
            .select_related("case", "proceeding", "proceeding__agency")
            .get(pk=letter_request_id)
        )
        if letter_request.status == LetterRequest.Status.READY:
            return letter_request
        spec = registry.letter_spec(letter_request.code)
        letter_request.attempts += 1  # counts actual renders
        started = time.perf_counter()
        try:
            pdf = html_to_pdf(letter_html(letter_request))
        except Exception as exc:  # noqa: BLE001 - recorded on the row and shown to the user
            letter_request.status = LetterRequest.Status.FAILED
            letter_request.error = f"{type(exc).__name__}: {exc}"[:2000]
            letter_request.save(update_fields=["status", "error", "attempts", "updated_at"])
            return letter_request
        is_report = spec.code == registry.CASE_REPORT.code
        document = Document(
            case=letter_request.case,
            proceeding=letter_request.proceeding,
            kind=Document.Kind.REPORT if is_report else Document.Kind.LETTER,
            title=_document_title(spec, letter_request)[:200],
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            language=letter_request.language,
            inputs_hash=letter_request.inputs_hash,
            template_version=spec.version if not is_report else REPORT_VERSION,
            created_by=letter_request.created_by,
        )
        filename = _filename(letter_request)
        document.original_name = filename
        document.file.save(filename, ContentFile(pdf), save=False)
        document.save()
        letter_request.document = document
        letter_request.status = LetterRequest.Status.READY
        letter_request.error = ""
        letter_request.render_seconds = time.perf_counter() - started
        letter_request.save(
            update_fields=[
                "document",
                "status",
                "error",
                "render_seconds",
                "attempts",
                "updated_at",
            ]
        )
        return letter_request
