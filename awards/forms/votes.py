"""Forms of the vote and the nominations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.forms.base import OrganizationLabelMixin, StyledForm

from ..models import AwardType, VoteMode


class VoteStartForm(StyledForm, OrganizationLabelMixin, forms.Form):
    award_type = forms.ModelChoiceField(label=_("Award"), queryset=AwardType.objects.none())
    mode = forms.ChoiceField(
        label=_("How the meeting votes"), choices=VoteMode.choices, initial=VoteMode.SECRET
    )
    seats = forms.IntegerField(
        label=_("Units to choose"),
        min_value=1,
        max_value=50,
        initial=1,
        help_text=_("How many units each voter may choose in this round."),
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one candidate.")},
    )

    def __init__(self, *args, award_types=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types
        self.fields["candidates"].queryset = members
        self.label_choices("candidates")


class SecretBallotForm(StyledForm, forms.Form):
    issued = forms.IntegerField(label=_("Ballots issued"), min_value=0)
    returned = forms.IntegerField(label=_("Ballots returned"), min_value=0)
    valid = forms.IntegerField(label=_("Valid ballots"), min_value=0)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for candidate in self.candidates:
            self.fields[f"votes_{candidate.organization_id}"] = forms.IntegerField(
                label=candidate.organization.name, min_value=0, initial=0
            )
            self.fields[f"votes_{candidate.organization_id}"].widget.attrs["class"] = "form-control"

    def counts(self) -> dict[int, int]:
        return {
            c.organization_id: self.cleaned_data[f"votes_{c.organization_id}"]
            for c in self.candidates
        }


class NominationForm(StyledForm, OrganizationLabelMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    award_type = forms.ModelChoiceField(label=_("Award"), queryset=AwardType.objects.none())
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Why the unit is proposed without a vote: kept with the nomination."),
    )

    def __init__(self, *args, award_types=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types
        self.fields["organization"].queryset = members
        self.label_choices("organization")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AdvanceDecisionForm(StyledForm, OrganizationLabelMixin, forms.Form):
    """A decision of the body above taken before the review meeting, for some members."""

    award_type = forms.ModelChoiceField(label=_("Award"), queryset=AwardType.objects.none())
    organizations = forms.ModelMultipleChoiceField(
        label=_("Units awarded"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one unit.")},
    )
    number = forms.CharField(
        label=_("Decision number"), max_length=40, help_text=_('e.g. "125/QĐ-LĐLĐ"')
    )
    signed_on = forms.DateField(label=_("Date signed"))
    signer = forms.CharField(label=_("Signed by"), max_length=120)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=120,
        required=False,
        help_text=_('e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"'),
    )

    def __init__(self, *args, award_types=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types
        self.fields["organizations"].queryset = members
        self.label_choices("organizations")
