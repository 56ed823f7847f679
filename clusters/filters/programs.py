"""Filters of the emulation programmes list (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..models import (
    EmulationProgram,
    Organization,
)


class ProgramFilter(django_filters.FilterSet):
    """Choices from the programmes the view lists (the user's own), never the whole table."""

    year = django_filters.ChoiceFilter(label=_("Year"))
    organizer = django_filters.ModelChoiceFilter(
        label=_("Organiser"), queryset=Organization.objects.none()
    )

    class Meta:
        model = EmulationProgram
        fields = ["year", "organizer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programs = self.queryset
        years = sorted(set(programs.values_list("year", flat=True)), reverse=True)
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]
        self.filters["organizer"].queryset = Organization.objects.filter(
            pk__in=programs.values("organizer_id")
        ).order_by("name")
        style_form(self.form)
