"""The emulation programmes list (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from emulation.tables import DateColumn
from emulation.text import format_number

from ..models import (
    EmulationProgram,
    year_end,
)


class ProgramTable(tables.Table):
    year = tables.Column(verbose_name=_("Year"), linkify=True, localize=False)
    organizer = tables.Column(verbose_name=_("Organiser"), order_by=("organizer__name", "-year"))
    theme = tables.Column(verbose_name=_("Theme"), default="—")
    plan_reference = tables.Column(verbose_name=_("Plan"), default="—")
    self_assessment_deadline = DateColumn(
        verbose_name=_("Self-assessment by"), format="d/m/Y", default="—"
    )
    verification_deadline = DateColumn(
        verbose_name=_("Verification by"), format="d/m/Y", default="—"
    )
    table_max = tables.Column(
        verbose_name=_("Table maximum"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
        default="—",
    )
    in_use = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = EmulationProgram
        fields = [
            "year",
            "organizer",
            "theme",
            "plan_reference",
            "self_assessment_deadline",
            "verification_deadline",
            "table_max",
            "in_use",
        ]
        order_by = ("-year", "organizer")
        empty_text = _("No programme yet.")

    def render_organizer(self, record):
        # The organiser's name in that year (prefetched former names: no query per row).
        return record.organizer.name_on(year_end(record.year))

    def value_organizer(self, record):
        return record.organizer.name_on(year_end(record.year))

    def render_table_max(self, value):
        return format_number(value)

    def value_table_max(self, value):
        return value

    def render_in_use(self, value):
        return _("In use: table locked") if value else _("Being set up")

    def value_year(self, value):
        return value
