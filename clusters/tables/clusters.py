import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    Cluster,
    ClusterYearStatus,
)


class ClusterTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Cluster"),
        # `organizer_sort` (ClusterListView): the organiser's name, sorted after the join.
        order_by=("organizer_sort", "kind", "number"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    # The year columns are computed for the page shown (ClusterListView.get_table), or for
    # every cluster when the list is sorted by one of them.
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
