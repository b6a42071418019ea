from collections.abc import Callable
from datetime import date

from dsar.deadlines.engine import ClockResult, compute
from dsar.deadlines.rules import RULES, Rule

from .models import ClosureDay, RuleSetting


def rule_overrides() -> dict[str, Rule]:
    overrides = {}
    for setting in RuleSetting.objects.all():
        base = RULES.get(setting.code)
        if base is not None:
            overrides[setting.code] = base.with_override(
                count=setting.count,
                extension=setting.extension,
                unit=setting.unit or None,
                note=setting.reason,
            )
    return overrides


def closures_lookup() -> Callable[[str, str], tuple[date, ...]]:
    rows = list(ClosureDay.objects.values_list("country", "subdivision", "date"))

    def closures(country: str, subdivision: str) -> tuple[date, ...]:
        country, subdivision = (country or "").upper(), (subdivision or "").upper()
        return tuple(sorted(d for c, s, d in rows if c == country and (not s or s == subdivision)))

    return closures


def rule_context() -> dict:
    """Everything administrators changed, read once: recomputing many proceedings reuses it."""
    return {"overrides": rule_overrides(), "closures": closures_lookup()}


def clock_calculate(
    *,
    code: str,
    start: date,
    country: str = "",
    subdivision: str = "",
    pauses: list | tuple = (),
    extended: bool = False,
) -> ClockResult:
    """One clock for the calculator and the ``deadline`` command, with the administrators'
    overrides and closure days applied. Raises ``ClockError`` (or KeyError for an unknown code)."""
    context = rule_context()
    rule = context["overrides"].get(code) or RULES[code]
    country = (country or rule.country or "").upper()
    return compute(
        rule,
        start,
        country=country or None,
        subdivision=subdivision or None,
        pauses=pauses,
        extended=extended,
        closures=context["closures"](country, subdivision or rule.subdivision),
    )
