"""The fairness view: per cluster, which unit received which award over the years – a form
passed round the members one after the other stands out – and each unit's gap between its
self-assessed and verified totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from clusters.models import AnnualResult, Cluster, ClusterYear, Membership, Organization, year_end
from clusters.permissions import access_for, remembered
from emulation.pagination import page_of
from emulation.text import vi_sort_key

from ..models import (
    Award,
    AwardStatus,
    Nomination,
    NominationStatus,
)
from ..permissions import (
    decision_organizers,
    decision_organizers_among,
    keeps_clusters,
)

ROTATION_RUN = 3  # consecutive years that make a rotation
CLUSTERS_PER_PAGE = 10


@dataclass
class Cell:
    member: bool = False
    exists: bool = True
    awards: list = field(default_factory=list)  # award types in force
    proposals: list = field(default_factory=list)  # (award type label, status label)
    rotating: bool = False


@dataclass
class UnitRow:
    organization_id: int
    name: str
    cells: list


@dataclass
class Rotation:
    award_type: object
    years: list
    units: list


@dataclass
class ClusterPattern:
    cluster: object
    rows: list
    rotations: list


@dataclass
class GapRow:
    name: str
    clusters: list
    cells: list  # per year: (self, verified, gap) or None
    average: Decimal | None


def rotation_runs(recipients_by_year: dict[int, set], years: list[int]) -> list[int]:
    """The years of the longest run of consecutive years in which the award went only to
    units that had not received it before in the span (empty when shorter than
    ROTATION_RUN)."""
    seen: set = set()
    best: list[int] = []
    run: list[int] = []
    for year in years:
        units = recipients_by_year.get(year) or set()
        if units and not units & seen:
            run.append(year)
        else:
            run = []
        seen |= units
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= ROTATION_RUN else []


def _span(request, data_years: list[int]) -> tuple[int, int]:
    """The span of years asked for, or the last five years with data (up to this year)."""
    this_year = timezone.localdate().year
    past = [y for y in data_years if y <= this_year] or data_years
    recent = past[-5:] if past else [this_year]
    first, last = recent[0], recent[-1]
    raw_first, raw_last = request.GET.get("from", ""), request.GET.get("to", "")
    if raw_first.isdigit():
        first = int(raw_first)
    if raw_last.isdigit():
        last = int(raw_last)
    if first > last:
        first, last = last, first
    if not (2000 <= first <= 2100 and 2000 <= last <= 2100):
        raise Http404
    return max(first, last - 14), last


def _chosen_organizer(user, code: str | None) -> Organization | None:
    """The organiser asked for (404 unless the user records its decisions), or else the one
    with the most nominations on record among those it records, so the page opens on data."""
    if code:
        organizer = Organization.objects.filter(code=code).first()
        if organizer is None or not decision_organizers_among(user, {organizer.pk}):
            raise Http404
        return organizer

    def most_nominated(organizers):
        """(pk, nominations) of the first of `organizers` by nominations, then name."""
        return (
            organizers.annotate(n=Count("organized_clusters__years__nominations"))
            .order_by("-n", "name", "pk")
            .values_list("pk", "n")
            .first()
        )

    # Among the 50 organisers with the most nominations and the user's own organisations,
    # those it records; exact when the best of them has more nominations than any organiser
    # left out could have (the 50th's count), else asked of all it records (rare).
    # Counted over every nomination of the country (20 ms at national size): kept in the cache
    # as the rights are (DJANGO_RIGHTS_SECONDS) – it only picks the organiser the page opens on.
    counts = remembered(
        "emulation:fairness:most-nominated",
        lambda: list(
            Nomination.objects.values("cluster_year__cluster__organizer")
            .annotate(n=Count("pk"))
            .order_by("-n", "cluster_year__cluster__organizer")[:50]
        ),
    )
    count_of = {row["cluster_year__cluster__organizer"]: row["n"] for row in counts}
    floor = counts[-1]["n"] if len(counts) == 50 else 0
    candidates = decision_organizers_among(user, set(count_of) | access_for(user).staff_root_ids)
    # The candidates' counts are those kept (counted again, the confederation's 50 took 13 ms):
    # the page may open on the organiser that led up to the cache's time ago, as the 50 were
    # already chosen. One left out of the 50 had no more than the floor.
    most = max((count_of[pk] for pk in candidates if pk in count_of), default=0)
    if most > floor:
        tied = [pk for pk in candidates if count_of.get(pk) == most]
        return Organization.objects.filter(pk__in=tied).order_by("name", "pk").first()
    best = most_nominated(decision_organizers(user))
    return Organization.objects.get(pk=best[0]) if best else None


@login_required
def fairness(request):
    """Công bằng trong khen thưởng: per cluster, who received what year after year (and who
    was proposed), rotations marked; per unit, how far its self-scores stand above the
    verified ones. Paginated by cluster: each page holds the member × year grids of a few
    clusters and the gaps of their units, in a constant number of queries."""
    user = request.user
    if not keeps_clusters(user):
        raise PermissionDenied
    organizer = _chosen_organizer(user, request.GET.get("organizer"))
    context = {"organizer": organizer, "rotation_run": ROTATION_RUN}
    if organizer is None:
        return render(request, "awards/register/fairness.html", context)

    # The organiser is one whose clusters the user keeps: every year of them is in scope.
    scope = ClusterYear.objects.filter(cluster__organizer=organizer)
    data_years = sorted(set(scope.order_by().values_list("year", flat=True).distinct()))
    first, last = _span(request, data_years)
    years = list(range(first, last + 1))
    in_span = scope.filter(year__gte=first, year__lte=last)
    page = page_of(
        Cluster.objects.filter(pk__in=in_span.values("cluster_id")).order_by(
            "kind", "number", "pk"
        ),
        request.GET.get("page"),
        CLUSTERS_PER_PAGE,
    )
    cluster_years = list(
        in_span.filter(cluster__in=[c.pk for c in page])
        .select_related("cluster")
        .order_by("cluster__kind", "cluster__number", "year")
    )
    ids = [cy.pk for cy in cluster_years]
    year_of = {cy.pk: cy.year for cy in cluster_years}
    cluster_of = {cy.pk: cy.cluster_id for cy in cluster_years}
    clusters: dict[int, object] = {c.pk: c for c in page}
    cluster_years_of: dict[int, set[int]] = defaultdict(set)
    for cy in cluster_years:
        cluster_years_of[cy.cluster_id].add(cy.year)

    members: dict[int, set] = defaultdict(set)  # cluster id → {(org, year)}
    # Without the models' ordering, which joined four tables to sort rows read into dicts.
    for cy_id, org_id in (
        Membership.objects.filter(cluster_year_id__in=ids)
        .order_by()
        .values_list("cluster_year_id", "organization_id")
    ):
        members[cluster_of[cy_id]].add((org_id, year_of[cy_id]))
    awards = list(
        Award.objects.filter(cluster_year_id__in=ids, status=AwardStatus.ACTIVE).select_related(
            "award_type"
        )
    )
    awarded_nominations = {a.nomination_id for a in awards}
    nominations = [
        n
        for n in Nomination.objects.filter(cluster_year_id__in=ids)
        .exclude(status=NominationStatus.WITHDRAWN)
        .select_related("award_type")
        if n.pk not in awarded_nominations
    ]
    # In the order the page lists the cluster-years (a unit's first result of a year is the
    # one its gaps show), sorted here rather than by the models' ordering and its four joins.
    listed = {pk: position for position, pk in enumerate(ids)}
    results = sorted(
        AnnualResult.objects.filter(cluster_year_id__in=ids)
        .order_by()
        .values_list("cluster_year_id", "organization_id", "self_total", "verified_total"),
        key=lambda row: listed[row[0]],
    )
    unit_ids = {org for pairs in members.values() for org, _y in pairs}
    unit_ids |= {a.organization_id for a in awards} | {n.organization_id for n in nominations}
    unit_ids |= {org for _cy, org, _s, _v in results}
    names = Organization.objects.filter(pk__in=unit_ids).names_on(year_end(last))

    # The awards and proposals per cluster, unit and year.
    given: dict[tuple, list] = defaultdict(list)
    proposed: dict[tuple, list] = defaultdict(list)
    recipients: dict[tuple, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    award_types: dict[int, object] = {}
    for award in awards:
        cluster_id, year = cluster_of[award.cluster_year_id], year_of[award.cluster_year_id]
        given[(cluster_id, award.organization_id, year)].append(award.award_type)
        recipients[(cluster_id, award.award_type_id)][year].add(award.organization_id)
        award_types[award.award_type_id] = award.award_type
    for nomination in nominations:
        key = (
            cluster_of[nomination.cluster_year_id],
            nomination.organization_id,
            year_of[nomination.cluster_year_id],
        )
        proposed[key].append((nomination.award_type.label, nomination.get_status_display()))

    patterns = []
    for cluster_id, cluster in clusters.items():
        rotations, rotating_cells = [], set()
        for (c_id, type_id), by_year in recipients.items():
            if c_id != cluster_id:
                continue
            # A year without the award (or without the cluster) breaks the run.
            run = rotation_runs(by_year, years)
            if run:
                units = [names.get(org, "") for y in run for org in sorted(by_year[y])]
                rotations.append(Rotation(award_types[type_id], run, units))
                rotating_cells |= {(org, y) for y in run for org in by_year[y]}
        rotations.sort(key=lambda r: (r.award_type.order, r.award_type.name))
        unit_set = {org for org, _y in members[cluster_id]}
        unit_set |= {org for (c_id, org, _y) in list(given) + list(proposed) if c_id == cluster_id}
        rows = []
        for org in sorted(unit_set, key=lambda o: vi_sort_key(names.get(o, ""))):
            cells = []
            for year in years:
                key = (cluster_id, org, year)
                cells.append(
                    Cell(
                        member=(org, year) in members[cluster_id],
                        exists=year in cluster_years_of[cluster_id],
                        awards=given.get(key, []),
                        proposals=proposed.get(key, []),
                        rotating=(org, year) in rotating_cells,
                    )
                )
            rows.append(UnitRow(org, names.get(org, ""), cells))
        patterns.append(ClusterPattern(cluster, rows, rotations))

    context.update(
        page=page,
        years=years,
        first=first,
        last=last,
        data_years=data_years,
        patterns=patterns,
        gaps=_gap_rows(results, years, year_of, cluster_of, clusters, names),
    )
    return render(request, "awards/register/fairness.html", context)


def _gap_rows(results, years, year_of, cluster_of, clusters, names) -> list[GapRow]:
    """Self-assessed against verified totals per unit and year; the largest average gap
    (self above verified) first."""
    by_unit: dict[int, dict[int, tuple]] = defaultdict(dict)
    unit_clusters: dict[int, set] = defaultdict(set)
    for cy_id, org, self_total, verified_total in results:
        if self_total is None or verified_total is None:
            continue
        year = year_of[cy_id]
        by_unit[org].setdefault(year, (self_total, verified_total, self_total - verified_total))
        unit_clusters[org].add(cluster_of[cy_id])
    rows = []
    for org, per_year in by_unit.items():
        gaps = [gap for _s, _v, gap in per_year.values()]
        average = sum(gaps, Decimal(0)) / len(gaps)
        rows.append(
            GapRow(
                names.get(org, ""),
                sorted((clusters[c].name for c in unit_clusters[org]), key=vi_sort_key),
                [per_year.get(year) for year in years],
                average.quantize(Decimal("0.01")),
            )
        )
    rows.sort(key=lambda row: (-row.average, vi_sort_key(row.name)))
    return rows
