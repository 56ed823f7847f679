"""Filters of the decisions and of the award register. Choices come from the rows the user
reads, never from the whole table."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.forms.pickers import unit_picker
from clusters.models import Organization
from emulation.forms import style_form

from ..forms.pickers import award_type_picker
from ..models import AwardStatus, AwardType


def _years(queryset, years=None) -> list[tuple[int, str]]:
    """The years of `queryset`'s rows, the latest first (`years`: those already read)."""
    if years is None:
        years = queryset.order_by().values_list("year", flat=True).distinct()
    return [(y, str(y)) for y in sorted(set(years), reverse=True)]


class DecisionFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        label=_("Decision number"), field_name="number", lookup_expr="icontains"
    )
    year = django_filters.ChoiceFilter(label=_("Emulation year"), empty_label=_("All years"))
    organizer = django_filters.ModelChoiceFilter(
        label=_("Issued by"), queryset=Organization.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = self.queryset
        self.filters["year"].extra["choices"] = _years(decisions)
        self.filters["organizer"].queryset = Organization.objects.filter(
            pk__in=decisions.order_by().values("organizer_id")
        ).order_by("name")
        style_form(self.form)


class AwardFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(label=_("Year"), empty_label=_("All years"))
    q = django_filters.CharFilter(
        label=_("Unit"),
        method="filter_unit",
        widget=forms.TextInput(attrs={"placeholder": _("Name, with or without diacritics")}),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("All"),
        widget=unit_picker("readable", placeholder=_("Any organisation")),
    )
    award_type = django_filters.ModelChoiceFilter(
        label=_("Form"),
        queryset=AwardType.objects.none(),
        empty_label=_("All forms"),
        widget=award_type_picker(),
    )
    decision = django_filters.CharFilter(
        label=_("Decision number"), field_name="decision__number", lookup_expr="icontains"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AwardStatus.choices, empty_label=_("Any status")
    )

    def __init__(self, *args, years=None, **kwargs):
        """`years`: the years of the awards in the queryset, when the view read them already."""
        super().__init__(*args, **kwargs)
        awards = self.queryset
        self.filters["year"].extra["choices"] = _years(awards, years)
        self.filters["organization"].queryset = Organization.objects.filter(
            pk__in=awards.order_by().values("organization_id")
        ).order_by("name")
        self.filters["award_type"].queryset = AwardType.objects.filter(
            pk__in=awards.order_by().values("award_type_id")
        ).order_by("organizer__name", "order", "name")
        style_form(self.form)

    def filter_unit(self, queryset, name, value):
        # Current and former names, folded: "vinh hao" finds "Vĩnh Hảo".
        return queryset.filter(organization__in=Organization.objects.search(value))
