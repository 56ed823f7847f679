"""Scoring arithmetic: totals of a result, the suggested classification, the ranking of a
cluster-year and the cap on the top level. Pure functions over loaded rows – no queries – so
the grid, the form, the documents and the import all count the same way.

Decisions the regulations leave to the programme:

* Scores are in half points; a computed criterion rounds down to the half point.
* A criterion that does not apply to a unit leaves the table; the scored part is brought back
  to the table's maximum (``base × table max / applicable max``) so units stay comparable.
* Bonus and penalty sections add or deduct at most their own limit.
* A total exists only when every applicable criterion has a score in that column.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from emulation.text import format_number as vi_number

from ..models import (
    LEVEL_ABBREVIATIONS,
    RANKED_LEVELS,
    CapRounding,
    ClassificationRule,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Formula,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    ScoreEntry,
    ScoreSection,
)

HALF = Decimal("0.5")
TENTH = Decimal("0.1")
ZERO = Decimal(0)


def floor_half(points: Decimal) -> Decimal:
    return (points / HALF).to_integral_value(rounding=ROUND_FLOOR) * HALF


def is_half_step(points: Decimal) -> bool:
    return (points / HALF) == (points / HALF).to_integral_value()


@dataclass
class Table:
    """A programme's scoring table, loaded once."""

    program: EmulationProgram
    sections: list[ScoreSection]
    criteria: list[Criterion]
    rules: list[ClassificationRule]
    indicators: list

    @cached_property
    def score_max(self) -> Decimal:
        return sum(
            (c.max_points for c in self.criteria if c.section.kind == CriterionKind.SCORE), ZERO
        )

    @cached_property
    def steps(self) -> list[tuple]:
        """What `compute_totals` reads of each criterion, read once per table: (criterion,
        its key, its section's key, whether it is scored, computed, the indicator's key, its
        points) – read from the models for each of 25 results, the same attributes were a
        third of a cluster's standings."""
        return [
            (
                c,
                c.pk,
                c.section.pk,
                c.section.kind == CriterionKind.SCORE,
                c.is_computed,
                c.indicator_id,
                c.max_points,
            )
            for c in self.criteria
        ]

    def criteria_of(self, section: ScoreSection) -> list[Criterion]:
        return [c for c in self.criteria if c.section_id == section.pk]


def load_table(program: EmulationProgram) -> Table:
    """The table of `program`: its rows as this process last read them for the programme's
    `table_version`, else in four queries. Each call builds its own instances of the rows,
    so no request sees what another changed in memory."""
    rows = _table_rows(program)
    sections = _instances(ScoreSection, rows["sections"])
    indicators = _instances(Indicator, rows["indicators"])
    rules = _instances(ClassificationRule, rows["rules"])
    for item in (*sections, *indicators, *rules):
        item.program = program
    by_id = {s.pk: s for s in sections}
    indicator_by_id = {i.pk: i for i in indicators}
    criteria = _instances(Criterion, rows["criteria"])
    for criterion in criteria:
        criterion.section = by_id[criterion.section_id]
        if criterion.indicator_id is None or criterion.indicator_id in indicator_by_id:
            criterion.indicator = indicator_by_id.get(criterion.indicator_id)
    return Table(
        program=program, sections=sections, criteria=criteria, rules=rules, indicators=indicators
    )


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _instances(model, rows: tuple) -> list:
    names = _columns(model)
    return [model.from_db(DEFAULT_DB_ALIAS, names, values) for values in rows]


def _read_table_rows(program_id: int) -> dict[str, tuple]:
    """The rows of a programme's table, each a tuple of its columns, in the table's orders:
    four queries."""
    criteria = Criterion.objects.filter(section__program_id=program_id).order_by(
        "section__order", "section_id", "order", "pk"
    )
    return {
        "sections": tuple(
            ScoreSection.objects.filter(program_id=program_id).values_list(*_columns(ScoreSection))
        ),
        "criteria": tuple(criteria.values_list(*_columns(Criterion))),
        "rules": tuple(
            ClassificationRule.objects.filter(program_id=program_id).values_list(
                *_columns(ClassificationRule)
            )
        ),
        "indicators": tuple(
            Indicator.objects.filter(program_id=program_id).values_list(*_columns(Indicator))
        ),
    }


# The rows of the tables this process read, by (programme, `table_version`): a table's four
# queries were a tenth of a results grid or a scoring form. Any change of a table gives its
# programme a new version (other processes read the new one with the programme's row) and
# drops what this process kept of it (`forget_table`: a programme read earlier in the
# request still carries the old version). A table changed in the transaction still open on
# this thread's connection is read, not kept: rolled back, it would be kept as it never was.
_KEPT_TABLES: dict[tuple, dict] = {}
_KEPT_TABLES_LOCK = threading.Lock()
_changing = threading.local()  # .ids: the programmes this thread changed, not yet committed


def _changed_here() -> set[int]:
    ids = getattr(_changing, "ids", None)
    if ids is None:
        ids = _changing.ids = set()
    elif ids and not transaction.get_connection().in_atomic_block:
        ids.clear()  # committed, or rolled back: the database holds what it holds
    return ids


def _table_rows(program: EmulationProgram) -> dict[str, tuple]:
    limit = settings.SCORING_TABLES_KEPT
    if limit <= 0 or program.pk is None or program.pk in _changed_here():
        return _read_table_rows(program.pk)
    key = (program.pk, program.table_version)
    rows = _KEPT_TABLES.get(key)
    if rows is None:
        rows = _read_table_rows(program.pk)
        with _KEPT_TABLES_LOCK:
            while len(_KEPT_TABLES) >= limit:
                del _KEPT_TABLES[next(iter(_KEPT_TABLES))]  # the oldest
            _KEPT_TABLES[key] = rows
    return rows


def forget_table(program_ids) -> None:
    """Drop what this process kept of these programmes' tables (their table just changed),
    and keep none of them again in this thread before the change is committed."""
    ids = set(program_ids)
    with _KEPT_TABLES_LOCK:
        for key in [key for key in _KEPT_TABLES if key[0] in ids]:
            del _KEPT_TABLES[key]
    if transaction.get_connection().in_atomic_block:
        _changed_here().update(ids)
        transaction.on_commit(lambda: _changed_here().difference_update(ids))


def formula_points(criterion: Criterion, value: IndicatorValue | None) -> Decimal | None:
    """The points of a criterion scored from an indicator, or None while the figures are
    missing."""
    if value is None or value.actual is None:
        return None
    maximum = criterion.max_points
    if criterion.indicator.kind == IndicatorKind.YES_NO:
        return maximum if value.actual >= 1 else ZERO
    target = value.target
    if target is None:
        return None
    if target <= 0:
        return maximum
    share = min(value.actual / target, Decimal(1))
    if criterion.formula == Formula.THRESHOLD:
        return maximum if share >= 1 else ZERO
    return floor_half(maximum * share)


@dataclass
class Totals:
    """One column (self or verified) of one result."""

    raw_base: Decimal = ZERO
    applicable_max: Decimal = ZERO
    score_max: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    missing: int = 0
    section_scores: dict[str, Decimal] = field(default_factory=dict)
    lowest: tuple[Decimal, str] | None = None  # (share of its points in %, criterion label)
    points: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def base(self) -> Decimal:
        if not self.applicable_max:
            return ZERO
        if self.applicable_max == self.score_max:
            return self.raw_base
        return (self.raw_base * self.score_max / self.applicable_max).quantize(
            TENTH, rounding=ROUND_HALF_UP
        )

    @property
    def total(self) -> Decimal | None:
        if self.missing:
            return None
        return (self.base + self.bonus - self.penalty).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def running_total(self) -> Decimal:
        """The total of what is entered so far (for the form while typing)."""
        return (self.base + self.bonus - self.penalty).quantize(TENTH, rounding=ROUND_HALF_UP)


def compute_totals(
    table: Table,
    entries: dict[int, ScoreEntry],
    values: dict[int, IndicatorValue],
    column: str,
) -> Totals:
    """Totals of the `column` ("self" or "verified") of one result."""
    totals = Totals(score_max=table.score_max)
    section_points: dict[int, Decimal] = {}
    score_field = f"{column}_score"
    given = totals.points
    for criterion, pk, section_pk, scored, computed, indicator_id, max_points in table.steps:
        entry = entries.get(pk)
        if entry is not None and entry.not_applicable:
            given[pk] = None
            continue
        if computed:
            points = formula_points(criterion, values.get(indicator_id))
        else:
            points = getattr(entry, score_field, None) if entry is not None else None
        given[pk] = points
        if scored:
            totals.applicable_max += max_points
            if points is None:
                totals.missing += 1
                continue
            share = points * 100 / max_points
            if totals.lowest is None or share < totals.lowest[0]:
                totals.lowest = (share, criterion.label)
        elif points is None:
            # A bonus or penalty left blank counts as none.
            continue
        section_points[section_pk] = section_points.get(section_pk, ZERO) + points
    for section in table.sections:
        points = section_points.get(section.pk, ZERO)
        if section.kind == CriterionKind.BONUS:
            points = min(points, section.max_points)
            totals.bonus += points
        elif section.kind == CriterionKind.PENALTY:
            points = min(points, section.max_points)
            totals.penalty += points
        else:
            totals.raw_base += points
        totals.section_scores[section.code] = points
    return totals


@dataclass
class Suggestion:
    level: str
    reasons: list[str]

    @property
    def abbreviation(self) -> str:
        return LEVEL_ABBREVIATIONS.get(self.level, "")


def _pct(value: Decimal) -> str:
    return vi_number(value.quantize(TENTH, rounding=ROUND_HALF_UP)) + "%"


def suggest_level(table: Table, totals: Totals) -> Suggestion:
    """The best level whose threshold and gates the totals meet; "did not complete" when
    none; nothing while the total is incomplete."""
    total = totals.total
    if total is None:
        return Suggestion("", [])
    rules = {rule.level: rule for rule in table.rules}
    reasons = []
    for level in RANKED_LEVELS:
        rule = rules.get(level)
        if rule is None:
            continue
        name = LEVEL_ABBREVIATIONS[level]
        if total < rule.min_total:
            continue
        gate = rule.min_criterion_percent
        if gate is not None and totals.lowest is not None and totals.lowest[0] < gate:
            reasons.append(
                _(
                    "Not %(level)s: criterion %(criterion)s reached %(share)s of its points (below %(gate)s)."
                )
                % {
                    "level": name,
                    "criterion": totals.lowest[1],
                    "share": _pct(totals.lowest[0]),
                    "gate": _pct(gate),
                }
            )
            continue
        if rule.max_penalty is not None and totals.penalty > rule.max_penalty:
            reasons.append(
                _("Not %(level)s: %(penalty)s penalty points (at most %(limit)s).")
                % {
                    "level": name,
                    "penalty": vi_number(totals.penalty),
                    "limit": vi_number(rule.max_penalty),
                }
            )
            continue
        reasons.append(
            _("%(level)s: total %(total)s ≥ %(threshold)s.")
            % {"level": name, "total": vi_number(total), "threshold": vi_number(rule.min_total)}
        )
        return Suggestion(level, reasons)
    reasons.append(_("No level's threshold is met."))
    return Suggestion(Level.FAILED, reasons)


def tie_break_key(table: Table, totals: Totals, values: dict[int, IndicatorValue]) -> tuple:
    """The programme's tie-break figures, in order (missing counts as zero)."""
    by_code = {i.code: i for i in table.indicators}
    key = []
    for code in table.program.tie_break_codes:
        if code in totals.section_scores:
            key.append(totals.section_scores[code])
        elif code in by_code:
            value = values.get(by_code[code].pk)
            key.append(value.actual if value is not None and value.actual is not None else ZERO)
    return tuple(key)


def competition_ranks(items: Iterable[tuple[object, tuple]]) -> dict[object, int]:
    """Rank ids by their keys, higher first; equal keys share a rank (1, 1, 3)."""
    ordered = sorted(items, key=lambda item: item[1], reverse=True)
    ranks = {}
    previous, rank = None, 0
    for position, (ident, key) in enumerate(ordered, start=1):
        if key != previous:
            rank, previous = position, key
        ranks[ident] = rank
    return ranks


def top_level_quota(basis_count: int, share_percent: Decimal, rounding: str = "down") -> int:
    """How many units may hold the top level: a share of `basis_count` units (all the members
    or the classified ones, as the programme says), rounded down (20% of 12 → 2) or to the
    nearest unit, a half rounding up (20% of 13 → 3)."""
    exact = Decimal(basis_count) * share_percent / 100
    if rounding == CapRounding.NEAREST:
        return int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    return math.floor(exact)


def apply_cap(
    ranked: list[tuple[object, int, str]],
    share_percent: Decimal,
    basis_count: int,
    rounding: str = "down",
) -> tuple[dict[object, str], int]:
    """`ranked`: (id, rank, suggested level) of the units with a verified total;
    `basis_count`: how many units the cap is a share of. Keeps the top level for the best
    `quota` units by rank; the others step down to the next level. Units tied at the
    boundary all step down: the cap is never exceeded."""
    quota = top_level_quota(basis_count, share_percent, rounding)
    top = sorted((item for item in ranked if item[2] == Level.EXCELLENT), key=lambda i: i[1])
    levels = {ident: level for ident, _rank, level in ranked}
    for index, (ident, rank, _level) in enumerate(top):
        tied_beyond = any(other_rank == rank for _, other_rank, _ in top[quota:])
        if index >= quota or tied_beyond:
            levels[ident] = Level.GOOD
    return levels, quota
