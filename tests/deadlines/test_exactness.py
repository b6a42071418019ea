"""Property tests that check exactness, not only monotonicity: the due date is a working day
where the rule rolls forward; exactly N counted days lie between the start and the due date;
a pause that starts on the due day is covered."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.deadlines import Pause, compute
from dsar.deadlines.calendars import work_calendar
from dsar.deadlines.engine import add_months
from dsar.deadlines.rules import (
    BUSINESS,
    CALENDAR,
    EXCLUDE_DAY,
    INCLUDE_DAY,
    MONTH,
    NEXT_WORKING_DAY,
    REQUESTER,
    RULES,
)

codes = st.sampled_from(sorted(RULES))
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2034, 12, 31))


def calendar_of(code: str):
    rule = RULES[code]
    country = rule.country or "DE"
    return work_calendar(country, rule.subdivision), country


def working(cal, day: date) -> bool:
    # Day by day, from the holiday table (not the ordinal index the engine searches).
    return day.weekday() < 5 and day not in cal.non_working


def rolls(code: str) -> bool:
    rule = RULES[code]
    return rule.unit != BUSINESS and rule.end_rolls and rule.party != REQUESTER


@settings(max_examples=400, deadline=None)
@given(codes, starts)
def test_where_the_rule_rolls_forward_the_due_date_is_a_working_day(code, start):
    cal, country = calendar_of(code)
    due = compute(code, start, country=country).due
    if RULES[code].unit == BUSINESS or rolls(code):
        assert working(cal, due), (code, start, due)


@settings(max_examples=400, deadline=None)
@given(codes, starts)
def test_exactly_n_counted_days_lie_between_start_and_due(code, start):
    rule = RULES[code]
    cal, country = calendar_of(code)
    due = compute(code, start, country=country).due
    if rule.start_rule == NEXT_WORKING_DAY:
        first = start
        while not working(cal, first):
            first += timedelta(days=1)
        day_zero = first  # received on the next working day, which is not counted
    elif rule.start_rule == INCLUDE_DAY and rule.unit in (BUSINESS, CALENDAR):
        day_zero = start - timedelta(days=1)
    else:
        assert rule.start_rule in (EXCLUDE_DAY, INCLUDE_DAY)
        day_zero = start
    if rule.unit == BUSINESS:
        counted = sum(
            working(cal, day_zero + timedelta(days=i)) for i in range(1, (due - day_zero).days + 1)
        )
        assert counted == rule.count, (code, start, due)
        return
    if rule.unit == CALENDAR:
        raw_end = day_zero + timedelta(days=rule.count)
    elif rule.unit == MONTH:
        raw_end = add_months(day_zero, rule.count)
    else:
        raw_end = add_months(day_zero, 12 * rule.count)
    if not rolls(code):
        assert due == raw_end, (code, start, due)
        return
    # Rolled: the raw end, or the first working day after it, with only non-working days between.
    assert due >= raw_end
    assert all(not working(cal, raw_end + timedelta(days=i)) for i in range((due - raw_end).days))


@settings(max_examples=300, deadline=None)
@given(codes, starts, st.integers(0, 20))
def test_a_pause_starting_on_the_due_day_is_covered(code, start, length):
    rule = RULES[code]
    if rule.unit not in (BUSINESS, CALENDAR):
        return
    cal, country = calendar_of(code)
    due = compute(code, start, country=country).due
    pause = Pause(due, due + timedelta(days=length))
    paused = compute(code, start, country=country, pauses=[pause]).due
    # One day is left after the answer arrives: the first (working) day after the pause.
    if rule.unit == BUSINESS:
        expected = pause.end + timedelta(days=1)
        while not working(cal, expected):
            expected += timedelta(days=1)
    else:
        expected = pause.end + timedelta(days=1)
        if rolls(code):
            while not working(cal, expected):
                expected += timedelta(days=1)
    assert paused == expected, (code, start, pause, paused)
    assert paused > due


@settings(max_examples=300, deadline=None)
@given(starts, st.integers(0, 60))
def test_a_misdirected_request_starts_at_the_earlier_of_receipt_and_the_ten_day_cap(first, lag):
    # 552(a)(6)(A)(ii): the clock starts on receipt by the proper component, but no later than
    # 10 working days after a designated component first received the request.
    cal, _country = calendar_of("us-foia-response")
    received = first + timedelta(days=lag)
    cap = first
    while not working(cal, cap):
        cap += timedelta(days=1)
    counted = 0
    while counted < 10:
        cap += timedelta(days=1)
        counted += working(cal, cap)
    result = compute("us-foia-response", received, first_received=first)
    assert result.due == compute("us-foia-response", min(received, cap)).due
    assert result.due <= compute("us-foia-response", received).due
