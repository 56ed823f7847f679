"""Forms of the organiser's proposals inbox and of a nomination's dossier."""

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form

from ..models import AwardType
from ..services.approval import KIND_RANK

REASON_REQUIRED = ("return", "reject")


class BulkActionForm(forms.Form):
    """One action with one reason on the rows ticked in the inbox."""

    ACTIONS = [
        ("approve", _("Approve")),
        ("return", _("Return for supplement")),
        ("reject", _("Reject")),
    ]

    select = forms.ModelMultipleChoiceField(
        label=_("Nominations"),
        queryset=None,
        error_messages={
            "required": _("Select at least one nomination."),
            "invalid_choice": _("A selected nomination is not one you decide on."),
            "invalid_pk_value": _("A selected nomination is not one you decide on."),
        },
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("Choose an action")), *ACTIONS],
        error_messages={"required": _("Choose an action.")},
    )
    reason = forms.CharField(
        label=_("Reason (required to return or reject)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["select"].queryset = nominations
        style_form(self)

    def clean(self):
        data = super().clean()
        if data.get("action") in REASON_REQUIRED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason: the cluster head reads it."))
        return data


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve-%s")
        super().__init__(*args, **kwargs)
        style_form(self)


class ReasonForm(forms.Form):
    """Reject or return for supplement: the reason goes to the cluster head."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: the cluster head reads it.")},
    )

    def __init__(self, *args, prefix_id="reason", **kwargs):
        kwargs.setdefault("auto_id", prefix_id + "-%s")
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason: the cluster head reads it."))
        return reason


class DowngradeForm(ReasonForm):
    """Approve a lower form than proposed. Any form the cluster may receive is accepted here
    and the service refuses one that is not lower, with its own message; the list offers only
    the lower ones."""

    award_type = forms.ModelChoiceField(
        label=_("Lower form"),
        queryset=AwardType.objects.none(),
        error_messages={
            "required": _("Choose the lower form."),
            "invalid_choice": _("This form is not available to the cluster."),
        },
    )
    field_order = ["award_type", "reason"]

    def __init__(self, *args, award_types, proposed: AwardType, **kwargs):
        kwargs.setdefault("prefix_id", "downgrade")
        super().__init__(*args, **kwargs)
        field = self.fields["award_type"]
        field.queryset = award_types
        self.lower = lower_forms(award_types, proposed)
        field.widget.choices = [("", "---------")] + [(t.pk, t.name) for t in self.lower]


def lower_forms(award_types, proposed: AwardType) -> list[AwardType]:
    """The forms the staff may grant instead of `proposed`: ranked lower, same recipients."""
    rank = KIND_RANK[proposed.kind]
    return [
        t
        for t in award_types
        if t.recipient == proposed.recipient and KIND_RANK[t.kind] > rank and t.pk != proposed.pk
    ]


ACTION_FORMS = {
    "approve": ApproveForm,
    "reject": ReasonForm,
    "return": ReasonForm,
    "downgrade": DowngradeForm,
}
