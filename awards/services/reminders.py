"""Deadline reminders, sent by `manage.py send_reminders` (run it daily from cron). Each
reminder goes once per key, so running the command twice a day sends nothing new:

* members whose self-assessment is not submitted, 7 days and 1 day before the programme's
  deadline (and once when it has passed);
* the head, for results submitted but not verified, before the verification deadline;
* the head, once a week, for a closed review whose proposal is not submitted yet and for each
  nomination returned and not resubmitted;
* the organiser's staff, once a week, for nominations waiting more than 14 days.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import (
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    EmulationProgram,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    ResultStatus,
)

from ..models import PENDING_STATUSES, Nomination, NominationStatus, Proposal, ProposalStatus
from .notifications import _writers, head_user_ids, notify_once, staff_user_ids

WAITING_DAYS = 14


def _bucket(days_left: int) -> str | None:
    """Which reminder of a deadline is due: a week before, the day before, once overdue."""
    if days_left < 0:
        return "overdue"
    if days_left <= 1:
        return "1"
    if days_left <= 7:
        return "7"
    return None


def _deadline_text(deadline: datetime.date, days_left: int) -> str:
    if days_left < 0:
        return _("the deadline %(date)s has passed") % {"date": deadline.strftime("%d/%m/%Y")}
    return _("the deadline is %(date)s") % {"date": deadline.strftime("%d/%m/%Y")}


def _result_deadlines(today: datetime.date) -> int:
    sent = 0
    programs = EmulationProgram.objects.filter(year__in=(today.year - 1, today.year))
    for program in programs:
        cluster_years = list(
            ClusterYear.objects.filter(
                cluster__organizer_id=program.organizer_id,
                year=program.year,
                status__in=(ClusterYearStatus.SETUP, ClusterYearStatus.OPEN),
                # Typed in from the papers after the events: no deadline is due any more.
                recorded_afterwards=False,
            ).select_related("cluster")
        )
        if not cluster_years:
            continue
        results = {
            (r.cluster_year_id, r.organization_id): r.status
            for r in AnnualResult.objects.filter(cluster_year__in=cluster_years)
        }
        members = Membership.objects.filter(cluster_year__in=cluster_years).values_list(
            "cluster_year_id", "organization_id"
        )
        by_pk = {cy.pk: cy for cy in cluster_years}
        deadline = program.self_assessment_deadline
        bucket = _bucket((deadline - today).days) if deadline else None
        if bucket:
            for cy_pk, org_id in members:
                if results.get((cy_pk, org_id)) not in (None, ResultStatus.DRAFT):
                    continue
                cluster_year = by_pk[cy_pk]
                sent += notify_once(
                    _writers([org_id]),
                    _("%(cluster)s: submit your self-assessment – %(when)s.")
                    % {
                        "cluster": cluster_year,
                        "when": _deadline_text(deadline, (deadline - today).days),
                    },
                    key=f"self:{cy_pk}:{org_id}:{deadline}:{bucket}",
                    url=reverse(
                        "clusters:results", args=[cluster_year.cluster.code, cluster_year.year]
                    ),
                )
        deadline = program.verification_deadline
        bucket = _bucket((deadline - today).days) if deadline else None
        if bucket:
            for cluster_year in cluster_years:
                waiting = sum(
                    1
                    for (cy_pk, _org), status in results.items()
                    if cy_pk == cluster_year.pk and status == ResultStatus.SUBMITTED
                )
                if not waiting:
                    continue
                sent += notify_once(
                    head_user_ids(cluster_year),
                    _("%(cluster)s: %(count)s results wait for verification – %(when)s.")
                    % {
                        "cluster": cluster_year,
                        "count": waiting,
                        "when": _deadline_text(deadline, (deadline - today).days),
                    },
                    key=f"verify:{cluster_year.pk}:{deadline}:{bucket}",
                    url=reverse(
                        "clusters:results", args=[cluster_year.cluster.code, cluster_year.year]
                    ),
                )
    return sent


def _proposals(today: datetime.date, week: str) -> int:
    sent = 0
    closed = ClusterYear.objects.filter(
        status=ClusterYearStatus.REVIEW,
        pk__in=Meeting.objects.filter(kind=MeetingKind.REVIEW, status=MeetingStatus.CLOSED).values(
            "cluster_year_id"
        ),
        nominations__status=NominationStatus.PROPOSED,
    ).exclude(
        pk__in=Proposal.objects.filter(status=ProposalStatus.SUBMITTED).values("cluster_year_id")
    )
    for cluster_year in closed.select_related("cluster").distinct():
        sent += notify_once(
            head_user_ids(cluster_year),
            _("%(cluster)s: the review is closed; submit the proposal to the organiser.")
            % {"cluster": cluster_year},
            key=f"proposal:{cluster_year.pk}:{week}",
            url=reverse("awards:proposal", args=[cluster_year.cluster.code, cluster_year.year]),
        )
    returned = Nomination.objects.filter(status=NominationStatus.RETURNED).select_related(
        "cluster_year__cluster", "organization", "award_type"
    )
    for nomination in returned:
        cluster_year = nomination.cluster_year
        sent += notify_once(
            head_user_ids(cluster_year),
            _("%(unit)s – %(award)s is still waiting for your supplement: %(reason)s")
            % {
                "unit": nomination.organization.name,
                "award": nomination.award_type.label,
                "reason": nomination.staff_reason,
            },
            key=f"returned:{nomination.pk}:{week}",
            url=reverse("awards:proposal", args=[cluster_year.cluster.code, cluster_year.year]),
        )
    cutoff = today - datetime.timedelta(days=WAITING_DAYS)
    waiting: dict[int, list] = {}
    for nomination in Nomination.objects.filter(
        status__in=PENDING_STATUSES,
        status_changed_at__date__lt=cutoff,
        cluster_year__recorded_afterwards=False,
    ).select_related("cluster_year__cluster"):
        waiting.setdefault(nomination.cluster_year_id, []).append(nomination)
    for nominations in waiting.values():
        cluster_year = nominations[0].cluster_year
        sent += notify_once(
            staff_user_ids(cluster_year),
            _("%(cluster)s: %(count)s nominations have waited more than %(days)s days.")
            % {"cluster": cluster_year, "count": len(nominations), "days": WAITING_DAYS},
            key=f"pending:{cluster_year.pk}:{week}",
            url=reverse("awards:inbox") + f"?year={cluster_year.year}",
        )
    return sent


def send_reminders(today: datetime.date) -> int:
    """Send the reminders due on `today`; returns how many notifications were created."""
    year, week, _day = today.isocalendar()
    with translation.override("vi"):
        return _result_deadlines(today) + _proposals(today, f"{year}-W{week:02d}")
