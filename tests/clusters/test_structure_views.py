"""The structure screens: what staff do on them, what is refused, and constant queries on
every list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import (
    Cluster,
    ClusterYear,
    Membership,
    Organization,
    OrganizationName,
    ParentPeriod,
    Restructuring,
)
from emulation.pagination import page_of
from tests.clusters.test_views import count_queries
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def add_units(world, n, parent=None):
    """`n` districts below `parent` (the province), each with a grassroots union."""
    for _ in range(n):
        unit = OrganizationFactory(parent=parent or world.province)
        OrganizationFactory(parent=unit, kind="grassroots")


def add_restructurings(world, n):
    for i in range(n):
        record = Restructuring.objects.create(decision=f"QĐ {i}", last_day=D(2020, 1, 1))
        record.ended.set([OrganizationFactory(parent=world.province, valid_to=D(2020, 1, 1))])


@pytest.mark.parametrize("persona", ["staff", "unit_officer", "admin"])
def test_organisation_list_queries_do_not_grow_with_rows(client, world, persona):
    client.force_login(world.users[persona])
    url = reverse("structure:organization_list")
    searched = url + "?q=lien&kind=district"
    # A unit's officer reads the units below its own: the new ones go there.
    parent = world.member_unit if persona == "unit_officer" else world.province

    def rows():
        return [client.get(u).context["table"].paginator.count for u in (url, searched)]

    add_units(world, 2, parent)
    few = count_queries(client, url)
    few_searched = count_queries(client, searched)
    rows_in_few = rows()
    add_units(world, 10, parent)
    # Both lists show the new rows: ten districts, and below them ten grassroots unions.
    assert rows() == [rows_in_few[0] + 20, rows_in_few[1] + 10]
    assert count_queries(client, url) == few
    assert count_queries(client, searched) == few_searched


@pytest.mark.parametrize("persona", ["staff", "unit_officer", "head_officer"])
def test_the_organisation_list_shows_the_scope_read_by_key_on_postgresql(client, world, persona):
    """The list's rows are the organisations of the user's scope, its ids worked out first
    (`AmongIds`: `= ANY(ARRAY(…))` on PostgreSQL, where `IN (…)` scanned every organisation
    of the country for a province); the other databases ask `IN (…)`."""
    from clusters.permissions import organizations_for

    add_units(world, 5)
    user = world.users[persona]
    client.force_login(user)
    url = reverse("structure:organization_list")
    with CaptureQueriesContext(connection) as queries:
        table = client.get(url).context["table"]
    shown = {row.record.pk for row in table.page.object_list}
    assert shown == set(organizations_for(user).values_list("pk", flat=True))
    assert len(shown) == table.paginator.count <= 50  # all of them on the page
    assert world.other_province.pk not in shown
    (rows,) = [q["sql"] for q in queries if '"parent_name"' in q["sql"]]
    among = '"clusters_organization"."id" = ANY(ARRAY(' in rows
    assert among == (connection.vendor == "postgresql")


def test_a_federations_organisation_list_counts_its_rows_with_the_page(client, world):
    """A federation's scope is a union: its rows are counted with the page they are read
    with (emulation.pagination.CountedWithPage), and the pages still add up."""
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_list")
    add_units(world, 30)  # sixty more units below the province
    total = client.get(url).context["table"].paginator.count
    assert total > 60
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert not [
        q
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "clusters_organization"')
    ]
    table = first.context["table"]
    assert table.paginator.count == total and len(table.page.object_list) == 50
    assert table.paginator.num_pages == 2
    second = client.get(url + "?page=2").context["table"]
    assert len(second.page.object_list) == total - 50
    names = [row.record.name for row in table.page.object_list] + [
        row.record.name for row in second.page.object_list
    ]
    assert len(set(names)) == total  # every unit once, none left out
    # An old link past the end, however far: the last page, as before.
    for far in ("99", str(10**18), str(10**30)):
        assert client.get(url + f"?page={far}").context["table"].page.number == 2
    # Nothing found: an empty first page, counted as none without a second query.
    with CaptureQueriesContext(connection) as queries:
        empty = client.get(url + "?q=khong+co+don+vi+nao").context["table"]
    assert empty.paginator.count == 0 and list(empty.page.object_list) == []
    assert not [
        q
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "clusters_organization"')
    ]
    # The confederation-wide list (the administrator's) is counted on its own.
    client.force_login(world.users["admin"])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert [
        q
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "clusters_organization"')
    ]


def test_restructuring_list_queries_do_not_grow_with_rows(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:restructuring_list")
    add_restructurings(world, 2)
    few = count_queries(client, url)
    add_restructurings(world, 8)
    assert count_queries(client, url) == few


def test_organisation_page_queries_do_not_grow_with_its_history(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_detail", args=["province"])
    unit_url = reverse("structure:organization_detail", args=["head-unit"])
    few = count_queries(client, url)
    few_unit = count_queries(client, unit_url)
    add_units(world, 5)
    for year in range(world.year - 6, world.year - 2):
        ClusterYearFactory(
            cluster=world.cluster, year=year, head=world.head_unit, members=[world.head_unit]
        )
    ClusterFactory(organizer=world.province, number=9)
    # The unit's own history grows too: units below it, former names, a cluster it organises.
    below = [OrganizationFactory(parent=world.head_unit, kind="grassroots") for _ in range(4)]
    for year in (world.year - 5, world.year - 3):
        OrganizationName.objects.create(
            organization=world.head_unit, name=f"Tên cũ {year}", used_until=D(year, 12, 31)
        )
    ClusterYearFactory(
        cluster=ClusterFactory(organizer=world.head_unit, number=1),
        year=world.year,
        head=below[0],
        members=below,
    )
    assert count_queries(client, url) == few
    assert count_queries(client, unit_url) == few_unit


# The rows of the organisation page's two long lists as its template drew them, row by row.
FORMER_UNIT_ROWS = """{% load structure_nav %}{% for period in children %}
  <tr><td>{% org_link period.organization readable %}</td><td>{{ period.valid_from|date:"d/m/Y"|default:"—" }}</td><td>{{ period.valid_to|date:"d/m/Y"|default:"—" }}</td></tr>
{% endfor %}"""
FORMER_CLUSTER_ITEMS = """{% load i18n emulation %}{% for cluster in own_clusters %}
  <li>{{ cluster.name }} <span class="text-muted small">({{ cluster.get_kind_display }}{% if cluster.founding_decision %}, {{ cluster.founding_decision }}{% endif %}{% if cluster.ended_on %}, {% blocktranslate with date=cluster.ended_on|date:"d/m/Y" %}ended {{ date }}{% endblocktranslate %}{% endif %})</span>
    {% if cluster.pk in managed_cluster_ids %}<a class="small" href="{% link 'structure:cluster_edit' cluster.code %}">{% translate "Edit" %}</a> · <a class="small" href="{% link 'structure:cluster_year_create' cluster.code %}">{% translate "New year" %}</a>{% endif %}
  </li>
{% endfor %}"""
FORMER_ORGANISED_ROWS = """{% load emulation %}{% for item in organised %}
  <tr><td>{{ item.year|stringformat:"d" }}</td><td><a href="{% link 'clusters:cluster_year' item.cluster.code item.year %}">{{ item.cluster.name }}</a></td><td>{{ item.head_name|default:"—" }}</td><td class="text-end">{{ item.member_count }}</td><td>{{ item.get_status_display }}</td></tr>
{% endfor %}"""


@pytest.mark.parametrize("persona", ["staff", "head_officer"])
def test_organisation_page_draws_its_lists_rows_as_the_template_drew_them(client, world, persona):
    """The units below and the cluster-years organised are drawn in Python (`unit_rows`,
    `organised_rows`): the same cells as the template's loops drew – names linked only where
    the reader may open them, dates, heads, member counts, statuses – and text escaped."""
    import re

    from django.template import Context, Template

    ended = OrganizationFactory(
        parent=world.province, name='Liên đoàn <Đã> & "Giải Thể"', valid_to=D(2020, 1, 1)
    )
    ParentPeriod.objects.filter(organization=ended).update(valid_to=D(2020, 1, 1))
    ClusterYearFactory(cluster=world.cluster, year=world.year - 2, head=world.head_unit)
    ClusterYearFactory(
        cluster=ClusterFactory(
            organizer=world.province,
            number=7,
            name="Cụm <7> & 'cũ'",
            founding_decision="QĐ 7/2019",
            ended_on=D(2022, 12, 31),
        ),
        year=2021,
    )
    client.force_login(world.users[persona])
    response = client.get(reverse("structure:organization_detail", args=["province"]))
    assert response.status_code == 200
    names = ("children", "organised", "readable", "own_clusters", "managed_cluster_ids")
    context = {key: response.context[key] for key in names}
    html = response.content.decode()
    tight = lambda text: re.sub(r">\s+<", "><", text).strip()  # noqa: E731
    from clusters.templatetags.structure_nav import cluster_items, organised_rows, unit_rows

    drawn = {
        "children": unit_rows(context["children"], context["readable"]),
        "organised": organised_rows(context["organised"]),
        "own_clusters": cluster_items(context["own_clusters"], context["managed_cluster_ids"]),
    }
    for former, name in (
        (FORMER_UNIT_ROWS, "children"),
        (FORMER_ORGANISED_ROWS, "organised"),
        (FORMER_CLUSTER_ITEMS, "own_clusters"),
    ):
        # (The head's officers see the clusters whose years they read: one.)
        assert len(context[name]) >= (1 if name == "own_clusters" and persona != "staff" else 2)
        assert tight(drawn[name]) == tight(Template(former).render(Context(context)))
        assert drawn[name] in html
    # The staff keep the province's clusters: each with its links, after a space.
    assert bool(context["managed_cluster_ids"]) is (persona == "staff")
    assert ('</span> <a class="small"' in drawn["own_clusters"]) is (persona == "staff")
    assert ("Cụm &lt;7&gt; &amp; &#x27;cũ&#x27;" in html) is (persona == "staff")
    assert "Liên đoàn &lt;Đã&gt; &amp; &quot;Giải Thể&quot;" in html
    assert "<td>01/01/2020</td>" in html


def test_organisation_page_pages_each_of_its_lists(client, world, monkeypatch):
    """Units below (those in force first), clusters organised and years of membership each
    page on their own parameter; the count of units in force covers every page."""
    monkeypatch.setattr("clusters.views.organizations.LIST_PAGE", 2)
    ended = OrganizationFactory(
        parent=world.province, name="Liên đoàn Lao động huyện Đã Giải Thể", valid_to=D(2020, 1, 1)
    )
    ParentPeriod.objects.filter(organization=ended).update(valid_to=D(2020, 1, 1))
    for year in (world.year - 3, world.year - 2):
        ClusterYearFactory(cluster=world.cluster, year=year, head=world.head_unit)
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_detail", args=["province"])
    response = client.get(url)
    children = response.context["children"]
    # Head, deputy and member units are in force; the ended one comes last, on page 2.
    assert children.paginator.count == 4 and len(children) == 2
    assert response.context["children_now"] == 3
    assert ended not in [p.organization for p in children]
    body = response.content.decode()
    assert "units=2" in body and "organised=2" in body
    response = client.get(url + "?units=2&organised=2")
    assert [p.organization for p in response.context["children"]][-1] == ended
    assert response.context["children_now"] == 3
    # Each unit shows by its name, linked, with its dates below this parent.
    assert f'href="{ended.get_absolute_url()}"' in response.content.decode()
    assert [(p.valid_from, p.valid_to) for p in response.context["children"]][-1] == (
        ParentPeriod.objects.get(organization=ended).valid_from,
        D(2020, 1, 1),
    )
    # A page past the end (an old link) gives the last one, counted as before.
    past = client.get(url + "?units=99")
    assert [p.organization for p in past.context["children"]][-1] == ended
    assert past.context["children"].number == 2 and past.context["children_now"] == 3
    # A reader not reading below the province (the head unit's officer) opens the units it
    # reads (its own, those of its clusters) and sees the others' names without a link.
    client.force_login(world.users["head_officer"])
    first, second = client.get(url).content.decode(), client.get(url + "?units=2").content.decode()
    for unit in (world.head_unit, world.deputy_unit, world.member_unit):
        assert f'href="{unit.get_absolute_url()}"' in first + second
    assert ended.name in second and f'href="{ended.get_absolute_url()}"' not in second
    assert [cy.year for cy in response.context["organised"]] == [world.year - 2, world.year - 3]
    unit = client.get(reverse("structure:organization_detail", args=["head-unit"]))
    assert unit.context["memberships"].paginator.count == 2  # this year and the last
    assert len(unit.context["memberships"]) == 2


def test_the_organisation_pages_clusters_organised_ask_only_the_heads_name(client, world):
    """The list of the years it organised shows each year's head, by the name it bore then –
    not the deputy's nor the organiser's, which were asked for nothing."""
    # The head unit was renamed after the year: the year shows the name it bore then.
    OrganizationName.objects.create(
        organization=world.head_unit, name="Công đoàn Tên Cũ", used_until=D(world.year + 1, 6, 30)
    )
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_detail", args=["province"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    (years_query,) = [q["sql"] for q in captured if 'FROM "clusters_clusteryear"' in q["sql"]]
    assert years_query.count('"clusters_organizationname"') == 1
    (item,) = [cy for cy in response.context["organised"] if cy.pk == world.cluster_year.pk]
    assert item.head_name == "Công đoàn Tên Cũ"
    assert not hasattr(item, "deputy_name") and not hasattr(item, "organizer_name")
    assert f"<td>{item.head_name}</td>" in response.content.decode()


def test_the_organisation_page_lists_the_years_a_unit_reads_without_asking_the_tree(client, world):
    """A unit's officer on its province's page: the years of the province's clusters it is a
    member of are listed, another cluster's are not – asked by its own units only, the tree's
    part of the question answered once for the page (it does not read below the province),
    which in the condition made PostgreSQL read every cluster-year. Who reads below the
    province sees them all."""
    others = [OrganizationFactory(parent=world.province) for _ in range(2)]
    other_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=world.province, number=2, code="cum-2"),
        year=world.year,
        head=others[0],
        members=others,
    )
    url = reverse("structure:organization_detail", args=["province"])
    client.force_login(world.users["unit_officer"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    listed = {cy.pk for cy in response.context["organised"]}
    assert listed == {world.cluster_year.pk, world.previous_year.pk}
    assert [c.code for c in response.context["own_clusters"]] == ["cum-1"]
    # The years organised (latest first), and the clusters with a year it reads.
    years_queries = [
        q["sql"]
        for q in captured
        if q["sql"].endswith(
            'ORDER BY "clusters_clusteryear"."year" DESC, "clusters_cluster"."kind" ASC, "clusters_cluster"."number" ASC, "clusters_clusteryear"."id" ASC LIMIT 50'
        )
        or q["sql"].endswith(
            'ORDER BY "clusters_cluster"."kind" ASC, "clusters_cluster"."number" ASC, "clusters_cluster"."id" ASC LIMIT 50'
        )
    ]
    assert len(years_queries) == 2
    assert not [sql for sql in years_queries if "clusters_organizationlink" in sql]
    client.force_login(world.users["viewer"])
    response = client.get(url)
    listed = {cy.pk for cy in response.context["organised"]}
    assert listed == {world.cluster_year.pk, world.previous_year.pk, other_year.pk}


def test_manage_page_queries_do_not_grow_with_members(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:cluster_year_manage", args=[world.cluster.code, world.year])
    few = count_queries(client, url)
    for _ in range(6):
        Membership.objects.create(
            cluster_year=world.cluster_year,
            organization=OrganizationFactory(parent=world.province),
        )
    assert count_queries(client, url) == few


def test_prepare_preview_queries_do_not_grow_with_clusters(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:prepare_next_year") + f"?organizer=province&year={world.year + 1}"
    few = count_queries(client, url)
    for _ in range(5):
        members = [OrganizationFactory(parent=world.province) for _ in range(3)]
        ClusterYearFactory(
            cluster=ClusterFactory(organizer=world.province),
            year=world.year,
            head=members[0],
            deputy=members[1],
            members=members,
        )
    assert count_queries(client, url) == few


def test_lists_export_csv_with_a_byte_order_mark_and_xlsx(client, world):
    client.force_login(world.users["staff"])
    for name in ("structure:organization_list", "structure:restructuring_list"):
        response = client.get(reverse(name) + "?_export=csv")
        assert response.content.startswith("\ufeff".encode())
        response = client.get(reverse(name) + "?_export=xlsx")
        assert response.content.startswith(b"PK")
    text = client.get(reverse("structure:organization_list") + "?_export=csv").content.decode()
    assert "Liên đoàn Lao động huyện Vĩnh Hảo" in text


def test_staff_create_a_unit_below_the_province(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:organization_create"),
        {
            "name": "Công đoàn cơ sở Trường THCS B",
            "code": "cdcs-thcs-b",
            "kind": "grassroots",
            "locality": "Huyện Đầu",
            "valid_from": "2024-09-01",
            "founding_decision": "Quyết định số 12/QĐ-LĐLĐ",
            "parent": world.head_unit.pk,
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(code="cdcs-thcs-b")
    assert org.parent_on(D(2024, 9, 1)) == world.head_unit
    assert org.parent_on(D(2024, 8, 31)) is None


def test_a_unit_cannot_be_placed_outside_the_users_structure(client, world):
    client.force_login(world.users["unit_officer"])
    response = client.post(
        reverse("structure:organization_create"),
        {
            "name": "X",
            "code": "x",
            "kind": "grassroots",
            "valid_from": "2024-09-01",
            "parent": world.head_unit.pk,
        },
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(code="x").exists()
    assert "Lựa chọn không hợp lệ" in response.content.decode() or "Hãy chọn" in (
        response.content.decode()
    )


def test_rename_from_a_date_keeps_the_former_name_for_earlier_years(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_rename", args=["head-unit"])
    response = client.post(
        url,
        {"new_name": "Liên đoàn Lao động thị xã Đầu", "from_day": "2025-03-01", "reason": "NQ 1"},
    )
    assert response.status_code == 302
    org = Organization.objects.get(code="head-unit")
    assert org.name_on(D(2025, 2, 28)) == "Liên đoàn Lao động huyện Đầu"
    assert org.name_on(D(2025, 3, 1)) == "Liên đoàn Lao động thị xã Đầu"
    assert org.history.first().history_change_reason == "NQ 1"
    # A second rename must come after the first one took effect; nothing is written otherwise.
    response = client.post(url, {"new_name": "Tên khác", "from_day": "2025-01-01", "reason": "x"})
    assert response.status_code == 200
    assert "được dùng từ ngày 01/03/2025" in response.content.decode()
    assert Organization.objects.get(code="head-unit").name == "Liên đoàn Lao động thị xã Đầu"


def test_move_to_a_new_parent_from_a_date(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_move", args=["grassroots"])
    response = client.post(
        url, {"new_parent": world.province.pk, "from_day": "2025-07-01", "decision": "QĐ 5"}
    )
    assert response.status_code == 302
    grassroots = Organization.objects.get(code="grassroots")
    assert grassroots.parent_on(D(2025, 6, 30)) == world.member_unit
    assert grassroots.parent_on(D(2025, 7, 1)) == world.province
    # A unit cannot go below one of its own units.
    url = reverse("structure:organization_move", args=["member-unit"])
    response = client.post(
        url, {"new_parent": world.head_unit.pk, "from_day": "2025-07-01", "decision": "QĐ 6"}
    )
    assert response.status_code == 302
    periods_before = ParentPeriod.objects.count()
    response = client.post(
        reverse("structure:organization_move", args=["province"]),
        {"new_parent": world.member_unit.pk, "from_day": "2025-07-01", "decision": "x"},
    )
    assert response.status_code in (403, 404)
    assert ParentPeriod.objects.count() == periods_before


def test_edit_requires_a_reason(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_edit", args=["head-unit"])
    data = {"name": "Liên đoàn Lao động huyện Đầu", "kind": "district", "locality": "Đầu"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert Organization.objects.get(code="head-unit").locality != "Đầu"
    response = client.post(url, data | {"reason": "Sửa địa danh"})
    assert response.status_code == 302
    assert Organization.objects.get(code="head-unit").locality == "Đầu"


def test_cluster_create_edit_and_first_year(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:cluster_create"),
        {
            "organizer": world.province.pk,
            "kind": "bloc",
            "number": 2,
            "name": "Khối thi đua số 2",
            "code": "khoi-2",
            "founding_decision": "QĐ 10",
            "reason": "Thành lập",
        },
    )
    assert response.status_code == 302
    cluster = Cluster.objects.get(code="khoi-2")
    response = client.post(
        reverse("structure:cluster_year_create", args=["khoi-2"]),
        {"year": world.year, "reason": "Năm đầu"},
    )
    assert response.status_code == 302
    assert ClusterYear.objects.filter(cluster=cluster, year=world.year).exists()
    # The same year twice is refused with a message.
    response = client.post(
        reverse("structure:cluster_year_create", args=["khoi-2"]),
        {"year": world.year, "reason": "Lần nữa"},
    )
    assert response.status_code == 200 and "đã có" in response.content.decode()
    response = client.post(
        reverse("structure:cluster_edit", args=["khoi-2"]),
        {
            "organizer": world.province.pk,
            "kind": "bloc",
            "number": 2,
            "name": "Khối thi đua số 2",
            "ended_on": f"{world.year}-12-31",
            "reason": "Giải thể khối",
        },
    )
    assert response.status_code == 302
    assert Cluster.objects.get(code="khoi-2").ended_on == D(world.year, 12, 31)


def test_manage_sets_head_and_handover_with_a_reason(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:cluster_year_manage", args=[world.cluster.code, world.year])
    page = client.get(url).content.decode()
    # Last year's deputy (head_unit) moves up: the reason is shown.
    assert "phó cụm năm" in page
    data = {
        "status": "open",
        "head": world.deputy_unit.pk,
        "deputy": world.member_unit.pk,
        "handover_on": f"{world.year}-01-10",
        "handover_note": "Bàn giao hồ sơ",
        "handover_received_by": "Nguyễn Văn A",
        "reason": "Hội nghị bầu lại",
    }
    assert client.post(url, data).status_code == 302
    cy = ClusterYear.objects.get(pk=world.cluster_year.pk)
    assert (cy.head, cy.deputy, cy.handover_received_by) == (
        world.deputy_unit,
        world.member_unit,
        "Nguyễn Văn A",
    )
    assert cy.history.first().history_change_reason == "Hội nghị bầu lại"
    # Closing is the meeting's, not this form's.
    response = client.post(url, data | {"status": "closed"})
    assert response.status_code == 200
    assert ClusterYear.objects.get(pk=world.cluster_year.pk).status == "open"
    response = client.post(url, data | {"deputy": world.deputy_unit.pk})
    assert response.status_code == 200
    assert "phải là hai đơn vị khác nhau" in response.content.decode()


def test_members_are_added_and_leave_with_dates(client, world):
    client.force_login(world.users["staff"])
    new = OrganizationFactory(parent=world.province, name="Liên đoàn Lao động huyện Mới")
    add = reverse("structure:membership_add", args=[world.cluster.code, world.year])
    response = client.post(
        add, {"organization": new.pk, "joined_on": f"{world.year}-03-01", "reason": "Kết nạp"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(cluster_year=world.cluster_year, organization=new)
    assert membership.joined_on == D(world.year, 3, 1)
    # Twice is refused; a date outside the year too.
    response = client.post(add, {"organization": new.pk, "reason": "Lần nữa"})
    assert response.status_code == 200
    edit = reverse(
        "structure:membership_edit", args=[world.cluster.code, world.year, membership.pk]
    )
    response = client.post(
        edit,
        {"joined_on": f"{world.year}-03-01", "left_on": f"{world.year + 1}-01-05", "reason": "x"},
    )
    assert response.status_code == 200 and "trong năm" in response.content.decode()
    response = client.post(
        edit,
        {"joined_on": f"{world.year}-03-01", "left_on": f"{world.year}-09-30", "reason": "Rời cụm"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == D(world.year, 9, 30)
    # Removing an entry is for a year being set up only.
    response = client.post(edit, {"action": "remove", "reason": "Nhập nhầm"})
    assert Membership.objects.filter(pk=membership.pk).exists()
    ClusterYear.objects.filter(pk=world.cluster_year.pk).update(status="setup")
    response = client.post(edit, {"action": "remove", "reason": "Nhập nhầm"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_prepare_next_year_through_the_page(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:prepare_next_year")
    next_year = world.year + 1
    response = client.get(url + f"?organizer=province&year={next_year}")
    assert "phó cụm năm" in response.content.decode()  # the deputy moves up, with its reason
    key = world.cluster.pk
    response = client.post(
        url,
        {
            "signature": response.context["signature"],
            "organizer": "province",
            "year": next_year,
            f"include_{key}": "on",
            f"head_{key}": world.member_unit.pk,
            f"deputy_{key}": world.deputy_unit.pk,
            "reason": "Chuẩn bị năm sau",
        },
    )
    assert response.status_code == 302
    cy = ClusterYear.objects.get(cluster=world.cluster, year=next_year)
    assert (cy.head, cy.deputy) == (world.member_unit, world.deputy_unit)
    assert cy.memberships.count() == 3


def test_restructure_preview_confirm_and_undo_through_the_pages(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:restructure")
    data = {
        "ended": [world.member_unit.pk],
        "last_day": f"{world.year}-06-30",
        "status": "ended",
        "successors": [world.head_unit.pk],
        "decision": "Quyết định số 99/QĐ-LĐLĐ",
        "note": "",
    }
    response = client.post(url, data | {"action": "preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Công đoàn cơ sở Trường Tiểu học A" in page  # the unit that moves
    signature = response.context["signature"]
    # A confirmation that does not match the preview writes nothing.
    response = client.post(url, data | {"action": "confirm", "signature": "stale"})
    assert response.status_code == 200
    assert not Restructuring.objects.exists()
    response = client.post(url, data | {"action": "confirm", "signature": signature})
    assert response.status_code == 302
    record = Restructuring.objects.get()
    member = Organization.objects.get(pk=world.member_unit.pk)
    assert member.valid_to == D(world.year, 6, 30)
    assert list(member.successors.all()) == [world.head_unit]
    july = D(world.year, 7, 1)
    assert Organization.objects.get(code="grassroots").parent_on(july) == world.head_unit
    # The district's own cluster closes; the province's cluster goes on without it.
    assert ClusterYear.objects.get(pk=world.district_cluster_year.pk).ended_on == july.replace(
        day=30, month=6
    )
    assert Membership.objects.get(
        cluster_year=world.cluster_year, organization=world.member_unit
    ).left_on == D(world.year, 6, 30)
    detail = reverse("structure:restructuring_detail", args=[record.pk])
    response = client.post(detail, {"reason": "Nhập nhầm"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=world.member_unit.pk).valid_to is None
    assert Organization.objects.get(code="grassroots").parent_on(july) == world.member_unit
    assert ClusterYear.objects.get(pk=world.district_cluster_year.pk).ended_on is None


def test_restructure_errors_are_listed_and_nothing_is_written(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:restructure"),
        {
            "ended": [world.member_unit.pk],
            "last_day": f"{world.year}-06-30",
            "status": "ended",
            "decision": "QĐ",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert "Công đoàn cơ sở Trường Tiểu học A" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert "signature" not in response.context
    assert not Restructuring.objects.exists()


def test_pages_speak_english_through_the_switcher(client, world):
    client.force_login(world.users["staff"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("structure:organization_detail", args=["province"])).content
    assert b"Clusters organised" in page
    page = client.get(reverse("structure:prepare_next_year")).content
    assert b"Prepare next year" in page


def test_the_dashboard_points_staff_to_next_year_until_it_is_prepared(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("dashboard")).content.decode()
    assert f"chưa có Cụm trưởng năm {world.year + 1}" in page
    ClusterYearFactory(cluster=world.cluster, year=world.year + 1, head=world.member_unit)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"chưa có Cụm trưởng năm {world.year + 1}" not in page


@pytest.mark.django_db
def test_an_organisation_page_lists_the_restructurings_that_touched_it(client):
    """The restructuring that ended it, one that ended an organisation it succeeded, and one
    that ended a parent it stood under – and not another organisation's."""
    from django.contrib.auth import get_user_model

    from clusters.models import Organization, ParentPeriod, Restructuring
    from emulation.demo import seed_demo

    seed_demo()
    client.force_login(get_user_model().objects.get(username="admin"))  # reads every one
    record = Restructuring.objects.filter(ended__successors__isnull=False).first()
    ended = record.ended.filter(successors__isnull=False).first()
    successor = ended.successors.first()
    moved = ParentPeriod.objects.filter(parent__in=record.ended.all()).first().organization
    untouched = Organization.objects.filter(ending_restructurings__isnull=True).exclude(
        pk__in=[successor.pk, moved.pk]
    )
    untouched = untouched.exclude(
        pk__in=ParentPeriod.objects.filter(parent__ending_restructurings__isnull=False).values(
            "organization_id"
        )
    ).exclude(pk__in=Organization.successors.through.objects.values("to_organization_id"))
    for org, listed in [
        (ended, True),
        (successor, True),
        (moved, True),
        (untouched.first(), False),
    ]:
        response = client.get(reverse("structure:organization_detail", args=[org.code]))
        assert response.status_code == 200, org
        assert (record in response.context["restructurings"]) is listed, org


def test_a_page_asked_for_far_past_the_end_is_the_last_page(world):
    units = Organization.objects.order_by("pk")
    per_page = 2
    last = (units.count() + per_page - 1) // per_page
    for far in (str(last + 1), str(10**18), str(10**30)):
        page = page_of(units, far, per_page)
        assert page.number == last and list(page.object_list)


def test_the_organisation_page_offers_next_year_to_who_keeps_its_running_clusters(client, world):
    """ "Prepare next year" shows on an organiser's page to the users who keep its clusters
    (`next_year_organizers`), while one of them still runs."""
    from tests.conftest import fresh

    def offered(persona, code):
        client.force_login(fresh(world.users[persona]))
        page = client.get(reverse("structure:organization_detail", args=[code]))
        assert page.status_code == 200
        return reverse("structure:prepare_next_year") + f"?organizer={code}" in (
            page.content.decode()
        )

    assert offered("staff", "province") and offered("staff", "member-unit")
    assert offered("admin", "member-unit")
    assert offered("unit_officer", "member-unit")  # its own clusters
    assert not offered("unit_officer", "province")
    assert not offered("viewer", "province") and not offered("head_officer", "province")
    Cluster.objects.filter(organizer=world.province).update(ended_on=D(2020, 12, 31))
    assert not offered("staff", "province") and offered("staff", "member-unit")


def test_an_organisation_outside_the_scope_is_refused_before_its_page_is_read(client, world):
    """404 outside the scope, asked before the page's lists and history are read: an
    outsider learns nothing from how long the refusal takes, and costs the server little."""
    add_units(world, 3)
    client.force_login(world.users["outsider"])
    url = reverse("structure:organization_detail", args=["province"])
    with CaptureQueriesContext(connection) as refused:
        assert client.get(url).status_code == 404
    with CaptureQueriesContext(connection) as missing:
        assert (
            client.get(reverse("structure:organization_detail", args=["no-such"])).status_code
            == 404
        )
    # Neither its paginated lists (counted with a window) nor its history were read.
    assert not [q for q in refused if "OVER ()" in q["sql"] or "historical" in q["sql"]]
    # The organisation, whether it stands below the user, or above its own, whether the user
    # reads it otherwise.
    assert len(refused) <= len(missing) + 4
    # Staff below whom it stands, and a member's officer reading it through its cluster.
    for persona in ("staff", "head_officer"):
        client.force_login(world.users[persona])
        assert client.get(url).status_code == 200


def test_the_units_below_sort_by_the_name_their_periods_keep(client, world):
    """The units below sort by the name their periods keep (`ParentPeriod.unit_name`, in the
    parent's index), not by each unit's name looked up row by row; a rename resorts them, and
    each shows by its own name."""
    from clusters.services import rename_organization

    for name in ("Công đoàn Zeta", "Công đoàn Beta"):
        OrganizationFactory(parent=world.province, name=name, kind="grassroots")
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_detail", args=["province"])

    def listed():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        (units,) = [
            q["sql"]
            for q in queries
            if 'FROM "clusters_parentperiod"' in q["sql"] and "OVER ()" in q["sql"]
        ]
        # The sort reads the periods' own column: no name looked up in it.
        assert '"clusters_parentperiod"."unit_name" ASC' in units.split("ORDER BY")[1]
        return [p.organization.name for p in response.context["children"]]

    names = listed()
    assert names.index("Công đoàn Beta") < names.index("Công đoàn Zeta")
    zeta = Organization.objects.get(name="Công đoàn Zeta")
    rename_organization(
        organization=zeta, new_name="Công đoàn Alpha", from_day=D(2026, 1, 1), reason="QĐ"
    )
    names = listed()
    assert names.index("Công đoàn Alpha") < names.index("Công đoàn Beta")
    assert "Công đoàn Zeta" not in names
    # The order is the kept name's (here set by hand, as no screen would), the name shown the
    # unit's own.
    ParentPeriod.objects.filter(organization=zeta).update(unit_name="Công đoàn Zz")
    names = listed()
    assert names.index("Công đoàn Beta") < names.index("Công đoàn Alpha")


def test_a_units_officer_opens_its_federations_page_by_one_lookup_in_the_tree(
    client, world, monkeypatch
):
    """Whether a user opens an organisation above its own is one lookup in the tree: the whole
    question of who opens what (a union over the cluster-years it reads) is asked only of an
    organisation it reads otherwise, such as a fellow member of its cluster; an outsider still
    gets 404."""
    from clusters.views import base

    asked = []
    real = base.readable_organization_ids

    def spy(user, ids):
        asked.append(list(ids))
        return real(user, ids)

    monkeypatch.setattr(base, "readable_organization_ids", spy)
    client.force_login(world.users["unit_officer"])
    assert (
        client.get(reverse("structure:organization_detail", args=["province"])).status_code == 200
    )
    assert asked == []
    fellow = reverse("structure:organization_detail", args=[world.head_unit.code])
    assert client.get(fellow).status_code == 200
    assert asked == [[world.head_unit.pk]]
    client.force_login(world.users["outsider"])
    assert (
        client.get(reverse("structure:organization_detail", args=["province"])).status_code == 404
    )
