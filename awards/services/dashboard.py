"""The awards' part of the dashboard (Việc cần làm), in a constant number of queries."""

from __future__ import annotations

from django.db.models import Count

from clusters.permissions import access_for, may_keep_structure

from ..models import Award, Nomination, NominationStatus, Proposal, ProposalStatus
from ..permissions import decidable_nominations

S = NominationStatus


def dashboard_context(user, headed) -> dict:
    """`headed`: the cluster-years whose head's rights the user holds (the dashboard's list)."""
    context = {}
    access = access_for(user)
    if may_keep_structure(user):
        counts = dict(
            decidable_nominations(user)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        context["inbox_counts"] = [
            (status, label, counts.get(status, 0))
            for status, label in (
                (S.SUBMITTED, S.SUBMITTED.label),
                (S.RESUBMITTED, S.RESUBMITTED.label),
                (S.RETURNED, S.RETURNED.label),
                (S.APPROVED, S.APPROVED.label),
                (S.DOWNGRADED, S.DOWNGRADED.label),
            )
            if counts.get(status)
        ]
    if headed:
        ids = [cy.pk for cy in headed]
        submitted = set(
            Proposal.objects.filter(
                cluster_year_id__in=ids, status=ProposalStatus.SUBMITTED
            ).values_list("cluster_year_id", flat=True)
        )
        per_year: dict[int, dict] = {}
        for cy_id, status, n in (
            Nomination.objects.filter(cluster_year_id__in=ids)
            .exclude(status=S.WITHDRAWN)
            .values_list("cluster_year_id", "status")
            .annotate(n=Count("pk"))
        ):
            per_year.setdefault(cy_id, {})[status] = n
        rows = []
        for cluster_year in headed:
            statuses = per_year.get(cluster_year.pk)
            if not statuses:
                continue
            rows.append(
                {
                    "cluster_year": cluster_year,
                    "submitted": cluster_year.pk in submitted,
                    "returned": statuses.get(S.RETURNED, 0),
                    "statuses": [
                        (status.label, statuses[status]) for status in S if statuses.get(status)
                    ],
                }
            )
        context["head_proposals"] = rows
    if access.officer_org_ids:
        context["unit_awards"] = list(
            Award.objects.filter(organization_id__in=access.officer_org_ids)
            .select_related("award_type", "decision", "organization")
            .order_by("-year", "award_type__order")[:6]
        )
    context["new_notifications"] = list(user.notifications.filter(read_at__isnull=True)[:5])
    return context
