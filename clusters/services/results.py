"""Workflows of the annual results: saving scores with an optimistic lock, submitting,
verifying, classifying, locking and reopening, and the standings of a cluster-year (totals,
ranking, classification, distribution) that every screen and document reads."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.text import format_number

from ..models import (
    LEVEL_ABBREVIATIONS,
    RANKED_LEVELS,
    AnnualResult,
    CapBasis,
    ClusterYear,
    ClusterYearStatus,
    CriterionKind,
    EmulationProgram,
    IndicatorValue,
    InIds,
    Level,
    MemberEntry,
    Organization,
    ResultStatus,
    ScoreEntry,
    as_of_day,
    member_at_end,
)
from .history import stamp
from .scoring import (
    Suggestion,
    Table,
    Totals,
    apply_cap,
    competition_ranks,
    compute_totals,
    is_half_step,
    load_table,
    suggest_level,
    tie_break_key,
    top_level_quota,
)

SCORE_FIELDS = ("self_score", "verified_score", "explanation", "not_applicable")
FIGURE_FIELDS = ("target", "actual")


class StaleResult(Exception):
    """The result changed since the form was loaded; nothing was saved."""

    def __init__(self, current: AnnualResult):
        self.current = current
        super().__init__(_("Another officer saved this result in the meantime."))


# Validation shared by the form and the import ----------------------------------------------


def score_errors(table: Table, scores: dict[int, dict]) -> dict[tuple[int, str], str]:
    """Errors per (criterion id, field) for the scores about to be saved: beyond the
    criterion's points, not in half points, negative, or a verified score that differs from
    the self-score without an explanation."""
    errors = {}
    by_id = {c.pk: c for c in table.criteria}
    for criterion_id, data in scores.items():
        criterion = by_id[criterion_id]
        for name in ("self_score", "verified_score"):
            value = data.get(name)
            if value is None:
                continue
            if value < 0:
                errors[criterion_id, name] = _("The score cannot be negative.")
            elif value > criterion.max_points:
                errors[criterion_id, name] = _(
                    "At most %(max)s points for criterion %(criterion)s."
                ) % {"max": format_number(criterion.max_points), "criterion": criterion.label}
            elif not is_half_step(value):
                errors[criterion_id, name] = _("Scores are given in half points (e.g. 1,5).")
        self_score, verified = data.get("self_score"), data.get("verified_score")
        if (
            not data.get("not_applicable")
            and verified is not None
            and self_score is not None
            and verified != self_score
            and not (data.get("explanation") or "").strip()
        ):
            errors[criterion_id, "explanation"] = _(
                "Explain why the verified score differs from the self-score."
            )
    return errors


# Saving -------------------------------------------------------------------------------------


def result_for(cluster_year: ClusterYear, organization: Organization, *, by) -> AnnualResult:
    """The unit's result of the year, created empty on first use."""
    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is None:
        raise ValidationError(_("The organiser has not set up the programme of this year."))
    result = AnnualResult.objects.filter(
        cluster_year=cluster_year, organization=organization
    ).first()
    if result is None:
        result = AnnualResult(cluster_year=cluster_year, organization=organization, program=program)
        stamp(result, by, _("Result opened"))
        result.save()
    return result


def _rows_of(result: AnnualResult) -> tuple[dict[int, ScoreEntry], dict[int, IndicatorValue]]:
    entries = {e.criterion_id: e for e in result.entries.all()}
    values = {v.indicator_id: v for v in result.indicator_values.all()}
    return entries, values


def _apply(model, existing: dict, key_field: str, changes: dict[int, dict], result, by, reason):
    for key, data in changes.items():
        row = existing.get(key)
        if row is None:
            if not any(v is not None and v != "" and v is not False for v in data.values()):
                continue
            row = model(result=result, **{key_field: key})
            existing[key] = row
        elif all(getattr(row, name) == value for name, value in data.items()):
            continue
        for name, value in data.items():
            setattr(row, name, value)
        stamp(row, by, reason)
        row.save()


@transaction.atomic
def save_result(
    *,
    result: AnnualResult,
    by,
    base_version: int,
    scores: dict[int, dict] | None = None,
    figures: dict[int, dict] | None = None,
    reason: str = "",
    table: Table | None = None,
) -> AnnualResult:
    """Write the given scores ({criterion id: {field: value}}) and figures ({indicator id:
    {target, actual}}) if nobody saved the result since `base_version`; otherwise raise
    `StaleResult` and write nothing."""
    current = AnnualResult.objects.select_for_update().get(pk=result.pk)
    if current.version != base_version:
        raise StaleResult(current)
    table = table or load_table(current.program)
    entries, values = _rows_of(current)
    scores, figures = scores or {}, figures or {}
    merged = {}
    for criterion_id, data in scores.items():
        entry = entries.get(criterion_id)
        base = {name: getattr(entry, name) if entry else None for name in SCORE_FIELDS}
        merged[criterion_id] = {**base, **data}
    errors = score_errors(table, merged)
    # An explanation is the verifier's to give: a unit correcting its self-score is not
    # held up by a verified score it cannot touch.
    errors = {
        key: message
        for key, message in errors.items()
        if key[1] != "explanation"
        or {"verified_score", "explanation"} & set(scores.get(key[0], {}))
    }
    if errors:
        raise ValidationError("; ".join(errors.values()))
    _apply(ScoreEntry, entries, "criterion_id", scores, current, by, reason)
    _apply(IndicatorValue, values, "indicator_id", figures, current, by, reason)
    _recount(current, table, entries, values)
    current.version += 1
    current.updated_by = by
    stamp(current, by, reason or _("Scores saved"))
    current.save()
    refresh_suggestions(current.cluster_year)
    return current


def _recount(result, table, entries, values):
    result.self_total = compute_totals(table, entries, values, "self").total
    result.verified_total = compute_totals(table, entries, values, "verified").total


def _transition(result: AnnualResult, by, reason: str, **changes) -> AnnualResult:
    for name, value in changes.items():
        setattr(result, name, value)
    result.version += 1
    result.updated_by = by
    stamp(result, by, reason)
    result.save()
    return result


def _locked(result: AnnualResult, version: int | None) -> AnnualResult:
    current = AnnualResult.objects.select_for_update().get(pk=result.pk)
    if version is not None and current.version != version:
        raise StaleResult(current)
    return current


@transaction.atomic
def submit_result(result: AnnualResult, *, by, version: int | None = None) -> AnnualResult:
    """The unit sends its self-assessment; after the deadline it is accepted and marked late
    (the programme's penalty for late reports is the head's to apply)."""
    current = _locked(result, version)
    if current.status != ResultStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    table = load_table(current.program)
    entries, values = _rows_of(current)
    totals = compute_totals(table, entries, values, "self")
    if totals.missing:
        raise ValidationError(
            _("%(n)s criteria have no self-score yet: score them or mark them as not applying.")
            % {"n": totals.missing}
        )
    deadline = current.program.self_assessment_deadline
    now = timezone.now()
    # A year recorded afterwards is typed in long after its deadlines: nothing is late.
    late = bool(deadline and timezone.localdate(now) > deadline)
    return _transition(
        current,
        by,
        _("Self-assessment submitted"),
        status=ResultStatus.SUBMITTED,
        submitted_at=now,
        submitted_late=late and not current.cluster_year.recorded_afterwards,
    )


@transaction.atomic
def set_recorded_afterwards(cluster_year: ClusterYear, *, value: bool, note: str, by) -> None:
    """Mark a cluster-year as recorded afterwards (from the papers) or not; a result already
    marked late loses the mark, since its dates are not those of the events."""
    locked = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if locked.recorded_afterwards == value and locked.recorded_afterwards_note == note:
        return
    locked.recorded_afterwards = value
    locked.recorded_afterwards_note = note if value else ""
    stamp(locked, by, note or _("No longer recorded afterwards"))
    locked.save()
    if value:
        for result in locked.results.filter(submitted_late=True):
            result.submitted_late = False
            stamp(result, by, note)
            result.save()
    cluster_year.recorded_afterwards = locked.recorded_afterwards
    cluster_year.recorded_afterwards_note = locked.recorded_afterwards_note


def verification_gaps(table: Table, entries: dict[int, ScoreEntry], values) -> list[str]:
    """What keeps a result from being verified: criteria without a verified score, and
    differences without an explanation."""
    gaps = []
    totals = compute_totals(table, entries, values, "verified")
    if totals.missing:
        gaps.append(_("%(n)s criteria have no verified score.") % {"n": totals.missing})
    unexplained = [
        c.label
        for c in table.criteria
        if (e := entries.get(c.pk)) is not None
        and not e.not_applicable
        and not c.is_computed
        and e.verified_score is not None
        and e.self_score is not None
        and e.verified_score != e.self_score
        and not e.explanation.strip()
    ]
    if unexplained:
        gaps.append(
            _("No explanation for the changed scores of %(criteria)s.")
            % {"criteria": ", ".join(unexplained)}
        )
    return gaps


@transaction.atomic
def verify_result(
    result: AnnualResult, *, by, version: int | None = None, table: Table | None = None
) -> AnnualResult:
    current = _locked(result, version)
    if current.status not in (ResultStatus.DRAFT, ResultStatus.SUBMITTED):
        raise ValidationError(_("This result cannot be verified in its present state."))
    table = table or load_table(current.program)
    entries, values = _rows_of(current)
    gaps = verification_gaps(table, entries, values)
    if gaps:
        raise ValidationError(" ".join(gaps))
    _recount(current, table, entries, values)
    return _transition(
        current,
        by,
        _("Result verified"),
        status=ResultStatus.VERIFIED,
        verified_at=timezone.now(),
        verified_by=by,
    )


@transaction.atomic
def return_result(result: AnnualResult, *, by, reason: str) -> AnnualResult:
    """The head sends a submitted or verified result back to the unit as a draft."""
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    current = _locked(result, None)
    if current.status not in (ResultStatus.SUBMITTED, ResultStatus.VERIFIED):
        raise ValidationError(_("Only a submitted or verified result can be returned."))
    return _transition(current, by, reason, status=ResultStatus.DRAFT, verified_at=None)


@transaction.atomic
def reopen_result(result: AnnualResult, *, by, reason: str) -> AnnualResult:
    """Federation staff reopen a locked result: the head corrects and verifies it again."""
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    current = _locked(result, None)
    if current.status != ResultStatus.LOCKED:
        raise ValidationError(_("Only a locked result can be reopened."))
    if current.cluster_year.status in (ClusterYearStatus.SUBMITTED, ClusterYearStatus.CLOSED):
        raise ValidationError(_("The year's dossier has been submitted: results stay locked."))
    return _transition(current, by, reason, status=ResultStatus.SUBMITTED)


class BeyondCap(ValidationError):
    """A typed top-level classification beyond the programme's cap: saved only when the head
    confirms it with a reason (what the paper decided)."""


@transaction.atomic
def set_level(
    result: AnnualResult, *, by, level: str, reason: str, beyond_cap: bool = False
) -> AnnualResult:
    """The head's classification. Departing from the suggestion needs a reason. A top level
    beyond the programme's cap is not refused: it raises `BeyondCap` until the head confirms
    it (`beyond_cap`) with a reason, which the history keeps."""
    current = _locked(result, None)
    if current.status == ResultStatus.LOCKED:
        raise ValidationError(_("The result is locked."))
    if level not in Level.values:
        raise ValidationError(_("Unknown classification."))
    reason = reason.strip()
    standings = cluster_standings(current.cluster_year)
    row = standings.row_for(current.organization_id)
    suggested = row.suggested if row else ""
    if level == Level.NONE and not reason:
        raise ValidationError(_("Say why the unit is not classified."))
    over = level == Level.EXCELLENT and standings.excellent_beyond_cap(current.organization_id)
    if over and not (beyond_cap and reason):
        raise BeyondCap(
            _(
                "%(level)s beyond the cap (%(cap)s). Give the reason (e.g. what the decision "
                "says) to record it all the same."
            )
            % {"level": LEVEL_ABBREVIATIONS[Level.EXCELLENT], "cap": standings.cap_text},
            code="beyond_cap",
        )
    if level != suggested and not reason:
        raise ValidationError(_("Give a reason for departing from the suggested classification."))
    level_reason = "" if level == suggested and not reason else reason
    history_reason = reason or _("Classification set")
    if over:
        history_reason = _("Beyond the cap (%(cap)s): %(reason)s") % {
            "cap": standings.cap_text,
            "reason": reason,
        }
    return _transition(current, by, history_reason, level=level, level_reason=level_reason)


@transaction.atomic
def lock_results(cluster_year: ClusterYear, *, by, reason: str) -> int:
    """Close the entry of the year: every result is locked with its classification frozen,
    and the year moves to review. Returns how many results were locked."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if cluster_year.status != ClusterYearStatus.OPEN:
        raise ValidationError(_("Only an open year can be locked for its review."))
    # Hold every result of the year while they are locked, so no save slips in between.
    list(
        AnnualResult.objects.select_for_update()
        .filter(cluster_year=cluster_year)
        .values_list("pk", flat=True)
    )
    standings = cluster_standings(cluster_year)
    count = 0
    for row in standings.rows:
        result = row.result
        if result is None or result.status == ResultStatus.LOCKED:
            continue
        _transition(result, by, reason, status=ResultStatus.LOCKED, level=row.level or "")
        count += 1
    cluster_year.status = ClusterYearStatus.REVIEW
    stamp(cluster_year, by, reason)
    cluster_year.save()
    return count


# Standings ----------------------------------------------------------------------------------


@dataclass
class Standing:
    entry: MemberEntry
    result: AnnualResult | None
    self_totals: Totals | None = None
    verified_totals: Totals | None = None
    suggestion: Suggestion | None = None
    suggested: str = ""  # after the cap
    capped: bool = False
    rank: int | None = None
    member_at_end: bool = True
    # A totals-only year: the typed total stands for the verified total, no self-assessment.
    typed: bool = False

    @property
    def organization_id(self) -> int:
        return self.entry.membership.organization_id

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def status(self) -> str:
        return self.result.status if self.result else ""

    @property
    def self_total(self) -> Decimal | None:
        if self.typed:
            return None
        return self.self_totals.total if self.self_totals else None

    @property
    def verified_total(self) -> Decimal | None:
        if self.typed:
            return self.result.verified_total if self.result is not None else None
        return self.verified_totals.total if self.verified_totals else None

    @property
    def difference(self) -> Decimal | None:
        if self.self_total is None or self.verified_total is None:
            return None
        return self.verified_total - self.self_total

    @property
    def level(self) -> str:
        if self.result is not None and self.result.level:
            return self.result.level
        return self.suggested

    @property
    def level_label(self) -> str:
        return LEVEL_ABBREVIATIONS.get(self.level, "")

    @property
    def not_classified(self) -> bool:
        return self.level == Level.NONE

    @property
    def level_cell(self) -> str:
        """The classification cell of a printed table: KXL for a unit marked not
        classified, blank without a verified total."""
        if self.not_classified:
            return LEVEL_ABBREVIATIONS[Level.NONE]
        return self.level_label if self.verified_total is not None or self.typed else ""

    @property
    def rank_cell(self) -> str:
        """The rank cell: KXL for a unit marked not classified, as the classification."""
        if self.not_classified:
            return LEVEL_ABBREVIATIONS[Level.NONE]
        return str(self.rank) if self.rank is not None else ""

    @property
    def suggested_label(self) -> str:
        return LEVEL_ABBREVIATIONS.get(self.suggested, "")

    @property
    def is_override(self) -> bool:
        return bool(self.result and self.result.level and self.result.level != self.suggested)


@dataclass
class Standings:
    cluster_year: ClusterYear
    table: Table | None
    rows: list[Standing] = field(default_factory=list)
    quota: int = 0
    cap_basis_count: int = 0

    @property
    def cap_text(self) -> str:
        """The cap as the programme computes it, e.g. "20% of all the member units (30),
        rounded down: 6 units"."""
        if self.table is None:
            return ""
        return cap_text(self.table.program, self.cap_basis_count, self.quota)

    def excellent_beyond_cap(self, organization_id: int) -> bool:
        """Whether one more unit classified at the top level would exceed the cap."""
        others = sum(
            1
            for other in self.rows
            if other.level == Level.EXCELLENT and other.organization_id != organization_id
        )
        return others + 1 > self.quota

    def row_for(self, organization_id: int) -> Standing | None:
        return next((r for r in self.rows if r.organization_id == organization_id), None)

    @property
    def ranked(self) -> list[Standing]:
        return sorted((r for r in self.rows if r.rank is not None), key=lambda r: (r.rank, r.name))

    @property
    def counted(self) -> list[Standing]:
        """The members at the year's end: the ones the distribution counts."""
        return [r for r in self.rows if r.member_at_end]

    @property
    def distribution(self) -> list[dict]:
        """Units per level with their share of the members at the year's end; a unit
        without a classification yet counts as not classified."""
        counted = self.counted
        counts: dict[str, int] = defaultdict(int)
        for row in counted:
            counts[row.level if row.level else Level.NONE] += 1
        total = len(counted) or 1
        return [
            {
                "level": level,
                "label": Level(level).label,
                "abbreviation": LEVEL_ABBREVIATIONS[level],
                "count": counts[level],
                "percent": Decimal(100 * counts[level]) / total,
            }
            for level in [*RANKED_LEVELS, Level.NONE]
        ]

    @property
    def not_classified_notes(self) -> list[str]:
        """ "unit: reason" for each member at the year's end marked not classified – the
        note under a printed ranking."""
        notes = []
        for row in self.counted:
            if row.not_classified:
                reason = row.result.level_reason.strip().rstrip(".") if row.result else ""
                notes.append(f"{row.name}: {reason}" if reason else row.name)
        return notes

    @property
    def counts(self) -> dict[str, int]:
        counted = self.counted
        return {
            "members": len(counted),
            "submitted": sum(1 for r in counted if r.status and r.status != ResultStatus.DRAFT),
            "verified": sum(
                1 for r in counted if r.status in (ResultStatus.VERIFIED, ResultStatus.LOCKED)
            ),
        }


class EntryRow(NamedTuple):
    """What the totals read of a score entry."""

    self_score: Decimal | None
    verified_score: Decimal | None
    not_applicable: bool


class ValueRow(NamedTuple):
    """What the totals and the tie-break read of an indicator's value."""

    target: Decimal | None
    actual: Decimal | None


def cluster_standings(
    cluster_year: ClusterYear,
    table: Table | None = None,
    *,
    self_totals: bool = True,
    names: bool = True,
) -> Standings:
    """Every member of the year with its totals, rank and classification – in a constant
    number of queries. `self_totals=False`: without the self-assessed totals, which neither
    rank nor classify (a unit's form shows the rank and the suggestion only); `names=False`:
    without the members' names and parents, nor who last changed each result (the form
    shows its own unit's name)."""
    if table is None:
        program = EmulationProgram.for_cluster_year(cluster_year)
        table = load_table(program) if program else None
    standings = Standings(cluster_year=cluster_year, table=table)
    entries = cluster_year.member_entries(names=names)
    results_of_year = cluster_year.results.order_by()
    if names:
        results_of_year = results_of_year.select_related("updated_by", "organization")
    results = {r.organization_id: r for r in results_of_year}
    score_rows: dict[int, dict] = defaultdict(dict)
    value_rows: dict[int, dict] = defaultdict(dict)
    if results:
        # Read as plain rows: the totals need these fields only, and a cluster's 700 entries
        # as model instances were a third of the standings' time.
        entries_of_year = ScoreEntry.objects.filter(result__cluster_year=cluster_year).order_by()
        for result_id, criterion_id, *fields in entries_of_year.values_list(
            "result_id", "criterion_id", *EntryRow._fields
        ):
            score_rows[result_id][criterion_id] = EntryRow(*fields)
        values_of_year = IndicatorValue.objects.filter(result__cluster_year=cluster_year).order_by()
        for result_id, indicator_id, *fields in values_of_year.values_list(
            "result_id", "indicator_id", *ValueRow._fields
        ):
            value_rows[result_id][indicator_id] = ValueRow(*fields)
    as_of = cluster_year.as_of
    keys = []
    for entry in entries:
        result = results.get(entry.membership.organization_id)
        row = Standing(
            entry=entry, result=result, member_at_end=entry.membership.is_member_on(as_of)
        )
        standings.rows.append(row)
        if result is None or table is None:
            continue
        if table.program.totals_only:
            row.typed = True
            if row.member_at_end and row.verified_total is not None and result.level != Level.NONE:
                keys.append((row.organization_id, (row.verified_total,)))
            continue
        scores, values = score_rows[result.pk], value_rows[result.pk]
        if self_totals:
            row.self_totals = compute_totals(table, scores, values, "self")
        row.verified_totals = compute_totals(table, scores, values, "verified")
        row.suggestion = suggest_level(table, row.verified_totals)
        # A unit that left before the year's end is neither ranked nor classified here.
        row.suggested = row.suggestion.level if row.member_at_end else ""
        if row.member_at_end and row.verified_total is not None:
            key = (row.verified_total, *tie_break_key(table, row.verified_totals, values))
            keys.append((row.organization_id, key))
    ranks = competition_ranks(keys)
    for row in standings.rows:
        row.rank = ranks.get(row.organization_id)
    if table is None:
        standings.quota = top_level_quota(0, Decimal(0))
        return standings
    program = table.program
    basis, quota = cap_of(program, [r.level for r in standings.rows if r.member_at_end])
    standings.cap_basis_count, standings.quota = basis, quota
    if not program.totals_only:
        # (A totals-only year's classification is typed as the papers give it: no suggestion;
        # the cap is checked when it is typed – clusters.services.totals.)
        classified = [
            (r.organization_id, r.rank, r.suggested)
            for r in standings.rows
            if r.rank is not None and r.level != Level.NONE
        ]
        capped, _quota = apply_cap(
            classified, program.top_share_percent, basis, program.cap_rounding
        )
        for row in standings.rows:
            if row.organization_id in capped and capped[row.organization_id] != row.suggested:
                row.capped = True
                row.suggested = capped[row.organization_id]
                row.suggestion.reasons.append(
                    _("Beyond the cap on the top level: %(cap)s.") % {"cap": standings.cap_text}
                )
    return standings


def cap_of(program, levels) -> tuple[int, int]:
    """(basis, quota) of the programme's cap over `levels`, the classifications of the
    members at the year's end: a share of all of them, or of the classified ones (every
    member is to be classified unless marked not classified), rounded as it says."""
    levels = list(levels)
    if program.cap_basis == CapBasis.CLASSIFIED:
        basis = sum(1 for level in levels if level != Level.NONE)
    else:
        basis = len(levels)
    return basis, top_level_quota(basis, program.top_share_percent, program.cap_rounding)


def cap_text(program, basis: int, quota: int) -> str:
    """The cap as the programme computes it, e.g. "20% of all the member units (30),
    rounded down: 6 units"."""
    return _("%(share)s%% of %(basis)s (%(count)s), %(rounding)s: %(quota)s units") % {
        "share": format_number(program.top_share_percent),
        "basis": program.get_cap_basis_display(),
        "count": basis,
        "rounding": program.get_cap_rounding_display(),
        "quota": quota,
    }


def _stored_ranks(at_end, table: Table | None) -> tuple[dict[int, int], int]:
    """({result id: rank}, number ranked) by the stored verified totals of `at_end` (the
    results of the members at the year's end of one cluster-year), as `cluster_standings`
    ranks: units tied on the total are told apart by the programme's tie-break, reading the
    scores of those units only – in three queries whether there are ties or not."""
    ranked = at_end.filter(verified_total__isnull=False)
    # Unsorted: the ranks sort them (the model's ordering joined the cluster and organiser).
    totals = list(ranked.order_by().values_list("pk", "verified_total"))
    # The units tied on their total, told from the totals just read: as subqueries of the
    # members at the year's end, each query of their scores compiled them twice again.
    count = Counter(total for _pk, total in totals)
    # None tied: an id no result has, so that the queries are the same whatever the data.
    tied = [pk for pk, total in totals if count[total] > 1] or [0]
    scores: dict[int, dict] = defaultdict(dict)
    values: dict[int, dict] = defaultdict(dict)
    # What the verified totals and the tie-break read of each score and figure, not the
    # whole rows: a cluster of 25 tied units is 600 of them (a third of a dossier).
    for result_id, criterion_id, *entry in ScoreEntry.objects.filter(
        InIds(F("result_id"), tied)
    ).values_list("result_id", "criterion_id", *EntryRow._fields):
        scores[result_id][criterion_id] = EntryRow(*entry)
    for result_id, indicator_id, *value in IndicatorValue.objects.filter(
        InIds(F("result_id"), tied)
    ).values_list("result_id", "indicator_id", *ValueRow._fields):
        values[result_id][indicator_id] = ValueRow(*value)
    keys: dict[int, tuple] = {}
    if table is not None:
        for pk in scores.keys() | values.keys():
            verified = compute_totals(table, scores[pk], values[pk], "verified")
            keys[pk] = tie_break_key(table, verified, values[pk])
    ranks = competition_ranks((pk, (total, *keys.get(pk, ()))) for pk, total in totals)
    return ranks, len(totals)


def _at_end(cluster_year_id: int):
    return (
        AnnualResult.objects.filter(cluster_year_id=cluster_year_id)
        .annotate(as_of_day=as_of_day("cluster_year__"))
        .filter(member_at_end())
    )


def stored_rank(result: AnnualResult, table: Table) -> tuple[int | None, int]:
    """(rank of `result`, number of units ranked) among the members of its cluster-year at the
    year's end, from the stored verified totals (`_stored_ranks`)."""
    ranks, ranked = _stored_ranks(_at_end(result.cluster_year_id), table)
    return ranks.get(result.pk), ranked


@dataclass
class StoredStanding:
    """A member's line of the standings from its stored totals and classification."""

    organization_id: int
    self_total: Decimal | None
    verified_total: Decimal | None
    level: str  # the final classification, else the suggested one
    rank: int | None = None

    @property
    def level_label(self) -> str:
        return LEVEL_ABBREVIATIONS.get(self.level, "")


def stored_standings(cluster_year: ClusterYear) -> dict[int, StoredStanding]:
    """{organisation id: its line} for every result of the year, ranked among the members at
    the year's end – from the stored totals, where `cluster_standings` recomputes every
    member's totals from its scores; a constant number of queries."""
    rows = AnnualResult.objects.filter(cluster_year=cluster_year).values_list(
        "pk", "organization_id", "self_total", "verified_total", "level", "suggested_level"
    )
    program = EmulationProgram.for_cluster_year(cluster_year)
    ranks, _ranked = _stored_ranks(
        _at_end(cluster_year.pk), load_table(program) if program else None
    )
    return {
        org: StoredStanding(org, self_total, verified, level or suggested, ranks.get(pk))
        for pk, org, self_total, verified, level, suggested in rows
    }


def refresh_suggestions(cluster_year: ClusterYear) -> None:
    """Store each result's suggested classification (it depends on the others through the
    cap), so lists and the awards rules can filter on it."""
    standings = cluster_standings(cluster_year)
    changed = []
    for row in standings.rows:
        if row.result is not None and row.result.suggested_level != row.suggested:
            row.result.suggested_level = row.suggested
            changed.append(row.result)
    if changed:
        AnnualResult.objects.bulk_update(changed, ["suggested_level"])


# History ------------------------------------------------------------------------------------


@dataclass
class Change:
    when: datetime.datetime
    who: object
    what: str
    old: str
    new: str
    reason: str


def _display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def result_history(result: AnnualResult, table: Table) -> list[Change]:
    """Every change to the result, its scores and its figures: who, when, old → new, why –
    newest first, in three queries."""
    criteria = {c.pk: c for c in table.criteria}
    indicators = {i.pk: i for i in table.indicators}
    changes: list[Change] = []

    def diff(records, label_of, fields, labels):
        previous = {}
        for record in records:
            before = previous.get(record.id)
            for name in fields:
                new = getattr(record, name)
                old = getattr(before, name) if before is not None else None
                if before is None and new in (None, "", False):
                    continue
                if before is not None and old == new:
                    continue
                changes.append(
                    Change(
                        when=record.history_date,
                        who=record.history_user,
                        what=f"{label_of(record)} – {labels[name]}",
                        old=_display(old),
                        new=_display(new),
                        reason=record.history_change_reason or "",
                    )
                )
            previous[record.id] = record

    def ordered(qs):
        return qs.select_related("history_user").order_by("history_date", "history_id")

    score_labels = {
        "self_score": _("self-score"),
        "verified_score": _("verified score"),
        "explanation": _("explanation"),
        "not_applicable": _("does not apply"),
    }
    diff(
        ordered(ScoreEntry.history.filter(result_id=result.pk)),
        lambda r: criteria[r.criterion_id].label if r.criterion_id in criteria else "?",
        SCORE_FIELDS,
        score_labels,
    )
    diff(
        ordered(IndicatorValue.history.filter(result_id=result.pk)),
        lambda r: indicators[r.indicator_id].name if r.indicator_id in indicators else "?",
        (*FIGURE_FIELDS, "qualifier"),
        {"target": _("target"), "actual": _("actual"), "qualifier": _("the actual figure is")},
    )
    start = len(changes)
    diff(
        ordered(AnnualResult.history.filter(id=result.pk)),
        lambda r: _("Result"),
        ("status", "level"),
        {"status": _("status"), "level": _("classification")},
    )
    labels = {**dict(ResultStatus.choices), **LEVEL_ABBREVIATIONS}
    for change in changes[start:]:
        change.old = str(labels.get(change.old, change.old))
        change.new = str(labels.get(change.new, change.new))
    return sorted(changes, key=lambda c: c.when, reverse=True)


def result_kinds_summary(table: Table) -> dict[str, Decimal]:
    """The table's maximum per kind (score, bonus limit, penalty limit)."""
    out = {kind: Decimal(0) for kind in CriterionKind.values}
    for section in table.sections:
        if section.kind == CriterionKind.SCORE:
            out[section.kind] += sum((c.max_points for c in table.criteria_of(section)), Decimal(0))
        else:
            out[section.kind] += section.max_points
    return out
