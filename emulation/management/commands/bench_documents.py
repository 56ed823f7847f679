"""The figure to watch for the printed documents, as JSON on stdout (`make bench`):

* the median time of the summary report's PDF through the application – the request to its
  view with the database, the document's data, the template and WeasyPrint;
* in the same run, the median time of WeasyPrint alone on the same HTML;
* their ratio: what the application adds around the PDF engine.

Medians of several runs after a warm-up; a benchmark to read, never a test that fails on time.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusters.models import ClusterYear
from emulation.documents.pdf import DOCUMENT_BASE_URL, _fetcher_class
from emulation.documents.registry import get_spec

URL_NAMES = {"summary": "awards:summary_pdf", "minutes": "awards:minutes_pdf"}


def median_seconds_side_by_side(first, second, runs: int) -> tuple[float, float]:
    """The medians of `first` and `second`, run in turns (first, second, first, …) so that
    whatever else the machine does weighs on both alike – measured one after the other, a
    busy minute during either made their ratio swing between 0.8 and 1.5."""
    first()  # warm-up: templates, fonts, caches
    second()
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for index, action in enumerate((first, second)):
            start = time.perf_counter()
            action()
            times[index].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def bench_structure_import(rows: int) -> dict:
    """5,000 new units under a province through the structure import (preview, then the
    import itself), rolled back afterwards so that the benchmark leaves the data as it was."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from clusters.models import Officer, OfficerRole
    from clusters.services.structure_import import plan_import

    officer = (
        Officer.objects.filter(role__in=[OfficerRole.MANAGER, OfficerRole.STAFF])
        .filter(organization__kind="provincial", organization__valid_to__isnull=True)
        .select_related("user", "organization")
        .first()
    )
    if officer is None:
        raise CommandError("No provincial staff to import with: run seed_demo first.")
    province = officer.organization.code
    lines = ["Mã đơn vị,Tên đơn vị,Loại hình,Mã đơn vị cấp trên,Từ ngày,Địa bàn,Khối"]
    lines += [
        f"bench-cdcs-{n:05d},Công đoàn cơ sở Thử tải Số {n},Công đoàn cơ sở,{province},"
        f"01/01/2026,Thử tải,Sản xuất - kinh doanh"
        for n in range(rows)
    ]
    content = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    with transaction.atomic():
        preview = plan_import(SimpleUploadedFile("u.csv", content), user=officer.user)
        plan = plan_import(SimpleUploadedFile("u.csv", content), user=officer.user, write=True)
        transaction.set_rollback(True)
    seconds = time.perf_counter() - started
    _vacuum_after_import()
    if not (preview.ok and plan.written and plan.created_count == rows):
        raise CommandError(f"The benchmark import failed: {plan.errors or plan.error_rows[:3]}")
    return {"name": "structure", "rows": rows, "seconds": round(seconds, 2)}


def _vacuum_after_import() -> None:
    """The rolled-back import leaves its rows dead in the pages of the tables it wrote, whose
    lists then read from the table what they read from an index alone until autovacuum
    passes – which 5,000 rows of 125,000 do not call for. Vacuumed here (PostgreSQL), so that
    the next run measures the dataset as it was."""
    from django.db import connection

    from clusters.models import Organization, OrganizationLink, ParentPeriod
    from emulation.scale.bulk import refresh_tables

    if connection.vendor != "postgresql":
        return
    models = [Organization, ParentPeriod, OrganizationLink]
    models += [Organization.history.model, ParentPeriod.history.model]
    refresh_tables([model._meta.db_table for model in models])


class Command(BaseCommand):
    help = "Median render time of a document's PDF through the app and by WeasyPrint alone."

    def add_arguments(self, parser):
        parser.add_argument("--kind", default="summary", choices=sorted(URL_NAMES))
        parser.add_argument("--cluster", default="binh-thuan-1")
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument(
            "--import-rows", type=int, default=5000, help="units of the import's benchmark"
        )

    def handle(self, *args, kind, cluster, year, runs, import_rows, **options):
        from weasyprint import HTML

        cluster_year = ClusterYear.objects.filter(cluster__code=cluster, year=year).first()
        if cluster_year is None:
            raise CommandError(f"No cluster-year {cluster} {year}: run seed_demo first.")
        reader = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
        if reader is None:
            raise CommandError("No administrator to read the document: run seed_demo first.")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(reader)
        url = reverse(URL_NAMES[kind], args=[cluster, year])

        def through_the_app():
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")

        spec = get_spec(kind)
        with translation.override("vi"):
            html = render_to_string(
                spec.template, {"document": spec.build(cluster_year), "for_pdf": True}
            )

        def weasyprint_alone():
            HTML(
                string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=_fetcher_class()()
            ).write_pdf()

        app, engine = median_seconds_side_by_side(through_the_app, weasyprint_alone, runs)
        result = {
            "documents": [
                {
                    "name": kind,
                    "cluster": cluster,
                    "year": year,
                    "members": cluster_year.memberships.count(),
                    "runs": runs,
                    "app_seconds": round(app, 4),
                    "weasyprint_seconds": round(engine, 4),
                    "ratio": round(app / engine, 3),
                }
            ],
            "imports": [bench_structure_import(rows=import_rows)],
        }
        self.stdout.write(json.dumps(result))
