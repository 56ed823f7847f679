"""Restructuring: end organisations on a date with their successors, preview every move
and closed year, confirm; the list of restructurings and undoing one."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from emulation.tables import SafeExportMixin

from ..forms.restructuring import RestructureForm, RevertForm
from ..models import (
    Cluster,
    ClusterYear,
    Membership,
    Organization,
    ParentPeriod,
)
from ..permissions import (
    StaffOnlyMixin,
    can_manage_organization,
    cluster_years_for,
    managed_organizations,
    may_keep_structure,
    organizer_choices,
    placement_choices,
    readable_organization_ids,
    restructurings_for,
)
from ..services import (
    apply_restructuring,
    plan_restructuring,
    revert_blockers,
    revert_restructuring,
)
from ..tables.restructuring import RestructuringTable

# Restructuring ----------------------------------------------------------------------------


def _plan_signature(plan) -> str:
    """What a confirmation must match: the preview the person saw."""
    parts = [
        plan.last_day.isoformat(),
        plan.status,
        *(f"e{org.pk}:{[s.pk for s in plan.successors[org.pk]]}" for org in plan.ended),
        *(f"m{m.unit.pk}>{m.new_parent.pk}" for m in plan.moves),
        *(f"y{cy.pk}" for cy in plan.closed_years),
        *(f"l{m.pk}" for m in plan.leaving),
        *(f"c{c.pk}" for c in plan.ended_clusters),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


class RestructureView(StaffOnlyMixin, View):
    """End organisations on a date, move their units, record successors and close the
    affected cluster-years – previewed first; the confirmation writes exactly the preview."""

    template = "structure/restructure.html"

    def form(self, request, data=None):
        user = request.user
        endable = managed_organizations(user).filter(status="active", valid_to__isnull=True)
        initial = {}
        code = request.GET.get("ended")
        if code:
            initial["ended"] = list(endable.filter(code=code))
        return RestructureForm(
            data,
            endable=endable.order_by("name"),
            successors=self.targets(user).order_by("name"),
            initial=initial,
        )

    @staticmethod
    def targets(user):
        """Successors and new parents: the active organisations the user keeps or works
        for – a restructuring never hands duties or units into another tree."""
        return placement_choices(user)

    def get(self, request):
        return render(request, self.template, {"form": self.form(request)})

    def post(self, request):
        form = self.form(request, request.POST)
        if not form.is_valid():
            return render(request, self.template, {"form": form})
        data = form.cleaned_data
        targets = self.targets(request.user)
        chosen = {}
        for org in data["ended"]:
            # The preview lets each ended organisation have its own successors.
            if f"successors_shown_{org.pk}" in request.POST:
                own = request.POST.getlist(f"successors_{org.pk}")
                ids = [int(v) for v in own if v.isdigit()]
                chosen[org] = list(targets.filter(pk__in=ids).order_by("name"))
            else:
                chosen[org] = list(data["successors"])
        overrides = {}
        for key, value in request.POST.items():
            if key.startswith("parent_") and value.isdigit():
                overrides[int(key.removeprefix("parent_"))] = int(value)
        units = Organization.objects.in_bulk(list(overrides))
        parents = organizer_choices(request.user).in_bulk(list(overrides.values()))
        new_parents = {
            units[unit]: parents[parent]
            for unit, parent in overrides.items()
            if unit in units and parent in parents
        }
        try:
            plan = plan_restructuring(
                ended=list(data["ended"]),
                last_day=data["last_day"],
                successors=chosen,
                new_parents=new_parents,
                status=data["status"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template, {"form": form})
        signature = _plan_signature(plan)
        if request.POST.get("action") == "confirm":
            if request.POST.get("signature") != signature:
                messages.warning(
                    request,
                    _("The preview has changed since you saw it: check it and confirm again."),
                )
            else:
                try:
                    record = apply_restructuring(
                        plan=plan, decision=data["decision"], by=request.user, note=data["note"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                    return render(request, self.template, {"form": form})
                messages.success(request, _("The restructuring was recorded."))
                return redirect(record)
        # Successors and new parents are chosen with pickers (a search among the targets):
        # only the chosen ones are rendered.
        return render(
            request,
            self.template,
            {
                "form": form,
                "plan": plan,
                "signature": signature,
                "ended_rows": [(org, plan.successors[org.pk]) for org in plan.ended],
                "hidden_fields": [field for field in form],
            },
        )


class RestructuringListView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    table_class = RestructuringTable
    template_name = "structure/restructuring_list.html"
    paginate_by = 50
    export_name = "sap-xep-to-chuc"

    def get_table_data(self):
        return (
            restructurings_for(self.request.user)
            .annotate(ended_count=Count("ended", distinct=True))
            .select_related("created_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_keep"] = may_keep_structure(self.request.user)
        return context


class RestructuringDetailView(LoginRequiredMixin, View):
    template = "structure/restructuring_detail.html"

    def record(self, request, pk):
        return get_object_or_404(
            restructurings_for(request.user).select_related("created_by", "reverted_by"), pk=pk
        )

    def may_revert(self, user, record):
        return all(can_manage_organization(user, org) for org in record.ended.all())

    def page(self, request, record, form=None):
        changes = record.changes or {}
        ended = list(record.ended.prefetch_related("successors").order_by("name"))
        created = {item for item in changes.get("created_periods", [])}
        moves = list(
            ParentPeriod.objects.filter(pk__in=created)
            .select_related("organization", "parent")
            .order_by("organization__name")
        )
        year_ids = [item["id"] for item in changes.get("cluster_years", [])]
        readable = readable_organization_ids(
            request.user,
            [o.pk for o in ended]
            + [s.pk for o in ended for s in o.successors.all()]
            + [m.organization_id for m in moves],
        )
        cluster_ids = [item["id"] for item in changes.get("clusters", [])]
        membership_ids = [item["id"] for item in changes.get("memberships", [])]
        return render(
            request,
            self.template,
            {
                "record": record,
                "ended": ended,
                "moves": moves,
                "closed_years": ClusterYear.objects.filter(pk__in=year_ids)
                .select_related("cluster")
                .annotate(
                    readable=Exists(cluster_years_for(request.user).filter(pk=OuterRef("pk")))
                )
                .order_by("cluster__code"),
                "readable": readable,
                "ended_clusters": Cluster.objects.filter(pk__in=cluster_ids).order_by("code"),
                "left": Membership.objects.filter(pk__in=membership_ids)
                .select_related("organization", "cluster_year__cluster")
                .order_by("cluster_year__cluster__code", "organization__name"),
                "blockers": revert_blockers(record),
                "may_revert": self.may_revert(request.user, record),
                "form": form or RevertForm(),
            },
        )

    def get(self, request, pk):
        return self.page(request, self.record(request, pk))

    def post(self, request, pk):
        record = self.record(request, pk)
        if not self.may_revert(request.user, record):
            raise PermissionDenied
        form = RevertForm(request.POST)
        if form.is_valid():
            try:
                revert_restructuring(
                    record=record, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The restructuring was undone."))
                return redirect(record)
        return self.page(request, record, form)
