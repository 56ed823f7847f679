"""Write one document of a cluster-year to a file, for scripts and for checking a print run
without the browser:

    python manage.py export_document roster --cluster binh-thuan-1 --year 2024 --output r.pdf

The format follows the extension of the output; without --output the document's PDF is written
under its own name in the current folder (bao-cao-tong-ket-binh-thuan-1-2024.pdf). On any error nothing is written and an
existing file at the output path is left untouched.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusters.models import Cluster, ClusterYear
from emulation.documents.base import DocumentError
from emulation.documents.registry import KINDS, built_kinds, get_spec
from emulation.files import atomic_output


class Command(BaseCommand):
    help = "Write one document of a cluster-year (PDF, XLSX, DOCX by the output's extension)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(KINDS)}")
        parser.add_argument(
            "--cluster", required=True, help="the cluster's code, e.g. binh-thuan-1"
        )
        parser.add_argument("--year", required=True, type=int, help="the emulation year")
        parser.add_argument(
            "--output", help="the file to write (default: the document's name, as PDF)"
        )

    def handle(self, *args, kind, cluster, year, output, **options):
        spec = get_spec(kind)
        if spec is None:
            if kind in KINDS:
                raise CommandError(
                    _("The document '%(kind)s' is not built yet. Available: %(available)s.")
                    % {"kind": kind, "available": ", ".join(built_kinds())}
                )
            raise CommandError(
                _("Unknown document '%(kind)s'. Available: %(available)s.")
                % {"kind": kind, "available": ", ".join(built_kinds())}
            )
        target = Path(output) if output else None
        fmt = target.suffix.lower().lstrip(".") if target else spec.formats[0]
        if fmt not in spec.formats:
            raise CommandError(
                _("The document '%(kind)s' has no format '%(format)s'. Available: %(available)s.")
                % {
                    "kind": kind,
                    "format": (target.suffix if target else "") or _("(none)"),
                    "available": ", ".join("." + f for f in spec.formats),
                }
            )
        found = Cluster.objects.filter(code=cluster).first()
        if found is None:
            codes = ", ".join(Cluster.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(
                _("Unknown cluster '%(code)s'. Available: %(available)s.")
                % {"code": cluster, "available": codes or _("(none)")}
            )
        cluster_year = ClusterYear.objects.filter(cluster=found, year=year).first()
        if cluster_year is None:
            years = ", ".join(
                str(y) for y in found.years.order_by("year").values_list("year", flat=True)
            )
            raise CommandError(
                _("Cluster '%(code)s' has no year %(year)s. Available: %(available)s.")
                % {"code": cluster, "year": year, "available": years or _("(none)")}
            )
        if target is not None:
            folder = target.parent if str(target.parent) else Path(".")
            if not folder.is_dir():
                raise CommandError(
                    _("The folder '%(folder)s' does not exist.") % {"folder": folder}
                )
        try:
            document = spec.build(cluster_year)
            content = spec.render(document, fmt)
        except DocumentError as error:
            raise CommandError(str(error)) from error
        if target is None:
            target = Path(f"{document.filename}.{fmt}")
        with atomic_output(target) as temporary:
            temporary.write_bytes(content)
        self.stdout.write(
            _("Wrote %(path)s (%(size)s bytes).") % {"path": target, "size": len(content)}
        )
