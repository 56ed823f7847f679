"""From the cluster's proposal to the award register.

The head submits the year's dossier (the submission – tờ trình – with the nominations, the
minutes of the review and each nominee's achievement report). The organiser's staff act on
each nomination::

    proposed → submitted → returned ⇄ resubmitted → approved / rejected / downgraded
             → awarded (by a decision) → revoked

Every transition records who, when and why (simple-history); a transition not in this graph is
refused, and so is one by a user without the right over the cluster-year. Organiser-level
quotas are checked again at approval. An award is never deleted: a revocation keeps the record
with its reason and the decision that revoked it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import (
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    MeetingKind,
    MeetingStatus,
    Organization,
    ParentPeriod,
    ResultStatus,
)
from clusters.permissions import can_act_as_head, can_manage_cluster_year
from clusters.services.history import stamp

from ..models import (
    ACTIVE_STATUSES,
    GRANTABLE_STATUSES,
    PENDING_STATUSES,
    AwardKind,
    AwardRule,
    AwardType,
    Decision,
    Nomination,
    NominationStatus,
    Proposal,
    ProposalStatus,
    RuleScope,
)
from ..models import Award as AwardEntry
from ..models import AwardStatus as EntryStatus
from .votes import ineligibility

# The order of the forms from the highest: a downgrade goes to a later one.
KIND_RANK = {
    AwardKind.LEADING_FLAG: 0,
    AwardKind.EXCELLENT_FLAG: 1,
    AwardKind.CERTIFICATE: 2,
    AwardKind.GIAY_KHEN: 3,
    AwardKind.MEDAL: 4,
}

S = NominationStatus


# Rights -------------------------------------------------------------------------------------


def _require_staff(by, cluster_year: ClusterYear) -> None:
    """The organiser's staff (see `can_manage_cluster_year`); `by=None` is the system (the
    demo loader)."""
    if by is not None and not can_manage_cluster_year(by, cluster_year):
        raise PermissionDenied(_("Only the organiser's staff decide on this cluster's proposals."))


def _require_conferrer(by, award_type: AwardType) -> None:
    """Decisions on a form belong to the staff of the organisation that confers it (or of
    its successor)."""
    from ..permissions import confers

    if by is not None and not confers(by, award_type.organizer_id):
        raise PermissionDenied(
            _("Only the staff of %(organizer)s decide on %(award)s.")
            % {"organizer": award_type.organizer.name, "award": award_type.label}
        )


def _require_head(by, cluster_year: ClusterYear) -> None:
    if by is not None and not can_act_as_head(by, cluster_year):
        raise PermissionDenied(_("Only the cluster head submits the cluster's proposal."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    return reason


def _lock(nomination: Nomination) -> Nomination:
    """The nomination as it is in the database, locked until the end of the transaction."""
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster", "award_type", "granted_type", "organization")
        .get(pk=nomination.pk)
    )


def _check(nomination: Nomination, allowed, verb: str) -> None:
    if nomination.status not in allowed:
        raise ValidationError(
            _("%(unit)s – %(award)s is %(status)s: it cannot be %(verb)s.")
            % {
                "unit": nomination.organization.name,
                "award": nomination.award_type.label,
                "status": nomination.get_status_display().lower(),
                "verb": verb,
            }
        )


def _move(nomination: Nomination, allowed, status, *, by, reason: str, verb: str) -> None:
    _check(nomination, allowed, verb)
    nomination.status = status
    nomination.status_changed_at = timezone.now()
    stamp(nomination, by, reason)
    nomination.save()


# The cluster's dossier ----------------------------------------------------------------------


def proposal_for(cluster_year: ClusterYear) -> Proposal:
    """The year's proposal, unsaved with the usual values when there is none yet."""
    proposal = Proposal.objects.filter(cluster_year=cluster_year).first()
    if proposal is None:
        organizer = cluster_year.cluster.organizer
        proposal = Proposal(
            cluster_year=cluster_year,
            addressee="Hội đồng Thi đua – Khen thưởng " + organizer.name_on(cluster_year.as_of),
            signer=cluster_year.head_person,
        )
    return proposal


def review_meeting(cluster_year: ClusterYear):
    return (
        cluster_year.meetings.filter(kind=MeetingKind.REVIEW)
        .order_by("-held_on", "-pk")
        .select_related("host")
        .first()
    )


def dossier_gaps(cluster_year: ClusterYear, proposal: Proposal | None = None) -> list[str]:
    """What the dossier still lacks before it can be submitted, in Vietnamese words."""
    proposal = proposal or proposal_for(cluster_year)
    gaps = []
    if proposal.status == ProposalStatus.SUBMITTED:
        gaps.append(_("The proposal has been submitted already."))
    if cluster_year.is_closed:
        gaps.append(_("The year is closed."))
    meeting = review_meeting(cluster_year)
    if meeting is None or meeting.status != MeetingStatus.CLOSED:
        gaps.append(_("The review meeting has not closed: its minutes are not final."))
    nominations = list(
        cluster_year.nominations.filter(status=S.PROPOSED).select_related("organization")
    )
    if not nominations:
        gaps.append(_("No unit is proposed."))
    if not proposal.number.strip():
        gaps.append(_("The submission has no number."))
    if proposal.issued_on is None:
        gaps.append(_("The submission has no date."))
    if not proposal.addressee.strip():
        gaps.append(_("The submission is addressed to nobody."))
    if not proposal.signer.strip():
        gaps.append(_("The submission has no signer."))
    verified = set(
        AnnualResult.objects.filter(
            cluster_year=cluster_year,
            organization_id__in=[n.organization_id for n in nominations],
            status__in=(ResultStatus.VERIFIED, ResultStatus.LOCKED),
        ).values_list("organization_id", flat=True)
    )
    for nomination in nominations:
        if nomination.organization_id not in verified:
            gaps.append(
                _("%(unit)s: its result is not verified, so there is no achievement report.")
                % {"unit": nomination.organization.name}
            )
    return gaps


def save_proposal(cluster_year: ClusterYear, *, by, **fields) -> Proposal:
    _require_head(by, cluster_year)
    with transaction.atomic():
        ClusterYear.objects.select_for_update().filter(pk=cluster_year.pk).first()
        proposal = proposal_for(cluster_year)
        if proposal.status == ProposalStatus.SUBMITTED:
            raise ValidationError(_("The proposal has been submitted: it can no longer change."))
        for name, value in fields.items():
            setattr(proposal, name, value)
        stamp(proposal, by, _("Submission prepared"))
        proposal.save()
    return proposal


def submit(cluster_year: ClusterYear, *, by) -> Proposal:
    """Send the dossier to the organiser: every proposed nomination becomes submitted."""
    _require_head(by, cluster_year)
    with transaction.atomic():
        locked = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
        proposal = proposal_for(locked)
        gaps = dossier_gaps(locked, proposal)
        if gaps:
            raise ValidationError(gaps)
        now = timezone.now()
        proposal.status = ProposalStatus.SUBMITTED
        proposal.submitted_at = now
        proposal.submitted_by = by
        stamp(proposal, by, _("Submitted to the organiser"))
        proposal.save()
        for nomination in locked.nominations.filter(status=S.PROPOSED).select_related(
            "organization", "award_type"
        ):
            _move(
                nomination,
                (S.PROPOSED,),
                S.SUBMITTED,
                by=by,
                reason=_("Submitted with the proposal %(number)s") % {"number": proposal.number},
                verb=_("submitted"),
            )
        if locked.status == ClusterYearStatus.REVIEW:
            locked.status = ClusterYearStatus.SUBMITTED
            stamp(locked, by, _("Proposal submitted"))
            locked.save()
    cluster_year.refresh_from_db()
    from .notifications import notify_staff

    with translation.override("vi"):
        notify_staff(
            cluster_year,
            _("%(cluster)s submitted its proposal %(number)s.")
            % {"cluster": cluster_year, "number": proposal.number},
            url_name="awards:inbox",
        )
    return proposal


def resubmit(nomination: Nomination, *, by, supplement: str, justification: str | None = None):
    """The head answers a return: what was supplemented (required), and the justification
    amended if need be."""
    supplement = (supplement or "").strip()
    if not supplement:
        raise ValidationError(_("Say what was supplemented."))
    _require_head(by, nomination.cluster_year)
    with transaction.atomic():
        nomination = _lock(nomination)
        if justification is not None:
            nomination.justification = justification.strip()
        nomination.supplement = supplement
        _move(
            nomination,
            (S.RETURNED,),
            S.RESUBMITTED,
            by=by,
            reason=supplement,
            verb=_("resubmitted"),
        )
    from .notifications import notify_staff

    with translation.override("vi"):
        notify_staff(
            nomination.cluster_year,
            _("%(cluster)s resubmitted %(unit)s – %(award)s.")
            % {
                "cluster": nomination.cluster_year,
                "unit": nomination.organization.name,
                "award": nomination.award_type.label,
            },
            url_name="awards:inbox",
        )
    return nomination


# The organiser's staff ----------------------------------------------------------------------


def organizer_quota_check(nomination: Nomination, award_type: AwardType) -> tuple[list, list]:
    """Organiser-level quotas at approval: the approved and awarded nominations of the form
    across the organiser's clusters of the year, with this one. (errors, warnings)"""
    errors, warnings = [], []
    year = nomination.cluster_year.year
    rules = AwardRule.objects.filter(
        award_type=award_type, year=year, organizer=award_type.organizer
    ).exclude(scope=RuleScope.SHARE)
    for rule in rules:
        granted = Nomination.objects.filter(
            cluster_year__year=year,
            status__in=(S.APPROVED, S.DOWNGRADED, S.AWARDED),
        ).filter(Q(granted_type=award_type) | Q(granted_type__isnull=True, award_type=award_type))
        if rule.scope == RuleScope.CLUSTER:
            granted = granted.filter(cluster_year=nomination.cluster_year)
        else:
            granted = granted.filter(cluster_year__cluster__organizer=rule.organizer)
        count = granted.exclude(pk=nomination.pk).count() + 1
        if rule.max_count is None or count <= rule.max_count:
            continue
        if rule.scope == RuleScope.CLUSTER:
            text = _("%(award)s: %(count)s approved in the cluster, at most %(limit)s allowed")
        else:
            text = _(
                "%(award)s: %(count)s approved across the organiser's clusters, at most "
                "%(limit)s allowed"
            )
        text = text % {"award": award_type.label, "count": count, "limit": rule.max_count}
        if rule.regulation:
            text += f" ({rule.regulation})"
        (errors if rule.blocking else warnings).append(text + ".")
    return errors, warnings


def _approve_checked(nomination: Nomination, award_type: AwardType) -> str:
    with translation.override("vi"):
        errors, warnings = organizer_quota_check(nomination, award_type)
    if errors:
        raise ValidationError(errors)
    return "\n".join(warnings)


def _serialise_year(nomination: Nomination) -> None:
    """One approval at a time per organiser and year, so that the quotas hold."""
    organizer_id = nomination.cluster_year.cluster.organizer_id
    list(
        ClusterYear.objects.select_for_update()
        .filter(cluster__organizer_id=organizer_id, year=nomination.cluster_year.year)
        .values_list("pk", flat=True)
    )


def approve(nomination: Nomination, *, by, reason: str = "") -> Nomination:
    _require_staff(by, nomination.cluster_year)
    _require_conferrer(by, nomination.award_type)
    with transaction.atomic():
        _serialise_year(nomination)
        nomination = _lock(nomination)
        _check(nomination, PENDING_STATUSES, _("approved"))
        nomination.approval_warnings = _approve_checked(nomination, nomination.award_type)
        nomination.granted_type = None
        _move(
            nomination,
            PENDING_STATUSES,
            S.APPROVED,
            by=by,
            reason=(reason or "").strip() or _("Approved"),
            verb=_("approved"),
        )
    return nomination


def is_lower_form(award_type: AwardType, proposed: AwardType) -> bool:
    """A lower form than `proposed` for the same kind of recipient: a lower kind (a flag →
    a certificate of merit), or the same kind conferred by an organisation below."""
    if award_type.pk == proposed.pk or award_type.recipient != proposed.recipient:
        return False
    rank, proposed_rank = KIND_RANK[award_type.kind], KIND_RANK[proposed.kind]
    if rank != proposed_rank:
        return rank > proposed_rank
    return proposed.organizer_id in ParentPeriod.objects.ancestor_ids([award_type.organizer_id])


def downgrade(nomination: Nomination, *, by, award_type: AwardType, reason: str) -> Nomination:
    """Approve a lower form than proposed (e.g. a certificate of merit instead of a flag)."""
    reason = _reason(reason)
    _require_staff(by, nomination.cluster_year)
    _require_conferrer(by, nomination.award_type)
    _require_conferrer(by, award_type)
    with transaction.atomic():
        _serialise_year(nomination)
        nomination = _lock(nomination)
        _check(nomination, PENDING_STATUSES, _("approved at a lower form"))
        proposed = nomination.award_type
        if not is_lower_form(award_type, proposed):
            raise ValidationError(
                _("%(lower)s is not a lower form than %(award)s.")
                % {"lower": award_type.label, "award": proposed.label}
            )
        reasons = ineligibility(nomination.cluster_year, award_type)
        if nomination.organization_id in reasons:
            raise ValidationError(
                _("%(unit)s cannot receive %(award)s: %(why)s.")
                % {
                    "unit": nomination.organization.name,
                    "award": award_type.label,
                    "why": reasons[nomination.organization_id],
                }
            )
        twice = (
            Nomination.objects.filter(
                cluster_year=nomination.cluster_year,
                organization=nomination.organization,
                status__in=ACTIVE_STATUSES,
            )
            .exclude(pk=nomination.pk)
            .filter(
                Q(granted_type=award_type) | Q(granted_type__isnull=True, award_type=award_type)
            )
        )
        if twice.exists():
            raise ValidationError(
                _("%(unit)s is already proposed for %(award)s.")
                % {"unit": nomination.organization.name, "award": award_type.label}
            )
        nomination.approval_warnings = _approve_checked(nomination, award_type)
        nomination.granted_type = award_type
        nomination.staff_reason = reason
        _move(
            nomination,
            PENDING_STATUSES,
            S.DOWNGRADED,
            by=by,
            reason=_("Approved as %(award)s: %(reason)s")
            % {"award": award_type.label, "reason": reason},
            verb=_("approved at a lower form"),
        )
    return nomination


def reject(nomination: Nomination, *, by, reason: str) -> Nomination:
    reason = _reason(reason)
    _require_staff(by, nomination.cluster_year)
    _require_conferrer(by, nomination.award_type)
    with transaction.atomic():
        nomination = _lock(nomination)
        nomination.staff_reason = reason
        _move(nomination, PENDING_STATUSES, S.REJECTED, by=by, reason=reason, verb=_("rejected"))
    return nomination


def return_for_supplement(nomination: Nomination, *, by, reason: str) -> Nomination:
    reason = _reason(reason)
    _require_staff(by, nomination.cluster_year)
    _require_conferrer(by, nomination.award_type)
    with transaction.atomic():
        nomination = _lock(nomination)
        nomination.staff_reason = reason
        _move(nomination, PENDING_STATUSES, S.RETURNED, by=by, reason=reason, verb=_("returned"))
    from .notifications import notify_head

    with translation.override("vi"):
        notify_head(
            nomination.cluster_year,
            _("%(unit)s – %(award)s was returned for supplement: %(reason)s")
            % {
                "unit": nomination.organization.name,
                "award": nomination.award_type.label,
                "reason": reason,
            },
        )
    return nomination


ACTIONS = {
    "approve": approve,
    "reject": reject,
    "return": return_for_supplement,
}


def act_on_many(action: str, nominations, *, by, reason: str) -> list[Nomination]:
    """One action with one reason on several nominations: all of them or none."""
    if action not in ACTIONS:
        raise ValidationError(_("Choose an action."))
    nominations = list(nominations)
    if not nominations:
        raise ValidationError(_("Select at least one nomination."))
    if action != "approve":
        reason = _reason(reason)
    done, errors = [], []
    with transaction.atomic():
        for nomination in nominations:
            try:
                with transaction.atomic():
                    done.append(ACTIONS[action](nomination, by=by, reason=reason))
            except ValidationError as error:
                errors.extend(error.messages)
            except PermissionDenied:
                errors.append(
                    _("%(unit)s – %(award)s: you have no right over this cluster.")
                    % {
                        "unit": nomination.organization.name,
                        "award": nomination.award_type.label,
                    }
                )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return done


# Decisions and the register -----------------------------------------------------------------


def early_decision_warnings(signed_on: datetime.date, nominations) -> list[str]:
    """A decision dated before the proposal it decides, though after the review meeting that
    nominated (a decision taken before the meeting is a normal path and not warned of): one
    line per cluster-year, for the staff to confirm with a reason."""
    from clusters.models import Meeting, MeetingKind

    years = {n.cluster_year_id for n in nominations}
    proposals = {
        p.cluster_year_id: p
        for p in Proposal.objects.filter(cluster_year_id__in=years).select_related(
            "cluster_year__cluster"
        )
    }
    held = dict(
        Meeting.objects.filter(cluster_year_id__in=years, kind=MeetingKind.REVIEW).values_list(
            "cluster_year_id", "held_on"
        )
    )
    warnings = []
    for cluster_year_id, proposal in sorted(proposals.items()):
        dated = proposal.issued_on or (
            timezone.localdate(proposal.submitted_at) if proposal.submitted_at else None
        )
        meeting_day = held.get(cluster_year_id)
        if dated is None or signed_on >= dated:
            continue
        if meeting_day is None or signed_on < meeting_day:
            continue  # decided before the review: awards handed over at it
        warnings.append(
            _(
                "The decision is dated %(decision)s, before the proposal of %(cluster)s "
                "(%(proposal)s) it decides."
            )
            % {
                "decision": signed_on.strftime("%d/%m/%Y"),
                "cluster": proposal.cluster_year.cluster.name,
                "proposal": dated.strftime("%d/%m/%Y"),
            }
        )
    return warnings


def record_decision(
    *,
    organizer: Organization,
    year: int,
    number: str,
    signed_on: datetime.date,
    signer: str,
    nominations,
    by,
    signer_title: str = "",
    scan=None,
    early_reason: str = "",
) -> Decision:
    """The organiser's decision granting approved nominations: each becomes an award. A
    decision dated before a proposal it decides needs `early_reason` (kept in its history)."""
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number:
        raise ValidationError(_("Give the decision's number."))
    if not signer:
        raise ValidationError(_("Give who signed the decision."))
    ids = [n.pk for n in nominations]
    if not ids:
        raise ValidationError(_("Select at least one approved nomination."))
    with transaction.atomic():
        locked = list(
            Nomination.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("cluster_year__cluster", "award_type", "granted_type", "organization")
            .order_by("pk")
        )
        from ..permissions import confers

        if by is not None and not confers(by, organizer.pk):
            raise PermissionDenied(
                _("Only the staff of %(organizer)s record its decisions.")
                % {"organizer": organizer.name}
            )
        if (
            Decision.objects.select_for_update()
            .filter(organizer=organizer, number=number)
            .filter(Q(year=year) | Q(signed_on=signed_on))
            .exists()
        ):
            raise ValidationError(
                _("Decision %(number)s has been recorded already.") % {"number": number}
            )
        errors = []
        for nomination in locked:
            _require_staff(by, nomination.cluster_year)
            label = f"{nomination.organization.name} – {nomination.final_type.label}"
            if nomination.status == S.AWARDED:
                errors.append(_("%(what)s has been decided already.") % {"what": label})
            elif nomination.status not in GRANTABLE_STATUSES:
                errors.append(
                    _("%(what)s is %(status)s, not approved.")
                    % {"what": label, "status": nomination.get_status_display().lower()}
                )
            elif nomination.cluster_year.year != year:
                errors.append(_("%(what)s is of another year.") % {"what": label})
            elif nomination.final_type.organizer_id != organizer.pk:
                errors.append(_("%(what)s is conferred by another organisation.") % {"what": label})
        if errors:
            raise ValidationError(errors)
        early = early_decision_warnings(signed_on, locked)
        early_reason = (early_reason or "").strip()
        if early and not early_reason:
            raise ValidationError(early, code="early")
        decision = Decision(
            organizer=organizer,
            year=year,
            number=number,
            signed_on=signed_on,
            signer=signer,
            signer_title=(signer_title or "").strip(),
            created_by=by,
        )
        if scan:
            decision.scan = scan
        recorded = _("Decision recorded")
        if early:
            recorded = _("%(what)s; dated before the proposal: %(why)s") % {
                "what": recorded,
                "why": early_reason,
            }
        stamp(decision, by, recorded)
        decision.save()
        reason = _("Awarded by decision %(decision)s") % {"decision": decision}
        for nomination in locked:
            entry = AwardEntry(
                decision=decision,
                nomination=nomination,
                organization=nomination.organization,
                award_type=nomination.final_type,
                cluster_year=nomination.cluster_year,
                year=year,
            )
            stamp(entry, by, reason)
            entry.save()
            _move(nomination, GRANTABLE_STATUSES, S.AWARDED, by=by, reason=reason, verb="")
    from .notifications import notify_head

    for cluster_year in {n.cluster_year_id: n.cluster_year for n in locked}.values():
        names = ", ".join(
            f"{n.organization.name} ({n.final_type.label})"
            for n in locked
            if n.cluster_year_id == cluster_year.pk
        )
        with translation.override("vi"):
            notify_head(
                cluster_year,
                _("%(decision)s awards %(names)s.") % {"decision": decision, "names": names},
            )
    return decision


def revoke(award: AwardEntry, *, by, reason: str, decision_reference: str) -> AwardEntry:
    """Revoke an award; the record stays, with the reason and the revoking decision."""
    reason = _reason(reason)
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ValidationError(_("Give the decision that revokes the award."))
    _require_staff(by, award.cluster_year)
    from ..permissions import confers

    if by is not None and not confers(by, award.decision.organizer_id):
        raise PermissionDenied(_("Only the staff who decided the award revoke it."))
    with transaction.atomic():
        award = (
            AwardEntry.objects.select_for_update(of=("self",))
            .select_related("nomination")
            .get(pk=award.pk)
        )
        if award.status == EntryStatus.REVOKED:
            raise ValidationError(_("The award has been revoked already."))
        award.status = EntryStatus.REVOKED
        award.revoked_reason = reason
        award.revoked_by_decision = decision_reference
        award.revoked_at = timezone.now()
        text = _("Revoked by %(decision)s: %(reason)s") % {
            "decision": decision_reference,
            "reason": reason,
        }
        stamp(award, by, text)
        award.save()
        nomination = _lock(award.nomination)
        _move(nomination, (S.AWARDED,), S.REVOKED, by=by, reason=text, verb=_("revoked"))
    return award
