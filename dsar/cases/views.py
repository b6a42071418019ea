"""Thin views: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dsar.core.exceptions import ApplicationError, form_add_application_error

from . import selectors, services, state_machine
from .forms import CaseForm, DashboardFilterForm, EventForm, ProceedingForm, UploadForm
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
    cases = selectors.case_list(user=request.user, status=status, query=request.GET.get("q", ""))
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
    case = selectors.case_get(user=request.user, case_id=pk)
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
            "today": selectors.today(),
        },
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
    proceeding = selectors.proceeding_get(user=request.user, proceeding_id=pk)
    allowed = state_machine.allowed_events(proceeding.status)
    form = EventForm(allowed_kinds=allowed, initial={"occurred_on": selectors.today()})
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
        "today": selectors.today(),
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
