"""The form of the next-year screen: one row per drafted cluster."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from emulation.forms import style_form

from .base import reason_field
from .pickers import member_list_picker


class PrepareNextYearForm(forms.Form):
    """One row per drafted cluster: include it, its head and its deputy."""

    reason = reason_field()

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for draft in plan.drafts:
            key = draft.cluster.pk
            # Choices from the draft itself: no query per cluster.
            choices = [("", "---------")] + [(str(org.pk), org.name) for org in draft.members]
            self.fields[f"include_{key}"] = forms.BooleanField(
                label=_("Prepare"), required=False, initial=True
            )
            for role, unit in (("head", draft.proposal.head), ("deputy", draft.proposal.deputy)):
                self.fields[f"{role}_{key}"] = forms.ChoiceField(
                    label=_("Cluster head") if role == "head" else _("Deputy head"),
                    choices=choices,
                    required=False,
                    initial=str(unit.pk) if unit else "",
                    # A search among this year's members: only the chosen one is rendered.
                    widget=member_list_picker(draft.source),
                )
        self.fields["reason"].initial = _("Next year prepared from %(year)s") % {
            "year": plan.year - 1
        }
        style_form(self)

    def rows(self):
        for draft in self.plan.drafts:
            key = draft.cluster.pk
            yield {
                "draft": draft,
                "include": self[f"include_{key}"],
                "head": self[f"head_{key}"],
                "deputy": self[f"deputy_{key}"],
            }

    def choices(self) -> dict[int, tuple]:
        data = self.cleaned_data
        chosen = {}
        for draft in self.plan.drafts:
            key = draft.cluster.pk
            if not data.get(f"include_{key}"):
                continue
            members = {str(org.pk): org for org in draft.members}
            chosen[key] = (
                members.get(data[f"head_{key}"]),
                members.get(data[f"deputy_{key}"]),
            )
        return chosen
