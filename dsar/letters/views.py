import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from dsar.cases import selectors as case_selectors
from dsar.core.exceptions import ApplicationError
from dsar.core.uploads import ALLOWED_TYPES

from . import registry, selectors, services
from .context import addressee_help, prefill
from .forms import LetterForm, ReportForm
from .models import Document

IDENTIFIER_LABELS = {
    "date_of_birth": _("date of birth"),
    "place_of_birth": _("place of birth"),
    "a_number": _("A-number"),
    "passport_number": _("passport number"),
}


@login_required
def proceeding_letters(request, pk: int):
    proceeding = case_selectors.proceeding_get(user=request.user, proceeding_id=pk)
    return render(
        request,
        "letters/proceeding_letters.html",
        {
            "proceeding": proceeding,
            "case": proceeding.case,
            "letters": selectors.letters_available(user=request.user, proceeding=proceeding),
            "letter_requests": selectors.letter_requests_for(
                user=request.user, proceeding=proceeding
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_prepare(request, pk: int, code: str, language: str):
    proceeding = case_selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
    spec = registry.letter_spec(code)
    if spec is None or language not in spec.languages or spec is registry.CASE_REPORT:
        raise Http404("No such letter")
    if not selectors.letter_fits(spec, proceeding):
        raise Http404("This letter does not fit this proceeding")
    missing: list[str] = []
    if request.method == "POST":
        form = LetterForm(request.POST, spec=spec)
        if form.is_valid():
            try:
                letter_request = services.letter_request_create(
                    user=request.user,
                    proceeding=proceeding,
                    code=code,
                    language=language,
                    inputs=form.cleaned_data,
                )
            except ApplicationError as exc:
                missing = exc.extra.get("missing", [])
                if not missing:
                    form.add_error(None, exc.message)
            else:
                return redirect("letters:letter_request", pk=letter_request.pk)
    else:
        form = LetterForm(initial=prefill(spec, proceeding, language), spec=spec)
    return render(
        request,
        "letters/letter_form.html",
        {
            "proceeding": proceeding,
            "case": proceeding.case,
            "spec": spec,
            "language": language,
            "form": form,
            "missing": missing,
            "identifiers": [IDENTIFIER_LABELS[i] for i in spec.identifiers],
            "addressee": addressee_help(spec, proceeding),
        },
        status=400 if missing else 200,
    )


def _request_context(request, pk: int) -> dict:
    letter_request = selectors.letter_request_get(user=request.user, letter_request_id=pk)
    return {
        "letter_request": letter_request,
        "spec": registry.letter_spec(letter_request.code),
        "pending": letter_request.status in ("pending", "rendering"),
    }


@login_required
def letter_request_detail(request, pk: int):
    return render(request, "letters/letter_request.html", _request_context(request, pk))


@login_required
def letter_request_status(request, pk: int):
    """The small fragment htmx polls while the PDF renders."""
    return render(request, "letters/_request_status.html", _request_context(request, pk))


@login_required
@require_POST
def letter_request_retry(request, pk: int):
    """The "try again" button of a failed render."""
    letter_request = selectors.letter_request_get(user=request.user, letter_request_id=pk)
    try:
        services.letter_request_retry(user=request.user, letter_request=letter_request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("The letter is queued again; this page updates by itself."))
    return redirect("letters:letter_request", pk=letter_request.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request, pk: int):
    case = case_selectors.case_get(user=request.user, case_id=pk)
    form = ReportForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        case = case_selectors.case_get_for_edit(user=request.user, case_id=pk)
        letter_request = services.case_report_request(
            user=request.user, case=case, language=form.cleaned_data["language"]
        )
        return redirect("letters:letter_request", pk=letter_request.pk)
    return render(request, "letters/case_report.html", {"case": case, "form": form})


@login_required
def document_download(request, pk: int):
    document = case_selectors.document_get_for_download(user=request.user, document_id=pk)
    if not document.file:
        raise Http404("No file")
    content_type = document.content_type if document.content_type in ALLOWED_TYPES else ""
    response = FileResponse(
        io.BytesIO(document.read_content()),
        as_attachment=request.GET.get("inline") != "1" or not content_type,
        filename=download_name(document),
        content_type=(
            "text/plain; charset=utf-8"
            if content_type == "text/plain"
            else content_type or "application/octet-stream"
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(document: Document) -> str:
    """The original name's stem, made safe, with the extension of the detected type (a file
    uploaded as ``x.exe`` that is really a PDF downloads as ``x.pdf``)."""
    stem = (document.original_name or document.title or "").rsplit(".", 1)[0]
    stem = ".".join(part for part in map(slugify, stem.split(".")) if part)[:100] or "document"
    extension = ALLOWED_TYPES.get(document.content_type)
    return f"{stem}.{extension}" if extension else stem
