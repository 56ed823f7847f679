"""The minutes of the year-end review: HTML preview, PDF and Word.

Read like the cluster-year: the head, the deputy, the organiser's staff and those above it
always (a running meeting prints as a draft); the member units once the meeting is closed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from clusters.models import ClusterYear, Meeting
from clusters.permissions import access_for, can_act_as_head, cluster_year_rule, running_org_ids
from emulation.documents.base import DocumentError
from emulation.documents.responses import docx_attachment, pdf_attachment

from ..documents import minutes
from ..documents.common import review_meeting


def can_read_minutes(user, cluster_year: ClusterYear, meeting: Meeting) -> bool:
    """Within the cluster-year's scope (checked before): the closed meeting's minutes by
    everyone; a running meeting's draft by the head, the deputy and the organiser's side."""
    if meeting.is_closed or can_act_as_head(user, cluster_year):
        return True
    access = access_for(user)
    own = access.officer_org_ids
    if cluster_year.head_id in own or cluster_year.deputy_id in own:
        return True
    # The organiser's viewers and the observers above it.
    return access.reads_below_any(running_org_ids(cluster_year))


def _minutes(request, cluster_year):
    meeting = review_meeting(cluster_year)
    if meeting is not None and not can_read_minutes(request.user, cluster_year, meeting):
        raise PermissionDenied
    try:
        return meeting, minutes.build_minutes(cluster_year)
    except DocumentError as error:  # no review recorded
        raise Http404(str(error)) from error


@login_required
@cluster_year_rule(None)
def minutes_pdf(request, cluster_year):
    _, document = _minutes(request, cluster_year)
    return pdf_attachment(minutes.TEMPLATE, document)


@login_required
@cluster_year_rule(None)
def minutes_preview(request, cluster_year):
    meeting, document = _minutes(request, cluster_year)
    with translation.override("vi"):
        return render(
            request,
            minutes.TEMPLATE,
            {
                "document": document,
                "for_pdf": False,
                "cluster_year": cluster_year,
                "meeting": meeting,
            },
        )


@login_required
@cluster_year_rule(None)
def minutes_docx(request, cluster_year):
    _, document = _minutes(request, cluster_year)
    return docx_attachment(minutes.TEMPLATE, document)
