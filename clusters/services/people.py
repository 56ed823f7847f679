"""Accounts and officer roles, kept by the organisations' own staff: creating a person's
account with a role, a later role for the same person, ending a role on a date, one-time
passwords and set-password links, deactivating an account (never deleting it). Every change is
recorded with who and why (simple-history)."""

from __future__ import annotations

import datetime
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from emulation.text import fold

from ..models import Officer, OfficerRole, Organization, Person
from .history import stamp

User = get_user_model()

# Letters and digits that cannot be mistaken for one another on a printed slip.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def clean_full_name(full_name: str) -> str:
    """A name as typed, with its spaces tidied: "Nguyễn  Văn An " → "Nguyễn Văn An"."""
    return " ".join((full_name or "").split())


def propose_username(full_name: str, taken=None) -> str:
    """The username offices use: the given name followed by the initials of the family and
    middle names, without diacritics ("Nguyễn Văn An" → "annv"), numbered when taken."""
    words = [w for w in re.split(r"[^a-z0-9]+", fold(clean_full_name(full_name))) if w]
    if not words:
        base = "canbo"
    else:
        base = words[-1] + "".join(w[0] for w in words[:-1])
    base = base[:140]
    taken = taken if taken is not None else set()
    candidates = [base] + [f"{base}{n}" for n in range(2, 1000)]
    existing = set(
        User.objects.filter(username__regex=rf"^{re.escape(base)}[0-9]*$").values_list(
            "username", flat=True
        )
    )
    for candidate in candidates:
        if candidate not in existing and candidate not in taken:
            return candidate
    return f"{base}{secrets.randbelow(10**6)}"


def one_time_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))


def person_of(user) -> Person:
    person, _created = Person.objects.get_or_create(user=user)
    return person


def _check_period(valid_from, valid_until) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("A role cannot end before it begins.")}, code="period_order"
        )


def _check_no_overlap(user, organization, valid_from, valid_until, exclude=None) -> None:
    """One role at a time per person and organisation: a later role begins after the earlier
    one ended."""
    if user is None or user.pk is None:
        return
    clash = (
        Officer.objects.select_for_update()
        .filter(user=user, organization=organization)
        .overlapping(valid_from, valid_until)
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.first()
    if other is not None:
        raise ValidationError(
            _(
                "%(name)s already holds a role at %(organization)s %(period)s: a later role "
                "begins after that one ends."
            )
            % {
                "name": user.get_full_name() or user.get_username(),
                "organization": organization.name,
                "period": period_text(other),
            },
            code="overlap",
        )


def period_text(officer: Officer) -> str:
    start = officer.valid_from.strftime("%d/%m/%Y") if officer.valid_from else "…"
    end = officer.valid_until.strftime("%d/%m/%Y") if officer.valid_until else "…"
    return _("from %(start)s until %(end)s") % {"start": start, "end": end}


@transaction.atomic
def create_account(
    *,
    organization: Organization,
    full_name: str,
    username: str = "",
    email: str = "",
    phone: str = "",
    title: str = "",
    role: str = OfficerRole.STAFF,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    by,
    reason: str = "",
) -> Officer:
    """A new person's account with its role at `organization`. The account has no usable
    password until a one-time password is set or the person follows a set-password link."""
    full_name = clean_full_name(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    username = (username or "").strip() or propose_username(full_name)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("The username %(name)s is taken.") % {"name": username}}
        )
    valid_from = valid_from or timezone.localdate()
    _check_period(valid_from, valid_until)
    reason = reason or _("Account created")
    user = User(username=username, first_name=full_name, email=(email or "").strip())
    user.set_unusable_password()
    stamp(user, by, reason)
    user.save()
    person = Person(user=user, phone=(phone or "").strip())
    stamp(person, by, reason)
    person.save()
    officer = Officer(
        user=user,
        organization=organization,
        role=role,
        title=(title or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    stamp(officer, by, reason)
    officer.save()
    return officer


@transaction.atomic
def add_role(
    *,
    user,
    organization: Organization,
    role: str,
    title: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    by,
    reason: str = "",
) -> Officer:
    """A role for an existing account: at another organisation, or a later one here."""
    valid_from = valid_from or timezone.localdate()
    _check_period(valid_from, valid_until)
    _check_no_overlap(user, organization, valid_from, valid_until)
    officer = Officer(
        user=user,
        organization=organization,
        role=role,
        title=(title or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    stamp(officer, by, reason or _("Role added"))
    officer.save()
    return officer


@transaction.atomic
def end_role(officer: Officer, *, last_day: datetime.date, by, reason: str) -> Officer:
    """The role ends on `last_day`: its write rights end the next day; what the organisation
    did meanwhile stays readable to the person."""
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if officer.valid_from and last_day < officer.valid_from:
        raise ValidationError(
            {
                "last_day": _("The role began on %(date)s: it cannot end before.")
                % {"date": officer.valid_from.strftime("%d/%m/%Y")}
            }
        )
    _check_no_overlap(officer.user, officer.organization, officer.valid_from, last_day, officer)
    officer.valid_until = last_day
    stamp(officer, by, reason)
    officer.save()
    return officer


@transaction.atomic
def set_one_time_password(user, *, by, reason: str = "") -> str:
    """A password to hand to the person on paper; it must be changed at the next login."""
    password = one_time_password()
    user.set_password(password)
    stamp(user, by, reason or _("One-time password set"))
    user.save()
    person = person_of(user)
    person.must_change_password = True
    stamp(person, by, reason or _("One-time password set"))
    person.save()
    return password


def send_password_link(user, *, request=None) -> None:
    """E-mail the person a link to choose a password (Django's password reset, in
    Vietnamese)."""
    if not user.email:
        raise ValidationError(_("The account has no e-mail address: print a one-time password."))
    form = PasswordResetForm({"email": user.email})
    form.is_valid()
    site = settings.SITE_URL.split("://", 1)
    with translation.override("vi"):
        # Only this account: PasswordResetForm would also write to every account sharing
        # the address.
        context = {
            "email": user.email,
            "domain": site[-1].rstrip("/"),
            "site_name": _("Emulation clusters"),
            "uid": _uid(user),
            "user": user,
            "token": _token(user),
            "protocol": site[0] if len(site) == 2 else "https",
        }
        form.send_mail(
            "registration/password_set_subject.txt",
            "registration/password_set_email.txt",
            context,
            settings.DEFAULT_FROM_EMAIL,
            user.email,
        )


def _uid(user) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk))


def _token(user) -> str:
    from django.contrib.auth.tokens import default_token_generator

    return default_token_generator.make_token(user)


@transaction.atomic
def set_active(user, *, active: bool, by, reason: str):
    """Deactivate (or reactivate) an account: it cannot log in, and nothing is deleted."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if by is not None and user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    stamp(user, by, reason)
    user.save()
    return user


@transaction.atomic
def update_profile(user, *, full_name: str, email: str, phone: str, by) -> None:
    """A person's own name, e-mail and phone."""
    full_name = clean_full_name(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Enter your full name.")})
    user.first_name = full_name
    user.last_name = ""
    user.email = (email or "").strip()
    stamp(user, by, _("Profile changed"))
    user.save()
    person = person_of(user)
    person.phone = (phone or "").strip()
    stamp(person, by, _("Profile changed"))
    person.save()


def password_changed(user) -> None:
    """The person chose a password of their own: no more one-time password to change."""
    Person.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
