"""A person's own account: name, e-mail and phone, the password (a one-time password must be
changed at the first login), and the recent logins. The password reset by e-mail is Django's
own, in Vietnamese."""

from __future__ import annotations

from axes.models import AccessLog
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from emulation.forms import style_form

from ..forms.officers import ProfileForm
from ..models import Person
from ..services.people import password_changed, update_profile

MUST_CHANGE = "must_change_password"


def remember_password_duty(sender, request, user, **kwargs):
    """At login: whether the person logs in with a one-time password (kept in the session,
    so that pages need no query to know)."""
    if request is not None and hasattr(request, "session"):
        must = Person.objects.filter(user=user, must_change_password=True).exists()
        request.session[MUST_CHANGE] = must


@login_required
def profile(request):
    user = request.user
    person = Person.objects.filter(user=user).first()
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.get_full_name(),
            "email": user.email,
            "phone": person.phone if person else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(user, by=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("account_profile")
    logins = AccessLog.objects.filter(username=user.get_username()).order_by("-attempt_time")[:10]
    roles = user.officer_roles.select_related("organization").order_by("-valid_from")
    return render(
        request,
        "registration/profile.html",
        {"form": form, "logins": logins, "roles": roles},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; afterwards no one-time password is left to change."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("dashboard")

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request.user)
        self.request.session[MUST_CHANGE] = False
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_set_email.txt"
    subject_template_name = "registration/password_set_subject.txt"

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(form.user)
        return response
