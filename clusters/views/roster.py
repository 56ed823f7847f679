"""The cluster roster of a cluster-year: preview, PDF and Excel."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation

from emulation.documents.pdf import render_pdf
from emulation.documents.responses import attachment
from emulation.documents.xlsx import render_table_xlsx

from ..documents import roster
from ..permissions import (
    cluster_year_rule,
)


@login_required
@cluster_year_rule(None)
def roster_pdf(request, cluster_year):
    with translation.override("vi"):
        document = roster.build_roster(cluster_year)
        content = render_pdf(roster.TEMPLATE, {"document": document})
    return attachment(content, document.filename, "pdf")


@login_required
@cluster_year_rule(None)
def roster_xlsx(request, cluster_year):
    with translation.override("vi"):
        document = roster.build_roster(cluster_year)
        content = render_table_xlsx(document)
    return attachment(content, document.filename, "xlsx")


@login_required
@cluster_year_rule(None)
def roster_preview(request, cluster_year):
    with translation.override("vi"):
        document = roster.build_roster(cluster_year)
        return render(
            request,
            roster.TEMPLATE,
            {"document": document, "for_pdf": False, "cluster_year": cluster_year},
        )
