"""The results table and ranking of a cluster-year (bảng tổng hợp kết quả chấm điểm, xếp
hạng): A4 landscape PDF and XLSX from the same data."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from emulation.documents.base import Column, TableDocument
from emulation.text import format_number

from ..models import ClusterYear, CriterionKind
from ..services.results import cluster_standings
from .admin_format import header_for, signature_for

TEMPLATE = "clusters/documents/results.html"
_TENTH = Decimal("0.1")


@translation.override("vi")
def build_results(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> TableDocument:
    """Every member with its section scores, totals, classification and rank – ranked
    units first, in rank order; the distribution and the tie-break rule below."""
    cluster_year = ClusterYear.objects.select_related("cluster__organizer", "head").get(
        pk=cluster_year.pk
    )
    standings = cluster_standings(cluster_year)
    table = standings.table
    cluster = cluster_year.cluster
    organizer_name = cluster.organizer.name_on(cluster_year.as_of)
    totals_only = bool(table and table.program.totals_only)
    # A year from paper has no sections and no self-assessment: its typed totals only.
    sections = table.sections if table and not totals_only else []
    columns = [Column("index", _("No."), 4, "center"), Column("name", _("Member unit"), 42)]
    for section in sections:
        label = {
            CriterionKind.BONUS: _("Bonus"),
            CriterionKind.PENALTY: _("Penalty"),
        }.get(section.kind, section.code)
        columns.append(Column(f"section_{section.code}", label, 5.5, "right"))
    if not totals_only:
        columns.append(Column("self_total", _("Self-assessed"), 7, "right"))
    columns += [
        Column("verified_total", _("Total"), 7, "right"),
        Column("level", _("Classification"), 9, "center"),
        Column("rank", _("Rank"), 6, "center"),
    ]
    ordered = sorted(
        standings.rows,
        key=lambda r: (r.rank is None, r.rank or 0, not r.member_at_end, r.name),
    )
    rows = []
    for index, row in enumerate(ordered, start=1):
        totals = row.verified_totals
        data = {
            "index": index,
            "name": row.name,
            "self_total": row.self_total,
            "verified_total": row.verified_total,
            "level": row.level_cell,
            "rank": row.rank_cell if row.not_classified else row.rank,
            "emphasis": row.rank == 1,
        }
        for section in sections:
            value = totals.section_scores.get(section.code) if totals else None
            data[f"section_{section.code}"] = value if totals and totals.total is not None else None
        if not row.member_at_end:
            left = row.entry.membership.left_on
            data["name"] = (
                f"{row.name} ({_('left %(date)s') % {'date': left.strftime('%d/%m/%Y')}})"
                if left
                else row.name
            )
        rows.append(data)
    notes = []
    counts = standings.counts
    if standings.rows:
        parts = [
            _("%(abbr)s: %(count)s (%(percent)s%%)")
            % {
                "abbr": item["abbreviation"],
                "count": item["count"],
                "percent": format_number(item["percent"].quantize(_TENTH)),
            }
            for item in standings.distribution
            if item["count"]
        ]
        notes.append(
            _("Classification of the %(n)s members: %(parts)s.")
            % {"n": counts["members"], "parts": "; ".join(parts)}
        )
    for note in standings.not_classified_notes:
        notes.append(_("Not classified (KXL): %(note)s.") % {"note": note})
    if table is not None:
        codes = table.program.tie_break_codes
        if codes:
            notes.append(
                _("Equal totals are ranked by: %(order)s.")
                % {"order": ", ".join(_tie_label(table, code) for code in codes)}
            )
        if totals_only:
            notes.append(_("A year from paper: the totals and classifications of the reports."))
        sections_line = "; ".join(
            f"{s.code}. {s.title}" for s in sections if s.kind == CriterionKind.SCORE
        )
        if totals_only:
            pass
        elif table.program.plan_reference:
            notes.append(
                _("Sections (table of %(plan)s): %(sections)s.")
                % {"plan": table.program.plan_reference, "sections": sections_line}
            )
        else:
            notes.append(_("Sections: %(sections)s.") % {"sections": sections_line})
    else:
        notes.append(_("The organiser has not set up the programme of this year."))
    return TableDocument(
        kind="results",
        filename=f"ket-qua-{cluster.code}-{cluster_year.year}",
        header=header_for(cluster_year, printed_on=printed_on),
        title=_("SUMMARY OF SCORES AND RANKING"),
        subtitle_lines=[
            _("Emulation results of %(year)s – %(cluster)s – %(organizer)s")
            % {"year": cluster_year.year, "cluster": cluster.name, "organizer": organizer_name}
        ],
        columns=columns,
        rows=rows,
        signature=signature_for(cluster_year),
        notes=notes,
        recipients=[
            _("- %(organizer)s (to report);") % {"organizer": organizer_name},
            _("- Member units of the cluster;"),
            _("- Archive: VT."),
        ],
        landscape=True,
    )


def _tie_label(table, code: str) -> str:
    for section in table.sections:
        if section.code == code:
            return _("score of section %(code)s") % {"code": code}
    for indicator in table.indicators:
        if indicator.code == code:
            return indicator.name.lower()
    return code
