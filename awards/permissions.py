"""What a user may see and act on in the approval: scoped querysets (outside → 404) and rights
(inside without the right → 403). Built on `clusters.permissions`."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from clusters.models import (
    AmongIds,
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    Officer,
    OfficerRole,
    Organization,
    OrganizationLink,
    among,
)
from clusters.permissions import (
    access_for,
    cluster_year_ids_for,
    managed_clusters,
    may_keep_structure,
    organizations_for,
    reads_every_cluster_year,
)

from .models import Award, AwardType, Decision, Nomination


def managed_cluster_years(user) -> QuerySet[ClusterYear]:
    """The cluster-years whose proposals the user decides on as the organiser's staff (the
    clusters it keeps; the services check each year's rights again)."""
    if not may_keep_structure(user):
        return ClusterYear.objects.none()
    return ClusterYear.objects.filter(cluster__in=managed_clusters(user))


def keeps_clusters(user) -> bool:
    """The organiser's staff of at least one cluster (every write officer keeps its own
    subtree, so `may_keep_structure` alone would count a head's officers)."""
    access = access_for(user)
    return access.is_superuser or access.keeps_any_cluster_year()


def conferring_organizers(user) -> QuerySet[Organization]:
    """The organisations whose award forms the user decides on: those it works for as staff
    (or succeeded) that confer a form or organise clusters. A cluster's organiser does not
    decide on a form conferred above it."""
    qs = Organization.objects.filter(
        Q(pk__in=AwardType.objects.values("organizer_id"))
        | Q(pk__in=Cluster.objects.values("organizer_id"))
    )
    access = access_for(user)
    if access.is_superuser:
        return qs
    return qs.filter(pk__in=access.staff_root_ids)


def confers(user, organizer_id: int) -> bool:
    access = access_for(user)
    return access.is_superuser or organizer_id in access.staff_root_ids


def decidable_nominations(user) -> QuerySet[Nomination]:
    """The nominations in the clusters the user keeps, of the forms its organisation confers."""
    access = access_for(user)
    if access.is_superuser:
        return Nomination.objects.filter(cluster_year__in=managed_cluster_years(user))
    if not may_keep_structure(user):
        return Nomination.objects.none()
    conferred = Nomination.objects.filter(award_type__organizer_id__in=access.staff_root_ids)
    if access.keeps_everything:
        return conferred
    # The organisers kept, by key (remembered, `kept_organizer_ids`): as a union over the
    # tree, asked of these nominations' organisers, it cost 10 ms of each of the inbox's
    # three lists. For lists: every action on a nomination asks the rights again.
    return conferred.filter(cluster_year__cluster__organizer_id__in=access.kept_organizer_ids())


def readable_nominations(user) -> QuerySet[Nomination]:
    # Unfiltered when the user reads every cluster-year: `cluster_year IN (every one)` cost a
    # join of the 15,000 cluster-years to every list of the confederation's staff.
    if reads_every_cluster_year(user):
        return Nomination.objects.all()
    return Nomination.objects.filter(cluster_year_id__in=cluster_year_ids_for(user))


def decision_organizers(user) -> QuerySet[Organization]:
    """The organisers whose decisions the user records: those of the clusters it keeps."""
    if not may_keep_structure(user):
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=managed_clusters(user).values("organizer_id"))


def _among_remembered(user, name: str, ids, find) -> set[int]:
    """Those of `ids` that `find(access, unknown)` finds among the ids not yet asked in this
    request – none for a user who keeps no structure; the answers remembered under `name`."""
    if not may_keep_structure(user):
        return set()
    access = access_for(user)
    known = access._memo.setdefault((name,), {})
    unknown = {pk for pk in ids if pk not in known}
    if unknown:
        found = find(access, unknown)
        known.update((pk, pk in found) for pk in unknown)
    return {pk for pk in ids if known[pk]}


def _cluster_organizers():
    return Cluster.objects.order_by().values_list("organizer_id", flat=True).distinct()


def decision_organizers_among(user, ids) -> set[int]:
    """Those of `ids` among `decision_organizers(user)`, looked up for these ids only (one
    query; the whole of it is a third of a second for the confederation's staff). Answers
    are remembered for the request: the register asks of its page's organisers after its
    honour rolls asked of all of them."""

    def find(access, unknown):
        kept = unknown if access.is_superuser else access.kept_query(unknown)
        return set(_cluster_organizers().filter(among("organizer_id", kept)))

    return _among_remembered(user, "decision organizers", ids, find)


def listed_decision_organizers(user, ids) -> set[int]:
    """`decision_organizers_among` for a list whose every link and action asks the rights
    again (the register's honour rolls and decision links): those of `ids` among the
    organisers the user keeps (`kept_organizer_ids`, remembered) that organise a cluster –
    one look at the clusters' organiser index, where the tree's union cost a province's
    register 4 ms of PostgreSQL and as much to build. Answers remembered for the request."""

    def find(access, unknown):
        if access.is_superuser or access.keeps_everything:
            # Every cluster's organiser (the confederation's staff): all of them, read from
            # the index once per request, rather than looked up by a list of the register's
            # 700 organisers.
            key = ("cluster organizers",)
            if key not in access._memo:
                access._memo[key] = frozenset(_cluster_organizers())
            return access._memo[key]
        kept = unknown & access.kept_organizer_ids()
        return set(_cluster_organizers().filter(among("organizer_id", kept))) if kept else set()

    return _among_remembered(user, "listed decision organizers", ids, find)


def readable_decisions(user) -> QuerySet[Decision]:
    access = access_for(user)
    if access.is_superuser:
        return Decision.objects.all()
    return Decision.objects.filter(
        Q(organizer__in=decision_organizers(user)) | Q(organizer__in=conferring_organizers(user))
    )


def readable_awards(user) -> QuerySet[Award]:
    """The register a user reads: the awards of the cluster-years it reads (unfiltered when
    that is every one, as `readable_nominations`)."""
    if reads_every_cluster_year(user):
        return Award.objects.all()
    # By key (`AmongIds`): as `IN`, PostgreSQL hashed all 24,000 awards of the country to
    # join the 500 cluster-years of a province (10 ms for each of the register's lists).
    return Award.objects.filter(AmongIds(F("cluster_year_id"), cluster_year_ids_for(user)))


@dataclass
class AwardFormsRights:
    """Who keeps an organisation's award forms and rules: its own staff (or its successor's).
    Its other officers and the heads of the clusters whose awards it confers read them."""

    edit: bool = False


def award_forms_page(user, code: str) -> tuple[Organization, AwardFormsRights]:
    """The organisation of an award-forms page: 404 outside what the user reads, 403 for a
    reader who neither keeps its forms nor heads a cluster they apply to."""
    organization = get_object_or_404(organizations_for(user), code=code)
    if confers(user, organization.pk):
        return organization, AwardFormsRights(edit=True)
    access = access_for(user)
    heads = (
        ClusterYear.objects.exclude(status=ClusterYearStatus.CLOSED)
        .filter(
            head_id__in=access.write_org_ids,
            cluster__organizer_id__in=OrganizationLink.objects.below([organization.pk]),
        )
        .exists()
    )
    if organization.pk in access.officer_org_ids or heads:
        return organization, AwardFormsRights(edit=False)
    raise PermissionDenied


def award_forms_contacts(organization: Organization):
    """Whom a head asks when the organiser has set up no award form: its current staff."""
    return (
        Officer.objects.current()
        .filter(organization=organization, role__in=[OfficerRole.MANAGER, OfficerRole.STAFF])
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
