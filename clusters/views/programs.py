"""Federation staff's screens for the emulation programme of a year: the list, a new
programme (the shipped default or a copy of an earlier year's), its page, and the editors of
its general fields, scoring table, indicators and classification rules.

Once a unit has submitted or been scored (`program_in_use`), the table, the indicators and the
rules stay as they are; the general fields stay editable. Outside what a user reads → 404;
reading without the right to edit → 403.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from emulation.tables import SafeExportMixin
from emulation.text import format_number

from ..filters.programs import ProgramFilter
from ..forms.program_editors import IndicatorEditor, RuleEditor, TableEditor
from ..forms.programs import ProgramCreateForm, ProgramForm
from ..models import (
    LEVEL_ABBREVIATIONS,
    RANKED_LEVELS,
    AnnualResult,
    ClassificationRule,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Indicator,
    IndicatorKind,
    ResultStatus,
    ScoreSection,
    year_end,
)
from ..permissions import (
    StaffOnlyMixin,
    access_for,
    cluster_years_for,
    program_organizers,
)
from ..services import copy_program, create_default_program, program_in_use
from ..services.scoring import Table, load_table
from ..tables.programs import ProgramTable
from .base import ACTIONS, choose_organizer_and_year

# Who reads and who edits a programme ---------------------------------------------------------
# (Rules of this screen only; they sit beside the views so that the other rules in
# permissions.py stay untouched while results are being built.)


def kept_programs(user) -> QuerySet[EmulationProgram]:
    """Programmes a user edits: those of the organisers whose clusters it keeps."""
    access = access_for(user)
    if access.is_superuser:
        return EmulationProgram.objects.all()
    return EmulationProgram.objects.filter(organizer_id__in=access.kept_organizers)


def programs_for(user) -> QuerySet[EmulationProgram]:
    """Programmes a user reads: the ones it edits, those of the organisations at or below its
    own (a viewer of the organiser), and the programme its clusters are scored against."""
    access = access_for(user)
    if access.is_superuser:
        return EmulationProgram.objects.all()
    if not access.officer_org_ids:
        return EmulationProgram.objects.none()
    scored = cluster_years_for(user).filter(
        cluster__organizer_id=OuterRef("organizer_id"), year=OuterRef("year")
    )
    return EmulationProgram.objects.filter(
        Q(organizer_id__in=access.kept_organizers)
        | Q(organizer_id__in=access.read_subtree)
        | Exists(scored)
    )


def can_edit_program(user, program: EmulationProgram) -> bool:
    access = access_for(user)
    return access.keeps_organizer(program.organizer_id)


class ProgramMixin(LoginRequiredMixin):
    """Fetch the programme in the reader's scope (404), then check the right to edit (403)
    unless the page only reads."""

    edits = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.program = get_object_or_404(
            programs_for(request.user)
            .select_related("organizer")
            .prefetch_related("organizer__former_names"),
            pk=kwargs["pk"],
        )
        self.can_edit = can_edit_program(request.user, self.program)
        if self.edits and not self.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_context(self, **extra) -> dict:
        program = self.program
        return {
            "program": program,
            "organizer_name": program.organizer.name_on(year_end(program.year)),
            "can_edit": self.can_edit,
            **extra,
        }


def locked_message() -> str:
    return _(
        "Units have already submitted or been scored against this programme: its scoring "
        "table, indicators and classification rules can no longer change, so that every "
        "unit of the year is scored alike. The general fields stay editable."
    )


# What the pages show --------------------------------------------------------------------


def table_context(table: Table) -> dict:
    """The scoring table by section with its totals, the indicators with the criteria they
    score, the rules best level first, and what looks unfinished."""
    sections = []
    for section in table.sections:
        criteria = table.criteria_of(section)
        total = sum((c.max_points for c in criteria), Decimal(0))
        sections.append(
            {
                "section": section,
                "criteria": criteria,
                "total": total,
                "mismatch": section.kind == CriterionKind.SCORE and total != section.max_points,
            }
        )
    limits = {kind: Decimal(0) for kind in (CriterionKind.BONUS, CriterionKind.PENALTY)}
    for section in table.sections:
        if section.kind in limits:
            limits[section.kind] += section.max_points
    used_by: dict[int, list[str]] = {}
    for criterion in table.criteria:
        if criterion.indicator_id:
            used_by.setdefault(criterion.indicator_id, []).append(criterion.label)
    indicators = [
        {"indicator": indicator, "criteria": used_by.get(indicator.pk, [])}
        for indicator in table.indicators
    ]
    rank = {level: index for index, level in enumerate(RANKED_LEVELS)}
    rules = sorted(table.rules, key=lambda rule: rank.get(rule.level, len(rank)))
    for rule in rules:
        rule.abbreviation = LEVEL_ABBREVIATIONS.get(rule.level, "")
    names = {i.code: i.name for i in table.indicators}
    names.update({s.code: s.title for s in table.sections})
    tie_break = [
        {"code": code, "name": names.get(code, "")} for code in table.program.tie_break_codes
    ]
    return {
        "sections": sections,
        "score_max": table.score_max,
        "bonus_limit": limits[CriterionKind.BONUS],
        "penalty_limit": limits[CriterionKind.PENALTY],
        "indicators": indicators,
        "rules": rules,
        "tie_break": tie_break,
        "warnings": table_warnings(table, sections),
    }


def table_warnings(table: Table, sections: list[dict]) -> list[str]:
    warnings = []
    for row in sections:
        section = row["section"]
        if not row["criteria"]:
            warnings.append(_("Section %(code)s has no criterion yet.") % {"code": section.code})
        elif row["mismatch"]:
            warnings.append(
                _(
                    "Section %(code)s is recorded at %(max)s points but its criteria add up "
                    "to %(sum)s: save the scoring table to correct it."
                )
                % {
                    "code": section.code,
                    "max": format_number(section.max_points),
                    "sum": format_number(row["total"]),
                }
            )
    for criterion in table.criteria:
        indicator = criterion.indicator
        if (
            criterion.is_computed
            and not indicator.has_target
            and indicator.kind != IndicatorKind.YES_NO
        ):
            warnings.append(
                _("Criterion %(label)s is scored from %(code)s, which has no target.")
                % {"label": criterion.label, "code": indicator.code}
            )
    if not table.rules:
        warnings.append(_("No classification rule: every unit would be “did not complete”."))
    known = {s.code for s in table.sections} | {i.code for i in table.indicators}
    unknown = [code for code in table.program.tie_break_codes if code not in known]
    if unknown:
        warnings.append(
            _("The tie-break order names unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return warnings


def program_history(program: EmulationProgram, limit: int = 20) -> list:
    """The programme's changes, newest first, one line per save: the rows one save wrote
    (same person, same reason, within a minute) are told together."""
    section_codes = dict(
        ScoreSection.history.filter(program_id=program.pk)
        .order_by("history_date")
        .values_list("id", "code")
    )
    sources = [
        (program.history.all(), lambda e: _("General fields")),
        (
            ScoreSection.history.filter(program_id=program.pk),
            lambda e: _("Section %(code)s") % {"code": e.code},
        ),
        (
            Criterion.history.filter(section_id__in=list(section_codes)),
            lambda e: (
                _("Criterion %(label)s")
                % {"label": f"{section_codes.get(e.section_id, '?')}.{e.code}"}
            ),
        ),
        (
            Indicator.history.filter(program_id=program.pk),
            lambda e: _("Indicator %(code)s") % {"code": e.code},
        ),
        (
            ClassificationRule.history.filter(program_id=program.pk),
            lambda e: _("Rule %(level)s") % {"level": LEVEL_ABBREVIATIONS.get(e.level, e.level)},
        ),
    ]
    entries = []
    for history, describe in sources:
        for entry in history.select_related("history_user").order_by("-history_date")[:200]:
            entry.what = f"{describe(entry)} – {ACTIONS.get(entry.history_type, '')}"
            entries.append(entry)
    entries.sort(key=lambda entry: entry.history_date, reverse=True)
    groups: list = []
    for entry in entries:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last.history_user_id == entry.history_user_id
            and last.history_change_reason == entry.history_change_reason
            and last.earliest - entry.history_date <= datetime.timedelta(minutes=1)
        ):
            last.items.append(entry.what)
            last.earliest = entry.history_date
            continue
        if len(groups) == limit:
            break
        entry.items = [entry.what]
        entry.earliest = entry.history_date
        groups.append(entry)
    for group in groups:
        items = group.items
        group.what = "; ".join(items[:4])
        if len(items) > 4:
            group.what = _("%(items)s and %(count)s more changes") % {
                "items": group.what,
                "count": len(items) - 4,
            }
    return groups


# The list and a new programme -------------------------------------------------------------


class ProgramListView(StaffOnlyMixin, SafeExportMixin, SingleTableMixin, FilterView):
    table_class = ProgramTable
    filterset_class = ProgramFilter
    template_name = "structure/program_list.html"
    paginate_by = 50
    export_name = "chuong-trinh-thi-dua"

    def get_queryset(self):
        table_max = (
            Criterion.objects.filter(
                section__program=OuterRef("pk"), section__kind=CriterionKind.SCORE
            )
            .values("section__program")
            .annotate(total=Sum("max_points"))
            .values("total")
        )
        in_use = AnnualResult.objects.filter(program=OuterRef("pk")).exclude(
            status=ResultStatus.DRAFT
        )
        return (
            kept_programs(self.request.user)
            .select_related("organizer")
            .prefetch_related("organizer__former_names")
            .annotate(table_max=Subquery(table_max), in_use=Exists(in_use))
        )


def _year_after_latest(organizer) -> int:
    """The year after the organiser's latest programme, else this year."""
    latest = (
        organizer.programs.order_by("-year").values_list("year", flat=True).first()
        if organizer
        else None
    )
    return latest + 1 if latest else timezone.localdate().year


class ProgramCreateView(StaffOnlyMixin, View):
    """Choose the organiser and the year, then what to start from: the shipped default or a
    copy of one of the organiser's programmes (the previous year's when there is one)."""

    template = "structure/program_create.html"

    def chosen(self, request):
        organizers = program_organizers(request.user)
        organizer, year = choose_organizer_and_year(request, organizers, _year_after_latest)
        return organizers, organizer, year

    def page(self, request, organizers, organizer, year, form=None):
        existing = sources = None
        if organizer is not None:
            sources = list(organizer.programs.order_by("-year"))
            existing = next((p for p in sources if p.year == year), None)
            if form is None and existing is None:
                form = ProgramCreateForm(year=year, sources=sources)
        return render(
            request,
            self.template,
            {
                "organizers": organizers,
                "organizer": organizer,
                "year": year,
                "existing": existing,
                "form": form,
            },
        )

    def get(self, request):
        return self.page(request, *self.chosen(request))

    def post(self, request):
        organizers, organizer, year = self.chosen(request)
        if organizer is None:
            raise Http404
        sources = list(organizer.programs.order_by("-year"))
        form = ProgramCreateForm(request.POST, year=year, sources=sources)
        if form.is_valid():
            source = form.source_program()
            # Every row the service writes carries the same reason, so that the history
            # tells the creation as one change.
            reason = form.cleaned_data["reason"] or (
                _("Default programme")
                if source is None
                else _("Copied from the programme of %(year)s") % {"year": source.year}
            )
            try:
                if source is None:
                    program = create_default_program(
                        organizer=organizer, year=year, by=request.user, reason=reason
                    )
                else:
                    program = copy_program(source=source, year=year, by=request.user, reason=reason)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The programme of %(year)s was created: check its plan, deadlines, "
                        "scoring table, indicators and rules."
                    )
                    % {"year": year},
                )
                return redirect(program)
        return self.page(request, organizers, organizer, year, form)


# One programme ------------------------------------------------------------------------------


class ProgramDetailView(ProgramMixin, TemplateView):
    edits = False
    template_name = "structure/program_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        program = self.program
        context.update(
            self.base_context(
                in_use=program_in_use(program),
                history=program_history(program),
                **table_context(load_table(program)),
            )
        )
        return context


class ProgramEditView(ProgramMixin, View):
    """The general fields: always editable, even once units are scored."""

    template = "structure/program_form.html"

    def form(self, data=None):
        program = self.program
        return ProgramForm(
            data,
            instance=program,
            section_codes=program.sections.order_by("order", "pk").values_list("code", flat=True),
            indicator_codes=program.indicators.order_by("order", "pk").values_list(
                "code", flat=True
            ),
        )

    def get(self, request, pk):
        return render(request, self.template, self.base_context(form=self.form()))

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template, self.base_context(form=form))
        program = form.save(commit=False)
        program._change_reason = form.cleaned_data["reason"]
        program.save()
        messages.success(request, _("The changes were saved."))
        return redirect(self.program)


class _PartEditView(ProgramMixin, View):
    """A part that stays as it is once the programme is in use: read-only then."""

    template = ""
    editor_class = None
    url_name = ""

    def editor(self, data=None):
        return self.editor_class(self.program, data)

    def page(self, request, editor=None, locked=False):
        context = self.base_context(editor=editor, locked=locked)
        if locked:
            context.update(table_context(load_table(self.program)))
            context["locked_message"] = locked_message()
        return render(request, self.template, context)

    def get(self, request, pk):
        if program_in_use(self.program):
            return self.page(request, locked=True)
        return self.page(request, self.editor())

    def post(self, request, pk):
        here = reverse(self.url_name, args=[self.program.pk])
        if program_in_use(self.program):
            messages.error(request, locked_message())
            return redirect(here)
        editor = self.editor(request.POST)
        if not editor.is_valid():
            messages.error(request, _("Nothing was saved: correct what is marked below."))
            return self.page(request, editor)
        with transaction.atomic():
            # A unit may have submitted while the form was open.
            if program_in_use(self.program):
                messages.error(request, locked_message())
                return redirect(here)
            editor.save()
        messages.success(request, _("The changes were saved."))
        if request.POST.get("then") == "stay":
            return redirect(here)
        return redirect(self.program)


class ProgramTableView(_PartEditView):
    template = "structure/program_table.html"
    editor_class = TableEditor
    url_name = "structure:program_table"


class ProgramIndicatorsView(_PartEditView):
    template = "structure/program_indicators.html"
    editor_class = IndicatorEditor
    url_name = "structure:program_indicators"


class ProgramRulesView(_PartEditView):
    template = "structure/program_rules.html"
    editor_class = RuleEditor
    url_name = "structure:program_rules"

    def editor(self, data=None):
        table = load_table(self.program)
        bonus = sum(
            (s.max_points for s in table.sections if s.kind == CriterionKind.BONUS), Decimal(0)
        )
        reachable = table.score_max + bonus if table.score_max else None
        return self.editor_class(self.program, data, reachable=reachable)

    def page(self, request, editor=None, locked=False):
        context = self.base_context(editor=editor, locked=locked)
        if locked:
            context["locked_message"] = locked_message()
        context.update(table_context(load_table(self.program)))
        return render(request, self.template, context)
