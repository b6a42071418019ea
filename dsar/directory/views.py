"""Public pages of the directory (no login)."""

from django.shortcuts import render

from dsar.directory import selectors


def index(request):
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "q": query,
        "groups": selectors.agencies_by_country(query=query),
        "systems": selectors.record_system_list(query=query),
    }
    return render(request, "directory/index.html", context)


def agency_detail(request, code: str):
    agency = selectors.agency_get(code=code)
    context = {
        "agency": agency,
        "stats": selectors.agency_statistics(agency=agency),
    }
    return render(request, "directory/agency_detail.html", context)


def system_detail(request, code: str):
    system = selectors.record_system_get(code=code)
    return render(request, "directory/system_detail.html", {"system": system})
