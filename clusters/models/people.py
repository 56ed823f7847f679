"""The people behind the rights: officers of organisations (dated roles) and what the
application keeps about a person beyond Django's user – the phone, the one-time password to
change. A person's full name ("Họ và tên") is the user's `first_name`, as typed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from .structure import Organization


class OfficerRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


WRITE_ROLES = (OfficerRole.MANAGER, OfficerRole.STAFF)


class OfficerQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        """Roles held on `day` (today): started, not ended."""
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def started(self, day: datetime.date | None = None):
        """Roles that began by `day`: current and ended ones (their history stays readable)."""
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))

    def overlapping(self, start: datetime.date | None, end: datetime.date | None):
        qs = self
        if end is not None:
            qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        if start is not None:
            qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        return qs


class Officer(models.Model):
    """A user working for an organisation from `valid_from` until `valid_until` (inclusive);
    every right in the application derives from this. A person may hold several roles at one
    organisation one after the other, never two at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_roles"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="officers"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=OfficerRole.choices, default=OfficerRole.STAFF
    )
    title = models.CharField(_("position"), max_length=120, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="officer_period_order",
            )
        ]
        indexes = [models.Index(fields=["organization", "role"], name="officer_org_role_idx")]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )

    def has_started(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from is None or self.valid_from <= day


class Person(models.Model):
    """What the application keeps about a user beside Django's fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="person"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set with a one-time password: the next login must choose a password of one's own.
    must_change_password = models.BooleanField(_("must change the password"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


# Accounts are never deleted: their changes (name, e-mail, deactivation) are kept.
register(get_user_model(), app="clusters", table_name="clusters_historicaluser")
