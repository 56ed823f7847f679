"""The submission (tờ trình đề nghị khen thưởng) of a cluster-year's proposal: data built
once, printed as PDF (with an HTML preview) and Word."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from clusters.documents.admin_format import header_for, signature_for
from clusters.models import (
    ClusterYear,
    EmulationProgram,
)
from clusters.services import cluster_standings
from emulation.documents.admin_format import BLANK_NUMBER, count_text
from emulation.documents.base import AdminHeader, DocumentError, Signature
from emulation.text import format_number, vi_sort_key

from ..models import Nomination, NominationStatus, VoteMode
from .common import ROMAN, day_text, names_on, paragraphs, percent, review_meeting

TEMPLATE = "awards/documents/proposal.html"
TITLE = "TỜ TRÌNH"


@dataclass
class ProposalLine:
    number: int
    name: str
    award: str
    leading: bool
    votes: int | None
    base: int | None
    percent: str
    level: str
    total: str

    @property
    def vote_text(self) -> str:
        """ "4/5 (80%)"; blank without a vote."""
        if self.votes is None or not self.base:
            return ""
        return f"{self.votes}/{self.base} ({self.percent}%)"


@dataclass
class ProposalGroup:
    numeral: str
    award: str
    recipient: str  # "tập thể" or "cá nhân"
    lines: list[ProposalLine]

    @property
    def count(self) -> str:
        return count_text(len(self.lines))

    @property
    def all_leading(self) -> bool:
        """A leading flag's group: the mark goes on the group, not on each line."""
        return all(line.leading for line in self.lines)


@dataclass
class ProposalDocument:
    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    year: int
    cluster_name: str
    addressee: str
    opening: list[str]
    groups: list[ProposalGroup]
    total: str
    total_recipient: str
    enclosures: list[str]
    closing_line: str
    signature: Signature
    recipients: list[str]
    draft: bool = False
    landscape: bool = False

    @property
    def nominee_count(self) -> int:
        return sum(len(group.lines) for group in self.groups)


def _vote_phrase(modes: set[str]) -> str:
    if modes == {VoteMode.SECRET}:
        return "bằng hình thức bỏ phiếu kín"
    if modes == {VoteMode.OPEN}:
        return "bằng hình thức biểu quyết giơ tay"
    if modes:
        return "bằng hình thức bỏ phiếu kín và biểu quyết giơ tay"
    return ""


def _opening(cluster_year, proposal, meeting, organizer_name, addressee, modes) -> list[str]:
    """The paragraph before the list: the head's own text, or the usual wording."""
    own = paragraphs(proposal.body)
    if own:
        return own
    year = cluster_year.year
    cluster_name = cluster_year.cluster.name
    lines = []
    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is not None and program.plan_reference:
        lines.append(
            f"Căn cứ {program.plan_reference} của {organizer_name} về việc phát động phong trào "
            f"thi đua năm {year};"
        )
    if meeting is not None:
        where = f" tại {meeting.place}" if meeting.place else ""
        how = _vote_phrase(modes)
        lines.append(
            f"Căn cứ kết quả Hội nghị tổng kết công tác thi đua năm {year} và bình xét thi đua "
            f"của {cluster_name}, tổ chức {day_text(meeting.held_on)}{where}"
            + (f", bình xét {how};" if how else ";")
        )
    lines.append(
        f"{cluster_name} kính đề nghị {addressee} xem xét, khen thưởng các tập thể có thành "
        f"tích xuất sắc trong phong trào thi đua năm {year}, cụ thể như sau:"
    )
    return lines


@translation.override("vi")
def build_proposal(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> ProposalDocument:
    """The cluster's submission to the organiser with the list of its nominees, grouped by the
    proposed form – every nomination of the year but the withdrawn ones, whatever the
    organiser has decided since (the paper is what the cluster sent). DocumentError when the
    year has no nomination. Dated the proposal's date, else the review meeting's."""
    from ..services.approval import proposal_for

    cluster_year = ClusterYear.objects.select_related("cluster__organizer", "head").get(
        pk=cluster_year.pk
    )
    cluster = cluster_year.cluster
    year = cluster_year.year
    nominations = list(
        Nomination.objects.filter(cluster_year=cluster_year)
        .exclude(status=NominationStatus.WITHDRAWN)
        # Decided before the review by the body above: conferred already, not proposed.
        .exclude(decided_in_advance=True)
        .select_related("award_type", "vote")
        .order_by("award_type__order", "award_type__name", "award_type_id")
    )
    if not nominations:
        raise DocumentError(
            _(
                "%(cluster)s (%(code)s) has proposed no unit for %(year)s: there is no "
                "submission to print."
            )
            % {"cluster": cluster.name, "code": cluster.code, "year": year}
        )
    proposal = proposal_for(cluster_year)
    meeting = review_meeting(cluster_year)
    as_of = cluster_year.as_of
    organizer_name = cluster.organizer.name_on(as_of)

    day = proposal.issued_on or (meeting.held_on if meeting else None) or printed_on
    header = header_for(cluster_year, printed_on=day)
    if proposal.place.strip():
        header.place = proposal.place.strip()
    elif meeting is not None and meeting.host_id and meeting.host.locality:
        header.place = meeting.host.locality
    suffix = cluster_year.number_suffix or "CTĐ"
    header.number = proposal.number.strip() or f"{BLANK_NUMBER}/TTr-{suffix}"

    names = names_on({n.organization_id for n in nominations}, as_of)
    standings = {row.organization_id: row for row in cluster_standings(cluster_year).rows}
    groups: dict[int, ProposalGroup] = {}
    for nomination in nominations:
        award_type = nomination.award_type
        group = groups.get(award_type.pk)
        if group is None:
            group = groups[award_type.pk] = ProposalGroup(
                numeral=ROMAN[len(groups)] if len(groups) < len(ROMAN) else str(len(groups) + 1),
                award=award_type.name,
                recipient="cá nhân" if award_type.recipient == "individual" else "tập thể",
                lines=[],
            )
        vote = nomination.vote
        base = None
        if vote is not None:
            base = vote.ballots_valid if vote.mode == VoteMode.SECRET else vote.voters
        row = standings.get(nomination.organization_id)
        group.lines.append(
            ProposalLine(
                number=0,
                name=names.get(nomination.organization_id, ""),
                award=award_type.label,
                leading=nomination.leading,
                votes=nomination.votes,
                base=base,
                percent=percent(nomination.votes, base),
                level=row.level_label if row and row.verified_total is not None else "",
                total=format_number(row.verified_total) if row else "",
            )
        )
    number = 0
    for group in groups.values():
        group.lines.sort(
            key=lambda line: (not line.leading, -(line.votes or 0), vi_sort_key(line.name))
        )
        for line in group.lines:
            number += 1
            line.number = number
    modes = {n.vote.mode for n in nominations if n.vote is not None}
    addressee = proposal.addressee.strip() or ("Hội đồng Thi đua – Khen thưởng " + organizer_name)
    recipients_kind = {group.recipient for group in groups.values()}
    enclosures = []
    if meeting is not None:
        enclosures.append(
            f"Biên bản hội nghị tổng kết và bình xét thi đua năm {year} ngày "
            f"{meeting.held_on.strftime('%d/%m/%Y')}"
        )
    enclosures.append(
        f"Báo cáo thành tích của từng tập thể được đề nghị khen thưởng ({count_text(number)} "
        "báo cáo)"
    )
    enclosures.append(f"Bảng tổng hợp kết quả chấm điểm, xếp hạng năm {year} của Cụm")
    signature = signature_for(cluster_year)
    signature.name = proposal.signer.strip() or cluster_year.head_person
    return ProposalDocument(
        kind="proposal",
        filename=f"to-trinh-{cluster.code}-{year}",
        header=header,
        title=TITLE,
        subtitle_lines=[f"Về việc đề nghị khen thưởng công tác thi đua năm {year}"],
        year=year,
        cluster_name=cluster.name,
        addressee=addressee,
        opening=_opening(cluster_year, proposal, meeting, organizer_name, addressee, modes),
        groups=list(groups.values()),
        total=count_text(number),
        total_recipient=recipients_kind.pop() if len(recipients_kind) == 1 else "tập thể, cá nhân",
        enclosures=enclosures,
        closing_line=f"{cluster.name} kính trình {addressee} xem xét, quyết định./.",
        signature=signature,
        recipients=["- Như trên;", "- Các đơn vị thành viên Cụm;", "- Lưu: VT."],
        draft=meeting is not None and not meeting.is_closed,
    )
