"""What the documents of a cluster's review share – the minutes, the submission, the
summary and the achievement report: the review meeting, the nominations as they stood at its
close, and how figures, times, dates and paragraphs are written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from clusters.models import (
    ClusterYear,
    Meeting,
    MeetingKind,
    Organization,
)
from emulation.documents.base import vi_date_line
from emulation.text import format_number

from ..models import Nomination, NominationStatus

_TENTH = Decimal("0.1")


def percent(part: int | None, whole: int | None) -> str:
    """ "80", "87,5": a share in per cent with at most one decimal, blank without a base."""
    if part is None or not whole:
        return ""
    return format_number((Decimal(100) * part / whole).quantize(_TENTH))


def clock(value: datetime.time | None) -> str:
    """ "08 giờ 00 phút" – the time as the minutes write it; "…" when not recorded."""
    if value is None:
        return "…"
    return f"{value.hour:02d} giờ {value.minute:02d} phút"


def day_text(day: datetime.date) -> str:
    """ "ngày 07 tháng 01 năm 2019" (the date line's rule, in the middle of a sentence)."""
    text = vi_date_line("", day)
    return text[0].lower() + text[1:]


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def review_meeting(cluster_year: ClusterYear) -> Meeting | None:
    return (
        Meeting.objects.filter(cluster_year=cluster_year, kind=MeetingKind.REVIEW)
        .select_related("host", "elected_head", "elected_deputy")
        .prefetch_related("host__former_names")
        .first()
    )


def names_on(ids, day: datetime.date) -> dict[int, str]:
    return Organization.objects.filter(pk__in=ids).names_on(day)


@dataclass
class IndicatorLine:
    """An indicator's row in the summary and the achievement report."""

    number: int
    name: str
    target: str
    actual: str
    percent: str


def standing_at_close(nominations, meeting):
    """`nominations` of the meeting's year as they stood at its close – a later withdrawal or
    addition does not rewrite the documents; before the close, those not withdrawn."""
    if meeting.is_closed and meeting.closed_at:
        at_close = [
            n.pk
            for n in Nomination.history.as_of(meeting.closed_at).filter(
                cluster_year_id=meeting.cluster_year_id
            )
            if n.status != NominationStatus.WITHDRAWN
        ]
        return nominations.filter(pk__in=at_close)
    return nominations.exclude(status=NominationStatus.WITHDRAWN)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def conferring_decision(nomination, report_day: datetime.date):
    """The decision that conferred `nomination`'s award, when a report dated `report_day` may
    cite it: in force and dated no later than the report. None otherwise – the nomination is
    then printed as a proposal (or left out when it was decided in advance)."""
    from ..models import AwardStatus

    try:
        award = nomination.award
    except Nomination.award.RelatedObjectDoesNotExist:
        return None
    if award.status != AwardStatus.ACTIVE or award.decision.signed_on > report_day:
        return None
    return award.decision


def decision_text(decision) -> str:
    """ "Quyết định số 15/QĐ-LĐLĐ ngày 10/01/2025" """
    return f"Quyết định số {decision.number} ngày {decision.signed_on.strftime('%d/%m/%Y')}"
