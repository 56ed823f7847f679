"""The structure screens of federation staff: organisations with their dated names and
parents, clusters, cluster-years with members and head terms, preparing next year, and
restructuring. Outside what a user reads → 404; reading without the right → 403."""

from __future__ import annotations

import datetime
import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from emulation.forms import style_form
from emulation.tables import SafeExportMixin
from emulation.text import vi_sort_key

from ..filters.clusters import OrganizationFilter
from ..forms import organizations as structure_forms
from ..models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationName,
    ParentPeriod,
    Restructuring,
)
from ..permissions import (
    ClusterYearRuleMixin,
    access_for,
    can_manage_cluster,
    can_manage_cluster_year,
    can_manage_organization,
    cluster_years_for,
    clusters_for,
    managed_clusters,
    managed_organizations,
    may_keep_structure,
    organizations_for,
    placement_choices,
)
from ..services import (
    apply_next_year,
    apply_restructuring,
    move_organization,
    plan_next_year,
    plan_restructuring,
    propose_rotation,
    rename_organization,
    revert_blockers,
    revert_restructuring,
)
from ..tables.clusters import OrganizationTable, RestructuringTable


def _save(obj, reason: str):
    obj._change_reason = reason
    obj.save()
    return obj


ACTIONS = {"+": gettext_lazy("added"), "~": gettext_lazy("changed"), "-": gettext_lazy("removed")}


def _merged_history(*histories, limit=20) -> list:
    """The latest entries of several history tables, newest first, each with `what` changed:
    one query per table."""
    entries = []
    for history, describe in histories:
        for entry in history.order_by("-history_date")[:limit]:
            entry.what = f"{describe(entry)} – {ACTIONS.get(entry.history_type, '')}"
            entries.append(entry)
    entries.sort(key=lambda entry: entry.history_date, reverse=True)
    return entries[:limit]


def choose_organizer_and_year(request, organizers, default_year):
    """The organiser and the year a page is asked for (GET, or the POST of its form): the
    organiser by its code among `organizers` – or the only one –, the year as typed or
    `default_year(organizer)`. An unknown organiser or a year out of range: 404."""
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("organizer")
    organizer = None
    if code:
        organizer = organizers.filter(code=code).first()
        if organizer is None:
            raise Http404
    elif len(organizers) == 1:
        organizer = organizers[0]
    raw = str(source.get("year", ""))
    year = int(raw) if raw.isdigit() else default_year(organizer)
    if not 2000 <= year <= 2100:
        raise Http404
    return organizer, year


class StaffOnlyMixin(LoginRequiredMixin):
    """Pages for those who keep part of the structure: 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_keep_structure(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Organisations ------------------------------------------------------------------------------


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
        return organizations_for(self.request.user).annotate(parent_name=Subquery(latest_parent))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_keep"] = may_keep_structure(self.request.user)
        return context


def _organization_or_404(user, code) -> Organization:
    return get_object_or_404(organizations_for(user), code=code)


def _managed_organization(user, code) -> Organization:
    org = _organization_or_404(user, code)
    if not can_manage_organization(user, org):
        raise PermissionDenied
    return org


class OrganizationDetailView(LoginRequiredMixin, TemplateView):
    """An organisation's history: names, parents, units below, clusters year by year, head
    and deputy terms, successors and predecessors, restructurings and changes."""

    template_name = "structure/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        org = _organization_or_404(user, kwargs["code"])
        today = timezone.localdate()
        readable = cluster_years_for(user)
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
        children = list(
            ParentPeriod.objects.filter(parent=org)
            .select_related("organization")
            .order_by(F("valid_from").asc(nulls_first=True))
        )
        children.sort(key=lambda p: (not p.covers(today), vi_sort_key(p.organization.name)))
        memberships = list(
            Membership.objects.filter(organization=org, cluster_year__in=readable)
            .select_related("cluster_year__cluster__organizer")
            .order_by("-cluster_year__year", "cluster_year__cluster__code")
        )
        organised = list(
            readable.filter(cluster__organizer=org)
            .with_names()
            .with_member_count()
            .select_related("cluster")
            .order_by("-year", "cluster__kind", "cluster__number")
        )
        context.update(
            organization=org,
            names=names,
            parents=parents,
            children=children,
            children_now=sum(1 for p in children if p.covers(today)),
            memberships=memberships,
            organised=organised,
            own_clusters=list(
                _visible_clusters(user).filter(organizer=org).order_by("kind", "number")
            ),
            successors=list(org.successors.all()),
            predecessors=list(org.predecessors.all()),
            restructurings=list(
                _restructurings_for(user)
                .filter(
                    Q(ended=org)
                    | Q(ended__successors=org)
                    | Q(ended__child_periods__organization=org)
                )
                .distinct()
                .order_by("-last_day")
            ),
            history=_merged_history(
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
            can_place=_organizer_choices(user).filter(pk=org.pk).exists(),
            managed_cluster_ids=set(
                managed_clusters(user).filter(organizer=org).values_list("pk", flat=True)
            ),
            today=today,
        )
        return context


class OrganizationCreateView(StaffOnlyMixin, View):
    template = "structure/organization_form.html"

    def form(self, request):
        initial = {}
        code = request.GET.get("parent")
        if code:
            initial["parent"] = _organizer_choices(request.user).filter(code=code).first()
        return structure_forms.OrganizationCreateForm(
            request.POST or None, parents=_organizer_choices(request.user), initial=initial
        )

    def get(self, request):
        return render(request, self.template, {"form": self.form(request), "creating": True})

    def post(self, request):
        form = self.form(request)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "creating": True})
        reason = form.cleaned_data["founding_decision"] or _("New organisation")
        with transaction.atomic():
            org = _save(form.save(commit=False), reason)
            _save(
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
        org = _managed_organization(request.user, code)
        form = structure_forms.OrganizationEditForm(instance=org)
        return render(request, self.template, {"form": form, "organization": org})

    def post(self, request, code):
        org = _managed_organization(request.user, code)
        form = structure_forms.OrganizationEditForm(request.POST, instance=org)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "organization": org})
        with transaction.atomic():
            _save(form.save(commit=False), form.cleaned_data["reason"])
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
        org = _managed_organization(request.user, code)
        return render(request, self.template, self.context(org, self.make_form(request, org)))

    def post(self, request, code):
        org = _managed_organization(request.user, code)
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
    form_class = structure_forms.RenameForm
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
    form_class = structure_forms.MoveForm
    kind = "move"

    @property
    def title(self):
        return _("Change of parent from a date")

    def make_form(self, request, org):
        parents = _organizer_choices(request.user).exclude(pk=org.pk)
        return self.form_class(request.POST or None, parents=parents)

    def apply(self, org, data):
        move_organization(
            organization=org,
            new_parent=data["new_parent"],
            from_day=data["from_day"],
            decision=data["decision"],
        )


# Clusters ---------------------------------------------------------------------------------


def _visible_clusters(user):
    """Clusters the user reads through their years, and those it keeps (a new cluster has no
    year yet)."""
    return Cluster.objects.filter(
        Q(pk__in=clusters_for(user).values("pk")) | Q(pk__in=managed_clusters(user).values("pk"))
    )


def _cluster_or_404(user, code) -> Cluster:
    return get_object_or_404(_visible_clusters(user).select_related("organizer"), code=code)


def _managed_cluster(user, code) -> Cluster:
    cluster = _cluster_or_404(user, code)
    if not can_manage_cluster(user, cluster):
        raise PermissionDenied
    return cluster


def _organizer_choices(user):
    """Organisations that can have units below them or organise clusters: not grassroots."""
    return placement_choices(user).exclude(
        kind__in=[OrganizationKind.GRASSROOTS, OrganizationKind.GUILD]
    )


class ClusterCreateView(StaffOnlyMixin, View):
    template = "structure/cluster_form.html"

    def form(self, request):
        organizers = _organizer_choices(request.user)
        initial = {}
        code = request.GET.get("organizer")
        if code:
            initial["organizer"] = organizers.filter(code=code).first()
        return structure_forms.ClusterForm(
            request.POST or None, organizers=organizers, initial=initial
        )

    def get(self, request):
        return render(request, self.template, {"form": self.form(request)})

    def post(self, request):
        form = self.form(request)
        if not form.is_valid():
            return render(request, self.template, {"form": form})
        cluster = _save(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(
            request, _("%(cluster)s was created. Add its first year.") % {"cluster": cluster.name}
        )
        return redirect("structure:cluster_year_create", code=cluster.code)


class ClusterEditView(LoginRequiredMixin, View):
    template = "structure/cluster_form.html"

    def form(self, request, cluster):
        organizers = _organizer_choices(request.user) | Organization.objects.filter(
            pk=cluster.organizer_id
        )
        return structure_forms.ClusterForm(
            request.POST or None, instance=cluster, organizers=organizers.distinct()
        )

    def get(self, request, code):
        cluster = _managed_cluster(request.user, code)
        return render(
            request, self.template, {"form": self.form(request, cluster), "cluster": cluster}
        )

    def post(self, request, code):
        cluster = _managed_cluster(request.user, code)
        form = self.form(request, cluster)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "cluster": cluster})
        _save(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return redirect("structure:organization_detail", code=cluster.organizer.code)


class ClusterYearCreateView(LoginRequiredMixin, View):
    template = "structure/cluster_year_create.html"

    def get(self, request, code):
        cluster = _managed_cluster(request.user, code)
        latest = cluster.years.order_by("-year").values_list("year", flat=True).first()
        initial = {"year": (latest + 1) if latest else timezone.localdate().year}
        form = structure_forms.ClusterYearCreateForm(initial=initial, cluster=cluster)
        return render(request, self.template, {"form": form, "cluster": cluster})

    def post(self, request, code):
        cluster = _managed_cluster(request.user, code)
        form = structure_forms.ClusterYearCreateForm(request.POST, cluster=cluster)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "cluster": cluster})
        cluster_year = _save(
            ClusterYear(cluster=cluster, year=form.cleaned_data["year"]),
            form.cleaned_data["reason"],
        )
        messages.success(request, _("The year was created: add its members."))
        return redirect("structure:cluster_year_manage", code=cluster.code, year=cluster_year.year)


# One cluster-year ---------------------------------------------------------------------------


def _member_choices(cluster_year):
    """Head and deputy come from the members on the year's last day."""
    members = cluster_year.memberships.on(cluster_year.as_of)
    return Organization.objects.filter(pk__in=members.values("organization_id")).order_by("name")


def _candidate_choices(user, cluster_year):
    """Units staff may add: the ones they keep that stood below the organiser during the
    year and existed then, not yet members."""
    below = ParentPeriod.objects.descendant_ids(
        [cluster_year.cluster.organizer_id], cluster_year.first_day, cluster_year.as_of
    )
    return (
        managed_organizations(user)
        .filter(pk__in=below)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=cluster_year.as_of))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=cluster_year.first_day))
        .exclude(memberships__cluster_year=cluster_year)
        .order_by("name")
    )


class ClusterYearManageView(LoginRequiredMixin, ClusterYearRuleMixin, View):
    """Staff's page for a cluster-year: head and deputy with the persons acting for them
    (the rotation's proposal preselected), the handover, and the members with their dates."""

    rule = can_manage_cluster_year
    template = "structure/cluster_year_manage.html"

    def proposal(self):
        previous = (
            ClusterYear.objects.filter(
                cluster=self.cluster_year.cluster, year=self.cluster_year.year - 1
            )
            .select_related("cluster")
            .first()
        )
        return propose_rotation(cluster_year=previous) if previous else None

    def form(self, request, proposal):
        cluster_year = self.cluster_year
        initial = {}
        if proposal and cluster_year.head_id is None and cluster_year.deputy_id is None:
            initial = {"head": proposal.head, "deputy": proposal.deputy}
        return structure_forms.ClusterYearManageForm(
            request.POST or None,
            instance=cluster_year,
            members=_member_choices(cluster_year),
            initial=initial,
        )

    def render_page(self, request, form, proposal, add_form=None):
        cluster_year = self.cluster_year
        return render(
            request,
            self.template,
            {
                "cluster_year": cluster_year,
                "names": ClusterYear.objects.filter(pk=cluster_year.pk).with_names().get(),
                "form": form,
                "proposal": proposal,
                "members": cluster_year.member_entries(),
                "add_form": add_form
                or structure_forms.MembershipForm(
                    cluster_year=cluster_year,
                    candidates=_candidate_choices(request.user, cluster_year),
                ),
                "history": _merged_history(
                    (
                        cluster_year.history.select_related("history_user"),
                        lambda e: _("Head, deputy, handover"),
                    ),
                    (
                        Membership.history.filter(cluster_year_id=cluster_year.pk).select_related(
                            "history_user", "organization"
                        ),
                        lambda e: _("Member %(name)s") % {"name": e.organization.name},
                    ),
                ),
            },
        )

    def get(self, request, code, year):
        proposal = self.proposal()
        return self.render_page(request, self.form(request, proposal), proposal)

    def post(self, request, code, year):
        proposal = self.proposal()
        form = self.form(request, proposal)
        if not form.is_valid():
            return self.render_page(request, form, proposal)
        _save(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return redirect("structure:cluster_year_manage", code=code, year=self.cluster_year.year)


class MembershipAddView(ClusterYearManageView):
    def get(self, request, code, year):
        return redirect("structure:cluster_year_manage", code=code, year=year)

    def post(self, request, code, year):
        cluster_year = self.cluster_year
        add_form = structure_forms.MembershipForm(
            request.POST,
            cluster_year=cluster_year,
            candidates=_candidate_choices(request.user, cluster_year),
        )
        if not add_form.is_valid():
            proposal = self.proposal()
            form = structure_forms.ClusterYearManageForm(
                instance=cluster_year, members=_member_choices(cluster_year)
            )
            return self.render_page(request, form, proposal, add_form)
        membership = add_form.save(commit=False)
        membership.cluster_year = cluster_year
        _save(membership, add_form.cleaned_data["reason"])
        messages.success(request, _("%(org)s was added.") % {"org": membership.organization.name})
        return redirect("structure:cluster_year_manage", code=code, year=year)


class MembershipEditView(LoginRequiredMixin, ClusterYearRuleMixin, View):
    """Dates and note of one membership; a wrong entry can be removed while the year is
    being set up (after that, a unit leaves on a date)."""

    rule = can_manage_cluster_year
    template = "structure/membership_form.html"

    def membership(self, pk):
        return get_object_or_404(
            self.cluster_year.memberships.select_related("organization"), pk=pk
        )

    def can_remove(self, membership):
        cy = self.cluster_year
        return cy.status == ClusterYearStatus.SETUP and membership.organization_id not in (
            cy.head_id,
            cy.deputy_id,
        )

    def page(self, request, membership, form, remove_error=""):
        return render(
            request,
            self.template,
            {
                "cluster_year": self.cluster_year,
                "membership": membership,
                "form": form,
                "can_remove": self.can_remove(membership),
                "remove_error": remove_error,
            },
        )

    def get(self, request, code, year, pk):
        membership = self.membership(pk)
        form = structure_forms.MembershipForm(instance=membership, cluster_year=self.cluster_year)
        return self.page(request, membership, form)

    def post(self, request, code, year, pk):
        membership = self.membership(pk)
        form = structure_forms.MembershipForm(
            request.POST, instance=membership, cluster_year=self.cluster_year
        )
        back = redirect("structure:cluster_year_manage", code=code, year=year)
        if request.POST.get("action") == "remove":
            reason = request.POST.get("reason", "").strip()
            if not self.can_remove(membership):
                messages.error(
                    request,
                    _(
                        "Only a wrong entry of a year being set up can be removed, and not the "
                        "head or the deputy: record the day the unit left instead."
                    ),
                )
                return back
            if not reason:
                form = structure_forms.MembershipForm(
                    instance=membership, cluster_year=self.cluster_year
                )
                return self.page(
                    request, membership, form, _("Give the reason for removing the unit.")
                )
            membership._change_reason = reason
            membership.delete()
            messages.success(
                request, _("%(org)s was removed.") % {"org": membership.organization.name}
            )
            return back
        if not form.is_valid():
            return self.page(request, membership, form)
        _save(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return back


# Preparing next year ----------------------------------------------------------------------


class PrepareNextYearForm(forms.Form):
    """One row per drafted cluster: include it, its head and its deputy."""

    reason = structure_forms.reason_field()

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for draft in plan.drafts:
            key = draft.cluster.pk
            # Choices from the draft itself: no query per cluster.
            choices = [("", "---------")] + [(str(org.pk), org.name) for org in draft.members]
            self.fields[f"include_{key}"] = forms.BooleanField(
                label=_("Prepare"), required=False, initial=True
            )
            for role, unit in (("head", draft.proposal.head), ("deputy", draft.proposal.deputy)):
                self.fields[f"{role}_{key}"] = forms.ChoiceField(
                    label=_("Cluster head") if role == "head" else _("Deputy head"),
                    choices=choices,
                    required=False,
                    initial=str(unit.pk) if unit else "",
                )
        self.fields["reason"].initial = _("Next year prepared from %(year)s") % {
            "year": plan.year - 1
        }
        style_form(self)

    def rows(self):
        for draft in self.plan.drafts:
            key = draft.cluster.pk
            yield {
                "draft": draft,
                "include": self[f"include_{key}"],
                "head": self[f"head_{key}"],
                "deputy": self[f"deputy_{key}"],
            }

    def choices(self) -> dict[int, tuple]:
        data = self.cleaned_data
        chosen = {}
        for draft in self.plan.drafts:
            key = draft.cluster.pk
            if not data.get(f"include_{key}"):
                continue
            members = {str(org.pk): org for org in draft.members}
            chosen[key] = (
                members.get(data[f"head_{key}"]),
                members.get(data[f"deputy_{key}"]),
            )
        return chosen


def _draft_signature(plan) -> str:
    """What a confirmation must match: each draft's members and proposal as previewed."""
    parts = [
        f"{d.cluster.pk}:{sorted(o.pk for o in d.members)}:"
        f"{d.proposal.head.pk if d.proposal.head else ''}:"
        f"{d.proposal.deputy.pk if d.proposal.deputy else ''}"
        for d in plan.drafts
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


class PrepareNextYearView(StaffOnlyMixin, View):
    template = "structure/prepare_next_year.html"

    def organizers(self, user):
        return Organization.objects.filter(
            pk__in=managed_clusters(user).filter(ended_on__isnull=True).values("organizer_id")
        ).order_by("name")

    def chosen(self, request):
        organizers = self.organizers(request.user)
        organizer, year = choose_organizer_and_year(
            request, organizers, lambda organizer: timezone.localdate().year + 1
        )
        return organizers, organizer, year

    def page(self, request, organizers, organizer, year, form=None):
        return render(
            request,
            self.template,
            {
                "organizers": organizers,
                "organizer": organizer,
                "year": year,
                "plan": form.plan if form else None,
                "form": form,
                "signature": _draft_signature(form.plan) if form else "",
            },
        )

    def get(self, request):
        organizers, organizer, year = self.chosen(request)
        form = None
        if organizer is not None:
            form = PrepareNextYearForm(plan=plan_next_year(organizer=organizer, year=year))
        return self.page(request, organizers, organizer, year, form)

    def post(self, request):
        organizers, organizer, year = self.chosen(request)
        if organizer is None:
            raise Http404
        plan = plan_next_year(organizer=organizer, year=year)
        form = PrepareNextYearForm(request.POST, plan=plan)
        if form.is_valid():
            choices = form.choices()
            if request.POST.get("signature") != _draft_signature(plan):
                # Members or terms changed since the preview: show the new one, write nothing.
                messages.warning(
                    request,
                    _("The preview has changed since you saw it: check it and confirm again."),
                )
                return self.page(
                    request, organizers, organizer, year, PrepareNextYearForm(plan=plan)
                )
            if not choices:
                form.add_error(None, _("Choose at least one cluster to prepare."))
            else:
                try:
                    created = apply_next_year(
                        plan=plan,
                        choices=choices,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("The year %(year)s was prepared for %(count)s clusters.")
                        % {"year": year, "count": len(created)},
                    )
                    return redirect(
                        f"{reverse('clusters:cluster_list')}?organizer={organizer.pk}&year={year}"
                    )
        return self.page(request, organizers, organizer, year, form)


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
        return structure_forms.RestructureForm(
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
        parents = _organizer_choices(request.user).in_bulk(list(overrides.values()))
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
        move_choices = list(
            _organizer_choices(request.user)
            .exclude(pk__in=[o.pk for o in plan.ended])
            .order_by("name")
        )
        successor_choices = list(
            targets.exclude(pk__in=[o.pk for o in plan.ended]).order_by("name")
        )
        successor_ids = {org.pk: {s.pk for s in plan.successors[org.pk]} for org in plan.ended}
        return render(
            request,
            self.template,
            {
                "form": form,
                "plan": plan,
                "signature": signature,
                "ended_rows": [(org, successor_ids[org.pk]) for org in plan.ended],
                "move_choices": move_choices,
                "successor_choices": successor_choices,
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
            _restructurings_for(self.request.user)
            .annotate(ended_count=Count("ended", distinct=True))
            .select_related("created_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_keep"] = may_keep_structure(self.request.user)
        return context


def _restructurings_for(user):
    if access_for(user).is_superuser:
        return Restructuring.objects.all()
    return Restructuring.objects.filter(
        pk__in=Restructuring.objects.filter(ended__in=organizations_for(user)).values("pk")
    )


class RestructuringDetailView(LoginRequiredMixin, View):
    template = "structure/restructuring_detail.html"

    def record(self, request, pk):
        return get_object_or_404(
            _restructurings_for(request.user).select_related("created_by", "reverted_by"), pk=pk
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
                .order_by("cluster__code"),
                "ended_clusters": Cluster.objects.filter(pk__in=cluster_ids).order_by("code"),
                "left": Membership.objects.filter(pk__in=membership_ids)
                .select_related("organization", "cluster_year__cluster")
                .order_by("cluster_year__cluster__code", "organization__name"),
                "blockers": revert_blockers(record),
                "may_revert": self.may_revert(request.user, record),
                "form": form or structure_forms.RevertForm(),
            },
        )

    def get(self, request, pk):
        return self.page(request, self.record(request, pk))

    def post(self, request, pk):
        record = self.record(request, pk)
        if not self.may_revert(request.user, record):
            raise PermissionDenied
        form = structure_forms.RevertForm(request.POST)
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
