"""The year-end summary report of a cluster-year (báo cáo tổng kết công tác thi đua năm …),
printed as PDF (and DOCX) with an HTML preview.

It is the paper the review meeting adopted: the cluster as it stood that year, the results
(the adopted text, the indicators totalled over the members, the classification and the
ranking, drawn as charts too), next year's directions and the outcome of the vote – the
nominees and next year's head and deputy. The builder computes every figure; the template
holds the wording, official Vietnamese whatever the reader's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.documents.admin_format import header_for, signature_for
from clusters.documents.summary_text import (
    SIZE_INDICATORS,
    MemberLine,
    report_sections,
    size_indicator,
    year_names,
)
from clusters.models import (
    LEVEL_ABBREVIATIONS,
    QUALIFIER_WORDS,
    ClusterYear,
    EmulationProgram,
    Level,
    Meeting,
    Pact,
)
from clusters.services import cluster_standings
from clusters.services.figures import FigureTotal, figure_totals
from emulation.documents import fonts
from emulation.documents.admin_format import BLANK_NUMBER, count_text, summary_number
from emulation.documents.base import AdminHeader, DocumentError, Signature
from emulation.text import format_number, vi_sort_key

from ..models import AwardKind, Nomination, VoteMode
from .common import (
    ROMAN,
    IndicatorLine,
    conferring_decision,
    day_text,
    decision_text,
    percent,
    review_meeting,
    standing_at_close,
)

TEMPLATE = "awards/documents/summary.html"
TITLE = "BÁO CÁO"
_TENTH = Decimal("0.1")

# The charts: plain geometry in millimetres of the printed column (165 mm wide) -------------

CHART_WIDTH = Decimal(165)
LABEL_WIDTH = Decimal(64)  # unit names, right-aligned against the bars
BAR_AREA = Decimal(84)  # from the axis to the scale's maximum
VALUE_WIDTH = Decimal(12)  # the figures, right-aligned after the scale
ROW_HEIGHT = Decimal("6.4")  # a bar whose name takes one line; more lines, a taller row
BAR_HEIGHT = Decimal("4.2")
AXIS_TOP = Decimal(2)
LABEL_SIZE = Decimal("3.4")  # the charts' font-size, in millimetres
LABEL_LINE = Decimal("3.8")  # from one line of a wrapped name to the next
LABEL_LINES = 2  # a name wraps over two lines; only a longer one takes its short form
# Greys that stay apart on a black-and-white printer, best level darkest.
LEVEL_FILLS = {
    Level.EXCELLENT: "#3a3a3a",
    Level.GOOD: "#8c8c8c",
    Level.COMPLETED: "#c4c4c4",
    Level.FAILED: "#e6e6e6",
    Level.NONE: "#ffffff",
}
LEVEL_INKS = {Level.EXCELLENT: "#ffffff", Level.GOOD: "#ffffff"}


def short_unit_name(name: str) -> str:
    """The abbreviations the papers use in tight places: "LĐLĐ huyện Bắc Bình"."""
    return name.replace("Liên đoàn Lao động", "LĐLĐ").replace("Công đoàn", "CĐ")


def _mm(value: Decimal) -> str:
    return format(value.quantize(_TENTH), "f")


@dataclass
class LabelLine:
    text: str
    y: str


@dataclass
class ScoreBar:
    label: str  # the unit's name as the chart prints it, whole
    value: str  # printed, e.g. "97,5"
    rank: int | None
    y: Decimal
    width: Decimal  # of the bar, 0 without a score
    lines: list[str] = field(default_factory=list)  # the label, wrapped
    height: Decimal = ROW_HEIGHT

    @property
    def middle(self) -> Decimal:
        return self.y + self.height / 2

    @property
    def bar_y(self) -> str:
        return _mm(self.middle - BAR_HEIGHT / 2)

    @property
    def text_y(self) -> str:
        return _mm(self.middle + Decimal("1.2"))

    @property
    def label_lines(self) -> list[LabelLine]:
        """The label's lines, centred on the bar."""
        first = self.middle + Decimal("1.2") - LABEL_LINE * (len(self.lines) - 1) / 2
        return [
            LabelLine(text=line, y=_mm(first + LABEL_LINE * index))
            for index, line in enumerate(self.lines)
        ]

    @property
    def bar_width(self) -> str:
        return _mm(self.width)

    @property
    def value_x(self) -> str:
        # A column of its own right of the scale, like the figures of a table.
        return _mm(LABEL_WIDTH + 2 + BAR_AREA + VALUE_WIDTH)

    @property
    def leading(self) -> bool:
        return self.rank == 1


# A name on two lines breaks best before the word of its locality ("… / huyện Tuy Phong").
LOCALITIES = ("huyện ", "quận ", "thị xã ", "thị trấn ", "thành phố ", "tỉnh ", "xã ", "phường ")


def chart_label(name: str, bold: bool = False) -> tuple[str, list[str]]:
    """A unit's name for the chart and its lines, right-aligned in the label column with a
    millimetre to spare: the whole name over at most two lines, else its short form
    ("LĐLĐ", "CĐ") over as many as it takes – never a name cut at the edge."""
    width, size = float(LABEL_WIDTH - 1), float(LABEL_SIZE)
    lines = fonts.wrap(name, width, size, bold)
    if len(lines) > LABEL_LINES:
        name = short_unit_name(name)
        lines = fonts.wrap(name, width, size, bold)
    if len(lines) == 2:
        words = name.split()
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        longest = {
            split: max(fonts.text_width(line, size, bold) for line in split) for split in splits
        }
        fitting = [split for split in splits if longest[split] <= width]
        lines = list(
            min(
                fitting,
                key=lambda split: (not split[1].startswith(LOCALITIES), longest[split]),
            )
        )
    return name, lines


@dataclass
class Tick:
    x: str
    label: str


@dataclass
class ScoreChart:
    bars: list[ScoreBar]
    ticks: list[Tick]
    height: Decimal

    @property
    def height_mm(self) -> str:
        return _mm(self.height)

    @property
    def bar_height(self) -> str:
        return _mm(BAR_HEIGHT)

    @property
    def axis_x(self) -> str:
        return _mm(LABEL_WIDTH + 2)

    @property
    def bottom(self) -> Decimal:
        return AXIS_TOP + sum((bar.height for bar in self.bars), Decimal(0))

    @property
    def axis_bottom(self) -> str:
        return _mm(self.bottom)

    @property
    def tick_label_y(self) -> str:
        return _mm(self.bottom + Decimal("4.2"))

    @property
    def label_x(self) -> str:
        return _mm(LABEL_WIDTH)


def score_chart(rows: list[tuple[str, Decimal | None, int | None]], top: Decimal) -> ScoreChart:
    """Horizontal bars, one per member in rank order, on a scale from 0 to `top` rounded up
    to ten points."""
    scale_max = max([top, *(value for _, value, _ in rows if value is not None)])
    scale_max = (scale_max / 10).to_integral_value(rounding=ROUND_CEILING) * 10 or Decimal(10)
    step = Decimal(20) if scale_max > 60 else Decimal(10)
    bars = []
    y = AXIS_TOP
    for name, value, rank in rows:
        width = BAR_AREA * value / scale_max if value is not None else Decimal(0)
        label, lines = chart_label(name, bold=rank == 1)
        height = max(ROW_HEIGHT, LABEL_LINE * len(lines) + Decimal("2.2"))
        bars.append(
            ScoreBar(
                label=label,
                value=format_number(value) if value is not None else "–",
                rank=rank,
                y=y,
                width=max(width, Decimal(0)),
                lines=lines,
                height=height,
            )
        )
        y += height
    ticks = []
    mark = Decimal(0)
    while mark <= scale_max:
        ticks.append(
            Tick(x=_mm(LABEL_WIDTH + 2 + BAR_AREA * mark / scale_max), label=format_number(mark))
        )
        mark += step
    return ScoreChart(bars=bars, ticks=ticks, height=y + 6)


@dataclass
class ShareSegment:
    level: str
    abbreviation: str
    label: str  # the level's name
    count: int
    percent: str
    x: Decimal
    width: Decimal
    fill: str
    ink: str
    legend_y: Decimal

    @property
    def x_mm(self) -> str:
        return _mm(self.x)

    @property
    def width_mm(self) -> str:
        return _mm(self.width)

    @property
    def middle_x(self) -> str:
        return _mm(self.x + self.width / 2)

    @property
    def fits_label(self) -> bool:
        return self.width >= 16

    @property
    def legend_box_y(self) -> str:
        return _mm(self.legend_y - Decimal("3.2"))

    @property
    def legend_text_y(self) -> str:
        return _mm(self.legend_y)

    @property
    def count_text(self) -> str:
        return count_text(self.count)


@dataclass
class ShareChart:
    segments: list[ShareSegment]
    height: Decimal
    bar_width: Decimal = CHART_WIDTH - 2

    @property
    def height_mm(self) -> str:
        return _mm(self.height)


def share_chart(distribution: list[dict]) -> ShareChart:
    """One bar split by classification level, with its legend below."""
    used = [item for item in distribution if item["count"]]
    total = sum(item["count"] for item in used) or 1
    x = Decimal(1)
    width_all = CHART_WIDTH - 2
    segments = []
    for index, item in enumerate(used):
        width = width_all * item["count"] / total
        segments.append(
            ShareSegment(
                level=item["level"],
                abbreviation=item["abbreviation"],
                label=str(Level(item["level"]).label),
                count=item["count"],
                percent=format_number(item["percent"].quantize(_TENTH)),
                x=x,
                width=width,
                fill=LEVEL_FILLS[item["level"]],
                ink=LEVEL_INKS.get(item["level"], "#000000"),
                legend_y=Decimal(18) + Decimal(6) * index,
            )
        )
        x += width
    return ShareChart(segments=segments, height=Decimal(13) + Decimal(6) * len(segments))


# The document ---------------------------------------------------------------------------------


@dataclass
class StandingLine:
    number: int
    name: str
    self_total: str
    total: str
    level: str
    rank: int | None
    rank_text: str = ""


@dataclass
class LevelLine:
    label: str
    abbreviation: str
    count: str
    percent: str


@dataclass
class NomineeLine:
    name: str
    leading: bool
    vote_text: str  # "4/5 phiếu đồng ý, đạt 80%"


@dataclass
class ConferredLine:
    """An award decided by a decision dated no later than the report and handed over."""

    award: str
    name: str
    decision: str  # "Quyết định số 15/QĐ-LĐLĐ ngày 10/01/2025"
    handed_over: bool


@dataclass
class AwardGroup:
    numeral: str
    award: str
    leading: bool
    lines: list[NomineeLine]


@dataclass
class SummaryDocument:
    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    year: int
    next_year: int
    cluster_name: str
    organizer_name: str
    intro: str
    report_date: datetime.date  # a report never cites a decision dated after it
    # I. The cluster: its paragraphs as printed, and their parts.
    part_one: list[str]
    members: list[MemberLine]
    member_count: str
    head: str
    deputy: str
    theme: str
    unions_total: str
    union_members_total: str
    # II. Results
    guests: str  # the organiser's guests at the review
    achievements: list[str]
    limitations: list[str]
    indicators: list[IndicatorLine]
    standings: list[StandingLine]
    not_classified: list[str]  # "unit: reason", the note under the ranking
    levels: list[LevelLine]
    score_chart: ScoreChart | None
    share_chart: ShareChart | None
    # III. Next year
    directions: list[str]
    # IV. The vote and the proposals
    meeting_day: str
    meeting_place: str
    vote_phrase: str
    addressee: str
    awards: list[AwardGroup]
    conferred: list[ConferredLine]
    elected_head: str
    elected_deputy: str
    pact: str  # next year's pact signed at the review
    signature: Signature
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False
    # A year from paper: one total per unit, no self-assessment column.
    totals_only: bool = False


def _closed_review(cluster_year: ClusterYear) -> Meeting:
    cluster = cluster_year.cluster
    meeting = review_meeting(cluster_year)
    if meeting is None or not meeting.is_closed:
        raise DocumentError(
            _(
                "%(cluster)s (%(code)s) has no closed year-end review for %(year)s: the summary "
                "report prints what the review adopted, so close the review first."
            )
            % {"cluster": cluster.name, "code": cluster.code, "year": cluster_year.year}
        )
    return meeting


def _indicator_lines(table, totals: dict[int, FigureTotal], skip: set[int]) -> list[IndicatorLine]:
    """Each indicator over the cluster at the year's end – the members' sum, or the cluster's
    own figure where no member has one: target, actual (with its qualifier, "trên 1.200") and
    the share of the target reached."""
    if table is None:
        return []
    lines = []
    for indicator in table.indicators:
        if indicator.pk in skip or indicator.pk not in totals:
            continue
        figure = totals[indicator.pk]
        target, actual = figure.target, figure.actual
        share = ""
        if target and actual is not None:
            share = format_number((Decimal(100) * actual / target).quantize(_TENTH))
            if figure.qualifier:
                share = f"{QUALIFIER_WORDS[figure.qualifier]} {share}"
        lines.append(
            IndicatorLine(
                number=len(lines) + 1,
                name=indicator.name,
                target=figure.target_text,
                actual=figure.actual_text,
                percent=share,
            )
        )
    return lines


def _vote_phrase(modes: set[str]) -> str:
    if modes == {VoteMode.SECRET}:
        return "bỏ phiếu kín"
    if modes == {VoteMode.OPEN}:
        return "biểu quyết giơ tay"
    if modes:
        return "bỏ phiếu kín và biểu quyết giơ tay"
    return ""


def _award_groups(
    cluster_year: ClusterYear, meeting: Meeting, names, report_day: datetime.date
) -> tuple[list[AwardGroup], list[ConferredLine]]:
    """The nominations the review decided, as they stood at its close (a later withdrawal
    does not rewrite the report), grouped by award form – and, apart, the awards already
    conferred by a decision dated no later than the report (a report never cites a decision
    dated after its own date: those stay proposals)."""
    nominations = (
        Nomination.objects.filter(cluster_year=cluster_year)
        .select_related("award_type", "vote", "award__decision")
        .order_by("award_type__order", "award_type__name", "-leading", "-votes", "pk")
    )
    nominations = standing_at_close(nominations, meeting)
    groups: dict[int, AwardGroup] = {}
    conferred = []
    for nomination in nominations:
        decision = conferring_decision(nomination, report_day)
        if decision is not None:
            conferred.append(
                ConferredLine(
                    award=nomination.award_type.name,
                    name=names.get(nomination.organization_id, ""),
                    decision=decision_text(decision),
                    handed_over=nomination.handed_over_at_id == meeting.pk,
                )
            )
            continue
        if nomination.decided_in_advance:
            continue
        award_type = nomination.award_type
        group = groups.get(award_type.pk)
        if group is None:
            group = groups[award_type.pk] = AwardGroup(
                numeral=ROMAN[len(groups) % len(ROMAN)],
                award=award_type.name,
                leading=award_type.kind == AwardKind.LEADING_FLAG,
                lines=[],
            )
        vote = nomination.vote
        vote_text = ""
        if vote is not None and nomination.votes is not None:
            secret = vote.mode == VoteMode.SECRET
            base = vote.ballots_valid if secret else vote.voters
            if base:
                unit = "phiếu" if secret else "đơn vị biểu quyết"
                vote_text = (
                    f"{nomination.votes}/{base} {unit} đồng ý, đạt "
                    f"{percent(nomination.votes, base)}%"
                )
        group.lines.append(
            NomineeLine(
                name=names.get(nomination.organization_id, ""),
                leading=nomination.leading,
                vote_text=vote_text,
            )
        )
    for group in groups.values():
        group.leading = group.leading or all(line.leading for line in group.lines)
    for index, group in enumerate(groups.values()):
        group.numeral = ROMAN[index % len(ROMAN)]
    return list(groups.values()), conferred


def _number(cluster_year: ClusterYear) -> str:
    suffix = cluster_year.number_suffix or "CTĐ"
    return summary_number(cluster_year.summary_number, f"BC-{suffix}") or (
        f"{BLANK_NUMBER}/BC-{suffix}"
    )


def _pact_sentence(cluster_year: ClusterYear, meeting: Meeting) -> str:
    """Part IV: next year's pact, when it was signed at this review (recorded so, or signed
    on its day) – its date, place and whether every member signed."""
    pact = (
        Pact.objects.filter(
            cluster_year__cluster=cluster_year.cluster, cluster_year__year=cluster_year.year + 1
        )
        .filter(Q(meeting=meeting) | Q(meeting__isnull=True, signed_on=meeting.held_on))
        .select_related("cluster_year")
        .first()
    )
    if pact is None:
        return ""
    following = pact.cluster_year
    members = set(
        following.memberships.on(pact.signed_on or following.first_day).values_list(
            "organization_id", flat=True
        )
    ) or set(following.memberships.values_list("organization_id", flat=True))
    signed = set(pact.signatories.values_list("organization_id", flat=True)) & members
    text = f"Tại Hội nghị, các đơn vị thành viên đã ký kết Giao ước thi đua năm {following.year}"
    details = []
    if pact.signed_on:
        details.append(day_text(pact.signed_on))
    if pact.place:
        details.append(f"tại {pact.place}")
    if details:
        text += f" ({', '.join(details)})"
    if members and signed == members:
        text += f", toàn thể {count_text(len(members))}/{count_text(len(members))} đơn vị thành viên đã ký"
    elif members:
        text += f", {count_text(len(signed))}/{count_text(len(members))} đơn vị thành viên đã ký"
    return text + "."


@translation.override("vi")
def build_summary(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> SummaryDocument:
    """The summary report the year's review adopted, numbered and dated as the head set it
    (else dated the day of the review, the number left to be written in by hand);
    DocumentError while the year has no closed review."""
    cluster_year = ClusterYear.objects.select_related("cluster__organizer", "head", "deputy").get(
        pk=cluster_year.pk
    )
    cluster = cluster_year.cluster
    meeting = _closed_review(cluster_year)
    year = cluster_year.year
    as_of = cluster_year.as_of
    organizer_name = cluster.organizer.name_on(as_of)

    report_date = cluster_year.summary_date or meeting.held_on
    header = header_for(cluster_year, printed_on=report_date)
    if meeting.host_id and meeting.host.locality:
        header.place = meeting.host.locality
    header.number = _number(cluster_year)

    names = year_names(
        cluster_year,
        {
            meeting.elected_head_id,
            meeting.elected_deputy_id,
            cluster_year.head_id,
            cluster_year.deputy_id,
        },
    )
    standings = cluster_standings(cluster_year)
    table = standings.table
    program = table.program if table else EmulationProgram.for_cluster_year(cluster_year)
    counted = standings.counted
    result_ids = {row.result.pk for row in counted if row.result is not None}
    indicators = table.indicators if table else []

    # I–III: the cluster, the organiser's guests and the adopted texts.
    sections = report_sections(
        cluster_year,
        meeting,
        achievements=meeting.achievements,
        limitations=meeting.limitations,
        directions=meeting.directions,
        names=names,
        theme=program.theme if program is not None else "",
        standings=standings,
    )
    part_one = sections.part_one

    # II. Results.
    skip = {
        indicator.pk
        for indicator in (size_indicator(indicators, key) for key in SIZE_INDICATORS)
        if indicator is not None
    }
    totals = figure_totals(cluster_year, indicators, result_ids)
    indicator_lines = _indicator_lines(table, totals, skip)
    ordered = sorted(
        standings.rows,
        key=lambda r: (r.rank is None, r.rank or 0, not r.member_at_end, vi_sort_key(r.name)),
    )
    standing_lines = [
        StandingLine(
            number=index,
            name=row.name,
            self_total=format_number(row.self_total),
            total=format_number(row.verified_total),
            level=row.level_cell,
            rank=None if row.not_classified else row.rank,
            rank_text=row.rank_cell,
        )
        for index, row in enumerate(ordered, start=1)
    ]
    scored = [row for row in ordered if row.member_at_end and row.verified_total is not None]
    levels = [
        LevelLine(
            label=str(Level(item["level"]).label),
            abbreviation=LEVEL_ABBREVIATIONS[item["level"]],
            count=count_text(item["count"]),
            percent=format_number(item["percent"].quantize(_TENTH)),
        )
        for item in standings.distribution
        if item["count"]
    ]
    chart = None
    shares = None
    if scored:
        top = table.score_max if table else Decimal(100)
        chart = score_chart([(r.name, r.verified_total, r.rank) for r in scored], top)
        shares = share_chart(standings.distribution)

    # IV. The vote, and the awards already conferred.
    modes = set(meeting.votes.values_list("mode", flat=True))
    award_groups, conferred = _award_groups(cluster_year, meeting, names, header.date)
    intro = (
        f"{cluster.name} báo cáo kết quả thực hiện công tác thi đua năm {year} và phương "
        f"hướng, nhiệm vụ năm {year + 1} như sau:"
    )
    if program is not None and program.plan_reference:
        intro = (
            f"Thực hiện {program.plan_reference} của {organizer_name} về việc phát động phong "
            f"trào thi đua năm {year}, {intro}"
        )

    signature = signature_for(cluster_year)
    signature.name = cluster_year.head_person
    subtitle = [f"Tổng kết công tác thi đua năm {year} của {cluster.name}"]
    if meeting.directions.strip():
        subtitle.append(f"và phương hướng, nhiệm vụ năm {year + 1}")
    return SummaryDocument(
        kind="summary",
        filename=f"bao-cao-tong-ket-{cluster.code}-{year}",
        header=header,
        title=TITLE,
        subtitle_lines=subtitle,
        year=year,
        next_year=year + 1,
        cluster_name=cluster.name,
        organizer_name=organizer_name,
        intro=intro,
        report_date=report_date,
        part_one=part_one.paragraphs,
        members=part_one.members,
        member_count=part_one.member_count,
        head=names.get(cluster_year.head_id, "") if cluster_year.head_id else "",
        deputy=names.get(cluster_year.deputy_id, "") if cluster_year.deputy_id else "",
        theme=program.theme if program is not None else "",
        unions_total=part_one.unions_total,
        union_members_total=part_one.union_members_total,
        guests=sections.guests,
        achievements=sections.achievements,
        limitations=sections.limitations,
        indicators=indicator_lines,
        standings=standing_lines,
        not_classified=standings.not_classified_notes,
        levels=levels,
        score_chart=chart,
        share_chart=shares,
        directions=sections.directions,
        meeting_day=day_text(meeting.held_on),
        meeting_place=meeting.place,
        vote_phrase=_vote_phrase(modes),
        addressee="Hội đồng Thi đua – Khen thưởng " + organizer_name,
        awards=award_groups,
        conferred=conferred,
        elected_head=names.get(meeting.elected_head_id, "") if meeting.elected_head_id else "",
        elected_deputy=(
            names.get(meeting.elected_deputy_id, "") if meeting.elected_deputy_id else ""
        ),
        pact=_pact_sentence(cluster_year, meeting),
        signature=signature,
        totals_only=bool(program is not None and program.totals_only),
        recipients=[
            f"- Thường trực {organizer_name} (để báo cáo);",
            f"- Hội đồng Thi đua – Khen thưởng {organizer_name};",
            "- Các đơn vị thành viên Cụm;",
            "- Lưu: VT.",
        ],
    )
