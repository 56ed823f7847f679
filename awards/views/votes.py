"""The vote and nomination steps of the review meeting's meeting mode, and the cluster-year's
list of nominations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.models import MeetingKind, MeetingStatus, Organization
from clusters.permissions import (
    access_for,
    can_act_as_head,
    can_manage_cluster_year,
    cluster_year_rule,
)
from clusters.services import cluster_standings
from clusters.services.meetings import member_ids, present_member_ids
from clusters.views.meetings import get_review, step_context, step_url

from ..forms.votes import NominationForm, SecretBallotForm, VoteStartForm, WithdrawForm
from ..models import AwardKind, Nomination, NominationStatus, Vote, VoteMode, VoteStatus
from ..permissions import award_forms_contacts, confers
from ..services.votes import (
    award_types_for,
    chosen_units,
    ineligibility,
    nominate,
    nominate_chosen,
    record_open_vote,
    record_secret_ballot,
    start_tie_round,
    start_vote,
    tied_candidates,
    withdraw,
)


def _error(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


def _members(meeting):
    return Organization.objects.filter(pk__in=member_ids(meeting)).order_by("name")


def _closed(request, meeting) -> bool:
    if meeting.is_closed:
        messages.error(request, _("The meeting is closed: nothing can be changed any more."))
        return True
    return False


# The vote -----------------------------------------------------------------------------------


@login_required
@cluster_year_rule(can_act_as_head)
def meeting_vote(request, cluster_year, pk):
    meeting = get_review(cluster_year, pk)
    award_types = award_types_for(cluster_year)
    members = _members(meeting)
    from ..services.advance import advance_award_type_ids

    form = VoteStartForm(
        request.POST or None,
        award_types=award_types.exclude(pk__in=advance_award_type_ids(cluster_year)),
        members=members,
    )
    if request.method == "POST":
        if _closed(request, meeting):
            return redirect(step_url(meeting, "vote"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                vote = start_vote(
                    meeting,
                    award_type=data["award_type"],
                    mode=data["mode"],
                    candidates=list(data["candidates"]),
                    seats=data["seats"],
                    by=request.user,
                )
            except ValidationError as error:
                _error(request, error)
            else:
                return redirect(
                    "awards:vote_record", cluster_year.cluster.code, cluster_year.year, vote.pk
                )
    standings = cluster_standings(cluster_year)
    names = {row.organization_id: row.name for row in standings.rows}
    eligibility = []
    for award_type in award_types:
        reasons = ineligibility(cluster_year, award_type, standings)
        if reasons:
            eligibility.append(
                (award_type, [(names[org_id], why) for org_id, why in reasons.items()])
            )
    votes = list(
        meeting.votes.select_related("award_type").prefetch_related("candidates__organization")
    )
    for vote in votes:
        vote.tied = tied_candidates(vote)
        vote.has_next = any(
            v.award_type_id == vote.award_type_id and v.round > vote.round for v in votes
        )
    # Forms the body above decided before the meeting: handed over here, not voted on.
    from ..services.advance import advance_nominations

    advance = list(advance_nominations(cluster_year))
    handovers = []
    for award_type in award_types:
        items = [n for n in advance if n.award_type_id == award_type.pk]
        if items:
            handovers.append(
                {
                    "award_type": award_type,
                    "nominations": items,
                    "waiting": any(n.handed_over_at_id is None for n in items),
                }
            )
    levels = {row.organization_id: row.level_label for row in standings.rows}
    selected = {str(v) for v in (form["candidates"].value() or [])}
    members = list(members)
    for member in members:
        member.level_label = levels.get(member.pk, "")
        member.selected = str(member.pk) in selected
    return render(
        request,
        "awards/meeting_vote.html",
        step_context(meeting, "vote")
        | {
            "form": form,
            "votes": votes,
            "award_types": award_types,
            "eligibility": eligibility,
            "members": members,
            "handovers": handovers,
        }
        | _forms_help(request.user, cluster_year, award_types),
    )


def _forms_help(user, cluster_year, award_types) -> dict:
    """Where no form is found: the organiser's forms page for its staff, whom to ask for a
    head."""
    if award_types:
        return {}
    organizer = cluster_year.cluster.organizer
    editable = confers(user, organizer.pk)
    return {
        "forms_organizer": organizer,
        "forms_editable": editable,
        "forms_contacts": [] if editable else list(award_forms_contacts(organizer)),
    }


@login_required
@cluster_year_rule(can_act_as_head)
def vote_record(request, cluster_year, pk):
    vote = get_object_or_404(
        Vote.objects.select_related("meeting", "award_type"),
        meeting__cluster_year=cluster_year,
        pk=pk,
    )
    meeting = get_review(cluster_year, vote.meeting_id)
    candidates = list(vote.candidates.select_related("organization"))
    present = present_member_ids(meeting)
    voters = list(Organization.objects.filter(pk__in=present).order_by("name"))
    secret = vote.mode == VoteMode.SECRET
    form = SecretBallotForm(request.POST or None, candidates=candidates) if secret else None
    if request.method == "POST" and not _closed(request, meeting):
        try:
            if secret:
                if not form.is_valid():
                    raise ValidationError(_("Check the figures of the ballot."))
                data = form.cleaned_data
                record_secret_ballot(
                    vote,
                    issued=data["issued"],
                    returned=data["returned"],
                    valid=data["valid"],
                    counts=form.counts(),
                    by=request.user,
                )
            else:
                casts = {}
                for voter in voters:
                    chosen = {
                        c.organization_id
                        for c in candidates
                        if request.POST.get(f"cast_{voter.pk}_{c.organization_id}") == "on"
                    }
                    if chosen:
                        casts[voter.pk] = chosen
                record_open_vote(vote, casts, by=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            vote.refresh_from_db()
            if vote.tie and tied_candidates(vote):
                messages.warning(request, vote.tie_resolution)
            else:
                messages.success(request, _("The votes are counted."))
            return redirect(step_url(meeting, "vote"))
    return render(
        request,
        "awards/vote_record.html",
        step_context(meeting, "vote")
        | {"vote": vote, "candidates": candidates, "voters": voters, "form": form},
    )


@login_required
@cluster_year_rule(can_act_as_head)
@require_POST
def vote_next_round(request, cluster_year, pk):
    vote = get_object_or_404(Vote, meeting__cluster_year=cluster_year, pk=pk)
    meeting = get_review(cluster_year, vote.meeting_id)
    if _closed(request, meeting):
        return redirect(step_url(meeting, "vote"))
    try:
        new = start_tie_round(vote, by=request.user)
    except ValidationError as error:
        _error(request, error)
        return redirect(step_url(meeting, "vote"))
    return redirect("awards:vote_record", cluster_year.cluster.code, cluster_year.year, new.pk)


# Nominations -------------------------------------------------------------------------------

FLAG_KINDS = {AwardKind.LEADING_FLAG, AwardKind.EXCELLENT_FLAG}


def manual_nomination_allowed(user, cluster_year, data):
    """A nomination without a vote: only with a justification; a flag only by the organiser's
    staff (the meeting votes for flags); never by a unit for itself."""
    if not data["justification"].strip():
        raise ValidationError(_("A proposal without a vote needs its justification."))
    staff = can_manage_cluster_year(user, cluster_year)
    if data["award_type"].kind in FLAG_KINDS and not staff:
        raise ValidationError(_("An emulation flag is proposed by the meeting's vote."))
    if not staff and data["organization"].pk in access_for(user).officer_org_ids:
        raise ValidationError(_("A unit does not propose itself without a vote."))


@login_required
@cluster_year_rule(can_act_as_head)
def meeting_nominations(request, cluster_year, pk):
    meeting = get_review(cluster_year, pk)
    award_types = award_types_for(cluster_year)
    members = _members(meeting)
    form = NominationForm(request.POST or None, award_types=award_types, members=members)
    if request.method == "POST" and not _closed(request, meeting):
        if "from_vote" in request.POST:
            award_type = get_object_or_404(award_types, pk=request.POST.get("from_vote"))
            created, errors = nominate_chosen(meeting, award_type, by=request.user)
            for message in errors:
                messages.error(request, message)
            if created:
                messages.success(
                    request,
                    _("Proposed: %(units)s.")
                    % {"units": ", ".join(n.organization.name for n in created)},
                )
            for nomination in created:
                for warning in nomination.warning_lines:
                    messages.warning(request, warning)
            return redirect(step_url(meeting, "nominations"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                manual_nomination_allowed(request.user, cluster_year, data)
                nomination = nominate(
                    cluster_year,
                    organization=data["organization"],
                    award_type=data["award_type"],
                    justification=data["justification"],
                    by=request.user,
                    meeting=meeting,
                )
            except ValidationError as error:
                _error(request, error)
            else:
                messages.success(request, _("The nomination was recorded."))
                for warning in nomination.warning_lines:
                    messages.warning(request, warning)
                return redirect(step_url(meeting, "nominations"))
    nominations = list(
        cluster_year.nominations.filter(status=NominationStatus.PROPOSED).select_related(
            "organization", "award_type"
        )
    )
    nominated = {(n.award_type_id, n.organization_id) for n in nominations}
    pending = []
    for award_type in award_types:
        units = [
            c
            for c in chosen_units(meeting, award_type)
            if (award_type.pk, c.organization_id) not in nominated
        ]
        if units:
            pending.append((award_type, units))
    return render(
        request,
        "awards/meeting_nominations.html",
        step_context(meeting, "nominations")
        | {"form": form, "nominations": nominations, "pending": pending},
    )


@login_required
@cluster_year_rule(can_act_as_head)
@require_POST
def nomination_withdraw(request, cluster_year, pk):
    nomination = get_object_or_404(Nomination, cluster_year=cluster_year, pk=pk)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason."))
        if (
            not can_manage_cluster_year(request.user, cluster_year)
            and cluster_year.meetings.filter(
                kind=MeetingKind.REVIEW, status=MeetingStatus.CLOSED
            ).exists()
        ):
            raise ValidationError(
                _("After the review meeting, only the organiser's staff withdraw a nomination.")
            )
        withdraw(nomination, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The nomination was withdrawn."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("awards:nomination_list", cluster_year.cluster.code, cluster_year.year)


@login_required
@cluster_year_rule(None)
def nomination_list(request, cluster_year):
    nominations = list(
        cluster_year.nominations.select_related("organization", "award_type", "vote").order_by(
            "award_type__order", "-leading", "-votes", "organization__name"
        )
    )
    votes = list(
        Vote.objects.filter(meeting__cluster_year=cluster_year, status=VoteStatus.COUNTED)
        .select_related("award_type")
        .prefetch_related("candidates__organization")
    )
    return render(
        request,
        "awards/nomination_list.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "nominations": nominations,
            "votes": votes,
            "can_head": can_act_as_head(request.user, cluster_year),
            "can_manage": can_manage_cluster_year(request.user, cluster_year),
        },
    )
