"""The dashboard, the case list and search show exactly what the user may see, through the
denormalised visibility columns and the search index, with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dsar.cases import services
from dsar.cases.models import Case, Proceeding, SearchTerm
from dsar.cases.search import case_search_terms_rebuild
from dsar.cases.selectors import dashboard_proceedings
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    ProceedingFactory,
    RegimeFactory,
    UserFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def _filed(proceeding, owner, days=40, tracking_number=""):
    services.proceeding_record_event(
        user=owner,
        proceeding=proceeding,
        kind="filed",
        occurred_on=days_ago(days),
        tracking_number=tracking_number,
    )
    proceeding.refresh_from_db()
    return proceeding


@pytest.fixture
def world():
    """A member of a clinic; their own case, a colleague's shared case, a colleague's private
    case and a stranger's case, each with one filed proceeding."""
    member = UserFactory()
    colleague = UserFactory()
    stranger = UserFactory()
    membership = MembershipFactory(user=member, role="advocate")
    MembershipFactory(user=colleague, organization=membership.organization)
    org = membership.organization
    own = CaseFactory(owner=member, title="Own case", subject_name="Olga Own")
    shared = CaseFactory(
        owner=colleague, organization=org, title="Shared case", subject_name="Sam Shared"
    )
    private = CaseFactory(owner=colleague, title="Private case", subject_name="Pia Private")
    foreign = CaseFactory(owner=stranger, title="Stranger case", subject_name="Sara Stranger")
    proceedings = {}
    for name, case in (
        ("own", own),
        ("shared", shared),
        ("private", private),
        ("foreign", foreign),
    ):
        proceedings[name] = _filed(
            ProceedingFactory(case=case, title=f"{name} request"),
            case.owner,
            tracking_number=f"2026-FOIA-{name.upper()}",
        )
    return {"member": member, "org": org, "cases": locals(), **proceedings}


def _dashboard_titles(client, user, **params):
    client.force_login(user)
    page = client.get(reverse("cases:dashboard"), params).content.decode()
    return {name for name in ("own", "shared", "private", "foreign") if f"{name} request" in page}


def test_dashboard_shows_own_and_organization_proceedings_only(client, world):
    assert _dashboard_titles(client, world["member"]) == {"own", "shared"}


def test_dashboard_filters_never_reveal_other_users_proceedings(client, world):
    assert _dashboard_titles(client, world["member"], overdue="on") <= {"own", "shared"}
    assert _dashboard_titles(client, world["member"], regime="us-foia") == {"own", "shared"}
    assert _dashboard_titles(client, world["member"], status="filed") == {"own", "shared"}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("Sara Stranger", set()),
        ("pia", set()),
        ("2026-FOIA-FOREIGN", set()),
        ("2026 foia private", set()),
        ("sam shared", {"shared"}),
        ("2026foiashared", {"shared"}),
        ("Olga", {"own"}),
        ("OWN REQUEST", {"own"}),
    ],
)
def test_search_finds_whole_words_and_references_among_visible_proceedings_only(
    client, world, query, expected
):
    assert _dashboard_titles(client, world["member"], q=query) == expected


def test_a_shared_case_stops_showing_when_unshared_and_a_closed_case_leaves_the_dashboard(
    client, world
):
    shared = Case.objects.get(pk=world["cases"]["shared"].pk)
    services.case_update(user=shared.owner, case=shared, organization=None)
    assert _dashboard_titles(client, world["member"]) == {"own"}
    own = Case.objects.get(pk=world["cases"]["own"].pk)
    services.case_close(user=world["member"], case=own)
    assert _dashboard_titles(client, world["member"]) == set()
    assert not Proceeding.objects.get(case=own).listed
    services.case_reopen(user=world["member"], case=own)
    assert _dashboard_titles(client, world["member"]) == {"own"}


def test_dashboard_that_ignored_visibility_would_fail_this_test(world):
    """The selector itself, not only the page: every row is the user's or their clinic's."""
    member = world["member"]
    rows = list(dashboard_proceedings(user=member)[0:100])
    assert {p.pk for p in rows} == {world["own"].pk, world["shared"].pk}
    assert dashboard_proceedings(user=member).count() == 2
    assert dashboard_proceedings(user=UserFactory()).count() == 0


def test_own_case_shared_with_own_organization_is_listed_once(world):
    own = Case.objects.get(pk=world["cases"]["own"].pk)
    services.case_update(user=world["member"], case=own, organization=world["org"])
    rows = list(dashboard_proceedings(user=world["member"])[0:100])
    assert sorted(p.pk for p in rows) == sorted({world["own"].pk, world["shared"].pk})
    assert dashboard_proceedings(user=world["member"]).count() == 2


def test_renaming_the_subject_replaces_the_old_name_in_the_index(world):
    own = Case.objects.get(pk=world["cases"]["own"].pk)
    member = world["member"]
    services.case_update(user=member, case=own, subject_name="Nadia Nueva")
    assert dashboard_proceedings(user=member, query="Olga").count() == 0
    assert dashboard_proceedings(user=member, query="nadia nueva").count() == 1
    assert dashboard_proceedings(user=member, query="Nádia").count() == 1


def test_tracking_numbers_from_events_are_searchable_and_prefixes_are_not(world):
    member = world["member"]
    proceeding = world["own"]
    services.proceeding_record_event(
        user=member,
        proceeding=proceeding,
        kind="acknowledged",
        occurred_on=days_ago(30),
        tracking_number="CBP-2026.00777",
    )
    assert dashboard_proceedings(user=member, query="cbp 2026 00777").count() == 1
    assert dashboard_proceedings(user=member, query="CBP-2026").count() == 0


def test_search_terms_hold_no_plain_text(world):
    values = set(SearchTerm.objects.values_list("digest", flat=True))
    assert values
    assert all(len(v) == 32 and int(v, 16) >= 0 for v in values)
    assert not any("olga" in v.lower() for v in values)


def test_rebuild_restores_the_index(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    SearchTerm.objects.all().delete()
    assert dashboard_proceedings(user=world["member"], query="Olga").count() == 0
    call_command("rebuild_search_index", verbosity=0)
    assert dashboard_proceedings(user=world["member"], query="Olga").count() == 1
    assert case_search_terms_rebuild(case_ids=[]) == 0


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _populate(owner, organization, n):
    for i in range(n):
        case = CaseFactory(owner=owner, organization=organization if i % 2 else None)
        _filed(ProceedingFactory(case=case, title=f"bulk {i}"), owner, days=10 + i)


@pytest.mark.parametrize(
    "url,params",
    [
        ("cases:dashboard", {}),
        ("cases:dashboard", {"regime": "us-foia", "overdue": "on"}),
        ("cases:dashboard", {"q": "Ana María"}),
        ("cases:dashboard", {"q": "2026-FOIA-OWN"}),
        ("cases:case_list", {}),
        ("cases:case_list", {"q": "Pérez"}),
    ],
)
def test_list_pages_issue_a_constant_number_of_queries(client, world, url, params):
    member = world["member"]
    client.force_login(member)
    _populate(member, world["org"], 2)
    small = _queries(client, reverse(url), params)
    _populate(member, world["org"], 12)
    colleague = Case.objects.get(pk=world["cases"]["shared"].pk).owner
    _populate(colleague, world["org"], 6)
    large = _queries(client, reverse(url), params)
    assert large == small
    assert large <= 14


def test_dashboard_pages_follow_the_deadline_order_across_branches(world):
    member, org = world["member"], world["org"]
    colleague = Case.objects.get(pk=world["cases"]["shared"].pk).owner
    RegimeFactory()
    AgencyFactory()
    _populate(member, None, 7)
    _populate(colleague, org, 7)  # 3 of them shared with the organization
    ProceedingFactory(case=Case.objects.get(pk=world["cases"]["shared"].pk), title="undated")
    everything = list(dashboard_proceedings(user=member)[0:100])
    keys = [(p.next_due_on is None, p.next_due_on, p.pk) for p in everything]
    assert keys == sorted(keys)
    union = dashboard_proceedings(user=member)
    paged = list(union[0:5]) + list(union[5:10]) + list(union[10:100])
    assert [p.pk for p in paged] == [p.pk for p in everything]
    assert union.count() == len(everything) == 2 + 7 + 3 + 1
    assert everything[-1].title == "undated"
