"""Awards decided by the body above before the review meeting: the staff record the decision
for the units the cluster will nominate; the head records their handover at the meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.models import Organization
from clusters.permissions import can_act_as_head, can_manage_cluster_year, cluster_year_rule
from clusters.views.meetings import get_review, step_url

from ..forms.votes import AdvanceDecisionForm
from ..permissions import confers
from ..services.advance import advance_nominations, record_advance_decision, record_handover
from ..services.votes import award_types_for


@login_required
@cluster_year_rule(can_manage_cluster_year)
def advance_decision(request, cluster_year):
    """The organiser's staff: the decisions taken before the review meeting, and a new one."""
    user = request.user
    award_types = award_types_for(cluster_year)
    award_types = award_types.filter(
        pk__in=[t.pk for t in award_types if confers(user, t.organizer_id)]
    )
    members = Organization.objects.filter(
        pk__in=[e.membership.organization_id for e in cluster_year.member_entries()]
    ).order_by("name")
    form = AdvanceDecisionForm(request.POST or None, award_types=award_types, members=members)
    if request.method == "POST":
        if not award_types.exists():
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = record_advance_decision(
                    cluster_year,
                    award_type=data["award_type"],
                    organizations=list(data["organizations"]),
                    number=data["number"],
                    signed_on=data["signed_on"],
                    signer=data["signer"],
                    signer_title=data["signer_title"],
                    by=user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(decision)s is recorded; the head hands the awards over at the review.")
                    % {"decision": decision},
                )
                return redirect(request.path)
    return render(
        request,
        "awards/advance_decision.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "form": form,
            "nominations": list(advance_nominations(cluster_year)),
            "can_record": award_types.exists() and not cluster_year.is_closed,
        },
    )


@login_required
@require_POST
@cluster_year_rule(can_act_as_head)
def meeting_handover(request, cluster_year, pk):
    """The head records, at the review, that the awards of a form decided before it were
    handed over."""
    meeting = get_review(cluster_year, pk)
    award_type = get_object_or_404(award_types_for(cluster_year), pk=request.POST.get("award_type"))
    try:
        handed = record_handover(meeting, award_type, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Recorded as handed over: %(units)s.")
            % {"units": ", ".join(n.organization.name for n in handed)},
        )
    return redirect(step_url(meeting, "vote"))
