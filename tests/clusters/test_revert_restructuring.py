"""A restructuring can be undone exactly, until the next action on its records."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clusters.models import (
    Cluster,
    ClusterYear,
    Membership,
    Organization,
    ParentPeriod,
    Restructuring,
)
from clusters.services import apply_restructuring, revert_blockers, revert_restructuring
from tests.clusters.test_restructuring import plan_for

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "orgs": sorted(
            Organization.objects.values_list("code", "status", "valid_to", "end_decision")
        ),
        "successors": sorted(
            Organization.successors.through.objects.values_list(
                "from_organization_id", "to_organization_id"
            )
        ),
        "periods": sorted(
            ParentPeriod.objects.values_list(
                "organization_id", "parent_id", "valid_from", "valid_to"
            )
        ),
        "years": sorted(ClusterYear.objects.values_list("pk", "status", "ended_on")),
        "memberships": sorted(Membership.objects.values_list("pk", "left_on")),
        "clusters": sorted(Cluster.objects.values_list("pk", "ended_on")),
    }


def test_undo_puts_everything_back(province_2025):
    before = snapshot()
    record = apply_restructuring(plan=plan_for(province_2025), decision="NQ 202/2025/QH15")
    assert snapshot() != before
    assert revert_blockers(record) == []
    revert_restructuring(record=record, reason="Nhập nhầm ngày")
    assert snapshot() == before
    record.refresh_from_db()
    assert record.is_reverted and record.revert_reason == "Nhập nhầm ngày"
    assert Restructuring.objects.count() == 1  # the record stays
    entry = Organization.objects.get(code="h0").history.first()
    assert "Nhập nhầm ngày" in entry.history_change_reason


def test_undo_needs_a_reason_and_happens_once(province_2025):
    record = apply_restructuring(plan=plan_for(province_2025), decision="NQ 202/2025/QH15")
    with pytest.raises(ValidationError):
        revert_restructuring(record=record, reason=" ")
    revert_restructuring(record=record, reason="Sai")
    with pytest.raises(ValidationError):
        revert_restructuring(record=record, reason="Sai lần nữa")


def test_a_later_action_on_its_records_blocks_the_undo(province_2025):
    record = apply_restructuring(plan=plan_for(province_2025), decision="NQ 202/2025/QH15")
    company = Organization.objects.get(code="company")
    period = company.parent_periods.get(valid_from=datetime.date(2025, 7, 1))
    period.decision = "Quyết định bổ sung"
    period.save()
    blockers = revert_blockers(record)
    assert blockers
    before = snapshot()
    with pytest.raises(ValidationError):
        revert_restructuring(record=record, reason="Sai")
    assert snapshot() == before


def test_a_new_year_of_an_affected_cluster_blocks_the_undo(province_2025):
    w = province_2025
    record = apply_restructuring(plan=plan_for(w), decision="NQ 202/2025/QH15")
    ClusterYear.objects.create(cluster=w["cluster"], year=2026)
    assert revert_blockers(record)
