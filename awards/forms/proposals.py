"""Forms of the cluster's proposal dossier: the submission's fields and the answer to a
return for supplement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.forms.base import StyledForm

from ..models import Proposal


class ProposalForm(StyledForm, forms.ModelForm):
    """The fields of the submission (tờ trình); saved through `approval.save_proposal`."""

    class Meta:
        model = Proposal
        fields = ["number", "issued_on", "place", "addressee", "signer", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "place": _("The place of the date line, e.g. Bắc Bình."),
            "signer": _("The head unit's representative, who signs for the cluster."),
        }


class ResubmitForm(StyledForm, forms.Form):
    supplement = forms.CharField(
        label=_("What was supplemented"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say what was supplemented.")},
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        help_text=_("Amend it if the supplement changes it."),
    )
