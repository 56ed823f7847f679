"""What became of a cluster-year's submitted dossier, for the year's pages: a year whose
awards were decided no longer reads "submitted"."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from clusters.models import ClusterYear, ClusterYearStatus

from ..models import GRANTABLE_STATUSES, Award, AwardStatus, Nomination, NominationStatus

# Nominations still waiting for the organiser: under review, or returned to the head.
WAITING = (NominationStatus.SUBMITTED, NominationStatus.RESUBMITTED, NominationStatus.RETURNED)


def submitted_year_state(cluster_year: ClusterYear) -> str:
    """ "" unless the year is submitted; then whether it is decided (with the decisions'
    numbers), approved and waiting for the decision, or still under review – in two
    queries."""
    return submitted_year_states([cluster_year]).get(cluster_year.pk, "")


def submitted_year_states(cluster_years) -> dict[int, str]:
    """`submitted_year_state` of each submitted one of `cluster_years` (e.g. the rows of a
    list), in two queries whatever their number."""
    ids = [cy.pk for cy in cluster_years if cy.status == ClusterYearStatus.SUBMITTED]
    if not ids:
        return {}
    statuses: dict[int, list[str]] = defaultdict(list)
    for cluster_year_id, status in (
        Nomination.objects.filter(cluster_year_id__in=ids)
        .exclude(status=NominationStatus.WITHDRAWN)
        .values_list("cluster_year_id", "status")
    ):
        statuses[cluster_year_id].append(status)
    numbers: dict[int, list[str]] = defaultdict(list)
    for cluster_year_id, number in (
        Award.objects.filter(cluster_year_id__in=ids, status=AwardStatus.ACTIVE)
        .order_by("cluster_year_id", "decision__signed_on", "decision__number")
        .values_list("cluster_year_id", "decision__number")
        .distinct()
    ):
        if number not in numbers[cluster_year_id]:
            numbers[cluster_year_id].append(number)
    states = {}
    for cluster_year_id in ids:
        found = statuses.get(cluster_year_id)
        if not found:
            continue
        total = len(found)
        waiting = sum(1 for s in found if s in WAITING)
        approved = sum(1 for s in found if s in GRANTABLE_STATUSES)
        if waiting:
            states[cluster_year_id] = _(
                "Submitted – %(waiting)s of %(total)s nominations await the organiser"
            ) % {"waiting": waiting, "total": total}
        elif approved:
            states[cluster_year_id] = _(
                "Approved – %(approved)s of %(total)s nominations await the decision"
            ) % {"approved": approved, "total": total}
        elif numbers.get(cluster_year_id):
            states[cluster_year_id] = _("Decided – decision %(numbers)s") % {
                "numbers": ", ".join(numbers[cluster_year_id])
            }
        else:
            states[cluster_year_id] = _("Decided – no award granted")
    return states
