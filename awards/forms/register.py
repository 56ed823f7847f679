"""Forms of the decisions and the award register: recording a decision, revoking an award."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.forms.base import StyledForm

# A scanned decision: a PDF or a photograph, at most 10 MB, its first bytes matching the type.
SCAN_SIGNATURES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
    ".jpeg": b"\xff\xd8",
}
SCAN_MAX_BYTES = 10 * 1024 * 1024


class NominationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, nomination):
        return f"{nomination.organization.name} – {nomination.final_type.label}"


class DecisionForm(StyledForm, forms.Form):
    number = forms.CharField(
        label=_("Decision number"),
        max_length=40,
        help_text=_('e.g. "125/QĐ-LĐLĐ"'),
    )
    signed_on = forms.DateField(label=_("Date signed"))
    signer = forms.CharField(label=_("Signed by"), max_length=120)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=120,
        required=False,
        help_text=_('e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"'),
    )
    scan = forms.FileField(
        label=_("Scan of the signed decision"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
    )
    early_reason = forms.CharField(
        label=_("Why the decision is dated before the proposal"),
        max_length=300,
        required=False,
        help_text=_("Kept in the decision's history with your name and the time."),
    )
    nominations = NominationChoiceField(
        label=_("Nominations granted"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one approved nomination.")},
    )

    def __init__(self, *args, grantable, decidable, **kwargs):
        """`grantable`: the checklist (the nominations awaiting this decision); `decidable`:
        what a posted id may name – wider, so that a nomination decided meanwhile gets the
        service's clear refusal rather than "not one of the available choices"."""
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = decidable
        self.grantable = list(grantable)
        if not self.is_bound:
            self.initial.setdefault("nominations", [n.pk for n in self.grantable])

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return upload
        name = upload.name.lower()
        extension = name[name.rfind(".") :] if "." in name else ""
        if extension not in SCAN_SIGNATURES:
            raise forms.ValidationError(_("The scan must be a PDF, JPG or PNG file."))
        if upload.size > SCAN_MAX_BYTES:
            raise forms.ValidationError(_("A file may be at most 10 MB."))
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(SCAN_SIGNATURES[extension]):
            raise forms.ValidationError(_("The file's content does not match its type."))
        return upload

    def checked_ids(self) -> set[int]:
        """The nominations ticked in the checklist: as posted, or all of them at first."""
        if self.is_bound:
            return {int(v) for v in self.data.getlist("nominations") if str(v).isdigit()}
        return set(self.initial.get("nominations") or ())


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )
    decision_reference = forms.CharField(
        label=_("Revoking decision"),
        max_length=120,
        help_text=_('e.g. "Quyết định số 30/QĐ-LĐLĐ ngày 02/5/2025"'),
        error_messages={"required": _("Give the decision that revokes the award.")},
    )
