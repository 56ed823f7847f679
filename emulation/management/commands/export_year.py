"""Write every document of an organiser's year into one zip, for the archive or for sending
upward:

    python manage.py export_year --organizer ldld-binh-thuan --year 2024 --output 2024.zip

One folder per cluster with each document in each of its formats; a document that cannot be
built from the data (e.g. no pact that year) is listed in DANH-SACH.txt instead. A progress bar
goes to the terminal (stderr). On error nothing is written and an existing file at the output
path is left untouched.
"""

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusters.models import ClusterYear, Organization
from emulation.documents.base import DocumentError
from emulation.documents.registry import DocumentSpec, built_kinds, get_spec
from emulation.files import atomic_output


def progress(done: int, total: int, label: str, stream) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    stream.write(f"\r[{bar}] {done}/{total} {label[:50]:<50}", ending="")
    stream.flush()


class Command(BaseCommand):
    help = "Write every document of an organiser's year (PDF, Word, Excel) into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("--organizer", required=True, help="the organiser's code")
        parser.add_argument("--year", required=True, type=int, help="the emulation year")
        parser.add_argument("--output", required=True, help="the .zip file to write")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, organizer, year, output, quiet=False, **options):
        found = Organization.objects.filter(code=organizer).first()
        if found is None:
            raise CommandError(_("Unknown organiser '%(code)s'.") % {"code": organizer})
        target = Path(output)
        if target.suffix.lower() != ".zip":
            raise CommandError(_("The output must be a .zip file."))
        if not target.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": target.parent}
            )
        cluster_years = list(
            ClusterYear.objects.filter(cluster__organizer=found, year=year)
            .select_related("cluster")
            .order_by("cluster__code")
        )
        if not cluster_years:
            raise CommandError(
                _("%(organizer)s has no cluster in %(year)s.")
                % {"organizer": found.name, "year": year}
            )
        from awards.documents.achievement import TEMPLATE as ACHIEVEMENT
        from awards.documents.achievement import build_achievement
        from awards.documents.overview import TEMPLATE as OVERVIEW
        from awards.documents.overview import build_overview
        from awards.models import Nomination, NominationStatus

        specs = [get_spec(kind) for kind in built_kinds()]
        jobs = [(cy, spec) for cy in cluster_years for spec in specs]
        # Each nominee's achievement report, in the folder of its cluster.
        nominees = list(
            Nomination.objects.filter(cluster_year__in=cluster_years)
            .exclude(status=NominationStatus.WITHDRAWN)
            .select_related("organization", "cluster_year__cluster")
            .order_by("cluster_year__cluster__code", "organization__code")
        )
        seen = set()
        for nomination in nominees:
            key = (nomination.cluster_year_id, nomination.organization_id)
            if key not in seen:
                seen.add(key)
                jobs.append((nomination.cluster_year, nomination.organization))
        stream = None if quiet else self.stderr
        written, skipped = 0, []
        with atomic_output(target) as temporary:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for index, (cluster_year, job) in enumerate(jobs, start=1):
                    code = cluster_year.cluster.code
                    if isinstance(job, Organization):  # an achievement report
                        label = f"{code} · {job.code}"
                        spec = DocumentSpec(
                            "achievement",
                            "Báo cáo thành tích",
                            lambda cy, unit=job: build_achievement(cy, unit),
                            ACHIEVEMENT,
                            ("pdf", "docx"),
                        )
                    else:
                        label, spec = f"{code} · {job.kind}", job
                    if stream:
                        progress(index - 1, len(jobs), label, stream)
                    try:
                        document = spec.build(cluster_year)
                    except DocumentError as error:
                        skipped.append(f"{label}: {spec.label} – {error}")
                        continue
                    for fmt in spec.formats:
                        content = spec.render(document, fmt)
                        archive.writestr(f"{code}/{document.filename}.{fmt}", content)
                        written += 1
                # The organiser's overview of the year, at the top of the zip.
                overview = DocumentSpec(
                    "overview",
                    "Tổng hợp kết quả các cụm",
                    lambda _: build_overview(found, year),
                    OVERVIEW,
                    ("pdf", "xlsx"),
                )
                document = overview.build(None)
                for fmt in overview.formats:
                    archive.writestr(f"{document.filename}.{fmt}", overview.render(document, fmt))
                    written += 1
                if stream:
                    progress(len(jobs), len(jobs), "", stream)
                    stream.write("")
                listing = [
                    f"{found.name} – năm {year}",
                    f"{written} tệp của {len(cluster_years)} cụm.",
                ]
                if skipped:
                    listing += ["", "Không lập được:"] + [f"- {line}" for line in skipped]
                archive.writestr("DANH-SACH.txt", "\n".join(listing) + "\n")
        self.stdout.write(
            _("Wrote %(path)s: %(count)s files of %(clusters)s clusters.")
            % {"path": target, "count": written, "clusters": len(cluster_years)}
        )
