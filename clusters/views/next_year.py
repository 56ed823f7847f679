"""Preparing next year: every cluster of an organiser drafted from this year – members
that still exist, head and deputy by rotation – adjusted, then confirmed."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from ..forms.next_year import PrepareNextYearForm
from ..permissions import StaffOnlyMixin, next_year_organizers
from ..services import (
    apply_next_year,
    plan_next_year,
)
from .base import choose_organizer_and_year


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

    def chosen(self, request):
        organizers = next_year_organizers(request.user)
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
