"""Forms of the structure screens. Every change carries a reason or a decision reference that
the history keeps with the user and the time."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form
from emulation.text import fold

from ..models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationStatus,
)


def date_widget():
    """Dates typed as the offices write them, dd/mm/yyyy, whatever the browser's language
    (a native date picker would follow the browser and turn 01/02 into 2 January)."""
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
    )


def reason_field(label=None):
    return forms.CharField(
        label=label or _("Reason for the change"),
        max_length=200,
        help_text=_("Kept in the history with your name and the time."),
    )


class StyledForm:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
        style_form(self)


class OrganizationLabelMixin:
    """Organisation choices print the name and the kind, e.g. for two wards of one name."""

    @staticmethod
    def label(org):
        return f"{org.name} ({org.get_kind_display()})"

    def label_choices(self, *names):
        for name in names:
            self.fields[name].label_from_instance = self.label


class OrganizationCreateForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    parent = forms.ModelChoiceField(label=_("Directly under"), queryset=Organization.objects.none())

    class Meta:
        model = Organization
        fields = ["name", "kind", "parent", "locality", "valid_from", "founding_decision", "code"]
        help_texts = {
            "code": _(
                "Used in addresses and exports. Leave blank to make it from the name, e.g. "
                "cong-doan-co-so-truong-thpt-bac-binh."
            )
        }
        error_messages = {
            "code": {"invalid": _("Use only letters without diacritics, digits and hyphens.")}
        }

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["valid_from"].required = True
        self.fields["code"].required = False
        self.label_choices("parent")

    def clean_code(self):
        code = self.cleaned_data.get("code")
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
        fields = ["name", "kind", "locality", "valid_from", "founding_decision"]

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
        self.label_choices("new_parent")


# Cluster codes that are addresses of their own under /clusters/.
RESERVED_CODES = {"briefings"}


class ClusterForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Cluster
        fields = [
            "organizer",
            "kind",
            "number",
            "name",
            "code",
            "founding_decision",
            "founded_on",
            "ended_on",
        ]
        help_texts = {
            "name": _("e.g. Cụm thi đua số 1"),
            "ended_on": _("Only when the cluster has ended."),
        }

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        self.label_choices("organizer")
        if self.instance.pk:
            # The code is in every address and export: it stays.
            self.fields["code"].disabled = True
        else:
            del self.fields["ended_on"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.instance.pk and code.lower() in RESERVED_CODES:
            raise ValidationError(
                _("The code “%(code)s” is reserved by the application: choose another."),
                params={"code": code},
            )
        return code

    def clean(self):
        data = super().clean()
        founded, ended = data.get("founded_on"), data.get("ended_on")
        if founded and ended and ended < founded:
            self.add_error("ended_on", _("The end comes before the founding."))
        return data


class ClusterYearCreateForm(StyledForm, forms.Form):
    year = forms.IntegerField(label=_("Emulation year"), min_value=2000, max_value=2100)
    reason = reason_field()

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster = cluster

    def clean_year(self):
        year = self.cleaned_data["year"]
        if ClusterYear.objects.filter(cluster=self.cluster, year=year).exists():
            raise ValidationError(_("This year is already recorded for the cluster."))
        if self.cluster.ended_on and self.cluster.ended_on < datetime.date(year, 1, 1):
            raise ValidationError(_("The cluster had ended before that year."))
        return year


class ClusterYearManageForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    """Head and deputy, the persons acting for them, and the handover."""

    reason = reason_field()

    class Meta:
        model = ClusterYear
        fields = [
            "status",
            "head",
            "head_person",
            "head_person_title",
            "deputy",
            "deputy_person",
            "deputy_person_title",
            "handover_on",
            "handover_note",
            "handover_received_by",
        ]
        widgets = {"handover_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("head", "deputy"):
            self.fields[name].queryset = members
        self.label_choices("head", "deputy")
        # Staff open a year that is set up; review, submission and closing come from the
        # year-end meeting and the approval, never from this form.
        status = self.fields["status"]
        if self.instance.status in (ClusterYearStatus.SETUP, ClusterYearStatus.OPEN):
            status.choices = [
                (value, label)
                for value, label in ClusterYearStatus.choices
                if value in (ClusterYearStatus.SETUP, ClusterYearStatus.OPEN)
            ]
        else:
            status.disabled = True

    def clean(self):
        data = super().clean()
        head, deputy = data.get("head"), data.get("deputy")
        if head and deputy and head == deputy:
            self.add_error("deputy", _("The head and the deputy must be different units."))
        handover = data.get("handover_on")
        cy = self.instance
        if handover and not (datetime.date(cy.year - 1, 1, 1) <= handover <= cy.as_of):
            self.add_error(
                "handover_on",
                _("The handover falls in the year before (at its review meeting) or in this one."),
            )
        return data


class MembershipForm(StyledForm, OrganizationLabelMixin, forms.ModelForm):
    reason = reason_field()

    class Meta:
        model = Membership
        fields = ["organization", "joined_on", "left_on", "note"]

    def __init__(self, *args, cluster_year, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year
        if self.instance.pk:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = candidates
            self.label_choices("organization")
            del self.fields["left_on"]

    def clean(self):
        data = super().clean()
        cy = self.cluster_year
        for name in ("joined_on", "left_on"):
            day = data.get(name)
            if day and not (cy.first_day <= day <= cy.as_of):
                self.add_error(
                    name,
                    _("The date must fall within the year (%(start)s – %(end)s).")
                    % {
                        "start": cy.first_day.strftime("%d/%m/%Y"),
                        "end": cy.as_of.strftime("%d/%m/%Y"),
                    },
                )
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("A unit cannot leave before it joins."))
        org = data.get("organization") or (self.instance.organization if self.instance.pk else None)
        if org is None:
            return data
        if not self.instance.pk and cy.memberships.filter(organization=org).exists():
            self.add_error("organization", _("This unit is already a member of the year."))
        start = joined or max(cy.first_day, org.valid_from or cy.first_day)
        if not org.is_active_on(start):
            self.add_error(
                "joined_on",
                _("The unit does not exist on that day: it exists from %(start)s to %(end)s.")
                % {
                    "start": org.valid_from.strftime("%d/%m/%Y") if org.valid_from else "…",
                    "end": org.valid_to.strftime("%d/%m/%Y") if org.valid_to else "…",
                },
            )
        elif org.valid_from and org.valid_from > cy.first_day and joined is None:
            data["joined_on"] = org.valid_from  # founded during the year: it joins then
        if left and not org.is_active_on(left):
            self.add_error("left_on", _("The unit no longer exists on that day."))
        if left and org.pk in (cy.head_id, cy.deputy_id):
            self.add_error(
                "left_on",
                _("The head or deputy unit cannot leave: record another head or deputy first."),
            )
        return data


class RestructureForm(StyledForm, OrganizationLabelMixin, forms.Form):
    ended = forms.ModelMultipleChoiceField(
        label=_("Organisations that end"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl to choose several."),
    )
    last_day = forms.DateField(label=_("Their last day"))
    status = forms.ChoiceField(
        label=_("They are"),
        choices=[
            (OrganizationStatus.ENDED, _("Ended (merged or reorganised)")),
            (OrganizationStatus.DISSOLVED, _("Dissolved")),
        ],
    )
    successors = forms.ModelMultipleChoiceField(
        label=_("Successors"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_(
            "They take over the duties of each organisation that ends; the units below move to "
            "the first one unless you choose otherwise in the preview."
        ),
    )
    decision = forms.CharField(
        label=_("Decision reference"),
        max_length=200,
        help_text=_("e.g. Nghị quyết số 202/2025/QH15 ngày 12/6/2025"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, endable, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended"].queryset = endable
        self.fields["successors"].queryset = successors
        self.label_choices("ended", "successors")


class RevertForm(StyledForm, forms.Form):
    reason = reason_field(_("Why it is undone"))
