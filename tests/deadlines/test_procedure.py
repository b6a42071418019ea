"""The procedure module: clock plans from plain event rows, pauses per regime, the end of the
road, and the shared predicates. Pure: no database."""

from datetime import date

from dsar.deadlines import procedure
from dsar.deadlines.procedure import EventRow, Facts, RuleSettings, derive_clocks

D = date
TODAY = D(2026, 12, 20)


def rows(*events):
    return [EventRow(i, kind, day, outcome) for i, (kind, day, outcome) in enumerate(events, 1)]


def clocks(facts, events, today=TODAY, settings=None):
    return {c.code: c for c in derive_clocks(facts, events, today=today, settings=settings)}


FOIA = Facts("us-foia", "access", status="appealed", country="US")


def test_the_foia_appeal_decision_runs_from_the_agencys_receipt_of_the_appeal():
    events = rows(
        ("filed", D(2026, 8, 3), ""),
        ("determination", D(2026, 10, 1), "denied"),
        ("appeal_filed", D(2026, 11, 6), ""),
    )
    # Until the receipt is recorded: estimated from the filing, Fri 6 Nov. Nov 9-10 (2),
    # 12-13 (4), 16-20 (9), 23-25 (12), 27 (13), 30 (14), Dec 1-4 (18), 7-8 (20).
    estimated = clocks(FOIA, events, today=D(2026, 11, 20))["us-foia-appeal-decision"]
    assert estimated.due_date == D(2026, 12, 8)
    assert estimated.explanation["estimated_from_filing"] is True
    # 552(a)(6)(A)(ii): 20 working days after receipt, Mon 16 Nov: Nov 17-20 (4), 23-25 (7),
    # 27 (8), 30 (9), Dec 1-4 (13), 7-11 (18), 14-15 (20).
    events.append(EventRow(9, "appeal_received", D(2026, 11, 16)))
    received = clocks(FOIA, events, today=D(2026, 11, 20))["us-foia-appeal-decision"]
    assert received.due_date == D(2026, 12, 15)
    assert "estimated_from_filing" not in received.explanation


def test_a_privacy_act_review_can_be_extended_by_the_length_the_agency_states():
    facts = Facts("us-privacy-act", "amendment", status="appealed", country="US")
    events = rows(
        ("filed", D(2026, 9, 1), ""),
        ("determination", D(2026, 10, 1), "denied"),
        ("appeal_filed", D(2026, 11, 2), ""),
    )
    before = clocks(facts, events)["us-pa-amendment-appeal-decision"]
    assert before.due_date == D(2026, 12, 16)  # 30 working days (552a(d)(3))
    events.append(EventRow(9, "extension_notice", D(2026, 12, 10), extension_days=15))
    after = clocks(facts, events)["us-pa-amendment-appeal-decision"]
    assert after.due_date == D(2027, 1, 8) and after.extended  # 45 working days
    events[-1] = EventRow(9, "extension_notice", D(2026, 12, 10), extended_to=D(2027, 2, 1))
    assert clocks(facts, events)["us-pa-amendment-appeal-decision"].due_date == D(2027, 2, 1)


def test_a_misdirected_request_recorded_on_the_receipt_caps_the_start():
    events = [
        EventRow(1, "filed", D(2026, 10, 19)),
        EventRow(2, "received", D(2026, 11, 16), first_received_on=D(2026, 10, 20)),
    ]
    clock = clocks(Facts("us-foia", "access", "in_progress", country="US"), events)
    assert clock["us-foia-response"].due_date == D(2026, 12, 3)  # see test_regime_conventions


def test_pauses_follow_each_regimes_law():
    events = rows(
        ("filed", D(2026, 3, 2), ""),
        ("info_requested", D(2026, 3, 10), ""),
        ("info_provided", D(2026, 3, 20), ""),
    )
    # UK GDPR Art. 12A (DUAA 2025): the clarification pause stops the clock; 10 paused days
    # push 2 Apr to 12 Apr (a Sunday), then Mon 13 Apr.
    uk = clocks(Facts("uk-gdpr", "access", "in_progress", country="GB", subdivision="ENG"), events)
    assert uk["uk-gdpr-response"].inputs["pauses"] == [["2026-03-10", "2026-03-20"]]
    assert uk["uk-gdpr-response"].due_date == D(2026, 4, 13)
    # EU GDPR: whether it stops the clock is UNCONFIRMED: recorded, not counted by default.
    eu = Facts("eu-gdpr", "access", "in_progress", country="DE")
    assert clocks(eu, events)["eu-gdpr-response"].inputs["pauses"] == []
    assert clocks(eu, events)["eu-gdpr-response"].due_date == D(2026, 4, 2)
    # ... unless an administrator says it does.
    settings = RuleSettings(pause_stops_clock={"eu-gdpr-response": True})
    paused = clocks(eu, events, settings=settings)["eu-gdpr-response"]
    assert paused.inputs["pauses"] == [["2026-03-10", "2026-03-20"]]
    # The UK pause has its status; the EU one is UNCONFIRMED.
    assert procedure.REGIMES["uk-gdpr"].pauses[0].status == "VERIFIED-2ND"
    assert procedure.REGIMES["eu-gdpr"].pauses[0].stops_clock is None
    # No fee pause where the regime has no fees (GDPR Art. 12(5)).
    assert not procedure.REGIMES["eu-gdpr"].allows_event("fee_notice")


def test_final_refusals_open_the_time_limits_to_sue():
    foia = rows(
        ("filed", D(2026, 1, 5), ""),
        ("determination", D(2026, 2, 2), "denied"),
        ("appeal_filed", D(2026, 3, 2), ""),
        ("appeal_decided", D(2026, 4, 1), "denied"),
    )
    facts = Facts("us-foia", "access", status="final", country="US")
    suit = clocks(facts, foia)["us-foia-suit-limit"]
    assert suit.due_date == D(2032, 4, 1)  # six years, 28 U.S.C. 2401(a)
    assert suit.state == "running"
    pa = rows(
        ("filed", D(2026, 1, 5), ""),
        ("determination", D(2026, 2, 2), "denied"),
        ("appeal_filed", D(2026, 3, 2), ""),
        ("appeal_decided", D(2026, 4, 1), "denied"),
    )
    pa_facts = Facts("us-privacy-act", "amendment", status="final", country="US")
    assert clocks(pa_facts, pa)["us-pa-suit-limit"].due_date == D(2028, 4, 1)  # 552a(g)(5)
    # A lawsuit meets the clock.
    pa.append(EventRow(9, "lawsuit_filed", D(2026, 6, 1)))
    assert clocks(pa_facts, pa)["us-pa-suit-limit"].state == "met"


def test_an_appeal_filed_as_its_own_proceeding_opens_the_suit_limit_when_refused():
    events = rows(("filed", D(2026, 3, 2), ""), ("determination", D(2026, 4, 1), "denied"))
    appeal = clocks(Facts("us-privacy-act", "appeal", "determined", country="US"), events)
    assert appeal["us-pa-suit-limit"].due_date == D(2028, 4, 1)  # 552a(g)(5)
    foia = clocks(Facts("us-foia", "appeal", "determined", country="US"), events)
    assert foia["us-foia-suit-limit"].due_date == D(2032, 4, 1)  # 28 U.S.C. 2401(a)


def test_a_missed_foia_deadline_means_the_requester_may_sue_now():
    events = rows(("filed", D(2026, 11, 2), ""))
    result = clocks(Facts("us-foia", "access", "filed", country="US"), events)
    response = result["us-foia-response"]
    assert response.state == "missed" and response.explanation["may_sue"] is True
    # Constructive exhaustion (552(a)(6)(C)(i)): six years from the missed deadline, 2 Dec.
    suit = result["us-foia-suit-limit"]
    assert suit.start_date == D(2026, 12, 2) and suit.due_date == D(2032, 12, 2)
    assert suit.explanation["constructive_exhaustion"] is True
    # Once the agency answers (late), the constructive route closes: an appeal comes first.
    events.append(EventRow(5, "determination", D(2026, 12, 10), "denied"))
    later = clocks(Facts("us-foia", "access", "determined", country="US"), events)
    assert "us-foia-suit-limit" not in later


def test_dhs_privacy_act_access_appeals_use_6_cfr_5_25():
    events = rows(("filed", D(2026, 9, 1), ""), ("determination", D(2026, 10, 1), "denied"))
    facts = Facts("us-privacy-act", "access", "determined", dhs=True, country="US")
    window = clocks(facts, events)["us-dhs-pa-appeal-window"]
    assert "5.25" in window.citation and window.rule_status == "UNCONFIRMED"


def test_an_eu_proceeding_without_a_member_state_has_no_clock_and_says_why():
    assert procedure.no_clock_reason("eu-gdpr", "access", "EU")
    assert procedure.no_clock_reason("eu-gdpr", "access", "DE") == ""


def test_shared_predicates():
    assert procedure.is_open("final") and procedure.is_open("in_court")
    assert not procedure.is_open("closed") and not procedure.is_open("withdrawn")
    assert procedure.is_undecided("filed") and not procedure.is_undecided("determined")
    assert procedure.is_adverse("no_records") and not procedure.is_adverse("granted")
    assert procedure.is_late("running", D(2026, 12, 1), TODAY)
    assert not procedure.is_late("met", D(2026, 12, 1), TODAY)
    assert procedure.is_appeal_window("us-dhs-foia-appeal-window")
    assert procedure.is_appeal_window("us-dhs-pa-appeal-window")
    assert not procedure.is_appeal_window("us-foia-response")
    assert procedure.PAUSE_PAIRS["fee_resolved"] == "fee_notice"
    # The agency's main answer, whatever the code's suffix (Brazil's and Colombia's included).
    assert {"br-lgpd-access", "co-habeas-data-consulta", "us-foia-response"} <= (
        procedure.RESPONSE_CLOCKS
    )
    assert "us-foia-expedited-decision" not in procedure.RESPONSE_CLOCKS
    assert procedure.open_pause(rows(("info_requested", D(2026, 1, 1), ""))) == "info_requested"


def test_eligibility_warnings_carry_reason_and_citation():
    pa = procedure.eligibility(regime="us-privacy-act", agency_country="US", us_status="none")
    assert pa and "552a(a)(2)" in pa[0].citation
    assert (
        procedure.eligibility(regime="us-privacy-act", agency_country="US", us_status="lpr") == []
    )
    uk = procedure.eligibility(regime="us-foia", agency_country="GB")
    assert uk and "US federal agencies" in uk[0].reason
    # FOIA is open to any person (552(a)(3)).
    assert procedure.eligibility(regime="us-foia", agency_country="US", nationality="CO") == []
    ees = procedure.eligibility(regime="eu-ees", nationality="FR")
    assert ees and "not registered" in ees[0].reason
    ca_abroad = procedure.eligibility(regime="ca-privacy-act", nationality="CO", present_in="CO")
    assert ca_abroad and "present in Canada" in ca_abroad[0].reason
    assert procedure.eligibility(regime="ca-privacy-act", nationality="CO", present_in="CA") == []
