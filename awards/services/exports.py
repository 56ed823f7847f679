"""Downloads prepared in the background: an organiser's year or a cluster-year as one zip of
every document, and the organiser's overview.

An export is cut into parts – one per cluster-year, one for the overview – each a task
(`awards.tasks.build_export_part`) that any worker may run, so two workers prepare a year in
about half the time of one. Each part writes its files into the export's folder; the part that
finishes last packs them (a conditional update lets exactly one part do it). What the
requester may not read is left out and listed in DANH-SACH.txt with what could not be built.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import ClusterYear, Organization
from clusters.permissions import access_for, sees_all_results
from emulation.documents.base import DocumentError
from emulation.documents.pdf import render_pdf
from emulation.documents.registry import DocumentSpec, built_kinds, get_spec
from emulation.documents.xlsx import render_table_xlsx
from emulation.files import atomic_output

from ..models import Export, ExportKind, ExportStatus, Nomination, NominationStatus
from .notifications import notify

logger = logging.getLogger(__name__)

QUEUE = "exports"
OVERVIEW_PART = 0  # the overview's part; a cluster-year's part is its id
LISTING = "DANH-SACH.txt"
# Files already compressed (PDF streams, Office zips) are stored as they are: deflating them
# again costs time and saves nothing.
STORED = {".pdf", ".docx", ".xlsx"}


class ExportError(Exception):
    """An export that cannot start (no cluster that year); its message is for the user."""


def export_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def export_folder(export: Export) -> Path:
    return export_root() / str(export.pk)


def _parts_folder(export: Export) -> Path:
    return export_folder(export) / "parts"


# Starting -----------------------------------------------------------------------------------


def _cluster_years(organizer: Organization, year: int):
    return ClusterYear.objects.filter(cluster__organizer=organizer, year=year).order_by(
        "cluster__code"
    )


def plan(export: Export) -> list[int]:
    """The parts of an export: cluster-year ids, and OVERVIEW_PART for the overview."""
    if export.kind == ExportKind.CLUSTER_YEAR:
        return [export.cluster_year_id]
    if export.kind == ExportKind.OVERVIEW:
        return [OVERVIEW_PART]
    return [*_cluster_years(export.organizer, export.year).values_list("pk", flat=True)] + [
        OVERVIEW_PART
    ]


def start_export(
    user,
    kind: str,
    *,
    year: int,
    organizer: Organization | None = None,
    cluster_year: ClusterYear | None = None,
    format: str = "zip",
    on_commit: bool = True,
) -> Export:
    """Record the export and queue its parts. The caller has checked the rights. A caller
    outside any transaction that waits for the parts itself (export_year) passes
    on_commit=False."""
    from ..tasks import build_export_part

    if (
        kind in (ExportKind.YEAR, ExportKind.OVERVIEW)
        and not _cluster_years(organizer, year).exists()
    ):
        raise ExportError(
            _("%(organizer)s organised no emulation cluster in %(year)s.")
            % {"organizer": organizer.name, "year": year}
        )
    export = Export.objects.create(
        kind=kind,
        format=format,
        organizer=organizer,
        cluster_year=cluster_year,
        year=year,
        requested_by=user,
    )
    parts = plan(export)
    Export.objects.filter(pk=export.pk).update(parts_total=len(parts))

    def enqueue():
        for part in parts:
            build_export_part.using(queue_name=QUEUE).enqueue(str(export.pk), part)

    # The parts are queued once the export is committed: a worker never looks for one that
    # does not exist yet (and a test's immediate backend runs them here).
    if on_commit:
        transaction.on_commit(enqueue)
    else:
        enqueue()
    return export


# One part -----------------------------------------------------------------------------------


def _achievement_spec(unit: Organization) -> DocumentSpec:
    from ..documents.achievement import TEMPLATE, build_achievement

    return DocumentSpec(
        "achievement",
        "Báo cáo thành tích",
        lambda cy: build_achievement(cy, unit),
        TEMPLATE,
        ("pdf", "docx"),
    )


def _readable_kinds(user, cluster_year: ClusterYear) -> set[str]:
    """The documents of a cluster-year the user may read (its readers, see the views)."""
    from ..documents.common import review_meeting
    from ..views.minutes import can_read_minutes

    kinds = {"roster", "summary", "pact"}
    if sees_all_results(user, cluster_year):
        kinds |= {"results", "proposal"}
    meeting = review_meeting(cluster_year)
    if meeting is None or can_read_minutes(user, cluster_year, meeting):
        kinds.add("minutes")
    return kinds


def _write(folder: Path, name: str, content: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(content)
    os.replace(temporary, folder / name)


def _write_cluster_year(export: Export, cluster_year: ClusterYear) -> None:
    """Every document of the cluster-year (and each nominee's achievement report) into its
    folder; the ones the requester may not read, or that cannot be built, in `.skipped`."""
    user = export.requested_by
    everything = export.kind == ExportKind.YEAR or user is None
    readable = None if everything else _readable_kinds(user, cluster_year)
    all_results = everything or sees_all_results(user, cluster_year)
    own = set() if everything else access_for(user).officer_org_ids
    code = cluster_year.cluster.code
    folder = _parts_folder(export) / code
    folder.mkdir(parents=True, exist_ok=True)
    skipped = []
    jobs = []
    for kind in built_kinds():
        spec = get_spec(kind)
        if readable is not None and kind not in readable:
            reason = _("not among what you may read")
            skipped.append(f"{code}: {spec.label} – {reason}")
            continue
        jobs.append((kind, spec))
    nominees = (
        Organization.objects.filter(
            pk__in=Nomination.objects.filter(cluster_year=cluster_year)
            .exclude(status=NominationStatus.WITHDRAWN)
            .values("organization_id")
        )
        .prefetch_related("former_names")
        .order_by("code")
    )
    for unit in nominees:
        if all_results or unit.pk in own:
            jobs.append((f"achievement {unit.code}", _achievement_spec(unit)))
    for label, spec in jobs:
        try:
            document = spec.build(cluster_year)
        except DocumentError as error:
            skipped.append(f"{code} · {label}: {spec.label} – {error}")
            continue
        for fmt in spec.formats:
            _write(folder, f"{document.filename}.{fmt}", spec.render(document, fmt))
    if skipped:
        _write(folder, ".skipped", ("\n".join(skipped) + "\n").encode())


def _write_overview(export: Export) -> None:
    from ..documents.overview import TEMPLATE, build_overview

    document = build_overview(export.organizer, export.year)
    formats = ("pdf", "xlsx") if export.kind == ExportKind.YEAR else (export.format,)
    folder = _parts_folder(export)
    with translation.override("vi"):
        for fmt in formats:
            if fmt == "pdf":
                content = render_pdf(TEMPLATE, {"document": document})
            else:
                content = render_table_xlsx(document)
            _write(folder, f"{document.filename}.{fmt}", content)


def build_part(export_id: str, part: int) -> None:
    """Build one part; the last part to finish packs the export."""
    export = (
        Export.objects.select_related("organizer", "cluster_year__cluster", "requested_by")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status == ExportStatus.FAILED:
        return  # deleted, or another part failed: nothing to add to
    Export.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    try:
        # The documents are Vietnamese papers, and so is the zip's listing.
        with translation.override("vi"):
            if part == OVERVIEW_PART:
                _write_overview(export)
            else:
                cluster_year = ClusterYear.objects.select_related("cluster").get(pk=part)
                _write_cluster_year(export, cluster_year)
    except Exception as error:
        logger.exception("Export %s, part %s failed", export.pk, part)
        fail(export, error)
        return
    Export.objects.filter(pk=export.pk).update(parts_done=F("parts_done") + 1)
    last = Export.objects.filter(
        pk=export.pk, status=ExportStatus.RUNNING, parts_done=F("parts_total")
    ).update(status=ExportStatus.ASSEMBLING)
    if last:
        try:
            assemble(export)
        except Exception as error:
            logger.exception("Export %s could not be packed", export.pk)
            fail(export, error)


def fail(export: Export, error: Exception) -> None:
    updated = (
        Export.objects.filter(pk=export.pk)
        .exclude(status=ExportStatus.FAILED)
        .update(
            status=ExportStatus.FAILED,
            error=_(
                "The download could not be prepared (%(error)s). Try again, or tell the operator."
            )
            % {"error": type(error).__name__},
            finished_at=timezone.now(),
        )
    )
    shutil.rmtree(_parts_folder(export), ignore_errors=True)
    if updated:
        _tell(export, gettext_lazy("Your download could not be prepared: %(what)s."))


def _tell(export: Export, text: str) -> None:
    """The requester hears of a finished export in the app (and by e-mail): a year may take
    minutes, and the page need not stay open."""
    if export.requested_by_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [export.requested_by_id],
            str(text) % {"what": export.title},
            url=export.get_absolute_url(),
        )


# Packing ------------------------------------------------------------------------------------


def download_name(export: Export) -> str:
    if export.kind == ExportKind.CLUSTER_YEAR:
        return f"{export.cluster_year.cluster.code}-{export.year}.zip"
    if export.kind == ExportKind.OVERVIEW:  # the overview document's own name
        return f"tong-hop-cum-{export.organizer.code}-{export.year}.{export.format}"
    return f"{export.organizer.code}-{export.year}.zip"


def _listing(export: Export, files: list[Path], skipped: list[str]) -> str:
    if export.kind == ExportKind.CLUSTER_YEAR:
        title = f"{export.cluster_year.cluster.name} – năm {export.year}"
    else:
        title = f"{export.organizer.name} – năm {export.year}"
    lines = [title, f"{len(files)} tệp."]
    if skipped:
        lines += ["", "Không có trong tệp nén:"] + [f"- {line}" for line in skipped]
    return "\n".join(lines) + "\n"


def assemble(export: Export) -> None:
    parts = _parts_folder(export)
    target = export_folder(export) / download_name(export)
    if export.kind == ExportKind.OVERVIEW:
        (produced,) = [p for p in parts.iterdir() if not p.name.startswith(".")]
        os.replace(produced, target)
    else:
        files = sorted(p for p in parts.rglob("*") if p.is_file() and not p.name.startswith("."))
        skipped = []
        for note in sorted(parts.rglob(".skipped")):
            skipped += note.read_text().splitlines()
        with atomic_output(target, catch_sigterm=False) as temporary:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    compression = (
                        zipfile.ZIP_STORED if path.suffix in STORED else zipfile.ZIP_DEFLATED
                    )
                    archive.write(
                        path, path.relative_to(parts).as_posix(), compress_type=compression
                    )
                archive.writestr(LISTING, _listing(export, files, skipped))
    shutil.rmtree(parts, ignore_errors=True)
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        file=target.relative_to(settings.MEDIA_ROOT).as_posix(),
        size=target.stat().st_size,
        finished_at=timezone.now(),
    )
    _tell(export, gettext_lazy("Your download is ready: %(what)s."))


# Reading and pruning -----------------------------------------------------------------------


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)


def expires_on(export: Export) -> datetime.datetime:
    return export.created_at + retention()


def prune_exports(now: datetime.datetime | None = None) -> int:
    """Delete the exports older than the retention, with their files, and the queue's task
    records finished before then; returns how many exports."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - retention()
    old = list(Export.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    for pk in old:
        shutil.rmtree(export_root() / str(pk), ignore_errors=True)
    Export.objects.filter(pk__in=old).delete()
    DBTaskResult.objects.filter(queue_name=QUEUE, finished_at__lt=cutoff).delete()
    return len(old)
