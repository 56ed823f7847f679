"""The organiser's overview of a year (tổng hợp kết quả các cụm): a page to choose the organiser
and the year with the table; its PDF and its XLSX are prepared in the background
(awards.views.exports).

For the staff who keep the organiser's clusters: a user who keeps none gets 403, an organiser
outside the ones the user keeps 404. Paginated by cluster, counted from the stored totals: a
constant number of queries whatever the clusters.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from clusters.models import ClusterYear, year_end
from clusters.views.base import choose_organizer_and_year
from emulation.documents.base import DocumentError

from ..documents.overview import build_overview
from ..permissions import decision_organizers, keeps_clusters


def _default_year(organizer) -> int:
    """The last year already over in which the organiser ran clusters (its reviews and
    awards come after the year), else its latest year."""
    this_year = timezone.localdate().year
    if organizer is None:
        return this_year - 1
    years = set(
        ClusterYear.objects.filter(cluster__organizer=organizer)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    past = [year for year in years if year < this_year]
    if past:
        return max(past)
    return max(years) if years else this_year - 1


def _chosen(request):
    user = request.user
    if not keeps_clusters(user):
        raise PermissionDenied
    organizers = decision_organizers(user).order_by("name")
    organizer, year = choose_organizer_and_year(request, organizers, _default_year)
    return organizers, organizer, year


@login_required
def overview(request):
    organizers, organizer, year = _chosen(request)
    document = None
    error = ""
    if organizer is not None:
        try:
            # The page shows the clusters a page at a time; the files hold them all.
            document = build_overview(organizer, year, page=request.GET.get("page") or 1)
        except DocumentError as exc:
            error = str(exc)
    query = f"organizer={organizer.code}&year={year}" if organizer is not None else ""
    return render(
        request,
        "awards/overview.html",
        {
            "organizers": organizers,
            "organizer": organizer,
            "organizer_name": organizer.name_on(year_end(year)) if organizer else "",
            "year": year,
            "document": document,
            "error": error,
            "query": query,
            "page": document.page if document else None,
        },
    )
