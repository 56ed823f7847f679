"""Results: a programme per organiser and year, and results filled from a plan.

A plan gives, per unit: points lost on the scored criteria, bonus, penalty, and the head's
corrections (criterion label, points taken off, explanation)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from clusters.models import EmulationProgram, Organization

from .base import REASON, Stats


def _spread(criteria, points: Decimal, *, step=Decimal("1.5")) -> dict:
    """Take `points` off (or give them to) the criteria in turn, in half points."""
    out = {}
    remaining = Decimal(points)
    for criterion in criteria:
        take = min(remaining, step, criterion.max_points)
        out[criterion.pk] = take
        remaining -= take
        if remaining <= 0:
            break
    return out


def _demo_figures(table, index: int) -> dict:
    figures = {}
    for position, indicator in enumerate(table.indicators):
        base = 20 + 7 * position + 3 * index
        if indicator.kind == "money":
            base *= 1_500_000
        target = Decimal(base) if indicator.has_target else None
        actual = Decimal(base + base * (5 - index) // 20 + (index % 2))
        figures[indicator.pk] = {"target": target, "actual": actual}
    return figures


def score_demo_result(result, table, plan, index: int, *, by=None, verified=True, skip=()):
    """Fill a result from its plan: self-scores, figures, the head's corrections."""
    from clusters.models import CriterionKind
    from clusters.services import save_result

    loss, bonus, penalty, corrections = plan
    plain = [
        c for c in table.criteria if c.section.kind == CriterionKind.SCORE and not c.is_computed
    ]
    lost = _spread(plain[index % 3 :] + plain[: index % 3], Decimal(str(loss)))
    scores = {c.pk: {"self_score": c.max_points - lost.get(c.pk, 0)} for c in plain}
    for kind, amount in ((CriterionKind.BONUS, bonus), (CriterionKind.PENALTY, penalty)):
        items = [c for c in table.criteria if c.section.kind == kind]
        for pk, points in _spread(items, Decimal(str(amount)), step=Decimal(1)).items():
            scores[pk] = {"self_score": points}
    by_pk = {c.pk: c for c in table.criteria}
    scores = {pk: data for pk, data in scores.items() if by_pk[pk].section.code not in skip}
    for data in scores.values():
        data["verified_score"] = data["self_score"] if verified else None
    by_label = {c.label: c for c in table.criteria}
    for label, points, explanation in corrections:
        data = scores[by_label[label].pk]
        data["verified_score"] = data["self_score"] - Decimal(str(points))
        data["explanation"] = explanation
    return save_result(
        result=result,
        by=by,
        base_version=result.version,
        scores=scores,
        figures=_demo_figures(table, index),
        reason=REASON,
        table=table,
    )


def seed_year_results(stats: Stats, cluster_year, plans: dict, *, locked: bool):
    """A whole year's results, verified; locked with their classification when the year is
    over. Skipped when the year already has results."""
    from clusters.models import AnnualResult, ResultStatus
    from clusters.services import cluster_standings, result_for
    from clusters.services.scoring import load_table

    if cluster_year.results.exists():
        return
    program = EmulationProgram.for_cluster_year(cluster_year)
    table = load_table(program)
    members = {o.code: o for o in Organization.objects.filter(code__in=plans)}
    for index, (code, plan) in enumerate(plans.items()):
        result = result_for(cluster_year, members[code], by=None)
        result = score_demo_result(result, table, plan, index)
        AnnualResult.objects.filter(pk=result.pk).update(
            status=ResultStatus.VERIFIED, submitted_at=timezone.now(), verified_at=timezone.now()
        )
        stats.created += 1
    if locked:
        for row in cluster_standings(cluster_year, table).rows:
            if row.result is not None:
                AnnualResult.objects.filter(pk=row.result.pk).update(
                    status=ResultStatus.LOCKED, level=row.level
                )


def ensure_program(stats: Stats, organizer, year: int, **fields):
    from clusters.services import create_default_program

    program = EmulationProgram.objects.filter(organizer=organizer, year=year).first()
    if program is None:
        program = create_default_program(organizer=organizer, year=year, reason=REASON, **fields)
        stats.created += 1
    return program
