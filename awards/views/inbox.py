"""The organiser's staff at work on the proposals: the inbox of every nomination the clusters
sent (filter, export, act on several at once) and the dossier of one nomination with
everything needed to decide – scores, indicators, the vote, the rule checks, past awards and
the history of the nomination."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from clusters.models import (
    LEVEL_ABBREVIATIONS,
    AnnualResult,
    ClusterYear,
    CriterionKind,
    Level,
)
from clusters.permissions import can_manage_cluster_year, readable_row
from clusters.services.results import stored_rank
from clusters.services.scoring import compute_totals, load_table
from emulation.pagination import CountedWithPage
from emulation.tables import SafeExportMixin

from ..filters.inbox import NOT_SENT, PENDING, InboxFilter
from ..forms.inbox import ACTION_FORMS, BulkActionForm, DowngradeForm
from ..models import PENDING_STATUSES, Nomination, Proposal, Vote, VoteMode
from ..permissions import (
    conferring_organizers,
    decidable_nominations,
    keeps_clusters,
    readable_awards,
    readable_nominations,
)
from ..services import approval
from ..services.votes import award_types_for
from ..tables.inbox import InboxTable, days_waiting, vote_figures


def _require_staff(user) -> None:
    """The inbox is the organiser's staff's: users who keep at least one cluster. (Every
    officer with write rights keeps its own subtree, so `may_keep_structure` alone would let
    a head's officers in.)"""
    if not keeps_clusters(user):
        raise PermissionDenied


def _result_annotations() -> dict:
    """The nominee's result of the cluster-year, as columns of the row (one query for the
    whole table)."""
    # Without the model's ordering: it joined four tables into each subquery.
    result = AnnualResult.objects.filter(
        cluster_year_id=OuterRef("cluster_year_id"), organization_id=OuterRef("organization_id")
    ).order_by()
    return {
        "result_level": Subquery(
            result.annotate(
                final=Coalesce(NullIf(F("level"), Value("")), F("suggested_level"))
            ).values("final")[:1]
        ),
        "result_self_total": Subquery(result.values("self_total")[:1]),
        "result_verified_total": Subquery(result.values("verified_total")[:1]),
    }


def inbox_rows(user):
    """What the clusters sent to the user's organisations, waiting ones first and the
    longest waiting first among them."""
    return (
        decidable_nominations(user)
        .exclude(status__in=NOT_SENT)
        .select_related(
            "cluster_year__cluster",
            "organization",
            "award_type",
            "granted_type",
            "vote",
        )
        .annotate(
            waiting_since=Coalesce("status_changed_at", "created_at"),
            pending_first=Case(
                When(status__in=PENDING_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            **_result_annotations(),
        )
        .order_by("pending_first", "waiting_since", "cluster_year__cluster__name", "pk")
    )


class InboxView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """The proposals the clusters sent, for the organiser's staff."""

    template_name = "awards/inbox/inbox.html"
    table_class = InboxTable
    filterset_class = InboxFilter
    # The table paginates; FilterView's own pagination would count the rows a second time.
    # The rows are counted with the page: the scope (the organisers kept) is a union that
    # PostgreSQL built whole to sort the page and again to count it.
    table_pagination = {"per_page": 50, "paginator_class": CountedWithPage}
    export_name = "de-nghi-khen-thuong"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return inbox_rows(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Staff open the inbox to decide: without a chosen status it shows what waits.
        data = kwargs["data"].copy() if kwargs["data"] is not None else None
        if data is None or "status" not in data:
            data = data if data is not None else QueryDict(mutable=True)
            data["status"] = PENDING
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_form"] = BulkActionForm(
            nominations=Nomination.objects.none(),
            initial={"next": self.request.get_full_path()},
        )
        # Decisions are recorded by the staff of an organisation that confers awards.
        context["can_decide"] = conferring_organizers(self.request.user).exists()
        return context


inbox = InboxView.as_view()


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


BULK_DONE = {
    "approve": lambda n: ngettext(
        "%(count)s nomination approved.", "%(count)s nominations approved.", n
    ),
    "return": lambda n: ngettext(
        "%(count)s nomination returned for supplement.",
        "%(count)s nominations returned for supplement.",
        n,
    ),
    "reject": lambda n: ngettext(
        "%(count)s nomination rejected.", "%(count)s nominations rejected.", n
    ),
}


@login_required
@require_POST
def inbox_bulk(request):
    """One action with one reason on the ticked rows: all of them or none."""
    _require_staff(request.user)
    form = BulkActionForm(request.POST, nominations=decidable_nominations(request.user))
    back = _back(request, reverse("awards:inbox"))
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("Nothing was done: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    data = form.cleaned_data
    nominations = data["select"].select_related(
        "cluster_year__cluster", "organization", "award_type"
    )
    try:
        done = approval.act_on_many(
            data["action"], nominations, by=request.user, reason=data["reason"]
        )
    except ValidationError as error:
        messages.error(
            request,
            _("Nothing was done: %(errors)s") % {"errors": " ".join(error.messages)},
        )
    except PermissionDenied as error:
        messages.error(
            request,
            _("Nothing was done: %(errors)s")
            % {"errors": str(error) or _("you do not decide on every selected nomination.")},
        )
    else:
        messages.success(request, BULK_DONE[data["action"]](len(done)) % {"count": len(done)})
    return redirect(back)


# The dossier --------------------------------------------------------------------------------


def _staff_nomination(request, pk: int) -> Nomination:
    """The nomination in the user's scope (404), on which it decides (403)."""
    nomination = get_object_or_404(
        Nomination.objects.select_related(
            "cluster_year__cluster",
            "organization",
            "award_type",
            "granted_type",
            "vote",
        ),
        pk=pk,
    )
    if can_manage_cluster_year(request.user, nomination.cluster_year):
        # Who keeps its cluster reads it (the staff's roots are among the roots it reads).
        return nomination
    # Outside the user's scope: 404, else 403. Whether it reads it is asked of its
    # cluster-year alone (`readable_row`), as `readable_nominations` would answer (that built
    # the reader's whole union of cluster-years: 9 ms for a province) – and apart: with the
    # nomination's joins, PostgreSQL took 10 ms more to plan the one query.
    condition = readable_row(request.user)
    if (
        condition is not None
        and not ClusterYear.objects.filter(condition, pk=nomination.cluster_year_id).exists()
    ):
        raise Http404
    raise PermissionDenied


@dataclass
class NomineeRow:
    """The nominee's line of the cluster's standings, as the dossier shows it."""

    rank: int | None
    self_total: object
    verified_total: object


def _scores(nomination: Nomination) -> dict:
    """The nominee's result: totals per section (self vs verified), indicators with the share
    of the target, classification and rank among the members – the rank from the stored
    totals (`stored_rank`), the sections from the nominee's own scores."""
    cluster_year = nomination.cluster_year
    result = (
        AnnualResult.objects.filter(
            cluster_year=cluster_year, organization_id=nomination.organization_id
        )
        .select_related("program")
        # One row at most: the model's ordering joined the cluster and the organiser to sort it.
        .order_by()
        .first()
    )
    if result is None:
        return {"result": None}
    # Its link is built from these, already read with the nomination.
    result.cluster_year, result.organization = cluster_year, nomination.organization
    table = load_table(result.program)
    entries = {e.criterion_id: e for e in result.entries.all()}
    values = {v.indicator_id: v for v in result.indicator_values.all()}
    self_totals = compute_totals(table, entries, values, "self")
    verified_totals = compute_totals(table, entries, values, "verified")
    rank, ranked_count = stored_rank(result, table)
    row = NomineeRow(rank, self_totals.total, verified_totals.total)
    sections = []
    for section in table.sections:
        if section.kind == CriterionKind.SCORE:
            maximum = sum((c.max_points for c in table.criteria_of(section)), 0)
        else:
            maximum = section.max_points
        sections.append(
            {
                "section": section,
                "maximum": maximum,
                "self": self_totals.section_scores.get(section.code),
                "verified": verified_totals.section_scores.get(section.code),
            }
        )
    indicators = []
    for indicator in table.indicators:
        value = values.get(indicator.pk)
        percent = None
        if value is not None and value.target and value.actual is not None:
            percent = value.actual * 100 / value.target
        indicators.append({"indicator": indicator, "value": value, "percent": percent})
    level = result.final_level
    return {
        "result": result,
        "row": row,
        "sections": sections,
        "indicators": indicators,
        "score_max": table.score_max,
        "level": level,
        "level_label": Level(level).label if level else "",
        "level_abbreviation": LEVEL_ABBREVIATIONS.get(level, ""),
        "ranked_count": ranked_count,
    }


def days_waiting_of(nomination: Nomination) -> int | None:
    nomination.waiting_since = nomination.status_changed_at or nomination.created_at
    return days_waiting(nomination)


def _votes(nomination: Nomination) -> list[Vote]:
    """The rounds of the review meeting's vote for the proposed form."""
    votes = Vote.objects.filter(
        meeting__cluster_year_id=nomination.cluster_year_id, award_type_id=nomination.award_type_id
    )
    if nomination.vote_id:
        votes = votes.filter(meeting_id=nomination.vote.meeting_id)
    votes = list(
        votes.select_related("award_type")
        .prefetch_related("candidates__organization")
        .order_by("meeting__held_on", "round")
    )
    for vote in votes:
        vote.valid_voices = vote.ballots_valid if vote.mode == VoteMode.SECRET else vote.voters
    return votes


def _action_form(action: str, nomination: Nomination, award_types, data=None):
    if action == "downgrade":
        return DowngradeForm(data, award_types=award_types, proposed=nomination.award_type)
    if action == "approve":
        return ACTION_FORMS[action](data)
    return ACTION_FORMS[action](data, prefix_id=action)


@login_required
def dossier(request, pk):
    nomination = _staff_nomination(request, pk)
    cluster_year = nomination.cluster_year
    organization = nomination.organization
    # One at most (one to one): without the model's ordering, which joined three tables.
    proposal = Proposal.objects.filter(cluster_year=cluster_year).order_by().first()
    history = list(nomination.history.select_related("history_user").order_by("history_date"))
    past_awards = list(
        readable_awards(request.user)
        .filter(organization=organization)
        .exclude(nomination_id=nomination.pk)
        .select_related("award_type", "decision", "cluster_year__cluster")
        .order_by("-year", "award_type__order")
    )
    past_nominations = list(
        readable_nominations(request.user)
        .filter(organization=organization)
        .exclude(pk=nomination.pk)
        .select_related("award_type", "granted_type", "cluster_year__cluster")
        .order_by("-cluster_year__year", "award_type__order")
    )
    votes, valid = vote_figures(nomination)
    pending = nomination.is_pending
    forms = {}
    if pending:
        award_types = award_types_for(cluster_year)
        forms = {action: _action_form(action, nomination, award_types) for action in ACTION_FORMS}
    context = {
        "nomination": nomination,
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "organization": organization,
        "name": organization.name_on(cluster_year.as_of),
        "proposal": proposal,
        "history": history,
        "past_awards": past_awards,
        "past_nominations": past_nominations,
        "vote_for": votes,
        "vote_valid": valid,
        "vote_percent": votes * 100 / valid if votes is not None and valid else None,
        "votes": _votes(nomination),
        "days_waiting": days_waiting_of(nomination),
        "pending": pending,
        "forms": forms,
        "lower_forms": forms["downgrade"].lower if forms else [],
        **_scores(nomination),
    }
    return render(request, "awards/inbox/dossier.html", context)


@login_required
@require_POST
def nomination_act(request, pk):
    """Approve, reject, return for supplement or approve a lower form – one nomination."""
    nomination = _staff_nomination(request, pk)
    back = reverse("awards:dossier", args=[nomination.pk])
    action = request.POST.get("action", "")
    if action not in ACTION_FORMS:
        messages.error(request, _("Choose an action."))
        return redirect(back)
    form = _action_form(action, nomination, award_types_for(nomination.cluster_year), request.POST)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    data = form.cleaned_data
    by = request.user
    try:
        if action == "approve":
            approval.approve(nomination, by=by, reason=data["reason"])
            done = _("Approved: %(what)s.")
        elif action == "reject":
            approval.reject(nomination, by=by, reason=data["reason"])
            done = _("Rejected: %(what)s.")
        elif action == "return":
            approval.return_for_supplement(nomination, by=by, reason=data["reason"])
            done = _("Returned to the cluster head for supplement: %(what)s.")
        else:
            approval.downgrade(
                nomination, by=by, award_type=data["award_type"], reason=data["reason"]
            )
            done = _("Approved at a lower form (%(form)s): %(what)s.")
    except ValidationError as error:
        messages.error(
            request, _("Nothing was saved: %(errors)s") % {"errors": " ".join(error.messages)}
        )
    else:
        what = f"{nomination.organization.name} – {nomination.award_type.label}"
        form_label = data["award_type"].label if action == "downgrade" else ""
        messages.success(request, done % {"what": what, "form": form_label})
    return redirect(back)
