import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dsar.cases import services
from dsar.cases.models import Case, Event
from dsar.letters.models import Document
from tests.factories import AgencyFactory, CaseFactory, ProceedingFactory, RegimeFactory, days_ago

pytestmark = pytest.mark.django_db


def owned_objects(owner):
    proceeding = ProceedingFactory(case__owner=owner)
    event = services.proceeding_record_event(
        user=owner,
        proceeding=proceeding,
        kind="filed",
        occurred_on=days_ago(3),
        uploads=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    return proceeding.case, proceeding, event, Document.objects.get(event=event)


def private_urls(case, proceeding, document):
    return [
        ("get", reverse("cases:case_detail", args=[case.pk])),
        ("get", reverse("cases:case_edit", args=[case.pk])),
        ("post", reverse("cases:case_edit", args=[case.pk])),
        ("post", reverse("cases:case_close", args=[case.pk])),
        ("post", reverse("cases:case_reopen", args=[case.pk])),
        ("get", reverse("cases:document_upload", args=[case.pk])),
        ("post", reverse("cases:document_upload", args=[case.pk])),
        ("get", reverse("cases:proceeding_create", args=[case.pk])),
        ("post", reverse("cases:proceeding_create", args=[case.pk])),
        ("get", reverse("cases:proceeding_detail", args=[proceeding.pk])),
        ("get", reverse("cases:proceeding_edit", args=[proceeding.pk])),
        ("post", reverse("cases:proceeding_edit", args=[proceeding.pk])),
        ("post", reverse("cases:event_create", args=[proceeding.pk])),
        ("get", reverse("letters:document_download", args=[document.pk])),
    ]


def test_another_users_case_answers_404_on_every_url(client, user, other_user):
    case, proceeding, event, document = owned_objects(user)
    client.force_login(other_user)
    for method, url in private_urls(case, proceeding, document):
        response = getattr(client, method)(url, {"kind": "note", "occurred_on": "2026-01-01"})
        assert response.status_code == 404, (method, url, response.status_code)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert Event.objects.count() == 1


def test_anonymous_users_are_sent_to_log_in(client, user):
    case, proceeding, event, document = owned_objects(user)
    for method, url in private_urls(case, proceeding, document):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 404), (method, url)
        if response.status_code == 302:
            assert reverse("account_login") in response["Location"]


def test_owner_sees_every_page(client, user):
    case, proceeding, event, document = owned_objects(user)
    client.force_login(user)
    for method, url in private_urls(case, proceeding, document):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_create_case_form_explains_errors_and_saves_nothing(client_logged_in):
    response = client_logged_in.post(
        reverse("cases:case_create"),
        {
            "title": "",
            "subject_name": "",
            "subject_us_status": "none",
            "subject_nationality": "Mexico",
            "decision_date": "2999-01-01",
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    # Once the form parses, the service's rules are shown, all at once, on their fields.
    response = client_logged_in.post(
        reverse("cases:case_create"),
        {
            "title": "Face match",
            "subject_name": "Ana",
            "subject_us_status": "none",
            "subject_nationality": "ZZ",
            "decision_date": "2999-01-01",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "two-letter ISO country code" in content
    assert "cannot be in the future" in content
    assert Case.objects.count() == 0


def test_create_case_then_proceeding_then_event(client_logged_in, user):
    response = client_logged_in.post(
        reverse("cases:case_create"),
        {
            "title": "Face did not match at JFK",
            "subject_name": "Ana Pérez",
            "subject_us_status": "none",
            "subject_nationality": "mx",
            "decision_date": "2026-08-14",
            "decision_description": "Referred to secondary after a failed face comparison.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.subject_nationality == "MX" and case.has_automated_decision
    regime, agency = RegimeFactory(), AgencyFactory()
    response = client_logged_in.post(
        reverse("cases:proceeding_create", args=[case.pk]),
        {"regime": regime.pk, "request_type": "access", "agency": agency.pk},
    )
    created = case.proceedings.get()
    assert response["Location"] == created.get_absolute_url()
    response = client_logged_in.post(
        reverse("cases:event_create", args=[created.pk]),
        {"kind": "filed", "occurred_on": days_ago(2).isoformat(), "channel": "portal"},
    )
    assert response.status_code == 302
    page = client_logged_in.get(created.get_absolute_url()).content.decode()
    assert "Request filed" in page and "Filed" in page


def test_refused_event_shows_the_reason(client_logged_in, user):
    proceeding = ProceedingFactory(case__owner=user)
    response = client_logged_in.post(
        reverse("cases:event_create", args=[proceeding.pk]),
        {"kind": "appeal_decided", "occurred_on": days_ago(1).isoformat(), "outcome": "granted"},
    )
    assert response.status_code == 400
    assert "after an appeal was filed" in response.content.decode()
    assert proceeding.events.count() == 0


def test_event_form_rejects_future_dates_and_empty_required_fields(client_logged_in, user):
    proceeding = ProceedingFactory(case__owner=user)
    url = reverse("cases:event_create", args=[proceeding.pk])
    response = client_logged_in.post(url, {"kind": "filed", "occurred_on": "2999-01-01"})
    assert "cannot be in the future" in response.content.decode()
    response = client_logged_in.post(url, {"kind": "filed", "occurred_on": ""})
    assert "This field is required." in response.content.decode()
    assert proceeding.events.count() == 0


def test_upload_rejects_disguised_files(client_logged_in, user):
    case = CaseFactory(owner=user)
    response = client_logged_in.post(
        reverse("cases:document_upload", args=[case.pk]),
        {"file": SimpleUploadedFile("scan.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)},
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert Document.objects.count() == 0


def _populate(owner, cases: int, proceedings_per_case: int):
    for _ in range(cases):
        case = CaseFactory(owner=owner)
        for _ in range(proceedings_per_case):
            proceeding = ProceedingFactory(case=case)
            services.proceeding_record_event(
                user=owner,
                proceeding=proceeding,
                kind="filed",
                occurred_on=days_ago(40),
                tracking_number="TRK-1",
            )
            services.proceeding_record_event(
                user=owner,
                proceeding=proceeding,
                kind="acknowledged",
                occurred_on=days_ago(35),
            )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["dashboard", "case_detail"])
def test_pages_issue_a_constant_number_of_queries(client_logged_in, user, page):
    _populate(user, cases=1, proceedings_per_case=1)
    first_case = Case.objects.get()

    def url():
        if page == "dashboard":
            return reverse("cases:dashboard") + "?q=&overdue=on"
        return first_case.get_absolute_url()

    small = _count_queries(client_logged_in, url())
    _populate(user, cases=4, proceedings_per_case=3)
    for extra in range(3):
        proceeding = ProceedingFactory(case=first_case)
        services.proceeding_record_event(
            user=user, proceeding=proceeding, kind="filed", occurred_on=days_ago(10 + extra)
        )
    large = _count_queries(client_logged_in, url())
    assert large == small


def test_dashboard_filters_and_search(client_logged_in, user):
    _populate(user, cases=2, proceedings_per_case=1)
    target = Case.objects.first()
    target.title = "ESTA denied in Madrid"
    target.save()
    # Titles are encrypted: search goes through the keyed-hash index of whole words of names
    # and titles, and of exact tracking numbers.
    page = client_logged_in.get(reverse("cases:dashboard"), {"q": "madrid"}).content
    assert "ESTA denied in Madrid" in page.decode()
    assert page.decode().count("<tr") == 2  # header + one row
    page = client_logged_in.get(reverse("cases:dashboard"), {"q": "TRK-1"}).content
    assert page.decode().count("<tr") == 3  # both cases' proceedings carry this number
    page = client_logged_in.get(reverse("cases:dashboard"), {"status": "draft"}).content.decode()
    assert "No open proceeding matches these filters." in page


def test_dashboard_is_paginated(client_logged_in, user):
    case = CaseFactory(owner=user)
    for _ in range(30):
        ProceedingFactory(case=case)
    page = client_logged_in.get(reverse("cases:dashboard")).content.decode()
    assert "Page 1 of 2" in page


def test_organization_viewers_can_read_but_not_change_a_shared_case(client, user):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(user=user, role="admin")
    viewer = MembershipFactory(organization=membership.organization, role="viewer").user
    case, proceeding, event, document = owned_objects(user)
    case.organization = membership.organization
    case.save()
    client.force_login(viewer)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(proceeding.get_absolute_url()).status_code == 200
    for method, url in private_urls(case, proceeding, document):
        if method == "post":
            response = client.post(url, {"kind": "note", "occurred_on": days_ago(1).isoformat()})
            assert response.status_code == 403, url
    assert Event.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_dashboard_lists_proceedings_without_a_deadline_last(client_logged_in, user):
    case = CaseFactory(owner=user)
    undated = ProceedingFactory(case=case, title="no deadline yet")
    dated = ProceedingFactory(case=case, title="has a deadline")
    services.proceeding_record_event(
        user=user, proceeding=dated, kind="filed", occurred_on=days_ago(3)
    )
    page = client_logged_in.get(reverse("cases:dashboard")).content.decode()
    assert page.index("has a deadline") < page.index("no deadline yet")
    assert undated.next_due_on is None


def test_proceeding_page_warns_when_the_subject_may_not_be_eligible(client_logged_in, user):
    case = CaseFactory(owner=user, subject_nationality="MX", subject_us_status="none")
    regime = RegimeFactory(code="us-privacy-act", name="US Privacy Act")
    response = client_logged_in.post(
        reverse("cases:proceeding_create", args=[case.pk]),
        {"regime": regime.pk, "request_type": "access", "agency": AgencyFactory().pk},
        follow=True,
    )
    assert "may not be eligible for this request under US Privacy Act" in (
        response.content.decode()
    )
    assert case.proceedings.count() == 1


def test_event_with_a_future_date_is_refused_by_the_service(client_logged_in, user):
    proceeding = ProceedingFactory(case__owner=user)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client_logged_in.post(
        reverse("cases:event_create", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": future},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert proceeding.events.count() == 0
