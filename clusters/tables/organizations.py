"""The organisations list (django-tables2): sorting, pagination and the Excel/CSV export."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from emulation.tables import DateColumn

from ..models import (
    Organization,
)


class OrganizationTable(tables.Table):
    name = tables.Column(verbose_name=_("Organisation"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    sector = tables.Column(verbose_name=_("Sector"), default="—")
    parent_name = tables.Column(verbose_name=_("Directly under"), default="—")
    locality = tables.Column(verbose_name=_("Locality"), default="—")
    status = tables.Column(verbose_name=_("Status"))
    valid_to = DateColumn(verbose_name=_("Last day"), format="d/m/Y", default="—")

    class Meta:
        model = Organization
        fields = ["name", "kind", "sector", "parent_name", "locality", "status", "valid_to"]
        order_by = ("name",)
        empty_text = _("No organisation matches.")

    def value_name(self, value):
        return value
