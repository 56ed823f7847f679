"""The closed-over tree (OrganizationLink) answers as the walk over the parent periods does,
and follows every change of the structure."""

import datetime

import pytest

from clusters.models import Organization, OrganizationLink, ParentPeriod
from clusters.services import move_organization
from emulation.demo import seed_demo

pytestmark = pytest.mark.django_db

D = datetime.date
DAYS = [None, D(2018, 6, 1), D(2024, 12, 31), D(2025, 6, 30), D(2025, 7, 1), D(2026, 3, 1)]


def assert_links_match_the_walk():
    walk = ParentPeriod.objects
    for org_id in Organization.objects.values_list("pk", flat=True):
        for day in DAYS:
            down = set(
                OrganizationLink.objects.below([org_id], day, day, self_included=False).values_list(
                    "descendant_id", flat=True
                )
            )
            assert down == walk.descendant_ids([org_id], day, day), (org_id, day)
            up = set(
                OrganizationLink.objects.above([org_id], day, day, self_included=False).values_list(
                    "ancestor_id", flat=True
                )
            )
            assert up == walk.ancestor_ids([org_id], day, day), (org_id, day)


def test_the_links_of_the_demo_match_the_dated_walk():
    seed_demo()  # the structure before 2025, then the restructuring as its own step
    assert_links_match_the_walk()


def test_a_move_relinks_the_unit_and_everything_below_it(world):
    moved = OrganizationLink.objects.below([world.head_unit.pk]).values_list(
        "descendant_id", flat=True
    )
    assert world.province.pk in set(
        OrganizationLink.objects.above([world.grassroots.pk]).values_list("ancestor_id", flat=True)
    )
    move_organization(
        organization=world.member_unit,
        new_parent=world.head_unit,
        from_day=D(2030, 1, 1),
        decision="QĐ 9",
    )
    assert world.grassroots.pk in set(moved)  # below member-unit, now below head-unit too
    assert_links_match_the_walk()
