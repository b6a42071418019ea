from collections.abc import Callable
from datetime import date

from dsar.deadlines.calendars import Closure
from dsar.deadlines.engine import (
    ClockError,
    ClockResult,
    Counting,
    Extension,
    Pause,
    check_member_state,
    compute,
)
from dsar.deadlines.procedure import RuleSettings
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


def closures_lookup() -> Callable[[str, str], tuple[Closure, ...]]:
    """Closure days per calendar, each labelled with its reason and, when not VERIFIED, its
    status (Mexico's published non-working days, executive-order closures)."""
    rows = list(
        ClosureDay.objects.values_list("country", "subdivision", "date", "reason", "status")
    )

    def label(reason: str, status: str) -> str:
        text = f"Closure: {reason}" if reason else "Closure"
        return text if status == "VERIFIED" else f"{text} [{status}]"

    def closures(country: str, subdivision: str) -> tuple[Closure, ...]:
        country, subdivision = (country or "").upper(), (subdivision or "").upper()
        return tuple(
            sorted(
                (d, label(reason, status))
                for c, s, d, reason, status in rows
                if c == country and (not s or s == subdivision)
            )
        )

    return closures


def rule_settings() -> RuleSettings:
    """Everything administrators changed, read once: recomputing many proceedings reuses it."""
    return RuleSettings(
        overrides=rule_overrides(),
        closures=closures_lookup(),
        pause_stops_clock={
            code: bool(stops)
            for code, stops in RuleSetting.objects.filter(
                pause_stops_clock__isnull=False
            ).values_list("code", "pause_stops_clock")
        },
    )


def clock_calculate(
    *,
    code: str,
    start: date,
    country: str = "",
    subdivision: str = "",
    pauses: list[Pause] | tuple[Pause, ...] = (),
    extended: bool = False,
    extension_days: int | None = None,
    extended_to: date | None = None,
    first_received: date | None = None,
    counting: Counting | None = None,
    after_cutoff: bool = False,
) -> ClockResult:
    """One clock for the calculator and the ``deadline`` command, with the administrators'
    overrides and closure days applied. Raises ``ClockError`` for bad input (an unknown code
    included); nothing is stored."""
    if code not in RULES:
        raise ClockError(f"Unknown clock code '{code}'. Known codes: {', '.join(sorted(RULES))}")
    # Refuse what needs no database first: the command answers even before migrations.
    check_member_state(RULES[code], country or RULES[code].country)
    settings = rule_settings()
    rule = settings.rule(code)
    country = (country or rule.country or "").upper()
    extension = None
    if extended or extension_days is not None or extended_to is not None:
        extension = Extension(extension_days, extended_to)
    if first_received is not None and code not in ("us-foia-response", "us-foia-appeal-decision"):
        raise ClockError("--first-received applies only to the FOIA response clocks.")
    return compute(
        rule,
        start,
        country=country or None,
        subdivision=subdivision or None,
        pauses=pauses,
        extension=extension,
        closures=settings.closures(country, subdivision or rule.subdivision),
        first_received=first_received,
        counting=counting,
        after_cutoff=after_cutoff,
    )
