"""Restructuring: end organisations on a date, move their units, close the affected years."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clusters.models import (
    ClusterYearStatus,
    Organization,
    OrganizationKind,
    ParentPeriod,
    Restructuring,
)
from clusters.services import apply_restructuring, plan_restructuring
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date
LAST = D(2025, 6, 30)


def plan_for(w):
    ended = [*w["districts"], w["old"]]
    return plan_restructuring(
        ended=ended,
        last_day=LAST,
        successors={o: [w["new"]] for o in ended},
        new_parents={w["school"]: w["ward"]},
    )


def test_preview_equals_result(province_2025):
    w = province_2025
    plan = plan_for(w)
    assert {(m.unit.code, m.old_parent.code, m.new_parent.code) for m in plan.moves} == {
        ("school", "h0", "ward"),
        ("company", "h1", "ld"),
    }
    assert {cy.pk for cy in plan.closed_years} == {w["year_2025"].pk, w["district_2025"].pk}
    assert {c.code for c in plan.ended_clusters} == {"bt-1", "bb-1"}
    record = apply_restructuring(plan=plan, decision="Nghị quyết số 202/2025/QH15")

    assert set(record.ended.values_list("code", flat=True)) == {"bt", "h0", "h1", "h2"}
    for org in Organization.objects.filter(code__in=["bt", "h0", "h1", "h2"]):
        assert org.valid_to == LAST and org.status == "ended"
        assert list(org.successors.values_list("code", flat=True)) == ["ld"]
    school = Organization.objects.get(code="school")
    assert school.parent_on(LAST).code == "h0"
    assert school.parent_on(D(2025, 7, 1)).code == "ward"
    assert Organization.objects.get(code="company").parent_on(D(2026, 1, 1)).code == "ld"
    moved = {
        (p.organization.code, p.parent.code, p.valid_from)
        for p in ParentPeriod.objects.filter(
            valid_from=D(2025, 7, 1), organization__code__in=["school", "company"]
        )
    }
    assert moved == {("school", "ward", D(2025, 7, 1)), ("company", "ld", D(2025, 7, 1))}
    w["year_2025"].refresh_from_db()
    assert w["year_2025"].ended_on == LAST and w["year_2025"].status == ClusterYearStatus.CLOSED
    assert w["year_2025"].as_of == LAST
    assert set(w["year_2025"].memberships.values_list("left_on", flat=True)) == {LAST}
    # The year before is untouched: it still prints its own structure.
    w["year_2024"].refresh_from_db()
    assert w["year_2024"].ended_on is None
    assert w["cluster"].__class__.objects.get(pk=w["cluster"].pk).ended_on == LAST


def test_history_keeps_who_and_why(province_2025):
    plan = plan_for(province_2025)
    apply_restructuring(plan=plan, decision="Nghị quyết số 202/2025/QH15")
    entry = Organization.objects.get(code="h0").history.first()
    assert entry.history_change_reason == "Nghị quyết số 202/2025/QH15"
    assert Restructuring.objects.get().last_day == LAST


def test_a_unit_with_no_new_parent_is_refused_and_nothing_is_written(province_2025):
    w = province_2025
    ended = [w["districts"][0]]
    with pytest.raises(ValidationError) as error:
        plan_restructuring(ended=ended, last_day=LAST, successors={})
    assert "Công đoàn cơ sở Trường A" in str(error.value)
    assert Organization.objects.get(code="h0").valid_to is None


def test_a_successor_cannot_end_in_the_same_restructuring(province_2025):
    w = province_2025
    a, b = w["districts"][:2]
    with pytest.raises(ValidationError):
        plan_restructuring(ended=[a, b], last_day=LAST, successors={a: [b], b: [w["new"]]})


def test_apply_requires_a_decision_reference(province_2025):
    plan = plan_for(province_2025)
    with pytest.raises(ValidationError):
        apply_restructuring(plan=plan, decision="  ")
    assert not Restructuring.objects.exists()
    assert Organization.objects.get(code="bt").valid_to is None


def test_a_member_that_ends_leaves_a_cluster_that_goes_on():
    organiser = OrganizationFactory(code="org", kind=OrganizationKind.PROVINCIAL)
    successor = OrganizationFactory(code="succ")
    a, b, c = (OrganizationFactory(code=f"m{i}", parent=organiser) for i in range(3))
    cy = ClusterYearFactory(
        cluster=ClusterFactory(organizer=organiser), year=2025, members=[a, b, c]
    )
    plan = plan_restructuring(ended=[a], last_day=LAST, successors={a: [successor]})
    assert plan.closed_years == [] and [m.organization for m in plan.leaving] == [a]
    apply_restructuring(plan=plan, decision="QĐ 01")
    cy.refresh_from_db()
    assert cy.ended_on is None and cy.status == ClusterYearStatus.OPEN
    assert cy.memberships.get(organization=a).left_on == LAST
