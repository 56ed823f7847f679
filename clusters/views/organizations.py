"""The structure screens of federation staff: organisations with their dated names and
parents, clusters, cluster-years with members and head terms, preparing next year, and
restructuring. Outside what a user reads → 404; reading without the right → 403."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
    Window,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from emulation.pagination import CountedWithPage, page_of
from emulation.tables import SafeExportMixin

from ..filters.organizations import OrganizationFilter
from ..forms.organizations import MoveForm, OrganizationCreateForm, OrganizationEditForm, RenameForm
from ..models import (
    Cluster,
    ClusterYear,
    Membership,
    Organization,
    OrganizationName,
    ParentPeriod,
    Restructuring,
    organization_column,
    window_q,
)
from ..permissions import (
    StaffOnlyMixin,
    access_for,
    can_manage_organization,
    can_place_under,
    may_keep_structure,
    officer_rights,
    organizations_for,
    organizer_choices,
    readable_among,
    readable_organization_ids,
)
from ..services import (
    move_organization,
    rename_organization,
)
from ..tables.organizations import OrganizationTable
from .base import managed_organization, merged_history, organization_or_404, save_with_reason

# Organisations ------------------------------------------------------------------------------

LIST_PAGE = 50  # rows of each list on an organisation's page


def _page(request, param: str, queryset):
    """One page of a list of the organisation's page, asked for by `?<param>=n`."""
    return page_of(queryset, request.GET.get(param), LIST_PAGE)


class OrganizationListView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    table_class = OrganizationTable
    filterset_class = OrganizationFilter
    template_name = "structure/organization_list.html"
    paginate_by = 50
    export_name = "to-chuc"

    def get_queryset(self):
        latest_parent = (
            ParentPeriod.objects.filter(organization=OuterRef("pk"))
            .order_by(F("valid_from").desc(nulls_last=True))
            .values("parent__name")[:1]
        )
        return organizations_for(self.request.user, by_key=True).annotate(
            parent_name=Subquery(latest_parent)
        )

    def get_table_pagination(self, table):
        """A federation's scope is a union (its subtree, the members of the clusters it reads,
        their heads) that PostgreSQL builds whole to sort a page or to count it: counted with
        the page (30 ms of a province's list). The confederation's is the whole table, which
        an index reads a page of without building it: counted on its own."""
        options = super().get_table_pagination(table)
        access = access_for(self.request.user)
        if options is not False and not (access.is_superuser or access.reads_everything):
            options["paginator_class"] = CountedWithPage
        return options

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_keep"] = may_keep_structure(self.request.user)
        return context


def _restructurings_of(org) -> tuple[list[Restructuring], list[tuple[int, int]]]:
    """The restructurings that ended the organisation, one it succeeded, or a parent it stood
    under, with the (restructuring, organisation it ended) pairs: the user reads those that
    ended an organisation it reads (`restructurings_for`, asked of these few, together with
    the page's other names). Each part a subquery: joined outright, a province's thousands
    of periods multiplied the rows."""
    related = list(
        Restructuring.objects.filter(
            Q(ended=org)
            | Q(
                ended__in=Organization.successors.through.objects.filter(
                    to_organization=org
                ).values("from_organization_id")
            )
            | Q(ended__in=ParentPeriod.objects.filter(organization=org).values("parent_id"))
        )
        # What it changed (the national restructuring's: 180 kB) is for its own page.
        .defer("changes")
        .distinct()
        .order_by("-last_day")
    )
    ended = list(
        Restructuring.ended.through.objects.filter(
            restructuring_id__in=[r.pk for r in related]
        ).values_list("restructuring_id", "organization_id")
    )
    return related, ended


class OrganizationDetailView(LoginRequiredMixin, TemplateView):
    """An organisation's history: names, parents, units below, clusters year by year, head
    and deputy terms, successors and predecessors, restructurings and changes."""

    template_name = "structure/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # 404 outside the scope before anything of the page is read.
        org = organization_or_404(user, kwargs["code"])
        today = timezone.localdate()
        former = list(org.former_names.order_by("used_until"))
        names = []
        start = org.valid_from
        for item in former:
            names.append({"name": item.name, "start": start, "end": item.used_until})
            start = item.used_until + datetime.timedelta(days=1)
        names.append({"name": org.name, "start": start, "end": org.valid_to, "current": True})
        parents = list(
            org.parent_periods.select_related("parent").order_by(
                F("valid_from").asc(nulls_first=True)
            )
        )
        # A province has thousands of units below and decades of clusters: each list is
        # paginated with its own parameter, those below in force today first.
        below = ParentPeriod.objects.filter(parent=org)
        children = _page(
            self.request,
            "units",
            # Sorted by the unit's name its periods keep (`ParentPeriod.unit_name`, in the
            # parent's index): looked up row by row, a province's 4,119 names cost 10 ms.
            # The name and code shown are read from the unit itself, for the page's rows
            # only (joined, the whole organisation table was scanned: 35–60 ms).
            below.annotate(
                shown_name=organization_column("organization_id"),
                unit_code=organization_column("organization_id", "code"),
                now=Case(When(window_q(today), then=1), default=0),
                # Counted with the page itself (a window over the whole list).
                in_force=Window(Sum(Case(When(window_q(today), then=1), default=0))),
            )
            .order_by("-now", "unit_name", F("valid_from").asc(nulls_first=True), "pk")
            # Only what the list shows: the periods' columns all in their parent's index
            # (`parent_period_parent_idx`), which PostgreSQL reads without the table
            # (a province: 4,000 periods on as many pages of it, 8 ms).
            .values(
                "pk",
                "organization_id",
                "valid_from",
                "valid_to",
                "shown_name",
                "unit_code",
                "in_force",
            ),
        )
        children_now = children[0]["in_force"] if children else 0
        # What the list shows of each period: its dates and the unit's linked name.
        children.object_list = [
            ParentPeriod(
                pk=row["pk"],
                parent=org,
                organization=Organization(
                    pk=row["organization_id"], code=row["unit_code"], name=row["shown_name"]
                ),
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
            )
            for row in children
        ]
        # Its own memberships and clusters, a few rows each: asked whether the user reads
        # each one's cluster-year (`readable_among`) rather than against the user's whole
        # union of cluster-years; its clusters' years need no asking when it keeps them.
        keeps_its_clusters = bool(access_for(user).kept_among({org.pk}))
        its_years = ClusterYear.objects.filter(cluster__organizer=org)
        if not keeps_its_clusters:
            its_years = readable_among(user, its_years, organizer_id=org.pk)
        memberships = _page(
            self.request,
            "member_years",
            readable_among(user, Membership.objects.filter(organization=org), "cluster_year__")
            .select_related("cluster_year__cluster__organizer")
            .order_by("-cluster_year__year", "cluster_year__cluster__code", "pk"),
        )
        organised = _page(
            self.request,
            "organised",
            its_years.with_names("head")
            .with_member_count()
            .select_related("cluster")
            .order_by("-year", "cluster__kind", "cluster__number", "pk"),
        )
        # Its clusters the user reads: all of them when it keeps them, else those with a year
        # it reads (`visible_clusters`, asked of this organiser only: as the whole scope OR-ed
        # with the kept organisers it took 35 ms for a head at national size).
        own_clusters = Cluster.objects.filter(organizer=org)
        if not keeps_its_clusters:
            own_clusters = own_clusters.filter(pk__in=its_years.order_by().values("cluster_id"))
        own_clusters = _page(
            self.request, "clusters", own_clusters.order_by("kind", "number", "pk")
        )
        # Its successors and predecessors in one query (a union: OR-ed, PostgreSQL scanned
        # every organisation).
        links = Organization.successors.through.objects.order_by()
        after = links.filter(from_organization=org)
        before = links.filter(to_organization=org)
        linked = list(
            Organization.objects.filter(
                pk__in=after.values("to_organization_id").union(
                    before.values("from_organization_id")
                )
            ).annotate(
                is_successor=Exists(after.filter(to_organization=OuterRef("pk"))),
                is_predecessor=Exists(before.filter(from_organization=OuterRef("pk"))),
            )
        )
        successors = [o for o in linked if o.is_successor]
        predecessors = [o for o in linked if o.is_predecessor]
        restructurings, ended = _restructurings_of(org)
        # Names of organisations the reader may not open print without a link; a
        # restructuring shows to who reads an organisation it ended. One question for all –
        # but the units below an organisation the user reads below (its staff): the tree
        # links each unit to every parent it had, so they are read without asking.
        below_ids = [p.organization_id for p in children]
        reads_below_it = org.pk in access_for(user).read_root_ids
        readable = readable_organization_ids(
            user,
            [p.parent_id for p in parents]
            + [o.pk for o in successors + predecessors]
            + ([] if reads_below_it else below_ids)
            + [org_id for _r, org_id in ended],
        )
        if reads_below_it:
            readable |= set(below_ids)
        shown = {r_id for r_id, org_id in ended if org_id in readable}
        restructurings = [r for r in restructurings if r.pk in shown]
        context.update(
            organization=org,
            names=names,
            parents=parents,
            children=children,
            children_now=children_now,
            memberships=memberships,
            organised=organised,
            own_clusters=own_clusters,
            successors=successors,
            predecessors=predecessors,
            # Those that ended it, one it succeeded, or a parent it stood under – each as a
            # subquery: joined outright, a province's thousands of periods multiplied the rows.
            restructurings=restructurings,
            history=merged_history(
                (org.history.select_related("history_user"), lambda e: _("Organisation")),
                (
                    ParentPeriod.history.filter(organization_id=org.pk).select_related(
                        "history_user", "parent"
                    ),
                    lambda e: _("Directly under %(parent)s") % {"parent": e.parent.name},
                ),
                (
                    OrganizationName.history.filter(organization_id=org.pk).select_related(
                        "history_user"
                    ),
                    lambda e: _("Former name %(name)s") % {"name": e.name},
                ),
            ),
            can_manage=can_manage_organization(user, org),
            officer_rights=officer_rights(user, org),
            can_place=can_place_under(user, org),
            # `next_year_organizers` asked of this organiser: one it keeps, with a running
            # cluster (whether it keeps it is known already).
            can_prepare=keeps_its_clusters
            and Cluster.objects.filter(organizer=org, ended_on__isnull=True).exists(),
            # The award forms it confers (an awards page): for its own officers and staff.
            shows_award_forms=access_for(user).is_superuser
            or org.pk in access_for(user).officer_org_ids
            or org.pk in access_for(user).staff_root_ids,
            readable=readable,
            managed_cluster_ids={c.pk for c in own_clusters} if keeps_its_clusters else set(),
            today=today,
        )
        return context


class OrganizationCreateView(StaffOnlyMixin, View):
    template = "structure/organization_form.html"

    def form(self, request):
        initial = {}
        code = request.GET.get("parent")
        if code:
            initial["parent"] = organizer_choices(request.user).filter(code=code).first()
        return OrganizationCreateForm(
            request.POST or None,
            parents=organizer_choices(request.user),
            initial=initial,
            allow_root=request.user.is_superuser,
        )

    def get(self, request):
        return render(request, self.template, {"form": self.form(request), "creating": True})

    def post(self, request):
        form = self.form(request)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "creating": True})
        reason = form.cleaned_data["founding_decision"] or _("New organisation")
        with transaction.atomic():
            org = save_with_reason(form.save(commit=False), reason)
            if form.cleaned_data["parent"] is not None:
                save_with_reason(
                    ParentPeriod(
                        organization=org,
                        parent=form.cleaned_data["parent"],
                        valid_from=org.valid_from,
                        decision=org.founding_decision,
                    ),
                    reason,
                )
        messages.success(request, _("%(org)s was created.") % {"org": org.name})
        return redirect(org)


class OrganizationEditView(LoginRequiredMixin, View):
    template = "structure/organization_form.html"

    def get(self, request, code):
        org = managed_organization(request.user, code)
        form = OrganizationEditForm(instance=org)
        return render(request, self.template, {"form": form, "organization": org})

    def post(self, request, code):
        org = managed_organization(request.user, code)
        form = OrganizationEditForm(request.POST, instance=org)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "organization": org})
        with transaction.atomic():
            save_with_reason(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return redirect(org)


class _DatedChangeView(LoginRequiredMixin, View):
    """Rename and move: a form, then a service that checks the dates and writes once."""

    template = "structure/organization_change.html"
    form_class = None
    title = ""

    def make_form(self, request, org):
        return self.form_class(request.POST or None)

    def context(self, org, form):
        return {"organization": org, "form": form, "title": self.title, "kind": self.kind}

    def get(self, request, code):
        org = managed_organization(request.user, code)
        return render(request, self.template, self.context(org, self.make_form(request, org)))

    def post(self, request, code):
        org = managed_organization(request.user, code)
        form = self.make_form(request, org)
        if form.is_valid():
            try:
                self.apply(org, form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The change was recorded."))
                return redirect(org)
        return render(request, self.template, self.context(org, form))


class OrganizationRenameView(_DatedChangeView):
    form_class = RenameForm
    kind = "rename"

    @property
    def title(self):
        return _("Rename from a date")

    def apply(self, org, data):
        rename_organization(
            organization=org,
            new_name=data["new_name"],
            from_day=data["from_day"],
            reason=data["reason"],
        )


class OrganizationMoveView(_DatedChangeView):
    form_class = MoveForm
    kind = "move"

    @property
    def title(self):
        return _("Change of parent from a date")

    def make_form(self, request, org):
        parents = organizer_choices(request.user).exclude(pk=org.pk)
        return self.form_class(request.POST or None, parents=parents)

    def apply(self, org, data):
        move_organization(
            organization=org,
            new_parent=data["new_parent"],
            from_day=data["from_day"],
            decision=data["decision"],
        )
