"""Known answers, counted by hand from the statute text (the count is in each comment)."""

from datetime import date

import pytest

from dsar.deadlines import ClockError, Pause, compute
from dsar.deadlines.engine import compute_naive

D = date


@pytest.mark.parametrize(
    "code,start,kwargs,due",
    [
        # Nov 3-6 (4), 9-10 (6), Veterans Day 11th skipped, 12-13 (8), 16-20 (13), 23-25 (16),
        # Thanksgiving 26th skipped, 27 (17), 30 (18), Dec 1 (19), Dec 2 (20).
        ("us-foia-response", D(2026, 11, 2), {}, D(2026, 12, 2)),
        # Year boundary: Dec 14-18 (5), 21-24 (9), Christmas 25th, 28-31 (13), New Year 1 Jan,
        # Jan 4-8 (18), 11 (19), 12 (20).
        ("us-foia-response", D(2026, 12, 11), {}, D(2027, 1, 12)),
        # Start on Juneteenth (Fri 19 Jun 2026) counts from Mon 22 Jun; Jul 4 is a Saturday,
        # observed Fri 3 Jul: Jun 23-26 (4), 29-Jul 2 (8), Jul 6-10 (13), 13-17 (18), 20, 21.
        ("us-foia-response", D(2026, 6, 19), {}, D(2026, 7, 21)),
        # Juneteenth inside the count: Jun 22-26 (5), 29-Jul 2 (9), Jul 6-10 (14), 13-17 (19), 20.
        ("us-foia-response", D(2026, 6, 18), {}, D(2026, 7, 20)),
        # Extension: 30 business days from Mon 2 Nov: Dec 2 (20) + Dec 3,4,7-11,14 (28), 15, 16.
        ("us-foia-response", D(2026, 11, 2), {"extended": True}, D(2026, 12, 16)),
        # Pause 5 Nov:12 Nov: Nov 3-5 counted (3); 17 more after Nov 12: 13 (1), 16-20 (6),
        # 23-25 (9), 27 (10), 30 (11), Dec 1-4 (15), 7 (16), 8 (17).
        (
            "us-foia-response",
            D(2026, 11, 2),
            {"pauses": [Pause(D(2026, 11, 5), D(2026, 11, 12))]},
            D(2026, 12, 8),
        ),
        # 10 calendar days from Tue 17 Nov: Fri 27 Nov (not a federal holiday).
        ("us-foia-expedited-decision", D(2026, 11, 17), {}, D(2026, 11, 27)),
        # "within 10 days after the date of the request" (552(a)(6)(E)(ii)(I)): 15 Dec + 10 =
        # Fri 25 Dec; the statute does not move the end, so Christmas Day it is.
        ("us-foia-expedited-decision", D(2026, 12, 15), {}, D(2026, 12, 25)),
        # A request dated Saturday 14 Nov is not moved: 14 Nov + 10 = Tue 24 Nov.
        ("us-foia-expedited-decision", D(2026, 11, 14), {}, D(2026, 11, 24)),
        # 90 calendar days after Thu 1 Oct 2026: Oct (30 left) + Nov (30) + Dec 30 = Wed 30 Dec.
        ("us-foia-appeal-window", D(2026, 10, 1), {}, D(2026, 12, 30)),
        # 90 business days after Thu 1 Oct 2026: 18 weeks reach Thu 4 Feb 2027; six holidays
        # (Columbus Day, Veterans Day, Thanksgiving, Christmas, New Year, MLK Day) add Feb 5,
        # 8, 9, 10, 11, 12.
        ("us-dhs-foia-appeal-window", D(2026, 10, 1), {}, D(2027, 2, 12)),
        # Appeal decision: same count as the response clock.
        ("us-foia-appeal-decision", D(2026, 11, 2), {}, D(2026, 12, 2)),
        # 10 business days from Mon 16 Nov: 17-20 (4), 23-25 (7), Thanksgiving, 27 (8), 30, Dec 1.
        ("us-pa-amendment-ack", D(2026, 11, 16), {}, D(2026, 12, 1)),
        # 30 business days from Mon 2 Nov: six weeks reach Mon 14 Dec; two holidays -> Wed 16.
        ("us-pa-amendment-appeal-decision", D(2026, 11, 2), {}, D(2026, 12, 16)),
        # One month after 31 March is the last day of April.
        ("eu-gdpr-response", D(2026, 3, 31), {"country": "DE"}, D(2026, 4, 30)),
        # Three months in all.
        ("eu-gdpr-response", D(2026, 3, 31), {"country": "DE", "extended": True}, D(2026, 6, 30)),
        # 3 Apr 2026 is Good Friday, then the weekend and Easter Monday: Tue 7 April.
        ("eu-gdpr-response", D(2026, 3, 3), {"country": "DE"}, D(2026, 4, 7)),
        # 31 Aug 2026 is the summer bank holiday in England and Wales, not in Scotland.
        ("uk-gdpr-response", D(2026, 7, 31), {}, D(2026, 9, 1)),
        ("uk-gdpr-response", D(2026, 7, 31), {"subdivision": "SCT"}, D(2026, 8, 31)),
        # 30 May 2026 is a Saturday: Monday 1 June (the spring bank holiday was 25 May).
        ("uk-gdpr-response", D(2026, 4, 30), {}, D(2026, 6, 1)),
        # 45 calendar days from Mon 2 Nov 2026: Thu 17 Dec.
        ("eu-ees-response", D(2026, 11, 2), {"country": "FR"}, D(2026, 12, 17)),
        # 30 calendar days from Mon 2 Nov 2026: Wed 2 Dec (a member state's calendar: FR).
        ("eu-etias-response", D(2026, 11, 2), {"country": "FR"}, D(2026, 12, 2)),
        # Mexico: Revolution Day observed Mon 16 Nov 2026. Nov 3-6 (4), 9-13 (9), 17-20 (13),
        # 23-27 (18), 30 (19), Dec 1 (20).
        ("mx-arco-response", D(2026, 11, 2), {}, D(2026, 12, 1)),
        # Colombia moves holidays to Monday: All Saints (Sun 1 Nov) is Mon 2 Nov, so a request
        # received that day counts from Tue 3 Nov; Cartagena (11 Nov) is Mon 16 Nov.
        # Nov 4-6 (3), 9-13 (8), 17 (9), 18 (10).
        ("co-habeas-data-consulta", D(2026, 11, 2), {}, D(2026, 11, 18)),
        # Nov 4-6 (3), 9-13 (8), 17-20 (12), 23-25 (15).
        ("co-habeas-data-reclamo", D(2026, 11, 3), {}, D(2026, 11, 25)),
        # +8: 26, 27 (17), 30 (18), Dec 1-4 (22), 7 (23); Immaculate Conception is Tue 8 Dec.
        ("co-habeas-data-reclamo", D(2026, 11, 3), {"extended": True}, D(2026, 12, 7)),
        # Brazil, Civil Code art. 132: the first day (2 Nov, Finados) is excluded but not moved;
        # 2 Nov + 15 = Tue 17 Nov, a working day.
        ("br-lgpd-access", D(2026, 11, 2), {}, D(2026, 11, 17)),
        # Canada: 30 days from Tue 1 Dec 2026 = Thu 31 Dec.
        ("ca-privacy-act-response", D(2026, 12, 1), {}, D(2026, 12, 31)),
        # +30: 60 days = Sat 30 Jan 2027, so Mon 1 Feb.
        ("ca-privacy-act-response", D(2026, 12, 1), {"extended": True}, D(2027, 2, 1)),
    ],
)
def test_known_answer(code, start, kwargs, due):
    result = compute(code, start, **kwargs)
    assert result.due == due, result.explanation
    assert result.explanation["due"] == due.isoformat()


def test_fast_counting_matches_day_by_day_counting():
    for code in [
        "us-foia-response",
        "us-dhs-foia-appeal-window",
        "mx-arco-response",
        "co-habeas-data-reclamo",
        "eu-gdpr-response",
        "ca-privacy-act-response",
    ]:
        for offset in range(0, 400, 7):
            start = date.fromordinal(D(2026, 1, 1).toordinal() + offset)
            country = "DE" if code.startswith("eu-") else None
            assert compute(code, start, country=country).due == compute_naive(
                code, start, country=country
            ), (code, start)


def test_an_administrator_closure_day_is_skipped():
    # Closing Mon 23 Nov pushes the 2 Dec answer to 3 Dec.
    result = compute("us-foia-response", D(2026, 11, 2), closures=(D(2026, 11, 23),))
    assert result.due == D(2026, 12, 3)
    assert {"date": "2026-11-23", "reason": "Closure"} in result.explanation["skipped"]


def test_explanation_lists_rule_citation_start_and_skipped_days():
    e = compute("us-foia-response", D(2026, 6, 19)).explanation
    assert e["citation"].startswith("5 U.S.C. 552(a)(6)(A)")
    assert e["status"] == "VERIFIED"
    assert e["start_moved"] and e["effective_start"] == "2026-06-22"
    assert {"date": "2026-07-03", "reason": "Independence Day (observed)"} in e["skipped"]
    conventions = compute("us-foia-response", D(2026, 6, 19)).as_json()["explanation"]
    assert any("start day is not counted" in c for c in conventions["conventions"])
    assert "US agency practice" in e["convention_citation"]
    assert "constructively" in e["consequence"]["text"] or "exhaust" in e["consequence"]["text"]


def test_bad_input_is_refused_clearly():
    with pytest.raises(KeyError, match="Unknown clock code"):
        compute("us-foia-nope", D(2026, 1, 5))
    with pytest.raises(ClockError, match="outside the clock"):
        compute("us-foia-response", D(2026, 1, 5), pauses=[Pause(D(2026, 3, 1), D(2026, 3, 2))])
    with pytest.raises(ClockError, match="ends before it starts"):
        compute("us-foia-response", D(2026, 1, 5), pauses=[Pause(D(2026, 1, 9), D(2026, 1, 7))])
    with pytest.raises(ClockError, match="no extension"):
        compute("br-lgpd-access", D(2026, 1, 5), extended=True)
    with pytest.raises(ClockError, match="No holiday calendar"):
        compute("eu-gdpr-response", D(2026, 1, 5), country="XX")
    # An EU regime is never counted on weekends only: the member state is required.
    for country in (None, "", "EU"):
        with pytest.raises(ClockError, match="Member State"):
            compute("eu-gdpr-response", D(2026, 1, 5), country=country)


def test_the_dates_only_path_agrees_with_the_explained_path():
    from dsar.deadlines.rules import RULES

    for code, rule in RULES.items():
        country = rule.country or "DE"
        for offset in range(0, 730, 5):
            start = date.fromordinal(D(2026, 1, 1).toordinal() + offset)
            for extended in [False, True] if rule.extension else [False]:
                fast = compute(code, start, country=country, extended=extended, explain=False)
                full = compute(code, start, country=country, extended=extended)
                assert fast.due == full.due, (code, start, extended)
