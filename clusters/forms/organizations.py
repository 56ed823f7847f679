"""Forms of the structure screens. Every change carries a reason or a decision reference that
the history keeps with the user and the time."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from emulation.text import fold

from ..models import (
    RESERVED_ORGANIZATION_CODES,
    Organization,
)
from .base import OrganizationLabelMixin, StyledForm, reason_field
from .pickers import unit_picker, use_picker


class OrganizationCreateForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    parent = forms.ModelChoiceField(label=_("Directly under"), queryset=Organization.objects.none())

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "parent",
            "sector",
            "locality",
            "valid_from",
            "founding_decision",
            "code",
        ]
        help_texts = {
            "code": _(
                "Used in addresses and exports. Leave blank to make it from the name, e.g. "
                "cong-doan-co-so-truong-thpt-bac-binh."
            )
        }
        error_messages = {
            "code": {"invalid": _("Use only letters without diacritics, digits and hyphens.")}
        }

    def __init__(self, *args, parents, allow_root=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        use_picker(self.fields["parent"], unit_picker("placement"))
        # The operator founds the top of the tree (the confederation); everyone else places
        # a unit under one they keep.
        self.fields["parent"].required = not allow_root
        if allow_root:
            self.fields["parent"].help_text = _("Blank for the top of the structure.")
        self.fields["valid_from"].required = True
        self.fields["code"].required = False
        self.label_choices("parent")

    def clean_code(self):
        code = self.cleaned_data.get("code")
        if code in RESERVED_ORGANIZATION_CODES:
            raise forms.ValidationError(_("This code is reserved: choose another."))
        if code:
            return code
        base = slugify(fold(self.cleaned_data.get("name") or ""))[:70].strip("-") or "to-chuc"
        taken = set(
            Organization.objects.filter(code__startswith=base).values_list("code", flat=True)
        )
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        return code

    def clean(self):
        data = super().clean()
        parent, start = data.get("parent"), data.get("valid_from")
        if parent and start and not parent.is_active_on(start):
            self.add_error(
                "parent", _("The parent does not exist on the organisation's first day.")
            )
        return data


class OrganizationEditForm(StyledForm, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Organization
        fields = ["name", "kind", "sector", "locality", "valid_from", "founding_decision"]

        help_texts = {
            "name": _(
                "To correct a typing error only. A new name from a date: use “Rename”, which "
                "keeps the former name for the years before."
            )
        }

    def clean_valid_from(self):
        """A first day that keeps the organisation's dated records inside its life. The
        parent period that began on the old first day moves with it (see `save`)."""
        start = self.cleaned_data.get("valid_from")
        org = self.instance
        old = Organization.objects.get(pk=org.pk).valid_from
        if start is None or start == old:
            return start
        if org.valid_to and start > org.valid_to:
            raise ValidationError(_("The first day comes after the last day."))
        periods = org.parent_periods.filter(Q(valid_from__lt=start) | Q(valid_to__lt=start))
        if old is not None:
            periods = periods.exclude(valid_from=old, valid_to__isnull=True)
            periods = periods.exclude(valid_from=old, valid_to__gte=start)
        year_start = datetime.date(start.year, 1, 1)
        members = org.memberships.filter(
            Q(cluster_year__year__lt=start.year)
            | Q(cluster_year__year=start.year, joined_on__lt=start)
            | (
                Q(cluster_year__year=start.year, joined_on__isnull=True)
                & Q(pk__in=[] if start == year_start else org.memberships.values("pk"))
            )
        )
        names = org.former_names.filter(used_until__lt=start)
        if periods.exists() or members.exists() or names.exists():
            raise ValidationError(
                _(
                    "Its parents, former names or memberships are recorded before %(date)s: "
                    "correct them first."
                )
                % {"date": start.strftime("%d/%m/%Y")}
            )
        return start

    def save(self, commit=True):
        org = super().save(commit=False)
        old = Organization.objects.get(pk=org.pk).valid_from
        if old is not None and org.valid_from != old:
            for period in org.parent_periods.filter(valid_from=old):
                period.valid_from = org.valid_from
                period._change_reason = self.cleaned_data["reason"]
                period.save()
        if commit:
            org.save()
        return org


class RenameForm(StyledForm, forms.Form):
    new_name = forms.CharField(label=_("New name"), max_length=200)
    from_day = forms.DateField(label=_("In use from"))
    reason = reason_field(_("Decision or reason"))


class MoveForm(StyledForm, OrganizationLabelMixin, forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent"), queryset=Organization.objects.none())
    from_day = forms.DateField(label=_("Directly under it from"))
    decision = forms.CharField(label=_("Decision or reason"), max_length=200)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents
        use_picker(self.fields["new_parent"], unit_picker("placement"))
        self.label_choices("new_parent")
