"""Preparing next year for every cluster of an organiser: the preview is the result."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clusters.models import ClusterYear, ClusterYearStatus, OrganizationStatus
from clusters.services import apply_next_year, plan_next_year
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def organiser():
    province = OrganizationFactory(code="p", name="Liên đoàn Lao động tỉnh A", kind="provincial")
    units = {
        name: OrganizationFactory(
            code=name, name=f"Liên đoàn Lao động huyện {label}", parent=province
        )
        for name, label in [("an", "An"), ("binh", "Bình"), ("cam", "Cẩm"), ("dong", "Đông")]
    }
    # Đông ends during 2025; Cẩm left cluster 1 in the year.
    units["dong"].valid_to = D(2025, 6, 30)
    units["dong"].status = OrganizationStatus.ENDED
    units["dong"].save()
    one = ClusterFactory(organizer=province, number=1, code="c1")
    two = ClusterFactory(organizer=province, number=2, code="c2")
    ended = ClusterFactory(organizer=province, number=3, code="c3", ended_on=D(2024, 12, 31))
    year_one = ClusterYearFactory(
        cluster=one,
        year=2025,
        head=units["an"],
        deputy=units["binh"],
        members=[units["an"], units["binh"], units["cam"], units["dong"]],
        header_issuer_line="CỤM THI ĐUA SỐ 1",
        number_suffix="CTĐ",
    )
    year_one.memberships.filter(organization=units["cam"]).update(left_on=D(2025, 5, 1))
    ClusterYearFactory(cluster=two, year=2025, head=units["cam"], members=[units["cam"]])
    ClusterYearFactory(cluster=two, year=2026, head=units["cam"], members=[units["cam"]])
    ClusterYearFactory(cluster=ended, year=2024, members=[units["an"]])
    return province, units, one, two


def test_the_preview_copies_members_that_still_exist_and_proposes_by_rotation(organiser):
    province, units, one, two = organiser
    plan = plan_next_year(organizer=province, year=2026)
    assert [d.cluster.code for d in plan.drafts] == ["c1"]
    assert [cy.cluster.code for cy in plan.already] == ["c2"]
    draft = plan.drafts[0]
    assert [org.code for org in draft.members] == ["an", "binh"]
    assert {org.code for org in draft.dropped} == {"cam", "dong"}
    assert draft.proposal.head.code == "binh"  # the deputy moves up
    assert draft.proposal.deputy.code == "an"  # nobody else is left


def test_confirming_creates_exactly_the_preview(organiser):
    province, units, one, two = organiser
    plan = plan_next_year(organizer=province, year=2026)
    draft = plan.drafts[0]
    created = apply_next_year(
        plan=plan, choices={one.pk: (draft.proposal.head, draft.proposal.deputy)}, reason="Chuẩn bị"
    )
    assert len(created) == 1
    cy = ClusterYear.objects.get(cluster=one, year=2026)
    assert (cy.head.code, cy.deputy.code, cy.status) == ("binh", "an", ClusterYearStatus.SETUP)
    assert sorted(cy.memberships.values_list("organization__code", flat=True)) == ["an", "binh"]
    assert (cy.header_issuer_line, cy.number_suffix) == ("CỤM THI ĐUA SỐ 1", "CTĐ")
    assert cy.history.first().history_change_reason == "Chuẩn bị"
    assert cy.memberships.first().history.first().history_change_reason == "Chuẩn bị"


def test_staff_may_change_the_proposal_but_only_to_members(organiser):
    province, units, one, two = organiser
    plan = plan_next_year(organizer=province, year=2026)
    apply_next_year(plan=plan, choices={one.pk: (units["an"], units["binh"])})
    assert ClusterYear.objects.get(cluster=one, year=2026).head.code == "an"

    ClusterYear.objects.filter(cluster=one, year=2026).delete()
    plan = plan_next_year(organizer=province, year=2026)
    with pytest.raises(ValidationError) as error:
        apply_next_year(plan=plan, choices={one.pk: (units["cam"], units["cam"])})
    assert "không phải" in str(error.value) or "not a member" in str(error.value)
    assert not ClusterYear.objects.filter(cluster=one, year=2026).exists()


def test_a_preview_confirmed_twice_creates_the_year_once(organiser):
    province, units, one, two = organiser
    plan = plan_next_year(organizer=province, year=2026)
    choice = {one.pk: (units["binh"], units["an"])}
    apply_next_year(plan=plan, choices=choice)
    with pytest.raises(ValidationError):
        apply_next_year(plan=plan, choices=choice)
    assert ClusterYear.objects.filter(cluster=one, year=2026).count() == 1


def test_clusters_without_the_year_before_are_listed_apart(organiser):
    province, units, one, two = organiser
    plan = plan_next_year(organizer=province, year=2027)
    assert [c.code for c in plan.without_source] == ["c1"]
    assert [d.cluster.code for d in plan.drafts] == ["c2"]
    # The cluster that ended in 2024 is not offered at all.
    assert "c3" not in {c.code for c in plan.without_source}
