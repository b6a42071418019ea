"""Thin views: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dsar.accounts.services import consent_record
from dsar.accounts.services import consent_revoke as revoke_consent
from dsar.audit.selectors import audit_for_case
from dsar.core.exceptions import ApplicationError, form_add_application_error
from dsar.responses.forms import LetterUploadForm
from dsar.responses.selectors import proceeding_readings

from . import selectors, services, state_machine
from .forms import (
    CaseDeleteForm,
    CaseForm,
    ConsentForm,
    DashboardFilterForm,
    EventForm,
    ProceedingForm,
    SharingForm,
    UploadForm,
)
from .models import Case, EventKind

PAGE_SIZE = 25


@login_required
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    proceedings = selectors.dashboard_proceedings(
        user=request.user,
        status=filters.get("status", ""),
        regime=filters.get("regime", ""),
        agency=filters.get("agency", ""),
        overdue=filters.get("overdue", False),
        query=filters.get("q", ""),
    )
    page = Paginator(proceedings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/dashboard.html",
        {"form": form, "page": page, "today": selectors.today(), "query": query.urlencode()},
    )


@login_required
def case_list(request):
    status = request.GET.get("status", "")
    if status not in Case.Status.values:
        status = ""
    cases = selectors.case_list(
        user=request.user, status=status, query=request.GET.get("q", ""), summary=True
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "status": status, "q": request.GET.get("q", "")},
    )


@login_required
def case_create(request):
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Case created. Now add the requests it needs."))
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@login_required
def case_edit(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(user=request.user, case=case, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@login_required
@require_POST
def case_close(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    try:
        services.case_close(user=request.user, case=case)
        messages.success(request, _("Case closed."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(case)


@login_required
@require_POST
def case_reopen(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    try:
        services.case_reopen(user=request.user, case=case)
        messages.success(request, _("Case reopened."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(case)


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_view(user=request.user, case_id=pk)
    timeline = Paginator(selectors.case_timeline(case=case), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "proceedings": selectors.case_detail_proceedings(case=case),
            "timeline": timeline,
            "case_documents": case.documents.filter(event__isnull=True).order_by("-created_at"),
            "upload_form": UploadForm(),
            "can_edit": selectors.case_can_edit(user=request.user, case=case),
            "can_manage": selectors.case_can_manage(user=request.user, case=case),
            "consents": selectors.case_consents(case=case),
            "assignees": selectors.assignable_users(case=case),
            "today": selectors.today(),
        },
    )


@login_required
@require_POST
def case_assign(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        assignee = next(
            (u for u in selectors.assignable_users(case=case) if str(u.pk) == raw), None
        )
        if assignee is None:
            messages.error(request, _("Choose a colleague from the list."))
            return redirect(case)
    try:
        services.case_assign(user=request.user, case=case, assignee=assignee)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if assignee is None:
            messages.success(request, _("The case is no longer assigned to anyone."))
        else:
            messages.success(
                request,
                _("The case is assigned to %(name)s, who now receives its reminders.")
                % {"name": assignee},
            )
    return redirect(case)


@login_required
def agenda(request):
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and int(raw) in selectors.AGENDA_WINDOWS else 7
    return render(
        request,
        "cases/agenda.html",
        {
            "groups": selectors.agenda(user=request.user, days=days),
            "days": days,
            "windows": selectors.AGENDA_WINDOWS,
            "today": selectors.today(),
        },
    )


@login_required
def client_list(request):
    return render(
        request, "cases/client_list.html", {"clients": selectors.client_list(user=request.user)}
    )


@login_required
def client_detail(request, pk: int):
    name, cases = selectors.client_cases(user=request.user, case_id=pk)
    return render(
        request,
        "cases/client_detail.html",
        {"client_name": name, "cases": cases, "today": selectors.today()},
    )


@login_required
def document_upload(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                user=request.user,
                case=case,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect(case)
    return render(request, "cases/upload_form.html", {"form": form, "case": case})


@login_required
def proceeding_create(request, pk: int):
    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = request.GET["parent"]
    if request.GET.get("request_type"):
        initial["request_type"] = request.GET["request_type"]
    form = ProceedingForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proceeding = services.proceeding_create(
                user=request.user, case=case, **form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Proceeding added. Record the filing once you send it."))
            for warning in proceeding.warnings:
                messages.warning(request, warning)
            return redirect(proceeding)
    return render(
        request, "cases/proceeding_form.html", {"form": form, "case": case, "proceeding": None}
    )


@login_required
def proceeding_edit(request, pk: int):
    proceeding = selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
    form = ProceedingForm(request.POST or None, instance=proceeding, case=proceeding.case)
    if request.method == "POST" and form.is_valid():
        try:
            services.proceeding_update(
                user=request.user, proceeding=proceeding, **form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Proceeding saved."))
            return redirect(proceeding)
    return render(
        request,
        "cases/proceeding_form.html",
        {"form": form, "case": proceeding.case, "proceeding": proceeding},
    )


@login_required
def proceeding_detail(request, pk: int):
    proceeding = selectors.proceeding_get_for_view(user=request.user, proceeding_id=pk)
    allowed = state_machine.allowed_events(proceeding.status, proceeding.regime.code)
    form = EventForm(allowed_kinds=allowed)
    context = _proceeding_context(proceeding, form)
    context["can_edit"] = selectors.case_can_edit(user=request.user, case=proceeding.case)
    return render(request, "cases/proceeding_detail.html", context)


def _proceeding_context(proceeding, form) -> dict:
    return {
        "proceeding": proceeding,
        "case": proceeding.case,
        "events": selectors.proceeding_events(proceeding=proceeding),
        "clocks": proceeding.clocks.order_by("due_date"),
        "event_form": form,
        "children": proceeding.children.select_related("regime", "agency"),
        "eligibility_warnings": selectors.proceeding_eligibility(proceeding=proceeding),
        "today": selectors.today(),
        "readings": proceeding_readings(proceeding=proceeding),
        "letter_form": LetterUploadForm(),
    }


@login_required
@require_POST
def event_create(request, pk: int):
    proceeding = selectors.proceeding_get_for_edit(user=request.user, proceeding_id=pk)
    form = EventForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.proceeding_record_event(
                user=request.user,
                proceeding=proceeding,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                channel=data["channel"],
                tracking_number=data["tracking_number"],
                outcome=data["outcome"],
                exemptions=data["exemptions"],
                notes=data["notes"],
                uploads=data["documents"],
                first_received_on=data["first_received_on"],
                after_cutoff=data["after_cutoff"],
                extension_days=data["extension_days"],
                extended_to=data["extended_to"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, _("Recorded: %(event)s.") % {"event": EventKind(data["kind"]).label}
            )
            return redirect(proceeding)
    context = _proceeding_context(proceeding, form)
    context["can_edit"] = True
    return render(request, "cases/proceeding_detail.html", context, status=400)


@login_required
def case_sharing(request, pk: int):
    case = selectors.case_get_for_manage(user=request.user, case_id=pk)
    form = SharingForm(
        request.POST or None,
        user=request.user,
        case=case,
        initial={"organization": case.organization_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_change_sharing(
                user=request.user,
                case=case,
                organization=form.cleaned_data["organization"],
                owner=form.cleaned_data["owner"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Sharing saved. The owner has been told."))
            if selectors.visible_cases(request.user).filter(pk=case.pk).exists():
                return redirect(case)
            return redirect("cases:case_list")
    return render(request, "cases/case_sharing.html", {"form": form, "case": case})


@login_required
def case_delete(request, pk: int):
    case = selectors.case_get_for_manage(user=request.user, case_id=pk)
    form = CaseDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_delete(user=request.user, case=case)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("The case and its documents were deleted."))
            return redirect("cases:case_list")
    return render(request, "cases/case_delete.html", {"form": form, "case": case})


@login_required
@require_POST
def document_delete(request, pk: int):
    document = selectors.document_get_for_edit(user=request.user, document_id=pk)
    case = document.case
    try:
        services.document_remove(user=request.user, document=document)
        messages.success(request, _("Document deleted."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(case)


@login_required
def case_audit(request, pk: int):

    case, entries = audit_for_case(user=request.user, case_id=pk)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/case_audit.html", {"case": case, "page": page})


@login_required
def consent_create(request, pk: int):

    case = selectors.case_get_for_edit(user=request.user, case_id=pk)
    form = ConsentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                user=request.user,
                case=case,
                scope=data["scope"],
                regimes=data["regimes"],
                signed_on=data["signed_on"],
                expires_on=data["expires_on"],
                upload=data["document"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Client consent recorded."))
            return redirect(case)
    return render(request, "cases/consent_form.html", {"form": form, "case": case})


@login_required
@require_POST
def consent_revoke(request, pk: int):

    consent = selectors.consent_get_for_edit(user=request.user, consent_id=pk)
    try:
        revoke_consent(user=request.user, consent=consent)
        messages.success(request, _("Consent revoked."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(consent.case)
