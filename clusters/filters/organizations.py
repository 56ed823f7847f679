"""Filters of the organisations list (django-filter): search without diacritics, kind,
status and parent."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..models import (
    Organization,
    OrganizationKind,
    OrganizationStatus,
)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name or former name")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganizationKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrganizationStatus.choices)

    class Meta:
        model = Organization
        fields = ["q", "kind", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self.form)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
