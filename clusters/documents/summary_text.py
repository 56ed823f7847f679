"""The wording the year-end summary report writes itself – the cluster as it stood (part I) and
the organiser's guests at the review (part II) –, shared by the report (awards) and the
meeting's adoption step, which shows parts I–III as they will print and warns when a typed
sentence repeats one the report writes.

Also the two rules against repeated wording: a cluster whose name already names its organiser
is never followed by "thuộc <the organiser>" again, and a sentence of the adopted text that
repeats one of part I is printed once, in the adopted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from emulation.documents.admin_format import count_text
from emulation.text import fold

from ..models import ClusterYear, Meeting
from ..services import cluster_standings
from ..services.figures import figure_totals

# A typed sentence this long that repeats one the report writes is worth a warning.
REPEAT_MIN_LENGTH = 50

# The indicators that describe the cluster's size rather than its results: printed in part I,
# found by code, else by name.
SIZE_INDICATORS = {
    "unions": ("CDCS_TONG", "tong so cong doan co so"),
    "members": ("DV_TONG", "tong so doan vien"),
}

# The positions of an organiser's leaders: the guests who speak at a review ("phát biểu chỉ
# đạo"); the other guests from the organiser (its officers) attend with them.
LEADER_POSITIONS = (
    "chu tich",
    "pho chu tich",
    "uy vien ban thuong vu",
    "uy vien ban chap hanh",
    "truong ban",
    "pho truong ban",
    "chanh van phong",
    "pho chanh van phong",
)
_HONORIFIC = re.compile(r"^(đồng chí|đ/c|ông|bà)\s+", re.IGNORECASE)
_DASH = re.compile(r"\s+[–—-]\s+|,\s+")


# Normalised comparison ---------------------------------------------------------------------------


def normalised(text: str) -> str:
    """Whitespace collapsed, case folded, the closing punctuation dropped: how two sentences
    are compared."""
    return " ".join(text.split()).casefold().strip(" .;:")


def split_sentences(text: str) -> list[str]:
    """The sentences of a typed text: broken after ".", "!" or "?" and at line ends."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [part.strip() for part in parts if part.strip()]


def repeats(sentence: str, texts: list[str], min_length: int = REPEAT_MIN_LENGTH) -> bool:
    """Whether `sentence` (at least `min_length` characters) is found again in one of `texts`,
    or one of theirs in it, compared normalised."""
    wanted = normalised(sentence)
    if len(wanted) < min_length:
        return False
    for text in texts:
        other = normalised(text)
        if wanted in other or (len(other) >= min_length and other in wanted):
            return True
    return False


def repeated_sentences(
    typed: str, written: list[str], min_length: int = REPEAT_MIN_LENGTH
) -> list[str]:
    """The sentences of the typed text, of at least `min_length` characters, that repeat one
    the report writes itself (`written`)."""
    return [
        sentence
        for sentence in split_sentences(typed)
        if repeats(sentence, written, min_length)
        or any(repeats(own, [sentence], min_length) for own in written)
    ]


# The cluster and its organiser -------------------------------------------------------------------


_LOCALITY_WORD = re.compile(r"^(.+?\b(?:tỉnh|thành phố|huyện|quận|thị xã))\s+\S.*$", re.IGNORECASE)


def _without_locality(name: str, locality: str) -> str:
    """ "Liên đoàn Lao động tỉnh Bình Thuận" → "Liên đoàn Lao động tỉnh": by the recorded
    locality, else by the word that introduces it."""
    if locality and fold(name).endswith(" " + fold(locality)):
        return name[: -len(locality)].strip()
    match = _LOCALITY_WORD.match(name)
    return match.group(1) if match else ""


def names_its_organizer(cluster_name: str, organizer_name: str, locality: str = "") -> bool:
    """Whether the cluster's name already ends with its organiser's name – in full, in the
    abbreviated form (LĐLĐ) or without its locality ("… trực thuộc Liên đoàn Lao động
    tỉnh")."""
    folded = fold(cluster_name).rstrip(" .")
    forms = {organizer_name, organizer_name.replace("Liên đoàn Lao động", "LĐLĐ")}
    generic = _without_locality(organizer_name, locality)
    if generic:
        forms |= {generic, generic.replace("Liên đoàn Lao động", "LĐLĐ")}
    return any(form and folded.endswith(fold(form)) for form in forms)


_CONNECTOR = re.compile(r"(?:\s+(?:trực thuộc|thuộc|của)|\s*[-–—,])\s*$", re.IGNORECASE)


def without_organizer(cluster_name: str, organizer_name: str, locality: str = "") -> str:
    """The cluster's name without the organiser it ends with ("Cụm thi đua số 1 thuộc
    Liên đoàn Lao động tỉnh Bình Thuận" → "Cụm thi đua số 1"): the header's issuer line,
    printed under the organiser's own line."""
    if not organizer_name or not names_its_organizer(cluster_name, organizer_name, locality):
        return cluster_name
    folded = fold(cluster_name).rstrip(" .")
    forms = [organizer_name, organizer_name.replace("Liên đoàn Lao động", "LĐLĐ")]
    generic = _without_locality(organizer_name, locality)
    if generic:
        forms += [generic, generic.replace("Liên đoàn Lao động", "LĐLĐ")]
    for form in sorted(forms, key=len, reverse=True):
        if folded.endswith(fold(form)):
            # fold() keeps the length of a name without doubled spaces: cut by words.
            kept = cluster_name.split()[: -len(form.split())]
            rest = _CONNECTOR.sub("", " ".join(kept)).strip()
            return rest or cluster_name
    return cluster_name


def cluster_of(cluster_name: str, organizer_name: str, locality: str = "") -> str:
    """ "Cụm thi đua số 1 thuộc Liên đoàn Lao động tỉnh Bình Thuận" – or the cluster's name
    alone when it names the organiser already: never the organiser twice."""
    if not organizer_name or names_its_organizer(cluster_name, organizer_name, locality):
        return cluster_name
    return f"{cluster_name} thuộc {organizer_name}"


# Part I: the cluster as it stood ----------------------------------------------------------------


def size_indicator(indicators, key: str):
    code, name = SIZE_INDICATORS[key]
    for indicator in indicators:
        if indicator.code == code:
            return indicator
    for indicator in indicators:
        if fold(indicator.name).startswith(name):
            return indicator
    return None


@dataclass
class MemberLine:
    name: str
    role: str  # "head", "deputy" or ""
    note: str  # joined or left during the year


@dataclass
class PartOne:
    """What part I says, sentence by sentence, and what it leaves out because the adopted
    text says it already."""

    members: list[MemberLine]
    member_count: str
    unions_total: str
    union_members_total: str
    paragraphs: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # every sentence it would write
    left_out: list[str] = field(default_factory=list)  # … said by the adopted text already


def _member_list(members: list[MemberLine]) -> str:
    names = []
    for member in members:
        text = member.name
        if member.role == "head":
            text += " (Cụm trưởng)"
        elif member.role == "deputy":
            text += " (Cụm phó)"
        if member.note:
            text += f" ({member.note})"
        names.append(text)
    if len(names) > 1:
        return ", ".join(names[:-1]) + " và " + names[-1]
    return "".join(names)


def build_part_one(
    cluster_year: ClusterYear,
    *,
    names: dict[int, str],
    theme: str,
    adopted: list[str],
    standings=None,
) -> PartOne:
    """Part I of the summary: the members, the cluster's size totalled from their figures, the
    head and deputy with their persons, the year's theme. A sentence the adopted texts
    (`adopted`) repeat is left out here: it prints once, where the meeting adopted it."""
    cluster = cluster_year.cluster
    as_of = cluster_year.as_of
    year = cluster_year.year
    organizer = cluster.organizer
    entries = cluster_year.member_entries()
    members = []
    for entry in entries:
        membership = entry.membership
        note = ""
        if not membership.is_member_on(as_of) and membership.left_on:
            note = f"rời Cụm từ ngày {membership.left_on.strftime('%d/%m/%Y')}"
        elif membership.joined_on and membership.joined_on > cluster_year.first_day:
            note = f"gia nhập Cụm từ ngày {membership.joined_on.strftime('%d/%m/%Y')}"
        members.append(MemberLine(name=entry.name, role=entry.role, note=note))
    current = [e for e in entries if e.membership.is_member_on(as_of)]

    standings = standings or cluster_standings(cluster_year)
    table = standings.table
    result_ids = {row.result.pk for row in standings.counted if row.result is not None}
    indicators = table.indicators if table else []
    # The members' sum, or the cluster's own figure where no member has one ("trên 1.200").
    size = {key: size_indicator(indicators, key) for key in SIZE_INDICATORS}
    figures = figure_totals(
        cluster_year,
        [indicator for indicator in size.values() if indicator is not None],
        result_ids,
    )
    totals = {}
    for key, indicator in size.items():
        figure = figures.get(indicator.pk) if indicator is not None else None
        totals[key] = figure.actual_text if figure is not None else ""

    part = PartOne(
        members=members,
        member_count=count_text(len(current)),
        unions_total=totals["unions"],
        union_members_total=totals["members"],
    )
    subject = cluster_of(cluster.name, organizer.name_on(as_of), organizer.locality)
    first = [
        f"{subject} năm {year} gồm {part.member_count} đơn vị thành viên: {_member_list(members)}."
    ]
    if part.unions_total or part.union_members_total:
        size = " với ".join(
            text
            for text in [
                f"{part.unions_total} công đoàn cơ sở" if part.unions_total else "",
                f"{part.union_members_total} đoàn viên" if part.union_members_total else "",
            ]
            if text
        )
        first.append(f"Các đơn vị trong Cụm có tổng số {size}.")
    second = []
    if cluster_year.head_id:
        text = f"Cụm trưởng năm {year}: {names.get(cluster_year.head_id, '')}"
        if cluster_year.head_person:
            text += f" (đồng chí {cluster_year.head_person}"
            if cluster_year.head_person_title:
                text += f" – {cluster_year.head_person_title}"
            text += ")"
        if cluster_year.deputy_id:
            text += f"; Cụm phó: {names.get(cluster_year.deputy_id, '')}"
            if cluster_year.deputy_person:
                text += f" (đồng chí {cluster_year.deputy_person}"
                if cluster_year.deputy_person_title:
                    text += f" – {cluster_year.deputy_person_title}"
                text += ")"
        second.append(text + ".")
    third = [f"Chủ đề thi đua năm {year}: “{theme}”."] if theme else []
    for block in (first, second, third):
        kept = []
        for sentence in block:
            part.sentences.append(sentence)
            # Left out only when the adopted text holds the whole sentence: a shorter typed
            # sentence inside it is warned about at the adoption step, never cut here.
            own = normalised(sentence)
            if len(own) >= REPEAT_MIN_LENGTH and any(own in normalised(t) for t in adopted):
                part.left_out.append(sentence)
            else:
                kept.append(sentence)
        if kept:
            part.paragraphs.append(" ".join(kept))
    return part


# Part II: the organiser's guests at the review ---------------------------------------------------


@dataclass
class Guest:
    name: str
    position: str
    leader: bool


def parse_guest(line: str) -> Guest:
    """ "Đồng chí Lê Văn Quang – Phó Chủ tịch Liên đoàn Lao động tỉnh Bình Thuận" → the name
    and the position (split at the first dash or comma)."""
    text = _HONORIFIC.sub("", line.strip().rstrip(";.")).strip()
    parts = _DASH.split(text, maxsplit=1)
    name = parts[0].strip()
    position = parts[1].strip() if len(parts) > 1 else ""
    leader = any(fold(position).startswith(title) for title in LEADER_POSITIONS)
    return Guest(name=name, position=position, leader=leader)


def organizer_guests(meeting: Meeting, organizer_name: str, locality: str = "") -> list[Guest]:
    """The review's guests who came from the organiser: the guest lines whose position names
    it (in full, abbreviated or without its locality), in the order the minutes list them."""
    forms = [fold(organizer_name), fold(organizer_name.replace("Liên đoàn Lao động", "LĐLĐ"))]
    guests = []
    for line in meeting.guest_lines:
        guest = parse_guest(line)
        if not guest.position:
            continue
        if names_its_organizer(guest.position, organizer_name, locality) or any(
            form in fold(guest.position) for form in forms
        ):
            guests.append(guest)
    return guests


def _comrades(guests: list[Guest]) -> str:
    return "; ".join(f"đồng chí {g.name} – {g.position}" for g in guests)


def guests_sentence(guests: list[Guest], *, year: int) -> str:
    """Part II's opening: who of the organiser attended the review, its leaders speaking."""
    if not guests:
        return ""
    leaders = [g for g in guests if g.leader]
    others = [g for g in guests if not g.leader]
    meeting = f"Hội nghị tổng kết công tác thi đua năm {year} của Cụm"
    if leaders:
        text = f"{meeting} có sự tham dự và phát biểu chỉ đạo của {_comrades(leaders)}"
        if others:
            text += f"; cùng dự có {_comrades(others)}"
    else:
        text = f"{meeting} có sự tham dự của {_comrades(others)}"
    return text + "."


# Parts I–III as the adoption step shows them -----------------------------------------------------


@dataclass
class ReportSections:
    part_one: PartOne
    guests: str
    achievements: list[str]
    limitations: list[str]
    directions: list[str]
    # Typed sentences that repeat one the report writes, for the adoption step's warning.
    repeated: list[str]


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def report_sections(
    cluster_year: ClusterYear,
    meeting: Meeting,
    *,
    achievements: str,
    limitations: str,
    directions: str,
    names: dict[int, str],
    theme: str,
    standings=None,
) -> ReportSections:
    """Parts I–III of the summary with the texts typed at the review (the adopted ones, or
    those on the adoption step's form)."""
    organizer = cluster_year.cluster.organizer
    organizer_name = organizer.name_on(cluster_year.as_of)
    adopted = [achievements, limitations, directions]
    part_one = build_part_one(
        cluster_year, names=names, theme=theme, adopted=adopted, standings=standings
    )
    guests = guests_sentence(
        organizer_guests(meeting, organizer_name, organizer.locality), year=cluster_year.year
    )
    written = [*part_one.sentences, *([guests] if guests else [])]
    repeated = []
    for text in adopted:
        for sentence in repeated_sentences(text, written):
            if sentence not in repeated:
                repeated.append(sentence)
    return ReportSections(
        part_one=part_one,
        guests=guests,
        achievements=_paragraphs(achievements),
        limitations=_paragraphs(limitations),
        directions=_paragraphs(directions),
        repeated=repeated,
    )


def year_names(cluster_year: ClusterYear, ids) -> dict[int, str]:
    """The names of the members and of the given units as of the year."""
    from ..models import Organization

    names = {e.membership.organization_id: e.name for e in cluster_year.member_entries()}
    others = set(ids) - set(names) - {None}
    if others:
        names.update(Organization.objects.filter(pk__in=others).names_on(cluster_year.as_of))
    return names
