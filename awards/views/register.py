"""The organiser's decisions, the award register and its revocations, and the public honour
roll (the fairness view is in awards.views.fairness).

Scope first (outside → 404), then the right (inside without it → 403); every list runs a
constant number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, Value
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from clusters.models import InIds, Organization, year_end
from clusters.permissions import (
    StaffOnlyMixin,
    access_for,
    can_manage_cluster_year,
    may_keep_structure,
    reads_every_cluster_year,
)
from clusters.services.history import stamp
from clusters.views.base import choose_organizer_and_year
from emulation.tables import SafeExportMixin, page_records
from emulation.text import vi_sort_key

from ..filters.register import AwardFilter, DecisionFilter
from ..forms.register import DecisionForm, RevokeForm
from ..models import (
    GRANTABLE_STATUSES,
    Award,
    AwardStatus,
    Decision,
    HonourRoll,
)
from ..permissions import (
    conferring_organizers,
    decidable_nominations,
    decision_organizers,
    keeps_clusters,
    listed_decision_organizers,
    managed_cluster_years,
    readable_awards,
    readable_decisions,
)
from ..services.approval import record_decision, revoke
from ..tables.register import AwardTable, DecisionTable

TEMPLATES = "awards/register/"


def _year_in_range(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404


def _with_rights(awards, user):
    """Annotate `can_revoke` (staff of the award's cluster-year; the service checks the exact
    rule again) and `decision_readable`, in the list's own query."""
    if not may_keep_structure(user):
        return awards.annotate(
            can_revoke=Value(False, output_field=BooleanField()),
            decision_readable=Value(False, output_field=BooleanField()),
        )
    return awards.annotate(
        can_revoke=Exists(managed_cluster_years(user).filter(pk=OuterRef("cluster_year_id")))
        & Exists(conferring_organizers(user).filter(pk=OuterRef("decision__organizer_id"))),
        decision_readable=Exists(readable_decisions(user).filter(pk=OuterRef("decision_id"))),
    )


def set_rights(awards: list, user) -> None:
    """`can_revoke` and `decision_readable` – as `_with_rights` annotates them – set on one
    page of awards (with their cluster and decision selected), looking at the page's
    organisers only: as subqueries over the whole register they took seconds for a
    federation's staff at national size."""
    if not may_keep_structure(user):
        for award in awards:
            award.can_revoke = award.decision_readable = False
        return
    access = access_for(user)
    cluster_organizers = {award.cluster_year.cluster.organizer_id for award in awards}
    decision_organizers = {award.decision.organizer_id for award in awards if award.decision_id}
    kept = access.kept_among(cluster_organizers)
    conferring = set(
        conferring_organizers(user)
        .filter(pk__in=cluster_organizers | decision_organizers)
        .values_list("pk", flat=True)
    )
    # Decisions of the organisers it confers for, or whose clusters' decisions it records.
    readable = conferring | listed_decision_organizers(user, decision_organizers - conferring)
    for award in awards:
        decision_organizer = award.decision.organizer_id if award.decision_id else None
        award.can_revoke = (
            award.cluster_year.cluster.organizer_id in kept and decision_organizer in conferring
        )
        award.decision_readable = decision_organizer is not None and (
            access.is_superuser or decision_organizer in readable
        )


def _register_rows(queryset):
    return queryset.select_related(
        "organization", "award_type", "decision", "cluster_year__cluster"
    ).prefetch_related("organization__former_names")


# Decisions ----------------------------------------------------------------------------------


class DecisionListView(StaffOnlyMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """The organiser's staff only (see `keeps_clusters`): 403 for everyone else."""

    table_class = DecisionTable

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not keeps_clusters(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    filterset_class = DecisionFilter
    template_name = TEMPLATES + "decision_list.html"
    paginate_by = 25
    export_name = "quyet-dinh-khen-thuong"

    def get_queryset(self):
        return (
            readable_decisions(self.request.user)
            .select_related("organizer")
            .prefetch_related("organizer__former_names")
            .annotate(award_count=Count("awards"))
            .order_by("-signed_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = conferring_organizers(self.request.user).exists()
        return context


decision_list = DecisionListView.as_view()


def _grantable(user, organizer: Organization, year: int | None):
    """The approved nominations a decision of `organizer` for `year` may grant (any year
    when None)."""
    nominations = decidable_nominations(user).filter(status__in=GRANTABLE_STATUSES)
    if year is not None:
        nominations = nominations.filter(cluster_year__year=year)
    return (
        nominations.filter(
            Q(granted_type__organizer=organizer)
            | Q(granted_type__isnull=True, award_type__organizer=organizer)
        )
        .select_related("cluster_year__cluster", "organization", "award_type", "granted_type")
        .order_by("cluster_year__cluster__kind", "cluster_year__cluster__number", "pk")
    )


def _default_decision_year(user):
    def default(organizer):
        if organizer is not None:
            latest = (
                _grantable(user, organizer, None)
                .order_by("-cluster_year__year")
                .values_list("cluster_year__year", flat=True)
                .first()
            )
            if latest:
                return latest
        return timezone.localdate().year - 1

    return default


@login_required
def decision_create(request):
    """Choose the organiser and the year, then record the decision: its number, date and
    signer, the scan, and the approved nominations it grants (all ticked at first)."""
    user = request.user
    organizers = conferring_organizers(user).order_by("name")
    if not organizers:
        raise PermissionDenied
    organizer, year = choose_organizer_and_year(request, organizers, _default_decision_year(user))
    form = None
    early = []
    if organizer is None:
        if request.method == "POST":
            raise Http404
    else:
        grantable = _grantable(user, organizer, year)
        decidable = decidable_nominations(user)
        if request.method == "POST":
            form = DecisionForm(
                request.POST, request.FILES, grantable=grantable, decidable=decidable
            )
            if form.is_valid():
                data = form.cleaned_data
                try:
                    decision = record_decision(
                        organizer=organizer,
                        year=year,
                        number=data["number"],
                        signed_on=data["signed_on"],
                        signer=data["signer"],
                        signer_title=data["signer_title"],
                        scan=data["scan"],
                        nominations=list(data["nominations"]),
                        by=user,
                        early_reason=data["early_reason"],
                    )
                except ValidationError as error:
                    if getattr(error, "code", None) == "early" or (
                        error.error_list and error.error_list[0].code == "early"
                    ):
                        early = error.messages
                        form.add_error(
                            "early_reason",
                            _("Confirm with a reason, or correct the date."),
                        )
                    else:
                        for message in error.messages:
                            messages.error(request, message)
                else:
                    count = decision.awards.count()
                    messages.success(
                        request,
                        _("%(decision)s was recorded; awards entered in the register: %(count)s.")
                        % {"decision": decision, "count": count},
                    )
                    return redirect("awards:decision_detail", pk=decision.pk)
            else:
                messages.error(request, _("Please correct the errors below."))
        else:
            form = DecisionForm(grantable=grantable, decidable=decidable)
    return render(
        request,
        TEMPLATES + "decision_create.html",
        {
            "organizers": organizers,
            "organizer": organizer,
            "organizer_name": organizer.name_on(year_end(year)) if organizer else "",
            "year": year,
            "form": form,
            "checked": form.checked_ids() if form else set(),
            "early": early,
        },
    )


@login_required
def decision_detail(request, pk):
    user = request.user
    decision = get_object_or_404(
        readable_decisions(user).select_related("organizer", "created_by"), pk=pk
    )
    awards = list(
        _register_rows(decision.awards.all()).order_by(
            "award_type__order", "cluster_year__cluster__number", "organization__name"
        )
    )
    set_rights(awards, user)
    rows = [(award, award.organization.name_on(year_end(award.year))) for award in awards]
    return render(
        request,
        TEMPLATES + "decision_detail.html",
        {
            "decision": decision,
            "organizer_name": decision.organizer.name_on(year_end(decision.year)),
            "rows": rows,
            "active_count": sum(1 for award, _name in rows if award.status == AwardStatus.ACTIVE),
        },
    )


@login_required
def decision_scan(request, pk):
    """The scanned decision, to those who read the decision only."""
    decision = get_object_or_404(readable_decisions(request.user), pk=pk)
    if not decision.scan:
        raise Http404
    try:
        handle = decision.scan.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=decision.scan.name.rsplit("/", 1)[-1])


# The register -------------------------------------------------------------------------------


@dataclass
class RollLink:
    organizer_code: str
    organizer_name: str
    year: int
    published: bool


ROLLS_PER_PAGE = 20


def decided_pairs(awards) -> list[tuple[int, int]]:
    """The distinct (decision, year) pairs of `awards`, from `award_decision_year_idx`."""
    return list(awards.order_by().values_list("decision_id", "year").distinct())


def honour_roll_links(user, decided, page_number=None) -> Page:
    """One page (`page_number`, as asked for) of the honour rolls of the organisers and years
    of `decided`, the `decided_pairs` of the awards shown: the published ones, and the
    unpublished ones of the organisers whose decisions the user records; the latest year
    first. Paginated: the confederation reads about 1,500 of them, which as one list took
    half a second to print."""
    # The decisions and years first, then the decisions' organisers: joined, every award was
    # read with its decision (7 ms for the confederation's 24,000; 3.5 ms so). A reader of
    # every award (the confederation) reads nearly every decision and published roll: those
    # are read whole, not looked up by lists of 1,500 decisions and 700 organisers.
    everything = reads_every_cluster_year(user)
    decisions = Decision.objects.order_by()
    if not everything:
        decisions = decisions.filter(InIds(F("pk"), {decision for decision, _year in decided}))
    organizer_of = dict(decisions.values_list("pk", "organizer_id"))
    pairs = {(organizer_of[decision], year) for decision, year in decided}
    organizer_ids = {org_id for org_id, _year in pairs}
    rolls = HonourRoll.objects.filter(published=True).order_by()
    if not everything:
        rolls = rolls.filter(InIds(F("organizer_id"), organizer_ids))
    published = set(rolls.values_list("organizer_id", "year"))
    # The organisers whose decisions the user records (`decision_organizers`), asked of these
    # organisers only: the whole of them took a third of a second for the confederation.
    staff_of = listed_decision_organizers(user, organizer_ids) if organizer_ids else set()
    shown = [pair for pair in pairs if pair in published or pair[0] in staff_of]
    # Sorted by the name each organiser bore at the end of the year, as the links read.
    organizers = Organization.objects.filter(
        InIds(F("pk"), {org_id for org_id, _y in shown})
    ).name_records()
    links = [
        RollLink(
            organizers[org_id].code,
            organizers[org_id].on(year_end(year)),
            year,
            (org_id, year) in published,
        )
        for org_id, year in shown
    ]
    # Each name's place in the Vietnamese order (names of the same key share one), sorted once
    # – an organiser's name is mostly the same in both years it is listed –, so that the
    # links compare numbers: comparing the keys, long alike ("Liên đoàn Lao động tỉnh …"),
    # was most of the sort.
    place: dict[str, int] = {}
    last = None
    for name in sorted({link.organizer_name for link in links}, key=vi_sort_key):
        key = vi_sort_key(name)
        if key != last:
            last = key
            index = len(place)
        place[name] = index
    links.sort(key=lambda link: (-link.year, place[link.organizer_name], link.organizer_code))
    return Paginator(links, ROLLS_PER_PAGE).get_page(page_number)


class RegisterView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """Sổ khen thưởng: every award the user reads, revoked ones kept with their reason."""

    table_class = AwardTable
    filterset_class = AwardFilter
    template_name = TEMPLATES + "register.html"
    paginate_by = 50
    export_name = "so-khen-thuong"

    @cached_property
    def decided(self) -> list[tuple[int, int]]:
        """The (decision, year) pairs of the awards the user reads, read once for both the
        year filter's choices and the honour rolls (each a scoped query of its own before:
        4–5 ms of a province's register apiece)."""
        return decided_pairs(readable_awards(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["years"] = {year for _decision, year in self.decided}
        return kwargs

    def get_queryset(self):
        user = self.request.user
        awards = readable_awards(user)
        if self.request.GET.get(self.export_trigger_param):
            return _register_rows(_with_rights(awards, user))
        return _register_rows(awards)

    def get_table(self, **kwargs):
        """The rights over each award are read for the page shown only (`set_rights`)."""
        table = super().get_table(**kwargs)
        if not self.request.GET.get(self.export_trigger_param):
            records = page_records(
                table, lambda ids: _register_rows(Award.objects.filter(pk__in=ids))
            )
            if records is not None:
                set_rights(records, self.request.user)
        return table

    def get_table_kwargs(self):
        return {"request": self.request}

    def get_context_data(self, **kwargs):
        user = self.request.user
        # Before the table: the rights it reads for its page's organisers are then among
        # those the honour rolls asked (`listed_decision_organizers` remembers them).
        honour_rolls = honour_roll_links(user, self.decided, self.request.GET.get("rolls"))
        context = super().get_context_data(**kwargs)
        context["honour_rolls"] = honour_rolls
        context["is_staff"] = keeps_clusters(user)
        organization = (
            self.filterset.form.cleaned_data.get("organization")
            if (self.filterset.form.is_valid())
            else None
        )
        context["organization"] = organization
        return context


register = RegisterView.as_view()


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def award_revoke(request, pk):
    """Revoke an award: the reason and the revoking decision are both required; the record
    stays in the register."""
    award = get_object_or_404(
        readable_awards(request.user).select_related(
            "cluster_year__cluster", "organization", "award_type"
        ),
        pk=pk,
    )
    if not can_manage_cluster_year(request.user, award.cluster_year):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            revoke(
                award,
                by=request.user,
                reason=form.cleaned_data["reason"],
                decision_reference=form.cleaned_data["decision_reference"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The award %(award)s to %(unit)s was revoked; it stays in the register.")
                % {"award": award.award_type.name, "unit": award.organization.name},
            )
    fallback = reverse("awards:register") + f"?organization={award.organization_id}"
    return redirect(_safe_next(request, fallback))


# The honour roll ----------------------------------------------------------------------------


@dataclass
class HonourGroup:
    award_type: object
    entries: list = field(default_factory=list)


def _is_honour_staff(user, organizer: Organization) -> bool:
    """The organiser's staff: those who record its decisions."""
    return (
        user.is_authenticated
        and may_keep_structure(user)
        and decision_organizers(user).filter(pk=organizer.pk).exists()
    )


def honour_roll(request, organizer, year):
    """Bảng vinh danh: the organiser's awards of the year in force, flags first. Public once
    published; before that only the organiser's staff see it (everyone else: 404)."""
    _year_in_range(year)
    org = get_object_or_404(Organization.objects.prefetch_related("former_names"), code=organizer)
    roll = HonourRoll.objects.filter(organizer=org, year=year).first()
    published = roll is not None and roll.published
    is_staff = _is_honour_staff(request.user, org)
    if not published and not is_staff:
        raise Http404
    as_of = year_end(year)
    awards = list(
        Award.objects.filter(decision__organizer=org, year=year, status=AwardStatus.ACTIVE)
        .select_related("award_type", "cluster_year__cluster", "decision")
        .order_by("award_type__order", "award_type__name", "pk")
    )
    names = Organization.objects.filter(pk__in={a.organization_id for a in awards}).names_on(as_of)
    groups: dict[int, HonourGroup] = {}
    for award in awards:
        group = groups.setdefault(award.award_type_id, HonourGroup(award.award_type))
        group.entries.append({"award": award, "name": names.get(award.organization_id, "")})
    for group in groups.values():
        group.entries.sort(key=lambda entry: vi_sort_key(entry["name"]))
    return render(
        request,
        TEMPLATES + "honour_roll.html",
        {
            "organizer": org,
            "organizer_name": org.name_on(as_of),
            "year": year,
            "groups": list(groups.values()),
            "count": len(awards),
            "published": published,
            "is_staff": is_staff,
        },
    )


@login_required
@require_POST
def honour_roll_publish(request, organizer, year):
    """Publish or withdraw the honour roll (`published` = 1 / 0; without it, toggle)."""
    _year_in_range(year)
    org = get_object_or_404(Organization, code=organizer)
    if not _is_honour_staff(request.user, org):
        raise PermissionDenied
    wanted = request.POST.get("published")
    with transaction.atomic():
        roll, _created = HonourRoll.objects.select_for_update().get_or_create(
            organizer=org, year=year
        )
        roll.published = (not roll.published) if wanted not in ("0", "1") else wanted == "1"
        roll.changed_by = request.user
        stamp(
            roll,
            request.user,
            _("Honour roll published") if roll.published else _("Honour roll withdrawn"),
        )
        roll.save()
    if roll.published:
        messages.success(
            request, _("The honour roll is published: anyone with the link can read it.")
        )
    else:
        messages.success(request, _("The honour roll is no longer public."))
    return redirect("awards:honour_roll", organizer=org.code, year=year)
