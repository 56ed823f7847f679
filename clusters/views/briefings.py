"""Briefings (giao ban) and interim reviews of an organiser's cluster heads: the list, a new
briefing, its page with the heads' attendance, the numbered conclusions and the follow-up of
every cluster, the editors, one cluster's follow-up, and the notice of the conclusions.

The organiser's staff hold the briefing and write its conclusions; each cluster's head
reports its own cluster's follow-up. Outside what a user reads → 404; reading without the
right → 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from emulation.documents.pdf import render_pdf
from emulation.documents.responses import attachment

from ..documents import briefing as notice
from ..forms import briefings as briefing_forms
from ..models import Conclusion, FollowUp, Meeting, Organization, year_end
from ..permissions import (
    briefing_organizers,
    briefings_for,
    can_manage_briefing,
    can_manage_briefings,
    can_update_follow_up,
    follow_up_cluster_ids,
)
from ..services.briefings import (
    ConclusionData,
    attendance_rows,
    briefing_cluster_years,
    briefing_progress,
    conclusions_with_follow_up,
    create_briefing,
    follow_up_matrix,
    follow_up_state,
    save_briefing,
    save_conclusions,
    save_follow_ups,
)
from .base import choose_organizer_and_year


def _scoped(user):
    return (
        briefings_for(user)
        .select_related("organizer", "host")
        .prefetch_related("organizer__former_names")
    )


def get_briefing_or_404(user, pk: int) -> Meeting:
    return get_object_or_404(_scoped(user), pk=pk)


class BriefingMixin(LoginRequiredMixin):
    """Fetch the briefing in the reader's scope (404), then check the organiser's staff
    rights (403) when the page edits it."""

    edits = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = get_briefing_or_404(request.user, kwargs["pk"])
        self.can_manage = can_manage_briefing(request.user, self.meeting)
        if self.edits and not self.can_manage:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_context(self, **extra) -> dict:
        meeting = self.meeting
        return {
            "meeting": meeting,
            "organizer_name": meeting.organizer.name_on(meeting.held_on),
            "can_manage": self.can_manage,
            **extra,
        }


# The list and a new briefing ----------------------------------------------------------------


class BriefingListView(LoginRequiredMixin, ListView):
    template_name = "clusters/briefings/briefing_list.html"
    context_object_name = "briefings"
    paginate_by = 50

    def get_queryset(self):
        qs = _scoped(self.request.user)
        year = self.request.GET.get("year", "")
        if year.isdigit():
            qs = qs.filter(year=int(year))
        organizer = self.request.GET.get("organizer", "")
        if organizer:
            qs = qs.filter(organizer__code=organizer)
        return qs.order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = briefings_for(user)
        page = list(context["briefings"])
        context["rows"] = briefing_progress(page, timezone.localdate())
        context["years"] = sorted(
            set(scope.order_by().values_list("year", flat=True).distinct()), reverse=True
        )
        context["chosen_year"] = self.request.GET.get("year", "")
        chosen = self.request.GET.get("organizer", "")
        context["chosen_organizer"] = chosen
        # The organiser filter is a picker: only the chosen organiser is rendered.
        context["chosen_organizer_item"] = (
            Organization.objects.filter(code=chosen).only("code", "name").first()
            if chosen
            else None
        )
        context["can_create"] = briefing_organizers(user).exists()
        return context


class BriefingCreateView(LoginRequiredMixin, View):
    """Choose the organiser and the year, then hold the briefing: its heads are listed for
    the attendance."""

    template = "clusters/briefings/briefing_create.html"

    def chosen(self, request):
        organizers = briefing_organizers(request.user)
        if not organizers:
            raise PermissionDenied
        organizer, year = choose_organizer_and_year(
            request, organizers, lambda organizer: timezone.localdate().year
        )
        return organizers, organizer, year

    def page(self, request, organizers, organizer, year, form=None):
        problem = None
        cluster_years = []
        if organizer is not None:
            cluster_years = list(briefing_cluster_years(organizer.pk, year))
            if not can_manage_briefings(request.user, organizer.pk, year):
                problem = _("You do not run the clusters of this organiser in %(year)s.") % {
                    "year": year
                }
            elif not cluster_years:
                problem = _(
                    "%(organizer)s has no cluster in %(year)s: there are no cluster heads to brief."
                ) % {"organizer": organizer.name_on(year_end(year)), "year": year}
            elif form is None:
                form = briefing_forms.BriefingForm(
                    organizer=organizer,
                    year=year,
                    creating=True,
                    initial={"place": organizer.name_on(year_end(year))},
                )
        return render(
            request,
            self.template,
            {
                "organizers": organizers,
                "organizer": organizer,
                "year": year,
                "form": None if problem else form,
                "problem": problem,
                "cluster_years": cluster_years,
            },
        )

    def get(self, request):
        return self.page(request, *self.chosen(request))

    def post(self, request):
        organizers, organizer, year = self.chosen(request)
        if organizer is None:
            raise Http404
        if not can_manage_briefings(request.user, organizer.pk, year):
            raise PermissionDenied
        form = briefing_forms.BriefingForm(
            request.POST, organizer=organizer, year=year, creating=True
        )
        if not form.is_valid():
            return self.page(request, organizers, organizer, year, form)
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in briefing_forms.BriefingForm.Meta.fields
        }
        meeting = create_briefing(
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            organizer=organizer,
            year=year,
            **fields,
        )
        messages.success(
            request,
            _("The meeting was recorded: tick who attended, then write its conclusions."),
        )
        return redirect(meeting)


# One briefing ------------------------------------------------------------------------------


def briefing_history(meeting: Meeting, limit: int = 20) -> list:
    """The latest changes of the briefing's conclusions and follow-up, newest first."""
    numbers = dict(Conclusion.history.filter(meeting_id=meeting.pk).values_list("id", "number"))
    entries = []
    for entry in (
        Conclusion.history.filter(meeting_id=meeting.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        entry.what = _("Conclusion %(number)s") % {"number": entry.number}
        entries.append(entry)
    for entry in (
        FollowUp.history.filter(conclusion_id__in=list(numbers))
        .select_related("history_user", "cluster")
        .order_by("-history_date")[:limit]
    ):
        entry.what = _("%(cluster)s on conclusion %(number)s: %(status)s") % {
            "cluster": entry.cluster.name,
            "number": numbers.get(entry.conclusion_id, "?"),
            "status": entry.get_status_display(),
        }
        entries.append(entry)
    entries.sort(key=lambda entry: entry.history_date, reverse=True)
    return entries[:limit]


class BriefingDetailView(BriefingMixin, TemplateView):
    edits = False
    template_name = "clusters/briefings/briefing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        today = timezone.localdate()
        cluster_years = list(briefing_cluster_years(meeting.organizer_id, meeting.year))
        conclusions = list(meeting.conclusions.order_by("number"))
        matrix = follow_up_matrix(
            meeting, today, conclusions=conclusions, cluster_years=cluster_years
        )
        editable = follow_up_cluster_ids(self.request.user, meeting, cluster_years)
        attendance = attendance_rows(meeting)
        context.update(
            self.base_context(
                attendance=attendance,
                present_count=sum(
                    1 for row in attendance if row.attendance and row.attendance.present
                ),
                matrix=matrix,
                columns=list(zip(conclusions, matrix.column_counts, strict=True)),
                editable=editable,
                history=briefing_history(meeting),
                today=today,
            )
        )
        return context


class BriefingEditView(BriefingMixin, View):
    template = "clusters/briefings/briefing_form.html"

    def forms(self, data=None):
        meeting = self.meeting
        form = briefing_forms.BriefingForm(
            data, instance=meeting, organizer=meeting.organizer, year=meeting.year
        )
        rows = []
        for row in attendance_rows(meeting):
            record = row.attendance
            initial = {
                "present": record.present if record else False,
                "representative": record.representative if record else row.head_person,
                "representative_title": (
                    record.representative_title if record else row.head_person_title
                ),
            }
            rows.append(
                (
                    row,
                    briefing_forms.AttendanceForm(
                        data, prefix=f"unit-{row.organization_id}", initial=initial
                    ),
                )
            )
        return form, rows

    def page(self, request, form, rows):
        return render(request, self.template, self.base_context(form=form, rows=rows))

    def get(self, request, pk):
        return self.page(request, *self.forms())

    def post(self, request, pk):
        form, rows = self.forms(request.POST)
        valid = form.is_valid()
        valid = all([attendance.is_valid() for _row, attendance in rows]) and valid
        if not valid:
            messages.error(request, _("Nothing was saved: correct what is marked below."))
            return self.page(request, form, rows)
        save_briefing(
            meeting=form.save(commit=False),
            by=request.user,
            reason=form.cleaned_data["reason"],
            attendance={row.organization_id: attendance.cleaned_data for row, attendance in rows},
        )
        messages.success(request, _("The changes were saved."))
        return redirect(self.meeting)


class BriefingConclusionsView(BriefingMixin, View):
    """The numbered conclusions: text, who carries them out, and by when."""

    template = "clusters/briefings/briefing_conclusions.html"

    def formset(self, data=None):
        return briefing_forms.ConclusionFormSet(
            data,
            prefix="conclusions",
            meeting=self.meeting,
            reported=conclusions_with_follow_up(self.meeting),
        )

    def page(self, request, formset):
        return render(request, self.template, self.base_context(formset=formset))

    def get(self, request, pk):
        return self.page(request, self.formset())

    def post(self, request, pk):
        formset = self.formset(request.POST)
        if not formset.is_valid():
            messages.error(request, _("Nothing was saved: correct what is marked below."))
            return self.page(request, formset)
        saved = save_conclusions(
            meeting=self.meeting,
            by=request.user,
            rows=[
                ConclusionData(text=text, owner=owner, due_on=due_on, pk=pk)
                for pk, text, owner, due_on in formset.rows()
            ],
            removed=formset.removed(),
        )
        messages.success(
            request,
            _("The conclusions were saved, numbered from 1 to %(count)s.") % {"count": len(saved)}
            if saved
            else _("The conclusions were saved."),
        )
        if request.POST.get("then") == "stay":
            return redirect("clusters:briefing_conclusions", pk=self.meeting.pk)
        return redirect(self.meeting)


class FollowUpEditView(BriefingMixin, View):
    """One cluster's status and note on each conclusion: its head, or the organiser's
    staff."""

    edits = False
    template = "clusters/briefings/followup_form.html"

    def setup_cluster(self, request, code):
        meeting = self.meeting
        self.cluster_year = get_object_or_404(
            briefing_cluster_years(meeting.organizer_id, meeting.year), cluster__code=code
        )
        if not can_update_follow_up(request.user, meeting, self.cluster_year):
            raise PermissionDenied
        self.today = timezone.localdate()
        self.conclusions = list(meeting.conclusions.order_by("number"))
        self.existing = {
            f.conclusion_id: f
            for f in FollowUp.objects.filter(
                cluster=self.cluster_year.cluster, conclusion__in=self.conclusions
            ).select_related("updated_by")
        }

    def forms(self, data=None):
        rows = []
        for conclusion in self.conclusions:
            follow_up = self.existing.get(conclusion.pk)
            initial = {
                "status": follow_up.status if follow_up else "not_started",
                "note": follow_up.note if follow_up else "",
            }
            form = briefing_forms.FollowUpForm(
                data,
                prefix=f"c{conclusion.pk}",
                initial=initial,
                conclusion=conclusion,
                today=self.today,
            )
            state = follow_up_state(initial["status"], conclusion.due_on, self.today)
            rows.append(
                {"conclusion": conclusion, "form": form, "follow_up": follow_up, "state": state}
            )
        return rows

    def page(self, request, rows):
        cluster = self.cluster_year.cluster
        history = (
            FollowUp.history.filter(
                cluster_id=cluster.pk, conclusion_id__in=[c.pk for c in self.conclusions]
            )
            .select_related("history_user")
            .order_by("-history_date")[:20]
        )
        numbers = {c.pk: c.number for c in self.conclusions}
        for entry in history:
            entry.what = _("Conclusion %(number)s: %(status)s") % {
                "number": numbers.get(entry.conclusion_id, "?"),
                "status": entry.get_status_display(),
            }
        return render(
            request,
            self.template,
            self.base_context(
                cluster_year=self.cluster_year,
                cluster=cluster,
                rows=rows,
                history=history,
            ),
        )

    def get(self, request, pk, code):
        self.setup_cluster(request, code)
        return self.page(request, self.forms())

    def post(self, request, pk, code):
        self.setup_cluster(request, code)
        rows = self.forms(request.POST)
        if not all([row["form"].is_valid() for row in rows]):
            messages.error(request, _("Nothing was saved: correct what is marked below."))
            return self.page(request, rows)
        written = save_follow_ups(
            cluster=self.cluster_year.cluster,
            by=request.user,
            conclusions=self.conclusions,
            changes={row["conclusion"].pk: row["form"].cleaned_data for row in rows},
        )
        if written:
            messages.success(
                request,
                _("The follow-up of %(cluster)s was saved.")
                % {"cluster": self.cluster_year.cluster.name},
            )
        else:
            messages.info(request, _("Nothing had changed."))
        return redirect(reverse("clusters:briefing_detail", args=[self.meeting.pk]) + "#follow-up")


# The notice of the conclusions ---------------------------------------------------------------


@login_required
def briefing_pdf(request, pk):
    meeting = get_briefing_or_404(request.user, pk)
    with translation.override("vi"):
        document = notice.build_notice(meeting)
        content = render_pdf(notice.TEMPLATE, {"document": document})
    return attachment(content, document.filename, "pdf")


@login_required
def briefing_preview(request, pk):
    meeting = get_briefing_or_404(request.user, pk)
    with translation.override("vi"):
        document = notice.build_notice(meeting)
        return render(
            request, notice.TEMPLATE, {"document": document, "for_pdf": False, "meeting": meeting}
        )
