"""Forms of the structure screens. Every change carries a reason or a decision reference that
the history keeps with the user and the time."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from .models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
                field.widget = DATE
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
        fields = ["name", "code", "kind", "locality", "valid_from", "founding_decision"]
        help_texts = {"code": _("Short, without diacritics, e.g. cdcs-truong-thpt-bac-binh.")}

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["valid_from"].required = True
        self.label_choices("parent")

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
        if org is not None and not self.instance.pk:
            if cy.memberships.filter(organization=org).exists():
                self.add_error("organization", _("This unit is already a member of the year."))
            start = joined or cy.first_day
            if not (org.is_active_on(start) or org.is_active_on(cy.as_of)):
                self.add_error("organization", _("This unit does not exist during the year."))
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


def active_federations():
    """Organisations that may succeed or take in units: every active body above grassroots."""
    return Organization.objects.filter(
        status=OrganizationStatus.ACTIVE, valid_to__isnull=True
    ).exclude(kind__in=[OrganizationKind.GRASSROOTS, OrganizationKind.GUILD])
