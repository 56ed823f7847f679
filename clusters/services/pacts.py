"""The emulation pact (giao ước thi đua) of a cluster-year: its text and signatories, and the
targets each member signs up to – which become the indicator targets of the members' results.

Every change is stamped with who and why in the history; a closed year's pact is not changed,
and a locked result keeps its targets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ..models import (
    AnnualResult,
    ClusterYear,
    EmulationProgram,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Meeting,
    MeetingKind,
    Pact,
    PactSignatory,
    PactTarget,
    ResultStatus,
)
from .history import stamp
from .results import result_for, save_result

# The largest figure a target field holds (FIGURE: 18 digits, 2 of them decimals).
TARGET_LIMIT = Decimal(10) ** 16


def check_editable(cluster_year: ClusterYear) -> None:
    if cluster_year.is_closed:
        raise ValidationError(
            _("The year %(year)s is closed: its emulation pact can no longer be changed.")
            % {"year": cluster_year.year}
        )


def pact_of(cluster_year: ClusterYear) -> Pact | None:
    return Pact.objects.filter(cluster_year=cluster_year).select_related("meeting").first()


def pact_indicators(cluster_year: ClusterYear) -> list[Indicator]:
    """The indicators a member signs a target for: those of the organiser's programme of the
    year that have a target (none when the programme is not set up)."""
    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is None:
        return []
    return list(program.indicators.filter(has_target=True).order_by("order", "pk"))


def meeting_choices(cluster_year: ClusterYear) -> QuerySet[Meeting]:
    """The meetings a pact may be signed at: those of its year, and the previous year's
    review, where next year's pact is often signed (domain.md)."""
    return (
        Meeting.objects.filter(
            Q(cluster_year=cluster_year)
            | Q(
                cluster_year__cluster_id=cluster_year.cluster_id,
                cluster_year__year=cluster_year.year - 1,
                kind=MeetingKind.REVIEW,
            )
        )
        .select_related("cluster_year")
        .order_by("held_on", "pk")
    )


def _member_ids(cluster_year: ClusterYear) -> set[int]:
    return set(cluster_year.memberships.values_list("organization_id", flat=True))


@dataclass
class Signatory:
    organization_id: int
    person: str = ""
    title: str = ""


@transaction.atomic
def save_pact(
    *,
    cluster_year: ClusterYear,
    by,
    signed_on: datetime.date,
    place: str = "",
    meeting: Meeting | None = None,
    joint_activities: str = "",
    commitments: str = "",
    signatories: list[Signatory],
    reason: str = "",
) -> Pact:
    """Create or change the pact of the year and its signatories (one per member unit at
    most); units left out no longer sign. All or nothing."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    check_editable(cluster_year)
    members = _member_ids(cluster_year)
    seen: set[int] = set()
    for signatory in signatories:
        if signatory.organization_id not in members:
            raise ValidationError(_("Only the member units of the year sign its pact."))
        if signatory.organization_id in seen:
            raise ValidationError(_("A unit signs the pact only once."))
        seen.add(signatory.organization_id)
    if meeting is not None and not meeting_choices(cluster_year).filter(pk=meeting.pk).exists():
        raise ValidationError(_("Choose a meeting of this cluster."))
    reason = reason or _("Emulation pact saved")
    pact = Pact.objects.filter(cluster_year=cluster_year).first()
    values = {
        "signed_on": signed_on,
        "place": place.strip(),
        "meeting": meeting,
        "joint_activities": _lines(joint_activities),
        "commitments": _lines(commitments),
    }
    if pact is None:
        pact = Pact(cluster_year=cluster_year, **values)
        stamp(pact, by, reason)
        pact.save()
    elif any(getattr(pact, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(pact, name, value)
        stamp(pact, by, reason)
        pact.save()
    existing = {s.organization_id: s for s in pact.signatories.all()}
    for signatory in signatories:
        row = existing.pop(signatory.organization_id, None)
        person, title = signatory.person.strip(), signatory.title.strip()
        if row is None:
            row = PactSignatory(pact=pact, organization_id=signatory.organization_id)
        elif (row.person, row.title) == (person, title):
            continue
        row.person, row.title = person, title
        stamp(row, by, reason)
        row.save()
    for row in existing.values():
        stamp(row, by, reason)
        row.delete()
    return pact


def _lines(text: str) -> str:
    """One item per line, without blank lines or stray spaces."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


# Targets ------------------------------------------------------------------------------------


@dataclass
class TargetReport:
    """What saving the targets did to the results: the units whose results took the new
    targets, and those whose results are locked and kept theirs."""

    saved: int = 0
    updated: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Removed:
    """A target taken out of the pact: what it was."""

    old: Decimal


def target_errors(indicator: Indicator, value: Decimal) -> str | None:
    """Why a target cannot be saved, or None."""
    if value < 0:
        return _("A figure cannot be negative.")
    if value >= TARGET_LIMIT:
        return _("The figure is too large.")
    if (
        indicator.kind in (IndicatorKind.COUNT, IndicatorKind.MONEY)
        and value != value.to_integral_value()
    ):
        return _("A count is a whole number.")
    if indicator.kind == IndicatorKind.YES_NO and value not in (0, 1):
        return _('Write "có" or "không" (1 or 0), not "%(value)s".') % {"value": value}
    if value != value.quantize(Decimal("0.01")):
        return _("At most two decimals.")
    return None


@transaction.atomic
def save_pact_targets(
    *,
    pact: Pact,
    by,
    targets: dict[tuple[int, int], Decimal | None],
    reason: str = "",
) -> TargetReport:
    """Write the pact's targets ({(organisation id, indicator id): target or None}) and carry
    them into the members' results as their indicator targets, all or nothing. A locked
    result is left as it is (and named in the report); the others are held while they are
    written, so an officer saving one meanwhile waits and then meets the optimistic lock."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=pact.cluster_year_id)
    check_editable(cluster_year)
    indicators = {i.pk: i for i in pact_indicators(cluster_year)}
    members = _member_ids(cluster_year)
    for (org_id, indicator_id), value in targets.items():
        if org_id not in members or indicator_id not in indicators:
            raise ValidationError(_("A target belongs to a member unit and an indicator."))
        if value is not None:
            error = target_errors(indicators[indicator_id], value)
            if error:
                raise ValidationError(error)
    reason = reason or _("Targets of the emulation pact")
    report = TargetReport()
    existing = {(t.organization_id, t.indicator_id): t for t in pact.targets.all()}
    removed: dict[tuple[int, int], Decimal] = {}
    for key, value in targets.items():
        row = existing.get(key)
        if value is None:
            if row is not None:
                removed[key] = row.target
                stamp(row, by, reason)
                row.delete()
                del existing[key]
            continue
        if row is None:
            row = PactTarget(pact=pact, organization_id=key[0], indicator_id=key[1])
            existing[key] = row
        elif row.target == value:
            continue
        row.target = value
        stamp(row, by, reason)
        row.save()
    report.saved = len(existing)
    program = EmulationProgram.for_cluster_year(cluster_year)
    wanted: dict[int, dict[int, Decimal | _Removed]] = {}
    for (org_id, indicator_id), row in existing.items():
        if indicator_id in indicators:
            wanted.setdefault(org_id, {})[indicator_id] = row.target
    for (org_id, indicator_id), old in removed.items():
        wanted.setdefault(org_id, {})[indicator_id] = _Removed(old)
    if wanted and program is not None:
        _carry_into_results(cluster_year, program, wanted, by, reason, report)
    return report


def _carry_into_results(cluster_year, program, wanted, by, reason, report):
    """Each member's result takes the pact's targets; a target taken out of the pact is
    cleared from the result only where the result still holds the pact's figure."""
    entries = {e.membership.organization_id: e for e in cluster_year.member_entries()}
    results = {
        r.organization_id: r
        for r in AnnualResult.objects.select_for_update().filter(
            cluster_year=cluster_year, organization_id__in=wanted
        )
    }
    held: dict[int, dict[int, Decimal | None]] = {}
    for value in IndicatorValue.objects.filter(result__in=list(results.values())):
        held.setdefault(value.result_id, {})[value.indicator_id] = value.target
    for org_id, entry in entries.items():
        if org_id not in wanted:
            continue
        result = results.get(org_id)
        current = held.get(result.pk, {}) if result else {}
        figures = {}
        for indicator_id, target in wanted[org_id].items():
            now = current.get(indicator_id)
            if isinstance(target, _Removed):
                if now is not None and now == target.old:
                    figures[indicator_id] = {"target": None}
            elif now != target:
                figures[indicator_id] = {"target": target}
        if not figures:
            continue
        if result is None:
            result = result_for(cluster_year, entry.organization, by=by)
        elif result.status == ResultStatus.LOCKED:
            report.locked.append(entry.name)
            continue
        if result.program_id != program.pk:
            # Scored against another programme: other indicators, nothing to carry.
            continue
        save_result(
            result=result, by=by, base_version=result.version, figures=figures, reason=reason
        )
        report.updated.append(entry.name)
