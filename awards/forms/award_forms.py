"""The award-forms page: the forms an organisation confers, and the year's rules and quotas."""

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from clusters.forms.base import StyledForm, reason_field
from emulation.forms import style_form

from ..models import AwardRule, AwardType, RuleScope


class AwardTypeForm(forms.ModelForm):
    class Meta:
        model = AwardType
        fields = [
            "name",
            "short_name",
            "kind",
            "requires_level",
            "recipient",
            "comprehensive",
            "order",
            "active",
        ]
        labels = {"name": _("Name as printed")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
        # The forms are listed as a table: each field is labelled by its column.
        for bound in self.fields.values():
            bound.widget.attrs.setdefault("aria-label", str(bound.label))
        self.fields["requires_level"].choices = [
            ("", _("none")),
            *[c for c in self.fields["requires_level"].choices if c[0] and c[0] != "none"],
        ]


class BaseAwardTypeFormSet(BaseModelFormSet):
    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        kwargs.setdefault("queryset", AwardType.objects.filter(organizer=organization))
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        names = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            name = (form.cleaned_data.get("name") or "").strip().casefold()
            if name and name in names:
                form.add_error("name", _("Two forms have this name."))
            names.add(name)

    def save_new(self, form, commit=True):
        form.instance.organizer = self.organization
        return super().save_new(form, commit)


AwardTypeFormSet = modelformset_factory(
    AwardType, form=AwardTypeForm, formset=BaseAwardTypeFormSet, extra=1, can_delete=False
)


class AwardRuleForm(forms.ModelForm):
    class Meta:
        model = AwardRule
        fields = ["award_type", "scope", "max_count", "max_percent", "blocking", "regulation"]
        widgets = {"blocking": forms.CheckboxInput()}
        localized_fields = ["max_percent"]

    def __init__(self, *args, award_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = award_types
        style_form(self)
        for bound in self.fields.values():
            bound.widget.attrs.setdefault("aria-label", str(bound.label))

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == RuleScope.SHARE and data.get("max_percent") is None:
            self.add_error("max_percent", _("A share of the members needs the percent."))
        if scope in (RuleScope.CLUSTER, RuleScope.ORGANIZER) and data.get("max_count") is None:
            self.add_error("max_count", _("This quota needs the number of units."))
        if data.get("max_percent") is not None and not 0 <= data["max_percent"] <= 100:
            self.add_error("max_percent", _("A percent between 0 and 100."))
        return data


class BaseAwardRuleFormSet(BaseModelFormSet):
    def __init__(self, *args, organization, year, **kwargs):
        self.organization = organization
        self.year = year
        kwargs.setdefault(
            "queryset",
            AwardRule.objects.filter(organizer=organization, year=year).select_related(
                "award_type"
            ),
        )
        kwargs.setdefault(
            "form_kwargs",
            {"award_types": AwardType.objects.filter(organizer=organization)},
        )
        super().__init__(*args, **kwargs)

    def save_new(self, form, commit=True):
        form.instance.organizer = self.organization
        form.instance.year = self.year
        return super().save_new(form, commit)


AwardRuleFormSet = modelformset_factory(
    AwardRule, form=AwardRuleForm, formset=BaseAwardRuleFormSet, extra=1, can_delete=True
)


class ChangeReasonForm(StyledForm, forms.Form):
    reason = reason_field()
