"""Forms of the emulation programme's general screens: creating a year's programme (from
the shipped default or a copy) and its general fields, and what the editors share: points
typed the Vietnamese way, saving and deleting with a reason."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emulation.forms import style_form
from emulation.text import format_number

from ..models import (
    EmulationProgram,
)
from .base import date_widget, reason_field

DEFAULT_SOURCE = "default"
CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_-]+$",
    gettext_lazy("Use letters without diacritics, digits, “-” or “_” (e.g. I, II, DV_MOI)."),
)
ZERO = Decimal(0)


def save_with_reason(obj, reason: str):
    obj._change_reason = reason
    obj.save()
    return obj


def delete_with_reason(obj, reason: str):
    obj._change_reason = reason
    obj.delete()


def park_keys(model, objects, field: str):
    """Move keys that are about to change out of the way (without history: the final save
    records the change), so that swapping or shifting codes never trips a unique constraint
    half-way through the save."""
    for obj in objects:
        model.objects.filter(pk=obj.pk).update(**{field: f"~{obj.pk}"})


def points_text(value) -> str:
    return format_number(value)


class PointsInput(forms.TextInput):
    """Points and percentages as the offices write them: 8, 1,5, 20 (no trailing zeros)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.is_localized = True

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format_number(value)
        return super().format_value(value)


class ProgramFormStyle:
    """Bootstrap classes, dd/mm/yyyy dates and points typed the Vietnamese way (1,5)."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
            elif isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget = PointsInput()
        style_form(self)
        if self.compact:
            for field in self.fields.values():
                widget = field.widget
                css = widget.attrs.get("class", "")
                css = css.replace("form-control", "form-control form-control-sm")
                css = css.replace("form-select", "form-select form-select-sm")
                widget.attrs["class"] = css
                widget.attrs.setdefault("aria-label", str(field.label))


class ReasonForm(ProgramFormStyle, forms.Form):
    reason = reason_field()


# Creating and the general fields ------------------------------------------------------------


class ProgramCreateForm(ProgramFormStyle, forms.Form):
    """The year's programme starts from the shipped default or a copy of one of the
    organiser's programmes (by default the previous year's)."""

    source = forms.ChoiceField(label=gettext_lazy("Start from"), widget=forms.RadioSelect)
    reason = reason_field()

    def __init__(self, *args, year: int, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {str(program.pk): program for program in sources}
        field = self.fields["source"]
        field.choices = [
            (DEFAULT_SOURCE, _("The default programme shipped with the application"))
        ] + [
            (
                str(program.pk),
                _("A copy of the programme of %(year)s") % {"year": program.year},
            )
            for program in sources
        ]
        previous = next((p for p in sources if p.year == year - 1), None)
        field.initial = str(previous.pk) if previous else DEFAULT_SOURCE
        reason = self.fields["reason"]
        reason.required = False
        reason.help_text = _(
            "Kept in the history with your name and the time. Left blank: “Default programme” "
            "or “Copied from the programme of …”."
        )

    def source_program(self) -> EmulationProgram | None:
        return self.sources.get(self.cleaned_data["source"])


class ProgramForm(ProgramFormStyle, forms.ModelForm):
    """Theme, plan, deadlines, the cap on the top level, the tie-break and visibility."""

    reason = reason_field()

    class Meta:
        model = EmulationProgram
        fields = [
            "theme",
            "plan_reference",
            "totals_only",
            "self_assessment_deadline",
            "verification_deadline",
            "top_share_percent",
            "cap_basis",
            "cap_rounding",
            "tie_break",
            "visibility",
            "quorum_numerator",
            "quorum_denominator",
            "vote_tie_rule",
        ]
        help_texts = {
            "quorum_numerator": gettext_lazy(
                "The review meeting votes when at least numerator / denominator of the "
                "members are present (default 2 / 3)."
            ),
            "top_share_percent": gettext_lazy(
                "At most this share of a cluster's units get the top level (of all the "
                "members or of the classified ones, rounded as chosen below); 0 for no top level."
            ),
        }

    def __init__(self, *args, section_codes, indicator_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_codes = list(section_codes)
        self.indicator_codes = list(indicator_codes)

    def clean_tie_break(self):
        parts = [p.strip() for p in re.split(r"[,;]", self.cleaned_data["tie_break"]) if p.strip()]
        # A code is matched whatever its case; sections win over indicators, as in scoring.
        known = {code.upper(): code for code in self.indicator_codes}
        known.update({code.upper(): code for code in self.section_codes})
        unknown = [p for p in parts if p.upper() not in known]
        if unknown:
            raise ValidationError(
                _(
                    "Unknown codes: %(codes)s. Use the codes of the programme's sections "
                    "(%(sections)s) or indicators (%(indicators)s)."
                )
                % {
                    "codes": ", ".join(unknown),
                    "sections": ", ".join(self.section_codes) or "—",
                    "indicators": ", ".join(self.indicator_codes) or "—",
                }
            )
        codes = [known[p.upper()] for p in parts]
        twice = [code for code, n in Counter(codes).items() if n > 1]
        if twice:
            raise ValidationError(
                _("Each code once only: %(codes)s appears twice.") % {"codes": ", ".join(twice)}
            )
        return ", ".join(codes)

    def clean(self):
        data = super().clean()
        year = self.instance.year
        first, last = datetime.date(year, 1, 1), datetime.date(year + 1, 12, 31)
        for name in ("self_assessment_deadline", "verification_deadline"):
            day = data.get(name)
            if day and not first <= day <= last:
                self.add_error(
                    name,
                    _("The deadline must fall between %(first)s and %(last)s.")
                    % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
                )
        own, check = data.get("self_assessment_deadline"), data.get("verification_deadline")
        if own and check and check < own:
            self.add_error(
                "verification_deadline",
                _(
                    "The verification comes after the self-assessment: its deadline cannot be earlier."
                ),
            )
        return data
