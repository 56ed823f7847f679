"""The organisers a user keeps, remembered for the lists of nominations it decides on
(`Access.kept_organizer_ids`): the same answers as the tree's union (`kept_query`), a
district's first cluster listed at once, a change of the structure or of a cluster seen on
the next request – and the rights themselves (`managed_clusters`, the organisers whose
decisions it records) still asked of the tree."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from awards.models import AwardKind, AwardType, Nomination, NominationStatus
from awards.permissions import (
    decidable_nominations,
    decision_organizers,
    decision_organizers_among,
    listed_decision_organizers,
    readable_awards,
)
from clusters.models import (
    Cluster,
    ClusterYear,
    InIds,
    Organization,
    OrganizationKind,
    ParentPeriod,
    among,
)
from clusters.permissions import access_for, managed_clusters
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2025, 6, 30)


@pytest.fixture
def tree():
    """The confederation; a province with a district organising clusters, a district that
    ended below it (its clusters kept by the province) and a grassroots unit; another
    province with its own cluster."""
    top = OrganizationFactory(code="tld", kind=OrganizationKind.CONFEDERATION)
    province = OrganizationFactory(code="tinh", kind=OrganizationKind.PROVINCIAL, parent=top)
    district = OrganizationFactory(code="huyen", parent=province)
    quiet = OrganizationFactory(code="huyen-chua-co-cum", parent=province)  # no cluster yet
    ended = OrganizationFactory(code="huyen-cu", parent=None, valid_to=ENDED)
    ParentPeriod.objects.create(organization=ended, parent=province, valid_to=ENDED)
    unit = OrganizationFactory(code="co-so", kind=OrganizationKind.GRASSROOTS, parent=district)
    other = OrganizationFactory(code="tinh-khac", kind=OrganizationKind.PROVINCIAL, parent=top)
    # A year of each cluster, with a nomination of a form the province confers and one of a
    # form the district confers.
    forms = [
        AwardType.objects.create(
            organizer=org, name=f"Cờ {org.code}", kind=AwardKind.EXCELLENT_FLAG
        )
        for org in (province, district)
    ]
    for organizer in (province, district, ended, other):
        cluster_year = ClusterYearFactory(cluster=ClusterFactory(organizer=organizer), year=2025)
        for form in forms:
            Nomination.objects.create(
                cluster_year=cluster_year,
                organization=unit,
                award_type=form,
                status=NominationStatus.SUBMITTED,
            )
    return {
        "top": top,
        "province": province,
        "district": district,
        "quiet": quiet,
        "ended": ended,
        "unit": unit,
        "other": other,
    }


def fresh(user):
    """The user as the next request reads it (its rights not yet read)."""
    return type(user).objects.get(pk=user.pk)


def by_the_tree(user) -> set[int]:
    """The organisers of clusters among those kept, as the tree's union answers."""
    access = access_for(fresh(user))
    organizers = Cluster.objects.order_by().values("organizer_id")
    return set(
        Organization.objects.filter(pk__in=access._kept_organizers())
        .filter(pk__in=organizers)
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "who, organizers, may_organize",
    [
        ("province", {"province", "district", "ended"}, {"quiet"}),
        ("district", {"district"}, set()),
        ("unit", set(), set()),
        ("other", {"other"}, set()),
    ],
)
def test_the_organisers_kept_are_those_of_the_tree(tree, who, organizers, may_organize):
    user = OfficerFactory(organization=tree[who]).user
    codes = {code: org.pk for code, org in tree.items()}
    wanted = {codes[name] for name in organizers}
    assert by_the_tree(user) == wanted
    access = access_for(fresh(user))
    # Those that organise, and those kept that may (not the grassroots units below).
    assert access.kept_organizer_ids() == wanted | {codes[name] for name in may_organize}
    assert set(managed_clusters(user).values_list("organizer_id", flat=True)) == wanted
    assert set(decision_organizers(user).values_list("pk", flat=True)) == wanted
    everyone = set(codes.values())
    assert decision_organizers_among(fresh(user), everyone) == wanted
    # For the register's links, the same from the organisers it keeps, without the tree.
    assert listed_decision_organizers(fresh(user), everyone) == wanted
    # The nominations decided on: those of the clusters kept, of the forms it confers – as
    # the tree's union answers it.
    conferred = Nomination.objects.filter(award_type__organizer_id__in=access.staff_root_ids)
    organizers = Cluster.objects.order_by().values("organizer_id")
    by_tree = conferred.filter(
        cluster_year__cluster__organizer_id__in=access.kept_query(organizers)
    )
    decided = set(decidable_nominations(fresh(user)).values_list("pk", flat=True))
    assert decided == set(by_tree.values_list("pk", flat=True))
    assert {
        n.cluster_year.cluster.organizer_id for n in Nomination.objects.filter(pk__in=decided)
    } == (wanted if who in ("province", "district") else set())
    assert access.keeps_any_cluster_year() is bool(wanted)


def test_the_registers_links_ask_the_organisers_kept_not_the_tree(tree, settings):
    """The register's honour rolls and decision links ask which organisers' decisions the user
    records of the organisers it keeps (`kept_organizer_ids`, remembered): with those known,
    one query of the clusters' organisers and none of the tree; remembered for the request."""
    settings.RIGHTS_SESSION_SECONDS = 60
    user = OfficerFactory(organization=tree["province"]).user
    codes = {code: org.pk for code, org in tree.items()}
    everyone = set(codes.values())
    wanted = {codes["province"], codes["district"], codes["ended"]}
    access_for(fresh(user)).kept_organizer_ids()  # a request before remembered them
    following = fresh(user)
    access_for(following).kept_organizer_ids()
    with CaptureQueriesContext(connection) as captured:
        assert listed_decision_organizers(following, everyone) == wanted
        assert listed_decision_organizers(following, {codes["district"]}) == {codes["district"]}
    assert len(captured) == 1
    assert "organizationlink" not in captured[0]["sql"]
    assert "parentperiod" not in captured[0]["sql"]
    # The confederation's staff record every organiser's decisions; a grassroots unit's none.
    top = OfficerFactory(organization=tree["top"]).user
    every_organizer = set(Cluster.objects.values_list("organizer_id", flat=True))
    assert every_organizer >= wanted | {codes["other"]}
    assert listed_decision_organizers(top, everyone) == every_organizer
    assert decision_organizers_among(fresh(top), everyone) == every_organizer
    assert listed_decision_organizers(OfficerFactory(organization=tree["unit"]).user, everyone) == (
        set()
    )


def test_the_confederation_keeps_every_cluster_without_a_list(tree, settings):
    settings.RIGHTS_SESSION_SECONDS = 60
    user = OfficerFactory(organization=tree["top"]).user
    access = access_for(user)
    assert access.keeps_everything
    every = set(Cluster.objects.values_list("pk", flat=True))
    assert set(managed_clusters(user).values_list("pk", flat=True)) == every
    # Neither the lists nor the nominations ask which organisers it keeps.
    assert "WHERE" not in str(managed_clusters(user).query)
    assert '"clusters_cluster"."organizer_id" IN' not in str(decidable_nominations(user).query)
    organizers = set(Cluster.objects.values_list("organizer_id", flat=True))
    assert set(decision_organizers(user).values_list("pk", flat=True)) == organizers


def test_the_organisers_kept_are_remembered_until_a_cluster_or_the_structure_changes(
    tree, settings
):
    settings.RIGHTS_SESSION_SECONDS = 60  # remembered, as in production
    user = OfficerFactory(organization=tree["province"]).user
    kept = {tree[name].pk for name in ("province", "district", "quiet", "ended")}
    assert access_for(fresh(user)).kept_organizer_ids() == kept
    user = fresh(user)
    access_for(user)
    with CaptureQueriesContext(connection) as captured:
        assert access_for(user).kept_organizer_ids() == kept
    assert len(captured) == 0

    # A district's first cluster is listed at once, the remembered organisers unchanged.
    first = ClusterFactory(organizer=tree["quiet"])
    assert first in managed_clusters(fresh(user))
    # A new district below the province: kept at once.
    new = OrganizationFactory(code="huyen-moi", parent=tree["province"])
    kept.add(new.pk)
    assert access_for(fresh(user)).kept_organizer_ids() == kept
    # A cluster a grassroots unit organises (as old records may): kept once it is saved.
    unit = tree["unit"]
    assert unit.pk not in access_for(fresh(user)).kept_organizer_ids()
    ClusterFactory(organizer=unit)
    assert access_for(fresh(user)).kept_organizer_ids() == kept | {unit.pk}

    # The new district moves to the other province: no longer the first one's.
    period = ParentPeriod.objects.get(organization=new)
    period.parent = tree["other"]
    period.save()
    assert new.pk not in access_for(fresh(user)).kept_organizer_ids()


def test_what_is_kept_among_ids_is_asked_once_per_request(tree):
    """An organisation's page asks whether the user keeps it twice (its clusters, and its
    records): one query for the request, a new one for the next request's rights."""
    user = OfficerFactory(organization=tree["province"]).user
    access = access_for(fresh(user))
    assert not access.keeps_everything  # read once per request
    assert not access.nothing_below_staff_roots  # likewise
    district, other = tree["district"].pk, tree["other"].pk
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({district, other}) == {district}
        assert access.kept_among([other, district]) == {district}
    assert len(captured) == 1
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({district}) == {district}
        assert access.manages(district)
    assert len(captured) == 1
    # The answer is the caller's own set: changing it changes nothing remembered.
    access.kept_among({district}).add(other)
    assert access.kept_among({district}) == {district}
    # Other ids are asked on their own; the next request asks again.
    following = access_for(fresh(user))
    assert not following.keeps_everything
    assert not following.nothing_below_staff_roots
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({tree["quiet"].pk}) == {tree["quiet"].pk}
        assert following.kept_among({district}) == {district}
    assert len(captured) == 2


def test_its_own_organisation_is_kept_and_read_without_a_query(tree):
    """Staff on their own organisation's page: the organisation is one of their roots, kept
    and read from without asking the tree; any other id is still asked, with the root's
    answer beside it."""
    user = OfficerFactory(organization=tree["province"]).user
    access = access_for(fresh(user))
    assert not access.keeps_everything  # read once per request
    assert not access.nothing_below_staff_roots  # likewise
    province, district, other = tree["province"].pk, tree["district"].pk, tree["other"].pk
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({province}) == {province}
        assert access.reads_below_any({province})
        assert access.reads_below_any({province, other})
    assert len(captured) == 0
    with CaptureQueriesContext(connection) as captured:
        assert access.kept_among({province, district, other}) == {province, district}
        assert not access.reads_below_any({other})
    assert len(captured) == 2
    # A unit's officer: its own unit (a root of what it keeps and reads), without asking.
    unit = tree["unit"].pk
    unit_access = access_for(fresh(OfficerFactory(organization=tree["unit"]).user))
    assert not unit_access.keeps_everything
    with CaptureQueriesContext(connection) as captured:
        assert unit_access.reads_below_any({unit})
        assert unit_access.kept_among({unit}) == {unit}
    assert len(captured) == 0
    assert unit_access.kept_among({district}) == set()


def test_a_users_scope_is_built_once_per_request(tree, monkeypatch):
    """The cluster-years and clusters a user reads are built once per request (a union of
    subqueries, built anew up to three times by a list page) and handed out as copies never
    evaluated: each still asks the database, so a cluster-year added since is read; the next
    request, or `forget_access`, builds them again."""
    from clusters import permissions

    built = []
    for name in ("_cluster_year_ids_for", "_cluster_years_for", "_clusters_for"):
        original = getattr(permissions, name)
        monkeypatch.setattr(
            permissions, name, lambda user, f=original, n=name: built.append(n) or f(user)
        )
    user = fresh(OfficerFactory(organization=tree["province"]).user)
    first = permissions.cluster_years_for(user)
    second = permissions.cluster_years_for(user)
    clusters = permissions.clusters_for(user)
    assert first is not second and str(first.query) == str(second.query)
    assert sorted(built) == ["_cluster_year_ids_for", "_cluster_years_for", "_clusters_for"]
    read = set(first.values_list("pk", flat=True))
    assert len(read) == 3  # the province's, the district's and the ended district's
    added = ClusterYearFactory(cluster=ClusterFactory(organizer=tree["district"]), year=2026)
    assert set(second.values_list("pk", flat=True)) == read | {added.pk}
    assert permissions.clusters_for(user).filter(pk=added.cluster_id).exists()
    assert clusters.count() == 4
    assert len(built) == 3
    following = fresh(user)
    permissions.cluster_years_for(following)
    assert len(built) == 5  # the next request: the cluster-years and their ids again
    permissions.forget_access(following)
    permissions.cluster_year_ids_for(following)
    assert len(built) == 6


def test_a_users_scope_is_compiled_into_sql_once_per_request(tree, monkeypatch):
    """The union of cluster-years a user reads is compiled into SQL once per request however
    many of a page's queries filter by it (each compile of it cost Django 1–4 ms at national
    size), and still asks the database each time: a cluster-year added since is read."""
    from django.db.models.sql.compiler import SQLCompiler

    from awards.permissions import readable_nominations
    from clusters import permissions

    unions = []
    original = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        if compiler.query.combinator:
            unions.append(compiler.query.model)
        return original(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    user = fresh(OfficerFactory(organization=tree["province"]).user)
    awards = readable_awards(user)
    nominations = readable_nominations(user)
    years = permissions.cluster_years_for(user)
    read = set(years.values_list("pk", flat=True))
    assert len(read) == 3  # the province's, the district's and the ended district's
    assert {award.cluster_year_id for award in awards} <= read
    assert {nomination.cluster_year_id for nomination in nominations} <= read
    assert set(years.filter(year__gte=2000).values_list("pk", flat=True)) == read
    assert len(unions) == 1  # the scope's union of four lookups, compiled once
    # Beside an aggregate, in the HAVING it then goes to, it is nothing to group by.
    counted = ClusterYear.objects.annotate(n=Count("memberships")).filter(
        Q(n__gt=100) | Q(pk__in=permissions.cluster_year_ids_for(user))
    )
    assert set(counted.values_list("pk", flat=True)) == read
    added = ClusterYearFactory(cluster=ClusterFactory(organizer=tree["district"]), year=2026)
    assert set(permissions.cluster_years_for(user).values_list("pk", flat=True)) == read | {
        added.pk
    }
    assert len(unions) == 1
    permissions.forget_access(user)
    assert permissions.cluster_years_for(user).filter(pk=added.pk).exists()
    assert len(unions) == 2  # the next request compiles it again


def test_the_scope_lists_are_read_by_key_on_postgresql(tree):
    """The awards a reader reads and the ended organisations it keeps are looked up by key
    (`AmongIds`): as `IN`, PostgreSQL hashed every award of the country, or walked every
    organisation, to join the few in scope."""
    from clusters import permissions

    user = OfficerFactory(organization=tree["province"]).user
    access = access_for(user)
    organizers = Cluster.objects.values("organizer_id")
    ended = str(access.kept_among_query(organizers, by_key=True).query)
    # Not by key unless asked: a few candidates are best joined (`keeps_any_cluster_year`).
    assert "ANY(ARRAY" not in str(access.kept_among_query(organizers).query)
    awards = str(readable_awards(user).query)
    # The cluster-years it reads, and the heads of its organisation list, by key too: as
    # `IN`, PostgreSQL hashed every cluster-year of the country to join a province's 500.
    years = str(permissions.cluster_years_for(user).query)
    listed = str(permissions.organizations_for(user, by_key=True).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in ended
        assert '"cluster_year_id" = ANY(ARRAY(' in awards
        assert '"clusters_clusteryear"."id" = ANY(ARRAY(' in years
        assert 'U0."id" = ANY(ARRAY(' in listed
    else:
        assert "ANY(ARRAY" not in ended + awards + years + listed
    read = set(permissions.cluster_years_for(user).values_list("pk", flat=True))
    assert len(read) == 3  # the province's, the district's and the ended district's
    heads = set(ClusterYear.objects.filter(pk__in=read).values_list("head_id", flat=True))
    assert heads - {None} <= set(
        permissions.organizations_for(user, by_key=True).values_list("pk", flat=True)
    )
    # The ended district's clusters are the province's.
    assert tree["ended"].pk in set(
        access.kept_among_query(organizers, by_key=True).values_list("pk", flat=True)
    )


def test_ids_already_read_are_asked_as_one_array_on_postgresql(tree):
    """Ids a page has read (the register's 734 organisers) go to PostgreSQL as one array
    (`InIds`), not one bound value each; elsewhere as `IN`. Either way the same rows: none
    for no id, and a missing id is no error."""
    ids = [tree["district"].pk, tree["province"].pk, None, tree["province"].pk]
    many = set(range(10**6, 10**6 + 500)) | {tree["unit"].pk}
    chosen = Organization.objects.filter(InIds(F("pk"), ids))
    with CaptureQueriesContext(connection) as captured:
        assert set(chosen.values_list("code", flat=True)) == {"huyen", "tinh"}
        assert list(Organization.objects.filter(InIds(F("pk"), many))) == [tree["unit"]]
    assert not Organization.objects.filter(InIds(F("pk"), [])).exists()
    # Read as the query is built: a generator, or a set changed afterwards, asks the same.
    ids_now = {tree["unit"].pk}
    once = Organization.objects.filter(InIds(F("pk"), (pk for pk in ids_now)))
    kept = Organization.objects.filter(InIds(F("pk"), ids_now))
    ids_now.add(tree["district"].pk)
    assert list(once) == [tree["unit"]] and once.count() == 1 and once.all().count() == 1
    assert list(kept) == [tree["unit"]]
    assert not Organization.objects.filter(InIds(F("pk"), [None])).exists()
    # `among`: a subquery as IN, ids already read as the array.
    subquery = Organization.objects.filter(code="tinh").values("pk")
    assert list(Organization.objects.filter(among("pk", subquery))) == [tree["province"]]
    assert list(Organization.objects.filter(among("pk", {tree["unit"].pk}))) == [tree["unit"]]
    sql = captured[1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY[" in captured[0]["sql"] and "= ANY(ARRAY[" in sql
        assert " IN (" not in captured[0]["sql"] + sql  # one array, no placeholder per id
    else:
        assert " IN (" in captured[0]["sql"] and "ANY(" not in sql
    # The organisers a staff member keeps among many read ids, as among a subquery.
    access = access_for(fresh(OfficerFactory(organization=tree["province"]).user))
    every = set(Organization.objects.values_list("pk", flat=True))
    assert set(
        Organization.objects.filter(pk__in=access.kept_query(every)).values_list("pk", flat=True)
    ) == set(
        Organization.objects.filter(
            pk__in=access.kept_query(Organization.objects.values("pk"))
        ).values_list("pk", flat=True)
    )
