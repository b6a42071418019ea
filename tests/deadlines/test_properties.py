from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.deadlines import Pause, compute
from dsar.deadlines.rules import RULES

codes = st.sampled_from(sorted(RULES))
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def country_for(code: str) -> str | None:
    return "DE" if RULES[code].needs_member_state else None


@settings(max_examples=300, deadline=None)
@given(codes, starts)
def test_due_is_never_before_the_start(code, start):
    assert compute(code, start, country=country_for(code)).due >= start


@settings(max_examples=300, deadline=None)
@given(codes, starts, st.integers(0, 40), st.integers(0, 30))
def test_a_pause_never_makes_the_due_date_earlier(code, start, offset, length):
    plain = compute(code, start, country=country_for(code))
    effective = date.fromisoformat(plain.explanation["effective_start"])
    pause_start = effective + timedelta(days=offset)
    if pause_start >= plain.due:
        return
    paused = compute(
        code,
        start,
        country=country_for(code),
        pauses=[Pause(pause_start, pause_start + timedelta(days=length))],
    )
    assert paused.due >= plain.due


@settings(max_examples=300, deadline=None)
@given(codes, starts, st.integers(0, 120))
def test_adding_a_holiday_never_makes_the_due_date_earlier(code, start, offset):
    closure = start + timedelta(days=offset)
    plain = compute(code, start, country=country_for(code))
    closed = compute(code, start, country=country_for(code), closures=(closure,))
    assert closed.due >= plain.due


@settings(max_examples=200, deadline=None)
@given(codes, starts)
def test_an_extension_never_makes_the_due_date_earlier(code, start):
    if not RULES[code].extension:
        return
    plain = compute(code, start, country=country_for(code))
    assert compute(code, start, country=country_for(code), extended=True).due >= plain.due
