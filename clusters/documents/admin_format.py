"""The administrative format of a cluster's documents – the roster, the results, the
minutes, the submission, the summary, the pact: the header blocks and the signature as the
cluster-year names them (its own header lines and signer where the head set them, else the
organiser's and the cluster's names as of the year)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from emulation.documents import fonts
from emulation.documents.admin_format import admin_header, emulation_group_signature
from emulation.documents.base import AdminHeader, Signature

from ..models import ClusterKind, ClusterYear
from .summary_text import without_organizer


def header_for(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> AdminHeader:
    """The administrative header of a cluster document, as named in that year."""
    as_of = cluster_year.as_of
    cluster = cluster_year.cluster
    organizer_name = cluster.organizer.name_on(as_of)
    place = ""
    if cluster_year.head is not None:
        place = cluster_year.head.locality
    place = place or cluster.organizer.locality
    if printed_on is None and cluster_year.recorded_afterwards:
        printed_on = event_day(cluster_year)
    return admin_header(
        parent_name=cluster_year.header_parent_line or organizer_name,
        # The organiser heads the block already: a cluster named after it is not named
        # after it again below.
        issuer_name=cluster_year.header_issuer_line
        or without_organizer(cluster.name, organizer_name, cluster.organizer.locality),
        place=place,
        date=printed_on or timezone.localdate(),
    )


def event_day(cluster_year: ClusterYear) -> datetime.date:
    """The day a paper of a year recorded afterwards is dated: its review meeting's, else the
    year's last day – never the day it was typed in."""
    from ..models import Meeting, MeetingKind

    held = (
        Meeting.objects.filter(cluster_year=cluster_year, kind=MeetingKind.REVIEW)
        .values_list("held_on", flat=True)
        .first()
    )
    return held or cluster_year.as_of


def signature_for(cluster_year: ClusterYear) -> Signature:
    return emulation_group_signature(
        bloc=cluster_year.cluster.kind != ClusterKind.CLUSTER,
        signer_label=cluster_year.signer_label,
        name=cluster_year.head_person,
    )


# The left header block: how many lines a name takes, and its short form ---------------------

# The left block is 42 % of the 165 mm column, set in 12.5 pt (templates/documents/base.html).
HEADER_BLOCK_WIDTH_PT = 0.42 * 165 * 72 / 25.4
HEADER_FONT_SIZE_PT = 12.5
HEADER_MAX_LINES = 3

# The glossary's abbreviations, longest first; "Cụm thi đua số …" stays whole: it is the
# cluster's own name.
SHORT_FORMS = [
    ("Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam"),
    ("Liên đoàn Lao động", "LĐLĐ"),
    ("Công đoàn cơ sở", "CĐCS"),
    ("Công đoàn ngành", "CĐN"),
    ("Khu công nghiệp", "KCN"),
    ("công nhân, viên chức, lao động", "CNVCLĐ"),
    ("Trung học phổ thông", "THPT"),
    ("Trung học cơ sở", "THCS"),
    ("Công ty Cổ phần", "Công ty CP"),
    ("Trách nhiệm hữu hạn", "TNHH"),
    ("thành phố", "TP"),
    ("Công đoàn", "CĐ"),
]


def header_line_count(text: str, *, bold: bool = True) -> int:
    """How many lines `text` takes in the left header block, in capitals, broken between
    words as the PDF does."""
    return len(fonts.wrap(text.upper(), HEADER_BLOCK_WIDTH_PT, HEADER_FONT_SIZE_PT, bold))


def short_form(name: str) -> str:
    """The name with the glossary's abbreviations (LĐLĐ, CĐCS, KCN …): "Cụm thi đua số 3 các
    Công đoàn cơ sở khối Doanh nghiệp Khu công nghiệp …" → "Cụm thi đua số 3 các CĐCS khối
    Doanh nghiệp KCN …"."""
    short = " ".join(name.split())
    for long, abbreviation in SHORT_FORMS:
        short = re.sub(re.escape(long), abbreviation, short, flags=re.IGNORECASE)
    return short


def proposed_short_issuer(cluster_year: ClusterYear) -> str:
    """A short form of the issuer line when the cluster's name would take more than three
    lines of the left header block and the short form takes fewer; "" otherwise (or when the
    head has set a line of its own)."""
    if cluster_year.header_issuer_line:
        return ""
    # The line as it would print: without the organiser heading the block above it.
    cluster = cluster_year.cluster
    organizer = cluster.organizer
    name = without_organizer(
        cluster.name, organizer.name_on(cluster_year.as_of), organizer.locality
    )
    if header_line_count(name) <= HEADER_MAX_LINES:
        return ""
    short = short_form(name)
    if short == name or header_line_count(short) >= header_line_count(name):
        return ""
    return short
