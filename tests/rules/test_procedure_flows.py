"""The procedure fixes seen through the services, the pages, the API, the calculator and the
``deadline`` command: each with its citation and the day count in a comment."""

import json
import subprocess
import sys
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from dsar.cases import services
from dsar.cases.models import Clock, Event
from dsar.cases.selectors import proceeding_eligibility
from dsar.core.exceptions import ApplicationError
from dsar.rules.models import ClosureDay, RuleSetting
from tests.factories import AgencyFactory, CaseFactory, ProceedingFactory, RegimeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 12, 20), tick=False):
        yield


def record(p, kind, when, **kw):
    return services.proceeding_record_event(
        user=p.case.owner, proceeding=p, kind=kind, occurred_on=when, **kw
    )


def proceeding(regime, agency=None, **kw):
    return ProceedingFactory(
        regime=RegimeFactory(code=regime),
        agency=agency or AgencyFactory(code="agency-x", name="Agency X"),
        **kw,
    )


# --- the deadline command and the calculator ------------------------------------------------


def test_an_eu_regime_without_a_member_state_exits_2_from_the_shell():
    result = subprocess.run(
        [sys.executable, "manage.py", "deadline", "eu-gdpr-response", "2026-09-05"],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "dsar.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "Member State" in result.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["eu-ees-response", "2026-09-05", "--country", "EU"], "Member State"),
        (["us-foia-response", "2026-02-30"], "Malformed start date"),
        (["us-foia-response", "2026-11-02", "--first-received", "2026-11-20"], "first received"),
        (["us-foia-response", "2026-11-02", "--extension-days", "11"], "at most 10"),
        (["br-lgpd-access", "2026-11-02", "--first-received", "2026-11-01"], "only to the FOIA"),
        (["us-foia-response", "2026-11-02", "--agency", "nope"], "Unknown agency"),
        (["us-foia-response", "2026-11-02", "--after-cutoff"], "cut-off"),
    ],
)
def test_command_bad_input_exits_2_and_stores_nothing(args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        call_command("deadline", *args)
    assert excinfo.value.returncode == 2
    assert not Clock.objects.exists() and not RuleSetting.objects.exists()


def test_command_takes_first_receipt_and_extension_length(capsys):
    # Misdirected (552(a)(6)(A)(ii)): capped at Tue 3 Nov, due Thu 3 Dec (counted in
    # tests/deadlines/test_regime_conventions.py).
    call_command(
        "deadline", "us-foia-response", "2026-11-16", "--first-received", "2026-10-20", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["due"] == "2026-12-03" and data["explanation"]["start_capped"] == "2026-11-03"
    # 552a(d)(3) review extended by 15 working days: Fri 8 Jan 2027.
    call_command(
        "deadline", "us-pa-amendment-appeal-decision", "2026-11-02", "--extension-days", "15"
    )
    out = capsys.readouterr().out
    assert "2027-01-08" in out and "Extension: +15" in out


def test_command_uses_the_agencys_counting_from_the_directory(capsys):
    AgencyFactory(
        code="doi-test",
        name="Interior",
        abbreviation="DOI",
        receipt_is_day_one=True,
        receipt_cutoff="17:00",
        receipt_cutoff_timezone="America/New_York",
        counting_citation="43 CFR 2.16(a)",
    )
    # Received Mon 16 Nov counted as day one (43 CFR 2.16(a)): Mon 14 Dec.
    call_command("deadline", "us-foia-response", "2026-11-16", "--agency", "doi-test")
    out = capsys.readouterr().out
    assert "2026-12-14" in out and "DOI counts the day of receipt as day one" in out


def test_a_requester_deadline_on_a_weekend_is_shown_on_that_day(capsys):
    # 90 days after Mon 14 Sep 2026 = Sun 13 Dec (see the engine test); not moved.
    call_command("deadline", "us-foia-appeal-window", "2026-09-14")
    out = capsys.readouterr().out
    assert "2026-12-13" in out and "2026-12-14" in out and "not moved" in out


def test_calculator_refuses_an_eu_regime_without_member_state_and_stores_nothing(client):
    page = client.get(
        reverse("rules:calculator"), {"clock": "eu-gdpr-response", "start": "2026-09-05"}
    ).content.decode()
    assert "Member State" in page and 'id="due-date"' not in page
    page = client.get(
        reverse("rules:calculator"),
        {"clock": "us-foia-response", "start": "2026-11-02", "extension_days": "5"},
    ).content.decode()
    assert "2026-12-09" in page  # 20 + 5 working days (552(a)(6)(B)(i))
    assert not Clock.objects.exists()


def test_published_closure_days_are_skipped_and_shown_with_their_status():
    ClosureDay.objects.create(
        country="MX",
        date=date(2026, 11, 19),
        reason="Acuerdo de días inhábiles 2026",
        status="UNCONFIRMED",
    )
    p = proceeding("mx-arco", agency=AgencyFactory(code="segob-x", country="MX"))
    record(p, "filed", date(2026, 11, 2))
    clock = p.clocks.get()
    # Dec 1 (see test_known_answers) moves to Dec 2 with the published closure on 19 Nov.
    assert clock.due_date == date(2026, 12, 2)
    assert {
        "date": "2026-11-19",
        "reason": "Closure: Acuerdo de días inhábiles 2026 [UNCONFIRMED]",
    } in clock.explanation["skipped"]


# --- events through the service -------------------------------------------------------------


def test_a_receipt_records_the_first_receipt_elsewhere_and_the_clock_uses_it():
    p = proceeding("us-foia")
    record(p, "filed", date(2026, 10, 19))
    record(p, "received", date(2026, 11, 16), first_received_on=date(2026, 10, 20))
    assert p.clocks.get(code="us-foia-response").due_date == date(2026, 12, 3)
    with pytest.raises(ApplicationError, match="Only a receipt"):
        record(p, "note", date(2026, 11, 17), first_received_on=date(2026, 10, 20))
    assert Event.objects.filter(proceeding=p).count() == 2


def test_the_appeal_receipt_event_moves_the_appeal_decision_clock():
    p = proceeding("us-foia")
    record(p, "filed", date(2026, 8, 3))
    record(p, "determination", date(2026, 10, 1), outcome="denied")
    record(p, "appeal_filed", date(2026, 11, 6))
    clock = p.clocks.get(code="us-foia-appeal-decision")
    assert clock.due_date == date(2026, 12, 8) and clock.explanation["estimated_from_filing"]
    record(p, "appeal_received", date(2026, 11, 16))
    clock = p.clocks.get(code="us-foia-appeal-decision")
    assert clock.due_date == date(2026, 12, 15)  # 552(a)(6)(A)(ii), from receipt


def test_an_extension_notice_carries_the_agencys_length_for_a_privacy_act_review():
    p = proceeding("us-privacy-act", request_type="amendment")
    record(p, "filed", date(2026, 9, 1))
    record(p, "determination", date(2026, 10, 1), outcome="denied")
    record(p, "appeal_filed", date(2026, 11, 2))
    with pytest.raises(ApplicationError, match="either the length"):
        record(
            p,
            "extension_notice",
            date(2026, 12, 10),
            extension_days=15,
            extended_to=date(2027, 2, 1),
        )
    record(p, "extension_notice", date(2026, 12, 10), extension_days=15)
    clock = p.clocks.get(code="us-pa-amendment-appeal-decision")
    assert clock.due_date == date(2027, 1, 8) and clock.extended


def test_after_a_final_denial_the_case_can_go_to_court_and_the_suit_clock_is_met(client):
    p = proceeding("us-privacy-act", request_type="amendment")
    client.force_login(p.case.owner)
    record(p, "filed", date(2025, 9, 1))
    record(p, "determination", date(2025, 10, 1), outcome="denied")
    record(p, "appeal_filed", date(2025, 11, 3))
    record(p, "appeal_decided", date(2025, 12, 1), outcome="denied")
    p.refresh_from_db()
    assert p.status == "final" and p.is_open
    suit = p.clocks.get(code="us-pa-suit-limit")
    assert suit.due_date == date(2027, 12, 1) and suit.state == "running"  # 552a(g)(5)
    page = client.get(p.get_absolute_url()).content.decode()
    assert 'id="end-of-road"' in page and "statement of disagreement" in page
    record(p, "disagreement_filed", date(2025, 12, 10))
    record(p, "lawsuit_filed", date(2026, 3, 2))
    p.refresh_from_db()
    assert p.status == "in_court" and p.clocks.get(code="us-pa-suit-limit").state == "met"


def test_no_fee_notice_under_a_regime_without_fees():
    p = proceeding("eu-gdpr", agency=AgencyFactory(code="de-x", country="DE"))
    record(p, "filed", date(2026, 11, 2))
    with pytest.raises(ApplicationError, match="does not exist under GDPR"):
        record(p, "fee_notice", date(2026, 11, 5))


# --- eligibility ------------------------------------------------------------------------------


def test_a_proceeding_the_person_is_not_eligible_for_is_warned_on_creation_and_on_its_page(
    client,
):
    case = CaseFactory(subject_us_status="none", subject_nationality="MX")
    client.force_login(case.owner)
    regime = RegimeFactory(code="us-privacy-act")
    agency = AgencyFactory(code="cbp-x", country="US")
    response = client.post(
        reverse("cases:proceeding_create", args=[case.pk]),
        {"regime": regime.pk, "request_type": "access", "agency": agency.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "may not be entitled" in page and "552a(a)(2)" in page
    p = case.proceedings.get()
    page = client.get(p.get_absolute_url()).content.decode()
    assert 'id="eligibility-warnings"' in page and "552a(a)(2)" in page
    api = client.get(f"/api/v1/proceedings/{p.pk}/").json()
    assert "552a(a)(2)" in api["eligibility_warnings"][0]["citation"]


def test_foia_to_a_uk_authority_is_warned():
    case = CaseFactory(subject_us_status="none", subject_nationality="GB")
    p = ProceedingFactory(
        case=case,
        regime=RegimeFactory(code="us-foia"),
        agency=AgencyFactory(code="uk-authority-x", country="GB"),
    )
    warnings = proceeding_eligibility(proceeding=p)
    assert warnings and "US federal agencies" in warnings[0].reason


def test_recompute_clocks_command_brings_stored_clocks_up_to_date(capsys):
    p = proceeding("eu-gdpr", agency=AgencyFactory(code="de-y", country="DE"))
    record(p, "filed", date(2026, 9, 5))
    Clock.objects.filter(proceeding=p).update(due_date=date(2026, 10, 7))  # an old convention
    call_command("recompute_clocks")
    assert p.clocks.get().due_date == date(2026, 10, 5)  # Reg. 1182/71 Art. 3(1)
    assert "Recomputed the clocks of 1 open proceedings" in capsys.readouterr().out


def test_the_agency_page_shows_how_the_agency_counts(client):
    # Loaded from the directory: DOI, 43 CFR 2.16(a) and 2.58(e) (fact table U-22, U-23).
    page = client.get(reverse("directory:agency_detail", args=["doi"])).content.decode()
    assert 'id="agency-counting"' in page and "43 CFR 2.16(a)" in page
    assert "day of receipt is day one" in page
