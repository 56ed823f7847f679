"""Events in the order they happened: the body above a cluster often decides its awards
before the review meeting and hands them over there.

The organiser's staff record such a decision for the units the cluster will nominate: the
nominations are created from it, marked as decided in advance, and each becomes an award of
the register with its decision – so every award keeps its nomination. At the review meeting
the head records the handover ("đã trao") of those forms instead of a vote; the minutes and the
summary print them as conferred, with the decision's number and date.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import ClusterYear, Meeting, MeetingKind, Organization
from clusters.services.history import stamp
from clusters.services.meetings import lock_running, require_running

from ..models import ACTIVE_STATUSES, AwardType, Decision, Nomination, NominationStatus
from ..models import Award as AwardEntry
from .approval import _require_conferrer, _require_staff


def _review(cluster_year: ClusterYear) -> Meeting | None:
    return Meeting.objects.filter(cluster_year=cluster_year, kind=MeetingKind.REVIEW).first()


def advance_nominations(cluster_year: ClusterYear):
    """The nominations of the year decided before its review meeting."""
    return (
        Nomination.objects.filter(cluster_year=cluster_year, decided_in_advance=True)
        .exclude(status=NominationStatus.WITHDRAWN)
        .select_related("organization", "award_type", "award__decision", "handed_over_at")
        .order_by("award_type__order", "award_type__name", "pk")
    )


def record_advance_decision(
    cluster_year: ClusterYear,
    *,
    award_type: AwardType,
    organizations: list[Organization],
    number: str,
    signed_on: datetime.date,
    signer: str,
    by,
    signer_title: str = "",
) -> Decision:
    """The decision of the body above (the form's conferring organisation) granting
    `award_type` to members of the cluster-year before its review meeting. Creates – or
    completes, when the same decision already granted other units – the decision, a nomination
    per unit marked as decided in advance, and its award. All or nothing."""
    number, signer = (number or "").strip(), (signer or "").strip()
    errors = []
    if not number:
        errors.append(_("Give the decision's number."))
    if not signer:
        errors.append(_("Give who signed the decision."))
    if not organizations:
        errors.append(_("Choose at least one unit."))
    if errors:
        raise ValidationError(errors)
    _require_staff(by, cluster_year)
    _require_conferrer(by, award_type)
    if cluster_year.is_closed:
        raise ValidationError(_("The year is closed."))
    meeting = _review(cluster_year)
    if meeting is not None and meeting.is_closed:
        raise ValidationError(
            _(
                "The review meeting is closed: a decision taken after it grants the proposals "
                "of the cluster's dossier."
            )
        )
    if meeting is not None and signed_on > meeting.held_on:
        raise ValidationError(
            _("The decision is dated %(date)s, after the review meeting of %(meeting)s.")
            % {
                "date": signed_on.strftime("%d/%m/%Y"),
                "meeting": meeting.held_on.strftime("%d/%m/%Y"),
            }
        )
    members = {e.membership.organization_id for e in cluster_year.member_entries()}
    for organization in organizations:
        if organization.pk not in members:
            errors.append(
                _("%(unit)s is not a member of the cluster.") % {"unit": organization.name}
            )
    if errors:
        raise ValidationError(errors)
    organizer = award_type.organizer
    with transaction.atomic():
        ClusterYear.objects.select_for_update().filter(pk=cluster_year.pk).first()
        taken = set(
            Nomination.objects.filter(
                cluster_year=cluster_year,
                award_type=award_type,
                status__in=ACTIVE_STATUSES,
                organization__in=organizations,
            ).values_list("organization_id", flat=True)
        )
        for organization in organizations:
            if organization.pk in taken:
                errors.append(
                    _("%(unit)s is already proposed for %(award)s.")
                    % {"unit": organization.name, "award": award_type.label}
                )
        if errors:
            raise ValidationError(errors)
        decision = (
            Decision.objects.select_for_update()
            .filter(organizer=organizer, number=number, signed_on=signed_on)
            .first()
        )
        if decision is None:
            if (
                Decision.objects.filter(organizer=organizer, number=number)
                .filter(Q(year=cluster_year.year) | Q(signed_on=signed_on))
                .exists()
            ):
                raise ValidationError(
                    _("Decision %(number)s has been recorded already with another date.")
                    % {"number": number}
                )
            decision = Decision(
                organizer=organizer,
                year=cluster_year.year,
                number=number,
                signed_on=signed_on,
                signer=signer,
                signer_title=(signer_title or "").strip(),
                created_by=by,
            )
            stamp(decision, by, _("Decision recorded before the review meeting"))
            decision.save()
        elif decision.year != cluster_year.year:
            raise ValidationError(_("Decision %(number)s is of another year.") % {"number": number})
        reason = _("Decided before the review meeting by %(decision)s") % {"decision": decision}
        now = timezone.now()
        for organization in organizations:
            nomination = Nomination(
                cluster_year=cluster_year,
                organization=organization,
                award_type=award_type,
                leading=False,
                justification=reason,
                status=NominationStatus.AWARDED,
                decided_in_advance=True,
                status_changed_at=now,
                created_by=by,
            )
            stamp(nomination, by, reason)
            nomination.save()
            entry = AwardEntry(
                decision=decision,
                nomination=nomination,
                organization=organization,
                award_type=award_type,
                cluster_year=cluster_year,
                year=cluster_year.year,
            )
            stamp(entry, by, reason)
            entry.save()
    from .notifications import notify_head

    with translation.override("vi"):
        notify_head(
            cluster_year,
            _("%(decision)s awards %(names)s; hand the awards over at the review meeting.")
            % {
                "decision": decision,
                "names": ", ".join(f"{o.name} ({award_type.label})" for o in organizations),
            },
        )
    return decision


def record_handover(meeting: Meeting, award_type: AwardType, *, by) -> list[Nomination]:
    """At the review meeting: the awards of `award_type` decided in advance are handed over
    ("đã trao"). Returns the nominations handed over now."""
    require_running(meeting)
    with transaction.atomic():
        meeting = lock_running(meeting)
        nominations = list(
            Nomination.objects.select_for_update()
            .filter(
                cluster_year_id=meeting.cluster_year_id,
                award_type=award_type,
                decided_in_advance=True,
                status=NominationStatus.AWARDED,
                handed_over_at__isnull=True,
            )
            .order_by("pk")
        )
        if not nominations:
            raise ValidationError(
                _("No award of %(award)s decided before the meeting waits to be handed over.")
                % {"award": award_type.label}
            )
        for nomination in nominations:
            nomination.handed_over_at = meeting
            stamp(nomination, by, _("Handed over at the review meeting"))
            nomination.save()
    return nominations


def advance_award_type_ids(cluster_year: ClusterYear) -> set[int]:
    """The forms decided in advance for the year: the meeting hands them over, no vote."""
    return set(
        Nomination.objects.filter(
            cluster_year=cluster_year,
            decided_in_advance=True,
            status__in=(NominationStatus.AWARDED, NominationStatus.REVOKED),
        ).values_list("award_type_id", flat=True)
    )


def handover_gaps(meeting: Meeting) -> list[str]:
    """A review does not close while an award decided before it is not handed over."""
    if meeting.kind != MeetingKind.REVIEW or not meeting.cluster_year_id:
        return []
    waiting = (
        Nomination.objects.filter(
            cluster_year_id=meeting.cluster_year_id,
            decided_in_advance=True,
            status=NominationStatus.AWARDED,
            handed_over_at__isnull=True,
        )
        .select_related("organization", "award_type")
        .order_by("pk")
    )
    return [
        _("%(unit)s – %(award)s, decided before the meeting, is not recorded as handed over.")
        % {"unit": n.organization.name, "award": n.award_type.label}
        for n in waiting
    ]
