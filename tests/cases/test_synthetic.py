"""The synthetic caseload behind the benchmarks is valid: histories the state machine accepts,
the clocks the product computes, a search index that finds it and visibility as designed."""

import pytest
from django.db import connection
from django.utils import timezone

from dsar.accounts.models import User
from dsar.cases.clocks import clocks_recompute_batch
from dsar.cases.models import Case, Clock, Event, Proceeding, SearchTerm
from dsar.cases.selectors import dashboard_proceedings
from dsar.cases.synthetic import generate_part, utc_now, world_for, write_people
from dsar.rules.selectors import rule_settings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


@pytest.fixture
def generated():
    world = world_for(users=40, heavy_users=1, own_cases=30, shared_cases=20)
    now, today = utc_now(), timezone.localdate()
    write_people(world, now=now)
    counts = [
        generate_part(
            world,
            part=part,
            parts=2,
            proceedings=300,
            seed=7,
            today=today,
            now=now,
            settings=rule_settings(),
            batch_size=50,
        )
        for part in range(2)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key holds
    return world, counts


def test_generated_rows_are_consistent_and_the_clocks_are_the_products(generated):
    world, counts = generated
    assert Proceeding.objects.count() == sum(c["proceedings"] for c in counts) >= 300
    assert Event.objects.count() == sum(c["events"] for c in counts)
    assert Clock.objects.exists()
    proceedings = list(Proceeding.objects.select_related("agency__parent", "regime", "case"))
    # Recomputing with the product's own code writes nothing: the clocks are already its own.
    assert clocks_recompute_batch(proceedings=proceedings) == 0
    for proceeding in proceedings:
        assert proceeding.owner_id == proceeding.case.owner_id
        assert proceeding.organization_id == proceeding.case.organization_id
        assert proceeding.listed == (proceeding.is_open and proceeding.case.status == "open")
    assert Event.objects.filter(proceeding__case__owner_id=1).count() >= 200


def test_a_heavy_user_sees_the_fixed_caseload_and_finds_it(generated):
    world, _ = generated
    heavy = User.objects.get(pk=1)
    visible = dashboard_proceedings(user=heavy)
    expected = Proceeding.objects.filter(listed=True, owner=heavy).count() + (
        Proceeding.objects.filter(listed=True, organization_id=1).exclude(owner=heavy).count()
    )
    assert visible.count() == expected > 0
    case = Case.objects.filter(owner=heavy, status="open").first()
    assert SearchTerm.objects.filter(case=case).exists()
    name = " ".join(case.subject_name.split()[:2])
    assert dashboard_proceedings(user=heavy, query=name).count() >= 1
    stranger = User.objects.filter(pk__gt=world.first_ordinary_user).first()
    shown = {p.case.owner_id for p in dashboard_proceedings(user=stranger)[0:500]}
    assert shown <= {stranger.pk} | set(
        User.objects.filter(memberships__organization__memberships__user=stranger).values_list(
            "pk", flat=True
        )
    )
