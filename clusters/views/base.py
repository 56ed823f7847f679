"""Helpers the structure, programme and briefing screens share: saving with a reason,
the merged change history, the organiser-and-year chooser and the fetches that answer 404
outside what a user reads and 403 without the right."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from ..models import (
    Cluster,
    Organization,
)
from ..permissions import (
    access_for,
    can_manage_cluster,
    can_manage_organization,
    readable_organization_ids,
    visible_clusters,
)


def save_with_reason(obj, reason: str):
    obj._change_reason = reason
    obj.save()
    return obj


ACTIONS = {"+": gettext_lazy("added"), "~": gettext_lazy("changed"), "-": gettext_lazy("removed")}


def merged_history(*histories, limit=20) -> list:
    """The latest entries of several history tables, newest first, each with `what` changed:
    one query per table."""
    entries = []
    for history, describe in histories:
        for entry in history.order_by("-history_date")[:limit]:
            entry.what = f"{describe(entry)} – {ACTIONS.get(entry.history_type, '')}"
            entries.append(entry)
    entries.sort(key=lambda entry: entry.history_date, reverse=True)
    return entries[:limit]


def choose_organizer_and_year(request, organizers, default_year):
    """The organiser and the year a page is asked for (GET, or the POST of its form): the
    organiser by its code among `organizers` – or the only one –, the year as typed or
    `default_year(organizer)`. An unknown organiser or a year out of range: 404."""
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("organizer")
    organizer = None
    if code:
        organizer = organizers.filter(code=code).first()
        if organizer is None:
            raise Http404
    else:
        # The only one, if there is one: two rows at most, whatever the user keeps.
        # Unordered: walking an index by name to find them took a quarter of a second for
        # the confederation's staff at national size.
        first_two = list(organizers.order_by()[:2])
        if len(first_two) == 1:
            organizer = first_two[0]
    raw = str(source.get("year", ""))
    year = int(raw) if raw.isdigit() else default_year(organizer)
    if not 2000 <= year <= 2100:
        raise Http404
    return organizer, year


def organization_or_404(user, code) -> Organization:
    """The organisation of `code` if the user may open it (`organizations_for`, asked of it
    alone), else 404. A unit at or below the user's own, or above it, is one lookup in the
    tree each (staff; a unit's officers on their federation's page); any other the whole
    question of who opens it, whose union of the cluster-years read cost 4 ms to build."""
    org = get_object_or_404(Organization, code=code)
    access = access_for(user)
    if not (
        access.reads_below_any({org.pk})
        or access.reads_above_any({org.pk})
        or org.pk in readable_organization_ids(user, [org.pk])
    ):
        raise Http404
    return org


def managed_organization(user, code) -> Organization:
    org = organization_or_404(user, code)
    if not can_manage_organization(user, org):
        raise PermissionDenied
    return org


def cluster_or_404(user, code) -> Cluster:
    return get_object_or_404(visible_clusters(user).select_related("organizer"), code=code)


def managed_cluster(user, code) -> Cluster:
    cluster = cluster_or_404(user, code)
    if not can_manage_cluster(user, cluster):
        raise PermissionDenied
    return cluster
