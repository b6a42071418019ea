"""Known answers for each regime's own counting conventions. Every case cites its source and
counts the days in a comment."""

from datetime import date

import pytest

from dsar.deadlines import ClockError, Pause, compute
from dsar.deadlines.engine import Counting, Extension
from dsar.deadlines.rules import RULES

D = date


@pytest.mark.parametrize(
    "code,start,kwargs,due",
    [
        # US FOIA (agency practice, U-3): received Sat 14 Nov 2026 = received Mon 16 Nov, not
        # counted. Nov 17-20 (4), 23-25 (7), Thanksgiving 26th, 27 (8), 30 (9), Dec 1-4 (13),
        # 7-11 (18), 14 (19), 15 (20).
        ("us-foia-response", D(2026, 11, 14), {}, D(2026, 12, 15)),
        # EU GDPR, Reg. 1182/71 Art. 3(1): received Sat 5 Sep 2026; that day is excluded but
        # not moved; one month later is Mon 5 Oct (the old convention gave 7 Oct).
        ("eu-gdpr-response", D(2026, 9, 5), {"country": "DE"}, D(2026, 10, 5)),
        # UK GDPR, ICO: "from the day you receive the request (whether it is a working day or
        # not)": Sat 5 Sep is day one; the corresponding date is Mon 5 Oct.
        ("uk-gdpr-response", D(2026, 9, 5), {}, D(2026, 10, 5)),
        # EES, Reg. 2017/2226 Art. 52(1) with Reg. 1182/71 Art. 3(1): Sat 31 Oct excluded;
        # Nov 1-30 (30), Dec 1-15 (45) = Tue 15 Dec.
        ("eu-ees-response", D(2026, 10, 31), {"country": "FR"}, D(2026, 12, 15)),
        # ETIAS, Reg. 2018/1240 Art. 64(2): Sun 1 Nov (All Saints) excluded; Nov 2-30 (29),
        # Dec 1 (30).
        ("eu-etias-response", D(2026, 11, 1), {"country": "FR"}, D(2026, 12, 1)),
        # Canada, Interpretation Act s.27: Sat 3 Oct excluded, not moved: Oct 4-31 (28),
        # Nov 1-2 (30) = Mon 2 Nov.
        ("ca-privacy-act-response", D(2026, 10, 3), {}, D(2026, 11, 2)),
        # Canada s.26 and s.35(1): from Mon 12 Oct (Thanksgiving), Oct 13-31 (19), Nov 1-11
        # (30) = Remembrance Day, a federal holiday: the end moves to Thu 12 Nov.
        ("ca-privacy-act-response", D(2026, 10, 12), {}, D(2026, 11, 12)),
        # National Day for Truth and Reconciliation (from 2021): Aug 31 + 30 = Wed 30 Sep 2026,
        # a holiday: Thu 1 Oct ...
        ("ca-privacy-act-response", D(2026, 8, 31), {}, D(2026, 10, 1)),
        # ... but not in 2020: Wed 30 Sep 2020 stands.
        ("ca-privacy-act-response", D(2020, 8, 31), {}, D(2020, 9, 30)),
        # Easter Monday: Sat 7 Mar 2026: Mar 8-31 (24), Apr 1-6 (30) = Easter Monday: Tue 7 Apr.
        ("ca-privacy-act-response", D(2026, 3, 7), {}, D(2026, 4, 7)),
        # Brazil, Civil Code art. 132: Sat 31 Oct excluded, not moved: Nov 1-15 (15) = Sun 15
        # Nov (also a holiday): §1 moves the end to Mon 16 Nov.
        ("br-lgpd-access", D(2026, 10, 31), {}, D(2026, 11, 16)),
        # FOIA expedited, 552(a)(6)(E)(ii)(I) "within 10 days after the date of the request":
        # dated Sat 14 Nov: Nov 15-24 (10) = Tue 24 Nov.
        ("us-foia-expedited-decision", D(2026, 11, 14), {}, D(2026, 11, 24)),
    ],
)
def test_each_regime_starts_counting_by_its_own_law(code, start, kwargs, due):
    result = compute(code, start, **kwargs)
    assert result.due == due, result.explanation
    assert result.explanation["convention_citation"]


def test_requester_deadlines_are_never_moved_past_their_last_day():
    # 90 calendar days after Mon 14 Sep 2026: Sep 15-30 (16), Oct (47), Nov (77), Dec 1-13
    # (90) = Sun 13 Dec. Shown on Sunday, with a note on Monday 14 Dec (28 CFR 16.8(a)).
    result = compute("us-foia-appeal-window", D(2026, 9, 14))
    assert result.due == D(2026, 12, 13)
    e = result.explanation
    assert not e["rolled_forward"] and e["next_working_day"] == "2026-12-14"
    assert any("not moved" in note for note in e["notes"])
    # Privacy Act suit, 552a(g)(5): two years after Fri 15 Nov 2024 is Sun 15 Nov 2026.
    suit = compute("us-pa-suit-limit", D(2024, 11, 15))
    assert suit.due == D(2026, 11, 15) and suit.explanation["next_working_day"] == "2026-11-16"
    # FOIA suit, 28 U.S.C. 2401(a): six years after Sun 15 Nov 2020 is Sun 15 Nov 2026.
    assert compute("us-foia-suit-limit", D(2020, 11, 15)).due == D(2026, 11, 15)
    # An agency deadline still rolls (Reg. 1182/71 Art. 3(4)): 30 Jan 2026 + 1 month = Sat
    # 28 Feb, moved to Mon 2 Mar.
    assert compute("eu-gdpr-response", D(2026, 1, 30), country="FR").due == D(2026, 3, 2)


def test_a_misdirected_foia_request_starts_no_later_than_ten_working_days_after_first_receipt():
    # 552(a)(6)(A)(ii): first received Tue 20 Oct 2026; 10 working days: Oct 21-23 (3),
    # 26-30 (8), Nov 2-3 (10) = Tue 3 Nov. The proper component got it Mon 16 Nov, later, so
    # the clock starts on 3 Nov: Nov 4-6 (3), 9-10 (5), Veterans Day, 12-13 (7), 16-20 (12),
    # 23-25 (15), Thanksgiving, 27 (16), 30 (17), Dec 1-3 (20) = Thu 3 Dec.
    result = compute("us-foia-response", D(2026, 11, 16), first_received=D(2026, 10, 20))
    assert result.due == D(2026, 12, 3)
    assert result.explanation["start_capped"] == "2026-11-03"
    assert result.explanation["start_reason"] == "first_received"
    # Received by the proper component within the 10 days (Tue 27 Oct): that day counts.
    # Oct 28-30 (3), Nov 2-6 (8), 9-10 (10), 12-13 (12), 16-20 (17), 23-25 (20) = 25 Nov.
    early = compute("us-foia-response", D(2026, 10, 27), first_received=D(2026, 10, 20))
    assert early.due == D(2026, 11, 25) and early.explanation["start_capped"] is None
    with pytest.raises(ClockError, match="first received"):
        compute("us-foia-response", D(2026, 10, 1), first_received=D(2026, 10, 20))


def test_agency_day_one_and_cut_off_are_applied_and_explained():
    doi = Counting("DOI", True, "17:00", "America/New_York", "43 CFR 2.16(a); 2.58(e)", "VERIFIED")
    # 43 CFR 2.16(a) "including the date of receipt": Mon 16 Nov is day 1: 16-20 (5), 23-25
    # (8), 27 (9), 30 (10), Dec 1-4 (14), 7-11 (19), 14 (20). Most agencies: Dec 15.
    result = compute("us-foia-response", D(2026, 11, 16), counting=doi)
    assert result.due == D(2026, 12, 14)
    assert compute("us-foia-response", D(2026, 11, 16)).due == D(2026, 12, 15)
    assert any("DOI counts the day of receipt" in n for n in result.explanation["notes"])
    # After 5 p.m. Eastern on Fri 13 Nov: received Mon 16 Nov, day one: Dec 14 again.
    late = compute("us-foia-response", D(2026, 11, 13), counting=doi, after_cutoff=True)
    assert late.due == D(2026, 12, 14) and late.explanation["start_reason"] == "after_cutoff"


def test_an_agency_chosen_extension_takes_the_length_or_date_the_agency_states():
    # 552a(d)(3): 30 working days from Mon 2 Nov 2026 = Wed 16 Dec; +15 stated by the agency:
    # Dec 17-18 (32), 21-24 (36), Christmas, 28-31 (40), New Year, Jan 4-8 (45) = Fri 8 Jan.
    code = "us-pa-amendment-appeal-decision"
    assert compute(code, D(2026, 11, 2), extension=Extension(days=15)).due == D(2027, 1, 8)
    stated = compute(code, D(2026, 11, 2), extension=Extension(until=D(2027, 1, 29)))
    assert stated.due == D(2027, 1, 29) and stated.explanation["extended_to"] == "2027-01-29"
    # A notice without a length: the original date stands and the explanation says why.
    silent = compute(code, D(2026, 11, 2), extension=Extension())
    assert silent.due == D(2026, 12, 16) and not silent.extended
    assert any("without a fixed length" in n for n in silent.explanation["notes"])
    with pytest.raises(ClockError, match="before the original due date"):
        compute(code, D(2026, 11, 2), extension=Extension(until=D(2026, 12, 1)))


def test_a_fixed_extension_can_be_shorter_but_not_longer_than_the_law_allows():
    # 552(a)(6)(B)(i): up to 10 working days. Five: Dec 2 (20) + Dec 3-4, 7-9 = Wed 9 Dec.
    assert compute("us-foia-response", D(2026, 11, 2), extension=Extension(days=5)).due == D(
        2026, 12, 9
    )
    with pytest.raises(ClockError, match="at most 10"):
        compute("us-foia-response", D(2026, 11, 2), extension=Extension(days=11))
    with pytest.raises(ClockError, match="later than the longest extension"):
        compute("us-foia-response", D(2026, 11, 2), extension=Extension(until=D(2027, 1, 30)))


def test_a_pause_on_the_due_day_is_covered():
    # FOIA from Mon 2 Nov: due Wed 2 Dec. Paused on 2 Dec itself until Fri 4 Dec: one day is
    # left after the answer: Mon 7 Dec.
    result = compute(
        "us-foia-response", D(2026, 11, 2), pauses=[Pause(D(2026, 12, 2), D(2026, 12, 4))]
    )
    assert result.due == D(2026, 12, 7)


def test_honest_statuses():
    # Lei 13.709/2018 Art. 19: calendar vs business days is UNCONFIRMED.
    assert RULES["br-lgpd-access"].status != "VERIFIED"
    # DHS Privacy Act access appeals: 6 CFR 5.25 (current text UNCONFIRMED), not 5.8.
    rule = RULES["us-dhs-pa-appeal-window"]
    assert "5.25" in rule.citation and "5.8" not in rule.citation
    assert rule.status == "UNCONFIRMED"
