import datetime
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import override_settings

from dsar.cases.models import Case, Clock, Event, Proceeding
from dsar.directory.models import Agency
from dsar.directory.selectors import agency_statistics
from tests.factories import CaseFactory, ProceedingFactory

ROOT = Path(__file__).resolve().parents[2]
PLAN_QUERY = "situation=us-border-face-match&nationality=MX&us_status=none&place=JFK"
PLAN = {k: v[0] for k, v in parse_qs(PLAN_QUERY).items()}


def plan_result(client, data=PLAN, **headers):
    """Post the planner's form, as the browser does, and follow to the result page."""
    return client.post("/plan/result/", data, follow=True, headers=headers)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "url",
    [
        "/directory/",
        "/directory/?q=ident",
        "/directory/agencies/cbp/",
        "/directory/agencies/dhs/",
        "/directory/agencies/fbi-cjis/",
        "/directory/agencies/obim/",
        "/directory/systems/ident-hart/",
        "/directory/systems/tvs/",
        "/plan/",
    ],
)
def test_public_pages_render_without_login(client, directory, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


def test_spanish_names_shown_in_spanish(client, directory):
    response = client.get("/directory/agencies/cbp/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Oficina de Aduanas y Protección Fronteriza" in response.content.decode()
    response = client.get("/directory/agencies/cbp/", HTTP_ACCEPT_LANGUAGE="en")
    assert "U.S. Customs and Border Protection" in response.content.decode()


def test_agency_page_shows_facts_with_status_source_and_date(client, directory):
    body = client.get("/directory/agencies/cbp/").content.decode()
    assert "https://www.securerelease.us" in body
    assert "badge-unconfirmed" in body  # the conflicting postal address
    assert "cbp.gov/site-policy-notices/foia/faq-foia" in body
    assert 'datetime="2026-11-01"' in body
    assert "not legal advice" in body


def test_unknown_codes_404(client, directory):
    assert client.get("/directory/agencies/nope/").status_code == 404
    assert client.get("/directory/systems/nope/").status_code == 404


def test_search_covers_agencies_and_systems(client, directory):
    body = client.get("/directory/?q=IDENT").content.decode()
    assert "/directory/systems/ident-hart/" in body
    assert "/directory/agencies/ico/" not in body
    body = client.get("/directory/?q=OBIM").content.decode()
    assert "/directory/agencies/obim/" in body


def test_plan_form_has_labels_and_stable_names(client):
    body = client.get("/plan/").content.decode()
    for name in ("situation", "nationality", "us_status", "residence", "date", "place", "details"):
        assert f'name="{name}"' in body
        assert f'for="id_{name}"' in body


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_result_renders_for_anonymous_visitors(client, directory, language):
    response = plan_result(client, **{"Accept-Language": language})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


def test_plan_answers_never_go_into_a_url(client, directory):
    form = client.get("/plan/").content.decode()
    assert '<form method="post" action="/plan/result/"' in form
    response = client.post("/plan/result/", {**PLAN, "details": "secondary twice"})
    assert response.status_code == 302 and response["Location"] == "/plan/result/"
    page = client.get("/plan/result/")
    assert "no-store" in page["Cache-Control"]
    body = page.content.decode()
    for url in re.findall(r'(?:href|action)="([^"]*)"', body):
        assert "nationality" not in url and "secondary" not in url and "JFK" not in url
    # "Change my answers" finds them in the draft, not in the address.
    assert 'value="JFK"' in client.get("/plan/").content.decode()


def test_plan_result_without_a_draft_goes_back_to_the_form(client, directory):
    response = client.get(f"/plan/result/?{PLAN_QUERY}")
    assert response.status_code == 302 and response["Location"] == "/plan/"


def test_plan_result_lists_proposals(client, directory):
    body = plan_result(client).content.decode()
    assert 'data-regime="us-foia"' in body
    assert 'data-regime="us-dhs-trip"' in body
    assert 'data-regime="us-privacy-act"' not in body
    assert "5 U.S.C. 552(a)(3)" in body
    assert "not legal advice" in body
    assert 'id="plan-login"' in body


def test_plan_result_invalid_input_shows_form_errors(client, directory):
    response = client.post(
        "/plan/result/", {"situation": "us-border-face-match", "nationality": "ZZ"}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_anonymous_save_goes_to_login_and_keeps_the_plan(client, directory):
    body = plan_result(client).content.decode()
    assert "/accounts/login/?next=%2Fplan%2Fresult%2F" in body
    client.cookies.pop("sessionid")  # the save form alone carries the plan to the login
    response = client.post("/plan/save/", PLAN)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    next_url = parse_qs(location.query)["next"][0]
    assert next_url == "/plan/result/"
    assert not Case.objects.exists()
    # Back from the login, the plan is still there.
    assert 'data-regime="us-foia"' in client.get(next_url).content.decode()


def test_save_creates_case_with_draft_proceedings(client_logged_in, user, directory):
    data = {k: v[0] for k, v in parse_qs(PLAN_QUERY).items()}
    data["us_status"] = "lpr"
    data["client_name"] = "  Ana   Torres "
    data["client_address"] = "Calle 1, Puebla"
    response = client_logged_in.post("/plan/save/", data)
    case = Case.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    # The client is the subject, not the advocate who saved the plan.
    assert case.subject_name == "Ana Torres" and case.subject_address == "Calle 1, Puebla"
    assert case.title.endswith("— Ana Torres") and "JFK" not in case.title
    assert case.subject_nationality == "MX" and case.subject_us_status == "lpr"
    assert case.decision_place == "JFK"
    got = {(p.regime.code, p.request_type, p.agency.code) for p in case.proceedings.all()}
    assert got == {
        ("us-foia", "access", "cbp"),
        ("us-foia", "access", "obim"),
        ("us-dhs-trip", "redress", "dhs-trip"),
        ("us-privacy-act", "amendment", "obim"),
    }
    assert set(case.proceedings.values_list("status", flat=True)) == {"draft"}


def test_save_without_a_client_is_refused_and_changes_nothing(client_logged_in, user, directory):
    data = {k: v[0] for k, v in parse_qs(PLAN_QUERY).items()}
    response = client_logged_in.post("/plan/save/", data)
    assert response.status_code == 400
    assert "Whom is this case about?" in response.content.decode()
    assert 'class="alert alert-error error-summary"' in response.content.decode()
    assert not Case.objects.exists()


def test_save_for_an_existing_client_or_for_oneself(client_logged_in, user, directory):
    from tests.factories import CaseFactory as Cases

    existing = Cases(
        owner=user,
        subject_name="Luis Pérez",
        subject_address="Av. 5, Bogotá",
        subject_passport_number="P999",
    )
    stranger = Cases(subject_name="Someone Else")
    page = plan_result(client_logged_in).content.decode()
    assert "Luis Pérez" in page and "Someone Else" not in page
    data = {k: v[0] for k, v in parse_qs(PLAN_QUERY).items()}
    response = client_logged_in.post("/plan/save/", {**data, "client": str(existing.pk)})
    case = Case.objects.exclude(pk=existing.pk).get(owner=user)
    assert response.status_code == 302
    assert (case.subject_name, case.subject_address) == ("Luis Pérez", "Av. 5, Bogotá")
    assert case.subject_passport_number == "P999"
    # Another user's client cannot be picked.
    response = client_logged_in.post("/plan/save/", {**data, "client": str(stranger.pk)})
    assert response.status_code == 400 and Case.objects.filter(owner=user).count() == 2
    client_logged_in.post("/plan/save/", {**data, "for_myself": "on"})
    mine = Case.objects.filter(owner=user).order_by("-pk").first()
    assert mine.subject_name == (user.display_name or user.email)


def test_plan_command_exit_status_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "manage.py", "plan", "--situation", "nope", "--nationality", "MX"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Unknown situation" in result.stderr


# ------------------------------------------------------------------ statistics


def _proceeding_with_history(agency, *, title, filed, ack, determined, due, appeal=None):
    proceeding = ProceedingFactory(agency=agency, case=CaseFactory(title=title))
    for kind, day, outcome in (
        ("filed", filed, ""),
        ("acknowledged", ack, ""),
        ("determination", determined, "partial"),
    ):
        Event.objects.create(
            proceeding=proceeding,
            kind=kind,
            occurred_on=day,
            outcome=outcome,
            status_before="draft",
            status_after="filed",
        )
    if appeal:
        Event.objects.create(
            proceeding=proceeding,
            kind="appeal_decided",
            occurred_on=determined + datetime.timedelta(days=30),
            outcome=appeal,
            status_before="appealed",
            status_after="closed",
        )
    Clock.objects.create(
        proceeding=proceeding,
        code="us-foia-response",
        label="Response",
        start_date=filed,
        due_date=due,
        state="met" if determined <= due else "missed",
        citation="5 U.S.C. 552(a)(6)(A)",
        rule_status="verified",
        computed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return proceeding


@pytest.fixture
def cbp(directory):
    return Agency.objects.get(code="cbp")


@override_settings(DIRECTORY_STATS_MIN_PROCEEDINGS=5)
def test_statistics_hidden_below_threshold(client, cbp):
    start = datetime.date(2026, 1, 5)
    for n in range(4):
        _proceeding_with_history(
            cbp,
            title=f"Secret case title {n}",
            filed=start,
            ack=start + datetime.timedelta(days=2),
            determined=start + datetime.timedelta(days=20),
            due=start + datetime.timedelta(days=28),
        )
    stats = agency_statistics(agency=cbp)
    assert stats["enough"] is False
    assert "determination" not in stats
    body = client.get("/directory/agencies/cbp/").content.decode()
    # It says what there is and why it is not enough: the count and the threshold.
    assert "users have recorded 4 proceedings with this agency" in body
    assert "statistics appear from 5" in body and "at least 5 proceedings" in body
    assert "Secret case title" not in body


@override_settings(DIRECTORY_STATS_MIN_PROCEEDINGS=5)
def test_statistics_shown_above_threshold_without_leaking_cases(
    client, cbp, django_assert_max_num_queries
):
    start = datetime.date(2026, 1, 5)
    proceedings = []
    for n, (ack, det, appeal) in enumerate(
        [
            (1, 10, "granted"),
            (2, 20, "denied"),
            (3, 30, "partial"),
            (4, 40, "denied"),
            (5, 50, "granted"),
            (6, 60, None),
        ]
    ):
        proceedings.append(
            _proceeding_with_history(
                cbp,
                title=f"Secret case title {n}",
                filed=start,
                ack=start + datetime.timedelta(days=ack),
                determined=start + datetime.timedelta(days=det),
                due=start + datetime.timedelta(days=28),
                appeal=appeal,
            )
        )
    with django_assert_max_num_queries(3):
        stats = agency_statistics(agency=cbp)
    assert stats["enough"] is True
    assert stats["proceedings"] == 6
    assert stats["acknowledgement"]["median_days"] == 3.5
    assert stats["determination"]["median_days"] == 35
    assert stats["on_time"]["share"] == pytest.approx(2 / 6)
    assert stats["appeals"]["share_granted"] == pytest.approx(3 / 5)
    body = client.get("/directory/agencies/cbp/").content.decode()
    assert "Secret case title" not in body
    assert "Ana María Pérez" not in body
    for proceeding in proceedings:
        assert f"/cases/{proceeding.case_id}/" not in body
        assert f"/cases/proceedings/{proceeding.pk}/" not in body
    assert "35" in body and "60 %" in body
    assert stats["samples"]["appeals"] == 5


@override_settings(DIRECTORY_STATS_MIN_PROCEEDINGS=5)
def test_statistics_query_count_is_constant(cbp, django_assert_max_num_queries):
    start = datetime.date(2026, 1, 5)
    for n in range(12):
        _proceeding_with_history(
            cbp,
            title=f"Case {n}",
            filed=start,
            ack=start + datetime.timedelta(days=1),
            determined=start + datetime.timedelta(days=n + 1),
            due=start + datetime.timedelta(days=28),
        )
    with django_assert_max_num_queries(3):
        stats = agency_statistics(agency=cbp)
    assert stats["on_time"]["share"] == 1.0
    assert stats["appeals"] is None  # no appeal decided: no figure


def test_statistics_page_for_agency_without_proceedings(cbp):
    assert Proceeding.objects.count() == 0
    assert agency_statistics(agency=cbp)["enough"] is False


def test_plan_result_in_spanish(client, directory):
    body = plan_result(client, **{"Accept-Language": "es"}).content.decode()
    assert "CBP opera el Servicio de Verificación de Viajeros" in body
