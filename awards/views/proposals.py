"""The cluster's proposal dossier of a year: the head prepares and submits the submission (tờ
trình) with its nominations and answers the organiser's returns; everybody who reads the
cluster-year follows it, the organiser's staff with a link to each nomination's dossier.

The submission prints as PDF and Word with an HTML preview (awards.documents.proposal).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.permissions import (
    access_for,
    can_act_as_head,
    can_manage_cluster_year,
    cluster_year_rule,
    sees_all_results,
)
from clusters.services.results import stored_standings
from emulation.documents.base import DocumentError
from emulation.documents.responses import docx_attachment, pdf_attachment

from ..documents import proposal as proposal_document
from ..documents.common import percent
from ..forms.proposals import ProposalForm, ResubmitForm
from ..models import Nomination, NominationStatus, ProposalStatus, VoteMode
from ..services import approval


def _back(cluster_year):
    return redirect("awards:proposal", cluster_year.cluster.code, cluster_year.year)


def _refused(request, error) -> None:
    """A service's refusal becomes a message; nothing was saved."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You may not do this."))


def prepares_proposal(user, cluster_year) -> bool:
    """Whether the page offers the head's controls. The organiser's staff hold the head's
    rights too, but they read the dossier they are to decide on – unless no head unit can act
    (none recorded, or it has ended), when they prepare it for the cluster."""
    if not can_act_as_head(user, cluster_year):
        return False
    if not can_manage_cluster_year(user, cluster_year):
        return True
    head = cluster_year.head
    return head is None or head.has_ended


def _place_default(cluster_year, meeting) -> str:
    """The locality the submission is usually dated at: the review's host's, else the
    head's."""
    if meeting is not None and meeting.host_id and meeting.host.locality:
        return meeting.host.locality
    return cluster_year.head.locality if cluster_year.head_id else ""


def _nomination_rows(request, cluster_year, nominations, *, show_resubmit):
    """Each nomination with its vote, its result summary (from the stored totals) and its
    history, in a constant number of queries."""
    standings = stored_standings(cluster_year)
    access = access_for(request.user)
    all_scores = sees_all_results(request.user, cluster_year)
    history = defaultdict(list)
    for entry in (
        Nomination.history.filter(id__in=[n.pk for n in nominations])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        history[entry.id].append(entry)
    rows = []
    for nomination in nominations:
        vote = nomination.vote
        base = None
        if vote is not None:
            base = vote.ballots_valid if vote.mode == VoteMode.SECRET else vote.voters
        standing = standings.get(nomination.organization_id)
        shows_scores = all_scores or nomination.organization_id in access.officer_org_ids
        resubmit_form = None
        if show_resubmit and nomination.status == NominationStatus.RETURNED:
            resubmit_form = ResubmitForm(
                initial={"justification": nomination.justification},
                prefix=f"n{nomination.pk}",
            )
        rows.append(
            {
                "nomination": nomination,
                "base": base,
                "percent": percent(nomination.votes, base),
                "standing": standing if shows_scores else None,
                "history": [
                    {
                        "date": entry.history_date,
                        "user": entry.history_user,
                        "status": entry.get_status_display(),
                        "reason": entry.history_change_reason,
                    }
                    for entry in history[nomination.pk]
                ],
                "resubmit_form": resubmit_form,
            }
        )
    return rows


@login_required
@cluster_year_rule(None)
def proposal(request, cluster_year):
    """Everybody who reads the cluster-year sees the dossier; the head saves the submission's
    fields while it is being prepared."""
    head = can_act_as_head(request.user, cluster_year)
    prepares = prepares_proposal(request.user, cluster_year)
    current = approval.proposal_for(cluster_year)
    meeting = approval.review_meeting(cluster_year)
    draft = current.status == ProposalStatus.DRAFT
    form = None
    if request.method == "POST":
        if not head:
            raise PermissionDenied
        if not draft:
            messages.error(request, _("The proposal has been submitted: it can no longer change."))
            return _back(cluster_year)
        form = ProposalForm(request.POST, instance=approval.proposal_for(cluster_year))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProposalForm.Meta.fields}
            try:
                approval.save_proposal(cluster_year, by=request.user, **fields)
            except (ValidationError, PermissionDenied) as error:
                _refused(request, error)
            else:
                messages.success(request, _("The submission was saved."))
            return _back(cluster_year)
    elif prepares and draft:
        initial = {}
        if current.pk is None:
            initial["place"] = _place_default(cluster_year, meeting)
        form = ProposalForm(instance=current, initial=initial)

    nominations = list(
        cluster_year.nominations.select_related(
            "organization", "award_type", "granted_type", "vote"
        ).order_by("award_type__order", "award_type__name", "-leading", "-votes", "pk")
    )
    rows = _nomination_rows(request, cluster_year, nominations, show_resubmit=prepares)
    gaps = approval.dossier_gaps(cluster_year, current) if draft else []
    printable = any(n.status != NominationStatus.WITHDRAWN for n in nominations)
    return render(
        request,
        "awards/proposal/detail.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "proposal": current,
            "meeting": meeting,
            "form": form,
            "rows": rows,
            "gaps": gaps,
            "draft": draft,
            "prepares": prepares,
            "is_staff": can_manage_cluster_year(request.user, cluster_year),
            "printable": printable,
        },
    )


@login_required
@cluster_year_rule(can_act_as_head)
@require_POST
def proposal_submit(request, cluster_year):
    try:
        current = approval.submit(cluster_year, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _("The proposal was not submitted:"))
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The proposal %(number)s was submitted to the organiser.")
            % {"number": current.number},
        )
    return _back(cluster_year)


@login_required
@cluster_year_rule(can_act_as_head)
@require_POST
def nomination_resubmit(request, cluster_year, pk):
    nomination = get_object_or_404(
        Nomination.objects.select_related("organization", "award_type"),
        cluster_year=cluster_year,
        pk=pk,
    )
    form = ResubmitForm(request.POST, prefix=f"n{nomination.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(cluster_year)
    justification = form.cleaned_data["justification"]
    if f"n{nomination.pk}-justification" not in request.POST:
        justification = None  # not sent: left as it is
    try:
        approval.resubmit(
            nomination,
            by=request.user,
            supplement=form.cleaned_data["supplement"],
            justification=justification,
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(unit)s – %(award)s was resubmitted to the organiser.")
            % {"unit": nomination.organization.name, "award": nomination.award_type.label},
        )
    return _back(cluster_year)


def _document(cluster_year):
    try:
        return proposal_document.build_proposal(cluster_year)
    except DocumentError as error:  # nobody proposed
        raise Http404(str(error)) from error


@login_required
@cluster_year_rule(sees_all_results)
def proposal_preview(request, cluster_year):
    document = _document(cluster_year)
    with translation.override("vi"):
        return render(
            request,
            proposal_document.TEMPLATE,
            {"document": document, "for_pdf": False, "cluster_year": cluster_year},
        )


@login_required
@cluster_year_rule(sees_all_results)
def proposal_pdf(request, cluster_year):
    document = _document(cluster_year)
    return pdf_attachment(proposal_document.TEMPLATE, document)


@login_required
@cluster_year_rule(sees_all_results)
def proposal_docx(request, cluster_year):
    document = _document(cluster_year)
    return docx_attachment(proposal_document.TEMPLATE, document)
