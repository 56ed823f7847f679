"""The notice of a briefing's conclusions (thông báo kết luận giao ban): data built once,
printed as PDF with an HTML preview.

The notice is an official Vietnamese paper of the organiser and is only ever printed in
Vietnamese (like the "Nơi nhận:" of documents/base.html): its fixed wording is written here in
Vietnamese rather than looked up in the catalogue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from emulation.documents.admin_format import abbreviated
from emulation.documents.base import AdminHeader, Signature

from ..models import ClusterKind, ClusterYear, Meeting, MeetingKind, OrganizationKind

TEMPLATE = "clusters/documents/briefing.html"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass
class NoticeItem:
    number: int
    text: str
    detail: str = ""


@dataclass
class ConclusionNotice:
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    intro: list[str]
    lead: str
    items: list[NoticeItem]
    closing: str
    signature: Signature
    recipients: list[str] = field(default_factory=list)
    kind: str = "briefing"
    landscape: bool = False


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _two_digits(number: int) -> str:
    """Counts below ten with a leading zero, as the papers write them ("09 đồng chí")."""
    return f"{number:02d}"


def meeting_name(meeting: Meeting, groups: str) -> str:
    """ "Hội nghị giao ban các Cụm thi đua quý I năm 2024", "Hội nghị sơ kết 6 tháng đầu
    năm 2024 các Cụm thi đua"."""
    if meeting.kind == MeetingKind.INTERIM:
        return f"Hội nghị sơ kết 6 tháng đầu năm {meeting.year} {groups}"
    held = meeting.held_on
    quarter = (held.month - 1) // 3 + 1 if held.year == meeting.year else 4
    return f"Hội nghị giao ban {groups} quý {ROMAN[quarter]} năm {meeting.year}"


def _groups(kinds: set[str]) -> str:
    if kinds == {ClusterKind.BLOC}:
        return "các Khối thi đua"
    if ClusterKind.BLOC in kinds:
        return "các Cụm, Khối thi đua"
    return "các Cụm thi đua"


def _number_suffix(kind: str) -> str:
    if kind == OrganizationKind.CONFEDERATION:
        return "TLĐ"
    if kind in (OrganizationKind.PROVINCIAL, OrganizationKind.DISTRICT):
        return "LĐLĐ"
    return "CĐ"


def signature_for(meeting: Meeting) -> Signature:
    """The chair signs for the standing committee when chair or vice-chair; otherwise the
    notice is signed by order of it."""
    title = meeting.chair_title
    for marker in (" Liên đoàn", " LĐLĐ", " Công đoàn", " Ban ", " - ", " – ", ","):
        if marker in title:
            title = title.split(marker)[0]
    title = title.strip()
    chairs = title.casefold() in ("chủ tịch", "phó chủ tịch")
    return Signature(
        on_behalf="TM. BAN THƯỜNG VỤ" if chairs else "TL. BAN THƯỜNG VỤ",
        title=title.upper(),
        name=meeting.chair,
    )


def build_notice(meeting: Meeting) -> ConclusionNotice:
    """The notice of the conclusions of a briefing or interim review, names as on the day of
    the meeting."""
    meeting = (
        Meeting.objects.select_related("organizer")
        .prefetch_related(
            "organizer__former_names",
            "organizer__parent_periods__parent__former_names",
        )
        .get(pk=meeting.pk)
    )
    organizer = meeting.organizer
    day = meeting.held_on
    organizer_name = organizer.name_on(day)
    parent = organizer.parent_on(day)
    parent_name = parent.name_on(day) if parent is not None else ""
    kinds = set(
        ClusterYear.objects.filter(cluster__organizer=organizer, year=meeting.year).values_list(
            "cluster__kind", flat=True
        )
    )
    groups = _groups(kinds)
    name = meeting_name(meeting, groups)
    present = meeting.attendances.filter(present=True).count()

    sentences = [
        f"Ngày {_date(day)}, {organizer_name} tổ chức {name}"
        + (f" tại {meeting.place}." if meeting.place else ".")
    ]
    if meeting.chair:
        chair = f"đồng chí {meeting.chair}"
        if meeting.chair_title:
            chair += f" - {meeting.chair_title}"
        sentences.append(f"Chủ trì Hội nghị: {chair}.")
    if present:
        heads = "Cụm trưởng" if groups == "các Cụm thi đua" else "Cụm trưởng, Khối trưởng"
        sentences.append(
            f"Tham dự Hội nghị có {_two_digits(present)} đồng chí {heads} {groups} trực thuộc."
        )
    intro = [" ".join(sentences)]
    if meeting.guest_lines:
        intro.append("Khách mời: " + "; ".join(meeting.guest_lines) + ".")

    items = []
    for conclusion in meeting.conclusions.order_by("number"):
        detail = []
        if conclusion.owner:
            detail.append(f"Thực hiện: {conclusion.owner}")
        if conclusion.due_on:
            detail.append(f"thời hạn: trước ngày {_date(conclusion.due_on)}")
        text = conclusion.text.strip()
        if text and text[-1] not in ".!?;:":
            text += "."
        line = "; ".join(detail)
        items.append(NoticeItem(conclusion.number, text, line[:1].upper() + line[1:]))
    speaker = "đồng chí Chủ trì Hội nghị" if meeting.chair else "Hội nghị"
    subject = "Kết luận của đồng chí Chủ trì" if meeting.chair else "Kết luận của Hội nghị"
    lead = (
        f"Sau khi nghe các đồng chí Cụm trưởng báo cáo tình hình hoạt động của {groups} và ý "
        f"kiến thảo luận tại Hội nghị, {speaker} kết luận một số nội dung sau:"
    )
    closing = (
        f"Trên đây là {subject[0].lower()}{subject[1:]} tại {name}; {organizer_name} thông "
        f"báo để {groups} biết, triển khai thực hiện./."
    )
    recipients = []
    if parent_name:
        recipients.append(f"- Thường trực {parent_name} (để báo cáo);")
    recipients += [f"- {groups[0].upper()}{groups[1:]} (để thực hiện);", "- Lưu: VT."]
    header = AdminHeader(
        parent_line=abbreviated(parent_name).upper(),
        issuer_line=organizer_name.upper(),
        place=organizer.locality,
        date=day,
        number="\u00a0" * 8 + f"/TB-{_number_suffix(organizer.kind)}",
    )
    return ConclusionNotice(
        filename=f"thong-bao-ket-luan-{organizer.code}-{day.strftime('%Y-%m-%d')}",
        header=header,
        title="THÔNG BÁO",
        subtitle_lines=[f"{subject} tại {name}"],
        intro=intro,
        lead=lead,
        items=items,
        closing=closing,
        signature=signature_for(meeting),
        recipients=recipients,
    )
