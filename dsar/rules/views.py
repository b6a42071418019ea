from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from dsar.deadlines.engine import ClockError
from dsar.deadlines.rules import RULES

from .forms import CalculatorForm
from .models import RecomputeRun
from .selectors import clock_calculate


def calculator(request):
    """The public deadline calculator: no login, nothing stored."""
    form = CalculatorForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            result = clock_calculate(
                code=data["clock"],
                start=data["start"],
                country=data["country"],
                subdivision=data["subdivision"],
                pauses=data["pauses"],
                extended=data["extended"],
                extension_days=data.get("extension_days"),
                extended_to=data.get("extended_to"),
                first_received=data.get("first_received"),
            )
        except ClockError as exc:
            form.add_error(None, str(exc))
    return render(
        request, "rules/calculator.html", {"form": form, "result": result, "rules": RULES.values()}
    )


@staff_member_required
def recompute_runs(request):
    """Administrators: progress of the clock recomputations (the table refreshes itself)."""
    runs = RecomputeRun.objects.all()[:20]
    partial = request.headers.get("HX-Request")
    template = "rules/_recompute_table.html" if partial else "rules/recompute.html"
    return render(request, template, {"runs": runs})
