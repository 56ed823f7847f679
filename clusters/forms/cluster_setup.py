"""Forms of the screens that set clusters up: a cluster, its first year, a cluster-year's
head, deputy and handover, and its members. Every change carries a reason kept in the
history."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import (
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Membership,
)
from .base import OrganizationLabelMixin, StyledForm, reason_field
from .pickers import candidate_picker, member_picker, unit_picker, use_picker

# Cluster codes that are addresses of their own: under /clusters/ (briefings) and /awards/
# (the award forms, /awards/types/<organisation>/).
RESERVED_CODES = {"briefings", "types"}


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
        use_picker(self.fields["organizer"], unit_picker("placement"))
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
            use_picker(self.fields[name], member_picker(self.instance))
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
            use_picker(self.fields["organization"], candidate_picker(cluster_year))
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


class MembershipBatchForm(StyledForm, forms.Form):
    """Many units added to a cluster-year at once, with one reason and one joining date."""

    joined_on = forms.DateField(
        label=_("Joining date"),
        required=False,
        help_text=_("Blank: members from the start of the year."),
    )
    reason = reason_field(_("Decision or reason"))
    everything = forms.BooleanField(
        label=_("Every unit that matches the filter (on every page)"), required=False
    )

    def __init__(self, *args, cluster_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year

    def clean_joined_on(self):
        day = self.cleaned_data.get("joined_on")
        cy = self.cluster_year
        if day and not (cy.first_day <= day <= cy.as_of):
            raise forms.ValidationError(
                _("The date must fall within the year (%(start)s – %(end)s).")
                % {
                    "start": cy.first_day.strftime("%d/%m/%Y"),
                    "end": cy.as_of.strftime("%d/%m/%Y"),
                }
            )
        return day
