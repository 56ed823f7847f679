"""Write one document of a cluster-year to a file, for scripts and for checking a print run
without the browser:

    python manage.py export_document roster --cluster binh-thuan-1 --year 2024 --output r.pdf

The format follows the extension of the output. On any error nothing is written and an
existing file at the output path is left untouched.
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusters.models import Cluster, ClusterYear
from emulation.documents.registry import KINDS, built_kinds, get_spec


class Command(BaseCommand):
    help = "Write one document of a cluster-year (PDF, XLSX, DOCX by the output's extension)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(KINDS)}")
        parser.add_argument(
            "--cluster", required=True, help="the cluster's code, e.g. binh-thuan-1"
        )
        parser.add_argument("--year", required=True, type=int, help="the emulation year")
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, kind, cluster, year, output, **options):
        spec = get_spec(kind)
        if spec is None:
            if kind in KINDS:
                raise CommandError(
                    f"The document '{kind}' is not built yet. Available: {', '.join(built_kinds())}."
                )
            raise CommandError(f"Unknown document '{kind}'. Available: {', '.join(built_kinds())}.")
        target = Path(output)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in spec.formats:
            raise CommandError(
                f"The document '{kind}' has no format '{target.suffix or '(none)'}'. "
                f"Available: {', '.join('.' + f for f in spec.formats)}."
            )
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            codes = ", ".join(Cluster.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"Unknown cluster '{cluster}'. Available: {codes or '(none)'}.")
        cluster_year = ClusterYear.objects.filter(cluster=found, year=year).first()
        if cluster_year is None:
            years = ", ".join(
                str(y) for y in found.years.order_by("year").values_list("year", flat=True)
            )
            raise CommandError(
                f"Cluster '{cluster}' has no year {year}. Available: {years or '(none)'}."
            )
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise CommandError(f"The folder '{folder}' does not exist.")
        content = spec.render(spec.build(cluster_year), fmt)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Wrote {target} ({len(content)} bytes).")
