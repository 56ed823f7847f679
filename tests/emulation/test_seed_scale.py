"""`seed_scale` at a thousandth of the national size: a consistent tree, the restructuring as
the service records it, results whose totals the scoring service agrees with, personas who
log in and open their pages; a second run writes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from clusters.models import (
    AnnualResult,
    Cluster,
    ClusterYear,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationLink,
    ParentPeriod,
    Restructuring,
    ResultStatus,
)
from clusters.services.scoring import compute_totals, load_table
from emulation.scale.national import PERSONAS, SCALE_PASSWORD
from emulation.text import fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    out = StringIO()
    call_command("seed_scale", "--scale", "0.001", stdout=out, stderr=StringIO())
    return out.getvalue()


def _links():
    return set(
        OrganizationLink.objects.values_list(
            "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
        )
    )


def test_the_tree_is_closed_over_as_the_walk_sees_it(national):
    built = _links()
    OrganizationLink.objects.rebuild()
    assert _links() == built
    for org in Organization.objects.filter(code__startswith="qg-tinh-").order_by("pk")[:5]:
        below = set(
            OrganizationLink.objects.filter(ancestor_id=org.pk, depth__gt=0).values_list(
                "descendant_id", flat=True
            )
        )
        assert below == ParentPeriod.objects.descendant_ids([org.pk])
    assert Organization.objects.filter(code__startswith="qg-", status="active").count() == (
        1 + 34 + Organization.objects.filter(code__startswith="qg-cs-").count()
    )


def test_the_2025_restructuring_is_recorded_as_the_service_records_it(national):
    ended = Organization.objects.filter(code__startswith="qg-", status="ended")
    assert ended.filter(kind=OrganizationKind.PROVINCIAL).count() == 63 - 34
    assert not ended.exclude(successors__isnull=False).exists()
    recorded = set(Restructuring.objects.values_list("ended", flat=True))
    assert recorded == set(ended.values_list("pk", flat=True))
    for record in Restructuring.objects.all():
        created = ParentPeriod.objects.filter(pk__in=record.changes["created_periods"])
        assert created.count() == len(record.changes["created_periods"])
        assert {str(pk) for pk in record.ended.values_list("pk", flat=True)} == set(
            record.changes["successors_set"]
        )
    unit = Organization.objects.filter(code__startswith="qg-cs-").first()
    # The period from the beginning has no first day: first on every database.
    periods = unit.parent_periods.order_by(F("valid_from").asc(nulls_first=True))
    assert [p.valid_to is None for p in periods] == [
        False,
        True,
    ]
    assert not Cluster.objects.filter(
        organizer__status="ended", ended_on__isnull=True, code__startswith="qg-"
    ).exists()


def test_derived_columns_are_filled_as_save_fills_them(national):
    for org in Organization.objects.filter(code__startswith="qg-")[:50]:
        assert org.search_text == fold(org.name)
    for cluster in Cluster.objects.filter(code__startswith="qg-")[:20]:
        assert cluster.search_text == f"{fold(cluster.name)}\n{cluster.code}"
    # Each parent period keeps its unit's name, as `ParentPeriod.save` sets it.
    assert ParentPeriod.objects.exists()
    assert not ParentPeriod.objects.exclude(unit_name=F("organization__name")).exists()
    # Each cluster its organiser's, as `Cluster.save` sets it.
    assert not Cluster.objects.exclude(organizer_current_name=F("organizer__name")).exists()


def test_every_year_has_its_head_members_results_and_agreed_totals(national):
    years = ClusterYear.objects.filter(cluster__code__startswith="qg-")
    assert years.exists()
    for cluster_year in years:
        members = set(cluster_year.memberships.values_list("organization_id", flat=True))
        assert cluster_year.head_id in members and cluster_year.deputy_id in members
        assert set(cluster_year.results.values_list("organization_id", flat=True)) == members
        if cluster_year.status == "closed":
            assert cluster_year.meetings.filter(kind="review", status="closed").exists()
            assert cluster_year.nominations.count() == 2
    for result in AnnualResult.objects.filter(status=ResultStatus.LOCKED).order_by("pk")[:20]:
        table = load_table(result.program)
        entries = {e.criterion_id: e for e in result.entries.all()}
        values = {v.indicator_id: v for v in result.indicator_values.all()}
        assert compute_totals(table, entries, values, "verified").total == result.verified_total
        assert compute_totals(table, entries, values, "self").total == result.self_total


def test_the_personas_log_in_and_open_their_pages(national, client):
    cluster_year = ClusterYear.objects.get(cluster__code="qg-tinh-01-cum-01", year=2026)
    args = [cluster_year.cluster.code, 2026]
    pages = {
        "confederation": [reverse("dashboard"), reverse("structure:organization_list")],
        "province": [
            reverse("dashboard"),
            reverse("clusters:cluster_year", args=args),
            reverse("structure:cluster_year_manage", args=args),
            reverse("awards:inbox"),
        ],
        "head": [reverse("dashboard"), reverse("clusters:results", args=args)],
        "member": [reverse("dashboard"), reverse("clusters:cluster_year", args=args)],
    }
    for persona, paths in pages.items():
        response = client.post(
            reverse("login"), {"username": PERSONAS[persona], "password": SCALE_PASSWORD}
        )
        assert response.status_code == 302, persona
        for path in paths:
            assert client.get(path).status_code == 200, (persona, path)
        client.logout()
    assert Membership.objects.filter(
        cluster_year=cluster_year, organization__officers__user__username=PERSONAS["member"]
    ).exists()
    assert cluster_year.head.officers.filter(user__username=PERSONAS["head"]).exists()


def test_a_second_run_writes_nothing(national):
    before = (Organization.objects.count(), AnnualResult.objects.count())
    out = StringIO()
    call_command("seed_scale", "--scale", "0.001", stdout=out, stderr=StringIO())
    assert "already loaded" in out.getvalue()
    assert (Organization.objects.count(), AnnualResult.objects.count()) == before
    assert "qg-cumtruong" in national and SCALE_PASSWORD in national


def _vacuumed(table: str) -> int:
    """How many times PostgreSQL vacuumed `table` by hand (`VACUUM`, not autovacuum); on
    SQLite whether `ANALYZE` kept statistics for it (1 or 0)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s", [table]
            )
        else:
            cursor.execute("SELECT count(*) > 0 FROM sqlite_stat1 WHERE tbl = %s", [table])
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_dataset_is_vacuumed_and_analysed_once_loaded():
    """After the bulk load the tables are vacuumed and analysed (PostgreSQL: until a vacuum
    marks the new pages all-visible, lists that read their rows from an index alone read the
    table too), analysed (SQLite)."""
    from django.db import connection

    tables = ("clusters_parentperiod", "clusters_organization", "clusters_organizationlink")
    postgresql = connection.vendor == "postgresql"
    before = {table: _vacuumed(table) if postgresql else 0 for table in tables}
    call_command("seed_scale", "--scale", "0.001", stdout=StringIO(), stderr=StringIO())
    for table in tables:
        assert _vacuumed(table) == before[table] + 1, table


@pytest.mark.django_db(transaction=True)
def test_the_benchs_rolled_back_import_leaves_the_tables_vacuumed():
    """`make bench`'s import is rolled back; the dead rows it leaves are vacuumed away, so that
    the next run measures the dataset as it was (PostgreSQL; nothing to do on SQLite)."""
    from django.db import connection

    from emulation.management.commands.bench_documents import bench_structure_import

    call_command("seed_scale", "--scale", "0.001", stdout=StringIO(), stderr=StringIO())
    tables = ("clusters_parentperiod", "clusters_organization")
    before = {table: _vacuumed(table) for table in tables}
    periods = ParentPeriod.objects.count()
    assert bench_structure_import(rows=20)["rows"] == 20
    assert ParentPeriod.objects.count() == periods
    if connection.vendor == "postgresql":
        for table in tables:
            assert _vacuumed(table) == before[table] + 1, table
