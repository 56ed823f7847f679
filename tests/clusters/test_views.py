"""The pages: what they show, their exports, and a constant number of queries per page."""

import csv
import datetime
from io import BytesIO, StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import Cluster, ClusterYear, Membership, OrganizationName
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def add_clusters(world, n, also=()):
    """`n` clusters of the province this year, each with three new units and `also`."""
    for _ in range(n):
        members = [OrganizationFactory(parent=world.province) for _ in range(3)] + list(also)
        ClusterYearFactory(
            cluster=ClusterFactory(organizer=world.province),
            year=world.year,
            head=members[0],
            deputy=members[1],
            members=members,
        )


@pytest.mark.parametrize("persona", ["staff", "head_officer", "admin"])
def test_cluster_list_queries_do_not_grow_with_rows(client, world, persona):
    client.force_login(world.users[persona])
    url = reverse("clusters:cluster_list")
    searched = url + f"?year={world.year}&q=lien"
    # The head's officer reads the clusters its unit takes part in: it joins the new ones.
    also = [world.head_unit] if persona == "head_officer" else []

    def rows():
        return [client.get(u).context["table"].paginator.count for u in (url, searched)]

    add_clusters(world, 2, also)
    few = count_queries(client, url)
    few_searched = count_queries(client, searched)
    rows_in_few = rows()
    add_clusters(world, 8, also)
    assert rows() == [n + 8 for n in rows_in_few]  # both lists show the new clusters
    assert count_queries(client, url) == few
    assert count_queries(client, searched) == few_searched


@pytest.mark.parametrize("persona", ["staff", "head_officer"])
def test_a_federations_cluster_list_counts_its_rows_with_the_page(client, world, persona):
    """What a federation or a unit reads is a union of cluster-years: its clusters are
    counted with the page they are read with (CountedWithPage), and the pages add up."""
    client.force_login(world.users[persona])
    url = reverse("clusters:cluster_list")
    also = [world.head_unit] if persona == "head_officer" else []
    add_clusters(world, 30, also)
    with CaptureQueriesContext(connection) as queries:
        table = client.get(url).context["table"]
    assert not [
        q
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "clusters_cluster"')
    ]
    total = table.paginator.count
    assert total >= 30 and len(table.page.object_list) == 25
    second = client.get(url + "?page=2").context["table"]
    codes = [row.record.code for row in table.page.object_list]
    codes += [row.record.code for row in second.page.object_list]
    assert len(set(codes)) == total  # every cluster once, none left out


def test_dashboard_queries_do_not_grow_with_rows(client, world):
    client.force_login(world.users["staff"])
    add_clusters(world, 2)
    few = count_queries(client, reverse("dashboard"))
    add_clusters(world, 6)
    assert count_queries(client, reverse("dashboard")) == few


def test_dashboard_lists_the_first_clusters_and_counts_them_all(client, world, monkeypatch):
    """The confederation's staff organise thousands of clusters: the dashboard shows the
    first ones and the count, the clusters list pages through them all."""
    monkeypatch.setattr("emulation.views.DASHBOARD_ROWS", 2)
    client.force_login(world.users["staff"])
    add_clusters(world, 3)
    response = client.get(reverse("dashboard"))
    assert len(response.context["organised_years"]) == 2
    assert response.context["organised_count"] == 4
    assert reverse("clusters:cluster_list") in response.content.decode()


def test_the_dashboard_lists_the_years_its_staff_organise_without_the_whole_scope(client, world):
    """A federation's staff see the open years of the clusters it organises and of those of
    an organisation it succeeded – each one a year they read, none of another federation's –
    asked without the union of everything they read."""
    from clusters.models import OrganizationKind
    from clusters.permissions import cluster_years_for

    ended = OrganizationFactory(
        code="old-province",
        kind=OrganizationKind.PROVINCIAL,
        valid_to=datetime.date(world.year - 1, 6, 30),
    )
    ended.successors.add(world.province)
    inherited = ClusterYearFactory(cluster=ClusterFactory(organizer=ended), year=world.year)
    elsewhere = ClusterYearFactory(
        cluster=ClusterFactory(organizer=world.other_province), year=world.year
    )
    staff = world.users["staff"]
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(reverse("dashboard")).context["organised_years"]
    shown = {item.pk for item in listed}
    assert {world.cluster_year.pk, inherited.pk} <= shown
    assert elsewhere.pk not in shown
    assert shown <= set(
        cluster_years_for(type(staff).objects.get(pk=staff.pk)).values_list("pk", flat=True)
    )
    # (The scope of cluster-years is a union of four subqueries.)
    years = [q["sql"] for q in queries if q["sql"].startswith('SELECT "clusters_clusteryear"')]
    assert years and not [sql for sql in years if " UNION " in sql]


def test_cluster_page_queries_do_not_grow_with_members_or_years(client, world):
    client.force_login(world.users["staff"])
    url = reverse("clusters:cluster_year", args=[world.cluster.code, world.year])
    few = count_queries(client, url)
    for _ in range(6):
        Membership.objects.create(
            cluster_year=world.cluster_year, organization=OrganizationFactory(parent=world.province)
        )
    for year in (world.year - 3, world.year - 2):
        ClusterYearFactory(cluster=world.cluster, year=year, head=world.head_unit)
    assert count_queries(client, url) == few


def test_cluster_list_shows_the_years_head_and_member_count(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("clusters:cluster_list"), {"year": world.year})
    content = response.content.decode()
    assert "Liên đoàn Lao động huyện Đầu" in content
    response = client.get(reverse("clusters:cluster_list"), {"year": world.year - 1})
    # The year columns are read for the page shown.
    rows = response.context["table"].paginated_rows
    assert {row.record.head_name for row in rows} == {"Liên đoàn Lao động huyện Vĩnh Hảo"}
    assert {row.record.member_count for row in rows} == {3}


def test_cluster_list_asks_only_the_head_and_organiser_names_it_shows(client, world):
    """The shown year's head and organiser, by the names they bore then, in the list and in
    its export (the whole list, as subqueries) – and not the deputy's, which neither shows."""
    client.force_login(world.users["staff"])
    url = reverse("clusters:cluster_list")
    with CaptureQueriesContext(connection) as listed:
        rows = client.get(url, {"year": world.year - 1}).context["table"].paginated_rows
    (years,) = [q["sql"] for q in listed if q["sql"].startswith('SELECT "clusters_clusteryear"')]
    assert years.count('"clusters_organizationname"') == 2
    assert {row.record.head_name for row in rows} == {"Liên đoàn Lao động huyện Vĩnh Hảo"}
    with CaptureQueriesContext(connection) as exported:
        response = client.get(url, {"year": world.year - 1, "_export": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Liên đoàn Lao động huyện Vĩnh Hảo" in body.decode("utf-8-sig")
    # (read in batches: each batch's query alike)
    wholes = [
        q["sql"]
        for q in exported
        if q["sql"].startswith('SELECT "clusters_cluster"') and "head_name" in q["sql"]
    ]
    assert wholes
    for whole in wholes:
        assert whole.count('"clusters_organizationname"') == 2


def test_cluster_list_filters(client, world):
    client.force_login(world.users["staff"])
    url = reverse("clusters:cluster_list")

    def codes(params):
        return {row.record.code for row in client.get(url, params).context["table"].rows}

    assert codes({}) == {"cum-1", "cum-huyen-1"}
    assert codes({"organizer": world.province.pk}) == {"cum-1"}
    assert codes({"member": world.grassroots.pk}) == {"cum-huyen-1"}
    assert codes({"head": world.member_unit.pk, "year": world.year - 1}) == {"cum-1"}
    assert codes({"head": world.member_unit.pk, "year": world.year}) == set()
    assert codes({"q": "VĨNH HẢO"}) == {"cum-1"}
    assert codes({"q": "vinh hao"}) == {"cum-1"}


def test_a_list_of_every_cluster_counts_them_without_joining_the_organisers(client, world):
    """Who reads every cluster-year (the superuser here; the confederation's staff alike,
    their clusters being those with a year) has its clusters counted on their own: without
    the join to the organisers the rows are sorted by (the join tripled the count's time at
    national size)."""
    add_clusters(world, 3)
    client.force_login(world.users["admin"])
    with CaptureQueriesContext(connection) as queries:
        table = client.get(reverse("clusters:cluster_list")).context["table"]
    counts = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "clusters_cluster"')
    ]
    assert len(counts) == 1 and "JOIN" not in counts[0]
    every = set(Cluster.objects.values_list("pk", flat=True))
    assert table.paginator.count == len(every) == 5
    assert {row.record.pk for row in table.rows} == every


def test_sorting_the_cluster_list_by_a_column_reorders_its_rows(client, world):
    head = OrganizationFactory(name="Công đoàn ngành Y tế", parent=world.province)
    others = [OrganizationFactory(parent=world.province) for _ in range(3)]
    ClusterYearFactory(
        cluster=ClusterFactory(organizer=world.province, number=2, code="cum-2"),
        year=world.year,
        head=head,
        members=[head, *others],
    )
    client.force_login(world.users["staff"])

    def codes(sort=None):
        params = {"sort": sort} if sort else {}
        response = client.get(reverse("clusters:cluster_list"), params)
        return [row.record.code for row in response.context["table"].rows]

    # By default: by organiser (a district's before the province's), then number.
    assert codes() == ["cum-huyen-1", "cum-1", "cum-2"]
    assert codes("-name") == ["cum-2", "cum-1", "cum-huyen-1"]
    assert codes("-member_count") == ["cum-2", "cum-1", "cum-huyen-1"]  # 4, 3, 1 members
    assert codes("member_count") == ["cum-huyen-1", "cum-1", "cum-2"]
    assert codes("head_name") == ["cum-huyen-1", "cum-2", "cum-1"]  # Công đoàn cơ sở, ngành; Liên


def test_filter_choices_are_scoped_to_the_user(client, world):
    client.force_login(world.users["head_officer"])
    form = client.get(reverse("clusters:cluster_list")).context["filter"].form
    organisers = set(form.fields["organizer"].queryset)
    assert world.province in organisers
    assert world.other_province not in set(form.fields["member"].queryset)


def test_xlsx_export_escapes_formulas(client, world):
    world.cluster.name = '=HYPERLINK("http://evil")'
    world.cluster.save()
    client.force_login(world.users["staff"])
    response = client.get(reverse("clusters:cluster_list"), {"_export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)"]


def exported_cells(client, fmt) -> list:
    response = client.get(reverse("clusters:cluster_list"), {"_export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        rows = csv.reader(StringIO(response.content.decode("utf-8-sig")))
        return [cell for row in rows for cell in row]
    sheet = load_workbook(BytesIO(response.content)).active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_write_cells_starting_like_a_formula_as_text(client, world, fmt):
    for number, name in enumerate(FORMULAS, start=2):
        ClusterYearFactory(
            cluster=ClusterFactory(organizer=world.province, number=number, name=name),
            year=world.year,
        )
    client.force_login(world.users["staff"])
    cells = exported_cells(client, fmt)
    assert {f"'{name}" for name in FORMULAS} <= set(cells)
    starts = ("=", "+", "-", "@")
    assert not [cell for cell in cells if isinstance(cell, str) and cell.startswith(starts)]


def test_csv_export_has_a_byte_order_mark(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("clusters:cluster_list"), {"_export": "csv"})
    assert response.content.startswith("\ufeff".encode())
    assert "Cụm thi đua số 1" in response.content.decode("utf-8-sig")


def test_cluster_page_prints_names_as_they_were_in_that_year(client, world):
    OrganizationName.objects.create(
        organization=world.member_unit,
        name="Liên đoàn Lao động huyện Cũ",
        used_until=datetime.date(world.year - 1, 12, 31),
    )
    client.force_login(world.users["staff"])

    def page(year):
        return client.get(reverse("clusters:cluster_year", args=[world.cluster.code, year]))

    before, now = page(world.year - 1), page(world.year)
    assert "Liên đoàn Lao động huyện Cũ" in {row["name"] for row in before.context["members"]}
    assert before.context["names"].head_name == "Liên đoàn Lao động huyện Cũ"
    assert "Liên đoàn Lao động huyện Vĩnh Hảo" in {row["name"] for row in now.context["members"]}
    # The timeline prints each year's head as it was named that year.
    assert [t.head_name for t in now.context["timeline"]] == [
        "Liên đoàn Lao động huyện Cũ",
        "Liên đoàn Lao động huyện Đầu",
    ]


def test_cluster_page_shows_roles_and_the_heads_timeline(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.get(reverse("clusters:cluster_year", args=[world.cluster.code, world.year]))
    assert [item.year for item in response.context["timeline"]] == [world.year - 1, world.year]
    assert response.context["can_head"] is False
    content = response.content.decode()
    assert (
        reverse("clusters:cluster_year_head", args=[world.cluster.code, world.year]) not in content
    )


def test_cluster_detail_opens_the_latest_year(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("clusters:cluster_detail", args=[world.cluster.code]))
    assert response["Location"] == reverse(
        "clusters:cluster_year", args=[world.cluster.code, world.year]
    )


def test_head_saves_the_acting_person_with_a_reason(client, world):
    client.force_login(world.users["head_officer"])
    url = reverse("clusters:cluster_year_head", args=[world.cluster.code, world.year])
    response = client.post(url, {"head_person": "Nguyễn Văn Mới", "reason": ""})
    assert response.status_code == 200  # the reason is required
    assert ClusterYear.objects.get(pk=world.cluster_year.pk).head_person == ""
    response = client.post(
        url,
        {
            "head_person": "Nguyễn Văn Mới",
            "head_person_title": "Phó Chủ tịch",
            "reason": "Chủ tịch nghỉ hưu",
        },
    )
    assert response.status_code == 302
    cy = ClusterYear.objects.get(pk=world.cluster_year.pk)
    assert cy.head_person == "Nguyễn Văn Mới"
    entry = cy.history.first()
    assert entry.history_change_reason == "Chủ tịch nghỉ hưu"
    assert entry.history_user == world.users["head_officer"]


def test_deputy_cannot_post_to_the_heads_page(client, world):
    client.force_login(world.users["deputy_officer"])
    url = reverse("clusters:cluster_year_head", args=[world.cluster.code, world.year])
    assert client.post(url, {"head_person": "X", "reason": "y"}).status_code == 403


def test_roster_downloads(client, world):
    client.force_login(world.users["unit_officer"])
    pdf = client.get(reverse("clusters:roster_pdf", args=[world.cluster.code, world.year]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("clusters:roster_xlsx", args=[world.cluster.code, world.year]))
    assert xlsx.content.startswith(b"PK")
    preview = client.get(reverse("clusters:roster_preview", args=[world.cluster.code, world.year]))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in preview.content.decode()


def test_the_page_names_the_users_role(client, world):
    def roles(persona):
        client.force_login(world.users[persona])
        url = reverse("clusters:cluster_year", args=[world.cluster.code, world.year])
        return client.get(url).context["roles"]

    assert roles("head_officer") == ["Cụm trưởng"]
    assert roles("deputy_officer") == ["Cụm phó"]
    assert roles("unit_officer") == ["Đơn vị thành viên"]
    assert roles("staff") == ["Cán bộ đơn vị tổ chức cụm"]
    assert roles("viewer") == ["Cán bộ đơn vị tổ chức cụm (chỉ xem)"]


def test_the_cluster_list_sorts_by_the_organiser_name_its_clusters_keep(client, world):
    """The list sorts by the organiser's name each cluster keeps (`Cluster.organizer_current_name`,
    in its index), not by joining the organisations: a rename of the organiser resorts it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusters.services import rename_organization

    client.force_login(world.users["staff"])

    def codes():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("clusters:cluster_list"))
        (listed,) = [
            q["sql"]
            for q in queries
            if q["sql"].startswith('SELECT "clusters_cluster"."id"') and "LIMIT" in q["sql"]
        ]
        assert 'ORDER BY "clusters_cluster"."organizer_current_name" ASC' in listed
        return [row.record.code for row in response.context["table"].rows]

    assert codes() == ["cum-huyen-1", "cum-1"]  # Công đoàn huyện … before Liên đoàn …
    rename_organization(
        organization=world.province,
        new_name="Ban Liên đoàn",
        from_day=datetime.date(2026, 1, 1),
        reason="QĐ",
    )
    assert codes() == ["cum-1", "cum-huyen-1"]
