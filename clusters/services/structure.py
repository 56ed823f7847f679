"""Workflows over the structure: the rotation of cluster heads and restructuring."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from emulation.text import vi_sort_key

from ..models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationName,
    OrganizationStatus,
    ParentPeriod,
    Restructuring,
)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


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
    return propose_rotations([cluster_year])[cluster_year.pk]


def memberships_by_year(cluster_years) -> dict[int, list[Membership]]:
    """{cluster-year id: its memberships}, units and their former names loaded."""
    memberships: dict[int, list[Membership]] = {cy.pk: [] for cy in cluster_years}
    for membership in (
        Membership.objects.filter(cluster_year__in=cluster_years)
        .select_related("organization")
        .prefetch_related("organization__former_names")
    ):
        memberships[membership.cluster_year_id].append(membership)
    return memberships


def propose_rotations(cluster_years, memberships=None) -> dict[int, RotationProposal]:
    """`propose_rotation` for many cluster-years at once, in three queries (one fewer when
    `memberships_by_year` of them is given)."""
    cluster_years = list(cluster_years)
    if memberships is None:
        memberships = memberships_by_year(cluster_years)
    history: dict[int, list[tuple]] = {}
    for cluster_id, year, head_id, deputy_id in ClusterYear.objects.filter(
        cluster_id__in={cy.cluster_id for cy in cluster_years}
    ).values_list("cluster_id", "year", "head_id", "deputy_id"):
        history.setdefault(cluster_id, []).append((year, head_id, deputy_id))
    return {
        cy.pk: _rotate(cy, memberships[cy.pk], history.get(cy.cluster_id, []))
        for cy in cluster_years
    }


def next_year_candidates(cluster_year: ClusterYear, memberships) -> list[Organization]:
    """The members at the end of the year whose organisation exists on 1/1 of the next."""
    next_first_day = datetime.date(cluster_year.year + 1, 1, 1)
    as_of = cluster_year.as_of
    return [
        m.organization
        for m in memberships
        if m.is_member_on(as_of) and _exists_on(m.organization, next_first_day)
    ]


def _rotate(cluster_year: ClusterYear, memberships, history) -> RotationProposal:
    next_year = cluster_year.year + 1
    as_of = cluster_year.as_of
    candidates = next_year_candidates(cluster_year, memberships)
    last_headed: dict[int, int] = {}
    last_deputy: dict[int, int] = {}
    for year, head_id, deputy_id in history:
        if year > cluster_year.year:
            continue
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


# Preparing next year -----------------------------------------------------------------------


@dataclass
class NextYearDraft:
    """One cluster's next year as it would be created: the preview is the result."""

    source: ClusterYear
    members: list[Organization]
    dropped: list[Organization]
    proposal: RotationProposal

    @property
    def cluster(self) -> Cluster:
        return self.source.cluster

    @property
    def year(self) -> int:
        return self.source.year + 1


@dataclass
class NextYearPlan:
    organizer: Organization
    year: int  # the year prepared
    drafts: list[NextYearDraft]
    already: list[ClusterYear]  # clusters whose next year is already recorded
    without_source: list[Cluster]  # clusters without the year before


def plan_next_year(*, organizer: Organization, year: int) -> NextYearPlan:
    """Draft `year` for every cluster of `organizer` from its `year - 1`: members that still
    exist, head and deputy by rotation. Clusters that ended before `year` are left out."""
    first_day = datetime.date(year, 1, 1)
    clusters = list(
        Cluster.objects.filter(organizer=organizer)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first_day))
        .order_by("kind", "number")
    )
    years = {
        (cy.cluster_id, cy.year): cy
        for cy in ClusterYear.objects.filter(
            cluster__in=clusters, year__in=[year - 1, year]
        ).select_related("cluster", "head", "deputy")
    }
    sources = [years[(c.pk, year - 1)] for c in clusters if (c.pk, year - 1) in years]
    sources = [cy for cy in sources if (cy.cluster_id, year) not in years]
    memberships = memberships_by_year(sources)
    proposals = propose_rotations(sources, memberships)
    drafts = []
    for source in sources:
        own = memberships[source.pk]
        kept = next_year_candidates(source, own)
        kept_ids = {org.pk for org in kept}
        dropped = [m.organization for m in own if m.organization_id not in kept_ids]
        by_name = sorted(kept, key=lambda org: vi_sort_key(org.name))
        drafts.append(NextYearDraft(source, by_name, dropped, proposals[source.pk]))
    return NextYearPlan(
        organizer=organizer,
        year=year,
        drafts=drafts,
        already=[years[(c.pk, year)] for c in clusters if (c.pk, year) in years],
        without_source=[
            c for c in clusters if (c.pk, year - 1) not in years and (c.pk, year) not in years
        ],
    )


@transaction.atomic
def apply_next_year(
    *, plan: NextYearPlan, choices: dict[int, tuple], by=None, reason: str = ""
) -> list[ClusterYear]:
    """Create the drafted years. `choices` maps a draft's cluster id to (head, deputy) for
    each cluster to create; a cluster left out is not prepared."""
    reason = reason or _("Next year prepared from %(year)s") % {"year": plan.year - 1}
    errors = []
    created = []
    for draft in plan.drafts:
        if draft.cluster.pk not in choices:
            continue
        head, deputy = choices[draft.cluster.pk]
        member_ids = {org.pk for org in draft.members}
        for unit in (head, deputy):
            if unit is not None and unit.pk not in member_ids:
                errors.append(
                    _("%(cluster)s: %(unit)s is not a member next year.")
                    % {"cluster": draft.cluster.name, "unit": unit.name}
                )
        if head is not None and deputy is not None and head.pk == deputy.pk:
            errors.append(
                _("%(cluster)s: the head and the deputy must be different units.")
                % {"cluster": draft.cluster.name}
            )
    if errors:
        raise ValidationError(errors)
    # Under a lock on the clusters, so that a preview confirmed twice creates each year once.
    locked = Cluster.objects.select_for_update().filter(pk__in=list(choices))
    taken = set(
        ClusterYear.objects.filter(cluster__in=locked, year=plan.year).values_list(
            "cluster__name", flat=True
        )
    )
    if taken:
        raise ValidationError(
            _("The year %(year)s is already recorded for: %(clusters)s. Preview it again.")
            % {"year": plan.year, "clusters": ", ".join(sorted(taken, key=vi_sort_key))}
        )
    for draft in plan.drafts:
        if draft.cluster.pk not in choices:
            continue
        head, deputy = choices[draft.cluster.pk]
        source = draft.source
        cluster_year = ClusterYear(
            cluster=draft.cluster,
            year=plan.year,
            status=ClusterYearStatus.SETUP,
            head=head,
            deputy=deputy,
            # The cluster keeps how it heads and numbers its documents.
            header_parent_line=source.header_parent_line,
            header_issuer_line=source.header_issuer_line,
            signer_label=source.signer_label,
            number_suffix=source.number_suffix,
        )
        cluster_year._change_reason = reason
        cluster_year.save()
        bulk_create_with_history(
            [Membership(cluster_year=cluster_year, organization=org) for org in draft.members],
            Membership,
            default_user=by,
            default_change_reason=reason,
        )
        created.append(cluster_year)
    return created


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
                % {"org": org.name, "date": _fmt(last_day)}
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
    # A unit recorded below an ended organisation from a later day would stand under it after
    # its end: staff correct that record first.
    for period in (
        ParentPeriod.objects.filter(parent_id__in=ended_ids, valid_from__gt=last_day)
        .select_related("organization", "parent")
        .order_by("organization__name")
    ):
        errors.append(
            _(
                "%(unit)s is recorded below %(parent)s from %(date)s, after its last day: "
                "correct that record first."
            )
            % {
                "unit": period.organization.name,
                "parent": period.parent.name,
                "date": _fmt(period.valid_from),
            }
        )

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
            plan.leaving.extend(m for m in ending if m.left_on is None)
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
        .select_related("cluster__organizer")
        .distinct()
        .order_by("cluster__code", "year")
    )
    for cluster_year in later:
        errors.append(
            _(
                "%(cluster)s of %(organizer)s already has the year %(year)s recorded with units "
                "that end: remove them from that year on its management page first."
            )
            % {
                "cluster": cluster_year.cluster.name,
                "organizer": cluster_year.cluster.organizer.name,
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
    changes = {key: [] for key in CHANGE_KEYS}

    def close_period(period):
        changes["periods"].append({"id": period.pk, "valid_to": _iso(period.valid_to)})
        period.valid_to = last_day
        period._change_reason = decision
        period.save()

    for org in plan.ended:
        changes["organizations"].append(
            {
                "id": org.pk,
                "status": org.status,
                "valid_to": _iso(org.valid_to),
                "end_decision": org.end_decision,
                "successors": list(org.successors.values_list("pk", flat=True)),
            }
        )
        org.valid_to = last_day
        org.status = plan.status
        org.end_decision = decision
        org._change_reason = note or decision
        org.save()
        org.successors.set(plan.successors.get(org.pk, []))
        for period in org.parent_periods.covering(last_day).filter(valid_to__isnull=True):
            close_period(period)
    for move in plan.moves:
        until = move.period.valid_to  # a later change already recorded stays as it is
        close_period(move.period)
        created = ParentPeriod(
            organization=move.unit,
            parent=move.new_parent,
            valid_from=plan.first_new_day,
            valid_to=until,
            decision=decision,
        )
        created._change_reason = decision
        created.save()
        changes["created_periods"].append(created.pk)

    def leave(membership):
        changes["memberships"].append({"id": membership.pk, "left_on": _iso(membership.left_on)})
        membership.left_on = last_day
        membership._change_reason = decision
        membership.save()

    for cluster_year in plan.closed_years:
        changes["cluster_years"].append(
            {
                "id": cluster_year.pk,
                "status": cluster_year.status,
                "ended_on": _iso(cluster_year.ended_on),
            }
        )
        cluster_year.ended_on = last_day
        cluster_year.status = ClusterYearStatus.CLOSED
        cluster_year._change_reason = decision
        cluster_year.save()
    for membership in plan.leaving:
        leave(membership)
    for cluster in plan.ended_clusters:
        changes["clusters"].append({"id": cluster.pk, "ended_on": _iso(cluster.ended_on)})
        cluster.ended_on = last_day
        cluster._change_reason = decision
        cluster.save()
    changes["successors_set"] = {
        str(org.pk): [s.pk for s in plan.successors.get(org.pk, [])] for org in plan.ended
    }
    record.changes = changes
    record.applied_at = timezone.now()
    record.save(update_fields=["changes", "applied_at"])
    return record


# Undoing a restructuring -------------------------------------------------------------------

CHANGE_KEYS = (
    "organizations",
    "periods",
    "created_periods",
    "cluster_years",
    "memberships",
    "clusters",
)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _successors_set(record: Restructuring) -> dict[int, list[int]]:
    return {int(k): v for k, v in record.changes.get("successors_set", {}).items()}


def revert_blockers(record: Restructuring) -> list[str]:
    """Why the restructuring can no longer be undone: a later action on the records it wrote
    (a change to one of them, a new parent for a moved unit, a later restructuring, a year
    recorded after it for a cluster it touched). Empty when it can be undone."""
    if record.is_reverted:
        return [_("This restructuring has already been reverted.")]
    if record.applied_at is None:
        return [_("This restructuring was recorded without its changes and cannot be undone.")]
    changes = {key: record.changes.get(key, []) for key in CHANGE_KEYS}
    after = record.applied_at
    org_ids = [item["id"] for item in changes["organizations"]]
    period_ids = [item["id"] for item in changes["periods"]] + changes["created_periods"]
    year_ids = [item["id"] for item in changes["cluster_years"]]
    membership_ids = [item["id"] for item in changes["memberships"]]
    cluster_ids = [item["id"] for item in changes["clusters"]]
    moved_unit_ids = list(
        ParentPeriod.objects.filter(pk__in=changes["created_periods"]).values_list(
            "organization_id", flat=True
        )
    )
    touched_clusters = (
        set(cluster_ids)
        | set(ClusterYear.objects.filter(pk__in=year_ids).values_list("cluster_id", flat=True))
        | set(
            Membership.objects.filter(pk__in=membership_ids).values_list(
                "cluster_year__cluster_id", flat=True
            )
        )
    )
    checks = [
        (Organization.history.filter(id__in=org_ids), _("an ended organisation was changed")),
        (
            ParentPeriod.history.filter(
                Q(id__in=period_ids) | Q(organization_id__in=[*moved_unit_ids, *org_ids])
            ),
            _("a parent of a moved or ended unit was changed"),
        ),
        (ClusterYear.history.filter(id__in=year_ids), _("a closed cluster-year was changed")),
        (Membership.history.filter(id__in=membership_ids), _("a membership was changed")),
        (Cluster.history.filter(id__in=cluster_ids), _("an ended cluster was changed")),
        (
            ClusterYear.history.filter(cluster_id__in=touched_clusters, history_type="+").exclude(
                id__in=year_ids
            ),
            _("a new year was recorded for an affected cluster"),
        ),
    ]
    blockers = [message for qs, message in checks if qs.filter(history_date__gt=after).exists()]
    # Successor links keep no history of their own: compare them with what was set.
    recorded = {
        (org.pk, successor.pk)
        for org in record.ended.prefetch_related("successors")
        for successor in org.successors.all()
    }
    set_then = {
        (org_id, successor_id)
        for org_id, ids in _successors_set(record).items()
        for successor_id in ids
    }
    if "successors_set" in record.changes and recorded != set_then:
        blockers.append(_("the successors were changed"))
    later = Restructuring.objects.filter(reverted_at__isnull=True, applied_at__gt=after).filter(
        Q(ended__in=org_ids) | Q(ended__in=moved_unit_ids) | Q(ended__successors__in=org_ids)
    )
    if later.exists():
        blockers.append(_("a later restructuring involves the same organisations"))
    return blockers


@transaction.atomic
def revert_restructuring(*, record: Restructuring, by=None, reason: str) -> Restructuring:
    """Undo a restructuring exactly, as long as nothing was done on its records since."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for undoing the restructuring."))
    record = Restructuring.objects.select_for_update().get(pk=record.pk)
    blockers = revert_blockers(record)
    if blockers:
        raise ValidationError(
            [_("It can no longer be undone:")] + [f"– {message}" for message in blockers]
        )
    changes = {key: record.changes.get(key, []) for key in CHANGE_KEYS}
    why = _("Reverted %(decision)s: %(reason)s") % {"decision": record.decision, "reason": reason}

    def restore(model, items, fields):
        objects = model.objects.in_bulk([item["id"] for item in items])
        for item in items:
            obj = objects[item["id"]]
            for name, parse in fields.items():
                setattr(obj, name, parse(item[name]))
            obj._change_reason = why
            obj.save()
        return objects

    keep = lambda value: value  # noqa: E731
    for period in ParentPeriod.objects.filter(pk__in=changes["created_periods"]):
        period._change_reason = why
        period.delete()
    restore(ParentPeriod, changes["periods"], {"valid_to": _day})
    orgs = restore(
        Organization,
        changes["organizations"],
        {"status": keep, "valid_to": _day, "end_decision": keep},
    )
    for item in changes["organizations"]:
        orgs[item["id"]].successors.set(item["successors"])
    restore(ClusterYear, changes["cluster_years"], {"status": keep, "ended_on": _day})
    restore(Membership, changes["memberships"], {"left_on": _day})
    restore(Cluster, changes["clusters"], {"ended_on": _day})
    record.reverted_at = timezone.now()
    record.reverted_by = by
    record.revert_reason = reason
    record.save(update_fields=["reverted_at", "reverted_by", "revert_reason"])
    return record


# Dated changes to one organisation ---------------------------------------------------------


@transaction.atomic
def rename_organization(
    *, organization: Organization, new_name: str, from_day: datetime.date, reason: str
) -> Organization:
    """The organisation bears `new_name` from `from_day`; the current name becomes a former
    name used until the day before."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status != OrganizationStatus.ACTIVE or org.valid_to is not None:
        raise ValidationError(_("An organisation that has ended is not renamed."))
    new_name = new_name.strip()
    if not new_name or new_name == org.name:
        raise ValidationError({"new_name": _("Give a name different from the current one.")})
    last_former = org.former_names.order_by("-used_until").first()
    if last_former and from_day <= last_former.used_until + datetime.timedelta(days=1):
        raise ValidationError(
            {
                "from_day": _(
                    "The current name has been in use since %(date)s: give a later day, or "
                    "correct the name with Edit."
                )
                % {"date": _fmt(last_former.used_until + datetime.timedelta(days=1))}
            }
        )
    if org.valid_from and from_day <= org.valid_from:
        raise ValidationError(
            {"from_day": _("The date must fall after the organisation's first day.")}
        )
    former = OrganizationName(
        organization=org, name=org.name, used_until=from_day - datetime.timedelta(days=1)
    )
    former._change_reason = reason
    former.save()
    org.name = new_name
    org._change_reason = reason
    org.save()
    return org


def _below(ids, day: datetime.date) -> set[int]:
    return ParentPeriod.objects.descendant_ids(ids, day, None)


@transaction.atomic
def move_organization(
    *,
    organization: Organization,
    new_parent: Organization,
    from_day: datetime.date,
    decision: str,
) -> ParentPeriod:
    """The organisation stands under `new_parent` from `from_day`: its current parent period
    ends the day before and a new one begins."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    errors = {}
    current = org.parent_periods.covering(from_day).first()
    later = org.parent_periods.filter(valid_from__gt=from_day).exists()
    if new_parent.pk == org.pk or new_parent.pk in _below([org.pk], from_day):
        errors["new_parent"] = _("An organisation cannot stand below itself or a unit below it.")
    elif not new_parent.is_active_on(from_day):
        errors["new_parent"] = _("%(org)s does not exist on %(date)s.") % {
            "org": new_parent.name,
            "date": _fmt(from_day),
        }
    elif current is not None and current.parent_id == new_parent.pk:
        errors["new_parent"] = _("It already stands below %(org)s.") % {"org": new_parent.name}
    if not org.is_active_on(from_day):
        errors["from_day"] = _("The organisation does not exist on that day.")
    elif later:
        errors["from_day"] = _("A later change of parent is already recorded.")
    if errors:
        raise ValidationError(errors)
    if current is not None and current.valid_from == from_day:
        # The same day again: a correction of the parent recorded for that day.
        current.parent = new_parent
        current.decision = decision
        current._change_reason = decision
        current.save()
        return current
    until = None
    if current is not None:
        until = current.valid_to
        current.valid_to = from_day - datetime.timedelta(days=1)
        current._change_reason = decision
        current.save()
    period = ParentPeriod(
        organization=org, parent=new_parent, valid_from=from_day, valid_to=until, decision=decision
    )
    period._change_reason = decision
    period.save()
    return period
