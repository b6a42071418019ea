"""Clocks derived from a proceeding's events, stored, and recomputed."""

from datetime import date

import pytest
import time_machine

from dsar.cases import services
from dsar.cases.models import Clock
from dsar.rules.models import ClosureDay, RecomputeRun, RuleSetting
from dsar.rules.services import recompute_run_execute, recompute_run_start
from tests.factories import AgencyFactory, CaseFactory, ProceedingFactory, RegimeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 12, 20), tick=False):
        yield


def record(p, kind, when, **kw):
    return services.proceeding_record_event(
        user=p.case.owner, proceeding=p, kind=kind, occurred_on=when, **kw
    )


def foia(agency=None, **kw):
    return ProceedingFactory(
        regime=RegimeFactory(code="us-foia"),
        agency=agency or AgencyFactory(code="test-agency", name="Test agency"),
        **kw,
    )


def test_a_draft_has_no_clock_and_filing_starts_the_response_clock():
    p = foia()
    assert not p.clocks.exists()
    record(p, "filed", date(2026, 11, 2))
    clock = p.clocks.get(code="us-foia-response")
    assert (clock.code, clock.due_date, clock.state) == (
        "us-foia-response",
        date(2026, 12, 2),
        "missed",
    )
    assert clock.explanation["assumed_receipt"] is True
    p.refresh_from_db()
    assert p.next_due_on == date(2026, 12, 2) and p.next_clock == "us-foia-response"


def test_receipt_date_wins_over_filing_date_and_a_pause_moves_the_date():
    p = foia()
    record(p, "filed", date(2026, 11, 1))
    record(p, "received", date(2026, 11, 2))
    record(p, "info_requested", date(2026, 11, 5))
    assert p.clocks.get(code="us-foia-response").state == "paused"
    record(p, "info_provided", date(2026, 11, 12))
    clock = p.clocks.get(code="us-foia-response")
    assert clock.due_date == date(2026, 12, 8) and clock.inputs["pauses"] == [
        ["2026-11-05", "2026-11-12"]
    ]


def test_extension_and_determination_meet_the_clock_and_open_the_appeal_window():
    p = foia()
    record(p, "filed", date(2026, 11, 2))
    record(p, "extension_notice", date(2026, 11, 20))
    assert p.clocks.get(code="us-foia-response").due_date == date(2026, 12, 16)
    record(p, "determination", date(2026, 12, 10), outcome="denied", exemptions="(b)(7)(E)")
    clocks = {c.code: c for c in p.clocks.all()}
    assert clocks["us-foia-response"].state == "met"
    window = clocks["us-foia-appeal-window"]
    assert window.due_date == date(2027, 3, 10)  # 90 calendar days after 10 Dec 2026
    assert window.state == "running"
    p.refresh_from_db()
    assert p.next_clock == "us-foia-appeal-window"


def test_dhs_components_get_the_90_business_day_appeal_window():
    dhs = AgencyFactory(code="dhs", name="DHS", abbreviation="DHS")
    obim = AgencyFactory(code="obim", name="OBIM", abbreviation="OBIM", parent=dhs)
    p = foia(agency=obim)
    record(p, "filed", date(2026, 9, 1))
    record(p, "determination", date(2026, 10, 1), outcome="no_records")
    codes = set(p.clocks.values_list("code", flat=True))
    assert codes == {"us-foia-response", "us-dhs-foia-appeal-window"}
    assert p.clocks.get(code="us-dhs-foia-appeal-window").due_date == date(2027, 2, 12)


def test_a_granted_request_has_no_appeal_window_and_an_appeal_runs_its_own_clock():
    p = foia()
    record(p, "filed", date(2026, 9, 1))
    record(p, "determination", date(2026, 10, 1), outcome="granted")
    assert set(p.clocks.values_list("code", flat=True)) == {"us-foia-response"}
    q = foia()
    record(q, "filed", date(2026, 9, 1))
    record(q, "determination", date(2026, 10, 1), outcome="partial")
    record(q, "appeal_filed", date(2026, 11, 2))
    clocks = {c.code: c for c in q.clocks.all()}
    assert clocks["us-foia-appeal-window"].state == "met"
    assert clocks["us-foia-appeal-decision"].due_date == date(2026, 12, 2)


def test_regimes_without_a_statutory_clock_have_none():
    p = ProceedingFactory(
        regime=RegimeFactory(code="us-dhs-trip"),
        request_type="redress",
        agency=AgencyFactory(code="dhs-trip"),
    )
    record(p, "filed", date(2026, 11, 2))
    assert not p.clocks.exists()
    p.refresh_from_db()
    assert p.next_due_on is None


def test_gdpr_uses_the_agencys_country_calendar():
    agency = AgencyFactory(code="de-bpol", name="Bundespolizei", country="DE")
    p = ProceedingFactory(regime=RegimeFactory(code="eu-gdpr"), agency=agency)
    record(p, "filed", date(2026, 3, 3))
    clock = p.clocks.get()
    assert clock.due_date == date(2026, 4, 7)  # Good Friday and Easter Monday skipped
    assert clock.explanation["calendar"]["country"] == "DE"


def test_withdrawal_closes_the_clocks_and_clears_the_next_deadline():
    p = foia()
    record(p, "filed", date(2026, 12, 1))
    record(p, "withdrawn", date(2026, 12, 2))
    assert p.clocks.get().state == "closed"
    p.refresh_from_db()
    assert p.next_due_on is None


def test_a_closure_day_recomputes_every_open_clock(django_capture_on_commit_callbacks):
    proceedings = [foia(case=CaseFactory()) for _ in range(3)]
    for p in proceedings:
        record(p, "filed", date(2026, 12, 1))
    before = {p.pk: p.clocks.get().due_date for p in proceedings}
    ClosureDay.objects.create(country="US", date=date(2026, 12, 24), reason="Executive order")
    with django_capture_on_commit_callbacks(execute=True):
        run = recompute_run_start(reason="closure added")
    run.refresh_from_db()
    assert run.status == "done" and run.done == run.total == 3
    for p in proceedings:
        clock = p.clocks.get()
        assert clock.due_date == before[p.pk] + (date(2026, 12, 31) - date(2026, 12, 30))
        assert "2026-12-24" in clock.inputs["closures"]


def test_a_rule_setting_overrides_an_unconfirmed_rule_and_says_so():
    RuleSetting.objects.create(code="mx-arco-response", count=15, reason="DOF text checked")
    p = ProceedingFactory(
        regime=RegimeFactory(code="mx-arco"), agency=AgencyFactory(code="segob", country="MX")
    )
    record(p, "filed", date(2026, 11, 2))
    clock = p.clocks.get()
    assert clock.explanation["overridden"] == "DOF text checked"
    assert clock.due_date == date(2026, 11, 24)  # 15 MX business days (16 Nov is a holiday)


def test_recompute_run_is_idempotent_and_resumable():
    p = foia()
    record(p, "filed", date(2026, 12, 1))
    run = RecomputeRun.objects.create(reason="test", total=1)
    recompute_run_execute(run_id=run.pk)
    again = recompute_run_execute(run_id=run.pk)
    assert again.status == "done" and again.done == 1
    assert Clock.objects.count() == 1


def test_a_late_answer_meets_the_clock_and_the_next_deadline_moves_on():
    p = foia()
    record(p, "filed", date(2026, 9, 1))
    record(p, "determination", date(2026, 11, 2), outcome="denied")  # due 29 Sep: late
    response = p.clocks.get(code="us-foia-response")
    assert response.state == "met" and response.met_on > response.due_date
    p.refresh_from_db()
    assert p.next_clock == "us-foia-appeal-window"


def test_an_appeal_can_be_extended_once_after_the_request_was():
    p = foia()
    record(p, "filed", date(2026, 9, 1))
    record(p, "extension_notice", date(2026, 9, 20))
    record(p, "determination", date(2026, 10, 1), outcome="partial")
    record(p, "appeal_filed", date(2026, 11, 2))
    record(p, "extension_notice", date(2026, 11, 20))
    appeal = p.clocks.get(code="us-foia-appeal-decision")
    assert appeal.extended and appeal.due_date == date(2026, 12, 16)  # 30 business days
