"""The year-end review meeting of a cluster-year: its preparation (facts, attendance, quorum)
and the meeting mode – large type for a projector – that leads the room step by step. The
vote and nomination steps are awards views reached by URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..documents.summary_text import report_sections, year_names
from ..forms.meetings import (
    DEFAULT_AGENDA,
    CloseForm,
    ConclusionFormSet,
    ElectionForm,
    MeetingForm,
    SummaryForm,
)
from ..models import EmulationProgram, Meeting, MeetingKind, Organization
from ..permissions import can_act_as_head, cluster_year_rule, role_labels
from ..services.meetings import (
    adopt_summary,
    close_meeting,
    closing_gaps,
    create_review,
    elect,
    election_candidates,
    lock_running,
    quorum,
    save_attendance,
    save_conclusions,
)
from ..services.results import cluster_standings
from ..services.structure import propose_rotation

# The steps of the meeting mode: key, label, and the URL name (awards views for the vote).
STEPS = [
    ("attendance", gettext_lazy("Attendance"), "clusters:meeting_step"),
    ("summary", gettext_lazy("Summary"), "clusters:meeting_step"),
    ("ranking", gettext_lazy("Ranking"), "clusters:meeting_step"),
    ("vote", gettext_lazy("Vote"), "awards:meeting_vote"),
    ("nominations", gettext_lazy("Nominations"), "awards:meeting_nominations"),
    ("election", gettext_lazy("Election"), "clusters:meeting_step"),
    ("conclusions", gettext_lazy("Conclusions"), "clusters:meeting_step"),
    ("close", gettext_lazy("Close"), "clusters:meeting_step"),
]
CLUSTER_STEPS = {key for key, _label, name in STEPS if name == "clusters:meeting_step"}


def step_url(meeting: Meeting, key: str) -> str:
    cluster_year = meeting.cluster_year
    args = [cluster_year.cluster.code, cluster_year.year, meeting.pk]
    name = next(name for k, _label, name in STEPS if k == key)
    if name == "clusters:meeting_step":
        args.append(key)
    return reverse(name, args=args)


def step_context(meeting: Meeting, current: str) -> dict:
    """The step bar, previous and next links, shared with the awards steps."""
    keys = [key for key, _label, _name in STEPS]
    index = keys.index(current)
    return {
        "meeting": meeting,
        "cluster_year": meeting.cluster_year,
        "cluster": meeting.cluster_year.cluster,
        "steps": [
            {"key": key, "label": label, "url": step_url(meeting, key), "number": i + 1}
            for i, (key, label, _name) in enumerate(STEPS)
        ],
        "current_step": current,
        "step_number": index + 1,
        "previous_url": step_url(meeting, keys[index - 1]) if index else None,
        "next_url": step_url(meeting, keys[index + 1]) if index + 1 < len(keys) else None,
        "quorum": quorum(meeting),
    }


def get_review(cluster_year, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("host", "elected_head", "elected_deputy"),
        cluster_year=cluster_year,
        kind=MeetingKind.REVIEW,
        pk=pk,
    )


def _members(cluster_year):
    return Organization.objects.filter(
        memberships__cluster_year=cluster_year,
    ).distinct()


def _error(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


# Preparation --------------------------------------------------------------------------------


@login_required
@cluster_year_rule(None)
def meeting_list(request, cluster_year):
    meetings = list(cluster_year.meetings.select_related("host").order_by("held_on"))
    return render(
        request,
        "clusters/meetings/list.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "meetings": meetings,
            "has_review": any(m.kind == MeetingKind.REVIEW for m in meetings),
            "can_head": can_act_as_head(request.user, cluster_year),
            "roles": role_labels(request.user, cluster_year, set()),
        },
    )


@login_required
@cluster_year_rule(can_act_as_head)
def meeting_create(request, cluster_year):
    existing = cluster_year.meetings.filter(kind=MeetingKind.REVIEW).first()
    if existing is not None:
        messages.info(request, _("The year-end review of this year is already prepared."))
        return redirect(existing.get_absolute_url())
    members = _members(cluster_year)
    initial = {
        "host": cluster_year.head_id,
        "chair": cluster_year.head_person,
        "chair_title": cluster_year.head_person_title,
        "agenda": DEFAULT_AGENDA,
    }
    form = MeetingForm(
        request.POST or None, members=members, initial=initial, year=cluster_year.year
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = create_review(cluster_year, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The review meeting is prepared: mark who attends."))
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "clusters/meetings/form.html",
        {"cluster_year": cluster_year, "cluster": cluster_year.cluster, "form": form},
    )


@login_required
@cluster_year_rule(None)
def meeting_detail(request, cluster_year, pk):
    meeting = get_review(cluster_year, pk)
    attendances = list(meeting.attendances.select_related("organization"))
    return render(
        request,
        "clusters/meetings/detail.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "meeting": meeting,
            "attendances": attendances,
            "quorum": quorum(meeting, attendances),
            "conclusions": list(meeting.conclusions.all()),
            "can_head": can_act_as_head(request.user, cluster_year) and not meeting.is_closed,
            "mode_url": step_url(meeting, "attendance"),
            "history": meeting.history.select_related("history_user").order_by("-history_date")[
                :15
            ],
        },
    )


@login_required
@cluster_year_rule(can_act_as_head)
def meeting_edit(request, cluster_year, pk):
    meeting = get_review(cluster_year, pk)
    if meeting.is_closed:
        messages.error(request, _("The meeting is closed: nothing can be changed any more."))
        return redirect(meeting.get_absolute_url())
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        members=_members(cluster_year),
        year=cluster_year.year,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fresh = lock_running(meeting)
                for name in form.Meta.fields:
                    setattr(fresh, name, form.cleaned_data[name])
                fresh._history_user = request.user
                fresh._change_reason = _("Meeting details changed")
                fresh.save(update_fields=form.Meta.fields)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The changes were saved."))
        return redirect(meeting.get_absolute_url())
    return render(
        request,
        "clusters/meetings/form.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "form": form,
            "meeting": meeting,
        },
    )


# Meeting mode --------------------------------------------------------------------------------


@login_required
@cluster_year_rule(can_act_as_head)
def meeting_step(request, cluster_year, pk, step):
    if step not in CLUSTER_STEPS:
        raise Http404
    meeting = get_review(cluster_year, pk)
    if request.method == "POST" and meeting.is_closed:
        messages.error(request, _("The meeting is closed: nothing can be changed any more."))
        return redirect(step_url(meeting, step))
    handler = {
        "attendance": _attendance_step,
        "summary": _summary_step,
        "ranking": _ranking_step,
        "election": _election_step,
        "conclusions": _conclusions_step,
        "close": _close_step,
    }[step]
    return handler(request, meeting)


def _render_step(request, meeting, step, template, **extra):
    context = step_context(meeting, step) | extra
    return render(request, f"clusters/meetings/mode_{template}.html", context)


def _attendance_step(request, meeting):
    attendances = list(meeting.attendances.select_related("organization"))
    if request.method == "POST":
        rows = {}
        for attendance in attendances:
            prefix = f"a{attendance.organization_id}"
            rows[attendance.organization_id] = {
                "present": request.POST.get(f"{prefix}-present") == "on",
                "representative": request.POST.get(f"{prefix}-representative", "").strip()[:120],
                "representative_title": request.POST.get(f"{prefix}-title", "").strip()[:200],
            }
        try:
            q = save_attendance(meeting, rows, by=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            if q.reached:
                messages.success(
                    request,
                    _("%(present)s of %(members)s member units present: the quorum is reached.")
                    % {"present": q.present, "members": q.members},
                )
                return redirect(step_url(meeting, "summary"))
            messages.warning(
                request,
                _("%(present)s of %(members)s present: %(required)s are needed to vote.")
                % {"present": q.present, "members": q.members, "required": q.required},
            )
        return redirect(step_url(meeting, "attendance"))
    return _render_step(request, meeting, "attendance", "attendance", attendances=attendances)


def _report_sections(meeting, texts: dict):
    """Parts I–III of the summary report as they will print with `texts`, and the typed
    sentences that repeat one the report writes itself."""
    cluster_year = meeting.cluster_year
    program = EmulationProgram.for_cluster_year(cluster_year)
    return report_sections(
        cluster_year,
        meeting,
        names=year_names(cluster_year, {cluster_year.head_id, cluster_year.deputy_id}),
        theme=program.theme if program is not None else "",
        **texts,
    )


def _summary_step(request, meeting):
    texts = {
        "achievements": meeting.achievements,
        "limitations": meeting.limitations,
        "directions": meeting.directions,
    }
    form = SummaryForm(request.POST or None, initial=texts)
    if request.method == "POST" and form.is_valid():
        try:
            adopt_summary(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The meeting adopted the summary."))
            repeated = _report_sections(meeting, form.cleaned_data).repeated
            if repeated:
                messages.warning(request, _repeated_warning(repeated))
            return redirect(step_url(meeting, "ranking"))
    if form.is_bound and form.is_valid():
        texts = {key: form.cleaned_data[key] for key in texts}
    sections = _report_sections(meeting, texts)
    return _render_step(request, meeting, "summary", "summary", form=form, sections=sections)


def _repeated_warning(repeated: list[str]) -> str:
    return _(
        "The adopted text repeats what the report writes itself: %(sentences)s. Section I "
        "leaves out a sentence the adopted text repeats in full; remove the others from the "
        "typed text."
    ) % {"sentences": " | ".join(f"“{sentence}”" for sentence in repeated)}


def _ranking_step(request, meeting):
    standings = cluster_standings(meeting.cluster_year)
    return _render_step(request, meeting, "ranking", "ranking", standings=standings)


def _election_step(request, meeting):
    cluster_year = meeting.cluster_year
    candidate_ids = [org.pk for org in election_candidates(cluster_year)]
    candidates = Organization.objects.filter(pk__in=candidate_ids).order_by("name")
    if meeting.elected_head_id:
        head_id, deputy_id = meeting.elected_head_id, meeting.elected_deputy_id
    else:
        # Nothing elected yet: the rotation's proposal, preselected for the room.
        proposal = propose_rotation(cluster_year=cluster_year)
        head_id = proposal.head.pk if proposal.head else None
        deputy_id = proposal.deputy.pk if proposal.deputy else None
    form = ElectionForm(
        request.POST or None,
        candidates=candidates,
        initial={
            "head": head_id,
            "deputy": deputy_id,
            "handover_on": meeting.handover_on or meeting.held_on,
            "handover_note": meeting.handover_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            next_year = elect(
                meeting,
                head=data["head"],
                deputy=data["deputy"],
                handover_on=data["handover_on"],
                handover_note=data["handover_note"],
                by=request.user,
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("%(head)s will head the cluster in %(year)s.")
                % {"head": data["head"].name, "year": next_year.year},
            )
            return redirect(step_url(meeting, "conclusions"))
    return _render_step(request, meeting, "election", "election", form=form)


def _conclusions_step(request, meeting):
    initial = [
        {"text": c.text, "owner": c.owner, "due_on": c.due_on} for c in meeting.conclusions.all()
    ]
    formset = ConclusionFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        items = [form.cleaned_data for form in formset.forms if form.cleaned_data]
        try:
            save_conclusions(meeting, items, by=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The conclusions were saved."))
            # "Save and add rows" stays on the step, with empty rows offered again.
            return redirect(step_url(meeting, "conclusions" if "more" in request.POST else "close"))
    return _render_step(request, meeting, "conclusions", "conclusions", formset=formset)


def _close_step(request, meeting):
    form = CloseForm(request.POST or None, initial={"ends_at": meeting.ends_at})
    if request.method == "POST" and form.is_valid():
        try:
            close_meeting(meeting, by=request.user, ends_at=form.cleaned_data["ends_at"])
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request, _("The meeting is closed and the results are locked: print the minutes.")
            )
            return redirect(meeting.get_absolute_url())
    return _render_step(request, meeting, "close", "close", form=form, gaps=closing_gaps(meeting))
