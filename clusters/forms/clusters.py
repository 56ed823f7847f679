"""The head's page: who acts for the head and deputy, and how the cluster's documents are
headed and signed."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import ClusterYear


class HeadSettingsForm(forms.ModelForm):
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
        ]
