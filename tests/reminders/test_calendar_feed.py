"""The calendar feed: only what the user may see, a constant number of queries, conditional
answers (ETag / Last-Modified / 304) and a per-user cache that follows clock changes."""

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dsar.cases import services
from dsar.reminders.calendar import _fold, calendar_feed_render
from dsar.reminders.services import calendar_token_issue
from tests.factories import CaseFactory, MembershipFactory, ProceedingFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _filed_proceeding(owner, organization=None, title="", days=10):
    # Entries name the client and the case: the title is the case's as well as the proceeding's.
    named = {"title": title} if title else {}
    case = CaseFactory(owner=owner, organization=organization, **named)
    proceeding = ProceedingFactory(case=case, title=title)
    services.proceeding_record_event(
        user=owner, proceeding=proceeding, kind="filed", occurred_on=days_ago(days)
    )
    return proceeding


def _feed_url(user):
    # The token is stored only as a digest: issuing it is the one moment it can be read.
    return reverse("reminders:calendar_feed", args=[calendar_token_issue(user=user)])


def _summaries(content: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")]


def test_feed_lists_own_and_organization_clocks_only(client):
    member, colleague, stranger = UserFactory(), UserFactory(), UserFactory()
    org = MembershipFactory(user=member).organization
    MembershipFactory(user=colleague, organization=org)
    _filed_proceeding(member, title="mine")
    _filed_proceeding(colleague, organization=org, title="shared")
    _filed_proceeding(colleague, title="colleague private")
    _filed_proceeding(stranger, title="stranger")
    summaries = _summaries(client.get(_feed_url(member)).content)
    assert any("mine" in s for s in summaries)
    assert any("shared" in s for s in summaries)
    assert not any("private" in s or "stranger" in s for s in summaries)


def test_feed_issues_a_constant_number_of_queries(client):
    member, colleague = UserFactory(), UserFactory()
    org = MembershipFactory(user=member).organization
    MembershipFactory(user=colleague, organization=org)
    _filed_proceeding(member, title="first")
    url = _feed_url(member)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(_summaries(response.content))

    small, events_small = count()
    for i in range(6):
        _filed_proceeding(member, title=f"more {i}", days=10 + i)
        _filed_proceeding(colleague, organization=org, title=f"shared {i}", days=5 + i)
    large, events_large = count()
    assert events_large > events_small
    assert large == small <= 20


def test_feed_answers_304_to_a_client_that_has_the_current_version(client):
    owner = UserFactory()
    proceeding = _filed_proceeding(owner)
    url = _feed_url(owner)
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    # A new event moves the clocks: a new version, a full answer.
    services.proceeding_record_event(
        user=owner, proceeding=proceeding, kind="received", occurred_on=days_ago(8)
    )
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_cached_feed_follows_clock_changes_and_closing(client):
    owner = UserFactory()
    proceeding = _filed_proceeding(owner, title="tracked")
    url = _feed_url(owner)
    before = client.get(url).content
    assert client.get(url).content == before  # served from the cache, same version
    services.proceeding_record_event(
        user=owner, proceeding=proceeding, kind="received", occurred_on=days_ago(8)
    )
    after = client.get(url).content
    assert after != before
    services.case_close(user=owner, case=proceeding.case)
    assert _summaries(client.get(url).content) == []


def test_unsharing_removes_organization_clocks_from_a_cached_feed(client):
    member, colleague = UserFactory(), UserFactory()
    org = MembershipFactory(user=member).organization
    MembershipFactory(user=colleague, organization=org)
    shared = _filed_proceeding(colleague, organization=org, title="shared")
    url = _feed_url(member)
    assert len(_summaries(client.get(url).content)) == 1
    services.case_update(user=colleague, case=shared.case, organization=None)
    assert _summaries(client.get(url).content) == []


def test_long_lines_are_folded_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100
    folded = _fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_rendered_text_is_escaped(db):
    owner = UserFactory()
    _filed_proceeding(owner, title="Smith, John; A\\B")
    event = icalendar.Calendar.from_ical(calendar_feed_render(user=owner)).walk("VEVENT")[0]
    assert "Smith, John; A\\B" in str(event["SUMMARY"])
