"""The cluster roster of a cluster-year (danh sách cụm thi đua): data built once, printed as
PDF (with an HTML preview) and XLSX."""

from __future__ import annotations

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from emulation.documents.base import Column, TableDocument
from emulation.text import vi_sort_key

from ..models import ClusterYear
from .admin_format import header_for, signature_for
from .summary_text import without_organizer

TEMPLATE = "clusters/documents/roster.html"


def _date(day):
    return day.strftime("%d/%m/%Y") if day else ""


@translation.override("vi")
def build_roster(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> TableDocument:
    """Members of the cluster-year as of the year, head and deputy first and marked."""
    cluster_year = (
        ClusterYear.objects.select_related("cluster__organizer", "head")
        .prefetch_related("cluster__organizer__former_names")
        .get(pk=cluster_year.pk)
    )
    as_of = cluster_year.as_of
    entries = cluster_year.member_entries()
    # The table lists the members as of the year; those who left earlier are named below it.
    current = [e for e in entries if e.membership.is_member_on(as_of)]
    former = [e for e in entries if not e.membership.is_member_on(as_of)]
    persons = {"head": cluster_year.head_person, "deputy": cluster_year.deputy_person}

    rows = []
    for index, entry in enumerate(current, start=1):
        membership = entry.membership
        notes = []
        if membership.joined_on and membership.joined_on > cluster_year.first_day:
            notes.append(_("joined %(date)s") % {"date": _date(membership.joined_on)})
        if membership.left_on and membership.left_on < datetime.date(cluster_year.year, 12, 31):
            notes.append(_("left %(date)s") % {"date": _date(membership.left_on)})
        if membership.note:
            notes.append(membership.note)
        rows.append(
            {
                "index": index,
                "name": entry.name,
                "parent": entry.parent,
                "role": entry.role_label,
                "person": persons.get(entry.role, ""),
                "note": "; ".join(notes),
                "emphasis": bool(entry.role),
            }
        )
    cluster = cluster_year.cluster
    organizer_name = cluster.organizer.name_on(as_of)
    subtitle = _("Member units of %(cluster)s – %(organizer)s, year %(year)s") % {
        "cluster": without_organizer(cluster.name, organizer_name, cluster.organizer.locality),
        "organizer": organizer_name,
        "year": cluster_year.year,
    }
    notes = []
    for entry in sorted(former, key=lambda e: vi_sort_key(e.name)):
        membership = entry.membership
        if membership.left_on and membership.left_on < as_of:
            notes.append(
                _("%(unit)s left the cluster on %(date)s.")
                % {"unit": entry.name, "date": _date(membership.left_on)}
            )
        else:
            notes.append(
                _("%(unit)s joins the cluster on %(date)s.")
                % {"unit": entry.name, "date": _date(membership.joined_on)}
            )
    if cluster_year.ended_on:
        notes.append(
            _("The emulation year of the cluster ended on %(date)s.")
            % {"date": _date(cluster_year.ended_on)}
        )
    return TableDocument(
        kind="roster",
        filename=f"danh-sach-{cluster.code}-{cluster_year.year}",
        header=header_for(cluster_year, printed_on=printed_on),
        title=_("LIST"),
        subtitle_lines=[subtitle],
        columns=[
            Column("index", _("No."), 6, "center"),
            Column("name", _("Member unit"), 40),
            Column("parent", _("Directly under"), 28),
            Column("role", _("Role in the cluster"), 15, "center"),
            Column("person", _("Representative"), 20),
            Column("note", _("Note"), 14),
        ],
        rows=rows,
        signature=signature_for(cluster_year),
        notes=notes,
        recipients=[
            _("- %(organizer)s (to report);") % {"organizer": organizer_name},
            _("- Member units of the cluster;"),
            _("- Archive: VT."),
        ],
    )
