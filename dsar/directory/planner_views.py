"""The planner's pages: a form anyone can use, a result page, and saving the plan as a case.

What people tell the planner (nationality, status, what happened) never goes into a URL, where
it would land in access logs and browser history: the form is posted, and the answers are kept
as a draft in the server-side session, from which the result page is shown."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dsar.cases.selectors import client_list
from dsar.core.exceptions import ApplicationError, form_add_application_error
from dsar.directory.forms import PlanClientForm, PlanForm
from dsar.directory.models import Agency, Channel, RecordSystem, Regime
from dsar.directory.planner import plan, situations
from dsar.directory.services import plan_case_create

PLAN_FIELDS = (
    "situation",
    "nationality",
    "us_status",
    "residence",
    "present_in",
    "screened_us",
    "date",
    "place",
    "details",
)
DRAFT_SESSION_KEY = "planner_draft"


def _plan(data: dict):
    return plan(
        data["situation"],
        data["nationality"],
        data["us_status"],
        data["residence"],
        present_in=data.get("present_in") or "",
        screened_us=bool(data.get("screened_us")),
    )


def _draft_store(request, data) -> None:
    request.session[DRAFT_SESSION_KEY] = {
        name: str(data.get(name, "")) for name in PLAN_FIELDS if data.get(name)
    }


def _draft(request) -> dict:
    draft = request.session.get(DRAFT_SESSION_KEY)
    return draft if isinstance(draft, dict) else {}


def _enrich(proposals) -> list[dict]:
    """Each proposal with the directory objects it names (four queries in all)."""
    regimes = {r.code: r for r in Regime.objects.filter(code__in={p.regime for p in proposals})}
    agencies = {
        a.code: a
        for a in Agency.objects.select_related("parent").filter(
            code__in={p.agency for p in proposals}
        )
    }
    systems = {
        s.code: s
        for s in RecordSystem.objects.filter(code__in={p.record_system for p in proposals})
    }
    channels = {c.code: c for c in Channel.objects.filter(code__in={p.channel for p in proposals})}
    return [
        {
            "plan": p,
            "regime": regimes.get(p.regime),
            "agency": agencies.get(p.agency),
            "record_system": systems.get(p.record_system),
            "channel": channels.get(p.channel),
            "why": p.localized(get_language())[0],
            "caveat": p.localized(get_language())[1],
        }
        for p in proposals
    ]


def _situation_title(code: str) -> str:
    data = situations()[code]
    return (get_language() == "es" and data.get("title_es")) or data["title"]


@never_cache
def plan_form(request):
    initial = {"us_status": "none", **_draft(request)}
    form = PlanForm(initial=initial)
    return render(request, "directory/plan_form.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def plan_result(request):
    if request.method == "POST":
        form = PlanForm(request.POST)
        if not form.is_valid():
            return render(request, "directory/plan_form.html", {"form": form})
        _draft_store(request, request.POST)
        return redirect("planner:result")
    draft = _draft(request)
    if not draft:
        return redirect("planner:plan")
    form = PlanForm(draft)
    if not form.is_valid():
        return render(request, "directory/plan_form.html", {"form": form})
    return render(
        request, "directory/plan_result.html", _result_context(request, form, _client_form(request))
    )


def _result_context(request, form, client_form) -> dict:
    data = form.cleaned_data
    result_url = reverse("planner:result")
    return {
        "form": form,
        "data": data,
        "situation_title": _situation_title(data["situation"]),
        "proposals": _enrich(_plan(data)),
        "result_url": result_url,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': result_url})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': result_url})}",
        "client_form": client_form,
    }


def _client_form(request, data=None) -> PlanClientForm | None:
    if not request.user.is_authenticated:
        return None
    return PlanClientForm(data, clients=client_list(user=request.user))


@require_POST
def plan_save(request):
    form = PlanForm(request.POST)
    if not form.is_valid():
        return render(request, "directory/plan_form.html", {"form": form}, status=400)
    _draft_store(request, request.POST)
    result_url = reverse("planner:result")
    if not request.user.is_authenticated:
        return redirect_to_login(result_url)
    data = form.cleaned_data
    proposals = _enrich(_plan(data))
    if not proposals:
        messages.error(request, _("There is nothing to save: no proceeding was proposed."))
        return redirect(result_url)
    client_form = _client_form(request, request.POST)
    if not client_form.is_valid():
        return _result_with_errors(request, form, client_form)
    client = client_form.cleaned_data
    try:
        case = plan_case_create(
            user=request.user,
            situation_title=_situation_title(data["situation"]),
            facts=data,
            proposals=proposals,
            client_case_id=int(client["client"]) if client["client"] else None,
            client_name=client["client_name"],
            client_address=client["client_address"],
            client_email=client["client_email"],
            client_date_of_birth=client["client_date_of_birth"],
            for_myself=client["for_myself"],
            title=client["case_title"],
        )
    except ApplicationError as exc:
        form_add_application_error(client_form, exc)
        return _result_with_errors(request, form, client_form)
    request.session.pop(DRAFT_SESSION_KEY, None)
    messages.success(request, _("The plan was saved as a new case; its proceedings are drafts."))
    return redirect(case.get_absolute_url())


def _result_with_errors(request, form, client_form):
    context = _result_context(request, form, client_form)
    return render(request, "directory/plan_result.html", context, status=400)
