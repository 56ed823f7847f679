"""Forms of an organisation's officers page and of a person's own account."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import OfficerRole
from .base import StyledForm, reason_field

PASSWORD_LINK = "link"
PASSWORD_PRINTED = "printed"


def _role_choices(viewers_only: bool):
    if viewers_only:
        return [(OfficerRole.VIEWER, OfficerRole.VIEWER.label)]
    return OfficerRole.choices


class OfficerCreateForm(StyledForm, forms.Form):
    full_name = forms.CharField(
        label=_("Full name (Họ và tên)"),
        max_length=150,
        help_text=_("As it prints on documents, family name first."),
    )
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.@+-]+$",
        max_length=150,
        required=False,
        help_text=_("Left blank: proposed from the name (e.g. annv for Nguyễn Văn An)."),
        error_messages={"invalid": _("Letters without diacritics, digits and . _ - only.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    title = forms.CharField(
        label=_("Position"),
        max_length=120,
        required=False,
        help_text=_('As printed on documents, e.g. "Phó Chủ tịch".'),
    )
    role = forms.ChoiceField(label=_("Role"), choices=OfficerRole.choices)
    valid_from = forms.DateField(label=_("From"))
    valid_until = forms.DateField(label=_("Until"), required=False)
    password = forms.ChoiceField(
        label=_("Password"),
        choices=[
            (PASSWORD_PRINTED, _("Print a one-time password to hand over")),
            (PASSWORD_LINK, _("E-mail a link to choose a password")),
        ],
        initial=PASSWORD_PRINTED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, viewers_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(viewers_only)
        self.fields["role"].initial = OfficerRole.VIEWER if viewers_only else OfficerRole.STAFF
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") == PASSWORD_LINK and not cleaned.get("email"):
            self.add_error("email", _("A link is sent by e-mail: enter the address."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A role cannot end before it begins."))
        return cleaned


class RoleAddForm(StyledForm, forms.Form):
    """A role for an account that exists: a person moving here, or a later role here."""

    username = forms.CharField(label=_("Username of the existing account"), max_length=150)
    title = forms.CharField(label=_("Position"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=OfficerRole.choices)
    valid_from = forms.DateField(label=_("From"))
    valid_until = forms.DateField(label=_("Until"), required=False)
    reason = reason_field()

    def __init__(self, *args, viewers_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(viewers_only)
        self.fields["valid_from"].initial = timezone.localdate()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("No account has this username."))
        self.user = user
        return username


class RoleEndForm(StyledForm, forms.Form):
    last_day = forms.DateField(
        label=_("Last day of the role"),
        help_text=_("Write rights end the next day; what the organisation did stays readable."),
    )
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_day"].initial = timezone.localdate()


class PasswordForm(StyledForm, forms.Form):
    password = forms.ChoiceField(
        label=_("New password"),
        choices=[
            (PASSWORD_PRINTED, _("Print a one-time password to hand over")),
            (PASSWORD_LINK, _("E-mail a link to choose a password")),
        ],
        initial=PASSWORD_PRINTED,
        widget=forms.RadioSelect,
    )


class ActiveForm(StyledForm, forms.Form):
    reason = reason_field()


class ProfileForm(StyledForm, forms.Form):
    full_name = forms.CharField(label=_("Full name (Họ và tên)"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class ImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV (UTF-8), in the layout of the template."),
    )
    reason = reason_field(_("Decision or reason"))
