"""An organisation's officers: the staff who keep the organisation manage all of them, its own
managers its viewers; other readers of the organisation get 403, everyone else 404.

Accounts are created with a role, given a later role, ended on a date, given a new password
(a one-time password printed once, or a set-password link by e-mail) and deactivated – never
deleted. Every change asks for a reason and is kept with who and when."""

from __future__ import annotations

import datetime

from axes.models import AccessLog
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.officers import (
    PASSWORD_LINK,
    ActiveForm,
    OfficerCreateForm,
    PasswordForm,
    RoleAddForm,
    RoleEndForm,
)
from ..models import Officer
from ..permissions import officers_page_organization
from ..services.people import (
    add_role,
    create_account,
    end_role,
    send_password_link,
    set_active,
    set_one_time_password,
)

TEMPLATES = "structure/officers/"


def _back(organization):
    return redirect("structure:officer_list", code=organization.code)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _officer(organization, rights, pk) -> Officer:
    officer = get_object_or_404(
        Officer.objects.select_related("user", "organization"), pk=pk, organization=organization
    )
    if not rights.may_manage(officer):
        raise PermissionDenied
    return officer


@login_required
def officer_list(request, code):
    organization, rights = officers_page_organization(request.user, code)
    today = timezone.localdate()
    current = Q(valid_from__isnull=True) | Q(valid_from__lte=today)
    current &= Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    officers = (
        Officer.objects.filter(organization=organization)
        .select_related("user", "user__person")
        .annotate(
            ended=Case(When(current, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("ended", "user__first_name", "-valid_from")
    )
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    rows = [
        {"officer": o, "current": o.is_current(today), "manageable": rights.may_manage(o)}
        for o in page
    ]
    return render(
        request,
        TEMPLATES + "list.html",
        {"organization": organization, "rights": rights, "rows": rows, "page": page},
    )


def _credential_page(request, organization, officer, password):
    return render(
        request,
        TEMPLATES + "credentials.html",
        {
            "organization": organization,
            "credentials": [
                {
                    "unit": organization.name,
                    "full_name": officer.user.get_full_name(),
                    "username": officer.user.get_username(),
                    "password": password,
                }
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_create(request, code):
    organization, rights = officers_page_organization(request.user, code)
    form = OfficerCreateForm(request.POST or None, viewers_only=not rights.manage_all)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            officer = create_account(
                organization=organization,
                full_name=data["full_name"],
                username=data["username"],
                email=data["email"],
                phone=data["phone"],
                title=data["title"],
                role=data["role"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                by=request.user,
                reason=_("Account created"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if data["password"] == PASSWORD_LINK:
                send_password_link(officer.user, request=request)
                messages.success(
                    request,
                    _(
                        "The account %(username)s was created; a link to choose a password was "
                        "sent to %(email)s."
                    )
                    % {"username": officer.user.get_username(), "email": officer.user.email},
                )
                return _back(organization)
            password = set_one_time_password(officer.user, by=request.user)
            return _credential_page(request, organization, officer, password)
    return render(
        request,
        TEMPLATES + "form.html",
        {"organization": organization, "form": form, "title": _("New officer")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_add_role(request, code):
    organization, rights = officers_page_organization(request.user, code)
    form = RoleAddForm(request.POST or None, viewers_only=not rights.manage_all)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_role(
                user=form.user,
                organization=organization,
                role=data["role"],
                title=data["title"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                by=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The role was added."))
            return _back(organization)
    return render(
        request,
        TEMPLATES + "form.html",
        {
            "organization": organization,
            "form": form,
            "title": _("A role for an existing account"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_end(request, code, pk):
    organization, rights = officers_page_organization(request.user, code)
    officer = _officer(organization, rights, pk)
    form = RoleEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end_role(
                officer,
                last_day=form.cleaned_data["last_day"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The role was ended."))
            return _back(organization)
    return render(
        request,
        TEMPLATES + "form.html",
        {
            "organization": organization,
            "form": form,
            "officer": officer,
            "title": _("End the role of %(name)s")
            % {"name": officer.user.get_full_name() or officer.user.get_username()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_password(request, code, pk):
    organization, rights = officers_page_organization(request.user, code)
    officer = _officer(organization, rights, pk)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["password"] == PASSWORD_LINK:
            try:
                send_password_link(officer.user, request=request)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("A link to choose a password was sent to %(email)s.")
                    % {"email": officer.user.email},
                )
                return _back(organization)
        else:
            password = set_one_time_password(
                officer.user, by=request.user, reason=_("Password reset by the staff")
            )
            return _credential_page(request, organization, officer, password)
    return render(
        request,
        TEMPLATES + "form.html",
        {
            "organization": organization,
            "form": form,
            "officer": officer,
            "title": _("New password for %(name)s")
            % {"name": officer.user.get_full_name() or officer.user.get_username()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_active(request, code, pk):
    """Deactivate the account (it cannot log in any more, nothing is deleted), or activate
    it again."""
    organization, rights = officers_page_organization(request.user, code)
    officer = _officer(organization, rights, pk)
    user = officer.user
    form = ActiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_active(
                user,
                active=not user.is_active,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The account was activated.")
                if user.is_active
                else _("The account was deactivated."),
            )
            return _back(organization)
    name = user.get_full_name() or user.get_username()
    return render(
        request,
        TEMPLATES + "form.html",
        {
            "organization": organization,
            "form": form,
            "officer": officer,
            "title": (
                _("Deactivate the account of %(name)s")
                if user.is_active
                else _("Activate the account of %(name)s")
            )
            % {"name": name},
        },
    )


@login_required
def officer_logins(request, code):
    """Who of the organisation's officers logged in when (the last year)."""
    organization, rights = officers_page_organization(request.user, code)
    usernames = Officer.objects.filter(organization=organization).values("user__username")
    since = timezone.now() - datetime.timedelta(days=366)
    logs = AccessLog.objects.filter(username__in=usernames, attempt_time__gte=since).order_by(
        "-attempt_time"
    )
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        TEMPLATES + "logins.html",
        {
            "organization": organization,
            "page": page,
            "back": reverse("structure:officer_list", args=[code]),
        },
    )
