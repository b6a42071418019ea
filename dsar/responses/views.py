"""Pages for reading an agency's letter: upload, wait, check what was read, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dsar.cases import selectors as case_selectors
from dsar.cases import state_machine
from dsar.cases.models import EventKind, Outcome
from dsar.core.exceptions import ApplicationError, form_add_application_error

from . import selectors, services
from .forms import ConfirmForm, LetterUploadForm
from .highlight import highlight
from .messages import unreadable_message
from .models import ResponseReading


@login_required
@require_POST
def reading_start(request, pk: int):
    proceeding = case_selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
    form = LetterUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reading = services.response_reading_start(
                user=request.user, proceeding=proceeding, upload=form.cleaned_data["file"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(reading)
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(f"{proceeding.get_absolute_url()}#read-letter")


def _initial(result, reading) -> dict:
    if result is None:
        return {}
    notes = []
    if result.fees:
        notes.append(_("Fees stated: %(fees)s.") % {"fees": result.fees})
    if result.estimated_completion:
        notes.append(
            _("Estimated completion: %(date)s.") % {"date": result.estimated_completion.isoformat()}
        )
    if result.appeal_days:
        unit = _("working days") if result.appeal_unit == "working" else _("calendar days")
        notes.append(
            _("Appeal window stated in the letter: %(days)s %(unit)s.")
            % {"days": result.appeal_days, "unit": unit}
        )
    return {
        "kind": result.event_kind or "",
        "occurred_on": result.letter_date,
        "channel": "",
        "tracking_number": ", ".join(result.tracking_numbers)[:100],
        "outcome": result.outcome or "",
        "exemptions": ", ".join(result.exemptions)[:300],
        "notes": " ".join(notes),
    }


def _allowed_kinds(reading) -> list[str]:
    """The events the proceeding's state and regime allow now (the state machine's answer)."""
    proceeding = reading.proceeding
    return state_machine.allowed_events(proceeding.status, proceeding.regime.code)


def _context(request, reading, form=None) -> dict:
    result = services.reading_result(reading)
    allowed = _allowed_kinds(reading)
    can_edit = selectors.reading_can_edit(user=request.user, reading=reading)
    if form is None and result is not None:
        form = ConfirmForm(allowed_kinds=allowed, initial=_initial(result, reading))
    kind_allowed = result is None or not result.event_kind or result.event_kind in allowed
    return {
        "reading": reading,
        "proceeding": reading.proceeding,
        "case": reading.proceeding.case,
        "result": result,
        "form": form,
        "can_edit": can_edit,
        "kind_allowed": kind_allowed,
        "kind_label": EventKind(result.event_kind).label if result and result.event_kind else "",
        "outcome_label": Outcome(result.outcome).label if result and result.outcome else "",
        "highlighted": highlight(reading.text, result.evidence) if result else "",
        "error_message": (
            unreadable_message(reading.error_code or "error")
            if reading.status == ResponseReading.Status.FAILED
            else ""
        ),
    }


@login_required
def reading_detail(request, pk: int):
    reading = selectors.reading_get(user=request.user, reading_id=pk)
    return render(request, "responses/reading_detail.html", _context(request, reading))


@login_required
def reading_status(request, pk: int):
    """The fragment htmx polls while the letter is read; a full reload once it is done."""
    reading = selectors.reading_get(user=request.user, reading_id=pk)
    if not reading.pending:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "responses/_reading_status.html", {"reading": reading})


@login_required
@require_POST
def reading_confirm(request, pk: int):
    reading = selectors.reading_get(user=request.user, reading_id=pk)
    allowed = _allowed_kinds(reading)
    form = ConfirmForm(request.POST, allowed_kinds=allowed)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.response_reading_confirm(user=request.user, reading=reading, **data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, _("Recorded: %(event)s.") % {"event": EventKind(data["kind"]).label}
            )
            return redirect(reading.proceeding)
    return render(
        request, "responses/reading_detail.html", _context(request, reading, form), status=400
    )


@login_required
@require_POST
def reading_dismiss(request, pk: int):
    reading = selectors.reading_get(user=request.user, reading_id=pk)
    try:
        services.response_reading_dismiss(user=request.user, reading=reading)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(reading)
    messages.info(request, _("Nothing was recorded. The letter stays with the proceeding."))
    return redirect(reading.proceeding)


@login_required
@require_POST
def reading_retry(request, pk: int):
    reading = selectors.reading_get(user=request.user, reading_id=pk)
    try:
        services.response_reading_retry(user=request.user, reading=reading)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reading)
