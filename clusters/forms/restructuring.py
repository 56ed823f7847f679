"""Forms of the restructuring screens: ending organisations with their successors, and
undoing a restructuring."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Organization,
    OrganizationStatus,
)
from .base import OrganizationLabelMixin, StyledForm, reason_field
from .pickers import unit_picker, use_picker


class RestructureForm(StyledForm, OrganizationLabelMixin, forms.Form):
    ended = forms.ModelMultipleChoiceField(
        label=_("Organisations that end"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Type to search; choose them one after the other."),
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
        use_picker(self.fields["ended"], unit_picker("managed", multiple=True))
        self.fields["successors"].queryset = successors
        use_picker(self.fields["successors"], unit_picker("placement", multiple=True))
        self.label_choices("ended", "successors")


class RevertForm(StyledForm, forms.Form):
    reason = reason_field(_("Why it is undone"))
