"""The year-end summary report of a cluster-year: HTML preview (to print from the browser),
PDF and Word.

Read like the cluster-year: everyone who reads it. The report exists once the review that
adopted it is closed; before that the URLs answer 404 saying so.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from clusters.permissions import cluster_year_rule
from emulation.documents.base import DocumentError
from emulation.documents.responses import docx_attachment, pdf_attachment

from ..documents import summary


def _document(cluster_year):
    try:
        return summary.build_summary(cluster_year)
    except DocumentError as error:  # no closed review
        raise Http404(str(error)) from error


@login_required
@cluster_year_rule(None)
def summary_preview(request, cluster_year):
    document = _document(cluster_year)
    with translation.override("vi"):
        return render(
            request,
            summary.TEMPLATE,
            {"document": document, "for_pdf": False, "cluster_year": cluster_year},
        )


@login_required
@cluster_year_rule(None)
def summary_pdf(request, cluster_year):
    document = _document(cluster_year)
    return pdf_attachment(summary.TEMPLATE, document)


@login_required
@cluster_year_rule(None)
def summary_docx(request, cluster_year):
    document = _document(cluster_year)
    return docx_attachment(summary.TEMPLATE, document)
