"""The annual results of a cluster-year: the head's grid, one unit's scoring form with running
totals, the transitions (submit, verify, classify, return, reopen, lock), evidence, the Excel
round trip and the printed table."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from emulation.documents.responses import attachment, pdf_attachment
from emulation.documents.xlsx import render_table_xlsx
from emulation.forms import style_form
from emulation.text import format_number

from ..documents import results as results_document
from ..documents.results_template import build_template
from ..forms.results import EvidenceForm, LevelForm, ReasonForm, ResultForm, preview_rows
from ..models import (
    LEVEL_ABBREVIATIONS,
    AnnualResult,
    ClusterYearStatus,
    CriterionKind,
    EmulationProgram,
    Evidence,
    Level,
    Organization,
    Qualifier,
    ResultStatus,
)
from ..permissions import (
    access_for,
    can_act_as_head,
    can_manage_cluster_year,
    cluster_year_rule,
    program_organizers,
    remember_program,
    result_rights,
    role_labels,
    sees_all_results,
)
from ..services.results import (
    BeyondCap,
    StaleResult,
    cluster_standings,
    lock_results,
    reopen_result,
    result_for,
    result_history,
    return_result,
    save_result,
    set_level,
    set_recorded_afterwards,
    submit_result,
    verification_gaps,
    verify_result,
)
from ..services.results_import import import_results
from ..services.scoring import compute_totals, load_table, suggest_level
from ..services.totals import (
    VERIFIED_STATUSES,
    TypedRow,
    build_totals_template,
    import_totals,
    save_typed_totals,
    total_errors,
    typed_total,
)


def _program_or_none(cluster_year):
    program = EmulationProgram.for_cluster_year(cluster_year)
    remember_program(cluster_year, program)
    return program


def _results_url(cluster_year) -> str:
    return reverse("clusters:results", args=[cluster_year.cluster.code, cluster_year.year])


# The grid ------------------------------------------------------------------------------------

SORTS = {
    "name": lambda r: r.name.lower(),
    "status": lambda r: r.status,
    "self": lambda r: (r.self_total is None, -(r.self_total or 0)),
    "verified": lambda r: (r.verified_total is None, -(r.verified_total or 0)),
    "difference": lambda r: (r.difference is None, r.difference or 0),
    "rank": lambda r: (r.rank is None, r.rank or 0),
}


@login_required
@cluster_year_rule(None)
def results(request, cluster_year):
    """One row per member: status, totals, difference, classification, rank, last change."""
    program = _program_or_none(cluster_year)
    # The programme read once: the standings would read it again.
    standings = cluster_standings(cluster_year, load_table(program) if program else None)
    user = request.user
    see_all = sees_all_results(user, cluster_year)
    own = access_for(user).officer_org_ids
    status_filter = request.GET.get("status", "")
    rows = [
        row
        for row in standings.rows
        if not status_filter
        or (row.status or ResultStatus.DRAFT) == status_filter
        or (status_filter == "none" and row.result is None)
    ]
    sort = request.GET.get("sort", "rank" if see_all else "name")
    if not see_all and sort.lstrip("-") not in ("name", "status"):
        # The order of the rows would give away the scores the member may not see yet.
        sort = "name"
    key = SORTS.get(sort.lstrip("-"), SORTS["rank"])
    rows.sort(key=lambda r: (key(r), r.name.lower()), reverse=sort.startswith("-"))
    member_ids = {row.organization_id for row in standings.rows}
    head = can_act_as_head(user, cluster_year)
    verifiable = [
        row
        for row in (standings.rows if head else [])
        if row.result is not None
        and row.result.status in (ResultStatus.DRAFT, ResultStatus.SUBMITTED)
        and row.verified_total is not None
        and result_rights(user, cluster_year, row.entry.organization, row.result).verify
    ]
    context = {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "program": program,
        "standings": standings,
        "rows": [
            {
                "row": row,
                "visible": see_all or row.organization_id in own,
                # The classification straight from the grid (a unit never classifies itself).
                "classify": head
                and program is not None
                and row.member_at_end
                and result_rights(user, cluster_year, row.entry.organization, row.result).verify,
            }
            for row in rows
        ],
        # Named once for every row's classification form.
        "levels": [(value, str(label)) for value, label in Level.choices],
        # A top level beyond the cap, sent back to be confirmed with a reason.
        "confirm_unit": request.GET.get("confirm", ""),
        "confirm_level": request.GET.get("level", ""),
        "see_all": see_all,
        "roles": role_labels(user, cluster_year, member_ids),
        "can_head": head,
        "can_manage": can_manage_cluster_year(user, cluster_year),
        # The programme's set-up page, where the year has none and the user may create it.
        "can_set_up_program": program is None
        and program_organizers(user).filter(pk=cluster_year.cluster.organizer_id).exists(),
        "can_lock": head and cluster_year.status == ClusterYearStatus.OPEN and program,
        "verifiable_count": len(verifiable),
        "status_filter": status_filter,
        "statuses": [*ResultStatus.choices, ("none", _("Nothing entered"))],
        "sort": sort,
        "columns": [
            (key if see_all or key in ("name", "status") else "", label)
            for key, label in [
                ("name", _("Member unit")),
                ("status", _("Status")),
                ("self", _("Self-assessed")),
                ("verified", _("Verified")),
                ("difference", _("Difference")),
                ("", _("Classification (suggested → final)")),
                ("rank", _("Rank")),
                ("", _("Last change")),
            ]
        ],
    }
    return render(request, "clusters/results.html", context)


def row_cap_text(cluster_year) -> str:
    return cluster_standings(cluster_year).cap_text


@login_required
@require_POST
@cluster_year_rule(can_act_as_head)
def results_classify(request, cluster_year):
    """The classification of one unit straight from the grid – "not classified" with its
    reason included, before anything else was entered for it."""
    organization = get_object_or_404(
        Organization.objects.filter(memberships__cluster_year=cluster_year).distinct(),
        code=request.POST.get("unit", ""),
    )
    result = cluster_year.results.filter(organization=organization).first()
    if not result_rights(request.user, cluster_year, organization, result).verify:
        raise PermissionDenied
    url = _results_url(cluster_year)
    form = LevelForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["level"]:
        messages.error(request, _("Choose a classification."))
        return redirect(f"{url}#row-{organization.code}")
    level = form.cleaned_data["level"]
    try:
        with transaction.atomic():
            result = result or result_for(cluster_year, organization, by=request.user)
            set_level(
                result,
                by=request.user,
                level=level,
                reason=form.cleaned_data["reason"],
                beyond_cap=form.cleaned_data["beyond_cap"],
            )
    except BeyondCap as error:
        messages.warning(request, " ".join(error.messages))
        return redirect(f"{url}?confirm={organization.code}&level={level}#row-{organization.code}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{url}#row-{organization.code}")
    messages.success(
        request,
        _("%(unit)s: classified %(level)s.")
        % {"unit": organization.name, "level": LEVEL_ABBREVIATIONS[level]},
    )
    return redirect(f"{url}#row-{organization.code}")


@login_required
@require_POST
@cluster_year_rule(can_act_as_head)
def verify_all(request, cluster_year):
    """Mark verified every result whose verified scores and explanations are complete."""
    standings = cluster_standings(cluster_year)
    done, skipped = 0, []
    for row in standings.rows:
        result = row.result
        if result is None or result.status not in (ResultStatus.DRAFT, ResultStatus.SUBMITTED):
            continue
        if not result_rights(request.user, cluster_year, row.entry.organization, result).verify:
            continue
        try:
            verify_result(result, by=request.user, table=standings.table)
            done += 1
        except ValidationError:
            skipped.append(row.name)
    if done:
        messages.success(request, _("%(n)s results were marked verified.") % {"n": done})
    if skipped:
        messages.warning(
            request,
            _("Not verified (scores or explanations missing): %(units)s.")
            % {"units": ", ".join(skipped)},
        )
    if not done and not skipped:
        messages.info(request, _("No result is waiting for verification."))
    return redirect(_results_url(cluster_year))


@login_required
@cluster_year_rule(can_act_as_head)
def lock(request, cluster_year):
    """Close the entry: results lock with their classification, the year moves to review."""
    form = style_form(ReasonForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            count = lock_results(cluster_year, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(n)s results were locked; the year is now in review.") % {"n": count},
            )
        return redirect(_results_url(cluster_year))
    standings = cluster_standings(cluster_year)
    return render(
        request,
        "clusters/results_lock.html",
        {"cluster_year": cluster_year, "form": form, "standings": standings},
    )


# One result ----------------------------------------------------------------------------------


def _member_or_404(cluster_year, org_code: str) -> Organization:
    organization = get_object_or_404(
        Organization.objects.filter(memberships__cluster_year=cluster_year), code=org_code
    )
    return organization


def _result_context(request, cluster_year, organization, result, table, rights, form, read=None):
    """`read`: the result's entries and values already read for this request (a GET), else
    they are read again – a POST may have changed or rebased them."""
    if read is not None:
        entries, values = read
    else:
        entries = {e.criterion_id: e for e in result.entries.all()} if result else {}
        values = {v.indicator_id: v for v in result.indicator_values.all()} if result else {}
    if form.is_bound:
        entries_now, values_now = preview_rows(table, form.data, entries, values)
    else:
        entries_now, values_now = entries, values
    panel = _totals_panel(table, entries_now, values_now)
    sections = []
    for section in table.sections:
        criteria = []
        for criterion in table.criteria_of(section):
            pk = criterion.pk
            computed = criterion.is_computed
            criteria.append(
                {
                    "criterion": criterion,
                    "entry": entries.get(pk),
                    "computed": computed,
                    "points_self": panel["self"].points.get(pk),
                    "points_verified": panel["verified"].points.get(pk),
                    "self": None if computed else form[f"self_{pk}"],
                    "verified": None if computed else form[f"verified_{pk}"],
                    "explanation": None if computed else form[f"explanation_{pk}"],
                    "na": None if computed else form[f"na_{pk}"],
                }
            )
        sections.append({"section": section, "criteria": criteria})
    indicators = []
    for indicator in table.indicators:
        value = values_now.get(indicator.pk)
        percent = None
        if value is not None and value.target and value.actual is not None:
            percent = value.actual * 100 / value.target
        indicators.append(
            {
                "indicator": indicator,
                "target": form[f"target_{indicator.pk}"] if indicator.has_target else None,
                "actual": form[f"actual_{indicator.pk}"],
                "qualifier": form[f"qualifier_{indicator.pk}"]
                if f"qualifier_{indicator.pk}" in form.fields
                else None,
                "percent": percent,
            }
        )
    see_all = sees_all_results(request.user, cluster_year)
    if see_all:
        # The rank and the capped suggestion depend on every member's scores. (Who verifies,
        # and so classifies, acts as the head: it sees all.)
        # Of the others only their totals: not their names (nor their parents).
        row = cluster_standings(cluster_year, table, self_totals=False, names=False).row_for(
            organization.pk
        )
    else:
        # Shown neither.
        row = None
    # The unit's name as of the year is all the page needs of the names.
    name = organization.name_on(cluster_year.as_of)
    # In the order added (not the model's, through the result's cluster and organiser).
    evidence = (
        list(result.evidence.select_related("criterion", "added_by").order_by("added_at", "pk"))
        if result
        else []
    )
    return {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "organization": organization,
        "name": name,
        "row": row,
        "level_label": LEVEL_ABBREVIATIONS.get(result.level, "") if result else "",
        "result": result,
        "table": table,
        "program": table.program,
        "rights": rights,
        "form": form,
        "sections": sections,
        "indicators": indicators,
        "panel": panel,
        "evidence": evidence,
        "evidence_form": EvidenceForm(table=table) if rights.enter_self else None,
        "level_form": LevelForm(
            initial={
                "level": request.GET.get("confirm_level") or (row.level if row else ""),
                "reason": result.level_reason if result else "",
            }
        )
        if rights.verify and result
        else None,
        "confirm_level": request.GET.get("confirm_level", ""),
        "cap_text": row_cap_text(cluster_year) if request.GET.get("confirm_level") else "",
        "gaps": verification_gaps(table, entries, values) if result else [],
        "history": result_history(result, table) if result else [],
        "levels": LEVEL_ABBREVIATIONS,
        "see_all": see_all,
    }


COLUMNS = {
    "self": gettext_lazy("self-score"),
    "verified": gettext_lazy("verified score"),
    "explanation": gettext_lazy("explanation"),
    "na": gettext_lazy("does not apply"),
    "target": gettext_lazy("target"),
    "actual": gettext_lazy("actual"),
    "qualifier": gettext_lazy("the actual figure is"),
}


def _shown_value(raw: str, column: str) -> str:
    if raw == "":
        return "–"
    if column == "na":
        return _("yes") if raw == "1" else _("no")
    if column == "explanation":
        return raw
    if column == "qualifier":
        return str(dict(Qualifier.choices).get(raw, raw))
    return format_number(Decimal(raw))


def _conflict_rows(form, table) -> list[dict]:
    """The values both officers changed, labelled for the person choosing between them."""
    criteria = {str(c.pk): c for c in table.criteria}
    indicators = {str(i.pk): i for i in table.indicators}
    rows = []
    for conflict in form.conflict_list:
        column, _sep, pk = conflict.name.rpartition("_")
        if column in ("target", "actual", "qualifier"):
            what = indicators[pk].name
        else:
            what = f"{criteria[pk].label} {criteria[pk].title[:60]}"
        rows.append(
            {
                "what": what,
                "column": COLUMNS[column],
                "mine": _shown_value(conflict.mine, column),
                "theirs": _shown_value(conflict.theirs, column),
                "choice": form[f"keep_{conflict.name}"],
            }
        )
    return rows


def _totals_panel(table, entries, values) -> dict:
    self_totals = compute_totals(table, entries, values, "self")
    verified_totals = compute_totals(table, entries, values, "verified")
    return {
        "self": self_totals,
        "verified": verified_totals,
        "suggestion": suggest_level(table, verified_totals),
        "sections": [
            {
                "section": section,
                "self": self_totals.section_scores.get(section.code),
                "verified": verified_totals.section_scores.get(section.code),
                "maximum": section.max_points
                if section.kind != CriterionKind.SCORE
                else sum((c.max_points for c in table.criteria_of(section)), 0),
            }
            for section in table.sections
        ],
        "score_max": table.score_max,
    }


def _load(request, cluster_year, org_code):
    organization = _member_or_404(cluster_year, org_code)
    result = (
        AnnualResult.objects.filter(cluster_year=cluster_year, organization=organization)
        .select_related("program", "updated_by", "verified_by")
        # One row at most: the model's ordering joined the cluster and the organiser to sort it.
        .order_by()
        .first()
    )
    rights = result_rights(request.user, cluster_year, organization, result)
    if not rights.view:
        raise PermissionDenied
    program = result.program if result else _program_or_none(cluster_year)
    if program is None:
        raise Http404(_("The organiser has not set up the programme of this year."))
    remember_program(cluster_year, program)
    return organization, result, load_table(program), rights


@login_required
@cluster_year_rule(None)
def result_detail(request, cluster_year, org_code):
    organization, result, table, rights = _load(request, cluster_year, org_code)
    entries = {e.criterion_id: e for e in result.entries.all()} if result else {}
    values = {v.indicator_id: v for v in result.indicator_values.all()} if result else {}
    kwargs = {"table": table, "entries": entries, "values": values, "rights": rights}
    initial = {"version": result.version if result else 0}
    stale_changes = None
    if request.method == "POST":
        if not (rights.enter_self or rights.verify):
            raise PermissionDenied
        form = ResultForm(request.POST, initial=initial, **kwargs)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if result is None:
                        result = result_for(cluster_year, organization, by=request.user)
                        if form.cleaned_data["version"] != 0:
                            raise StaleResult(result)
                        base = result.version
                    else:
                        base = form.cleaned_data["version"]
                    save_result(
                        result=result,
                        by=request.user,
                        base_version=base,
                        scores=form.editable_scores(),
                        figures=form.figures(),
                        reason=form.cleaned_data["reason"],
                        table=table,
                    )
            except StaleResult as stale:
                current = stale.current
                since = (
                    current.history.filter(version=form.cleaned_data["version"])
                    .order_by("-history_date")
                    .values_list("history_date", flat=True)
                    .first()
                )
                stale_changes = [
                    change
                    for change in result_history(current, table)
                    if since is None or change.when > since
                ]
                messages.error(
                    request,
                    _(
                        "%(who)s saved this result at %(when)s, after you opened it. Nothing of "
                        "yours was saved yet: the form now shows their values where you changed "
                        "nothing and keeps your changes; where you both changed a value, choose "
                        "which to keep. Then save again."
                    )
                    % {
                        "who": current.updated_by or _("another officer"),
                        "when": date_format(
                            timezone.localtime(current.updated_at), "SHORT_DATETIME_FORMAT"
                        ),
                    },
                )
                result = current
                form = form.rebase(
                    {e.criterion_id: e for e in current.entries.all()},
                    {v.indicator_id: v for v in current.indicator_values.all()},
                    current.version,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
        else:
            messages.error(request, _("Nothing was saved: correct the marked fields."))
    else:
        form = ResultForm(initial=initial, **kwargs)
    read = (entries, values) if request.method == "GET" else None
    context = _result_context(
        request, cluster_year, organization, result, table, rights, form, read
    )
    context["stale_changes"] = stale_changes
    context["conflicts"] = _conflict_rows(form, table)
    return render(request, "clusters/result_detail.html", context)


@login_required
@require_POST
@cluster_year_rule(None)
def result_totals(request, cluster_year, org_code):
    """The running totals while typing (htmx): computed from the form as it stands, nothing
    saved."""
    organization, result, table, rights = _load(request, cluster_year, org_code)
    entries = {e.criterion_id: e for e in result.entries.all()} if result else {}
    values = {v.indicator_id: v for v in result.indicator_values.all()} if result else {}
    scores, figures = preview_rows(table, request.POST, entries, values)
    return render(
        request,
        "clusters/partials/result_totals.html",
        {"panel": _totals_panel(table, scores, figures), "table": table},
    )


ACTIONS = ("submit", "verify", "return", "level", "reopen")


@login_required
@require_POST
@cluster_year_rule(None)
def result_action(request, cluster_year, org_code, action):
    organization, result, table, rights = _load(request, cluster_year, org_code)
    if action not in ACTIONS:
        raise Http404
    allowed = {
        "submit": rights.submit,
        "verify": rights.verify,
        "return": rights.verify,
        "level": rights.verify,
        "reopen": rights.reopen,
    }[action]
    if not allowed:
        raise PermissionDenied
    if result is None:
        messages.error(request, _("Nothing has been entered for this unit yet."))
        return redirect(
            "clusters:result_detail", cluster_year.cluster.code, cluster_year.year, org_code
        )
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    try:
        if action == "submit":
            submit_result(result, by=request.user, version=version)
            messages.success(request, _("Your self-assessment was submitted to the cluster head."))
        elif action == "verify":
            verify_result(result, by=request.user, version=version, table=table)
            messages.success(request, _("The result is verified."))
        elif action == "return":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a reason."))
            return_result(result, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The result went back to the unit as a draft."))
        elif action == "level":
            form = LevelForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a classification."))
            try:
                set_level(
                    result,
                    by=request.user,
                    level=form.cleaned_data["level"],
                    reason=form.cleaned_data["reason"],
                    beyond_cap=form.cleaned_data["beyond_cap"],
                )
            except BeyondCap as error:
                messages.warning(request, " ".join(error.messages))
                return redirect(
                    f"{result.get_absolute_url()}?confirm_level={form.cleaned_data['level']}"
                    "#classification"
                )
            messages.success(request, _("The classification was saved."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a reason."))
            reopen_result(result, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The result is reopened for the cluster head."))
    except StaleResult:
        messages.error(
            request,
            _("Another officer changed this result meanwhile: check it and try again."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(result.get_absolute_url())


# Evidence ------------------------------------------------------------------------------------


@login_required
@require_POST
@cluster_year_rule(None)
def evidence_add(request, cluster_year, org_code):
    organization, result, table, rights = _load(request, cluster_year, org_code)
    if not rights.enter_self:
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES, table=table)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        with transaction.atomic():
            result = result or result_for(cluster_year, organization, by=request.user)
            criterion_id = form.cleaned_data["criterion"] or None
            item = Evidence(
                result=result,
                criterion_id=criterion_id,
                description=form.cleaned_data["description"],
                link=form.cleaned_data["link"] or "",
                added_by=request.user,
            )
            if form.cleaned_data["file"]:
                item.file = form.cleaned_data["file"]
            item._change_reason = _("Evidence added")
            item.save()
        messages.success(request, _("The evidence was added."))
    return redirect(
        reverse(
            "clusters:result_detail",
            args=[cluster_year.cluster.code, cluster_year.year, organization.code],
        )
    )


@login_required
@cluster_year_rule(None)
def evidence_file(request, cluster_year, org_code, pk):
    organization, result, table, rights = _load(request, cluster_year, org_code)
    item = get_object_or_404(Evidence, pk=pk, result=result)
    if not item.file:
        raise Http404
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
@cluster_year_rule(None)
def evidence_delete(request, cluster_year, org_code, pk):
    organization, result, table, rights = _load(request, cluster_year, org_code)
    if not rights.enter_self:
        raise PermissionDenied
    item = get_object_or_404(Evidence, pk=pk, result=result)
    item._change_reason = _("Evidence removed")
    item.delete()
    messages.success(request, _("The evidence was removed."))
    return redirect(result.get_absolute_url())


# Documents -----------------------------------------------------------------------------------


def _results_document(request, cluster_year):
    if not sees_all_results(request.user, cluster_year):
        raise PermissionDenied
    return results_document.build_results(cluster_year)


@login_required
@cluster_year_rule(None)
def results_pdf(request, cluster_year):
    document = _results_document(request, cluster_year)
    return pdf_attachment(results_document.TEMPLATE, document)


@login_required
@cluster_year_rule(None)
def results_xlsx(request, cluster_year):
    document = _results_document(request, cluster_year)
    with translation.override("vi"):
        content = render_table_xlsx(document)
    return attachment(content, document.filename, "xlsx")


@login_required
@cluster_year_rule(None)
def results_preview(request, cluster_year):
    document = _results_document(request, cluster_year)
    with translation.override("vi"):
        return render(
            request,
            results_document.TEMPLATE,
            {"document": document, "for_pdf": False, "cluster_year": cluster_year},
        )


# Excel round trip ----------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled template (.xlsx)"))
    reason = forms.CharField(
        label=gettext_lazy("Note for the history"),
        max_length=100,
        initial=gettext_lazy("Imported from Excel"),
    )
    cap_reason = forms.CharField(
        label=gettext_lazy("Why beyond the cap on the top level"),
        help_text=gettext_lazy("What the papers decided, e.g. the decision's number and date."),
        max_length=200,
        required=False,
    )


def _table_or_404(cluster_year):
    program = _program_or_none(cluster_year)
    if program is None:
        raise Http404(_("The organiser has not set up the programme of this year."))
    return load_table(program)


@login_required
@cluster_year_rule(can_act_as_head)
def results_template(request, cluster_year):
    table = _table_or_404(cluster_year)
    if table.program.totals_only:
        content = build_totals_template(cluster_year)
        return attachment(
            content, f"mau-nhap-tong-diem-{cluster_year.cluster.code}-{cluster_year.year}", "xlsx"
        )
    content = build_template(cluster_year, table)
    return attachment(
        content, f"mau-nhap-ket-qua-{cluster_year.cluster.code}-{cluster_year.year}", "xlsx"
    )


@login_required
@cluster_year_rule(can_act_as_head)
def results_import(request, cluster_year):
    """All or nothing: the errors name the sheet, row and column; nothing is saved until the
    whole file is right."""
    table = _table_or_404(cluster_year)
    form = style_form(ImportForm(request.POST or None, request.FILES or None))
    errors = []
    if request.method == "POST" and form.is_valid():
        standings = cluster_standings(cluster_year, table)
        editable, verifiable = set(), set()
        for row in standings.rows:
            rights = result_rights(request.user, cluster_year, row.entry.organization, row.result)
            if rights.enter_self:
                editable.add(row.organization_id)
            if rights.verify:
                verifiable.add(row.organization_id)
        if table.program.totals_only:
            report = import_totals(
                cluster_year,
                form.cleaned_data["file"],
                by=request.user,
                can_verify_org_ids=verifiable,
                can_enter_org_ids=editable,
                reason=form.cleaned_data["reason"],
                cap_reason=form.cleaned_data["cap_reason"],
            )
            if report.errors:
                errors = report.errors
                messages.error(request, _("Nothing was imported: correct the file and try again."))
            elif report.beyond_cap:
                messages.warning(
                    request, _("Nothing was imported yet: give the reason and import again.")
                )
            else:
                messages.success(request, _totals_saved_message(report))
                return redirect(_results_url(cluster_year))
            return render(
                request,
                "clusters/results_import.html",
                {
                    "cluster_year": cluster_year,
                    "form": form,
                    "errors": errors,
                    "totals_only": True,
                    "beyond_cap": report.beyond_cap,
                },
            )
        report = import_results(
            cluster_year,
            table,
            form.cleaned_data["file"],
            by=request.user,
            editable_org_ids=editable,
            can_verify_org_ids=verifiable,
            reason=form.cleaned_data["reason"],
        )
        if report.errors:
            errors = report.errors
            messages.error(request, _("Nothing was imported: correct the file and try again."))
        else:
            messages.success(
                request,
                _("Imported: %(results)s results and %(values)s figures changed.")
                % {"results": report.changed_results, "values": report.changed_values},
            )
            return redirect(_results_url(cluster_year))
    return render(
        request,
        "clusters/results_import.html",
        {
            "cluster_year": cluster_year,
            "form": form,
            "errors": errors,
            "totals_only": table.program.totals_only,
        },
    )


# A year from paper: totals typed in the grid ---------------------------------------------------


def _totals_saved_message(report) -> str:
    message = _("Saved: the totals of %(n)s units changed.") % {"n": report.changed}
    if report.awaiting_staff:
        message += " " + _("Your own unit's row waits for the organiser's staff to verify it.")
    return message


def _typed_lines(request, cluster_year, standings):
    lines = []
    for row in standings.rows:
        rights = result_rights(request.user, cluster_year, row.entry.organization, row.result)
        result = row.result
        prefix = f"u{row.organization_id}"
        posted = request.method == "POST"
        lines.append(
            {
                "row": row,
                "prefix": prefix,
                # The head types its own unit's row too (as the papers give it); the
                # organiser's staff verify it.
                "editable": rights.verify or rights.enter_self,
                "verify": rights.verify,
                "total": request.POST.get(f"{prefix}-total", "")
                if posted
                else (format_number(typed_total(result)) if result else ""),
                "level": request.POST.get(f"{prefix}-level", "")
                if posted
                else (result.level if result else ""),
                "note": request.POST.get(f"{prefix}-note", "")
                if posted
                else (result.note if result else ""),
                "version": request.POST.get(f"{prefix}-version", "")
                if posted
                else (result.version if result else 0),
                # The head unit's own row, typed by the head: the staff confirm it.
                "to_confirm": rights.verify
                and result is not None
                and result.status not in VERIFIED_STATUSES,
                "confirm": posted and request.POST.get(f"{prefix}-confirm") == "1",
                "errors": [],
            }
        )
    return lines


@login_required
@cluster_year_rule(can_act_as_head)
def results_typed(request, cluster_year):
    """A totals-only year: the total and the classification of every member typed in one
    grid, saved all together or not at all (a row changed by someone else meanwhile is
    refused and named)."""
    program = _program_or_none(cluster_year)
    if program is None or not program.totals_only:
        raise Http404
    standings = cluster_standings(cluster_year)
    lines = _typed_lines(request, cluster_year, standings)
    errors = []
    beyond_cap = ""
    cap_reason = request.POST.get("cap_reason", "").strip()
    if request.method == "POST":
        # The form field's parsing: "97,5" and "97.5" alike, no other digits (install_input_rules).
        number_field = forms.DecimalField(localize=True, required=False)
        rows = []
        for line in lines:
            if not line["editable"]:
                continue
            name = line["row"].name
            raw = (line["total"] or "").strip()
            total = None
            if raw:
                try:
                    total = number_field.clean(raw)
                except ValidationError as error:
                    line["errors"].extend(error.messages)
            level = line["level"] if line["level"] in LEVEL_ABBREVIATIONS else ""
            line["errors"].extend(total_errors(total, level) if not line["errors"] else [])
            if line["errors"]:
                errors.extend(f"{name}: {e}" for e in line["errors"])
                continue
            version = str(line["version"])
            rows.append(
                TypedRow(
                    line["row"].organization_id,
                    total,
                    level,
                    (line["note"] or "").strip()[:300],
                    int(version) if version.isdigit() else -1,
                    confirm=line["confirm"],
                )
            )
        if not errors:
            verifiable = {line["row"].organization_id for line in lines if line["verify"]}
            enterable = {line["row"].organization_id for line in lines if line["editable"]}
            report = save_typed_totals(
                cluster_year,
                rows,
                by=request.user,
                can_verify_org_ids=verifiable,
                can_enter_org_ids=enterable,
                reason=request.POST.get("reason", "").strip()[:100],
                cap_reason=cap_reason[:200],
            )
            if report.ok and not report.beyond_cap:
                messages.success(request, _totals_saved_message(report))
                return redirect(_results_url(cluster_year))
            errors = report.errors
            beyond_cap = report.beyond_cap
        if beyond_cap and not errors:
            messages.warning(request, _("Nothing was saved yet: give the reason and save again."))
        else:
            messages.error(request, _("Nothing was saved: correct the marked rows."))
    return render(
        request,
        "clusters/results_typed.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "program": program,
            "lines": lines,
            "errors": errors,
            "beyond_cap": beyond_cap,
            "cap_reason": cap_reason,
            "levels": [
                (value, LEVEL_ABBREVIATIONS[value], label) for value, label in Level.choices
            ],
        },
    )


# A year recorded afterwards --------------------------------------------------------------------


@login_required
@require_POST
@cluster_year_rule(can_manage_cluster_year)
def recorded_afterwards(request, cluster_year):
    """The organiser's staff mark (or unmark) a cluster-year as recorded afterwards, from the
    papers: nothing of it is flagged late, and its documents are dated by its events."""
    value = request.POST.get("recorded_afterwards") == "1"
    note = request.POST.get("note", "").strip()[:300]
    if value and not note:
        messages.error(
            request, _("Say why the year is recorded afterwards (e.g. from the papers).")
        )
    else:
        set_recorded_afterwards(cluster_year, value=value, note=note, by=request.user)
        messages.success(
            request,
            _("The year is marked as recorded afterwards.")
            if value
            else _("The year is no longer marked as recorded afterwards."),
        )
    return redirect(_results_url(cluster_year))
