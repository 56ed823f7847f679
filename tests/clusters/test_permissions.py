"""Rights follow the records (design.md, "Where rights come from"), on constructed data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import ClusterYearStatus, OfficerRole, OrganizationKind
from clusters.permissions import (
    can_act_as_head,
    can_edit_member_entry,
    can_manage_cluster_year,
    cluster_years_for,
    clusters_for,
)
from clusters.services import apply_restructuring, plan_restructuring
from tests.conftest import fresh
from tests.factories import ClusterYearFactory, OfficerFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_head_has_the_heads_rights_for_its_year_only(world):
    head = world.users["head_officer"]
    assert can_act_as_head(head, world.cluster_year)
    # The year before, the unit was deputy: it reads, it does not run the year.
    assert not can_act_as_head(fresh(head), world.previous_year)
    assert world.previous_year in cluster_years_for(fresh(head))
    # Next year another unit is head: no rights there, although the year is recorded.
    next_year = ClusterYearFactory(
        cluster=world.cluster,
        year=world.year + 1,
        head=world.deputy_unit,
        deputy=world.member_unit,
        members=[world.deputy_unit, world.member_unit],
    )
    assert not can_act_as_head(fresh(head), next_year)
    assert can_act_as_head(fresh(world.users["deputy_officer"]), next_year)


def test_head_keeps_rights_after_the_year_ends_until_it_is_closed(world):
    cy = world.cluster_year
    cy.status = ClusterYearStatus.REVIEW
    cy.save()
    assert can_act_as_head(fresh(world.users["head_officer"]), cy)
    cy.status = ClusterYearStatus.CLOSED
    cy.save()
    assert not can_act_as_head(fresh(world.users["head_officer"]), cy)
    assert cy in cluster_years_for(fresh(world.users["head_officer"]))


def test_deputy_reads_but_does_not_act_as_head(world):
    deputy = world.users["deputy_officer"]
    assert world.cluster_year in cluster_years_for(deputy)
    assert not can_act_as_head(deputy, world.cluster_year)
    assert not can_manage_cluster_year(deputy, world.cluster_year)


def test_member_edits_only_its_own_entries_while_open(world):
    unit = world.users["unit_officer"]
    cy = world.cluster_year
    assert can_edit_member_entry(unit, cy, world.member_unit)
    assert not can_edit_member_entry(unit, cy, world.deputy_unit)
    assert not can_act_as_head(unit, cy)
    cy.status = ClusterYearStatus.REVIEW
    cy.save()
    assert not can_edit_member_entry(fresh(unit), cy, world.member_unit)


def test_head_may_enter_a_members_figures(world):
    assert can_edit_member_entry(world.users["head_officer"], world.cluster_year, world.member_unit)


def test_organisers_staff_manage_its_clusters_and_viewers_read(world):
    staff, viewer = world.users["staff"], world.users["viewer"]
    assert can_manage_cluster_year(staff, world.cluster_year)
    assert can_act_as_head(staff, world.cluster_year)
    # Higher up the tree: the province's staff manage the district's own cluster.
    assert can_manage_cluster_year(staff, world.district_cluster_year)
    assert world.cluster_year in cluster_years_for(viewer)
    assert not can_manage_cluster_year(viewer, world.cluster_year)
    assert not can_act_as_head(viewer, world.cluster_year)


def test_outsider_sees_nothing(world):
    outsider = world.users["outsider"]
    assert not cluster_years_for(outsider).exists()
    assert not clusters_for(outsider).exists()
    assert not can_manage_cluster_year(outsider, world.cluster_year)


def test_one_person_holds_several_roles(world):
    # An officer of a district federation: staff of its own cluster, member in the province's.
    unit = world.users["unit_officer"]
    assert can_manage_cluster_year(unit, world.district_cluster_year)
    assert not can_manage_cluster_year(unit, world.cluster_year)
    assert can_edit_member_entry(unit, world.cluster_year, world.member_unit)
    assert set(cluster_years_for(unit)) == {
        world.cluster_year,
        world.previous_year,
        world.district_cluster_year,
    }


def test_no_right_is_granted_by_hand_a_new_head_gets_rights_from_the_record(world):
    newcomer = OfficerFactory(
        user=UserFactory(username="newcomer"), organization=world.member_unit
    ).user
    assert not can_act_as_head(newcomer, world.cluster_year)
    world.cluster_year.head = world.member_unit
    world.cluster_year.deputy = world.head_unit
    world.cluster_year.save()
    assert can_act_as_head(fresh(newcomer), world.cluster_year)
    assert not can_act_as_head(fresh(world.users["head_officer"]), world.cluster_year)


def _end(orgs, successor, last_day):
    plan = plan_restructuring(
        ended=orgs, last_day=last_day, successors={o: [successor] for o in orgs}
    )
    return apply_restructuring(plan=plan, decision="Quyết định số 01/QĐ-TLĐ")


def test_an_organisations_end_turns_its_officers_into_readers(world):
    successor = OrganizationFactory(
        code="successor",
        name="Công đoàn phường Mới",
        kind=OrganizationKind.COMMUNE,
        parent=world.province,
    )
    successor_staff = OfficerFactory(user=UserFactory(username="succ"), organization=successor).user
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    _end([world.member_unit], successor, yesterday)
    unit = fresh(world.users["unit_officer"])
    # Read access to what it took part in stays; the rights to act are gone.
    assert world.district_cluster_year in cluster_years_for(unit)
    assert world.cluster_year in cluster_years_for(unit)
    assert not can_manage_cluster_year(unit, world.district_cluster_year)
    assert not can_edit_member_entry(unit, world.cluster_year, world.member_unit)
    # Its open duties pass to the successor: staff rights over the clusters it organised.
    assert can_manage_cluster_year(successor_staff, world.district_cluster_year)
    assert world.district_cluster_year in cluster_years_for(successor_staff)


def test_a_head_unit_that_ends_hands_the_heads_rights_to_the_organiser(world):
    successor = OrganizationFactory(
        code="successor2", kind=OrganizationKind.COMMUNE, parent=world.province
    )
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    _end([world.head_unit], successor, yesterday)
    world.cluster_year.refresh_from_db()
    assert not can_act_as_head(fresh(world.users["head_officer"]), world.cluster_year)
    assert world.cluster_year in cluster_years_for(fresh(world.users["head_officer"]))
    assert can_act_as_head(fresh(world.users["staff"]), world.cluster_year)


def test_successor_of_an_ended_organiser_manages_its_clusters(world):
    merged = OrganizationFactory(
        code="merged", name="Liên đoàn Lao động tỉnh Hợp Nhất", kind=OrganizationKind.PROVINCIAL
    )
    merged_staff = OfficerFactory(user=UserFactory(username="merged"), organization=merged).user
    assert not can_manage_cluster_year(merged_staff, world.cluster_year)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    _end([world.province], merged, yesterday)
    merged_staff = fresh(merged_staff)
    assert can_manage_cluster_year(merged_staff, world.previous_year)
    # ... and, through the tree, the clusters of the units below it.
    assert can_manage_cluster_year(merged_staff, world.district_cluster_year)
    assert not can_manage_cluster_year(fresh(world.users["staff"]), world.previous_year)


def test_officers_of_an_ended_organiser_keep_reading_its_clusters(world):
    merged = OrganizationFactory(code="merged2", kind=OrganizationKind.PROVINCIAL)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    _end([world.province], merged, yesterday)
    for persona in ("staff", "viewer"):
        user = fresh(world.users[persona])
        assert {world.cluster_year, world.district_cluster_year} <= set(cluster_years_for(user))
        assert not can_manage_cluster_year(user, world.cluster_year)
    assert world.users["viewer"].officer_roles.get().role == OfficerRole.VIEWER


def test_a_cluster_year_is_read_by_its_row_as_by_the_scope(world, django_assert_max_num_queries):
    """`readable_row` (one cluster-year, one cluster's years) answers as `cluster_years_for`
    for every persona and cluster-year – an organiser below the reader's, a head, a deputy,
    a member, none of them – and the page's cluster-year is found or refused (404) in one
    query at most either way."""
    from django.http import Http404

    from clusters.models import ClusterYear, Organization
    from clusters.permissions import (
        cluster_years_for,
        get_cluster_year_or_404,
        readable_among,
        readable_row,
    )

    # A cluster-year elsewhere whose member is the member unit: read through its membership.
    ClusterYearFactory(members=[world.member_unit], year=world.year)
    # A unit that is only the deputy of a cluster-year elsewhere (not one of its members).
    deputy_only = OrganizationFactory(code="pho-cum-rieng")
    ClusterYearFactory(deputy=deputy_only, members=[world.grassroots], year=world.year)
    deputy = OfficerFactory(organization=deputy_only).user
    # Officers of every organisation at the top: they read every cluster-year.
    everything = UserFactory(username="everything")
    for top in Organization.objects.filter(parent_periods__isnull=True):
        OfficerFactory(user=everything, organization=top)
    assert readable_row(everything) is None
    nobody = UserFactory(username="nobody")
    users = [*world.users.values(), deputy, everything, nobody]
    for user in users:
        fresh(user)
        scope = set(cluster_years_for(user).values_list("pk", flat=True))
        rows = set(readable_among(user, ClusterYear.objects.all()).values_list("pk", flat=True))
        assert rows == scope, user.username
        for cluster_year in ClusterYear.objects.select_related("cluster"):
            code, year = cluster_year.cluster.code, cluster_year.year
            with django_assert_max_num_queries(1):
                try:
                    found = get_cluster_year_or_404(user, code, year)
                except Http404:
                    found = None
            assert (found is not None) == (cluster_year.pk in scope), (user.username, code)
    assert readable_among(world.users["outsider"], ClusterYear.objects.all()).count() < len(
        ClusterYear.objects.all()
    )
    # The same of rows that hang from a cluster-year: a nomination of every cluster-year.
    from awards.models import AwardKind, AwardType, Nomination
    from awards.permissions import readable_nominations

    form = AwardType.objects.create(
        organizer=world.province, name="Cờ thi đua", kind=AwardKind.EXCELLENT_FLAG
    )
    for cluster_year in ClusterYear.objects.prefetch_related("memberships"):
        for membership in cluster_year.memberships.all()[:1]:
            Nomination.objects.create(
                cluster_year=cluster_year,
                organization_id=membership.organization_id,
                award_type=form,
            )
    for user in users:
        fresh(user)
        expected = set(readable_nominations(user).values_list("pk", flat=True))
        rows = readable_among(user, Nomination.objects.all(), "cluster_year__")
        assert set(rows.values_list("pk", flat=True)) == expected, user.username


def test_which_of_some_units_a_user_opens_is_asked_with_the_ids_as_one_array(world):
    """`readable_organization_ids` answers as `organizations_for` does, for ids read already
    or a subquery of them; on PostgreSQL the ids read already go as one array, so the question
    binds as many values for fifty ids as for two."""
    from django.db import connection

    from clusters.models import Organization
    from clusters.permissions import organizations_for, readable_organization_ids

    extra = [OrganizationFactory(parent=world.province) for _ in range(48)]
    every = list(Organization.objects.values_list("pk", flat=True))
    for user in world.users.values():
        user = fresh(user)
        expected = set(organizations_for(user).values_list("pk", flat=True))
        assert readable_organization_ids(user, every) == expected
        subquery = Organization.objects.filter(pk__in=every).values("pk")
        assert readable_organization_ids(fresh(user), subquery) == expected

    def bound(ids):
        """The SQL and the number of values bound of the question."""
        user = fresh(world.users["head_officer"])
        asked = []

        def keep(execute, sql, params, many, context):
            asked.append((sql, len(params)))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            readable_organization_ids(user, ids)
        return asked[-1]

    (_sql, few), (sql, many) = bound(every[:2]), bound([o.pk for o in extra] + every[:2])
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert many == few  # one array whatever its length
    else:
        assert many > few  # `IN (…)`, a value for each id


def test_what_a_user_keeps_needs_no_question_of_a_unit_it_reads_nothing_below(
    world, django_assert_num_queries
):
    """`kept_among` of an organisation that `reads_below_any` found at or below none of the
    user's roots is empty without a query (what it keeps stands at or below its staff roots,
    among the roots it reads); the answer is the one asked of the tree, for every user and
    organisation of the world."""
    from clusters.models import Organization
    from clusters.permissions import access_for

    for user in world.users.values():
        for org in Organization.objects.all():
            asked = access_for(fresh(user)).kept_among({org.pk})
            access = access_for(fresh(user))
            if access.is_superuser or not access.staff_root_ids or access.keeps_everything:
                continue
            if access.reads_below_any({org.pk}):
                assert access.kept_among({org.pk}) == asked
            else:
                with django_assert_num_queries(0):
                    assert access.kept_among({org.pk}) == asked == set()
    # The head unit's manager, on the province's page: it keeps nothing there.
    access = access_for(fresh(world.users["head_officer"]))
    assert access.staff_root_ids and not access.reads_below_any({world.province.pk})
    with django_assert_num_queries(0):
        assert access.kept_among({world.province.pk}) == set()


def test_a_user_with_nothing_below_its_roots_keeps_them_alone_without_asking_the_tree(world):
    """For the officers of units nothing ever stood below (a grassroots union's), what they
    keep is their roots alone: `kept_among`, `keeps_any_cluster_year` and
    `decision_organizers_among` answer without the tree's subqueries, and as the tree
    answers, for every user and organisation; a unit placed below one of their roots turns
    it off for the next request."""
    from awards.permissions import decision_organizers_among
    from clusters.models import ClusterYear, Organization
    from clusters.permissions import access_for
    from tests.factories import ClusterFactory

    # A root with nothing below that organises a cluster: the other province's.
    ClusterYearFactory(cluster=ClusterFactory(organizer=world.other_province), year=world.year)

    def answers(user, *, shortcut):
        user = fresh(user)
        access = access_for(user)
        if not shortcut:
            access._memo[("nothing below",)] = False  # the tree's answer
        orgs = list(Organization.objects.values_list("pk", flat=True))
        return (
            access.nothing_below_staff_roots,
            [access.kept_among({pk}) for pk in orgs],
            access.keeps_any_cluster_year(),
            decision_organizers_among(user, set(orgs)),
        )

    leaves = set()
    for name, user in world.users.items():
        shortcut, kept, keeps_any, decides = answers(user, shortcut=True)
        assert (kept, keeps_any, decides) == answers(user, shortcut=False)[1:], name
        if shortcut:
            leaves.add(name)
        # Whether it keeps some cluster-year, by the definition (`kept_organizers`).
        access = access_for(fresh(user))
        if access.staff_root_ids and not access.keeps_everything:
            organisers = Organization.objects.filter(pk__in=access.kept_organizers)
            defined = ClusterYear.objects.filter(cluster__organizer__in=organisers).exists()
            assert keeps_any == defined, name
    assert leaves == {"head_officer", "deputy_officer", "outsider"}
    outsider = access_for(fresh(world.users["outsider"]))
    assert outsider.keeps_any_cluster_year()
    assert decision_organizers_among(world.users["outsider"], {world.other_province.pk}) == {
        world.other_province.pk
    }

    # Without a subquery of the tree.
    head = fresh(world.users["head_officer"])
    access = access_for(head)
    assert access.nothing_below_staff_roots  # the one question of the tree, remembered
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({world.province.pk, world.head_unit.pk}) == {world.head_unit.pk}
        assert not access.keeps_any_cluster_year()
        assert decision_organizers_among(head, {world.province.pk}) == set()
    assert captured and not any("organizationlink" in q["sql"] for q in captured)

    # A unit placed below the head's: asked of the tree again.
    OrganizationFactory(parent=world.head_unit, kind=OrganizationKind.GRASSROOTS)
    assert not access_for(fresh(world.users["head_officer"])).nothing_below_staff_roots
