"""The emulation pact of a cluster-year (giao ước thi đua): the members' commitments, their
targets per indicator, the joint activities, and a signature block for every member unit –
printed as PDF, with an HTML preview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from emulation.documents.base import AdminHeader, DocumentError
from emulation.text import format_number

from ..models import ClusterYear, EmulationProgram, MeetingKind, Organization, Pact
from ..services.pacts import pact_indicators
from .admin_format import header_for
from .summary_text import without_organizer

TEMPLATE = "clusters/documents/pact.html"
# Member columns per targets table: beyond this the table is split, so that the figures
# (money runs to "124.500.000") keep a readable width on a portrait page.
COLUMNS_PER_TABLE = 5
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]

# The usual abbreviations of union tables, longest first.
_SHORT = [
    ("Liên đoàn Lao động", "LĐLĐ"),
    ("Công đoàn cơ sở", "CĐCS"),
    ("Công ty Cổ phần", "Công ty CP"),
    ("Công ty Trách nhiệm hữu hạn", "Công ty TNHH"),
    ("Trách nhiệm hữu hạn", "TNHH"),
    ("Một thành viên", "MTV"),
    ("Khu công nghiệp", "KCN"),
    ("Công đoàn", "CĐ"),
]


def short_name(name: str) -> str:
    """ "Liên đoàn Lao động huyện Tuy Phong" → "LĐLĐ huyện Tuy Phong", for a column head."""
    for long, short in _SHORT:
        name = name.replace(long, short)
    return name


@dataclass
class TargetTable:
    columns: list[str]
    rows: list[tuple[int, str, list[str]]]  # number, indicator, one figure per column
    column_width: int  # per cent, the same in every table of the document

    @property
    def indicator_width(self) -> int:
        """Per cent of the table for the indicator's name; the rest is shared by the units."""
        return 100 - 6 - self.column_width * len(self.columns)


@dataclass
class Section:
    number: str
    heading: str
    intro: str = ""
    items: list[str] = field(default_factory=list)
    numbered: bool = False
    tables: list[TargetTable] = field(default_factory=list)


@dataclass
class SignatureBlock:
    unit: str
    title: str
    name: str


@dataclass
class PactDocument:
    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    grounds: list[str]
    opening: str
    members: list[str]
    agreement: str
    sections: list[Section]
    table_labels: tuple[str, str]
    signatures_heading: str
    signatures: list[SignatureBlock]
    landscape: bool = False

    @property
    def signature_rows(self) -> list[list[SignatureBlock]]:
        """Two blocks a row, as the units sign side by side."""
        blocks = self.signatures
        return [blocks[i : i + 2] for i in range(0, len(blocks), 2)]


def _locality(pact: Pact, cluster_year: ClusterYear, default: str) -> str:
    """The place of the date line: the host's locality when the pact was signed at a meeting,
    else the locality of the unit named as the place, else the cluster's usual one."""
    meeting = pact.meeting
    if meeting is not None and meeting.host_id and meeting.host.locality:
        return meeting.host.locality
    if pact.place:
        host = Organization.objects.filter(name__iexact=pact.place.strip()).first()
        if host is not None and host.locality:
            return host.locality
    return default


def _meeting_phrase(pact: Pact) -> str:
    meeting = pact.meeting
    if meeting is None:
        return ""
    if meeting.title:
        return _("during the %(meeting)s") % {"meeting": meeting.title}
    if meeting.kind == MeetingKind.REVIEW:
        return _("during the year-end review of %(year)s") % {"year": meeting.year}
    return _("during the meeting of %(date)s") % {"date": meeting.held_on.strftime("%d/%m/%Y")}


def _tables(indicators, entries, targets) -> list[TargetTable]:
    if not indicators or not entries:
        return []
    count = -(-len(entries) // COLUMNS_PER_TABLE)  # tables needed
    size = -(-len(entries) // count)  # members per table, as even as can be
    tables = []
    for start in range(0, len(entries), size):
        chunk = entries[start : start + size]
        rows = []
        for number, indicator in enumerate(indicators, start=1):
            figures = [
                format_number(targets.get((e.membership.organization_id, indicator.pk)))
                for e in chunk
            ]
            rows.append((number, indicator.name, figures))
        tables.append(
            TargetTable(
                columns=[short_name(e.name) for e in chunk],
                rows=rows,
                column_width=15 if size >= 4 else 18,
            )
        )
    return tables


@translation.override("vi")
def build_pact(cluster_year: ClusterYear, *, printed_on: datetime.date | None = None):
    """The pact as signed: raises DocumentError when the year has no pact."""
    cluster_year = ClusterYear.objects.select_related("cluster__organizer", "head").get(
        pk=cluster_year.pk
    )
    pact = (
        Pact.objects.filter(cluster_year=cluster_year)
        .select_related("meeting__host")
        .prefetch_related("signatories", "targets")
        .first()
    )
    cluster = cluster_year.cluster
    year = cluster_year.year
    if pact is None:
        raise DocumentError(
            _("%(cluster)s has no emulation pact for %(year)s: record it on the pact page first.")
            % {"cluster": cluster.name, "year": year}
        )
    as_of = cluster_year.as_of
    organizer_name = cluster.organizer.name_on(as_of)
    header = header_for(cluster_year, printed_on=pact.signed_on or printed_on)
    header.place = _locality(pact, cluster_year, header.place)
    entries = cluster_year.member_entries()
    names = {e.membership.organization_id: e.name for e in entries}
    program = EmulationProgram.for_cluster_year(cluster_year)

    grounds = []
    if program is not None and program.plan_reference:
        grounds.append(
            _("Pursuant to %(plan)s of %(organizer)s launching the emulation movement of %(year)s;")
            % {"plan": program.plan_reference, "organizer": organizer_name, "year": year}
        )
    grounds.append(
        _("Pursuant to the rules of operation of %(cluster)s;") % {"cluster": cluster.name}
    )
    when = (pact.signed_on or header.date).strftime("%d/%m/%Y")
    where = pact.place or header.place
    parts = {
        "date": when,
        "place": where,
        # "… of <organiser>" follows: a cluster named after it is not named after it twice.
        "cluster": without_organizer(cluster.name, organizer_name, cluster.organizer.locality),
        "organizer": organizer_name,
    }
    phrase = _meeting_phrase(pact)
    if phrase:
        opening = _(
            "On %(date)s, at %(place)s, %(meeting)s, the member units of %(cluster)s of "
            "%(organizer)s:"
        ) % {**parts, "meeting": phrase}
    else:
        opening = (
            _("On %(date)s, at %(place)s, the member units of %(cluster)s of %(organizer)s:")
            % parts
        )
    members = []
    for entry in entries:
        role = entry.role_label
        members.append(f"{entry.name} ({role.lower()})" if role else entry.name)

    sections = []
    commitments = pact.commitment_lines
    if commitments:
        sections.append(
            Section(
                "",
                _("COMMITMENTS"),
                _("Each member unit commits itself to:"),
                commitments,
                numbered=True,
            )
        )
    indicators = pact_indicators(cluster_year)
    targets = {(t.organization_id, t.indicator_id): t.target for t in pact.targets.all()}
    tables = _tables(indicators, entries, targets) if targets else []
    if tables:
        sections.append(
            Section(
                "",
                _("TARGETS"),
                _("The member units sign up to the following targets for %(year)s:")
                % {"year": year},
                tables=tables,
            )
        )
    activities = pact.activity_lines
    if activities:
        sections.append(
            Section(
                "",
                _("JOINT ACTIVITIES"),
                _("The member units organise together:"),
                [f"- {line}" for line in activities],
            )
        )
    sections.append(
        Section(
            "",
            _("IMPLEMENTATION"),
            items=[
                _(
                    "The member units carry out this pact in earnest; the cluster head follows "
                    "its progress and the results are assessed at the year-end review of "
                    "%(year)s."
                )
                % {"year": year},
                _(
                    "This pact is made in %(copies)s copies of equal value: each member unit "
                    "keeps one, and one is sent to %(organizer)s to follow it."
                )
                % {"copies": f"{len(entries) + 1:02d}", "organizer": organizer_name},
            ],
        )
    )
    for number, section in zip(ROMAN, sections, strict=False):
        section.number = number

    signatories = {s.organization_id: s for s in pact.signatories.all()}
    signatures = [
        SignatureBlock(
            unit=names[org_id].upper(),
            title=signatory.title.upper(),
            name=signatory.person,
        )
        for org_id in names
        if (signatory := signatories.get(org_id)) is not None
    ]
    return PactDocument(
        kind="pact",
        filename=f"giao-uoc-{cluster.code}-{year}",
        header=header,
        title=_("EMULATION PACT"),
        subtitle_lines=[_("Year %(year)s – %(cluster)s") % {"year": year, "cluster": cluster.name}],
        grounds=grounds,
        opening=opening,
        members=members,
        agreement=_("Agree to sign the emulation pact of %(year)s as follows:") % {"year": year},
        sections=sections,
        table_labels=(_("No."), _("Indicator")),
        signatures_heading=_("REPRESENTATIVES OF THE MEMBER UNITS"),
        signatures=signatures,
    )
