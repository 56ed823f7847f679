"""Briefings (giao ban) and interim reviews of an organiser's cluster heads: the meeting with
the heads' attendance, its numbered conclusions, and how each cluster follows them up.

A briefing belongs to the organiser and the emulation year, not to one cluster-year: it
concerns every cluster the organiser runs that year, whose head units attend it. A cluster
without a follow-up record on a conclusion has not started it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ..models import (
    Attendance,
    ClusterYear,
    Conclusion,
    FollowUp,
    FollowUpStatus,
    Meeting,
)
from ..permissions import BRIEFING_KINDS
from .history import stamp

# The state of one cluster on one conclusion, as shown: overdue wins over the status.
DONE = "done"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
OVERDUE = "overdue"
STATES = (DONE, IN_PROGRESS, OVERDUE, NOT_STARTED)


def follow_up_state(status: str, due_on: datetime.date | None, today: datetime.date) -> str:
    """done, overdue (not done and the due date has passed), in progress or not started."""
    if status == FollowUpStatus.DONE:
        return DONE
    if due_on is not None and due_on < today:
        return OVERDUE
    return IN_PROGRESS if status == FollowUpStatus.IN_PROGRESS else NOT_STARTED


def briefing_cluster_years(organizer_id: int, year: int):
    """The organiser's cluster-years of the year – the clusters a briefing concerns – with
    the head's name as of the year, in the clusters' order."""
    return (
        ClusterYear.objects.filter(cluster__organizer_id=organizer_id, year=year)
        .with_names()
        .select_related("cluster", "head")
        .order_by("cluster__kind", "cluster__number", "cluster__code")
    )


# The meeting and its attendance ------------------------------------------------------------


@dataclass
class AttendanceRow:
    """A head unit at the briefing: its cluster(s), and its attendance record if any."""

    organization_id: int
    name: str
    clusters: list[str]
    attendance: Attendance | None
    head_person: str = ""
    head_person_title: str = ""


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """The heads of the organiser's clusters of the year, then any other unit recorded as
    attending: three queries whatever the number of clusters."""
    recorded = {a.organization_id: a for a in meeting.attendances.select_related("organization")}
    rows: dict[int, AttendanceRow] = {}
    for cluster_year in briefing_cluster_years(meeting.organizer_id, meeting.year):
        if cluster_year.head_id is None:
            continue
        row = rows.get(cluster_year.head_id)
        if row is None:
            row = rows[cluster_year.head_id] = AttendanceRow(
                organization_id=cluster_year.head_id,
                name=cluster_year.head_name,
                clusters=[],
                attendance=recorded.get(cluster_year.head_id),
                head_person=cluster_year.head_person,
                head_person_title=cluster_year.head_person_title,
            )
        row.clusters.append(cluster_year.cluster.name)
    for org_id, attendance in recorded.items():
        if org_id not in rows:
            rows[org_id] = AttendanceRow(
                organization_id=org_id,
                name=attendance.organization.name,
                clusters=[],
                attendance=attendance,
            )
    return list(rows.values())


@transaction.atomic
def create_briefing(*, by, reason: str = "", **fields) -> Meeting:
    """A new briefing of an organiser's cluster heads, each head listed as not yet present
    with the person acting for it as its representative."""
    meeting = Meeting(cluster_year=None, **fields)
    meeting.full_clean()
    stamp(meeting, by, reason or _("Briefing created"))
    meeting.save()
    heads = {}
    for cluster_year in briefing_cluster_years(meeting.organizer_id, meeting.year):
        if cluster_year.head_id is not None:
            heads.setdefault(cluster_year.head_id, cluster_year)
    for head_id, cluster_year in heads.items():
        attendance = Attendance(
            meeting=meeting,
            organization_id=head_id,
            representative=cluster_year.head_person,
            representative_title=cluster_year.head_person_title,
        )
        stamp(attendance, by, reason or _("Briefing created"))
        attendance.save()
    return meeting


@transaction.atomic
def save_briefing(*, meeting: Meeting, by, reason: str, attendance: dict[int, dict]) -> Meeting:
    """The meeting's fields (already set on `meeting`) and the attendance, {organisation
    id: {present, representative, representative_title}}; rows that do not change are not
    written, so the history only tells real changes."""
    stamp(meeting, by, reason)
    meeting.save()
    existing = {a.organization_id: a for a in meeting.attendances.all()}
    for org_id, data in attendance.items():
        row = existing.get(org_id)
        if row is None:
            row = Attendance(meeting=meeting, organization_id=org_id)
        elif all(getattr(row, name) == value for name, value in data.items()):
            continue
        for name, value in data.items():
            setattr(row, name, value)
        stamp(row, by, reason)
        row.save()
    return meeting


# Conclusions -------------------------------------------------------------------------------


def conclusions_with_follow_up(meeting: Meeting) -> set[int]:
    """Conclusions on which a cluster has reported something: they may not be removed."""
    return set(
        FollowUp.objects.filter(conclusion__meeting=meeting)
        .filter(~Q(status=FollowUpStatus.NOT_STARTED) | ~Q(note=""))
        .values_list("conclusion_id", flat=True)
    )


@dataclass
class ConclusionData:
    text: str
    owner: str = ""
    due_on: datetime.date | None = None
    pk: int | None = None  # an existing conclusion of the meeting


@transaction.atomic
def save_conclusions(
    *,
    meeting: Meeting,
    by,
    rows: list[ConclusionData],
    removed: list[int] = (),
    reason: str = "",
) -> list[Conclusion]:
    """Write the conclusions in the given order, numbered 1..n, and remove those whose ids
    are in `removed`. A conclusion whose text, owner, due date and number stay the same is
    not written again, so the history only tells real changes."""
    reason = reason or _("Conclusions saved")
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    existing = {c.pk: c for c in Conclusion.objects.filter(meeting=meeting)}
    for pk in removed:
        conclusion = existing.pop(pk, None)
        if conclusion is not None:
            stamp(conclusion, by, reason)
            conclusion.delete()
    kept = [row.pk for row in rows if row.pk in existing]
    # Free the numbers first, so that conclusions can swap places under the unique number
    # (a temporary step, not a change: it leaves no history).
    Conclusion.objects.filter(pk__in=kept).update(number=F("number") + 1000)
    saved = []
    for number, row in enumerate(rows, start=1):
        conclusion = existing.get(row.pk) or Conclusion(meeting=meeting)
        before = (conclusion.number, conclusion.text, conclusion.owner, conclusion.due_on)
        conclusion.number = number
        conclusion.text = row.text
        conclusion.owner = row.owner
        conclusion.due_on = row.due_on
        if conclusion.pk is None or before != (number, row.text, row.owner, row.due_on):
            stamp(conclusion, by, reason)
            conclusion.save()
        else:
            Conclusion.objects.filter(pk=conclusion.pk).update(number=number)
        saved.append(conclusion)
    return saved


# Follow-up ---------------------------------------------------------------------------------


@transaction.atomic
def save_follow_ups(
    *, cluster, by, changes: dict[int, dict], conclusions: list[Conclusion], reason: str = ""
) -> int:
    """One cluster's status and note on each conclusion ({conclusion id: {status, note}});
    only what changed is written, with who and when. Returns the number of rows written."""
    reason = reason or _("Follow-up updated")
    # One cluster's reports are written one after the other: a second officer saving at the
    # same moment sees the first one's rows instead of colliding with them.
    type(cluster).objects.select_for_update().filter(pk=cluster.pk).first()
    existing = {
        f.conclusion_id: f
        for f in FollowUp.objects.select_for_update().filter(
            cluster=cluster, conclusion__in=conclusions
        )
    }
    written = 0
    for conclusion in conclusions:
        data = changes.get(conclusion.pk)
        if data is None:
            continue
        row = existing.get(conclusion.pk)
        if row is None:
            if data["status"] == FollowUpStatus.NOT_STARTED and not data["note"]:
                continue
            row = FollowUp(conclusion=conclusion, cluster=cluster)
        elif row.status == data["status"] and row.note == data["note"]:
            continue
        row.status = data["status"]
        row.note = data["note"]
        row.updated_by = by
        stamp(row, by, reason)
        row.save()
        written += 1
    return written


@dataclass
class Cell:
    conclusion: Conclusion
    state: str
    follow_up: FollowUp | None

    @property
    def note(self) -> str:
        return self.follow_up.note if self.follow_up else ""


@dataclass
class MatrixRow:
    cluster_year: ClusterYear
    cells: list[Cell]
    counts: dict[str, int]

    @property
    def cluster(self):
        return self.cluster_year.cluster


@dataclass
class FollowUpMatrix:
    """One row per cluster of the organiser in the year, one column per conclusion."""

    conclusions: list[Conclusion]
    rows: list[MatrixRow]
    column_counts: list[dict[str, int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys(STATES, 0)


def follow_up_matrix(
    meeting: Meeting,
    today: datetime.date,
    *,
    conclusions: list[Conclusion] | None = None,
    cluster_years: list[ClusterYear] | None = None,
) -> FollowUpMatrix:
    """The follow-up of every cluster on every conclusion, with the counts per conclusion:
    three queries whatever the size."""
    if conclusions is None:
        conclusions = list(meeting.conclusions.order_by("number"))
    if cluster_years is None:
        cluster_years = list(briefing_cluster_years(meeting.organizer_id, meeting.year))
    found = {
        (f.conclusion_id, f.cluster_id): f
        for f in FollowUp.objects.filter(conclusion__meeting=meeting).select_related("updated_by")
    }
    column_counts = [_empty_counts() for _ in conclusions]
    totals = _empty_counts()
    rows = []
    for cluster_year in cluster_years:
        cells = []
        counts = _empty_counts()
        for index, conclusion in enumerate(conclusions):
            follow_up = found.get((conclusion.pk, cluster_year.cluster_id))
            status = follow_up.status if follow_up else FollowUpStatus.NOT_STARTED
            state = follow_up_state(status, conclusion.due_on, today)
            cells.append(Cell(conclusion, state, follow_up))
            counts[state] += 1
            column_counts[index][state] += 1
            totals[state] += 1
        rows.append(MatrixRow(cluster_year, cells, counts))
    return FollowUpMatrix(conclusions, rows, column_counts, totals)


# The dashboard -----------------------------------------------------------------------------


@dataclass
class OpenConclusion:
    """A conclusion a head's cluster has not done yet."""

    meeting: Meeting
    conclusion: Conclusion
    cluster_year: ClusterYear
    state: str
    follow_up: FollowUp | None

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE


def open_conclusions(
    cluster_years: list[ClusterYear], today: datetime.date, *, limit: int = 50
) -> list[OpenConclusion]:
    """The conclusions of the briefings concerning these cluster-years (those of their
    organiser and year) that their cluster has not done: overdue first, then by due date.
    Two queries whatever the number of briefings and clusters."""
    by_key: dict[tuple[int, int], list[ClusterYear]] = defaultdict(list)
    for cluster_year in cluster_years:
        by_key[(cluster_year.cluster.organizer_id, cluster_year.year)].append(cluster_year)
    if not by_key:
        return []
    concerning = Q()
    for organizer_id, year in by_key:
        concerning |= Q(meeting__organizer_id=organizer_id, meeting__year=year)
    conclusions = list(
        Conclusion.objects.filter(concerning)
        .filter(meeting__kind__in=BRIEFING_KINDS, meeting__cluster_year__isnull=True)
        .select_related("meeting")
    )
    if not conclusions:
        return []
    cluster_ids = {cy.cluster_id for cy in cluster_years}
    found = {
        (f.conclusion_id, f.cluster_id): f
        for f in FollowUp.objects.filter(conclusion__in=conclusions, cluster_id__in=cluster_ids)
    }
    items = []
    for conclusion in conclusions:
        meeting = conclusion.meeting
        for cluster_year in by_key[(meeting.organizer_id, meeting.year)]:
            follow_up = found.get((conclusion.pk, cluster_year.cluster_id))
            status = follow_up.status if follow_up else FollowUpStatus.NOT_STARTED
            state = follow_up_state(status, conclusion.due_on, today)
            if state != DONE:
                items.append(OpenConclusion(meeting, conclusion, cluster_year, state, follow_up))
    far = datetime.date.max
    items.sort(
        key=lambda item: (
            not item.is_overdue,
            item.conclusion.due_on or far,
            item.meeting.held_on,
            item.conclusion.number,
            item.cluster_year.cluster.number,
        )
    )
    return items[:limit]


@dataclass
class BriefingProgress:
    meeting: Meeting
    organizer_name: str
    conclusion_count: int
    cluster_count: int
    counts: dict[str, int]

    @property
    def cells(self) -> int:
        return self.conclusion_count * self.cluster_count


def briefing_progress(meetings: list[Meeting], today: datetime.date) -> list[BriefingProgress]:
    """Per briefing (fetched with its organiser and the organiser's former names): how many
    (conclusion, cluster) pairs are done, in progress, overdue or not started. Three queries
    whatever the number of briefings."""
    if not meetings:
        return []
    conclusions = defaultdict(list)
    for conclusion in Conclusion.objects.filter(meeting__in=meetings).order_by("number"):
        conclusions[conclusion.meeting_id].append(conclusion)
    keys = {(m.organizer_id, m.year) for m in meetings}
    concerning = Q()
    for organizer_id, year in keys:
        concerning |= Q(cluster__organizer_id=organizer_id, year=year)
    clusters = defaultdict(list)
    for organizer_id, year, cluster_id in ClusterYear.objects.filter(concerning).values_list(
        "cluster__organizer_id", "year", "cluster_id"
    ):
        clusters[(organizer_id, year)].append(cluster_id)
    statuses = {
        (conclusion_id, cluster_id): status
        for conclusion_id, cluster_id, status in FollowUp.objects.filter(
            conclusion__meeting__in=meetings
        ).values_list("conclusion_id", "cluster_id", "status")
    }
    progress = []
    for meeting in meetings:
        counts = _empty_counts()
        cluster_ids = clusters[(meeting.organizer_id, meeting.year)]
        for conclusion in conclusions[meeting.pk]:
            for cluster_id in cluster_ids:
                status = statuses.get((conclusion.pk, cluster_id), FollowUpStatus.NOT_STARTED)
                counts[follow_up_state(status, conclusion.due_on, today)] += 1
        progress.append(
            BriefingProgress(
                meeting=meeting,
                organizer_name=meeting.organizer.name_on(meeting.held_on),
                conclusion_count=len(conclusions[meeting.pk]),
                cluster_count=len(cluster_ids),
                counts=counts,
            )
        )
    return progress
