"""Forms of the year-end review meeting: preparation, the summary, the election, the
conclusions and the close."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Meeting
from .base import OrganizationLabelMixin, StyledForm


class MeetingForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "starts_at",
            "place",
            "host",
            "chair",
            "chair_title",
            "secretary",
            "secretary_title",
            "guests",
            "agenda",
        ]
        widgets = {
            "starts_at": forms.TimeInput(format="%H:%M", attrs={"placeholder": "08:00"}),
            "guests": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, members=None, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year if year is not None else getattr(self.instance, "year", None)
        self.fields["host"].queryset = members
        self.fields["host"].required = True
        self.fields["host"].help_text = _("Not necessarily the head.")
        self.fields["chair"].required = True
        self.fields["secretary"].required = True
        self.label_choices("host")

    def clean_held_on(self):
        """The year-end review of year Y is held in Y or in the first three months of Y+1."""
        held_on = self.cleaned_data.get("held_on")
        if held_on is None or self.year is None:
            return held_on
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year + 1, 3, 31)
        if not first <= held_on <= last:
            raise forms.ValidationError(
                _(
                    "The review of %(year)s is held in %(year)s or by the end of March "
                    "%(next)s (from %(first)s to %(last)s)."
                )
                % {
                    "year": self.year,
                    "next": self.year + 1,
                    "first": first.strftime("%d/%m/%Y"),
                    "last": last.strftime("%d/%m/%Y"),
                }
            )
        return held_on


DEFAULT_AGENDA = _(
    "Adopt the draft summary report of the year and next year's directions\n"
    "Peer assessment and vote for the emulation awards\n"
    "Elect next year's cluster head and deputy\n"
    "Hand over the records and duties of the cluster head\n"
    "Conclusions of the meeting"
)


class SummaryForm(StyledForm, forms.Form):
    achievements = forms.CharField(
        label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    limitations = forms.CharField(
        label=_("Limitations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    directions = forms.CharField(
        label=_("Next year's directions"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )


class ElectionForm(StyledForm, OrganizationLabelMixin, forms.Form):
    head = forms.ModelChoiceField(label=_("Next year's head"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("Next year's deputy"), queryset=None, required=False)
    handover_on = forms.DateField(label=_("Handover date"), required=False)
    handover_note = forms.CharField(
        label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = candidates
        self.fields["deputy"].queryset = candidates
        self.label_choices("head", "deputy")

    def clean(self):
        data = super().clean()
        if data.get("head") and data.get("head") == data.get("deputy"):
            self.add_error("deputy", _("The head and the deputy must be different units."))
        return data


class ConclusionForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("Conclusion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due date"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and (data.get("owner") or data.get("due_on")):
            self.add_error("text", _("Write the conclusion, or clear its owner and date."))
        return data


ConclusionFormSet = forms.formset_factory(ConclusionForm, extra=2, max_num=50)


class CloseForm(StyledForm, forms.Form):
    ends_at = forms.TimeField(
        label=_("Closing time"),
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "11:30"}),
    )
