from collections import defaultdict

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..forms.pickers import unit_picker
from ..models import (
    Cluster,
    ClusterKind,
    ClusterYear,
    Membership,
    Organization,
)
from ..permissions import cluster_years_for, clusters_for


class ClusterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Cluster or member unit, with or without diacritics")}
        ),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), method="filter_year", empty_label=_("Latest year")
    )
    organizer = django_filters.ModelChoiceFilter(
        label=_("Organiser"),
        queryset=Organization.objects.none(),
        widget=unit_picker("readable", placeholder=_("Any organiser")),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ClusterKind.choices)
    head = django_filters.ModelChoiceFilter(
        label=_("Head unit"),
        queryset=Organization.objects.none(),
        method="filter_head",
        widget=unit_picker("readable", placeholder=_("Any unit")),
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Member unit"),
        queryset=Organization.objects.none(),
        method="filter_member",
        widget=unit_picker("readable", placeholder=_("Any unit")),
    )

    class Meta:
        model = Cluster
        fields = ["q", "year", "organizer", "kind", "head", "member"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.visible_years = cluster_years_for(user)
        years = sorted(
            set(self.visible_years.order_by().values_list("year", flat=True).distinct()),
            reverse=True,
        )
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]
        # The columns show the chosen year (or each cluster's latest), filtered or not.
        raw = str((self.data or {}).get("year") or "")
        self.year = int(raw) if raw.isdigit() and int(raw) in years else None
        # Choices come from what the user reads, never from the whole table.
        self.filters["organizer"].queryset = Organization.objects.filter(
            pk__in=clusters_for(user).values("organizer_id")
        )
        self.filters["head"].queryset = Organization.objects.filter(
            pk__in=self.visible_years.values("head_id")
        )
        self.filters["member"].queryset = Organization.objects.filter(
            pk__in=Membership.objects.filter(cluster_year__in=self.visible_years).values(
                "organization_id"
            )
        )
        style_form(self.form)

    def selected_year(self) -> int | None:
        return self.year

    def with_year_columns(self, queryset):
        """The columns of the year shown (the chosen one, or each cluster's latest the user
        reads) as correlated subqueries: for an export, which has every row."""
        return queryset.with_year_columns(self.year, self.visible_years)

    def set_year_columns(self, clusters: list) -> None:
        """The same columns set on one page of clusters, in two queries: the years the user
        reads of these clusters, then the cluster-years shown with their names and counts.
        (As subqueries over the whole list, the scope was planned again for every cluster:
        seconds for a federation's staff at national size.)"""
        ids = [cluster.pk for cluster in clusters]
        if self.year is not None:
            chosen = dict.fromkeys(ids, self.year)
        else:
            readable: dict[int, list[int]] = defaultdict(list)
            for cluster_id, year in (
                self.visible_years.filter(cluster_id__in=ids)
                .order_by()
                .values_list("cluster_id", "year")
            ):
                readable[cluster_id].append(year)
            this_year = timezone.localdate().year
            chosen = {}
            for cluster_id, years in readable.items():
                past = [year for year in years if year <= this_year]
                chosen[cluster_id] = max(past) if past else min(years)
        found = {}
        if chosen:
            found = {
                (item.cluster_id, item.year): item
                for item in ClusterYear.objects.filter(
                    cluster_id__in=ids, year__in=set(chosen.values())
                )
                .with_names("head", "organizer")
                .with_member_count()
            }
        for cluster in clusters:
            cluster.shown_year = chosen.get(cluster.pk)
            item = found.get((cluster.pk, cluster.shown_year))
            cluster.head_name = item.head_name if item else None
            cluster.organizer_name = (
                item.organizer_name if item and item.organizer_name else cluster.organizer.name
            )
            cluster.year_status = item.status if item else None
            cluster.member_count = item.member_count if item else 0

    def filter_search(self, queryset, name, value):
        return queryset.search(value, years=self.visible_years)

    def filter_year(self, queryset, name, value):
        return queryset.filter(
            pk__in=self.visible_years.filter(year=int(value)).values("cluster_id")
        )

    def _years(self):
        year = self.selected_year()
        return self.visible_years.filter(year=year) if year else self.visible_years

    def filter_head(self, queryset, name, value):
        return queryset.filter(pk__in=self._years().filter(head=value).values("cluster_id"))

    def filter_member(self, queryset, name, value):
        return queryset.filter(
            pk__in=self._years().filter(memberships__organization=value).values("cluster_id")
        )
