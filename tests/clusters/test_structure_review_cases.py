"""Cases found in review of the structure screens, each fixed and kept here."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from clusters.models import ClusterYear, Membership, Organization, ParentPeriod, Restructuring
from clusters.permissions import can_manage_organization
from clusters.services import (
    apply_next_year,
    apply_restructuring,
    move_organization,
    plan_next_year,
    plan_restructuring,
    rename_organization,
    revert_blockers,
)
from tests.clusters.test_restructuring import LAST, plan_for
from tests.conftest import fresh
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_moved_unit_keeps_its_later_parent_change_and_never_has_two_parents(province_2025):
    w = province_2025
    move_organization(
        organization=w["school"], new_parent=w["new"], from_day=D(2026, 1, 1), decision="QĐ"
    )
    apply_restructuring(plan=plan_for(w), decision="NQ 202")
    periods = list(
        ParentPeriod.objects.filter(organization=w["school"]).order_by(
            F("valid_from").asc(nulls_first=True)
        )
    )
    assert [(p.parent.code, p.valid_from, p.valid_to) for p in periods] == [
        ("h0", None, LAST),
        ("ward", D(2025, 7, 1), D(2025, 12, 31)),
        ("ld", D(2026, 1, 1), None),
    ]


def test_a_unit_recorded_below_an_ended_organisation_after_its_end_is_refused(province_2025):
    w = province_2025
    late = OrganizationFactory(code="late", kind="grassroots")
    ParentPeriod.objects.create(
        organization=late, parent=w["districts"][2], valid_from=D(2025, 9, 1)
    )
    with pytest.raises(ValidationError) as error:
        plan_for(w)
    assert "late" in str(error.value) or late.name in str(error.value)


def test_staff_of_a_former_parent_no_longer_keep_a_unit_that_moved_away(world):
    staff = world.users["staff"]
    assert can_manage_organization(fresh(staff), world.member_unit)
    move_organization(
        organization=world.member_unit,
        new_parent=world.other_province,
        from_day=datetime.date.today() - datetime.timedelta(days=1),
        decision="QĐ",
    )
    assert not can_manage_organization(fresh(staff), world.member_unit)
    assert not can_manage_organization(fresh(staff), world.grassroots)
    outsider = fresh(world.users["outsider"])
    assert can_manage_organization(outsider, world.member_unit)


def test_a_unit_that_ended_below_the_province_is_still_kept_by_its_staff(world):
    ended = OrganizationFactory(parent=world.province, valid_to=D(2020, 1, 1), status="ended")
    assert can_manage_organization(fresh(world.users["staff"]), ended)


def test_each_ended_organisation_gets_its_own_successors(client, world):
    client.force_login(world.users["staff"])
    data = {
        "ended": [world.member_unit.pk, world.deputy_unit.pk],
        "last_day": f"{world.year}-06-30",
        "status": "ended",
        "successors": [world.head_unit.pk],
        "decision": "QĐ 3",
        "note": "",
        f"successors_shown_{world.member_unit.pk}": "1",
        f"successors_{world.member_unit.pk}": [world.head_unit.pk],
        f"successors_shown_{world.deputy_unit.pk}": "1",
        f"successors_{world.deputy_unit.pk}": [world.province.pk],
    }
    response = client.post(reverse("structure:restructure"), data | {"action": "preview"})
    signature = response.context["signature"]
    response = client.post(
        reverse("structure:restructure"), data | {"action": "confirm", "signature": signature}
    )
    assert response.status_code == 302
    member = Organization.objects.get(pk=world.member_unit.pk)
    deputy = Organization.objects.get(pk=world.deputy_unit.pk)
    assert [o.code for o in member.successors.all()] == ["head-unit"]
    assert [o.code for o in deputy.successors.all()] == ["province"]


def test_a_successor_outside_the_users_tree_is_refused(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:restructure"),
        {
            "ended": [world.member_unit.pk],
            "last_day": f"{world.year}-06-30",
            "status": "ended",
            "successors": [world.other_province.pk],
            "decision": "QĐ",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("successors")
    assert not Restructuring.objects.exists()


def test_next_year_built_after_a_restructuring_blocks_its_undo(province_2025):
    w = province_2025
    ended = w["districts"][2]
    plan = plan_restructuring(
        ended=[ended], last_day=D(2025, 12, 31), successors={ended: [w["old"]]}
    )
    record = apply_restructuring(plan=plan, decision="QĐ")
    assert revert_blockers(record) == []
    next_plan = plan_next_year(organizer=w["old"], year=2026)
    apply_next_year(plan=next_plan, choices={w["cluster"].pk: (w["districts"][0], None)})
    assert revert_blockers(record)


def test_the_preview_shows_the_members_that_leave_a_closing_year(province_2025):
    plan = plan_for(province_2025)
    year_2025 = province_2025["year_2025"]
    leaving = {m.organization.code for m in plan.leaving if m.cluster_year_id == year_2025.pk}
    assert leaving == {"h0", "h1", "h2"}


def test_a_first_day_after_the_last_day_is_a_message_not_a_crash(client, world):
    client.force_login(world.users["staff"])
    ended = OrganizationFactory(
        code="ended", parent=world.province, valid_from=D(2010, 1, 1), valid_to=D(2020, 1, 1)
    )
    response = client.post(
        reverse("structure:organization_edit", args=["ended"]),
        {"name": ended.name, "kind": "district", "valid_from": "2021-01-01", "reason": "x"},
    )
    assert response.status_code == 200
    assert Organization.objects.get(code="ended").valid_from == D(2010, 1, 1)


def test_a_first_day_after_recorded_memberships_is_refused(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:organization_edit", args=["head-unit"]),
        {
            "name": world.head_unit.name,
            "kind": "district",
            "valid_from": "2099-01-01",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert Organization.objects.get(code="head-unit").valid_from is None


def test_the_head_cannot_leave_and_leavers_cannot_become_head(client, world):
    client.force_login(world.users["staff"])
    head = world.cluster_year.memberships.get(organization=world.head_unit)
    url = reverse("structure:membership_edit", args=[world.cluster.code, world.year, head.pk])
    response = client.post(url, {"left_on": f"{world.year}-01-02", "reason": "x"})
    assert response.status_code == 200
    assert Membership.objects.get(pk=head.pk).left_on is None
    member = world.cluster_year.memberships.get(organization=world.member_unit)
    Membership.objects.filter(pk=member.pk).update(left_on=D(world.year, 3, 1))
    url = reverse("structure:cluster_year_manage", args=[world.cluster.code, world.year])
    choices = client.get(url).context["form"].fields["head"].queryset
    assert world.member_unit not in choices


def test_a_unit_joins_no_earlier_than_it_exists_and_only_from_below_the_organiser(client, world):
    client.force_login(world.users["staff"])
    young = OrganizationFactory(parent=world.province, valid_from=D(world.year, 7, 1))
    add = reverse("structure:membership_add", args=[world.cluster.code, world.year])
    response = client.post(
        add, {"organization": young.pk, "joined_on": f"{world.year}-01-01", "reason": "x"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(organization=young).exists()
    response = client.post(add, {"organization": young.pk, "reason": "x"})
    assert response.status_code == 302
    assert Membership.objects.get(organization=young).joined_on == D(world.year, 7, 1)
    # The district's own cluster takes units from below the district only.
    add = reverse("structure:membership_add", args=[world.district_cluster.code, world.year])
    response = client.post(add, {"organization": world.head_unit.pk, "reason": "x"})
    assert response.status_code == 200
    assert response.context["add_form"].has_error("organization", "invalid_choice")
    assert not world.district_cluster.years.filter(memberships__organization=world.head_unit)


def test_a_stale_next_year_preview_writes_nothing(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:prepare_next_year")
    key = world.cluster.pk
    response = client.post(
        url,
        {
            "signature": "stale",
            "organizer": "province",
            "year": world.year + 1,
            f"include_{key}": "on",
            f"head_{key}": world.member_unit.pk,
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=world.year + 1).exists()
    assert client.get(url + "?organizer=province&year=0").status_code == 404


def test_an_ended_organisation_is_not_renamed(world):
    ended = OrganizationFactory(valid_to=D(2020, 1, 1), status="ended")
    with pytest.raises(ValidationError):
        rename_organization(
            organization=ended, new_name="Tên mới", from_day=D(2021, 1, 1), reason="x"
        )


def test_a_move_on_the_same_day_corrects_it_and_a_move_before_a_later_one_is_refused(world):
    move_organization(
        organization=world.grassroots,
        new_parent=world.head_unit,
        from_day=D(2025, 1, 1),
        decision="a",
    )
    move_organization(
        organization=world.grassroots,
        new_parent=world.province,
        from_day=D(2025, 1, 1),
        decision="b",
    )
    grassroots = Organization.objects.get(pk=world.grassroots.pk)
    assert grassroots.parent_on(D(2025, 1, 1)) == world.province
    assert grassroots.parent_on(D(2024, 12, 31)) == world.member_unit
    assert ParentPeriod.objects.filter(organization=grassroots).count() == 2
    with pytest.raises(ValidationError):
        move_organization(
            organization=grassroots,
            new_parent=world.head_unit,
            from_day=D(2024, 6, 1),
            decision="c",
        )


def test_grassroots_unions_are_not_offered_as_parents(client, world):
    client.force_login(world.users["staff"])
    form = client.get(reverse("structure:organization_move", args=["head-unit"])).context["form"]
    assert world.grassroots not in form.fields["new_parent"].queryset
