"""The head's page: who acts for the head and deputy, and how the cluster's documents are
headed, numbered and signed."""

from django import forms
from django.utils.translation import gettext_lazy

from ..documents.admin_format import proposed_short_issuer
from ..models import ClusterYear, Meeting, MeetingKind
from .base import date_widget

# Set before printing the summary report, until the year is closed.
SUMMARY_FIELDS = ("summary_number", "summary_date")


class HeadSettingsForm(forms.ModelForm):
    use_short_issuer = forms.BooleanField(
        required=False,
        label=gettext_lazy("Use the short form in the header"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=200,
        help_text=gettext_lazy("Kept in the history with your name and the time."),
    )

    class Meta:
        model = ClusterYear
        fields = [
            "head_person",
            "head_person_title",
            "deputy_person",
            "deputy_person_title",
            "header_parent_line",
            "header_issuer_line",
            "signer_label",
            "number_suffix",
            *SUMMARY_FIELDS,
        ]
        widgets = {"summary_date": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cluster_year = self.instance
        # The short form of a cluster name too long for the left header block, offered for
        # the head to accept; stored as the issuer line, so every header uses it.
        self.short_issuer = proposed_short_issuer(cluster_year)
        if self.short_issuer:
            self.fields["use_short_issuer"].help_text = gettext_lazy(
                "The cluster's name takes more than three lines in the left header block. "
                "Short form: %(short)s"
            ) % {"short": self.short_issuer.upper()}
        else:
            del self.fields["use_short_issuer"]
        # A closed year's report is printed and filed: its number and date stay as they are.
        if cluster_year.is_closed:
            for name in SUMMARY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = gettext_lazy(
                    "The year is closed: the report's number and date can no longer change."
                )

    def clean_summary_date(self):
        day = self.cleaned_data.get("summary_date")
        if day is None:
            return day
        review = (
            Meeting.objects.filter(cluster_year=self.instance, kind=MeetingKind.REVIEW)
            .values_list("held_on", flat=True)
            .first()
        )
        if review is not None and day < review:
            raise forms.ValidationError(
                gettext_lazy(
                    "The report is adopted at the review of %(day)s: it cannot be dated before."
                )
                % {"day": review.strftime("%d/%m/%Y")}
            )
        if day.year not in (self.instance.year, self.instance.year + 1):
            raise forms.ValidationError(
                gettext_lazy("The report is dated in %(year)s or the year after.")
                % {"year": self.instance.year}
            )
        return day

    def save(self, commit=True):
        if self.cleaned_data.get("use_short_issuer") and self.short_issuer:
            self.instance.header_issuer_line = self.short_issuer
        return super().save(commit)
