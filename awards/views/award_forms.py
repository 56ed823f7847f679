"""The award forms an organisation confers and its rules and quotas of a year
(`/awards/types/<organisation code>/`): kept by its staff, read by the heads of the clusters
they apply to – no page of the admin needed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.services.history import stamp

from ..forms.award_forms import AwardRuleFormSet, AwardTypeFormSet, ChangeReasonForm
from ..models import AwardRule, AwardType
from ..permissions import award_forms_page
from ..services.award_forms import apply_defaults, copy_rules, default_forms, rules_source_year

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return timezone.localdate().year


def _page_url(organization, year: int) -> str:
    return f"{reverse('awards:award_forms', args=[organization.code])}?year={year}"


def _save_formset(formset, by, reason: str) -> int:
    """Save what changed, each row with the user and the reason in its history."""
    changed = formset.save(commit=False)
    for obj in changed:
        stamp(obj, by, reason)
        obj.save()
    for obj in formset.deleted_objects:
        stamp(obj, by, reason)
        obj.delete()
    return len(changed) + len(formset.deleted_objects)


@login_required
def award_forms(request, code):
    organization, rights = award_forms_page(request.user, code)
    year = _year(request)
    section = request.POST.get("section", "")
    if request.method == "POST" and not rights.edit:
        raise PermissionDenied
    types_data = request.POST if section == "types" else None
    rules_data = request.POST if section == "rules" else None
    types_formset = AwardTypeFormSet(types_data, organization=organization, prefix="types")
    rules_formset = AwardRuleFormSet(
        rules_data, organization=organization, year=year, prefix="rules"
    )
    reason_form = ChangeReasonForm(request.POST if section else None)
    if request.method == "POST":
        formset = types_formset if section == "types" else rules_formset
        if section in ("types", "rules") and formset.is_valid() and reason_form.is_valid():
            with transaction.atomic():
                count = _save_formset(formset, request.user, reason_form.cleaned_data["reason"])
            if count:
                messages.success(request, _("Saved: %(count)s rows changed.") % {"count": count})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(_page_url(organization, year))
        messages.error(request, _("Check the rows marked in red."))
    award_types = list(AwardType.objects.filter(organizer=organization))
    rules = list(
        AwardRule.objects.filter(organizer=organization, year=year).select_related("award_type")
    )
    return render(
        request,
        "awards/award_forms.html",
        {
            "organization": organization,
            "rights": rights,
            "year": year,
            "years": [year - 1, year, year + 1],
            "award_types": award_types,
            "rules": rules,
            "types_formset": types_formset if rights.edit else None,
            "rules_formset": rules_formset if rights.edit and award_types else None,
            "reason_form": reason_form,
            "section": section,
            "proposal": default_forms(organization) if not award_types else [],
            "copy_from": rules_source_year(organization, year) if not rules else None,
        },
    )


@login_required
@require_POST
def award_forms_defaults(request, code):
    """Confirm the proposal: the level's shipped forms and the year's quotas."""
    organization, rights = award_forms_page(request.user, code)
    if not rights.edit:
        raise PermissionDenied
    year = _year(request)
    try:
        created = apply_defaults(organization=organization, year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(count)s award forms set up, with the quotas of %(year)s: check them.")
            % {"count": len(created), "year": year},
        )
    return redirect(_page_url(organization, year))


@login_required
@require_POST
def award_forms_copy(request, code):
    """This year's rules from the latest earlier year's."""
    organization, rights = award_forms_page(request.user, code)
    if not rights.edit:
        raise PermissionDenied
    year = _year(request)
    try:
        count = copy_rules(organization=organization, year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(count)s rules copied to %(year)s.") % {"count": count, "year": year}
        )
    return redirect(_page_url(organization, year))
