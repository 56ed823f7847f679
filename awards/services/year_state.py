"""What became of a cluster-year's submitted dossier, for the year's pages: a year whose
awards were decided no longer reads "submitted"."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clusters.models import ClusterYear, ClusterYearStatus

from ..models import GRANTABLE_STATUSES, Award, AwardStatus, Nomination, NominationStatus

# Nominations still waiting for the organiser: under review, or returned to the head.
WAITING = (NominationStatus.SUBMITTED, NominationStatus.RESUBMITTED, NominationStatus.RETURNED)


def submitted_year_state(cluster_year: ClusterYear) -> str:
    """ "" unless the year is submitted; then whether it is decided (with the decisions'
    numbers), approved and waiting for the decision, or still under review – in two
    queries."""
    if cluster_year.status != ClusterYearStatus.SUBMITTED:
        return ""
    statuses = list(
        Nomination.objects.filter(cluster_year=cluster_year)
        .exclude(status=NominationStatus.WITHDRAWN)
        .values_list("status", flat=True)
    )
    if not statuses:
        return ""
    total = len(statuses)
    waiting = sum(1 for s in statuses if s in WAITING)
    approved = sum(1 for s in statuses if s in GRANTABLE_STATUSES)
    if waiting:
        return _("Submitted – %(waiting)s of %(total)s nominations await the organiser") % {
            "waiting": waiting,
            "total": total,
        }
    if approved:
        return _("Approved – %(approved)s of %(total)s nominations await the decision") % {
            "approved": approved,
            "total": total,
        }
    numbers = list(
        Award.objects.filter(cluster_year=cluster_year, status=AwardStatus.ACTIVE)
        .order_by("decision__signed_on")
        .values_list("decision__number", flat=True)
        .distinct()
    )
    if numbers:
        return _("Decided – decision %(numbers)s") % {"numbers": ", ".join(numbers)}
    return _("Decided – no award granted")
