"""The indicator figures of a cluster-year given only for the whole cluster (a report with
the cluster's figure and none per unit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from emulation.forms import FigureField
from emulation.text import format_number

from ..models import ClusterFigure, EmulationProgram, IndicatorKind, Qualifier
from ..permissions import can_act_as_head, can_manage_cluster_year, cluster_year_rule
from ..services.figures import figure_totals, save_cluster_figures
from ..services.results import cluster_standings


def _may_edit(user, cluster_year) -> bool:
    return not cluster_year.is_closed and (
        can_act_as_head(user, cluster_year) or can_manage_cluster_year(user, cluster_year)
    )


@login_required
@cluster_year_rule(None)
def cluster_figures(request, cluster_year):
    """Every indicator with the cluster's own figure (editable by the head and the staff) and
    what the documents print: the units' sum when they have figures, else this one."""
    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is None:
        raise Http404(_("The organiser has not set up the programme of this year."))
    may_edit = _may_edit(request.user, cluster_year)
    indicators = list(program.indicators.all())
    stored = {f.indicator_id: f for f in ClusterFigure.objects.filter(cluster_year=cluster_year)}
    number = FigureField(
        localize=True, required=False, min_value=0, max_digits=18, decimal_places=2
    )
    errors = []
    posted = request.method == "POST"
    if posted and not may_edit:
        raise PermissionDenied
    lines = []
    data = {}
    for indicator in indicators:
        figure = stored.get(indicator.pk)
        prefix = f"i{indicator.pk}"
        line = {"indicator": indicator, "prefix": prefix}
        for key in ("target", "actual"):
            if posted:
                line[key] = request.POST.get(f"{prefix}-{key}", "").strip()
            else:
                value = getattr(figure, key) if figure else None
                line[key] = format_number(value) if value is not None else ""
        line["qualifier"] = (
            request.POST.get(f"{prefix}-qualifier", "")
            if posted
            else (figure.qualifier if figure else "")
        )
        line["note"] = (
            request.POST.get(f"{prefix}-note", "") if posted else (figure.note if figure else "")
        )
        if posted:
            values = {"qualifier": line["qualifier"], "note": line["note"]}
            for key in ("target", "actual"):
                try:
                    values[key] = number.clean(line[key])
                except ValidationError as error:
                    errors.append(f"{indicator.name}: {' '.join(error.messages)}")
            if indicator.kind == IndicatorKind.COUNT:
                for key in ("target", "actual"):
                    value = values.get(key)
                    if value is not None and value != value.to_integral_value():
                        errors.append(f"{indicator.name}: {_('A count is a whole number.')}")
            data[indicator.pk] = values
        lines.append(line)
    if posted and not errors:
        try:
            changed = save_cluster_figures(cluster_year, data, by=request.user)
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            messages.success(request, _("Saved: %(n)s figures changed.") % {"n": changed})
            return redirect(request.path)
    if errors:
        messages.error(request, _("Nothing was saved: correct the marked fields."))
    standings = cluster_standings(cluster_year)
    result_ids = {row.result.pk for row in standings.counted if row.result is not None}
    totals = figure_totals(cluster_year, indicators, result_ids)
    for line in lines:
        line["printed"] = totals.get(line["indicator"].pk)
    return render(
        request,
        "clusters/cluster_figures.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "lines": lines,
            "errors": errors,
            "may_edit": may_edit,
            "qualifiers": Qualifier.choices,
        },
    )
