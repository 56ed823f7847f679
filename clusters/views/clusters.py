from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from emulation.forms import style_form
from emulation.pagination import CountedWithPage
from emulation.tables import SafeExportMixin, page_records

from ..documents.admin_format import header_for
from ..filters.clusters import ClusterFilter
from ..forms.clusters import HeadSettingsForm
from ..models import ClusterYear, Meeting, MeetingKind, MeetingStatus
from ..permissions import (
    ClusterYearRuleMixin,
    can_act_as_head,
    can_manage_cluster_year,
    clusters_for,
    readable_among,
    reads_every_cluster_year,
    role_labels,
    sees_all_results,
)
from ..tables.clusters import ClusterTable


class ClusterListView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    table_class = ClusterTable
    filterset_class = ClusterFilter
    template_name = "clusters/cluster_list.html"
    paginate_by = 25
    export_name = "cum-thi-dua"

    def get_queryset(self):
        # Sorted by the organiser's name (ClusterTable.order_name).
        return clusters_for(self.request.user).select_related("organizer")

    def get_table_pagination(self, table):
        """A federation's clusters are those of the cluster-years it reads (a union): counted
        with the page, as the organisation list's (the count asked the union again). The
        confederation's are every cluster with a year: counted on their own."""
        options = super().get_table_pagination(table)
        if options is not False and not reads_every_cluster_year(self.request.user):
            options["paginator_class"] = CountedWithPage
        return options

    YEAR_COLUMNS = ("organizer_name", "shown_year", "head_name", "member_count", "year_status")

    def _whole_list(self) -> bool:
        """An export (every row), or a list sorted by a year column: the year columns come
        with the rows, as subqueries (seconds on a national list: asked for, never the
        default)."""
        sorts = {str(sort).lstrip("-") for sort in self.request.GET.getlist("sort")}
        return bool(self.request.GET.get(self.export_trigger_param)) or bool(
            sorts & set(self.YEAR_COLUMNS)
        )

    def get_table_data(self):
        data = super().get_table_data()
        return self.filterset.with_year_columns(data) if self._whole_list() else data

    def get_table(self, **kwargs):
        """The year columns of the page's clusters only, in a second query: computed for the
        whole list, the latest readable year of every cluster the user reads took seconds for
        a federation's staff at national size."""
        table = super().get_table(**kwargs)
        if not self._whole_list():
            records = page_records(table)
            if records is not None:
                self.filterset.set_year_columns(records)
        return table


@login_required
def cluster_detail(request, code):
    """The cluster's page opens on its latest year up to the current one."""
    cluster = get_object_or_404(clusters_for(request.user), code=code)
    years = readable_among(request.user, ClusterYear.objects.filter(cluster=cluster))
    this_year = timezone.localdate().year
    year = (
        years.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).first()
        or years.order_by("year").values_list("year", flat=True).first()
    )
    if year is None:
        raise Http404
    return redirect("clusters:cluster_year", code=cluster.code, year=year)


def _member_rows(cluster_year):
    """The members as of the year, head and deputy first: a constant number of queries."""
    as_of = cluster_year.as_of
    return [
        {
            "membership": entry.membership,
            "organization": entry.organization,
            "name": entry.name,
            "current_name": entry.organization.name,
            "parent": entry.parent,
            "role": entry.role_label,
            "ended": entry.organization.valid_to is not None
            and entry.organization.valid_to <= as_of,
        }
        for entry in cluster_year.member_entries()
    ]


class ClusterYearDetailView(LoginRequiredMixin, ClusterYearRuleMixin, TemplateView):
    template_name = "clusters/clusteryear_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cluster_year = self.cluster_year
        cluster = cluster_year.cluster
        timeline = list(
            readable_among(user, ClusterYear.objects.filter(cluster=cluster))
            .with_names()
            .order_by("year")
        )
        current = next(item for item in timeline if item.pk == cluster_year.pk)
        members = _member_rows(cluster_year)
        member_ids = {row["organization"].pk for row in members}
        context.update(
            cluster_year=cluster_year,
            cluster=cluster,
            names=current,
            years=[item.year for item in timeline],
            timeline=timeline,
            members=members,
            roles=role_labels(user, cluster_year, member_ids),
            can_head=can_act_as_head(user, cluster_year),
            can_manage=can_manage_cluster_year(user, cluster_year),
            sees_results=sees_all_results(user, cluster_year),
            # The summary report prints what a closed review adopted: offered only then.
            review_closed=Meeting.objects.filter(
                cluster_year=cluster_year, kind=MeetingKind.REVIEW, status=MeetingStatus.CLOSED
            ).exists(),
        )
        return context


# The head's page -------------------------------------------------------------------------


class HeadWorkspaceView(LoginRequiredMixin, ClusterYearRuleMixin, UpdateView):
    """The head's page for its cluster-year: who acts for the head and deputy, and how the
    cluster's documents are headed and signed."""

    rule = can_act_as_head
    form_class = HeadSettingsForm
    template_name = "clusters/clusteryear_head.html"

    def get_object(self, queryset=None):
        return self.cluster_year

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))

    def form_valid(self, form):
        with transaction.atomic():
            cluster_year = form.save(commit=False)
            cluster_year._change_reason = form.cleaned_data["reason"]
            cluster_year.save()
        messages.success(self.request, _("The changes were saved."))
        return redirect(
            "clusters:cluster_year_head", code=cluster_year.cluster.code, year=cluster_year.year
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster_year = self.cluster_year
        context["cluster_year"] = cluster_year
        context["names"] = ClusterYear.objects.filter(pk=cluster_year.pk).with_names().get()
        context["history"] = cluster_year.history.select_related("history_user").order_by(
            "-history_date"
        )[:20]
        context["default_header"] = header_for(cluster_year)
        return context
