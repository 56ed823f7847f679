"""Downloads prepared in the background: start one (an organiser's year or overview for the
staff who keep its clusters, a cluster-year's documents for its readers), follow its progress,
fetch the file.

An export is its requester's own: another user gets 404 on its page and its file, and so does
the requester once the rights it was asked under are gone – the file is served through the same
rules as the documents, never from a public media URL.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clusters.permissions import cluster_year_rule, cluster_years_for
from clusters.views.base import choose_organizer_and_year

from ..models import Export, ExportKind, ExportStatus
from ..permissions import decision_organizers, keeps_clusters
from ..services.exports import (
    ExportError,
    download_name,
    expires_on,
    start_export,
)
from .overview import _default_year


def _may_read(user, export: Export) -> bool:
    """The requester, while it still holds the rights the export was asked under."""
    if export.requested_by_id != user.pk:
        return False
    if export.kind == ExportKind.CLUSTER_YEAR:
        return cluster_years_for(user).filter(pk=export.cluster_year_id).exists()
    return decision_organizers(user).filter(pk=export.organizer_id).exists()


def _export_or_404(request, pk) -> Export:
    export = get_object_or_404(
        Export.objects.select_related("organizer", "cluster_year__cluster"), pk=pk
    )
    if not _may_read(request.user, export):
        raise Http404
    return export


@login_required
@require_POST
def export_organizer_start(request):
    """The organiser's year as one zip (kind=year), or its overview as a PDF or an Excel
    file (kind=overview, format=pdf|xlsx): for the staff who keep its clusters."""
    if not keeps_clusters(request.user):
        raise PermissionDenied
    organizer, year = choose_organizer_and_year(
        request, decision_organizers(request.user), _default_year
    )
    if organizer is None:
        raise Http404
    kind = request.POST.get("kind")
    format = request.POST.get("format", "zip")
    if kind == ExportKind.OVERVIEW and format in ("pdf", "xlsx"):
        pass
    elif kind == ExportKind.YEAR:
        format = "zip"
    else:
        raise Http404
    try:
        export = start_export(request.user, kind, year=year, organizer=organizer, format=format)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('awards:overview')}?organizer={organizer.code}&year={year}")
    return redirect(export)


@login_required
@require_POST
@cluster_year_rule(None)
def export_cluster_year_start(request, cluster_year):
    """Every document of the cluster-year its reader may read, as one zip."""
    export = start_export(
        request.user, ExportKind.CLUSTER_YEAR, year=cluster_year.year, cluster_year=cluster_year
    )
    return redirect(export)


@login_required
def export_list(request):
    """The user's own downloads, newest first, for as long as they are kept."""
    exports = Export.objects.filter(requested_by=request.user).select_related(
        "organizer", "cluster_year__cluster"
    )
    page = Paginator(exports, 25).get_page(request.GET.get("page"))
    for export in page:
        export.expires_on = expires_on(export)
    return render(
        request,
        "awards/exports/export_list.html",
        {"page": page, "retention_days": settings.EXPORT_RETENTION_DAYS},
    )


@login_required
def export_detail(request, pk):
    export = _export_or_404(request, pk)
    export.expires_on = expires_on(export)
    template = (
        "awards/exports/partials/export_progress.html"
        if request.htmx
        else "awards/exports/export_detail.html"
    )
    return render(request, template, {"export": export, "name": download_name(export)})


@login_required
def export_download(request, pk):
    export = _export_or_404(request, pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    path = Path(export.file.path)
    if not path.is_file():  # pruned meanwhile
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=download_name(export))
