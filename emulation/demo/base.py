"""What every part of the demo uses: the dates, the password, the reason written into the
history, and getting or creating an object by its natural key."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from clusters.models import (
    Cluster,
    ClusterKind,
    ClusterYear,
    Membership,
    Organization,
    OrganizationKind,
    ParentPeriod,
)

D = datetime.date
PASSWORD = "demo"
LAST_DAY_BEFORE_MERGER = D(2025, 6, 30)
FIRST_DAY_AFTER_MERGER = D(2025, 7, 1)
REASON = "Dữ liệu mẫu (seed_demo)"


@dataclass
class Stats:
    created: int = 0


def ensure(stats: Stats, model, lookup: dict, **defaults):
    """Get by the natural key, or create; never update what exists."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj
    obj = model(**lookup, **defaults)
    obj._change_reason = REASON
    obj.save()
    stats.created += 1
    return obj


def org(stats, code, name, kind, locality="", parent=None, valid_from=None, **extra):
    organization = ensure(
        stats,
        Organization,
        {"code": code},
        name=name,
        kind=kind,
        locality=locality,
        valid_from=valid_from,
        **extra,
    )
    if parent is not None:
        ensure(
            stats,
            ParentPeriod,
            {"organization": organization, "parent": parent, "valid_from": valid_from},
        )
    return organization


def make_cluster(stats, code, organizer, number, decision, founded_on):
    return ensure(
        stats,
        Cluster,
        {"code": code},
        organizer=organizer,
        kind=ClusterKind.CLUSTER,
        number=number,
        name=f"Cụm thi đua số {number}",
        founding_decision=decision,
        founded_on=founded_on,
    )


def cluster_year(stats, cluster, year, members, *, head=None, deputy=None, status, **extra):
    cy = ensure(
        stats,
        ClusterYear,
        {"cluster": cluster, "year": year},
        head=head,
        deputy=deputy,
        status=status,
        **extra,
    )
    for member in members:
        joined_on = None
        if isinstance(member, tuple):
            member, joined_on = member
        ensure(stats, Membership, {"cluster_year": cy, "organization": member}, joined_on=joined_on)
    return cy


K = OrganizationKind
