"""Forms of the briefings: the meeting with its heads' attendance, the numbered conclusions,
and one cluster's follow-up."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..models import (
    Conclusion,
    FollowUpStatus,
    Meeting,
    MeetingKind,
    Membership,
    Organization,
)
from ..services.briefings import OVERDUE, follow_up_state
from .base import StyledForm, reason_field


def time_widget():
    return forms.TimeInput(
        format="%H:%M",
        attrs={"placeholder": _("hh:mm"), "inputmode": "numeric", "autocomplete": "off"},
    )


class BriefingForm(StyledForm, forms.ModelForm):
    """A briefing or interim review of one organiser's cluster heads in one year."""

    reason = reason_field()

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "held_on",
            "starts_at",
            "ends_at",
            "place",
            "host",
            "chair",
            "chair_title",
            "secretary",
            "secretary_title",
            "guests",
            "agenda",
            "status",
        ]
        widgets = {
            "guests": forms.Textarea(attrs={"rows": 3}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "starts_at": time_widget(),
            "ends_at": time_widget(),
        }
        labels = {"title": _("Name of the meeting")}
        help_texts = {
            "title": _("Left blank, the kind and the date name the meeting."),
            "chair_title": _("e.g. Chủ tịch Liên đoàn Lao động thành phố"),
        }

    def __init__(self, *args, organizer: Organization, year: int, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer, self.year = organizer, year
        self.instance.organizer = organizer
        self.instance.year = year
        self.fields["kind"].choices = [
            (value, label)
            for value, label in MeetingKind.choices
            if value in (MeetingKind.BRIEFING, MeetingKind.INTERIM)
        ]
        # The host: the organiser, or one of the units of its clusters that year.
        units = Membership.objects.filter(
            cluster_year__cluster__organizer=organizer, cluster_year__year=year
        ).values("organization_id")
        self.fields["host"].queryset = Organization.objects.filter(
            Q(pk=organizer.pk) | Q(pk__in=units)
        ).order_by("name")
        self.fields["host"].empty_label = _("The organiser")
        if creating:
            self.fields["reason"].required = False
            del self.fields["status"]

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if not datetime.date(self.year, 1, 1) <= day <= datetime.date(self.year + 1, 3, 31):
            raise ValidationError(
                _(
                    "A meeting of the emulation year %(year)s is held during that year or in "
                    "the first quarter after it."
                ),
                params={"year": self.year},
            )
        return day

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting cannot close before it starts."))
        return data


class AttendanceForm(StyledForm, forms.Form):
    """A head unit at the briefing."""

    present = forms.BooleanField(label=_("Present"), required=False)
    representative = forms.CharField(label=_("Representative"), max_length=120, required=False)
    representative_title = forms.CharField(label=_("Their title"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("present") and not data.get("representative"):
            self.add_error(
                "representative", _("Name the person who represented the unit at the meeting.")
            )
        return data


class ConclusionForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Conclusion
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["owner"].help_text = ""

    def clean_text(self):
        return " ".join(self.cleaned_data["text"].split())

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due < self.meeting.held_on:
            raise ValidationError(
                _("The due date comes before the meeting (%(date)s)."),
                params={"date": self.meeting.held_on.strftime("%d/%m/%Y")},
            )
        return due


class BaseConclusionFormSet(forms.BaseModelFormSet):
    """The conclusions in the order of their numbers: a row moves by changing its number, and
    the numbers are then given again from 1. A conclusion the clusters have reported on
    stays."""

    def __init__(self, *args, meeting: Meeting, reported: set[int], **kwargs):
        self.meeting = meeting
        self.reported = reported
        kwargs.setdefault("queryset", meeting.conclusions.order_by("number"))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "meeting": self.meeting}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        order = form.fields["ORDER"]
        order.label = _("No.")
        order.min_value = 1
        order.widget.attrs.update({"class": "form-control", "min": 1, "style": "width: 5em"})
        form.fields["DELETE"].label = _("Remove")
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for position, form in enumerate(self.ordered_forms, start=1):
            key = form.cleaned_data["text"].casefold()
            if key in seen:
                form.add_error(
                    "text",
                    _("The same conclusion is already number %(number)s.") % {"number": seen[key]},
                )
            else:
                seen[key] = position
        for form in self.deleted_forms:
            if form.instance.pk in self.reported:
                raise ValidationError(
                    _(
                        "Conclusion %(number)s already has follow-up reported by the clusters: "
                        "it cannot be removed. Change its text instead."
                    ),
                    params={"number": form.instance.number},
                )

    def rows(self):
        """(id or None, text, owner, due date) in the new order."""
        return [
            (
                form.instance.pk,
                form.cleaned_data["text"],
                form.cleaned_data.get("owner") or "",
                form.cleaned_data.get("due_on"),
            )
            for form in self.ordered_forms
        ]

    def removed(self) -> list[int]:
        return [form.instance.pk for form in self.deleted_forms if form.instance.pk]


ConclusionFormSet = forms.modelformset_factory(
    Conclusion,
    form=ConclusionForm,
    formset=BaseConclusionFormSet,
    extra=3,
    can_delete=True,
    can_order=True,
    max_num=60,
    validate_max=True,
)


class FollowUpForm(forms.Form):
    """One cluster on one conclusion."""

    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, conclusion: Conclusion, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.conclusion = conclusion
        self.today = today
        style_form(self)

    def clean_note(self):
        return " ".join(self.cleaned_data["note"].split())

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status is None:
            return data
        late = follow_up_state(status, self.conclusion.due_on, self.today) == OVERDUE
        if late and not data.get("note"):
            self.add_error(
                "note",
                _("The due date has passed: say where the work stands and what holds it up."),
            )
        return data
