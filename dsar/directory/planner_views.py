"""The planner's pages: a form anyone can use, a result page, and saving the plan as a case."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dsar.core.exceptions import ApplicationError
from dsar.directory.forms import PlanForm
from dsar.directory.models import Agency, Channel, RecordSystem, Regime
from dsar.directory.planner import plan, situations

PLAN_FIELDS = ("situation", "nationality", "us_status", "residence", "date", "place", "details")


def _query(data) -> str:
    return urlencode({name: data.get(name, "") for name in PLAN_FIELDS if data.get(name)})


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


def plan_form(request):
    initial = {"us_status": "none"}
    initial.update({name: request.GET[name] for name in PLAN_FIELDS if request.GET.get(name)})
    form = PlanForm(initial=initial)
    return render(request, "directory/plan_form.html", {"form": form})


def plan_result(request):
    form = PlanForm(request.GET)
    if not form.is_valid():
        return render(request, "directory/plan_form.html", {"form": form}, status=200)
    data = form.cleaned_data
    proposals = plan(data["situation"], data["nationality"], data["us_status"], data["residence"])
    query = _query(request.GET)
    result_url = f"{reverse('planner:result')}?{query}"
    context = {
        "form": form,
        "data": data,
        "situation_title": _situation_title(data["situation"]),
        "proposals": _enrich(proposals),
        "query": query,
        "result_url": result_url,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': result_url})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': result_url})}",
    }
    return render(request, "directory/plan_result.html", context)


@require_POST
def plan_save(request):
    form = PlanForm(request.POST)
    if not form.is_valid():
        return render(request, "directory/plan_form.html", {"form": form}, status=400)
    result_url = f"{reverse('planner:result')}?{_query(request.POST)}"
    if not request.user.is_authenticated:
        return redirect_to_login(result_url)
    data = form.cleaned_data
    proposals = _enrich(
        plan(data["situation"], data["nationality"], data["us_status"], data["residence"])
    )
    if not proposals:
        messages.error(request, _("There is nothing to save: no proceeding was proposed."))
        return redirect(result_url)
    user = request.user
    try:
        with transaction.atomic():
            case = _save_case(user=user, data=data, proposals=proposals)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect(result_url)
    messages.success(request, _("The plan was saved as a new case; its proceedings are drafts."))
    return redirect(case.get_absolute_url())


def _save_case(*, user, data: dict, proposals: list[dict]):
    from dsar.cases.services import case_create, proceeding_create

    missing = [p["plan"].agency for p in proposals if p["agency"] is None or p["regime"] is None]
    if missing:
        raise ApplicationError(_("The directory is not loaded; the plan cannot be saved."))
    title = _situation_title(data["situation"])[:200]
    case = case_create(
        user=user,
        title=title,
        subject_name=(getattr(user, "display_name", "") or user.email)[:200],
        subject_nationality=data["nationality"],
        subject_us_status=data["us_status"],
        subject_residence=data["residence"],
        notes=data.get("details") or "",
        decision_date=data.get("date"),
        decision_place=data.get("place") or "",
        decision_description=data.get("details") or "",
    )
    for item in proposals:
        planned = item["plan"]
        agency = item["agency"]
        description = item["why"] + "\n\n" + planned.citation
        if item["caveat"]:
            description += "\n\n" + item["caveat"]
        proceeding_create(
            user=user,
            case=case,
            regime=item["regime"],
            request_type=planned.request_type,
            agency=agency,
            record_system=item["record_system"],
            title=f"{item['regime'].name} — {agency.abbreviation or agency.name}"[:200],
            description=description,
        )
    return case
