"""The restructurings list (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from emulation.tables import DateColumn, DateTimeColumn

from ..models import (
    Restructuring,
)


class RestructuringTable(tables.Table):
    decision = tables.Column(verbose_name=_("Decision"), linkify=True)
    last_day = DateColumn(verbose_name=_("Last day"), format="d/m/Y")
    ended_count = tables.Column(
        verbose_name=_("Organisations ended"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    created_by = tables.Column(verbose_name=_("Recorded by"), default="—")
    created_at = DateTimeColumn(verbose_name=_("Recorded at"), format="d/m/Y H:i")
    reverted_at = DateTimeColumn(verbose_name=_("Reverted"), format="d/m/Y H:i", default="—")

    class Meta:
        model = Restructuring
        fields = ["decision", "last_day", "ended_count", "created_by", "created_at", "reverted_at"]
        order_by = ("-last_day",)
        empty_text = _("No restructuring recorded.")

    def value_decision(self, value):
        return value
