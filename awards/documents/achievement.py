"""A nominee's achievement report (báo cáo thành tích) for the proposal dossier, built from its
year's result: the scores per section, the classification and rank, the indicators, the votes
it received and the form proposed. Printed as PDF (with an HTML preview) and DOCX.

Like the other papers of the dossier, the wording is official Vietnamese whatever the reader's
language; the template holds most of it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from clusters.documents.summary_text import without_organizer
from clusters.models import (
    LEVEL_ABBREVIATIONS,
    QUALIFIER_WORDS,
    AnnualResult,
    ClusterYear,
    CriterionKind,
    IndicatorKind,
    Level,
    Organization,
    ParentPeriod,
    ResultStatus,
)
from clusters.services import cluster_standings
from clusters.services.figures import qualified
from emulation.documents.admin_format import balanced_lines
from emulation.documents.base import AdminHeader, DocumentError, Signature
from emulation.text import fold, format_number

from ..models import Nomination, NominationStatus, VoteCandidate, VoteMode, VoteStatus
from .common import IndicatorLine, percent, review_meeting

TEMPLATE = "awards/documents/achievement.html"
TITLE = "BÁO CÁO THÀNH TÍCH"
_TENTH = Decimal("0.1")
# The indicators that say how large the unit is, by code – or by name when a programme
# coded them otherwise.
GRASSROOTS_TOTAL = ("CDCS_TONG", "tong so cong doan co so")
MEMBERS_TOTAL = ("DV_TONG", "tong so doan vien")


@dataclass
class ScoreLine:
    code: str
    title: str
    kind: str  # CriterionKind
    maximum: str
    self_score: str
    verified: str


@dataclass
class VoteLine:
    award: str
    round: int
    rounds: int
    secret: bool
    votes: int
    base: int | None
    percent: str
    elected: bool

    @property
    def figures(self) -> str:
        """ "4/5 phiếu đồng ý, đạt 80%" – as the minutes write it."""
        if not self.base:
            return f"{self.votes} phiếu đồng ý"
        return f"{self.votes}/{self.base} phiếu đồng ý, đạt {self.percent}%"


@dataclass
class ProposedLine:
    award: str
    conferrer: str
    leading: bool


@dataclass
class AchievementDocument:
    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    year: int
    unit_name: str
    parent_name: str
    cluster_name: str
    organizer_name: str
    profile: list[str]  # I.: the unit, numbered
    plan_reference: str
    scores: list[ScoreLine]
    score_max: str
    self_total: str
    verified_total: str
    level: str
    level_abbreviation: str
    rank: int | None
    ranked: int
    indicators: list[IndicatorLine]
    meeting_day: str
    votes: list[VoteLine]
    proposed: list[ProposedLine]
    signature: Signature
    signer_titles: list[str]  # under "TM. …": "CHỦ TỊCH", or "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False
    # A year from paper: the total and the classification of the reports, no table.
    totals_only: bool = False

    @property
    def on_behalf_lines(self) -> list[str]:
        return balanced_lines(self.signature.on_behalf)


def _figure(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == IndicatorKind.YES_NO:
        return "Có" if value >= 1 else "Không"
    text = format_number(value)
    return text + "%" if kind == IndicatorKind.PERCENT else text


def _qualified_figure(value, kind: str, qualifier: str) -> str:
    """ "trên 1.200": a reported figure with its qualifier."""
    text = _figure(value, kind)
    word = QUALIFIER_WORDS.get(qualifier, "") if text and kind != IndicatorKind.YES_NO else ""
    return f"{word} {text}" if word else text


def _matches(indicator, key: tuple[str, str]) -> bool:
    code, name = key
    return indicator.code == code or fold(indicator.name).startswith(name)


def _signer(representative: str, title: str) -> list[str]:
    """A vice-chair signs for the chair (ký thay): "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"."""
    if representative and fold(title).startswith("pho chu tich"):
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    return ["CHỦ TỊCH"]


@translation.override("vi")
def build_achievement(
    cluster_year: ClusterYear,
    organization: Organization,
    *,
    printed_on: datetime.date | None = None,
) -> AchievementDocument:
    """The achievement report of `organization` in `cluster_year`, from its verified result;
    DocumentError while the unit has none. Dated the review meeting's day, else the year's
    end (`printed_on` is kept for the builders' common signature)."""
    cluster_year = ClusterYear.objects.select_related("cluster__organizer").get(pk=cluster_year.pk)
    cluster = cluster_year.cluster
    year = cluster_year.year
    as_of = cluster_year.as_of
    organization = Organization.objects.prefetch_related("former_names").get(pk=organization.pk)
    unit_name = organization.name_on(as_of)
    result = (
        AnnualResult.objects.filter(cluster_year=cluster_year, organization=organization)
        .select_related("program")
        .first()
    )
    standings = cluster_standings(cluster_year)
    row = standings.row_for(organization.pk)
    if (
        result is None
        or result.status not in (ResultStatus.VERIFIED, ResultStatus.LOCKED)
        or row is None
        or row.verified_total is None
    ):
        raise DocumentError(
            _(
                "%(unit)s has no verified result in %(cluster)s for %(year)s: there is no "
                "achievement report to print."
            )
            % {"unit": unit_name, "cluster": cluster.name, "year": year}
        )
    table = standings.table
    organizer_name = cluster.organizer.name_on(as_of)
    parent = ParentPeriod.objects.parents_on([organization.pk], as_of).get(organization.pk)
    parent_name = parent.name_on(as_of) if parent else ""

    meeting = review_meeting(cluster_year)
    attendance = None
    if meeting is not None:
        attendance = meeting.attendances.filter(organization=organization).first()
    header = AdminHeader(
        parent_line=parent_name.upper(),
        issuer_line=unit_name.upper(),
        place=organization.locality,
        date=meeting.held_on if meeting is not None else as_of,
    )

    scores = []
    # A year from paper has no table: only the total prints.
    for section in [] if row.typed else table.sections:
        if section.kind == CriterionKind.SCORE:
            maximum = sum((c.max_points for c in table.criteria_of(section)), Decimal(0))
        else:
            maximum = section.max_points
        self_score = row.self_totals.section_scores.get(section.code) if row.self_totals else None
        verified = row.verified_totals.section_scores.get(section.code)
        scores.append(
            ScoreLine(
                code=section.code,
                title=section.title,
                kind=section.kind,
                maximum=format_number(maximum),
                self_score=format_number(self_score),
                verified=format_number(verified),
            )
        )

    values = {v.indicator_id: v for v in result.indicator_values.all()}
    indicators = []
    grassroots_total = members_total = ""
    for indicator in table.indicators:
        value = values.get(indicator.pk)
        target = value.target if value is not None else None
        actual = value.actual if value is not None else None
        qualifier = value.qualifier if value is not None and actual is not None else ""
        # The unit's size goes in part I, not among its achievements.
        if _matches(indicator, GRASSROOTS_TOTAL) and actual is not None:
            grassroots_total = qualified(actual, qualifier)
            continue
        if _matches(indicator, MEMBERS_TOTAL) and actual is not None:
            members_total = qualified(actual, qualifier)
            continue
        if target is None and actual is None:
            continue
        share = ""
        if indicator.has_target and target and actual is not None:
            share = format_number((actual * 100 / target).quantize(_TENTH))
        indicators.append(
            IndicatorLine(
                number=len(indicators) + 1,
                name=indicator.name,
                target=_figure(target, indicator.kind) if indicator.has_target else "",
                actual=_qualified_figure(actual, indicator.kind, qualifier),
                percent=share,
            )
        )

    votes = []
    if meeting is not None:
        candidates = list(
            VoteCandidate.objects.filter(
                vote__meeting=meeting, vote__status=VoteStatus.COUNTED, organization=organization
            )
            .select_related("vote__award_type")
            .order_by("vote__award_type__order", "vote__award_type__name", "vote__round")
        )
        rounds: dict[int, int] = {}
        for candidate in candidates:
            vote = candidate.vote
            rounds[vote.award_type_id] = max(rounds.get(vote.award_type_id, 0), vote.round)
        for candidate in candidates:
            vote = candidate.vote
            secret = vote.mode == VoteMode.SECRET
            base = vote.ballots_valid if secret else vote.voters
            votes.append(
                VoteLine(
                    award=vote.award_type.name,
                    round=vote.round,
                    rounds=rounds[vote.award_type_id],
                    secret=secret,
                    votes=candidate.votes,
                    base=base,
                    percent=percent(candidate.votes, base),
                    elected=candidate.elected,
                )
            )

    nominations = list(
        Nomination.objects.filter(cluster_year=cluster_year, organization=organization)
        .exclude(status=NominationStatus.WITHDRAWN)
        .exclude(decided_in_advance=True)
        .select_related("award_type__organizer")
        .prefetch_related("award_type__organizer__former_names")
        .order_by("award_type__order", "award_type__name", "pk")
    )
    proposed = [
        ProposedLine(
            award=n.award_type.name,
            conferrer=n.award_type.organizer.name_on(as_of),
            leading=n.leading,
        )
        for n in nominations
    ]
    if proposed:
        subtitle = f"Đề nghị tặng {proposed[0].award} năm {year}"
    else:
        subtitle = f"Năm thi đua {year}"

    profile = [f"Tên đơn vị: {unit_name}."]
    if parent_name:
        profile.append(f"Đơn vị cấp trên trực tiếp: {parent_name}.")
    role = {cluster_year.head_id: "Cụm trưởng", cluster_year.deputy_id: "Cụm phó"}.get(
        organization.pk
    )
    profile.append(
        f"Đơn vị thành viên "
        f"{without_organizer(cluster.name, organizer_name, cluster.organizer.locality)} "
        f"do {organizer_name} tổ chức" + (f"; {role} năm {year}." if role else f", năm {year}.")
    )
    size = []
    if grassroots_total:
        size.append(f"tổng số công đoàn cơ sở trực thuộc: {grassroots_total}")
    if members_total:
        size.append(f"tổng số đoàn viên: {members_total}")
    if size:
        text = "; ".join(size)
        profile.append(text[0].upper() + text[1:] + f" (tính đến {as_of.strftime('%d/%m/%Y')}).")
    profile = [f"{number}. {line}" for number, line in enumerate(profile, start=1)]
    representative = attendance.representative.strip() if attendance is not None else ""
    title = attendance.representative_title if attendance is not None else ""
    level = row.level
    signer_titles = _signer(representative, title)
    return AchievementDocument(
        kind="achievement",
        filename=f"bao-cao-thanh-tich-{organization.code}-{year}",
        header=header,
        title=TITLE,
        subtitle_lines=[subtitle],
        year=year,
        unit_name=unit_name,
        parent_name=parent_name,
        cluster_name=cluster.name,
        organizer_name=organizer_name,
        profile=profile,
        plan_reference=table.program.plan_reference,
        scores=scores,
        score_max=format_number(table.score_max),
        self_total=format_number(row.self_total),
        verified_total=format_number(row.verified_total),
        totals_only=row.typed,
        level=str(Level(level).label) if level else "",
        level_abbreviation=LEVEL_ABBREVIATIONS.get(level, ""),
        rank=row.rank,
        ranked=sum(1 for r in standings.rows if r.rank is not None),
        indicators=indicators,
        meeting_day=meeting.held_on.strftime("%d/%m/%Y") if meeting is not None else "",
        votes=votes,
        proposed=proposed,
        signature=Signature(
            on_behalf=f"TM. {unit_name.upper()}", title=signer_titles[0], name=representative
        ),
        signer_titles=signer_titles,
        recipients=[
            f"- {cluster.name} (Cụm trưởng);",
            f"- Hội đồng Thi đua – Khen thưởng {organizer_name};",
            "- Lưu: VT.",
        ],
    )
