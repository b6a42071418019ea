"""Working-day calendars: weekends, public holidays (observed days included) and closures.

Business-day arithmetic is done on a sorted array of working-day ordinals per calendar, built
once per (country, subdivision, closures) and year span and cached, so adding N business days is
one binary search instead of a day-by-day walk with a holiday lookup per day.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

FIRST_YEAR = 2000
LAST_YEAR = 2045
# Calendars with no national holidays of their own (an EU-wide body): weekends only.
WEEKENDS_ONLY = {"EU", ""}


# A closure day, alone or with the label the explanation shows ("Closure: acuerdo ... [status]").
Closure = date | tuple[date, str]


def closure_date(closure: Closure) -> date:
    return closure[0] if isinstance(closure, tuple) else closure


class UnknownCalendar(ValueError):
    pass


# Canada's federal calendar (Interpretation Act s.35(1)): the package's national list lacks
# Easter Monday, Victoria Day, Thanksgiving, Remembrance Day, Boxing Day and the National Day
# for Truth and Reconciliation (from 2021), which it files under other categories.
CANADA_FEDERAL_CATEGORIES = ("public", "government", "optional")


def _canada_federal(years: range) -> dict[date, str]:
    table = holidays.country_holidays(
        "CA", years=years, observed=True, categories=CANADA_FEDERAL_CATEGORIES
    )
    days = dict(table.items())
    for year in years:
        days.setdefault(easter(year) + timedelta(days=1), "Easter Monday")
    return days


def _holiday_dates(country: str, subdivision: str, years: range) -> dict[date, str]:
    if country in WEEKENDS_ONLY:
        return {}
    if country == "CA" and not subdivision:
        return _canada_federal(years)
    try:
        # observed=True: a Saturday holiday observed on Friday, a Sunday one on Monday.
        table = holidays.country_holidays(
            country, subdiv=subdivision or None, years=years, observed=True
        )
    except (NotImplementedError, KeyError) as exc:
        raise UnknownCalendar(
            f"No holiday calendar for {country}{'-' + subdivision if subdivision else ''}"
        ) from exc
    return dict(table.items())


@dataclass(frozen=True)
class WorkCalendar:
    country: str
    subdivision: str = ""
    closures: tuple[date, ...] = ()
    non_working: dict[date, str] = field(default_factory=dict, compare=False, hash=False)
    working_ordinals: tuple[int, ...] = field(default=(), compare=False, hash=False)
    non_working_ordinals: tuple[int, ...] = field(default=(), compare=False, hash=False)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.non_working

    def reason(self, day: date) -> str:
        if day in self.non_working:
            return self.non_working[day]
        return "Saturday" if day.weekday() == 5 else "Sunday" if day.weekday() == 6 else ""

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the next one."""
        ords = self.working_ordinals
        i = bisect_left(ords, day.toordinal())
        if i >= len(ords):
            raise ValueError("date outside the supported calendar range")
        return date.fromordinal(ords[i])

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        ords = self.working_ordinals
        i = bisect_right(ords, day.toordinal()) + count - 1
        if count < 1 or i >= len(ords):
            raise ValueError("date outside the supported calendar range")
        return date.fromordinal(ords[i])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end."""
        ords = self.working_ordinals
        return bisect_right(ords, end.toordinal()) - bisect_right(ords, start.toordinal())

    def non_working_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Non-working days d with start < d <= end, with the reason."""
        ords = self.non_working_ordinals
        lo = bisect_right(ords, start.toordinal())
        hi = bisect_right(ords, end.toordinal())
        days = [date.fromordinal(o) for o in ords[lo:hi]]
        return [(day, self.reason(day)) for day in days]


@lru_cache(maxsize=256)
def work_calendar(
    country: str, subdivision: str = "", closures: tuple[Closure, ...] = ()
) -> WorkCalendar:
    country = (country or "").upper()
    subdivision = (subdivision or "").upper()
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    non_working = _holiday_dates(country, subdivision, years)
    for closure in closures:
        label = closure[1] if isinstance(closure, tuple) else "Closure"
        non_working.setdefault(closure_date(closure), label)
    first, last = date(FIRST_YEAR, 1, 1).toordinal(), date(LAST_YEAR, 12, 31).toordinal()
    holiday_ordinals = {d.toordinal() for d in non_working}
    working: list[int] = []
    resting: list[int] = []
    for o in range(first, last + 1):
        (working if (o + 6) % 7 < 5 and o not in holiday_ordinals else resting).append(o)
    return WorkCalendar(
        country,
        subdivision,
        tuple(sorted(closure_date(c) for c in closures)),
        non_working,
        tuple(working),
        tuple(resting),
    )
