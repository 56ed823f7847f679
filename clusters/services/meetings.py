"""The year-end review meeting of a cluster-year: preparation, attendance and quorum, the
adopted summary, the election of next year's head and deputy, conclusions, and closing.

The vote and the nominations are the `awards` app's (awards.services.votes); they ask this module
for the quorum and whether the meeting still runs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.text import format_number

from ..models import (
    Attendance,
    ClusterYear,
    ClusterYearStatus,
    Conclusion,
    EmulationProgram,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Organization,
)
from .history import stamp
from .results import cluster_standings, lock_results
from .structure import memberships_by_year, next_year_candidates

# What the awards app adds to a review, without this app importing it: callables registered in
# its AppConfig.ready(). "closing_gaps": meeting -> list of messages that keep it open;
# "attendance_frozen": meeting -> a message when the attendance can no longer change (a vote
# has started), else ""; "year_state": cluster-year -> what became of its submitted dossier
# (e.g. decided, with the decision's number), else "".
HOOKS: dict[str, list] = {"closing_gaps": [], "attendance_frozen": [], "year_state": []}


def year_state(cluster_year) -> str:
    """The state of a cluster-year as a person would say it: its status, or – once its dossier
    is submitted – what the organiser made of it so far."""
    for hook in HOOKS["year_state"]:
        if state := hook(cluster_year):
            return state
    return cluster_year.get_status_display()


def lock_running(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for the rest of the transaction, refused once closed: every
    writer works on this fresh copy, so a close in between is never undone."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_running(fresh)
    return fresh


# Quorum --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    members: int  # member units at the meeting's day
    present: int
    required: int
    rule: str  # "2/3"

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.required


def quorum_rule(cluster_year: ClusterYear) -> tuple[int, int]:
    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is None:
        return 2, 3
    return program.quorum_numerator, program.quorum_denominator


def member_ids(meeting: Meeting) -> set[int]:
    """The member units of the meeting's cluster-year at the year's end (the review is held
    after it): these are the ones that vote."""
    cluster_year = meeting.cluster_year
    return set(
        cluster_year.memberships.on(cluster_year.as_of).values_list("organization_id", flat=True)
    )


def quorum(meeting: Meeting, attendances=None) -> Quorum:
    members = member_ids(meeting)
    if attendances is None:
        attendances = meeting.attendances.all()
    present = sum(1 for a in attendances if a.present and a.organization_id in members)
    numerator, denominator = quorum_rule(meeting.cluster_year)
    required = -(-len(members) * numerator // denominator)  # rounded up
    return Quorum(len(members), present, required, f"{numerator}/{denominator}")


def present_member_ids(meeting: Meeting) -> set[int]:
    members = member_ids(meeting)
    return {
        org_id
        for org_id in meeting.attendances.filter(present=True).values_list(
            "organization_id", flat=True
        )
        if org_id in members
    }


def require_quorum(meeting: Meeting):
    q = quorum(meeting)
    if not q.reached:
        raise ValidationError(
            _(
                "No quorum: %(present)s of %(members)s member units are present, "
                "%(required)s are needed (%(rule)s)."
            )
            % {"present": q.present, "members": q.members, "required": q.required, "rule": q.rule}
        )


def require_running(meeting: Meeting):
    if meeting.is_closed:
        raise ValidationError(_("The meeting is closed: nothing can be changed any more."))


# Preparation ---------------------------------------------------------------------------------


def draft_summary(cluster_year: ClusterYear) -> dict[str, str]:
    """The head's draft texts, prefilled from the results: the members, the leading unit,
    the classification shares – to be completed before the meeting."""
    standings = cluster_standings(cluster_year)
    counts = standings.counts
    ranked = standings.ranked
    lines = [
        _(
            "The cluster has %(members)s member units; %(verified)s results were verified "
            "by the cluster head."
        )
        % {"members": counts["members"], "verified": counts["verified"]}
    ]
    if ranked:
        first = ranked[0]
        lines.append(
            _("%(unit)s leads the cluster with %(total)s points.")
            % {"unit": first.name, "total": format_number(first.verified_total)}
        )
        parts = [
            f"{item['abbreviation']} {item['count']} ({format_number(round(item['percent'], 1))}%)"
            for item in standings.distribution
            if item["count"]
        ]
        lines.append(_("Classification: %(parts)s.") % {"parts": "; ".join(parts)})
    return {
        "achievements": "\n".join(lines),
        "limitations": "",
        "directions": "",
    }


def create_review(cluster_year: ClusterYear, *, by, **fields) -> Meeting:
    """The review meeting of the year, with an attendance row per member at the year's end
    and the draft summary from the results."""
    if Meeting.objects.filter(cluster_year=cluster_year, kind=MeetingKind.REVIEW).exists():
        raise ValidationError(_("The year-end review of this year is already recorded."))
    if cluster_year.is_closed:
        raise ValidationError(_("The year is closed."))
    try:
        return _create_review(cluster_year, by=by, fields=fields)
    except IntegrityError as error:  # prepared twice at the same moment
        raise ValidationError(_("The year-end review of this year is already recorded.")) from error


def _create_review(cluster_year: ClusterYear, *, by, fields: dict) -> Meeting:
    with transaction.atomic():
        meeting = Meeting(
            kind=MeetingKind.REVIEW,
            organizer=cluster_year.cluster.organizer,
            cluster_year=cluster_year,
            year=cluster_year.year,
            **fields,
        )
        for key, value in draft_summary(cluster_year).items():
            if not getattr(meeting, key):
                setattr(meeting, key, value)
        meeting.full_clean()
        stamp(meeting, by, _("Review meeting prepared"))
        meeting.save()
        as_of = cluster_year.as_of
        for membership in cluster_year.memberships.on(as_of).select_related("organization"):
            attendance = Attendance(meeting=meeting, organization=membership.organization)
            stamp(attendance, by, _("Review meeting prepared"))
            attendance.save()
    return meeting


def save_attendance(meeting: Meeting, rows: dict[int, dict], *, by) -> Quorum:
    """`rows` maps an organisation id to {present, representative, representative_title}.
    Who is present is frozen once a vote has started; representatives may still be corrected."""
    with transaction.atomic():
        meeting = lock_running(meeting)
        frozen = next((m for hook in HOOKS["attendance_frozen"] if (m := hook(meeting))), "")
        existing = {a.organization_id: a for a in meeting.attendances.select_for_update()}
        unknown = set(rows) - set(existing)
        if unknown:
            raise ValidationError(_("Only the member units can be marked present."))
        for org_id, data in rows.items():
            attendance = existing[org_id]
            if frozen and "present" in data and data["present"] != attendance.present:
                raise ValidationError(frozen)
            changed = False
            for key in ("present", "representative", "representative_title"):
                if key in data and getattr(attendance, key) != data[key]:
                    setattr(attendance, key, data[key])
                    changed = True
            if changed:
                stamp(attendance, by, _("Attendance"))
                attendance.save()
        if meeting.status == MeetingStatus.PLANNED and any(a.present for a in existing.values()):
            meeting.status = MeetingStatus.IN_PROGRESS
            stamp(meeting, by, _("Meeting opened"))
            meeting.save(update_fields=["status"])
    return quorum(meeting)


def adopt_summary(meeting: Meeting, *, achievements, limitations, directions, by) -> Meeting:
    if not achievements.strip():
        raise ValidationError(_("Write the achievements before adopting the summary."))
    with transaction.atomic():
        meeting = lock_running(meeting)
        require_quorum(meeting)
        meeting.achievements = achievements
        meeting.limitations = limitations
        meeting.directions = directions
        meeting.summary_adopted = True
        meeting.status = MeetingStatus.IN_PROGRESS
        stamp(meeting, by, _("Summary adopted"))
        meeting.save(
            update_fields=[
                "achievements",
                "limitations",
                "directions",
                "summary_adopted",
                "status",
            ]
        )
    return meeting


# The election of next year's head and deputy ---------------------------------------------------


def election_candidates(cluster_year: ClusterYear) -> list[Organization]:
    memberships = memberships_by_year([cluster_year])[cluster_year.pk]
    return next_year_candidates(cluster_year, memberships)


def elect(
    meeting: Meeting,
    *,
    head: Organization,
    deputy: Organization | None,
    handover_on: datetime.date | None,
    handover_note: str = "",
    by,
) -> ClusterYear:
    """Record next year's head and deputy elected at the review: on the meeting and as the
    term of the next cluster-year (created with this year's members when missing). The rights
    follow the record."""
    require_running(meeting)
    require_quorum(meeting)
    cluster_year = meeting.cluster_year
    candidates = {org.pk for org in election_candidates(cluster_year)}
    errors = []
    if head.pk not in candidates:
        errors.append(_("%(unit)s cannot head the cluster next year.") % {"unit": head.name})
    if deputy is not None and deputy.pk not in candidates:
        errors.append(_("%(unit)s cannot be the deputy next year.") % {"unit": deputy.name})
    if deputy is not None and deputy.pk == head.pk:
        errors.append(_("The head and the deputy must be different units."))
    if handover_on is not None and handover_on < meeting.held_on:
        errors.append(_("The handover cannot be before the meeting."))
    if errors:
        raise ValidationError(errors)
    reason = _("Elected at the year-end review of %(date)s") % {
        "date": meeting.held_on.strftime("%d/%m/%Y")
    }
    with transaction.atomic():
        meeting = lock_running(meeting)
        meeting.elected_head = head
        meeting.elected_deputy = deputy
        meeting.handover_on = handover_on
        meeting.handover_note = handover_note
        stamp(meeting, by, reason)
        meeting.save(
            update_fields=["elected_head", "elected_deputy", "handover_on", "handover_note"]
        )
        next_year = (
            ClusterYear.objects.select_for_update()
            .filter(cluster=cluster_year.cluster, year=cluster_year.year + 1)
            .first()
        )
        if next_year is None:
            next_year = ClusterYear(
                cluster=cluster_year.cluster,
                year=cluster_year.year + 1,
                status=ClusterYearStatus.SETUP,
                header_parent_line=cluster_year.header_parent_line,
                header_issuer_line=cluster_year.header_issuer_line,
                signer_label=cluster_year.signer_label,
                number_suffix=cluster_year.number_suffix,
            )
            created = True
        else:
            created = False
            if next_year.is_closed:
                raise ValidationError(_("Next year is already closed."))
        next_year.head = head
        next_year.deputy = deputy
        next_year.handover_on = handover_on
        next_year.handover_note = handover_note
        next_year.full_clean(exclude=["cluster"])
        stamp(next_year, by, reason)
        next_year.save()
        if created:
            for org_id in candidates:
                membership = Membership(cluster_year=next_year, organization_id=org_id)
                stamp(membership, by, reason)
                membership.save()
    return next_year


# Conclusions ----------------------------------------------------------------------------------


def save_conclusions(meeting: Meeting, items: list[dict], *, by) -> list[Conclusion]:
    """Replace the meeting's conclusions by `items` ({text, owner, due_on}), numbered 1..n."""
    items = [item for item in items if item.get("text", "").strip()]
    with transaction.atomic():
        meeting = lock_running(meeting)
        existing = {c.number: c for c in meeting.conclusions.select_for_update()}
        kept = []
        for number, item in enumerate(items, start=1):
            conclusion = existing.pop(number, None) or Conclusion(meeting=meeting, number=number)
            changed = conclusion.pk is None
            for key in ("text", "owner", "due_on"):
                value = item.get(key) or ("" if key != "due_on" else None)
                if getattr(conclusion, key) != value:
                    setattr(conclusion, key, value)
                    changed = True
            if changed:
                stamp(conclusion, by, _("Conclusions"))
                conclusion.save()
            kept.append(conclusion)
        for conclusion in existing.values():
            stamp(conclusion, by, _("Conclusion removed"))
            conclusion.delete()
    return kept


# Closing ------------------------------------------------------------------------------------


def closing_gaps(meeting: Meeting) -> list[str]:
    """What the meeting still lacks; closing is refused while any is left."""
    gaps = []
    q = quorum(meeting)
    if not q.reached:
        gaps.append(
            _("No quorum: %(present)s of %(members)s present, %(required)s needed.")
            % {"present": q.present, "members": q.members, "required": q.required}
        )
    if not meeting.summary_adopted:
        gaps.append(_("The summary has not been adopted."))
    if meeting.elected_head_id is None:
        gaps.append(_("Next year's head has not been elected."))
    if meeting.cluster_year.status == ClusterYearStatus.SETUP:
        gaps.append(_("The year is still being set up: open it before its review."))
    for hook in HOOKS["closing_gaps"]:
        gaps.extend(hook(meeting))
    return gaps


def close_meeting(meeting: Meeting, *, by, ends_at: datetime.time | None = None) -> Meeting:
    """Close the review: the results lock and the year moves to review (when still open),
    the meeting is closed and its minutes can be printed. Closing twice is refused."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_closed:
            raise ValidationError(_("The meeting is already closed."))
        gaps = closing_gaps(meeting)
        if gaps:
            raise ValidationError(gaps)
        reason = _("Year-end review of %(date)s closed") % {
            "date": meeting.held_on.strftime("%d/%m/%Y")
        }
        cluster_year = meeting.cluster_year
        if cluster_year.status == ClusterYearStatus.OPEN:
            lock_results(cluster_year, by=by, reason=reason)
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.closed_by = by
        meeting.ends_at = (
            ends_at
            or meeting.ends_at
            or timezone.localtime().time().replace(second=0, microsecond=0)
        )
        stamp(meeting, by, reason)
        meeting.save()
    return meeting
