"""Indicator figures of a cluster-year as the documents total them.

A report often gives only the cluster's figure ("trên 1.200 đoàn viên"): such a figure is kept
once for the cluster-year (`ClusterFigure`). The documents use the sum of the members' figures
where any member has one, the cluster's own figure otherwise. A figure may carry a qualifier
(over / nearly / about), kept with the number and printed before it ("trên 1.200").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from emulation.text import format_number

from ..models import (
    QUALIFIER_WORDS,
    ClusterFigure,
    ClusterYear,
    IndicatorKind,
    IndicatorValue,
    Qualifier,
    combined_qualifier,
)
from .history import stamp

_TENTH = Decimal("0.1")


def qualified(number: Decimal | None, qualifier: str = "") -> str:
    """ "trên 1.200": the figure in Vietnamese format with its qualifier's word."""
    if number is None:
        return ""
    text = format_number(number)
    word = QUALIFIER_WORDS.get(qualifier, "")
    return f"{word} {text}" if word else text


def _total(values: list[Decimal], kind: str) -> Decimal | None:
    if not values:
        return None
    if kind == IndicatorKind.PERCENT:
        return (sum(values) / len(values)).quantize(_TENTH)
    if kind == IndicatorKind.YES_NO:
        return Decimal(sum(1 for v in values if v >= 1))
    return sum(values)


@dataclass
class FigureTotal:
    """An indicator over the cluster-year: target, actual and the actual's qualifier, and
    where they come from ("units" or "cluster")."""

    target: Decimal | None
    actual: Decimal | None
    qualifier: str
    source: str

    @property
    def actual_text(self) -> str:
        return qualified(self.actual, self.qualifier)

    @property
    def target_text(self) -> str:
        return format_number(self.target) if self.target is not None else ""


def figure_totals(cluster_year: ClusterYear, indicators, result_ids) -> dict[int, FigureTotal]:
    """{indicator id: FigureTotal} over the members' results `result_ids` – the units' sum
    when any of them has a figure, else the cluster's own figure; indicators with neither are
    left out. Two queries."""
    values: dict[int, list[IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(result_id__in=result_ids):
        values.setdefault(value.indicator_id, []).append(value)
    own = {f.indicator_id: f for f in ClusterFigure.objects.filter(cluster_year=cluster_year)}
    out = {}
    for indicator in indicators:
        rows = [
            v for v in values.get(indicator.pk, []) if v.actual is not None or v.target is not None
        ]
        with_target = indicator.has_target and indicator.kind != IndicatorKind.YES_NO
        if rows:
            actuals = [v for v in rows if v.actual is not None]
            out[indicator.pk] = FigureTotal(
                target=_total([v.target for v in rows if v.target is not None], indicator.kind)
                if with_target
                else None,
                actual=_total([v.actual for v in actuals], indicator.kind),
                qualifier=combined_qualifier(v.qualifier for v in actuals),
                source="units",
            )
        elif indicator.pk in own and (
            own[indicator.pk].actual is not None or own[indicator.pk].target is not None
        ):
            figure = own[indicator.pk]
            out[indicator.pk] = FigureTotal(
                target=figure.target if with_target else None,
                actual=figure.actual,
                qualifier=figure.qualifier if figure.actual is not None else "",
                source="cluster",
            )
    return out


def save_cluster_figures(cluster_year: ClusterYear, data: dict[int, dict], *, by, reason=""):
    """Write the cluster's own figures ({indicator id: {target, actual, qualifier, note}}); an
    indicator left wholly blank removes its figure. Returns how many changed."""
    if cluster_year.is_closed:
        raise ValidationError(_("The year is closed."))
    changed = 0
    with transaction.atomic():
        stored = {
            f.indicator_id: f
            for f in ClusterFigure.objects.select_for_update().filter(cluster_year=cluster_year)
        }
        for indicator_id, values in data.items():
            if values.get("qualifier") and values["qualifier"] not in Qualifier.values:
                raise ValidationError(_("Unknown qualifier."))
            if values.get("qualifier") and values.get("actual") is None:
                values = {**values, "qualifier": ""}
            for key in ("target", "actual"):
                if values.get(key) is not None and values[key] < 0:
                    raise ValidationError(_("A figure cannot be negative."))
            figure = stored.get(indicator_id)
            empty = values.get("target") is None and values.get("actual") is None
            if figure is None:
                if empty:
                    continue
                figure = ClusterFigure(cluster_year=cluster_year, indicator_id=indicator_id)
            elif empty:
                stamp(figure, by, reason or _("Figure of the cluster removed"))
                figure.delete()
                changed += 1
                continue
            new = {
                "target": values.get("target"),
                "actual": values.get("actual"),
                "qualifier": values.get("qualifier") or "",
                "note": (values.get("note") or "").strip()[:300],
            }
            if figure.pk and all(getattr(figure, k) == v for k, v in new.items()):
                continue
            for key, value in new.items():
                setattr(figure, key, value)
            stamp(figure, by, reason or _("Figure of the cluster saved"))
            figure.save()
            changed += 1
    return changed
