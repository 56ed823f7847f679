"""The organiser's overview of a year (tổng hợp kết quả các cụm): every cluster it organised
that year with its head, its members, its results, its proposals and the awards decided – one
table, printed as A4 landscape PDF and as XLSX from the same data.

Built in a constant number of queries whatever the number of clusters: the results of all the
clusters are scored together (the organiser's one programme of the year), the proposals and
awards are counted in the database.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import (
    AnnualResult,
    ClusterKind,
    ClusterYear,
    EmulationProgram,
    IndicatorValue,
    Level,
    Membership,
    Organization,
    OrganizationKind,
    ParentPeriod,
    ResultStatus,
    ScoreEntry,
    as_of_day,
    member_at_end,
    year_end,
)
from clusters.services.scoring import competition_ranks, compute_totals, load_table, tie_break_key
from emulation.documents.admin_format import BLANK_NUMBER, count_text
from emulation.documents.base import AdminHeader, Column, DocumentError, Signature, TableDocument
from emulation.pagination import page_of
from emulation.text import format_number, vi_sort_key

from ..models import Award, AwardStatus, Decision, Nomination, NominationStatus

TEMPLATE = "awards/documents/overview.html"
CLUSTERS_PER_PAGE = 50  # on the page; the PDF and the XLSX hold every cluster


@dataclass
class DecisionLine:
    number: str
    signed_on: str
    signer: str
    signer_title: str
    awards: int
    revoked: int


@dataclass
class OverviewDocument(TableDocument):
    """The table with what the page and the notes need besides."""

    organizer_name: str = ""
    year: int = 0
    cluster_count: int = 0
    decisions: list[DecisionLine] = field(default_factory=list)
    page: Page | None = None  # the page of clusters shown, None for the whole table


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _nomination_lines(counts: dict[tuple, int]) -> list[str]:
    """ "Cờ thi đua: 1 (đã khen thưởng 1)" per form, in the forms' order."""
    by_form: dict[tuple, Counter] = defaultdict(Counter)
    for (order, label, status), n in counts.items():
        by_form[(order, label)][status] += n
    lines = []
    for (_order, label), statuses in sorted(
        by_form.items(), key=lambda item: (item[0][0], vi_sort_key(item[0][1]))
    ):
        ordered = sorted(statuses.items(), key=lambda item: NominationStatus.values.index(item[0]))
        if len(ordered) == 1:
            parts = _lower_first(str(NominationStatus(ordered[0][0]).label))
        else:
            parts = ", ".join(
                f"{_lower_first(str(NominationStatus(status).label))} {n}" for status, n in ordered
            )
        lines.append(f"{label}: {sum(statuses.values())} ({parts})")
    return lines


def _top_units(cluster_years, organizer, year) -> dict[int, tuple]:
    """{cluster-year id: (organisation ids ranked first, their verified total)} from the
    stored verified totals of the members at the year's end; units tied on the best total
    are told apart by the programme's tie-break as `clusters.services.cluster_standings`
    does – scores are read for those units only, in a few queries whatever the clusters."""
    best = {cy.pk: cy.top_total for cy in cluster_years if cy.top_total is not None}
    if not best:
        return {}
    leaders: dict[int, list] = defaultdict(list)
    condition = Q()
    for cluster_year_id, total in best.items():
        condition |= Q(cluster_year_id=cluster_year_id, verified_total=total)
    for result in (
        AnnualResult.objects.filter(condition)
        .annotate(as_of_day=as_of_day("cluster_year__"))
        .filter(member_at_end())
        .order_by("pk")
    ):
        leaders[result.cluster_year_id].append(result)
    tied = [r for results in leaders.values() if len(results) > 1 for r in results]
    ranks: dict[int, int] = {}
    program = (
        EmulationProgram.objects.filter(organizer=organizer, year=year).first() if tied else None
    )
    if program is not None:
        table = load_table(program)
        scores: dict[int, dict] = defaultdict(dict)
        values: dict[int, dict] = defaultdict(dict)
        tied_ids = [r.pk for r in tied]
        for entry in ScoreEntry.objects.filter(result_id__in=tied_ids):
            scores[entry.result_id][entry.criterion_id] = entry
        for value in IndicatorValue.objects.filter(result_id__in=tied_ids):
            values[value.result_id][value.indicator_id] = value
        for results in leaders.values():
            if len(results) < 2:
                continue
            keys = []
            for result in results:
                totals = compute_totals(table, scores[result.pk], values[result.pk], "verified")
                keys.append((result.pk, tie_break_key(table, totals, values[result.pk])))
            ranks |= competition_ranks(keys)
    return {
        cluster_year_id: (
            [r.organization_id for r in results if ranks.get(r.pk, 1) == 1],
            best[cluster_year_id],
        )
        for cluster_year_id, results in leaders.items()
    }


def _header(
    organizer: Organization, year: int, printed_on: datetime.date | None
) -> tuple[AdminHeader, str]:
    """The organiser's own header, as named in the year, and its parent's name."""
    as_of = year_end(year)
    parent = ParentPeriod.objects.parents_on([organizer.pk], as_of).get(organizer.pk)
    parent_name = parent.name_on(as_of) if parent else ""
    day = printed_on or timezone.localdate()
    # An organisation that has ended issues nothing after its last day.
    if organizer.valid_to and organizer.valid_to < day:
        day = organizer.valid_to
    suffix = "TLĐ" if organizer.kind == OrganizationKind.CONFEDERATION else "LĐLĐ"
    header = AdminHeader(
        parent_line=parent_name.upper(),
        issuer_line=organizer.name_on(as_of).upper(),
        place=organizer.locality,
        date=day,
        number=f"{BLANK_NUMBER}/BC-{suffix}",
    )
    return header, parent_name


def _cluster_years(organizer: Organization, year: int):
    """The organiser's cluster-years of the year with their counts from the stored results:
    members at the year's end, results verified (or locked) among them, HTXSNV among those
    (the final classification, else the suggested one) and the best verified total."""
    at_end = (
        AnnualResult.objects.filter(cluster_year=OuterRef("pk"))
        .annotate(as_of_day=as_of_day("cluster_year__"))
        .filter(member_at_end())
        .order_by()
        .values("cluster_year")
    )
    done = Q(status__in=[ResultStatus.VERIFIED, ResultStatus.LOCKED])
    excellent = Q(level=Level.EXCELLENT) | Q(level="", suggested_level=Level.EXCELLENT)

    def count(condition):
        return Coalesce(Subquery(at_end.filter(condition).annotate(n=Count("pk")).values("n")), 0)

    return (
        ClusterYear.objects.filter(cluster__organizer=organizer, year=year)
        .select_related("cluster")
        .with_names()
        .with_member_count()
        .annotate(
            verified_count=count(done),
            excellent_count=count(done & excellent),
            top_total=Subquery(
                at_end.filter(verified_total__isnull=False)
                .annotate(best=Max("verified_total"))
                .values("best")
            ),
        )
        .order_by("cluster__kind", "cluster__number", "cluster__name", "pk")
    )


@translation.override("vi")
def build_overview(
    organizer: Organization,
    year: int,
    *,
    printed_on: datetime.date | None = None,
    page: str | int | None = None,
) -> OverviewDocument:
    """Every cluster (and bloc) of `organizer` in `year` – or, with `page`, the clusters of
    that page of the table, the totals still of them all; DocumentError when it organised
    none that year. Counted from the stored totals and classifications, in a constant
    number of queries."""
    organizer = Organization.objects.prefetch_related("former_names").get(pk=organizer.pk)
    organizer_name = organizer.name_on(year_end(year))
    every = _cluster_years(organizer, year)
    paginated = None
    if page is not None:
        paginated = page_of(every, page, CLUSTERS_PER_PAGE)
        cluster_years = list(paginated)
        cluster_count = paginated.paginator.count
    else:
        cluster_years = list(every)
        cluster_count = len(cluster_years)
    if not cluster_years:
        raise DocumentError(
            _("%(organizer)s organised no emulation cluster in %(year)s.")
            % {"organizer": organizer_name, "year": year}
        )
    ids = [cy.pk for cy in cluster_years]
    in_year = ClusterYear.objects.filter(cluster__organizer=organizer, year=year)

    top = _top_units(cluster_years, organizer, year)
    top_ids = {org_id for org_ids, _total in top.values() for org_id in org_ids}
    units = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=top_ids).prefetch_related("former_names")
    }

    nomination_counts: dict[int, dict] = defaultdict(dict)
    form_totals: dict[tuple, int] = defaultdict(int)
    for row in (
        Nomination.objects.filter(cluster_year__in=in_year)
        .exclude(status=NominationStatus.WITHDRAWN)
        .values(
            "cluster_year_id",
            "status",
            "award_type__order",
            "award_type__short_name",
            "award_type__name",
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        label = row["award_type__short_name"] or row["award_type__name"]
        key = (row["award_type__order"], label, row["status"])
        if row["cluster_year_id"] in ids:
            nomination_counts[row["cluster_year_id"]][key] = row["n"]
        form_totals[key] += row["n"]

    awards: Counter = Counter()
    revoked: Counter = Counter()
    cluster_decisions: dict[int, dict] = defaultdict(dict)
    for row in (
        Award.objects.filter(cluster_year_id__in=ids)
        .values(
            "cluster_year_id", "status", "decision_id", "decision__number", "decision__signed_on"
        )
        .order_by("decision__signed_on", "decision_id")
    ):
        if row["status"] == AwardStatus.ACTIVE:
            awards[row["cluster_year_id"]] += 1
        else:
            revoked[row["cluster_year_id"]] += 1
        cluster_decisions[row["cluster_year_id"]][row["decision_id"]] = (
            f"{row['decision__number']} ngày {row['decision__signed_on'].strftime('%d/%m/%Y')}"
        )

    rows = []
    start = paginated.start_index() if paginated is not None else 1
    for index, cy in enumerate(cluster_years, start=start):
        first = top.get(cy.pk)
        top_text = ""
        if first:
            org_ids, total = first
            names = sorted((units[org_id].name_on(cy.as_of) for org_id in org_ids), key=vi_sort_key)
            top_text = f"{', '.join(names)} ({format_number(total)} điểm)"
        awarded = str(awards[cy.pk])
        if revoked[cy.pk]:
            awarded += f" ({revoked[cy.pk]} đã thu hồi)"
        members = cy.member_count or 0
        rows.append(
            {
                "index": index,
                "cluster": cy.cluster.name,
                "head": cy.head_name or "",
                "members": members,
                "verified": f"{cy.verified_count}/{members}",
                "excellent": cy.excellent_count,
                "top": top_text,
                "nominations": "\n".join(_nomination_lines(nomination_counts[cy.pk])),
                "awards": awarded,
                "decisions": "\n".join(cluster_decisions[cy.pk].values()),
            }
        )

    # The totals are of every cluster of the year, whichever page is shown.
    results_at_end = (
        AnnualResult.objects.filter(cluster_year__in=in_year)
        .annotate(as_of_day=as_of_day("cluster_year__"))
        .filter(member_at_end())
        .filter(status__in=[ResultStatus.VERIFIED, ResultStatus.LOCKED])
        .aggregate(
            verified=Count("pk"),
            excellent=Count(
                "pk",
                filter=Q(level=Level.EXCELLENT) | Q(level="", suggested_level=Level.EXCELLENT),
            ),
        )
    )
    total_members = Membership.objects.filter(cluster_year__in=in_year).at_end().count()
    award_totals = Award.objects.filter(cluster_year__in=in_year).aggregate(
        active=Count("pk", filter=Q(status=AwardStatus.ACTIVE)),
        revoked=Count("pk", filter=~Q(status=AwardStatus.ACTIVE)),
    )
    kinds = set(in_year.order_by().values_list("cluster__kind", flat=True).distinct())

    decisions = [
        DecisionLine(
            number=d.number,
            signed_on=d.signed_on.strftime("%d/%m/%Y"),
            signer=d.signer,
            signer_title=d.signer_title,
            awards=d.active,
            revoked=d.revoked,
        )
        for d in Decision.objects.filter(organizer=organizer, year=year)
        .annotate(
            active=Count("awards", filter=Q(awards__status=AwardStatus.ACTIVE)),
            revoked=Count("awards", filter=Q(awards__status=AwardStatus.REVOKED)),
        )
        .order_by("signed_on", "pk")
    ]
    total_revoked = award_totals["revoked"]
    rows.append(
        {
            "cluster": "Tổng cộng",
            "head": f"{count_text(cluster_count)} cụm",
            "members": total_members,
            "verified": f"{results_at_end['verified']}/{total_members}",
            "excellent": results_at_end["excellent"],
            "nominations": "\n".join(_nomination_lines(form_totals)),
            "awards": str(award_totals["active"])
            + (f" ({total_revoked} đã thu hồi)" if total_revoked else ""),
            "decisions": f"{count_text(len(decisions))} quyết định" if decisions else "",
            "emphasis": True,
        }
    )

    if kinds == {ClusterKind.BLOC}:
        groups, head_label = "Khối thi đua", "Khối trưởng"
    elif kinds == {ClusterKind.CLUSTER}:
        groups, head_label = "Cụm thi đua", "Cụm trưởng"
    else:
        groups, head_label = "Cụm, Khối thi đua", "Cụm (Khối) trưởng"
    notes = [
        "Đã thẩm định: số đơn vị có kết quả đã thẩm định (hoặc đã khóa) trên số đơn vị thành "
        "viên cuối năm; HTXSNV: số đơn vị xếp loại Hoàn thành xuất sắc nhiệm vụ; đơn vị dẫn "
        "đầu: đơn vị xếp hạng nhất theo điểm thẩm định."
    ]
    for d in decisions:
        signer = f"{d.signer}, {d.signer_title}" if d.signer_title else d.signer
        text = (
            f"Quyết định số {d.number} ngày {d.signed_on} ({signer}): khen thưởng "
            f"{count_text(d.awards)} tập thể"
        )
        if d.revoked:
            text += f", đã thu hồi {count_text(d.revoked)}"
        notes.append(text + ".")
    header, parent_name = _header(organizer, year, printed_on)
    recipients = [f"- {parent_name} (để báo cáo);"] if parent_name else []
    recipients += [f"- Các {groups};", "- Lưu: VT."]
    return OverviewDocument(
        kind="overview",
        filename=f"tong-hop-cum-{organizer.code}-{year}",
        header=header,
        title="BÁO CÁO",
        subtitle_lines=[f"Tổng hợp kết quả thi đua, khen thưởng của các {groups} năm {year}"],
        intro=(
            f"{organizer_name} tổng hợp kết quả chấm điểm, xếp loại, bình xét và khen thưởng "
            f"năm {year} của {count_text(cluster_count)} {groups.lower()} như sau:"
        ),
        columns=[
            Column("index", "TT", 3.5, "center"),
            Column("cluster", groups, 14),
            Column("head", head_label, 16),
            Column("members", "Số đơn vị", 6, "center"),
            Column("verified", "Đã thẩm định", 7.5, "center"),
            Column("excellent", "HTXSNV", 7.5, "center"),
            Column("top", "Đơn vị dẫn đầu (điểm)", 18),
            Column("nominations", "Đề nghị khen thưởng", 22),
            Column("awards", "Được khen thưởng", 7.5, "center"),
            Column("decisions", "Quyết định khen thưởng", 14),
        ],
        rows=rows,
        signature=Signature(on_behalf="TM. BAN THƯỜNG VỤ", title="CHỦ TỊCH"),
        notes=notes,
        recipients=recipients,
        landscape=True,
        organizer_name=organizer_name,
        year=year,
        cluster_count=cluster_count,
        decisions=decisions,
        page=paginated,
    )
