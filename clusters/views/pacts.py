"""The emulation pact of a cluster-year: read by everyone who reads the year; recorded by its
head and the organiser's staff until the year is closed – the text and signatories, then the
targets grid, whose figures become the indicator targets of the members' results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from emulation.documents.responses import docx_attachment, pdf_attachment

from ..documents import pact as pact_document
from ..forms.pacts import PactForm, SignatoryFormSet, TargetsForm
from ..models import EmulationProgram, PactSignatory
from ..permissions import can_record_pact, cluster_year_rule
from ..services.pacts import (
    Signatory,
    check_editable,
    pact_indicators,
    pact_of,
    save_pact,
    save_pact_targets,
)
from ..services.results import StaleResult


def _pact_url(cluster_year) -> str:
    return reverse("clusters:pact_detail", args=[cluster_year.cluster.code, cluster_year.year])


def _refuse_when_closed(request, cluster_year):
    """A closed year's pact is kept as it was signed: back to the pact with the reason."""
    try:
        check_editable(cluster_year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_pact_url(cluster_year))
    return None


def _grid(cluster_year, pact, entries=None):
    """The members, the indicators with a target, and the pact's figures."""
    entries = entries if entries is not None else cluster_year.member_entries()
    indicators = pact_indicators(cluster_year)
    targets = (
        {(t.organization_id, t.indicator_id): t.target for t in pact.targets.all()} if pact else {}
    )
    return entries, indicators, targets


@login_required
@cluster_year_rule(None)
def pact_detail(request, cluster_year):
    pact = pact_of(cluster_year)
    entries, indicators, targets = _grid(cluster_year, pact)
    signatories = {s.organization_id: s for s in pact.signatories.all()} if pact else {}
    rows = [
        {
            "entry": entry,
            "signatory": signatories.get(entry.membership.organization_id),
            "targets": [targets.get((entry.membership.organization_id, i.pk)) for i in indicators],
        }
        for entry in entries
    ]
    history = (
        pact.history.select_related("history_user").order_by("-history_date")[:20] if pact else []
    )
    return render(
        request,
        "clusters/pact_detail.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "pact": pact,
            "program": EmulationProgram.for_cluster_year(cluster_year),
            "indicators": indicators,
            "rows": rows,
            "has_targets": bool(targets),
            "can_edit": can_record_pact(request.user, cluster_year) and not cluster_year.is_closed,
            "history": history,
        },
    )


def _units(entries) -> list[tuple[int, str]]:
    return [(e.membership.organization_id, e.name) for e in entries]


def _signatory_initial(pact, entries) -> list[dict]:
    """One row per member: those who signed with their signer, then the others, blank."""
    signed = {s.organization_id: s for s in PactSignatory.objects.filter(pact=pact)} if pact else {}
    rows = []
    for entry in entries:
        org_id = entry.membership.organization_id
        signatory = signed.get(org_id)
        if pact is not None and signatory is None:
            # A unit taken off the signatories stays off until it is chosen again.
            rows.append({"organization": None, "person": "", "title": ""})
            continue
        rows.append(
            {
                "organization": org_id,
                "person": signatory.person if signatory else "",
                "title": signatory.title if signatory else "",
            }
        )
    return rows


@login_required
@cluster_year_rule(can_record_pact)
def pact_edit(request, cluster_year):
    refused = _refuse_when_closed(request, cluster_year)
    if refused:
        return refused
    pact = pact_of(cluster_year)
    entries = cluster_year.member_entries()
    units = _units(entries)
    initial = {}
    if pact is not None:
        initial = {
            "signed_on": pact.signed_on,
            "place": pact.place,
            "meeting": pact.meeting,
            "commitments": pact.commitments,
            "joint_activities": pact.joint_activities,
        }
    data = request.POST if request.method == "POST" else None
    form = PactForm(data, initial=initial, cluster_year=cluster_year)
    formset = SignatoryFormSet(
        data, initial=_signatory_initial(pact, entries), units=units, prefix="signatories"
    )
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            cleaned = form.cleaned_data
            try:
                save_pact(
                    cluster_year=cluster_year,
                    by=request.user,
                    signed_on=cleaned["signed_on"],
                    place=cleaned["place"],
                    meeting=cleaned["meeting"],
                    joint_activities=cleaned["joint_activities"],
                    commitments=cleaned["commitments"],
                    signatories=[Signatory(*row) for row in formset.signatories()],
                    reason=cleaned["reason"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The emulation pact was saved."))
                return redirect(_pact_url(cluster_year))
        else:
            messages.error(request, _("Nothing was saved: correct the marked fields."))
    return render(
        request,
        "clusters/pact_edit.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "pact": pact,
            "form": form,
            "formset": formset,
        },
    )


@login_required
@cluster_year_rule(can_record_pact)
def pact_targets(request, cluster_year):
    """The grid member × indicator; saving it writes the members' result targets too."""
    refused = _refuse_when_closed(request, cluster_year)
    if refused:
        return refused
    pact = pact_of(cluster_year)
    if pact is None:
        messages.info(request, _("Record the pact's date, place and signatories first."))
        return redirect("clusters:pact_edit", cluster_year.cluster.code, cluster_year.year)
    entries, indicators, targets = _grid(cluster_year, pact)
    form = TargetsForm(
        request.POST if request.method == "POST" else None,
        members=entries,
        indicators=indicators,
        targets=targets,
    )
    if request.method == "POST" and indicators:
        if form.is_valid():
            try:
                report = save_pact_targets(
                    pact=pact,
                    by=request.user,
                    targets=form.targets(),
                    reason=form.cleaned_data["reason"],
                )
            except StaleResult:
                messages.error(
                    request,
                    _("Another officer changed a result meanwhile: nothing was saved, try again."),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                _report(request, report)
                return redirect(_pact_url(cluster_year))
        else:
            messages.error(request, _("Nothing was saved: correct the marked fields."))
    rows = [
        {
            "entry": entry,
            "fields": [
                form[form.field_name(entry.membership.organization_id, i.pk)] for i in indicators
            ],
        }
        for entry in entries
    ]
    return render(
        request,
        "clusters/pact_targets.html",
        {
            "cluster_year": cluster_year,
            "cluster": cluster_year.cluster,
            "pact": pact,
            "program": EmulationProgram.for_cluster_year(cluster_year),
            "indicators": indicators,
            "rows": rows,
            "form": form,
        },
    )


def _report(request, report):
    messages.success(
        request,
        _("The targets were saved (%(n)s figures).") % {"n": report.saved},
    )
    if report.updated:
        messages.info(
            request,
            _("They are now the indicator targets of the results of: %(units)s.")
            % {"units": ", ".join(report.updated)},
        )
    if report.locked:
        messages.warning(
            request,
            _(
                "The results of %(units)s are locked: their targets were not changed. Federation "
                "staff can reopen a result and save the targets again."
            )
            % {"units": ", ".join(report.locked)},
        )


# The document ---------------------------------------------------------------------------------


def _document(cluster_year):
    if pact_of(cluster_year) is None:
        raise Http404(_("This year has no emulation pact."))
    return pact_document.build_pact(cluster_year)


@login_required
@cluster_year_rule(None)
def pact_preview(request, cluster_year):
    document = _document(cluster_year)
    with translation.override("vi"):
        return render(
            request,
            pact_document.TEMPLATE,
            {"document": document, "for_pdf": False, "cluster_year": cluster_year},
        )


@login_required
@cluster_year_rule(None)
def pact_pdf(request, cluster_year):
    document = _document(cluster_year)
    return pdf_attachment(pact_document.TEMPLATE, document)


@login_required
@cluster_year_rule(None)
def pact_docx(request, cluster_year):
    document = _document(cluster_year)
    return docx_attachment(pact_document.TEMPLATE, document)
