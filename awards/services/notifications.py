"""Notifications in the app and by e-mail (the console backend unless SMTP is configured, see
the settings): the proposal submitted or resubmitted (to the organiser's staff), a nomination
returned and a decision recorded (to the head unit's officers), and the deadline reminders of
`send_reminders`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from clusters.models import ClusterYear, Officer, OfficerRole, Organization

from ..models import Notification

WRITE_ROLES = (OfficerRole.MANAGER, OfficerRole.STAFF)


def _active(ids) -> set[int]:
    return {o.pk for o in Organization.objects.filter(pk__in=ids) if not o.has_ended}


def _writers(org_ids) -> list[int]:
    return list(
        Officer.objects.current()
        .filter(organization_id__in=_active(org_ids), role__in=WRITE_ROLES, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def staff_user_ids(cluster_year: ClusterYear) -> list[int]:
    """The write officers of the organiser, or of its successors when it ended (not of every
    organisation above it: the confederation does not hear of each cluster's proposal)."""
    ids = {cluster_year.cluster.organizer_id}
    through = Organization.successors.through
    frontier = set(ids)
    while frontier:
        found = set(
            through.objects.filter(from_organization_id__in=frontier).values_list(
                "to_organization_id", flat=True
            )
        )
        frontier = found - ids
        ids |= found
    return _writers(ids)


def head_user_ids(cluster_year: ClusterYear) -> list[int]:
    return _writers([cluster_year.head_id]) if cluster_year.head_id else []


def notify(user_ids, text: str, *, url: str = "", key: str = "") -> list[Notification]:
    """Record the message for each user and e-mail those with an address, once the
    transaction commits."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return []
    created = Notification.objects.bulk_create(
        [Notification(user_id=uid, text=text[:400], url=url, key=key) for uid in user_ids]
    )
    emails = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if emails:
        link = settings.SITE_URL.rstrip("/") + url if url else ""
        body = text + (f"\n\n{link}" if link else "")
        messages = [(text[:150], body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return created


def _year_url(cluster_year: ClusterYear, url_name: str) -> str:
    if url_name == "awards:inbox":
        return reverse(url_name) + f"?year={cluster_year.year}"
    return reverse(url_name, args=[cluster_year.cluster.code, cluster_year.year])


def notify_staff(cluster_year: ClusterYear, text: str, *, url_name: str = "awards:inbox"):
    return notify(staff_user_ids(cluster_year), text, url=_year_url(cluster_year, url_name))


def notify_head(cluster_year: ClusterYear, text: str, *, url_name: str = "awards:proposal"):
    return notify(head_user_ids(cluster_year), text, url=_year_url(cluster_year, url_name))


def notify_once(user_ids, text: str, *, key: str, url: str = "") -> int:
    """`notify` the users that have not had the message of `key` yet; returns how many."""
    user_ids = set(user_ids)
    seen = set(
        Notification.objects.filter(user_id__in=user_ids, key=key).values_list("user_id", flat=True)
    )
    return len(notify(sorted(user_ids - seen), text, url=url, key=key))
