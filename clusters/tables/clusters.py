import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from emulation.text import format_number

from ..models import (
    Cluster,
    ClusterYearStatus,
    EmulationProgram,
    Organization,
    Restructuring,
    year_end,
)


class ClusterTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Cluster"),
        order_by=("organizer__name", "kind", "number"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    organizer_name = tables.Column(verbose_name=_("Organiser"))
    kind = tables.Column(verbose_name=_("Kind"))
    shown_year = tables.Column(verbose_name=_("Year"), localize=False)
    head_name = tables.Column(verbose_name=_("Cluster head"), default="—")
    member_count = tables.Column(
        verbose_name=_("Members"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    year_status = tables.Column(verbose_name=_("Status"), default="—")

    class Meta:
        model = Cluster
        fields = [
            "name",
            "organizer_name",
            "kind",
            "shown_year",
            "head_name",
            "member_count",
            "year_status",
        ]
        order_by = ("name",)
        empty_text = _("No cluster matches.")

    def render_name(self, record, value):
        if record.shown_year:
            url = reverse("clusters:cluster_year", args=[record.code, record.shown_year])
        else:
            url = reverse("clusters:cluster_detail", args=[record.code])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, record, value):
        return value

    def render_year_status(self, value):
        return ClusterYearStatus(value).label

    def value_year_status(self, value):
        return str(ClusterYearStatus(value).label) if value else ""


class OrganizationTable(tables.Table):
    name = tables.Column(verbose_name=_("Organisation"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    parent_name = tables.Column(verbose_name=_("Directly under"), default="—")
    locality = tables.Column(verbose_name=_("Locality"), default="—")
    status = tables.Column(verbose_name=_("Status"))
    valid_to = tables.DateColumn(verbose_name=_("Last day"), format="d/m/Y", default="—")

    class Meta:
        model = Organization
        fields = ["name", "kind", "parent_name", "locality", "status", "valid_to"]
        order_by = ("name",)
        empty_text = _("No organisation matches.")

    def value_name(self, value):
        return value


class RestructuringTable(tables.Table):
    decision = tables.Column(verbose_name=_("Decision"), linkify=True)
    last_day = tables.DateColumn(verbose_name=_("Last day"), format="d/m/Y")
    ended_count = tables.Column(
        verbose_name=_("Organisations ended"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    created_by = tables.Column(verbose_name=_("Recorded by"), default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Recorded at"), format="d/m/Y H:i")
    reverted_at = tables.DateTimeColumn(verbose_name=_("Reverted"), format="d/m/Y H:i", default="—")

    class Meta:
        model = Restructuring
        fields = ["decision", "last_day", "ended_count", "created_by", "created_at", "reverted_at"]
        order_by = ("-last_day",)
        empty_text = _("No restructuring recorded.")

    def value_decision(self, value):
        return value


class ProgramTable(tables.Table):
    year = tables.Column(verbose_name=_("Year"), linkify=True, localize=False)
    organizer = tables.Column(verbose_name=_("Organiser"), order_by=("organizer__name", "-year"))
    theme = tables.Column(verbose_name=_("Theme"), default="—")
    plan_reference = tables.Column(verbose_name=_("Plan"), default="—")
    self_assessment_deadline = tables.DateColumn(
        verbose_name=_("Self-assessment by"), format="d/m/Y", default="—"
    )
    verification_deadline = tables.DateColumn(
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
