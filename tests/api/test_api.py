import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from dsar.cases import services
from dsar.cases.models import Case, Event, Proceeding
from dsar.letters import registry
from dsar.letters.models import Document
from dsar.reminders.models import Notification
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    ProceedingFactory,
    RegimeFactory,
    days_ago,
)
from tests.letters.factories import make_proceeding, sample_inputs

pytestmark = pytest.mark.django_db

FOIA = registry.letter_spec("foia-access")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_missing_credentials_are_a_401_with_a_challenge():
    response = APIClient().get(reverse("api:case-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] and response.json()["errors"] == {}


def test_create_case_proceeding_and_event_through_the_api(api, user):
    RegimeFactory()
    AgencyFactory()
    response = api.post(
        reverse("api:case-list"), {"title": "ESTA denied", "subject_name": "Lukas"}, format="json"
    )
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    response = api.post(
        reverse("api:proceeding-list"),
        {"case": case_id, "regime": "us-foia", "request_type": "access", "agency": "cbp"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    proceeding_id = response.json()["id"]
    response = api.post(
        reverse("api:proceeding-events", args=[proceeding_id]),
        {"kind": "filed", "occurred_on": days_ago(3).isoformat(), "channel": "portal"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event"]["status_after"] == "filed"
    # Recording the event recomputed the clocks, returned with it.
    assert body["proceeding"]["status"] == "filed"
    assert body["proceeding"]["clocks"] and body["proceeding"]["next_due_on"]
    events = api.get(reverse("api:proceeding-events", args=[proceeding_id])).json()
    assert [e["kind"] for e in events] == ["filed"]


def test_case_detail_with_proceedings_and_clocks_is_not_a_500(api, user):
    proceeding = ProceedingFactory(case__owner=user)
    ProceedingFactory(case=proceeding.case)
    api.post(
        reverse("api:proceeding-events", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": days_ago(3).isoformat()},
        format="json",
    )
    response = api.get(reverse("api:case-detail", args=[proceeding.case_id]))
    assert response.status_code == 200
    proceedings = response.json()["proceedings"]
    assert len(proceedings) == 2 and any(p["clocks"] for p in proceedings)


def test_bad_nationality_is_refused_on_its_field(api):
    response = api.post(
        reverse("api:case-list"),
        {"title": "ESTA", "subject_name": "Ana", "subject_nationality": "ZZ"},
        format="json",
    )
    assert response.status_code == 400
    assert "subject_nationality" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_unknown_channel_is_refused(api, user):
    proceeding = ProceedingFactory(case__owner=user)
    response = api.post(
        reverse("api:proceeding-events", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": days_ago(1).isoformat(), "channel": "carrier-pigeon"},
        format="json",
    )
    assert response.status_code == 400
    assert "channel" in response.json()["errors"]
    assert Event.objects.count() == 0


def test_a_refused_transition_is_a_409_with_the_explanation(api, user):
    proceeding = ProceedingFactory(case__owner=user)
    response = api.post(
        reverse("api:proceeding-events", args=[proceeding.pk]),
        {"kind": "appeal_decided", "occurred_on": days_ago(1).isoformat(), "outcome": "granted"},
        format="json",
    )
    assert response.status_code == 409
    assert "after an appeal was filed" in response.json()["detail"]
    assert response.json()["errors"] == {"kind": [response.json()["detail"]]}
    assert proceeding.events.count() == 0


def test_closing_twice_is_a_409(api, user):
    case = CaseFactory(owner=user)
    assert api.post(reverse("api:case-close", args=[case.pk])).status_code == 200
    assert api.post(reverse("api:case-close", args=[case.pk])).status_code == 409
    assert api.post(reverse("api:case-reopen", args=[case.pk])).json()["status"] == "open"


def test_unknown_codes_are_refused_on_their_fields(api, user):
    case = CaseFactory(owner=user)
    response = api.post(
        reverse("api:proceeding-list"),
        {"case": case.pk, "regime": "nope", "request_type": "access", "agency": "cbp"},
        format="json",
    )
    assert response.status_code == 400 and "regime" in response.json()["errors"]
    assert Proceeding.objects.count() == 0


def test_eligibility_warning_is_returned_with_the_new_proceeding(api, user):
    RegimeFactory(code="us-privacy-act", name="US Privacy Act")
    AgencyFactory()
    case = CaseFactory(owner=user, subject_us_status="none")
    response = api.post(
        reverse("api:proceeding-list"),
        {"case": case.pk, "regime": "us-privacy-act", "request_type": "access", "agency": "cbp"},
        format="json",
    )
    assert response.status_code == 201
    assert "may not be eligible" in response.json()["warnings"][0]


def test_other_users_objects_are_404_everywhere(api, other_user):
    case = CaseFactory(owner=other_user)
    proceeding = ProceedingFactory(case=case)
    document = Document.objects.create(
        case=case, kind="upload", title="x", content_type="text/plain", size=1, sha256="0" * 64
    )
    notification = Notification.objects.create(user=other_user, title="yours")
    assert api.get(reverse("api:case-detail", args=[case.pk])).status_code == 404
    assert api.patch(reverse("api:case-detail", args=[case.pk]), {}).status_code == 404
    assert api.get(reverse("api:proceeding-detail", args=[proceeding.pk])).status_code == 404
    assert api.get(reverse("api:document-detail", args=[document.pk])).status_code == 404
    assert api.get(reverse("api:document-download", args=[document.pk])).status_code == 404
    assert api.post(reverse("api:notification-read", args=[notification.pk])).status_code == 404
    response = api.post(
        reverse("api:proceeding-events", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": days_ago(1).isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert api.get(reverse("api:case-list")).json()["count"] == 0
    assert api.get(reverse("api:proceeding-list")).json()["count"] == 0
    notification.refresh_from_db()
    assert not notification.is_read


def test_a_viewer_may_read_but_not_write(api, user, other_user):
    membership = MembershipFactory(user=user, role="viewer")
    MembershipFactory(user=other_user, organization=membership.organization, role="admin")
    case = CaseFactory(owner=other_user, organization=membership.organization)
    proceeding = ProceedingFactory(case=case)
    assert api.get(reverse("api:case-detail", args=[case.pk])).status_code == 200
    response = api.patch(reverse("api:case-detail", args=[case.pk]), {"title": "x"})
    assert response.status_code == 403
    response = api.post(
        reverse("api:proceeding-events", args=[proceeding.pk]),
        {"kind": "filed", "occurred_on": days_ago(1).isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).title != "x" and Event.objects.count() == 0


def test_case_list_filters_orders_and_paginates(api, user):
    CaseFactory(owner=user, title="B open")
    CaseFactory(owner=user, title="A closed", status="closed")
    CaseFactory(owner=user, title="C open")
    # Titles are encrypted, so the database orders by other fields (here, creation).
    titles = [
        c["title"]
        for c in api.get(reverse("api:case-list"), {"ordering": "created_at"}).json()["results"]
    ]
    assert titles == ["B open", "A closed", "C open"]
    closed = api.get(reverse("api:case-list"), {"status": "closed"}).json()
    assert [c["title"] for c in closed["results"]] == ["A closed"]
    page = api.get(reverse("api:case-list"), {"page_size": 2, "ordering": "-created_at"}).json()
    assert page["count"] == 3 and [c["title"] for c in page["results"]] == ["C open", "A closed"]
    assert page["next"]
    assert api.get(reverse("api:case-list"), {"status": "nonsense"}).status_code == 400


def test_case_list_query_count_does_not_grow(api, user, django_assert_max_num_queries):
    for _i in range(30):
        CaseFactory(owner=user)
    with django_assert_max_num_queries(6):
        assert api.get(reverse("api:proceeding-list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert len(api.get(reverse("api:case-list")).json()["results"]) == 30


def test_upload_and_download_a_document(api, user):
    proceeding = ProceedingFactory(case__owner=user)
    response = api.post(
        reverse("api:document-list"),
        {
            "case": proceeding.case_id,
            "proceeding": proceeding.pk,
            "title": "Agency letter",
            "file": SimpleUploadedFile("letter.pdf", PDF),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["content_type"] == "application/pdf" and document["size"] == len(PDF)
    download = api.get(document["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    listed = api.get(reverse("api:document-list"), {"proceeding": proceeding.pk}).json()
    assert [d["id"] for d in listed["results"]] == [document["id"]]


def test_an_upload_is_checked_by_its_content(api, user):
    case = CaseFactory(owner=user)
    response = api.post(
        reverse("api:document-list"),
        {"case": case.pk, "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + bytes(300))},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert Document.objects.count() == 0


def test_request_poll_and_download_a_letter(api, user, django_capture_on_commit_callbacks):
    proceeding = make_proceeding(user)
    letters = api.get(reverse("api:proceeding-letters", args=[proceeding.pk])).json()
    assert "foia-access" in [letter["code"] for letter in letters]
    inputs = {k: str(v) for k, v in sample_inputs(FOIA).items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:letter-list"),
            {
                "proceeding": proceeding.pk,
                "code": "foia-access",
                "language": "en",
                "inputs": inputs,
            },
            format="json",
        )
    assert response.status_code == 202, response.json()
    polled = api.get(reverse("api:letter-detail", args=[response.json()["id"]])).json()
    assert polled["status"] == "ready" and polled["download_url"]
    pdf = api.get(polled["download_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_downloading_a_letter_not_yet_rendered_is_a_409(api, user):
    proceeding = make_proceeding(user)
    inputs = {k: str(v) for k, v in sample_inputs(FOIA).items()}
    response = api.post(
        reverse("api:letter-list"),
        {"proceeding": proceeding.pk, "code": "foia-access", "language": "en", "inputs": inputs},
        format="json",
    )
    assert response.json()["status"] == "pending" and response.json()["download_url"] is None
    assert api.get(reverse("api:letter-pdf", args=[response.json()["id"]])).status_code == 409


def test_a_letter_with_missing_inputs_is_refused(api, user):
    proceeding = make_proceeding(user)
    response = api.post(
        reverse("api:letter-list"),
        {"proceeding": proceeding.pk, "code": "foia-access", "language": "en", "inputs": {}},
        format="json",
    )
    assert response.status_code == 400 and "missing" in response.json()["detail"]


def test_notifications_list_and_mark_read(api, user):
    first = Notification.objects.create(user=user, title="Due soon")
    Notification.objects.create(user=user, title="Missed")
    assert api.get(reverse("api:notification-list"), {"is_read": "false"}).json()["count"] == 2
    assert api.post(reverse("api:notification-read", args=[first.pk])).json() == {"marked": 1}
    assert api.get(reverse("api:notification-list"), {"is_read": "false"}).json()["count"] == 1
    assert api.post(reverse("api:notification-read-all")).json() == {"marked": 1}


def test_clock_list_is_scoped_and_filtered(api, user, other_user):
    mine = ProceedingFactory(case__owner=user)
    theirs = ProceedingFactory(case__owner=other_user)
    for proceeding in (mine, theirs):
        services.proceeding_record_event(
            user=proceeding.case.owner, proceeding=proceeding, kind="filed", occurred_on=days_ago(5)
        )
    clocks = api.get(reverse("api:clock-list")).json()["results"]
    assert clocks and {c["proceeding"] for c in clocks} == {mine.pk}
    later = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    assert api.get(reverse("api:clock-list"), {"due_after": later}).json()["count"] == 0


def test_public_directory_planner_and_calculator_need_no_login():
    client = APIClient()
    agencies = client.get(reverse("api:agency-list")).json()
    assert agencies["count"] > 5
    cbp = client.get(reverse("api:agency-detail", args=["cbp"])).json()
    assert cbp["country"] == "US"
    assert client.get(reverse("api:regime-list")).status_code == 200
    assert client.get(reverse("api:record-system-list")).status_code == 200
    proposals = client.post(
        reverse("api:planner"),
        {"situation": "us-border-face-match", "nationality": "MX", "us_status": "none"},
        format="json",
    ).json()
    assert proposals and "us-privacy-act" not in {p["regime"] for p in proposals}
    result = client.post(
        reverse("api:calculator"),
        {"clock": "us-foia-response", "start": "2026-11-02"},
        format="json",
    )
    assert result.status_code == 200 and result.json()["due"] > "2026-11-02"
    refused = client.post(
        reverse("api:calculator"),
        {"clock": "us-foia-response", "start": "2026-11-02", "country": "ZZ"},
        format="json",
    )
    assert refused.status_code == 400 and "No holiday calendar" in refused.json()["detail"]
    planner_refused = client.post(
        reverse("api:planner"),
        {"situation": "us-border-face-match", "nationality": "ZZ"},
        format="json",
    )
    assert planner_refused.status_code == 400


def test_a_bad_token_is_refused_even_on_public_endpoints():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer dsar_nothing_here")
    assert client.get(reverse("api:regime-list")).status_code == 401


def test_session_auth_needs_the_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("api:case-list")).status_code == 200
    response = client.post(
        reverse("api:case-list"), {"title": "t", "subject_name": "n"}, format="json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_throttles_count_per_user_and_per_address(api, settings, other_api):
    cache.clear()
    settings.DSAR_API_THROTTLE_RATES = {"user": "3/minute", "address": "6/minute"}
    url = reverse("api:case-list")
    assert [api.get(url).status_code for _i in range(4)] == [200, 200, 200, 429]
    refused = api.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Another user from the same address has a count of their own, but the address has one
    # too: five requests were counted against it, so the other user's second is refused.
    assert [other_api.get(url).status_code for _i in range(2)] == [200, 429]
    cache.clear()
