"""Compute a legal deadline from a rule, a start date, pauses and an extension, and explain it.

The conventions are per rule (see ``rules.py``) and are listed in every explanation:
- when counting starts: the start moved to the next working day (US FOIA receipt), the start day
  excluded and never moved (Reg. 1182/71 Art. 3(1), Canada, Brazil), or the start day counted as
  day one (ICO; agencies such as DOI for business days);
- business days skip weekends, public holidays (observed days included) and closure days;
- an agency's calendar-day, month or year period ending on a non-working day moves to the next
  working day where the rule says so; the requester's own deadlines never move (a note says the
  agency may accept the next working day);
- a month ends on the same date of the following month, or on its last day if there is none;
- a pause FROM:TO counts the days through FROM and resumes counting after TO.
"""

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .calendars import Closure, WorkCalendar, work_calendar
from .rules import (
    AGENCY_CHOSEN,
    BUSINESS,
    CALENDAR,
    EXCLUDE_DAY,
    INCLUDE_DAY,
    MONTH,
    NEXT_WORKING_DAY,
    REQUESTER,
    YEAR,
    Rule,
    get_rule,
)


def _(text: str) -> str:
    """Marks a sentence for the translation catalogue; the engine itself stays in English."""
    return text


# Sentences shown with every explanation, chosen per rule (the template translates them).
START_SENTENCES = {
    NEXT_WORKING_DAY: _(
        "The start day is not counted; a start on a weekend, holiday or closure day counts as "
        "received on the next working day."
    ),
    EXCLUDE_DAY: _("The day of the event is not counted, whether or not it is a working day."),
    INCLUDE_DAY: _("The day of the event counts as day one, whether or not it is a working day."),
}
BUSINESS_SENTENCE = _(
    "Business days skip weekends, public holidays (including observed days) and closure days."
)
ROLL_SENTENCE = _("A period ending on a non-working day ends on the next working day.")
NO_ROLL_SENTENCE = _(
    "This is the requester's own deadline: it is shown on its last day and never moved; if that "
    "day is not a working day the agency may accept the next working day, but do not rely on it."
)
NO_ROLL_AGENCY_SENTENCE = _("The end is not moved when it falls on a non-working day.")
MONTH_SENTENCE = _("A month ends on the same date of the next month, or on that month's last day.")
PAUSE_SENTENCE = _(
    "During a pause the clock stops after the day it was paused and resumes the day after the "
    "answer arrived; a pause that begins on the last day leaves one day after the answer."
)
# Kept for callers that list the general conventions.
CONVENTIONS = [
    START_SENTENCES[NEXT_WORKING_DAY],
    BUSINESS_SENTENCE,
    ROLL_SENTENCE,
    MONTH_SENTENCE,
    PAUSE_SENTENCE,
]

# The misdirected-request cap: the clock starts no later than 10 working days after a component
# designated to receive FOIA requests first received it (552(a)(6)(A)(ii), as amended in 2007).
MISDIRECTED_CAP_DAYS = 10
MISDIRECTED_CITATION = "5 U.S.C. 552(a)(6)(A)(ii) (Pub. L. 110-175 s.6)"


class ClockError(ValueError):
    """Bad input to the engine: the message is safe to show to a user."""


@dataclass(frozen=True)
class Pause:
    start: date  # the agency asked for information on this day (counted)
    end: date  # the answer reached the agency on this day (not counted)


@dataclass(frozen=True)
class Counting:
    """How one agency counts (fact table U-22, U-23): whether the day of receipt is day one,
    and the time after which a receipt counts as received the next working day."""

    agency: str = ""
    receipt_is_day_one: bool = False
    cutoff: str = ""  # "17:00"
    cutoff_timezone: str = ""  # "America/New_York"
    citation: str = ""
    status: str = ""

    @property
    def is_default(self) -> bool:
        return not (self.receipt_is_day_one or self.cutoff)


@dataclass(frozen=True)
class Extension:
    """An extension notice: ``days`` in the rule's unit, or the ``until`` date the agency set.
    Both empty means the full extension the rule allows (for a fixed extension)."""

    days: int | None = None
    until: date | None = None


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
    explanation: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("start", "effective_start", "due"):
            data[key] = data[key].isoformat()
        data["clock"] = data.pop("code")
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
    if rule.unit == YEAR:
        return add_months(origin, 12 * amount)
    return add_months(origin, amount)


def conventions_for(rule: Rule) -> list[str]:
    sentences = [START_SENTENCES.get(rule.start_rule, START_SENTENCES[NEXT_WORKING_DAY])]
    if rule.unit == BUSINESS:
        sentences.append(BUSINESS_SENTENCE)
    elif rule.party == REQUESTER:
        sentences.append(NO_ROLL_SENTENCE)
    elif rule.end_rolls:
        sentences.append(ROLL_SENTENCE)
    else:
        sentences.append(NO_ROLL_AGENCY_SENTENCE)
    if rule.unit in (MONTH, YEAR):
        sentences.append(MONTH_SENTENCE)
    sentences.append(PAUSE_SENTENCE)
    return sentences


def check_member_state(rule: Rule, country: str) -> None:
    """EU regimes are counted on a Member State's holidays, never on weekends alone."""
    if rule.needs_member_state and (country or "").upper() in ("", "EU"):
        raise ClockError(
            f"{rule.code} is counted on the public holidays of the Member State whose authority "
            "must answer (Reg. 1182/71 Art. 2(1)). Give that country's two-letter code."
        )


def compute(
    code: str | Rule,
    start: date,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    pauses: tuple[Pause, ...] | list[Pause] = (),
    extended: bool = False,
    extension: Extension | None = None,
    closures: tuple[Closure, ...] = (),
    first_received: date | None = None,
    counting: Counting | None = None,
    after_cutoff: bool = False,
    explain: bool = True,
) -> ClockResult:
    """Compute one clock. ``explain=False`` skips building the explanation (bulk work).

    ``extension`` (or ``extended=True`` for the rule's full extension) applies an extension;
    ``first_received`` is the day a designated component first received a misdirected request;
    ``counting`` is the agency's own day-one and cut-off convention, ``after_cutoff`` whether the
    receipt came after its cut-off time."""
    rule = code if isinstance(code, Rule) else get_rule(code)
    country = (country or rule.country or "").upper()
    subdivision = (subdivision if subdivision is not None else rule.subdivision) or ""
    check_member_state(rule, country)
    if extension is None and extended:
        extension = Extension()
    try:
        cal = work_calendar(
            country, subdivision.upper(), tuple(sorted(set(closures), key=str)) if closures else ()
        )
    except ValueError as exc:
        raise ClockError(str(exc)) from exc
    try:
        return _compute(
            rule,
            cal,
            start,
            list(pauses),
            extension,
            first_received=first_received,
            counting=counting,
            after_cutoff=after_cutoff,
            explain=explain,
        )
    except ClockError:
        raise
    except (ValueError, IndexError, OverflowError) as exc:
        raise ClockError("date outside the supported calendar range") from exc


def _origin(rule: Rule, cal: WorkCalendar, received: date, counting: Counting | None) -> date:
    """Day zero: the last day not counted. Day one is the next counted day after it."""
    day_one = rule.start_rule == INCLUDE_DAY or (
        counting is not None and counting.receipt_is_day_one and rule.start_rule != EXCLUDE_DAY
    )
    if rule.unit in (MONTH, YEAR):
        # Same-date rule: received 3 Sep, due 3 Oct, whether day one or day zero (ICO, CJEU).
        return cal.next_working_day(received) if rule.start_rule == NEXT_WORKING_DAY else received
    if day_one:
        return received - timedelta(days=1)
    if rule.start_rule == NEXT_WORKING_DAY:
        return cal.next_working_day(received)
    return received


def _extension_amount(rule: Rule, extension: Extension | None) -> int:
    if extension is None:
        return 0
    if extension.days is not None and extension.days < 1:
        raise ClockError("An extension is at least one day.")
    if rule.extension_kind == AGENCY_CHOSEN:
        if extension.days is None and extension.until is None:
            return 0  # the notice did not say: the original date stands, and the note says so
        return extension.days or 0
    if not rule.extension:
        raise ClockError(f"The rule {rule.code} has no extension.")
    if extension.days is not None and extension.days > rule.extension:
        raise ClockError(
            f"The rule {rule.code} allows an extension of at most {rule.extension} {rule.unit} "
            f"units, not {extension.days}."
        )
    return extension.days if extension.days is not None else rule.extension


def _compute(
    rule: Rule,
    cal: WorkCalendar,
    start: date,
    pauses: list[Pause],
    extension: Extension | None,
    *,
    first_received: date | None = None,
    counting: Counting | None = None,
    after_cutoff: bool = False,
    explain: bool = True,
) -> ClockResult:
    notes: list[str] = []
    received = start
    if after_cutoff and counting is not None and counting.cutoff:
        received = cal.next_working_day(start + timedelta(days=1))
        notes.append(
            f"Received after {counting.agency or 'the agency'}'s cut-off time "
            f"({counting.cutoff} {counting.cutoff_timezone}): counts as received on "
            f"{received.isoformat()} ({counting.citation})."
        )
    capped_on = None
    if first_received is not None:
        if first_received > received:
            raise ClockError(
                "The day a component first received the request cannot be after the day the "
                "proper component received it."
            )
        cap = cal.add_working_days(cal.next_working_day(first_received), MISDIRECTED_CAP_DAYS)
        if cap < received:
            capped_on = cap
            received = cap
        notes.append(
            f"First received by another component on {first_received.isoformat()}: the clock "
            f"starts when the proper component receives it, but no later than "
            f"{MISDIRECTED_CAP_DAYS} working days after first receipt ({cap.isoformat()}); "
            f"{MISDIRECTED_CITATION}."
        )
    origin0 = _origin(rule, cal, received, counting)
    effective = received if rule.start_rule != NEXT_WORKING_DAY else cal.next_working_day(received)
    extra = _extension_amount(rule, extension)
    amount = rule.count + extra
    pauses = sorted(pauses, key=lambda p: p.start)
    steps: list[dict[str, Any]] = []
    origin = origin0
    remaining = amount
    paused_days = 0
    calendar_like = rule.unit != BUSINESS

    def finish(raw: date) -> date:
        if calendar_like and rule.end_rolls and rule.party != REQUESTER:
            return cal.next_working_day(raw)
        return raw

    for pause in pauses:
        if pause.end < pause.start:
            raise ClockError(f"The pause {pause.start}:{pause.end} ends before it starts.")
        running_due = finish(_advance(rule, cal, origin, remaining) + timedelta(days=paused_days))
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
            # Month and year clocks: the end moves by the number of paused days.
            counted = (pause.start - origin0).days
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
    due = finish(raw_due)
    agency_date = None
    if extension is not None and extension.until is not None:
        if extension.until < due:
            raise ClockError(
                f"The extended date {extension.until} is before the original due date {due}."
            )
        if rule.extension_kind != AGENCY_CHOSEN:
            longest = finish(_advance(rule, cal, origin, remaining + rule.extension - extra))
            if extension.until > longest:
                raise ClockError(
                    f"The extended date {extension.until} is later than the longest extension "
                    f"the rule allows ({longest})."
                )
        agency_date = extension.until
        due = extension.until
    extended = extension is not None and (extra > 0 or agency_date is not None)
    if not explain:
        return ClockResult(
            rule.code, rule.label, start, effective, due, extended, rule.citation, rule.status
        )
    if extension is not None and not extended:
        notes.append(
            "The agency may extend this period for good cause without a fixed length; record "
            "the length or the new date its notice states. Until then the original date stands."
        )
    if agency_date is not None:
        notes.append(f"The agency's notice set the new date: {agency_date.isoformat()}.")
    next_working = None
    if rule.party == REQUESTER and not cal.is_working_day(due):
        next_working = cal.next_working_day(due)
        notes.append(
            f"The last day, {due.isoformat()}, is not a working day. A filing on the next "
            f"working day ({next_working.isoformat()}) may be accepted under the agency's or "
            "the court's own rules; this date is not moved."
        )
    if counting is not None and not counting.is_default:
        parts = []
        # Day one applies where the statute lets the agency choose (not to periods whose
        # first day the law itself excludes, nor to months).
        if (
            counting.receipt_is_day_one
            and rule.start_rule != EXCLUDE_DAY
            and rule.unit in (BUSINESS, CALENDAR)
        ):
            parts.append("counts the day of receipt as day one")
        if counting.cutoff:
            parts.append(
                f"treats a receipt after {counting.cutoff} {counting.cutoff_timezone} as "
                "received the next working day"
            )
        if parts:
            notes.append(
                f"{counting.agency or 'The agency'} "
                + " and ".join(parts)
                + f" ({counting.citation}"
                + (f", {counting.status}" if counting.status else "")
                + ")."
            )
    # Weekends are only counted; holidays and closures are listed by name.
    skipped, weekend_days = [], 0
    for day, reason in cal.non_working_between(origin0, due):
        if calendar_like and day < raw_due:
            continue
        if day.weekday() >= 5 and reason in ("Saturday", "Sunday"):
            weekend_days += 1
        else:
            skipped.append({"date": day.isoformat(), "reason": reason})
    unit_name = {
        BUSINESS: "business days",
        CALENDAR: "calendar days",
        MONTH: "months",
        YEAR: "years",
    }[rule.unit]
    explanation = {
        "rule": rule.code,
        "citation": rule.citation,
        "status": rule.status,
        "overridden": rule.overridden,
        "unit": rule.unit,
        "count": rule.count,
        "extension": extra,
        "extended_to": agency_date.isoformat() if agency_date else None,
        "total": f"{amount} {unit_name}",
        "party": rule.party,
        "start_rule": rule.start_rule,
        "convention_citation": rule.convention_citation,
        "convention_status": rule.convention_status,
        "conventions": conventions_for(rule),
        "calendar": {
            "country": cal.country or "—",
            "subdivision": cal.subdivision,
            "closures": [d.isoformat() for d in cal.closures],
        },
        "starts_on": rule.starts_on,
        "start": start.isoformat(),
        "first_received": first_received.isoformat() if first_received else None,
        "start_capped": capped_on.isoformat() if capped_on else None,
        "effective_start": effective.isoformat(),
        "start_moved": effective != start,
        # Why counting starts on another day than the start date given.
        "start_reason": (
            "first_received"
            if capped_on
            else "after_cutoff"
            if received != start
            else "non_working_day"
            if effective != start
            else ""
        ),
        "day_one": (origin0 + timedelta(days=1)).isoformat()
        if rule.unit in (MONTH, YEAR)
        else (
            cal.add_working_days(origin0, 1) if rule.unit == BUSINESS else origin0 + timedelta(1)
        ).isoformat(),
        "pauses": steps,
        "raw_end": raw_due.isoformat(),
        "rolled_forward": raw_due != due and agency_date is None,
        "next_working_day": next_working.isoformat() if next_working else None,
        "skipped": skipped,
        "weekend_days": weekend_days,
        "notes": notes,
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
def _naive_table(country: str, subdivision: str) -> Any:
    import holidays

    from .calendars import _canada_federal

    if country in ("", "EU"):
        return {}
    if country == "CA" and not subdivision:
        return _canada_federal(range(2000, 2046))
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
    if rule.start_rule == NEXT_WORKING_DAY:
        while not working(day):
            day += timedelta(days=1)
    amount = rule.count + (rule.extension if extended else 0)
    if rule.unit == BUSINESS:
        counted = 1 if rule.start_rule == INCLUDE_DAY and working(day) else 0
        while counted < amount:
            day += timedelta(days=1)
            if working(day):
                counted += 1
        return day
    if rule.unit == CALENDAR:
        offset = amount - 1 if rule.start_rule == INCLUDE_DAY else amount
        day = day + timedelta(days=offset)
    else:
        day = add_months(day, amount * (12 if rule.unit == YEAR else 1))
    if rule.end_rolls and rule.party != REQUESTER:
        while not working(day):
            day += timedelta(days=1)
    return day


def compute_due(rule: Rule, start: date, cal: WorkCalendar, *, extended: bool = False) -> date:
    """The due date alone, for a clock without pauses (bulk work). Same result as
    ``compute(...).due`` (tested)."""
    return _compute(rule, cal, start, [], Extension() if extended else None, explain=False).due
