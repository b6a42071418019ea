"""More of the clocks glue: appeal extensions, no-clock reasons, batch recomputation with
progress, the task under its name, and the clock partials."""

from datetime import date

import pytest
import time_machine
from django.template.loader import render_to_string

from dsar.cases import services
from dsar.cases.clocks import (
    clocks_recompute_open,
    proceeding_no_clock_reason,
    proceeding_recompute_clocks,
)
from dsar.cases.models import Clock, Event
from dsar.rules.models import RecomputeRun
from dsar.rules.tasks import recompute_all_open_clocks
from tests.factories import AgencyFactory, ProceedingFactory, RegimeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 12, 20), tick=False):
        yield


def record(p, kind, when, **kw):
    return services.proceeding_record_event(
        user=p.case.owner, proceeding=p, kind=kind, occurred_on=when, **kw
    )


def foia():
    return ProceedingFactory(
        regime=RegimeFactory(code="us-foia"), agency=AgencyFactory(code="test-agency")
    )


def test_an_extension_after_the_appeal_extends_the_appeal_decision_only():
    p = foia()
    record(p, "filed", date(2026, 9, 1))
    record(p, "extension_notice", date(2026, 9, 20))
    record(p, "determination", date(2026, 10, 1), outcome="denied")
    record(p, "appeal_filed", date(2026, 11, 2))
    clocks = {c.code: c for c in p.clocks.all()}
    assert clocks["us-foia-response"].extended is True
    assert clocks["us-foia-appeal-decision"].extended is False
    # 20 business days from Mon 2 Nov 2026 (Veterans Day and Thanksgiving skipped): Wed 2 Dec.
    assert clocks["us-foia-appeal-decision"].due_date == date(2026, 12, 2)
    # The appeal authority's own extension notice (stored directly: the status workflow
    # records one extension per proceeding).
    Event.objects.create(
        proceeding=p,
        kind="extension_notice",
        occurred_on=date(2026, 11, 20),
        status_before="appealed",
        status_after="appealed",
    )
    proceeding_recompute_clocks(proceeding=p)
    appeal = p.clocks.get(code="us-foia-appeal-decision")
    # 30 business days: Dec 2 (20), Dec 3, 4, 7-11, 14 (28), 15 (29), 16 (30).
    assert appeal.extended is True and appeal.due_date == date(2026, 12, 16)


def test_proceeding_recompute_clocks_returns_the_stored_clocks():
    p = foia()
    record(p, "filed", date(2026, 12, 1))
    clocks = proceeding_recompute_clocks(proceeding=p)
    assert [c.code for c in clocks] == ["us-foia-response"]
    assert all(isinstance(c, Clock) and c.pk for c in clocks)


def test_no_clock_reason_for_regimes_without_a_statutory_deadline():
    trip = ProceedingFactory(
        regime=RegimeFactory(code="us-dhs-trip"),
        agency=AgencyFactory(code="dhs"),
        request_type="redress",
    )
    record(trip, "filed", date(2026, 12, 1))
    assert not trip.clocks.exists()
    assert "no statutory" in proceeding_no_clock_reason(trip).lower()
    html = render_to_string("rules/_no_clock.html", {"proceeding": trip})
    assert "No statutory deadline" in html
    assert proceeding_no_clock_reason(foia()) == ""


def test_clocks_recompute_open_works_in_batches_and_reports_progress():
    procs = [foia() for _ in range(5)]
    for p in procs:
        record(p, "filed", date(2026, 12, 1))
    Clock.objects.all().delete()
    calls = []
    done = clocks_recompute_open(batch_size=2, progress=lambda n, last: calls.append((n, last)))
    assert done == 5 and [n for n, _ in calls] == [2, 2, 1]
    assert Clock.objects.count() == 5
    # Idempotent: a second pass writes the same clocks.
    before = list(Clock.objects.order_by("pk").values_list("proceeding_id", "code", "due_date"))
    clocks_recompute_open(batch_size=3)
    after = list(Clock.objects.order_by("pk").values_list("proceeding_id", "code", "due_date"))
    assert before == after


def test_the_task_runs_a_recompute_run_to_completion():
    p = foia()
    record(p, "filed", date(2026, 12, 1))
    run = RecomputeRun.objects.create(reason="test", total=1)
    recompute_all_open_clocks(run.pk)
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.DONE and run.done == 1 and run.finished_at


def test_clock_partials_show_overdue_and_what_it_means():
    p = foia()
    record(p, "filed", date(2026, 11, 2))  # due 2 Dec 2026, missed by 20 Dec
    clock = p.clocks.get(code="us-foia-response")
    html = render_to_string("rules/_clock.html", {"clock": clock})
    assert "18 days overdue" in html
    assert "How was this computed?" in html
    assert "What this means now" in html and "552(a)(6)(C)(i)" in html
    compact = render_to_string("rules/_clock_compact.html", {"clock": clock})
    assert "18 days overdue" in compact


def test_recompute_progress_page_is_for_staff_only(client):
    from tests.factories import UserFactory

    RecomputeRun.objects.create(reason="closure added", total=10, done=5, status="running")
    client.force_login(UserFactory())
    assert client.get("/deadlines/recompute/").status_code == 302  # to the admin log-in
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/deadlines/recompute/")
    assert page.status_code == 200 and b"closure added" in page.content
    assert b'value="50"' in page.content
    partial = client.get("/deadlines/recompute/", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"closure added" in partial.content


def test_admin_bulk_delete_of_closures_enqueues_a_recompute(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    from dsar.rules import tasks
    from dsar.rules.models import ClosureDay
    from tests.conftest import sign_in_with_second_factor
    from tests.factories import UserFactory

    queued = []
    monkeypatch.setattr(tasks.recompute_all_open_clocks, "delay", queued.append)
    closure = ClosureDay.objects.create(country="US", date=date(2026, 12, 24), reason="EO")
    sign_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/rules/closureday/",
            {"action": "delete_selected", "_selected_action": [closure.pk], "post": "yes"},
        )
    assert response.status_code == 302 and not ClosureDay.objects.exists()
    assert queued == [RecomputeRun.objects.get().pk]
