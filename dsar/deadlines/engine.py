"""Compute a legal deadline from a rule, a start date, pauses and an extension, and explain it.

Conventions (stated in every explanation):
- the start day is not counted; a start on a non-working day counts as the next working day;
- business days skip weekends, public holidays (observed days included) and closure days;
- calendar-day and month periods that end on a non-working day move to the next working day;
- a month ends on the same date of the following month, or on its last day if there is none;
- a pause FROM:TO counts the days through FROM and resumes counting after TO.
"""

import calendar
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from .calendars import WorkCalendar, work_calendar
from .rules import BUSINESS, CALENDAR, MONTH, Rule, get_rule

CONVENTIONS = [
    "The start day is not counted.",
    "A start on a weekend, holiday or closure day counts as the next working day.",
    "Business days skip weekends, public holidays (including observed days) and closure days.",
    "A calendar-day or month period ending on a non-working day ends on the next working day.",
    "A month ends on the same date of the next month, or on that month's last day.",
    "During a pause the clock stops after the day it was paused and resumes the day after the "
    "answer arrived; a pause that begins on the last day leaves one day after the answer.",
]


class ClockError(ValueError):
    """Bad input to the engine: the message is safe to show to a user."""


@dataclass(frozen=True)
class Pause:
    start: date  # the agency asked for information on this day (counted)
    end: date  # the answer reached the agency on this day (not counted)


@dataclass
class ClockResult:
    code: str
    label: str
    start: date
    effective_start: date
    due: date
    extended: bool
    citation: str
    status: str
    explanation: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("start", "effective_start", "due"):
            data[key] = data[key].isoformat()
        data["clock"] = data.pop("code")
        data["explanation"] = {**data["explanation"], "conventions": CONVENTIONS}
        return data


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _advance(rule: Rule, cal: WorkCalendar, origin: date, amount: int) -> date:
    """The raw end of a period of ``amount`` units after ``origin`` (origin not counted)."""
    if rule.unit == BUSINESS:
        return cal.add_working_days(origin, amount)
    if rule.unit == CALENDAR:
        return origin + timedelta(days=amount)
    return add_months(origin, amount)


def compute(
    code: str | Rule,
    start: date,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    pauses: tuple[Pause, ...] | list[Pause] = (),
    extended: bool = False,
    closures: tuple[date, ...] = (),
    explain: bool = True,
) -> ClockResult:
    """Compute one clock. ``explain=False`` skips building the explanation (bulk work)."""
    rule = code if isinstance(code, Rule) else get_rule(code)
    country = (country or rule.country or "").upper()
    subdivision = (subdivision if subdivision is not None else rule.subdivision) or ""
    try:
        cal = work_calendar(
            country, subdivision.upper(), tuple(sorted(set(closures))) if closures else ()
        )
    except ValueError as exc:
        raise ClockError(str(exc)) from exc
    if not explain and not pauses:
        if extended and not rule.extension:
            raise ClockError(f"The rule {rule.code} has no extension.")
        try:
            due = compute_due(rule, start, cal, extended=extended)
        except IndexError as exc:
            raise ClockError("date outside the supported calendar range") from exc
        return ClockResult(
            rule.code,
            rule.label,
            start,
            cal.next_working_day(start),
            due,
            extended,
            rule.citation,
            rule.status,
        )
    try:
        return _compute(rule, cal, start, list(pauses), extended, explain)
    except ValueError as exc:
        if isinstance(exc, ClockError):
            raise
        raise ClockError(str(exc)) from exc


def _compute(
    rule: Rule,
    cal: WorkCalendar,
    start: date,
    pauses: list[Pause],
    extended: bool,
    explain: bool = True,
) -> ClockResult:
    effective = cal.next_working_day(start)
    amount = rule.count + (rule.extension if extended else 0)
    if extended and not rule.extension:
        raise ClockError(f"The rule {rule.code} has no extension.")
    pauses = sorted(pauses, key=lambda p: p.start)
    steps: list[dict] = []
    origin = effective
    remaining = amount
    paused_days = 0
    # For month clocks a pause pushes the end by the number of paused days.
    for pause in pauses:
        if pause.end < pause.start:
            raise ClockError(f"The pause {pause.start}:{pause.end} ends before it starts.")
        running_due = _advance(rule, cal, origin, remaining) + timedelta(days=paused_days)
        if rule.unit != BUSINESS:
            running_due = cal.next_working_day(running_due)
        if pause.start < effective or pause.start > running_due:
            raise ClockError(
                f"The pause starting {pause.start} is outside the clock, which runs from "
                f"{effective} to {running_due}."
            )
        if steps and pause.start < date.fromisoformat(steps[-1]["to"]):
            raise ClockError("Pauses overlap.")
        if rule.unit in (BUSINESS, CALENDAR):
            if rule.unit == BUSINESS:
                counted = cal.working_days_between(origin, pause.start)
            else:
                counted = (pause.start - origin).days
            # A pause that begins on the last day still leaves one day after the answer.
            remaining = max(remaining - counted, 1)
            origin = pause.end
        else:
            counted = (pause.start - effective).days
            paused_days += (pause.end - pause.start).days
        steps.append(
            {
                "from": pause.start.isoformat(),
                "to": pause.end.isoformat(),
                "counted_before": counted,
                "paused_days": (pause.end - pause.start).days,
            }
        )
    raw_due = _advance(rule, cal, origin, remaining) + timedelta(days=paused_days)
    due = raw_due if rule.unit == BUSINESS else cal.next_working_day(raw_due)
    if not explain:
        return ClockResult(
            rule.code, rule.label, start, effective, due, extended, rule.citation, rule.status
        )
    # Weekends are only counted; holidays and closures are listed by name.
    skipped, weekend_days = [], 0
    for day, reason in cal.non_working_between(effective, due):
        if rule.unit != BUSINESS and day < raw_due:
            continue
        if day.weekday() >= 5 and reason in ("Saturday", "Sunday"):
            weekend_days += 1
        else:
            skipped.append({"date": day.isoformat(), "reason": reason})
    unit_name = {BUSINESS: "business days", CALENDAR: "calendar days", MONTH: "months"}[rule.unit]
    explanation = {
        "rule": rule.code,
        "citation": rule.citation,
        "status": rule.status,
        "overridden": rule.overridden,
        "unit": rule.unit,
        "count": rule.count,
        "extension": rule.extension if extended else 0,
        "total": f"{amount} {unit_name}",
        "calendar": {
            "country": cal.country or "—",
            "subdivision": cal.subdivision,
            "closures": [d.isoformat() for d in cal.closures],
        },
        "starts_on": rule.starts_on,
        "start": start.isoformat(),
        "effective_start": effective.isoformat(),
        "start_moved": effective != start,
        "pauses": steps,
        "raw_end": raw_due.isoformat(),
        "rolled_forward": raw_due != due,
        "skipped": skipped,
        "weekend_days": weekend_days,
        "due": due.isoformat(),
        "consequence": (
            {"text": rule.consequence.text, "citation": rule.consequence.citation}
            if rule.consequence
            else None
        ),
    }
    return ClockResult(
        rule.code,
        rule.label,
        start,
        effective,
        due,
        extended,
        rule.citation,
        rule.status,
        explanation,
    )


@lru_cache(maxsize=64)
def _naive_table(country: str, subdivision: str):
    import holidays

    if country in ("", "EU"):
        return {}
    return holidays.country_holidays(country, subdiv=subdivision or None)


def compute_naive(
    code: str,
    start: date,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    extended: bool = False,
) -> date:
    """Day-by-day counting with a holiday lookup per day: the slow reference the benchmark
    compares against, and a cross-check for the fast path in the tests."""
    rule = get_rule(code)
    country = (country or rule.country or "").upper()
    sub = subdivision if subdivision is not None else rule.subdivision
    table = _naive_table(country, sub or "")

    def working(day: date) -> bool:
        return day.weekday() < 5 and day not in table

    day = start
    while not working(day):
        day += timedelta(days=1)
    amount = rule.count + (rule.extension if extended else 0)
    if rule.unit == BUSINESS:
        counted = 0
        while counted < amount:
            day += timedelta(days=1)
            if working(day):
                counted += 1
        return day
    day = day + timedelta(days=amount) if rule.unit == CALENDAR else add_months(day, amount)
    while not working(day):
        day += timedelta(days=1)
    return day


def compute_due(rule: Rule, start: date, cal: WorkCalendar, *, extended: bool = False) -> date:
    """The due date alone, for a clock without pauses: a couple of binary searches on the
    calendar's working-day ordinals. Same result as ``compute(...).due`` (tested)."""
    working = cal.working_ordinals
    i = bisect_left(working, start.toordinal())
    effective = working[i]
    amount = rule.count + (rule.extension if extended else 0)
    if rule.unit == BUSINESS:
        return date.fromordinal(working[bisect_right(working, effective) + amount - 1])
    if rule.unit == CALENDAR:
        end = effective + amount
    else:
        end = add_months(date.fromordinal(effective), amount).toordinal()
    return date.fromordinal(working[bisect_left(working, end)])
