"""The pickers' answers (django-autocomplete-light): a choice among units or clusters is never
a `<select>` of every one, but a search as you type – without diacritics, as the lists search –
over what the user may choose there, twenty at a time."""

from __future__ import annotations

from dal import autocomplete
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404

from ..models import Cluster, Organization
from ..permissions import (
    ClusterYearRuleMixin,
    can_manage_cluster_year,
    clusters_for,
    managed_clusters,
    managed_organizations,
    next_year_organizers,
    organizations_for,
    organizer_choices,
    program_organizers,
)
from .cluster_setup import _candidate_choices, _candidate_parents

# scope: what a picker offers the user.
ORGANIZATION_SCOPES = {
    "readable": organizations_for,
    "placement": organizer_choices,
    "managed": managed_organizations,
    "organizers": lambda user: Organization.objects.filter(
        pk__in=managed_clusters(user).values("organizer_id")
    ),
    "programs": program_organizers,
    "next-year": next_year_organizers,
}


def unit_label(org: Organization) -> str:
    """A unit as a picker shows it: its name, and its locality where the name does not say it
    (many grassroots unions bear the same name in different districts)."""
    if org.locality and org.locality.casefold() not in org.name.casefold():
        return f"{org.name} – {org.locality}"
    return org.name


class _Search(LoginRequiredMixin, autocomplete.Select2QuerySetView):
    paginate_by = 20
    # "code" for the pickers whose form sends the code (the organiser choosers), "pk" else.
    value_field = "pk"

    def get_result_value(self, result):
        return str(getattr(result, self.request.GET.get("value", self.value_field), result.pk))

    def has_add_permission(self, request):
        return False


class OrganizationAutocomplete(_Search):
    def get_queryset(self):
        scope = ORGANIZATION_SCOPES.get(self.kwargs["scope"])
        if scope is None:
            raise Http404
        qs = scope(self.request.user).order_by("name")
        if self.q:
            qs = qs.search(self.q)
        return qs

    def get_result_label(self, result):
        return unit_label(result)


class CandidateAutocomplete(ClusterYearRuleMixin, _Search):
    """The units a cluster-year may take as a member (its management page's picker): for
    those who manage the year, 403 for its other readers."""

    rule = can_manage_cluster_year

    def get_queryset(self):
        # ?of=parents: the units the candidates stand under (the batch page's filter).
        if self.request.GET.get("of") == "parents":
            qs = _candidate_parents(self.request.user, self.cluster_year)
        else:
            qs = _candidate_choices(self.request.user, self.cluster_year)
        if self.q:
            qs = qs.search(self.q)
        return qs

    def get_result_label(self, result):
        return unit_label(result)


class MemberAutocomplete(ClusterYearRuleMixin, _Search):
    """The members of a cluster-year (as of its last day), to choose its head and deputy or
    next year's: for those who manage the year."""

    rule = can_manage_cluster_year

    def get_queryset(self):
        cluster_year = self.cluster_year
        members = cluster_year.memberships.on(cluster_year.as_of)
        qs = Organization.objects.filter(pk__in=members.values("organization_id")).order_by("name")
        if self.q:
            qs = qs.search(self.q)
        return qs

    def get_result_label(self, result):
        return unit_label(result)


class ClusterAutocomplete(_Search):
    def get_queryset(self):
        scope = {"readable": clusters_for, "kept": managed_clusters}.get(self.kwargs["scope"])
        if scope is None:
            raise Http404
        qs = scope(self.request.user).select_related("organizer").order_by("code")
        if self.q:
            qs = qs.filter(
                Q(code__icontains=self.q)
                | Q(name__icontains=self.q)
                | Q(organizer__in=Organization.objects.search(self.q))
            )
        return qs

    def get_result_label(self, result: Cluster):
        return f"{result.name} – {result.organizer.name} ({result.code})"
