"""Filters of the organisations list (django-filter): search without diacritics, kind,
sector, status and parent."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..forms.pickers import candidate_picker, use_picker
from ..models import (
    Organization,
    OrganizationKind,
    OrganizationSector,
    OrganizationStatus,
    ParentPeriod,
)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name or former name")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganizationKind.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=OrganizationSector.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrganizationStatus.choices)

    class Meta:
        model = Organization
        fields = ["q", "kind", "sector", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self.form)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class CandidateFilter(django_filters.FilterSet):
    """The units a cluster-year may take as members: search without diacritics, kind,
    sector and parent (as of the year)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, without diacritics too")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganizationKind.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=OrganizationSector.choices)
    parent = django_filters.ModelChoiceFilter(
        label=_("Directly under"), queryset=Organization.objects.none(), method="filter_parent"
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "sector", "parent"]

    def __init__(self, *args, cluster_year, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year
        self.filters["parent"].queryset = parents
        self.form.fields["parent"].queryset = parents
        use_picker(
            self.form.fields["parent"],
            candidate_picker(cluster_year, of="parents", placeholder=_("Any unit")),
        )
        style_form(self.form)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_parent(self, queryset, name, value):
        periods = ParentPeriod.objects.filter(parent=value).overlapping(
            self.cluster_year.first_day, self.cluster_year.as_of
        )
        return queryset.filter(pk__in=periods.values("organization_id"))
