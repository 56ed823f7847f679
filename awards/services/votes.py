"""The review meeting's vote (bình xét) and the nominations it produces, checked against the
award rules and quotas configured per organiser and year.

Rules of the vote: one voice per member unit present per round; a unit never votes for
itself; only eligible units stand; a vote needs the quorum; a tie for the last place is
resolved by the programme's rule – another round between the tied units, or the ranking of the
results – and the resolution is recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import (
    LEVEL_ABBREVIATIONS,
    ClusterYear,
    EmulationProgram,
    Meeting,
    Organization,
    ResultStatus,
    VoteTieRule,
)
from clusters.services import cluster_standings
from clusters.services.history import stamp
from clusters.services.meetings import (
    lock_running,
    member_ids,
    present_member_ids,
    require_quorum,
    require_running,
)
from emulation.text import vi_sort_key

from ..models import (
    ACTIVE_STATUSES,
    AwardKind,
    AwardRule,
    AwardType,
    Nomination,
    NominationStatus,
    RuleScope,
    Vote,
    VoteCandidate,
    VoteCast,
    VoteMode,
    VoteStatus,
)


def award_types_for(cluster_year: ClusterYear):
    """The award forms the cluster may propose: those conferred by its organiser or by an
    organisation above it during the year."""
    from clusters.permissions import running_org_ids

    return AwardType.objects.filter(
        organizer_id__in=running_org_ids(cluster_year), active=True
    ).order_by("order", "name")


# Eligibility --------------------------------------------------------------------------------


def ineligibility(cluster_year: ClusterYear, award_type: AwardType, standings=None) -> dict:
    """{organisation id: why it cannot stand} for the members of the year; units absent from
    the dict are eligible."""
    standings = standings or cluster_standings(cluster_year)
    reasons = {}
    for row in standings.rows:
        if not row.member_at_end:
            reasons[row.organization_id] = _("left the cluster during the year")
        elif award_type.requires_level and (
            row.result is None
            or row.result.status not in (ResultStatus.VERIFIED, ResultStatus.LOCKED)
        ):
            reasons[row.organization_id] = _("its result is not verified yet")
        elif award_type.requires_level and row.level != award_type.requires_level:
            reasons[row.organization_id] = _("%(award)s requires %(level)s; classified %(is)s") % {
                "award": award_type.label,
                "level": LEVEL_ABBREVIATIONS[award_type.requires_level],
                "is": row.level_label or _("not yet"),
            }
    return reasons


def _names(ids) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))


# Votes ----------------------------------------------------------------------------------------


def start_vote(
    meeting: Meeting,
    *,
    award_type: AwardType,
    mode: str,
    candidates: list[Organization],
    seats: int = 1,
    by,
    round_number: int | None = None,
) -> Vote:
    """Open a round for `award_type` with the given candidates. Refused without quorum, for an
    ineligible candidate, or on a closed meeting."""
    require_running(meeting)
    require_quorum(meeting)
    cluster_year = meeting.cluster_year
    if not candidates:
        raise ValidationError(_("Choose at least one candidate."))
    if seats < 1:
        raise ValidationError(_("At least one unit is to be chosen."))
    if mode not in VoteMode.values:
        raise ValidationError(_("Choose how the vote is held."))
    from .advance import advance_award_type_ids

    if award_type.pk in advance_award_type_ids(cluster_year):
        raise ValidationError(
            _("%(award)s was decided before the meeting: record its handover instead of a vote.")
            % {"award": award_type.label}
        )
    reasons = ineligibility(cluster_year, award_type)
    members = member_ids(meeting)
    errors = []
    for org in candidates:
        if org.pk not in members:
            errors.append(_("%(unit)s is not a member of the cluster.") % {"unit": org.name})
        elif org.pk in reasons:
            errors.append(
                _("%(unit)s cannot stand: %(why)s.") % {"unit": org.name, "why": reasons[org.pk]}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = lock_running(meeting)
        last = (
            Vote.objects.filter(meeting=meeting, award_type=award_type).order_by("-round").first()
        )
        if round_number is None:
            if last is not None and last.status == VoteStatus.OPEN:
                raise ValidationError(_("Count the open round of this award first."))
            if last is not None:
                raise ValidationError(
                    _(
                        "The vote for %(award)s is counted: another round is held only "
                        "between units tied for the last place."
                    )
                    % {"award": award_type.label}
                )
            round_number = 1
        elif last is not None and last.round >= round_number:
            raise ValidationError(_("The next round has already been opened."))
        vote = Vote(
            meeting=meeting,
            award_type=award_type,
            round=round_number,
            mode=mode,
            seats=seats,
            voters=len(present_member_ids(meeting)),
            created_by=by,
        )
        stamp(vote, by, _("Vote opened"))
        vote.save()
        for org in candidates:
            candidate = VoteCandidate(vote=vote, organization=org)
            stamp(candidate, by, _("Vote opened"))
            candidate.save()
    return vote


def _lock_open(vote: Vote) -> Vote:
    """The round's row locked, refused once counted or when the meeting is closed: a double
    submit counts once."""
    lock_running(vote.meeting)
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(_("This round is already counted."))
    return vote


def record_open_vote(vote: Vote, casts: dict[int, set[int]], *, by) -> Vote:
    """An open vote: `casts` maps each voting unit to the candidates it raised its hand for.
    One voice per unit present, at most `seats` choices, never for itself."""
    require_running(vote.meeting)
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(_("This round is already counted."))
    if vote.mode != VoteMode.OPEN:
        raise ValidationError(_("This round is a secret ballot: enter the ballot count."))
    present = present_member_ids(vote.meeting)
    candidate_ids = set(vote.candidates.values_list("organization_id", flat=True))
    names = _names(set(casts) | candidate_ids)
    errors = []
    for voter, chosen in casts.items():
        if voter not in present:
            errors.append(
                _("%(unit)s is not a member present at the meeting: it cannot vote.")
                % {"unit": names.get(voter, voter)}
            )
            continue
        if voter in chosen:
            errors.append(_("%(unit)s cannot vote for itself.") % {"unit": names[voter]})
        if chosen - candidate_ids:
            errors.append(_("A vote can only go to a candidate of this round."))
        if len(chosen) > vote.seats:
            errors.append(
                _("%(unit)s has one voice: at most %(n)s choice(s) in this round.")
                % {"unit": names[voter], "n": vote.seats}
            )
    if errors:
        raise ValidationError(errors)
    original = vote
    with transaction.atomic():
        vote = _lock_open(vote)
        for voter, chosen in casts.items():
            for candidate in chosen:
                cast = VoteCast(vote=vote, voter_id=voter, candidate_id=candidate)
                stamp(cast, by, _("Open vote"))
                cast.save()
        counts = dict(
            vote.casts.values("candidate_id")
            .annotate(n=Count("pk"))
            .values_list("candidate_id", "n")
        )
        vote.ballots_issued = vote.ballots_returned = vote.ballots_valid = None
        _count(vote, counts, by=by)
    original.refresh_from_db()
    return original


def record_secret_ballot(
    vote: Vote, *, issued: int, returned: int, valid: int, counts: dict[int, int], by
) -> Vote:
    """A secret ballot: ballots issued, returned and valid, and the votes per candidate."""
    require_running(vote.meeting)
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(_("This round is already counted."))
    if vote.mode != VoteMode.SECRET:
        raise ValidationError(_("This round is an open vote: record the raised hands."))
    present_ids = present_member_ids(vote.meeting)
    present = len(present_ids)
    candidate_ids = set(vote.candidates.values_list("organization_id", flat=True))
    errors = []
    if issued > present:
        errors.append(
            _("%(issued)s ballots issued for %(present)s member units present: one each.")
            % {"issued": issued, "present": present}
        )
    if returned > issued:
        errors.append(_("More ballots returned than issued."))
    if valid > returned:
        errors.append(_("More valid ballots than returned."))
    if set(counts) - candidate_ids:
        errors.append(_("A vote can only go to a candidate of this round."))
    names = _names(candidate_ids)
    for candidate, n in counts.items():
        if n < 0:
            errors.append(_("A number of votes cannot be negative."))
        elif n > valid:
            errors.append(
                _("%(unit)s: %(n)s votes, more than the %(valid)s valid ballots.")
                % {"unit": names.get(candidate, ""), "n": n, "valid": valid}
            )
        elif n > len(present_ids - {candidate}):
            # Its own ballot cannot carry its name.
            errors.append(
                _("%(unit)s: %(n)s votes, but only %(others)s other units could vote for it.")
                % {
                    "unit": names.get(candidate, ""),
                    "n": n,
                    "others": len(present_ids - {candidate}),
                }
            )
    if sum(counts.values()) > valid * vote.seats:
        errors.append(_("More votes than the valid ballots allow."))
    if errors:
        raise ValidationError(errors)
    original = vote
    with transaction.atomic():
        vote = _lock_open(vote)
        vote.ballots_issued, vote.ballots_returned, vote.ballots_valid = issued, returned, valid
        _count(vote, counts, by=by)
    original.refresh_from_db()
    return original


def _tie_rule(vote: Vote) -> str:
    program = EmulationProgram.for_cluster_year(vote.meeting.cluster_year)
    return program.vote_tie_rule if program else VoteTieRule.NEW_ROUND


@translation.override("vi")
def _count(vote: Vote, counts: dict[int, int], *, by) -> Vote:
    """Store the votes, choose the `seats` units with the most votes; a tie for the last
    place is resolved by the programme's rule and recorded (in Vietnamese: it prints in the
    minutes)."""
    candidates = list(vote.candidates.select_related("organization"))
    for candidate in candidates:
        candidate.votes = counts.get(candidate.organization_id, 0)
        candidate.elected = False
    ordered = sorted(candidates, key=lambda c: -c.votes)
    seats = min(vote.seats, len(ordered))
    vote.tie = False
    vote.tie_resolution = ""
    with_votes = [c for c in ordered if c.votes > 0]
    if len(with_votes) <= seats:
        chosen = with_votes
    else:
        boundary = with_votes[seats - 1].votes
        above = [c for c in with_votes if c.votes > boundary]
        tied = [c for c in with_votes if c.votes == boundary]
        free = seats - len(above)
        if len(tied) <= free:
            chosen = above + tied
        else:
            vote.tie = True
            tied_names = ", ".join(c.organization.name for c in tied)
            if _tie_rule(vote) == VoteTieRule.TIE_BREAK:
                standings = cluster_standings(vote.meeting.cluster_year)
                rank = {r.organization_id: r.rank for r in standings.rows}

                def key(c):
                    r = rank.get(c.organization_id)
                    return (r is None, r or 0, vi_sort_key(c.organization.name))

                tied.sort(key=key)
                winners = tied[:free]
                chosen = above + winners
                vote.tie_resolution = _(
                    "Tie at %(n)s votes between %(units)s, resolved by the ranking of the "
                    "results: %(winners)s."
                ) % {
                    "n": boundary,
                    "units": tied_names,
                    "winners": ", ".join(
                        f"{c.organization.name} ({_('rank %(rank)s') % {'rank': rank.get(c.organization_id) or '–'}})"
                        for c in winners
                    ),
                }
            else:
                chosen = above
                vote.tie_resolution = _(
                    "Tie at %(n)s votes between %(units)s: another round between them."
                ) % {"n": boundary, "units": tied_names}
    for candidate in chosen:
        candidate.elected = True
    for candidate in candidates:
        stamp(candidate, by, _("Votes counted"))
        candidate.save()
    vote.status = VoteStatus.COUNTED
    vote.counted_at = timezone.now()
    stamp(vote, by, _("Votes counted"))
    vote.save()
    return vote


def tied_candidates(vote: Vote) -> list[VoteCandidate]:
    """The units still tied after a counted round (none when the tie was resolved)."""
    if vote.status != VoteStatus.COUNTED or not vote.tie:
        return []
    candidates = list(vote.candidates.all())
    elected = [c for c in candidates if c.elected]
    free = vote.seats - len(elected)
    if free <= 0:
        return []
    rest = sorted((c for c in candidates if not c.elected and c.votes > 0), key=lambda c: -c.votes)
    if not rest:
        return []
    boundary = rest[0].votes
    return [c for c in rest if c.votes == boundary]


def start_tie_round(vote: Vote, *, by, mode: str | None = None) -> Vote:
    """Another round between the units tied in `vote`, for the places still free."""
    tied = tied_candidates(vote)
    if not tied:
        raise ValidationError(_("There is no tie to resolve in this round."))
    if Vote.objects.filter(
        meeting=vote.meeting, award_type=vote.award_type, round__gt=vote.round
    ).exists():
        raise ValidationError(_("The next round has already been opened."))
    free = vote.seats - vote.candidates.filter(elected=True).count()
    return start_vote(
        vote.meeting,
        award_type=vote.award_type,
        mode=mode or vote.mode,
        candidates=[c.organization for c in tied],
        seats=free,
        by=by,
        round_number=vote.round + 1,
    )


def chosen_units(meeting: Meeting, award_type: AwardType) -> list[VoteCandidate]:
    """The units chosen for `award_type` over every counted round, best first."""
    return list(
        VoteCandidate.objects.filter(
            vote__meeting=meeting,
            vote__award_type=award_type,
            vote__status=VoteStatus.COUNTED,
            elected=True,
        )
        .select_related("organization", "vote")
        .order_by("vote__round", "-votes")
    )


# Nominations ---------------------------------------------------------------------------------


@dataclass
class RuleCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_rules(
    cluster_year: ClusterYear,
    award_type: AwardType,
    organization: Organization,
    *,
    leading: bool = False,
    exclude: Nomination | None = None,
) -> RuleCheck:
    """The award rules and quotas for one more nomination: each blocking or a warning, as the
    organiser configured it; eligibility always blocks."""
    check = RuleCheck()
    standings = cluster_standings(cluster_year)
    reasons = ineligibility(cluster_year, award_type, standings)
    if standings.row_for(organization.pk) is None:
        check.errors.append(
            _("%(unit)s is not a member of the cluster.") % {"unit": organization.name}
        )
    elif organization.pk in reasons:
        check.errors.append(
            _("%(unit)s cannot be proposed: %(why)s.")
            % {"unit": organization.name, "why": reasons[organization.pk]}
        )
    proposed = Nomination.objects.filter(status__in=ACTIVE_STATUSES)
    if exclude is not None:
        proposed = proposed.exclude(pk=exclude.pk)
    same_cluster = proposed.filter(cluster_year=cluster_year)
    if same_cluster.filter(organization=organization, award_type=award_type).exists():
        check.errors.append(
            _("%(unit)s is already proposed for %(award)s.")
            % {"unit": organization.name, "award": award_type.label}
        )
    if leading and same_cluster.filter(leading=True).exists():
        check.errors.append(_("A cluster proposes at most one leading unit."))
    # The same form conferred by the same organiser, once comprehensive and once thematic.
    if (
        proposed.filter(organization=organization, cluster_year__year=cluster_year.year)
        .exclude(award_type__comprehensive=award_type.comprehensive)
        .filter(award_type__kind=award_type.kind, award_type__organizer=award_type.organizer)
        .exists()
    ):
        check.errors.append(
            _(
                "%(unit)s cannot receive a comprehensive and a thematic award of the same "
                "level in one year."
            )
            % {"unit": organization.name}
        )
    members = len(
        set(
            cluster_year.memberships.on(cluster_year.as_of).values_list(
                "organization_id", flat=True
            )
        )
    )
    rules = AwardRule.objects.filter(
        award_type=award_type, year=cluster_year.year, organizer=award_type.organizer
    )
    for rule in rules:
        if rule.scope == RuleScope.CLUSTER:
            count = same_cluster.filter(award_type=award_type).count() + 1
            limit = rule.max_count
            message = _("%(award)s: %(count)s in the cluster, at most %(limit)s allowed")
        elif rule.scope == RuleScope.SHARE:
            count = same_cluster.filter(award_type=award_type).count() + 1
            limit = math.floor(members * (rule.max_percent or 0) / 100)
            message = _(
                "%(award)s: %(count)s in the cluster, at most %(limit)s allowed "
                "(%(percent)s%% of the members)"
            )
        else:
            count = (
                proposed.filter(
                    award_type=award_type,
                    cluster_year__year=cluster_year.year,
                    cluster_year__cluster__organizer=rule.organizer,
                ).count()
                + 1
            )
            limit = rule.max_count
            message = _("%(award)s: %(count)s across the organiser's clusters, at most %(limit)s")
        if limit is None or count <= limit:
            continue
        text = message % {
            "award": award_type.label,
            "count": count,
            "limit": limit,
            "percent": rule.max_percent,
        }
        if rule.regulation:
            text += f" ({rule.regulation})"
        (check.errors if rule.blocking else check.warnings).append(text + ".")
    return check


def nominate(
    cluster_year: ClusterYear,
    *,
    organization: Organization,
    award_type: AwardType,
    by,
    vote: Vote | None = None,
    votes: int | None = None,
    leading: bool | None = None,
    justification: str = "",
    meeting: Meeting | None = None,
) -> Nomination:
    """Propose a unit; blocking rules refuse it, warnings are kept on the nomination."""
    if cluster_year.is_closed:
        raise ValidationError(_("The year is closed."))
    if leading is None:
        leading = award_type.kind == AwardKind.LEADING_FLAG
    with transaction.atomic():
        if meeting is not None:
            lock_running(meeting)
        # Serialise the nominations of one cluster-year so that quotas hold.
        ClusterYear.objects.select_for_update().filter(pk=cluster_year.pk).first()
        # Worded in Vietnamese: the warnings are kept and print in the documents.
        with translation.override("vi"):
            check = check_rules(cluster_year, award_type, organization, leading=leading)
        if check.errors:
            raise ValidationError(check.errors)
        nomination = Nomination(
            cluster_year=cluster_year,
            organization=organization,
            award_type=award_type,
            vote=vote,
            votes=votes,
            leading=leading,
            justification=justification,
            warnings="\n".join(check.warnings),
            created_by=by,
        )
        stamp(nomination, by, _("Proposed at the review meeting") if meeting else _("Proposed"))
        nomination.save()
    return nomination


def nominate_chosen(meeting: Meeting, award_type: AwardType, *, by) -> tuple[list, list[str]]:
    """Nominate every unit chosen for `award_type` by the vote and not yet nominated. Returns
    (nominations, errors): a unit a blocking rule refuses is left out and named."""
    cluster_year = meeting.cluster_year
    already = set(
        Nomination.objects.filter(
            cluster_year=cluster_year, award_type=award_type, status__in=ACTIVE_STATUSES
        ).values_list("organization_id", flat=True)
    )
    created, errors = [], []
    for candidate in chosen_units(meeting, award_type):
        if candidate.organization_id in already:
            continue
        try:
            created.append(
                nominate(
                    cluster_year,
                    organization=candidate.organization,
                    award_type=award_type,
                    vote=candidate.vote,
                    votes=candidate.votes,
                    by=by,
                    meeting=meeting,
                )
            )
        except ValidationError as error:
            errors.extend(error.messages)
    return created, errors


def withdraw(nomination: Nomination, *, by, reason: str) -> Nomination:
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    if nomination.cluster_year.is_closed:
        raise ValidationError(_("The year is closed."))
    with transaction.atomic():
        # Re-read under a lock: the head may be submitting the proposal at the same time.
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != NominationStatus.PROPOSED:
            raise ValidationError(_("Only a proposed nomination can be withdrawn."))
        nomination.status = NominationStatus.WITHDRAWN
        stamp(nomination, by, reason)
        nomination.save()
    return nomination


# Hooks of the review meeting (registered in AwardsConfig.ready) ------------------------------


def closing_gaps(meeting: Meeting) -> list[str]:
    """A meeting does not close on a round left uncounted, a tie left unsettled or an award
    decided before it and not yet handed over."""
    from .advance import handover_gaps

    gaps = handover_gaps(meeting)
    votes = list(meeting.votes.select_related("award_type").prefetch_related("candidates"))
    for vote in votes:
        if vote.status == VoteStatus.OPEN:
            gaps.append(_("%(vote)s has not been counted.") % {"vote": vote})
        elif tied_candidates(vote) and not any(
            v.award_type_id == vote.award_type_id and v.round > vote.round for v in votes
        ):
            gaps.append(_("%(vote)s ended in a tie: hold another round.") % {"vote": vote})
    return gaps


def attendance_frozen(meeting: Meeting) -> str:
    if meeting.votes.exists():
        return _("The vote has started: who is present can no longer change.")
    return ""
