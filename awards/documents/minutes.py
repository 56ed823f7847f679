"""The minutes of a cluster-year's year-end review and vote (biên bản hội nghị tổng kết và
bình xét thi đua), printed as PDF with an HTML preview and as Word.

The builder gathers the figures – attendance and quorum, the adopted summary, the ranking, every
round of the vote, the nominations, the election and the conclusions – and the templates hold
most of the wording: these are official Vietnamese papers, printed in Vietnamese whatever the
reader's language, like the administrative boilerplate of every document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from clusters.documents.admin_format import header_for
from clusters.documents.summary_text import cluster_of
from clusters.models import (
    LEVEL_ABBREVIATIONS,
    ClusterYear,
    Level,
    Meeting,
)
from clusters.services import cluster_standings
from clusters.services.meetings import quorum
from emulation.documents.base import AdminHeader, DocumentError
from emulation.text import format_number

from ..models import AwardKind, Nomination, Vote, VoteMode, VoteStatus
from .common import (
    clock,
    conferring_decision,
    day_text,
    decision_text,
    names_on,
    paragraphs,
    percent,
    review_meeting,
    standing_at_close,
)

TEMPLATE = "awards/documents/minutes.html"
TITLE = "BIÊN BẢN"
_TENTH = Decimal("0.1")


@dataclass
class AttendanceLine:
    name: str
    role: str  # "head", "deputy" or ""
    present: bool
    representative: str
    representative_title: str


@dataclass
class StandingLine:
    rank: int | None
    name: str
    total: str
    level: str
    rank_text: str = ""


@dataclass
class CandidateLine:
    name: str
    votes: int
    percent: str
    elected: bool


@dataclass
class VoteRound:
    award: str
    leading: bool
    round: int
    rounds: int  # rounds held for this award
    secret: bool
    seats: int
    voters: int  # member units present
    ballots_issued: int | None
    ballots_returned: int | None
    ballots_valid: int | None
    counted: bool
    candidates: list[CandidateLine]
    tie_resolution: str

    @property
    def base(self) -> int | None:
        """What a share of the votes is taken of: the valid ballots, or the units voting."""
        return self.ballots_valid if self.secret else self.voters

    @property
    def chosen(self) -> list[str]:
        return [c.name for c in self.candidates if c.elected]


@dataclass
class NominationLine:
    name: str
    award: str
    leading: bool
    votes: int | None
    base: int | None
    percent: str
    secret: bool
    warnings: list[str]


@dataclass
class ConclusionLine:
    number: int
    text: str
    owner: str
    due_on: str


@dataclass
class MinutesDocument:
    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    year: int
    next_year: int
    cluster_name: str
    organizer_name: str
    cluster_of: str  # "<cluster> thuộc <organiser>", the organiser never twice
    closed: bool
    # I. Time and place
    starts_at: str
    ends_at: str
    day: str
    place: str
    host: str
    host_is_head: bool
    # II. Attendance
    chair: str
    chair_title: str
    secretary: str
    secretary_title: str
    guests: list[str]
    attendance: list[AttendanceLine]
    members: int
    present: int
    required: int
    quorum_rule: str
    quorum_reached: bool
    # III. Proceedings
    agenda: list[str]
    summary_adopted: bool
    achievements: list[str]
    limitations: list[str]
    directions: list[str]
    standings: list[StandingLine]
    not_classified: list[str]  # "unit: reason", the note under the ranking
    distribution: str
    level_legend: str
    votes: list[VoteRound]
    nominations: list[NominationLine]
    conferred: list[ConferredLine]
    outgoing_head: str
    elected_head: str
    elected_deputy: str
    handover_on: str
    handover_at_meeting: bool
    handover_note: str
    conclusions: list[ConclusionLine]
    signature_names: tuple[str, str] = ("", "")  # secretary, chair
    landscape: bool = False
    totals_only: bool = False  # a year from paper: typed totals, no self-assessment


def _votes(meeting: Meeting, names: dict[int, str]) -> list[VoteRound]:
    votes = list(
        Vote.objects.filter(meeting=meeting)
        .select_related("award_type")
        .prefetch_related("candidates")
        .order_by("award_type__order", "award_type__name", "round")
    )
    rounds: dict[int, int] = {}
    for vote in votes:
        rounds[vote.award_type_id] = max(rounds.get(vote.award_type_id, 0), vote.round)
    out = []
    for vote in votes:
        secret = vote.mode == VoteMode.SECRET
        base = vote.ballots_valid if secret else vote.voters
        counted = vote.status == VoteStatus.COUNTED
        candidates = sorted(
            vote.candidates.all(),
            key=lambda c: (-c.votes, names.get(c.organization_id, "")),
        )
        out.append(
            VoteRound(
                award=vote.award_type.name,
                leading=vote.award_type.kind == AwardKind.LEADING_FLAG,
                round=vote.round,
                rounds=rounds[vote.award_type_id],
                secret=secret,
                seats=vote.seats,
                voters=vote.voters,
                ballots_issued=vote.ballots_issued,
                ballots_returned=vote.ballots_returned,
                ballots_valid=vote.ballots_valid,
                counted=counted,
                candidates=[
                    CandidateLine(
                        name=names.get(c.organization_id, ""),
                        votes=c.votes,
                        percent=percent(c.votes, base) if counted else "",
                        elected=c.elected,
                    )
                    for c in candidates
                ],
                tie_resolution=vote.tie_resolution if vote.tie else "",
            )
        )
    return out


@dataclass
class ConferredLine:
    name: str
    award: str
    decision: str  # "Quyết định số 15/QĐ-LĐLĐ ngày 10/01/2025"
    handed_over: bool


def _nominations(
    cluster_year: ClusterYear, names: dict[int, str], meeting
) -> tuple[list[NominationLine], list[ConferredLine]]:
    """The proposals of the meeting: once it is closed, as they stood at the close – a later
    withdrawal or addition does not rewrite the minutes. Apart: the awards conferred by a
    decision dated no later than the meeting (handed over at it); the minutes never cite a
    later decision."""
    nominations = Nomination.objects.filter(cluster_year=cluster_year).select_related(
        "award_type", "vote", "award__decision"
    )
    nominations = standing_at_close(nominations, meeting)
    out, conferred = [], []
    for nomination in nominations:
        decision = conferring_decision(nomination, meeting.held_on)
        if decision is not None:
            conferred.append(
                ConferredLine(
                    name=names.get(nomination.organization_id, ""),
                    award=nomination.award_type.name,
                    decision=decision_text(decision),
                    handed_over=nomination.handed_over_at_id == meeting.pk,
                )
            )
            continue
        if nomination.decided_in_advance:
            continue
        vote = nomination.vote
        secret = vote is not None and vote.mode == VoteMode.SECRET
        base = None
        if vote is not None:
            base = vote.ballots_valid if secret else vote.voters
        out.append(
            NominationLine(
                name=names.get(nomination.organization_id, ""),
                award=nomination.award_type.name,
                leading=nomination.leading,
                votes=nomination.votes,
                base=base,
                percent=percent(nomination.votes, base),
                secret=secret,
                warnings=nomination.warning_lines,
            )
        )
    return out, conferred


@translation.override("vi")
def build_minutes(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> MinutesDocument:
    """The minutes of the year's review; DocumentError when no review is recorded. A meeting
    still running prints as a draft. The minutes are dated the day of the meeting, whatever
    `printed_on` (kept for the builders' common signature)."""
    cluster_year = ClusterYear.objects.select_related("cluster__organizer", "head").get(
        pk=cluster_year.pk
    )
    cluster = cluster_year.cluster
    meeting = review_meeting(cluster_year)
    if meeting is None:
        raise DocumentError(
            _(
                "%(cluster)s (%(code)s) has no year-end review recorded for %(year)s: there "
                "are no minutes to print."
            )
            % {"cluster": cluster.name, "code": cluster.code, "year": cluster_year.year}
        )
    as_of = cluster_year.as_of
    held_on = meeting.held_on
    organizer_name = cluster.organizer.name_on(as_of)

    header = header_for(cluster_year, printed_on=held_on)
    if meeting.host_id and meeting.host.locality:
        header.place = meeting.host.locality

    entries = cluster_year.member_entries()
    attendances = list(meeting.attendances.all())
    roles = {e.membership.organization_id: e.role for e in entries}
    order = {e.membership.organization_id: i for i, e in enumerate(entries)}
    candidate_ids = set(meeting.votes.values_list("candidates__organization_id", flat=True)) | set(
        cluster_year.nominations.values_list("organization_id", flat=True)
    )
    other_ids = {
        meeting.host_id,
        meeting.elected_head_id,
        meeting.elected_deputy_id,
        cluster_year.head_id,
    }
    ids = {a.organization_id for a in attendances} | candidate_ids | other_ids
    names = names_on(ids - {None}, as_of)
    attendance = [
        AttendanceLine(
            name=names.get(a.organization_id, ""),
            role=roles.get(a.organization_id, ""),
            present=a.present,
            representative=a.representative,
            representative_title=a.representative_title,
        )
        for a in sorted(attendances, key=lambda a: order.get(a.organization_id, len(order)))
    ]
    q = quorum(meeting, attendances)

    standings = cluster_standings(cluster_year)
    rows = sorted(
        standings.rows, key=lambda r: (r.rank is None, r.rank or 0, not r.member_at_end, r.name)
    )
    standing_lines = [
        StandingLine(
            rank=None if row.not_classified else row.rank,
            name=row.name,
            total=format_number(row.verified_total),
            level=row.level_cell,
            rank_text=row.rank_cell,
        )
        for row in rows
    ]
    used_levels = [item for item in standings.distribution if item["count"]]
    distribution = "; ".join(
        f"{item['abbreviation']}: {item['count']} ({format_number(item['percent'].quantize(_TENTH))}%)"
        for item in used_levels
    )
    legend = "; ".join(
        f"{LEVEL_ABBREVIATIONS[item['level']]}: {Level(item['level']).label.lower()}"
        for item in used_levels
    )

    elected_head = names.get(meeting.elected_head_id, "") if meeting.elected_head_id else ""
    elected_deputy = names.get(meeting.elected_deputy_id, "") if meeting.elected_deputy_id else ""
    outgoing = names.get(cluster_year.head_id, "") if cluster_year.head_id else ""
    if meeting.elected_head_id and meeting.elected_head_id == cluster_year.head_id:
        outgoing = ""  # re-elected: nothing is handed over

    nominations, conferred = _nominations(cluster_year, names, meeting)
    conclusions = [
        ConclusionLine(
            number=c.number,
            text=c.text.strip().rstrip("."),
            owner=c.owner,
            due_on=c.due_on.strftime("%d/%m/%Y") if c.due_on else "",
        )
        for c in meeting.conclusions.all()
    ]
    chair = meeting.chair or cluster_year.head_person
    chair_title = meeting.chair_title if meeting.chair else cluster_year.head_person_title
    year = cluster_year.year
    return MinutesDocument(
        kind="minutes",
        filename=f"bien-ban-{cluster.code}-{year}",
        header=header,
        title=TITLE,
        subtitle_lines=[f"Hội nghị tổng kết công tác thi đua năm {year} và bình xét thi đua"],
        year=year,
        next_year=year + 1,
        cluster_name=cluster.name,
        organizer_name=organizer_name,
        cluster_of=cluster_of(cluster.name, organizer_name, cluster.organizer.locality),
        closed=meeting.is_closed,
        starts_at=clock(meeting.starts_at),
        ends_at=clock(meeting.ends_at),
        day=day_text(held_on),
        place=meeting.place,
        host=names.get(meeting.host_id, "") if meeting.host_id else "",
        host_is_head=bool(meeting.host_id) and meeting.host_id == cluster_year.head_id,
        chair=chair,
        chair_title=chair_title,
        secretary=meeting.secretary,
        secretary_title=meeting.secretary_title,
        guests=[line.rstrip(";.") for line in meeting.guest_lines],
        attendance=attendance,
        members=q.members,
        present=q.present,
        required=q.required,
        quorum_rule=q.rule,
        quorum_reached=q.reached,
        agenda=[line.rstrip(";.") for line in meeting.agenda_lines],
        summary_adopted=meeting.summary_adopted,
        achievements=paragraphs(meeting.achievements),
        limitations=paragraphs(meeting.limitations),
        directions=paragraphs(meeting.directions),
        standings=standing_lines,
        not_classified=standings.not_classified_notes,
        distribution=distribution,
        level_legend=legend,
        votes=_votes(meeting, names),
        nominations=nominations,
        conferred=conferred,
        outgoing_head=outgoing,
        elected_head=elected_head,
        elected_deputy=elected_deputy,
        handover_on=meeting.handover_on.strftime("%d/%m/%Y") if meeting.handover_on else "",
        handover_at_meeting=meeting.handover_on == held_on,
        handover_note=meeting.handover_note.strip(),
        conclusions=conclusions,
        signature_names=(meeting.secretary, chair),
        totals_only=bool(standings.table and standings.table.program.totals_only),
    )
