"""Year-end reviews: a province's award forms and quotas, holding a review through the meeting
services, and submitting and deciding its proposal through the approval services."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from clusters.models import ClusterYear, ClusterYearStatus, Organization

from .base import Stats, ensure

# The award forms of a provincial federation: name, short name, kind, required level, order.
PROVINCE_AWARD_TYPES = [
    ("Cờ thi đua của Liên đoàn Lao động tỉnh", "Cờ thi đua", "leading_flag", "htxsnv", 1),
    (
        "Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh",
        "Cờ thi đua xuất sắc",
        "excellent_flag",
        "htxsnv",
        2,
    ),
    ("Bằng khen của Liên đoàn Lao động tỉnh", "Bằng khen", "certificate", "", 3),
]
# The quotas (invented): kind → scope, at most, at most per cent, blocking.
PROVINCE_AWARD_RULES = {
    "leading_flag": ("cluster", 1, None, True),
    "excellent_flag": ("cluster", 2, None, False),
    "certificate": ("share", None, Decimal(20), False),
}


def seed_award_types(stats: Stats, organizer, year: int) -> dict:
    """The province's award forms, and its quotas for the year."""
    from awards.models import AwardRule, AwardType

    types = {}
    for name, short_name, kind, level, order in PROVINCE_AWARD_TYPES:
        award_type = ensure(
            stats,
            AwardType,
            {"organizer": organizer, "name": name},
            short_name=short_name,
            kind=kind,
            requires_level=level,
            order=order,
        )
        scope, max_count, max_percent, blocking = PROVINCE_AWARD_RULES[kind]
        ensure(
            stats,
            AwardRule,
            {"organizer": organizer, "year": year, "award_type": award_type, "scope": scope},
            max_count=max_count,
            max_percent=max_percent,
            blocking=blocking,
        )
        types[kind] = award_type
    return types


def seed_review(stats: Stats, code: str, year: int, plan: dict, run_vote) -> None:
    """Hold the review of a cluster-year from its plan (see `_hold_review`); skipped when it
    was held already or the year has no results."""
    from clusters.models import Meeting, MeetingKind

    if Meeting.objects.filter(
        kind=MeetingKind.REVIEW, cluster_year__cluster__code=code, cluster_year__year=year
    ).exists():
        return
    cluster_year = ClusterYear.objects.filter(cluster__code=code, year=year).first()
    if cluster_year is None or not cluster_year.results.exists():
        return
    _hold_review(stats, cluster_year, plan, run_vote)


def _hold_review(stats: Stats, cluster_year, plan: dict, run_vote) -> None:
    """The year-end review through the meeting services, as the head ran it: prepared,
    everyone present, the summary adopted, the vote (`run_vote(meeting, units)`), the election
    of next year's term exactly as the demo records it, the conclusions, closed.

    The demo loads its past years closed; at the review the year was in review and the next
    one not yet running, so both are reopened for the services and then put back, without a
    history entry of their own."""
    from clusters.services.meetings import (
        adopt_summary,
        close_meeting,
        create_review,
        elect,
        save_attendance,
        save_conclusions,
    )

    next_year = ClusterYear.objects.get(cluster=cluster_year.cluster, year=cluster_year.year + 1)
    statuses = {cluster_year.pk: cluster_year.status, next_year.pk: next_year.status}
    started = timezone.now()
    ClusterYear.objects.filter(pk=cluster_year.pk).update(status=ClusterYearStatus.REVIEW)
    ClusterYear.objects.filter(pk=next_year.pk).update(status=ClusterYearStatus.SETUP)
    cluster_year.refresh_from_db()

    units = {o.code: o for o in Organization.objects.filter(memberships__cluster_year=cluster_year)}
    chair = cluster_year.head_person or ""
    meeting = create_review(
        cluster_year,
        by=None,
        held_on=plan["held_on"],
        starts_at=plan["starts_at"],
        place=plan["place"],
        host=Organization.objects.get(code=plan["host"]),
        chair=chair,
        chair_title=cluster_year.head_person_title,
        secretary=plan["secretary"],
        secretary_title=plan["secretary_title"],
        guests="\n".join(plan["guests"]),
        agenda="\n".join(plan["agenda"]),
    )
    save_attendance(
        meeting,
        {
            units[code].pk: {"present": True, "representative": name, "representative_title": title}
            for code, (name, title) in plan["representatives"].items()
        },
        by=None,
    )
    adopt_summary(
        meeting,
        achievements="\n".join(plan["achievements"]),
        limitations="\n".join(plan["limitations"]),
        directions="\n".join(plan["directions"]),
        by=None,
    )
    run_vote(meeting, units)
    elect(
        meeting,
        head=next_year.head,
        deputy=next_year.deputy,
        handover_on=next_year.handover_on,
        handover_note=next_year.handover_note,
        by=None,
    )
    save_conclusions(
        meeting,
        [{"text": text, "owner": owner, "due_on": due} for text, owner, due in plan["conclusions"]],
        by=None,
    )
    close_meeting(meeting, by=None, ends_at=plan["ends_at"])

    for pk, status in statuses.items():
        ClusterYear.objects.filter(pk=pk).update(status=status)
    # The election's entry in next year's history shows the year as it stands.
    ClusterYear.history.filter(id=next_year.pk, history_date__gte=started).update(
        status=statuses[next_year.pk]
    )
    cluster_year.refresh_from_db()
    stats.created += 1


def _nominate_all(meeting, award_types) -> None:
    from awards.services.votes import nominate_chosen

    for award_type in award_types:
        _, errors = nominate_chosen(meeting, award_type, by=None)
        if errors:
            raise ValueError("; ".join(errors))


# Proposals and decisions ---------------------------------------------------------------------


def seed_approval(stats: Stats, code: str, year: int, fields: dict, decision: dict | None):
    """Submit a review's proposal (`fields`) through the approval services; with a
    `decision`, approve its nominations, record the decision and publish the province's
    honour roll of the year. Skipped once a proposal exists.

    The years are closed in the demo; at the submission they were in review, so they are
    reopened for the services and put back, as `_hold_review` does."""
    from awards.models import HonourRoll, Proposal
    from awards.services.approval import approve, record_decision, save_proposal, submit

    cluster_year = ClusterYear.objects.filter(cluster__code=code, year=year).first()
    if (
        cluster_year is None
        or Proposal.objects.filter(cluster_year=cluster_year).exists()
        or not cluster_year.nominations.exists()
    ):
        return
    status = cluster_year.status
    started = timezone.now()
    ClusterYear.objects.filter(pk=cluster_year.pk).update(status=ClusterYearStatus.REVIEW)
    cluster_year.refresh_from_db()
    save_proposal(cluster_year, by=None, signer=cluster_year.head_person, **fields)
    submit(cluster_year, by=None)
    if decision:
        nominations = list(cluster_year.nominations.all())
        for nomination in nominations:
            approve(nomination, by=None)
        record_decision(
            organizer=cluster_year.cluster.organizer,
            year=year,
            nominations=nominations,
            by=None,
            **decision,
        )
        HonourRoll.objects.create(
            organizer=cluster_year.cluster.organizer, year=year, published=True
        )
    ClusterYear.objects.filter(pk=cluster_year.pk).update(status=status)
    ClusterYear.history.filter(id=cluster_year.pk, history_date__gte=started).update(status=status)
    stats.created += 1
