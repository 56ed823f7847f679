"""The screens that set clusters up: a new cluster, its edit page and first year, and a
cluster-year's management page (head and deputy, acting persons, handover, members added and
leaving)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from simple_history.utils import bulk_create_with_history

from ..filters.organizations import CandidateFilter
from ..forms.cluster_setup import (
    ClusterForm,
    ClusterYearCreateForm,
    ClusterYearManageForm,
    MembershipBatchForm,
    MembershipForm,
)
from ..models import (
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationLink,
    ParentPeriod,
)
from ..permissions import (
    ClusterYearRuleMixin,
    StaffOnlyMixin,
    can_manage_cluster_year,
    managed_organizations,
    next_year_organizers,
    organizer_choices,
)
from ..services import (
    propose_rotation,
)
from .base import managed_cluster, merged_history, save_with_reason


class ClusterCreateView(StaffOnlyMixin, View):
    template = "structure/cluster_form.html"

    def form(self, request):
        organizers = organizer_choices(request.user)
        initial = {}
        code = request.GET.get("organizer")
        if code:
            initial["organizer"] = organizers.filter(code=code).first()
        return ClusterForm(request.POST or None, organizers=organizers, initial=initial)

    def get(self, request):
        return render(request, self.template, {"form": self.form(request)})

    def post(self, request):
        form = self.form(request)
        if not form.is_valid():
            return render(request, self.template, {"form": form})
        cluster = save_with_reason(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(
            request, _("%(cluster)s was created. Add its first year.") % {"cluster": cluster.name}
        )
        return redirect("structure:cluster_year_create", code=cluster.code)


class ClusterEditView(LoginRequiredMixin, View):
    template = "structure/cluster_form.html"

    def form(self, request, cluster):
        organizers = organizer_choices(request.user) | Organization.objects.filter(
            pk=cluster.organizer_id
        )
        return ClusterForm(request.POST or None, instance=cluster, organizers=organizers.distinct())

    def get(self, request, code):
        cluster = managed_cluster(request.user, code)
        return render(
            request, self.template, {"form": self.form(request, cluster), "cluster": cluster}
        )

    def post(self, request, code):
        cluster = managed_cluster(request.user, code)
        form = self.form(request, cluster)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "cluster": cluster})
        save_with_reason(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return redirect("structure:organization_detail", code=cluster.organizer.code)


class ClusterYearCreateView(LoginRequiredMixin, View):
    template = "structure/cluster_year_create.html"

    def get(self, request, code):
        cluster = managed_cluster(request.user, code)
        latest = cluster.years.order_by("-year").values_list("year", flat=True).first()
        initial = {"year": (latest + 1) if latest else timezone.localdate().year}
        form = ClusterYearCreateForm(initial=initial, cluster=cluster)
        return render(request, self.template, self.context(request, cluster, form))

    def context(self, request, cluster, form) -> dict:
        prepares = next_year_organizers(request.user).filter(pk=cluster.organizer_id).exists()
        return {"form": form, "cluster": cluster, "can_prepare": prepares}

    def post(self, request, code):
        cluster = managed_cluster(request.user, code)
        form = ClusterYearCreateForm(request.POST, cluster=cluster)
        if not form.is_valid():
            return render(request, self.template, self.context(request, cluster, form))
        cluster_year = save_with_reason(
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
    below = OrganizationLink.objects.below(
        [cluster_year.cluster.organizer_id],
        cluster_year.first_day,
        cluster_year.as_of,
        self_included=False,
    )
    return (
        managed_organizations(user)
        .filter(pk__in=below)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=cluster_year.as_of))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=cluster_year.first_day))
        .exclude(memberships__cluster_year=cluster_year)
        .order_by("name")
    )


def _candidate_parents(user, cluster_year):
    """The units the candidates stood directly under during the year (the batch's filter)."""
    return Organization.objects.filter(
        pk__in=ParentPeriod.objects.filter(organization__in=_candidate_choices(user, cluster_year))
        .overlapping(cluster_year.first_day, cluster_year.as_of)
        .values("parent_id")
    ).order_by("name")


def _blank_membership_form(cluster_year):
    """The empty form to add a member. Nothing is chosen, so its picker renders no unit and
    its field needs no candidates: those (the units the user keeps below the organiser, not
    yet members – the scope built as a query, 4–7 ms of Django at national size) check what
    is posted (`MembershipAddView`), and the picker searches them through its own view."""
    return MembershipForm(cluster_year=cluster_year, candidates=Organization.objects.none())


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
        return ClusterYearManageForm(
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
                "add_form": add_form or _blank_membership_form(cluster_year),
                "history": merged_history(
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
        save_with_reason(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return redirect("structure:cluster_year_manage", code=code, year=self.cluster_year.year)


class MembershipAddView(ClusterYearManageView):
    def get(self, request, code, year):
        return redirect("structure:cluster_year_manage", code=code, year=year)

    def post(self, request, code, year):
        cluster_year = self.cluster_year
        add_form = MembershipForm(
            request.POST,
            cluster_year=cluster_year,
            candidates=_candidate_choices(request.user, cluster_year),
        )
        if not add_form.is_valid():
            proposal = self.proposal()
            form = ClusterYearManageForm(
                instance=cluster_year, members=_member_choices(cluster_year)
            )
            return self.render_page(request, form, proposal, add_form)
        membership = add_form.save(commit=False)
        membership.cluster_year = cluster_year
        save_with_reason(membership, add_form.cleaned_data["reason"])
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
        form = MembershipForm(instance=membership, cluster_year=self.cluster_year)
        return self.page(request, membership, form)

    def post(self, request, code, year, pk):
        membership = self.membership(pk)
        form = MembershipForm(request.POST, instance=membership, cluster_year=self.cluster_year)
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
                form = MembershipForm(instance=membership, cluster_year=self.cluster_year)
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
        save_with_reason(form.save(commit=False), form.cleaned_data["reason"])
        messages.success(request, _("The changes were saved."))
        return back


class MembershipBatchView(LoginRequiredMixin, ClusterYearRuleMixin, View):
    """Many members in one step: the units below the organiser that the staff keep and that
    are not members yet, filtered and paginated; tick some, or every one that matches."""

    rule = can_manage_cluster_year
    template = "structure/membership_batch.html"
    per_page = 50

    def candidates(self, request):
        cluster_year = self.cluster_year
        return CandidateFilter(
            request.GET or None,
            queryset=_candidate_choices(request.user, cluster_year),
            cluster_year=cluster_year,
            parents=_candidate_parents(request.user, cluster_year),
        )

    def page(self, request, filterset, form, status=200):
        units = filterset.qs.order_by("name")
        page = Paginator(units, self.per_page).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template,
            {
                "cluster_year": self.cluster_year,
                "names": ClusterYear.objects.filter(pk=self.cluster_year.pk).with_names().get(),
                "filter": filterset,
                "page": page,
                "form": form,
                "query": query.urlencode(),
            },
            status=status,
        )

    def get(self, request, code, year):
        filterset = self.candidates(request)
        form = MembershipBatchForm(cluster_year=self.cluster_year)
        return self.page(request, filterset, form)

    def post(self, request, code, year):
        cluster_year = self.cluster_year
        filterset = self.candidates(request)
        form = MembershipBatchForm(request.POST, cluster_year=cluster_year)
        if not form.is_valid():
            return self.page(request, filterset, form)
        if form.cleaned_data["everything"]:
            chosen = filterset.qs
        else:
            ids = [int(v) for v in request.POST.getlist("unit") if v.isdigit()]
            chosen = filterset.qs.filter(pk__in=ids)
        units = list(chosen.order_by("name"))
        if not units:
            form.add_error(None, _("Tick the units to add, or every unit that matches."))
            return self.page(request, filterset, form)
        joined_on = form.cleaned_data["joined_on"]
        late = [
            u.name
            for u in units
            if joined_on is None and not u.is_active_on(cluster_year.first_day)
        ]
        if late:
            form.add_error(
                "joined_on",
                _("Some units begin during the year (%(units)s): give their joining date.")
                % {"units": ", ".join(late[:5])},
            )
            return self.page(request, filterset, form)
        reason = form.cleaned_data["reason"]
        with transaction.atomic():
            bulk_create_with_history(
                [
                    Membership(cluster_year=cluster_year, organization=unit, joined_on=joined_on)
                    for unit in units
                ],
                Membership,
                default_user=request.user,
                default_change_reason=reason,
            )
        messages.success(
            request,
            ngettext("%(count)s unit was added.", "%(count)s units were added.", len(units))
            % {"count": len(units)},
        )
        return redirect("structure:cluster_year_manage", code=code, year=cluster_year.year)
