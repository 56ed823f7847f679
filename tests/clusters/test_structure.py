"""The dated structure: names and parents as of a date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Organization, OrganizationName, ParentPeriod
from tests.factories import ClusterYearFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def moved():
    """A grassroots union that moved from its district to the province on 1/7/2025 and was
    renamed on 1/1/2020."""
    province = OrganizationFactory(code="p", name="Liên đoàn Lao động tỉnh A")
    district = OrganizationFactory(code="d", name="Liên đoàn Lao động huyện B")
    ParentPeriod.objects.create(organization=district, parent=province)
    unit = OrganizationFactory(code="u", name="Công đoàn cơ sở Công ty Cổ phần Mới")
    ParentPeriod.objects.create(organization=unit, parent=district, valid_to=D(2025, 6, 30))
    ParentPeriod.objects.create(organization=unit, parent=province, valid_from=D(2025, 7, 1))
    OrganizationName.objects.create(
        organization=unit, name="Công đoàn cơ sở Xí nghiệp Cũ", used_until=D(2019, 12, 31)
    )
    return province, district, unit


def test_name_as_of_a_year(moved):
    _, _, unit = moved
    assert unit.name_on(D(2019, 12, 31)) == "Công đoàn cơ sở Xí nghiệp Cũ"
    assert unit.name_on(D(2020, 1, 1)) == "Công đoàn cơ sở Công ty Cổ phần Mới"
    assert Organization.objects.filter(pk=unit.pk).names_on(D(2018, 12, 31)) == {
        unit.pk: "Công đoàn cơ sở Xí nghiệp Cũ"
    }


def test_several_former_names_pick_the_one_in_use(moved):
    _, _, unit = moved
    OrganizationName.objects.create(
        organization=unit, name="Tên đầu tiên", used_until=D(2010, 5, 31)
    )
    unit = Organization.objects.get(pk=unit.pk)
    assert unit.name_on(D(2009, 1, 1)) == "Tên đầu tiên"
    assert unit.name_on(D(2010, 6, 1)) == "Công đoàn cơ sở Xí nghiệp Cũ"


def test_name_records_name_each_organisation_on_any_day_as_name_on_does(moved):
    province, district, unit = moved
    # Created out of order: the records sort the former names by their last day.
    OrganizationName.objects.create(organization=unit, name="Tên giữa", used_until=D(2015, 3, 31))
    OrganizationName.objects.create(
        organization=unit, name="Tên đầu tiên", used_until=D(2010, 5, 31)
    )
    OrganizationName.objects.create(
        organization=district, name="Liên đoàn Lao động thị xã B", used_until=D(2012, 12, 31)
    )
    records = Organization.objects.filter(pk__in=[province.pk, district.pk, unit.pk]).name_records()
    assert records[unit.pk].code == "u"
    assert [name for _day, name in records[unit.pk].former] == [
        "Tên đầu tiên",
        "Tên giữa",
        "Công đoàn cơ sở Xí nghiệp Cũ",
    ]
    for org in (province, district, unit):
        org = Organization.objects.prefetch_related("former_names").get(pk=org.pk)
        for day in (D(2009, 1, 1), D(2010, 5, 31), D(2010, 6, 1), D(2015, 4, 1), D(2024, 1, 1)):
            assert records[org.pk].on(day) == org.name_on(day), (org.code, day)
    assert records[unit.pk].on(D(2012, 1, 1)) == "Tên giữa"
    # A page of a list: sliced, named from its own rows.
    sliced = Organization.objects.filter(code__in=["d", "u"]).order_by("code")[:1]
    assert sliced.names_on(D(2012, 1, 1)) == {district.pk: "Liên đoàn Lao động thị xã B"}


def test_members_are_named_with_their_parents_as_of_the_year(moved):
    province, district, unit = moved
    OrganizationName.objects.create(
        organization=district, name="Liên đoàn Lao động thị xã B", used_until=D(2019, 12, 31)
    )
    for year, name, parent in (
        (2019, "Công đoàn cơ sở Xí nghiệp Cũ", "Liên đoàn Lao động thị xã B"),
        (2024, "Công đoàn cơ sở Công ty Cổ phần Mới", "Liên đoàn Lao động huyện B"),
        (2025, "Công đoàn cơ sở Công ty Cổ phần Mới", "Liên đoàn Lao động tỉnh A"),
    ):
        cluster_year = ClusterYearFactory(year=year)
        MembershipFactory(cluster_year=cluster_year, organization=unit)
        (entry,) = cluster_year.member_entries()
        assert (entry.name, entry.parent) == (name, parent), year


def test_members_are_read_by_name_without_joining_the_cluster_and_organiser(moved):
    """One year's memberships sorted by the unit's name, as the model's ordering sorts them
    (its cluster-year, cluster and organiser are the same for all of them), without its
    joins; the entries then put the head first and the rest in Vietnamese order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cluster_year = ClusterYearFactory(year=2024)
    units = [
        OrganizationFactory(code=code, name=name)
        for code, name in (
            ("c", "Công đoàn Đông"),
            ("a", "Công đoàn Anh"),
            ("b", "Công đoàn Dũng"),
        )
    ]
    for unit in units:
        MembershipFactory(cluster_year=cluster_year, organization=unit)
    cluster_year.head = units[2]
    with CaptureQueriesContext(connection) as queries:
        entries = cluster_year.member_entries()
    assert [e.name for e in entries] == ["Công đoàn Dũng", "Công đoàn Anh", "Công đoàn Đông"]
    (read,) = [q["sql"] for q in queries.captured_queries if '"clusters_membership"' in q["sql"]]
    assert '"clusters_cluster"' not in read and '"clusters_clusteryear"' not in read
    assert read.rstrip().endswith('ORDER BY "clusters_organization"."name" ASC')


def test_parent_as_of_a_date(moved):
    province, district, unit = moved
    assert unit.parent_on(D(2024, 12, 31)) == district
    assert unit.parent_on(D(2025, 6, 30)) == district
    assert unit.parent_on(D(2025, 7, 1)) == province
    assert ParentPeriod.objects.parents_on([unit.pk], D(2024, 12, 31)) == {unit.pk: district}


def test_a_federations_scope_is_everything_below_it_at_any_time(moved):
    province, district, unit = moved
    assert ParentPeriod.objects.descendant_ids([district.pk]) == {unit.pk}
    assert (
        ParentPeriod.objects.descendant_ids([district.pk], D(2025, 7, 1), D(2025, 12, 31)) == set()
    )
    assert ParentPeriod.objects.descendant_ids([province.pk]) == {district.pk, unit.pk}
    assert ParentPeriod.objects.ancestor_ids([unit.pk], D(2024, 1, 1), D(2024, 12, 31)) == {
        district.pk,
        province.pk,
    }


def test_search_text_follows_renames_on_every_write(moved):
    _, _, unit = moved
    unit.refresh_from_db()
    assert "xi nghiep cu" in unit.search_text
    OrganizationName.objects.filter(organization=unit).get().delete()
    unit.refresh_from_db()
    assert "xi nghiep cu" not in unit.search_text
    unit.name = "Công đoàn cơ sở Đồng Tâm"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert unit.search_text == "cong doan co so dong tam"


def test_parent_periods_keep_their_units_current_name(moved, django_assert_num_queries):
    """`ParentPeriod.unit_name` (a parent's units sort by it) is the unit's name on every
    write: a new period takes it, a rename or an edit of the name writes it to every period of
    the unit, a period read and saved again keeps it, a save of other fields asks nothing."""
    from clusters.services import move_organization, rename_organization

    province, district, unit = moved

    def names():
        return set(
            ParentPeriod.objects.filter(organization=unit).values_list("unit_name", flat=True)
        )

    assert names() == {"Công đoàn cơ sở Công ty Cổ phần Mới"}
    rename_organization(
        organization=unit,
        new_name="Công đoàn cơ sở Công ty Đổi Tên",
        from_day=D(2026, 1, 1),
        reason="Quyết định đổi tên",
    )
    assert names() == {"Công đoàn cơ sở Công ty Đổi Tên"}
    unit.refresh_from_db()
    unit.name = "Công đoàn cơ sở Công ty Sửa Lỗi"
    unit.save(update_fields=["name"])
    assert names() == {"Công đoàn cơ sở Công ty Sửa Lỗi"}
    # A save that does not write the name asks nothing of the periods.
    unit.locality = "Phường 1"
    # The former names (for the search text), the update and its history row.
    with django_assert_num_queries(3):
        unit.save(update_fields=["locality"])
    # A period read again and saved keeps the name it has, without reading the unit.
    period = ParentPeriod.objects.get(organization=unit, parent=province)
    period.decision = "Quyết định điều chỉnh"
    with CaptureQueriesContext(connection) as saved:
        period.save()
    assert not [q for q in saved if 'FROM "clusters_organization" ' in q["sql"]]
    assert ParentPeriod.objects.get(pk=period.pk).unit_name == "Công đoàn cơ sở Công ty Sửa Lỗi"
    # A period of a move takes the unit's name.
    other = OrganizationFactory(code="p2", name="Liên đoàn Lao động tỉnh C")
    created = move_organization(
        organization=unit, new_parent=other, from_day=D(2026, 7, 1), decision="Quyết định"
    )
    assert created.unit_name == "Công đoàn cơ sở Công ty Sửa Lỗi"
    assert names() == {"Công đoàn cơ sở Công ty Sửa Lỗi"}
    # A new organisation's periods need no update: it has none when it is first saved.
    assert ParentPeriod.objects.get(organization=district).unit_name == district.name


def test_clusters_keep_their_organisers_current_name(moved):
    """`Cluster.organizer_current_name` (the clusters list sorts by it) is the organiser's name on
    every write: a new cluster takes it, a rename writes it, a cluster moved to another
    organiser takes the new one's, a cluster read and saved again keeps it unasked."""
    from clusters.models import Cluster
    from clusters.services import rename_organization
    from tests.factories import ClusterFactory

    province, district, _unit = moved
    cluster = ClusterFactory(organizer=district, number=1)
    assert Cluster.objects.get(pk=cluster.pk).organizer_current_name == "Liên đoàn Lao động huyện B"
    rename_organization(
        organization=district,
        new_name="Liên đoàn Lao động thị xã B",
        from_day=D(2021, 1, 1),
        reason="Quyết định",
    )
    assert (
        Cluster.objects.get(pk=cluster.pk).organizer_current_name == "Liên đoàn Lao động thị xã B"
    )
    again = Cluster.objects.get(pk=cluster.pk)
    again.name = "Cụm thi đua số 1 (mới)"
    with CaptureQueriesContext(connection) as saved:
        again.save()
    assert not [q for q in saved if 'FROM "clusters_organization"' in q["sql"]]
    again.organizer = province
    again.save(update_fields=["organizer"])
    assert Cluster.objects.get(pk=cluster.pk).organizer_current_name == province.name
