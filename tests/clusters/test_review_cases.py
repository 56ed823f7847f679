"""Edge cases of dates and scope: rights and results must follow the dated records exactly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.documents.roster import build_roster
from clusters.models import (
    ClusterYear,
    Membership,
    OfficerRole,
    Organization,
    OrganizationKind,
    ParentPeriod,
)
from clusters.permissions import can_edit_member_entry, can_manage_cluster_year, cluster_years_for
from clusters.services import apply_restructuring, plan_restructuring, propose_rotation
from emulation.text import fold
from tests.conftest import fresh
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_tree_walk_keeps_the_dates():
    # B stood under A in 2018–2019; C came under B only in 2022: C was never below A.
    a, b, c = (OrganizationFactory(code=code) for code in "abc")
    ParentPeriod.objects.create(
        organization=b, parent=a, valid_from=D(2018, 1, 1), valid_to=D(2019, 12, 31)
    )
    ParentPeriod.objects.create(organization=c, parent=b, valid_from=D(2022, 1, 1))
    assert ParentPeriod.objects.descendant_ids([a.pk]) == {b.pk}
    assert ParentPeriod.objects.descendant_ids([b.pk]) == {c.pk}
    assert ParentPeriod.objects.ancestor_ids([c.pk]) == {b.pk}
    cluster_year = ClusterYearFactory(cluster=ClusterFactory(organizer=c), year=2024)
    viewer = OfficerFactory(organization=a, role=OfficerRole.VIEWER).user
    staff = OfficerFactory(organization=a).user
    assert cluster_year not in cluster_years_for(viewer)
    assert not can_manage_cluster_year(staff, cluster_year)


def test_a_successor_recorded_ahead_takes_over_nothing(world):
    successor = OrganizationFactory(code="early", kind=OrganizationKind.PROVINCIAL)
    world.province.successors.add(successor)
    staff = OfficerFactory(organization=successor).user
    assert not can_manage_cluster_year(staff, world.cluster_year)
    assert not cluster_years_for(staff).exists()


def test_search_does_not_reveal_members_of_years_the_user_cannot_read(client, world):
    newcomer_unit = OrganizationFactory(code="newcomer", parent=world.province)
    Membership.objects.create(cluster_year=world.cluster_year, organization=newcomer_unit)
    old = ClusterYearFactory(
        cluster=world.cluster,
        year=world.year - 5,
        members=[OrganizationFactory(code="secret", name="Công đoàn Bí Mật")],
    )
    officer = OfficerFactory(organization=newcomer_unit).user
    assert old not in cluster_years_for(officer)
    client.force_login(officer)
    rows = client.get(reverse("clusters:cluster_list"), {"q": "bi mat"}).context["table"].rows
    assert len(rows) == 0
    client.force_login(world.users["staff"])
    rows = client.get(reverse("clusters:cluster_list"), {"q": "bi mat"}).context["table"].rows
    assert [row.record.code for row in rows] == ["cum-1"]


def test_a_unit_that_left_the_cluster_no_longer_edits_there(world):
    # Last year is still open (its review runs in January): membership is judged on 31/12.
    # The deputy unit of this year was a plain member then.
    last_year = world.previous_year
    last_year.status = "open"
    last_year.save()
    unit = world.users["deputy_officer"]
    assert can_edit_member_entry(unit, last_year, world.deputy_unit)
    membership = last_year.memberships.get(organization=world.deputy_unit)
    membership.left_on = D(world.year - 1, 6, 30)
    membership.save()
    assert not can_edit_member_entry(fresh(unit), last_year, world.deputy_unit)


def test_rotation_of_an_old_year_counts_units_that_ended_later():
    units = [
        OrganizationFactory(code=f"u{i}", valid_to=D(2025, 6, 30), status="ended") for i in range(3)
    ]
    cy = ClusterYearFactory(year=2018, head=units[0], deputy=units[1], members=units)
    proposal = propose_rotation(cluster_year=cy)
    assert (proposal.head, proposal.deputy) == (units[1], units[2])


@pytest.fixture
def ending():
    organiser = OrganizationFactory(code="org", kind=OrganizationKind.PROVINCIAL)
    successor = OrganizationFactory(code="succ", kind=OrganizationKind.PROVINCIAL)
    members = [OrganizationFactory(code=f"m{i}", parent=organiser) for i in range(2)]
    cluster = ClusterFactory(organizer=organiser)
    ClusterYearFactory(cluster=cluster, year=2025, members=members)
    return organiser, successor, members, cluster


def test_a_plan_confirmed_twice_writes_once(ending):
    organiser, successor, members, _ = ending
    plan = plan_restructuring(
        ended=[organiser], last_day=D(2025, 6, 30), successors={organiser: [successor]}
    )
    apply_restructuring(plan=plan, decision="QĐ 1")
    with pytest.raises(ValidationError):
        apply_restructuring(plan=plan, decision="QĐ 1")
    assert ParentPeriod.objects.filter(organization=members[0]).count() == 2
    assert Organization.objects.get(pk=organiser.pk).ending_restructurings.count() == 1


def test_a_later_year_with_ending_units_must_be_corrected_first(ending):
    organiser, successor, members, cluster = ending
    ClusterYearFactory(cluster=cluster, year=2026, members=members)
    with pytest.raises(ValidationError, match="2026"):
        plan_restructuring(
            ended=[organiser], last_day=D(2025, 6, 30), successors={organiser: [successor]}
        )


def test_roster_and_member_count_are_as_of_the_year(client, world):
    left = OrganizationFactory(code="left", name="Công đoàn Đã Rời", parent=world.province)
    Membership.objects.create(
        cluster_year=world.previous_year, organization=left, left_on=D(world.year - 1, 3, 1)
    )
    document = build_roster(world.previous_year)
    assert "Công đoàn Đã Rời" not in {row["name"] for row in document.rows}
    assert any("Công đoàn Đã Rời" in note and "01/03" in note for note in document.notes)
    assert ClusterYear.objects.with_member_count().get(pk=world.previous_year.pk).member_count == 3
    client.force_login(world.users["staff"])
    rows = (
        client.get(reverse("clusters:cluster_list"), {"year": world.year - 1})
        .context["table"]
        .paginated_rows
    )
    assert {row.record.member_count for row in rows} == {3}


def test_dashboard_offers_the_heads_page_only_with_the_heads_rights(client, world):
    reader = OfficerFactory(
        user=UserFactory(username="reader"), organization=world.head_unit, role=OfficerRole.VIEWER
    ).user
    client.force_login(reader)
    response = client.get(reverse("dashboard"))
    assert response.context["headed"] == []
    head_page = reverse("clusters:cluster_year_head", args=[world.cluster.code, world.year])
    assert head_page not in response.content.decode()
    client.force_login(fresh(world.users["head_officer"]))
    assert head_page in client.get(reverse("dashboard")).content.decode()


def test_fold_handles_the_eth_of_legacy_encodings():
    assert fold("Ðồng Nai") == fold("Đồng Nai") == "dong nai"
