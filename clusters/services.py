"""Workflows over the structure: the rotation of cluster heads and restructuring."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from emulation.text import vi_sort_key

from .models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationStatus,
    ParentPeriod,
    Restructuring,
)

# Rotation ----------------------------------------------------------------------------------


@dataclass
class RotationProposal:
    """Next year's head and deputy as the rotation suggests them, each with its reason."""

    year: int
    head: Organization | None
    head_reason: str
    deputy: Organization | None
    deputy_reason: str


def _exists_on(org: Organization, day: datetime.date) -> bool:
    """Whether the organisation existed on `day` – judged by its dates, so that a unit which
    ended years later still counts for an old year."""
    if org.valid_to is None and org.status != OrganizationStatus.ACTIVE:
        return False  # ended without a recorded date: never propose it
    return org.is_active_on(day)


def _headed_reason(org_id, last_headed) -> str:
    if org_id in last_headed:
        return _("has not headed the cluster since %(year)s") % {"year": last_headed[org_id]}
    return _("has never headed the cluster")


def propose_rotation(*, cluster_year: ClusterYear) -> RotationProposal:
    """Propose the head and deputy of the year after `cluster_year`.

    The rule: the deputy moves up to head. Otherwise, and for the new deputy, the units that
    never headed the cluster come first, then those whose last term as head is the oldest;
    among equals, the one whose last term as deputy is the oldest, then Vietnamese
    alphabetical order of the names. The outgoing head is proposed as deputy only when no
    other unit is left. Candidates are the members at the end of the year whose organisation
    still exists on the first day of the next year.
    """
    next_year = cluster_year.year + 1
    next_first_day = datetime.date(next_year, 1, 1)
    as_of = cluster_year.as_of
    memberships = cluster_year.memberships.select_related("organization").prefetch_related(
        "organization__former_names"
    )
    candidates = [
        m.organization
        for m in memberships
        if m.is_member_on(as_of) and _exists_on(m.organization, next_first_day)
    ]
    history = ClusterYear.objects.filter(
        cluster_id=cluster_year.cluster_id, year__lte=cluster_year.year
    ).values_list("year", "head_id", "deputy_id")
    last_headed: dict[int, int] = {}
    last_deputy: dict[int, int] = {}
    for year, head_id, deputy_id in history:
        if head_id:
            last_headed[head_id] = max(year, last_headed.get(head_id, year))
        if deputy_id:
            last_deputy[deputy_id] = max(year, last_deputy.get(deputy_id, year))

    def order(org: Organization):
        return (
            last_headed.get(org.pk, 0),
            last_deputy.get(org.pk, 0),
            vi_sort_key(org.name_on(as_of)),
            org.pk,
        )

    ranked = sorted(candidates, key=order)
    if not ranked:
        return RotationProposal(next_year, None, _("no member unit is left"), None, "")
    if len(ranked) == 1:
        return RotationProposal(
            next_year, ranked[0], _("the only member unit of the cluster"), None, ""
        )

    by_id = {org.pk: org for org in ranked}
    if cluster_year.deputy_id in by_id:
        head = by_id[cluster_year.deputy_id]
        head_reason = "; ".join(
            [
                _("deputy head in %(year)s") % {"year": cluster_year.year},
                _headed_reason(head.pk, last_headed),
            ]
        )
    else:
        others = [org for org in ranked if org.pk != cluster_year.head_id] or ranked
        head = others[0]
        head_reason = _headed_reason(head.pk, last_headed)

    rest = [org for org in ranked if org.pk != head.pk]
    not_outgoing = [org for org in rest if org.pk != cluster_year.head_id]
    deputy = (not_outgoing or rest)[0]
    deputy_reason = _headed_reason(deputy.pk, last_headed)
    if not not_outgoing:
        deputy_reason = _("outgoing head; no other member unit is left")
    return RotationProposal(next_year, head, head_reason, deputy, deputy_reason)


# Restructuring -----------------------------------------------------------------------------


@dataclass
class UnitMove:
    unit: Organization
    old_parent: Organization
    new_parent: Organization
    period: ParentPeriod


@dataclass
class RestructuringPlan:
    """What a restructuring will do, computed without writing: the preview is the result."""

    last_day: datetime.date
    status: str
    ended: list[Organization]
    successors: dict[int, list[Organization]]
    moves: list[UnitMove] = field(default_factory=list)
    closed_years: list[ClusterYear] = field(default_factory=list)
    leaving: list[Membership] = field(default_factory=list)
    ended_clusters: list[Cluster] = field(default_factory=list)

    @property
    def first_new_day(self) -> datetime.date:
        return self.last_day + datetime.timedelta(days=1)


def plan_restructuring(
    *,
    ended: list[Organization],
    last_day: datetime.date,
    successors: dict[Organization, list[Organization]],
    new_parents: dict[Organization, Organization] | None = None,
    status: str = OrganizationStatus.ENDED,
) -> RestructuringPlan:
    """Work out a restructuring: end `ended` after `last_day`, move the units below them.

    Each unit directly below an ended organisation on `last_day` moves to `new_parents[unit]`,
    or else to the first successor of its old parent. Cluster-years of that year whose
    organiser ends, or whose members all end, close on `last_day`; ended members of other
    cluster-years leave on that day; clusters of ended organisers end.
    """
    new_parents = new_parents or {}
    ended_ids = {org.pk for org in ended}
    errors = []
    if not ended:
        errors.append(_("Choose at least one organisation to end."))
    for org in ended:
        if org.status != OrganizationStatus.ACTIVE or org.valid_to is not None:
            errors.append(_("%(org)s has already ended.") % {"org": org.name})
        if org.valid_from and org.valid_from > last_day:
            errors.append(
                _("%(org)s did not exist yet on %(date)s.")
                % {"org": org.name, "date": last_day.strftime("%d/%m/%Y")}
            )
        for successor in successors.get(org, []):
            if successor.pk in ended_ids:
                errors.append(
                    _("%(org)s cannot be a successor: it ends in the same restructuring.")
                    % {"org": successor.name}
                )
    plan = RestructuringPlan(
        last_day=last_day,
        status=status,
        ended=sorted(ended, key=lambda o: vi_sort_key(o.name)),
        successors={org.pk: list(successors.get(org, [])) for org in ended},
    )

    periods = (
        ParentPeriod.objects.covering(last_day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
        .filter(parent_id__in=ended_ids)
        .exclude(organization_id__in=ended_ids)
        .select_related("organization", "parent")
        .order_by("parent__name", "organization__name")
    )
    for period in periods:
        unit = period.organization
        new_parent = new_parents.get(unit) or next(
            iter(plan.successors.get(period.parent_id, [])), None
        )
        if new_parent is None:
            errors.append(
                _("No new parent for %(unit)s (below %(parent)s): give one, or a successor.")
                % {"unit": unit.name, "parent": period.parent.name}
            )
            continue
        if new_parent.pk in ended_ids:
            errors.append(
                _("%(unit)s cannot move to %(parent)s: it ends too.")
                % {"unit": unit.name, "parent": new_parent.name}
            )
            continue
        plan.moves.append(UnitMove(unit, period.parent, new_parent, period))

    years = (
        ClusterYear.objects.filter(year=last_day.year, ended_on__isnull=True)
        .exclude(status=ClusterYearStatus.CLOSED)
        .select_related("cluster__organizer")
        .prefetch_related("memberships__organization")
        .order_by("cluster__code")
    )
    for cluster_year in years:
        current = [m for m in cluster_year.memberships.all() if m.is_member_on(last_day)]
        ending = [m for m in current if m.organization_id in ended_ids]
        if cluster_year.cluster.organizer_id in ended_ids or (
            current and len(ending) == len(current)
        ):
            plan.closed_years.append(cluster_year)
        elif ending:
            plan.leaving.extend(ending)
    plan.ended_clusters = list(
        Cluster.objects.filter(organizer_id__in=ended_ids, ended_on__isnull=True).order_by("code")
    )
    # A year already recorded after the restructuring would keep ended units; staff remove or
    # correct it first rather than have it changed behind their back.
    later = (
        ClusterYear.objects.filter(year__gt=last_day.year)
        .filter(
            Q(cluster__organizer_id__in=ended_ids)
            | Q(head_id__in=ended_ids)
            | Q(deputy_id__in=ended_ids)
            | Q(memberships__organization_id__in=ended_ids)
        )
        .select_related("cluster")
        .distinct()
        .order_by("cluster__code", "year")
    )
    for cluster_year in later:
        errors.append(
            _(
                "%(cluster)s (%(code)s) already has the year %(year)s recorded with units that "
                "end: correct or remove that year first."
            )
            % {
                "cluster": cluster_year.cluster.name,
                "code": cluster_year.cluster.code,
                "year": cluster_year.year,
            }
        )
    if errors:
        raise ValidationError(errors)
    return plan


@transaction.atomic
def apply_restructuring(
    *, plan: RestructuringPlan, decision: str, by=None, note: str = ""
) -> Restructuring:
    """Carry out a planned restructuring in one transaction and record it."""
    if not decision.strip():
        raise ValidationError(_("Give the decision reference of the restructuring."))
    last_day = plan.last_day
    # The plan may be stale (a preview confirmed twice, or another change in between): check
    # again under a lock, and write nothing if the records moved.
    ended_ids = [org.pk for org in plan.ended]
    current = Organization.objects.select_for_update().filter(pk__in=ended_ids)
    if any(org.status != OrganizationStatus.ACTIVE or org.valid_to is not None for org in current):
        raise ValidationError(
            _("Some of these organisations have ended in the meantime: preview it again.")
        )
    moved = ParentPeriod.objects.filter(pk__in=[move.period.pk for move in plan.moves])
    if moved.filter(valid_to__lte=last_day).exists():
        raise ValidationError(_("Some units have moved in the meantime: preview it again."))
    record = Restructuring.objects.create(
        decision=decision, last_day=last_day, note=note, created_by=by
    )
    record.ended.set(plan.ended)
    for org in plan.ended:
        org.valid_to = last_day
        org.status = plan.status
        org.end_decision = decision
        org._change_reason = note or decision
        org.save()
        org.successors.set(plan.successors.get(org.pk, []))
        for period in org.parent_periods.covering(last_day).filter(valid_to__isnull=True):
            period.valid_to = last_day
            period._change_reason = decision
            period.save()
    for move in plan.moves:
        period = move.period
        period.valid_to = last_day
        period._change_reason = decision
        period.save()
        ParentPeriod.objects.create(
            organization=move.unit,
            parent=move.new_parent,
            valid_from=plan.first_new_day,
            decision=decision,
        )
    ended_ids = set(ended_ids)
    for cluster_year in plan.closed_years:
        cluster_year.ended_on = last_day
        cluster_year.status = ClusterYearStatus.CLOSED
        cluster_year._change_reason = decision
        cluster_year.save()
        for membership in cluster_year.memberships.all():
            if membership.organization_id in ended_ids and membership.left_on is None:
                membership.left_on = last_day
                membership._change_reason = decision
                membership.save()
    for membership in plan.leaving:
        membership.left_on = last_day
        membership._change_reason = decision
        membership.save()
    for cluster in plan.ended_clusters:
        cluster.ended_on = last_day
        cluster._change_reason = decision
        cluster.save()
    return record
