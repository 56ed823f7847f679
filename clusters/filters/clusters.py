import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..forms.pickers import unit_picker
from ..models import (
    Cluster,
    ClusterKind,
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
        years = sorted(set(self.visible_years.values_list("year", flat=True)), reverse=True)
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]
        # The columns show the chosen year (or each cluster's latest), filtered or not.
        raw = str((self.data or {}).get("year") or "")
        self.year = int(raw) if raw.isdigit() and int(raw) in years else None
        self.queryset = self.queryset.with_year_columns(self.year, self.visible_years)
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
