"""A nominee's achievement report (báo cáo thành tích): HTML preview, PDF and DOCX.

Read like the cluster-year (outside → 404), for a unit that is a member of it (else 404); the
scores of another unit only by those who see every member's results (else 403, see
`clusters.permissions.sees_all_results`). A unit without a verified result has no report: 404
with the reason.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from clusters.models import Organization
from clusters.permissions import access_for, cluster_year_rule, sees_all_results
from emulation.documents.base import DocumentError
from emulation.documents.docx import render_docx
from emulation.documents.pdf import render_pdf
from emulation.documents.responses import attachment

from ..documents.achievement import TEMPLATE, build_achievement


def _document(request, cluster_year, org_code: str):
    organization = get_object_or_404(
        Organization.objects.filter(pk__in=cluster_year.memberships.values("organization_id")),
        code=org_code,
    )
    own = organization.pk in access_for(request.user).officer_org_ids
    if not own and not sees_all_results(request.user, cluster_year):
        raise PermissionDenied
    try:
        return organization, build_achievement(cluster_year, organization)
    except DocumentError as error:  # no verified result
        raise Http404(str(error)) from error


@login_required
@cluster_year_rule(None)
def achievement_preview(request, cluster_year, org_code):
    organization, document = _document(request, cluster_year, org_code)
    with translation.override("vi"):
        return render(
            request,
            TEMPLATE,
            {
                "document": document,
                "for_pdf": False,
                "cluster_year": cluster_year,
                "organization": organization,
            },
        )


@login_required
@cluster_year_rule(None)
def achievement_pdf(request, cluster_year, org_code):
    _organization, document = _document(request, cluster_year, org_code)
    with translation.override("vi"):
        content = render_pdf(TEMPLATE, {"document": document})
    return attachment(content, document.filename, "pdf")


@login_required
@cluster_year_rule(None)
def achievement_docx(request, cluster_year, org_code):
    _organization, document = _document(request, cluster_year, org_code)
    with translation.override("vi"):
        content = render_docx(TEMPLATE, {"document": document})
    return attachment(content, document.filename, "docx")
