"""The forms of the emulation pact: its text and signatories, and the targets grid."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emulation.forms import parse_figure, style_form
from emulation.text import format_number

from ..models import ClusterYear, Indicator
from ..services.pacts import meeting_choices, target_errors
from .base import date_widget


def shown(value: Decimal | None) -> str:
    """A stored figure as the grid shows it again (Vietnamese: 1.200; 95,5)."""
    return format_number(value) if value is not None else ""


class TargetField(forms.CharField):
    """A target of one indicator: a figure in the office's format, checked as the services
    check it."""

    def __init__(self, *, indicator: Indicator, **kwargs):
        self.indicator = indicator
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = parse_figure(super().to_python(value))
        if number is not None:
            error = target_errors(self.indicator, number)
            if error:
                raise forms.ValidationError(error)
        return number


class PactForm(forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=date_widget())
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Where it is signed, e.g. Liên đoàn Lao động huyện Bắc Bình. The date line of the "
            "document names the host unit's locality."
        ),
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Signed at the meeting"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("– not at a meeting –"),
    )
    commitments = forms.CharField(
        label=gettext_lazy("Commitments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One per line; the document numbers them."),
    )
    joint_activities = forms.CharField(
        label=gettext_lazy("Joint activities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Note for the history (optional)"), max_length=100, required=False
    )

    def __init__(self, *args, cluster_year: ClusterYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year
        meeting = self.fields["meeting"]
        meeting.queryset = meeting_choices(cluster_year)
        meeting.label_from_instance = lambda m: f"{m.display_title} – {m.held_on:%d/%m/%Y}"
        style_form(self)

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        year = self.cluster_year.year
        if day.year not in (year - 1, year):
            raise forms.ValidationError(
                _("The pact of %(year)s is signed in %(before)s or in %(year)s.")
                % {"year": year, "before": year - 1}
            )
        return day


class SignatoryForm(forms.Form):
    organization = forms.TypedChoiceField(
        label=gettext_lazy("Member unit"), coerce=int, required=False, empty_value=None
    )
    person = forms.CharField(label=gettext_lazy("Signed by"), max_length=120, required=False)
    title = forms.CharField(
        label=gettext_lazy("Position"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. Chủ tịch"),
    )

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("– does not sign –")), *units]
        style_form(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organization") is None and (cleaned.get("person") or "").strip():
            self.add_error("organization", _("Choose the unit this person signs for."))
        return cleaned


class BaseSignatoryFormSet(forms.BaseFormSet):
    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units}

    def clean(self):
        if any(self.errors):
            return
        names = dict(self.units)
        seen = set()
        for form in self.forms:
            unit = form.cleaned_data.get("organization")
            if unit is None:
                continue
            if unit in seen:
                form.add_error(
                    "organization",
                    _("%(unit)s is listed twice among the signatories.") % {"unit": names[unit]},
                )
            seen.add(unit)

    def signatories(self) -> list[tuple[int, str, str]]:
        return [
            (
                form.cleaned_data["organization"],
                form.cleaned_data.get("person", ""),
                form.cleaned_data.get("title", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("organization") is not None
        ]


SignatoryFormSet = forms.formset_factory(
    SignatoryForm, formset=BaseSignatoryFormSet, extra=0, max_num=200, validate_max=True
)


class TargetsForm(forms.Form):
    """One field per member and indicator, named t_<unit id>_<indicator id>."""

    reason = forms.CharField(
        label=gettext_lazy("Note for the history (optional)"), max_length=100, required=False
    )

    def __init__(self, *args, members, indicators, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.indicators = indicators
        for entry in members:
            org_id = entry.membership.organization_id
            for indicator in indicators:
                name = self.field_name(org_id, indicator.pk)
                self.fields[name] = TargetField(
                    indicator=indicator,
                    label=f"{entry.name} – {indicator.name}",
                    widget=forms.TextInput(
                        attrs={
                            "maxlength": "30",
                            "class": "form-control form-control-sm text-end",
                            "inputmode": "decimal",
                            "autocomplete": "off",
                        }
                    ),
                )
                self.initial[name] = shown(targets.get((org_id, indicator.pk)))
        self.fields["reason"].widget.attrs["class"] = "form-control"

    @staticmethod
    def field_name(org_id: int, indicator_id: int) -> str:
        return f"t_{org_id}_{indicator_id}"

    def targets(self) -> dict[tuple[int, int], Decimal | None]:
        return {
            (entry.membership.organization_id, indicator.pk): self.cleaned_data.get(
                self.field_name(entry.membership.organization_id, indicator.pk)
            )
            for entry in self.members
            for indicator in self.indicators
        }
