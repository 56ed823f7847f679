"""Who may do what, derived from the records – never granted per cluster by hand.

A user is an officer of organisations (manager, staff or viewer). From that and the dated
structure follow, for a cluster-year:

* staff rights – write officers of an active organisation that organises the cluster, or stood
  above its organiser during the year, or succeeded such an organisation when it ended;
* head rights – write officers of the active head unit, from the moment the term is recorded
  until the year is closed (and everyone with staff rights);
* member rights – write officers of an active member unit edit their own unit's entries while
  the year is open for entry;
* read – all of the above, viewers, the deputy's officers, the officers of ended organisations
  for what they took part in, and everyone whose organisation stood above the organiser.

Outside what a user may read → 404; inside without the right → 403.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    AmongIds,
    Cluster,
    ClusterYear,
    ClusterYearStatus,
    CompiledOnce,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Officer,
    OfficerRole,
    Organization,
    OrganizationKind,
    OrganizationLink,
    ParentPeriod,
    Restructuring,
    among,
    window_q,
)

# The kinds of organisation that have no units below them and organise no clusters.
NOT_ORGANIZER_KINDS = (OrganizationKind.GRASSROOTS, OrganizationKind.GUILD)
# All the others (`organizer_choices`), named for an index to find them.
ORGANIZER_KINDS = tuple(kind for kind in OrganizationKind.values if kind not in NOT_ORGANIZER_KINDS)


@dataclass
class Access:
    """What one user's officer records say, read once per request. The user's own
    organisations are a handful of ids; everything that depends on the tree below or above
    them is a subquery on the closed-over tree (OrganizationLink), never a set of ids."""

    officer_org_ids: set[int] = field(default_factory=set)
    write_org_ids: set[int] = field(default_factory=set)
    staff_root_ids: set[int] = field(default_factory=set)
    read_root_ids: set[int] = field(default_factory=set)
    is_superuser: bool = False
    today: datetime.date = field(default_factory=timezone.localdate)
    _memo: dict = field(default_factory=dict)

    @property
    def reads_everything(self) -> bool:
        """Whether the user reads below every organisation at the top of the tree (the
        confederation's staff): then every organisation and cluster-year is in its scope,
        and the lists need no scope at all (remembered)."""
        # Below every top at some time is not enough (the links are dated: a unit that joined
        # a parent only after that parent left the top is below no top): no organisation
        # outside the subtree.
        return self._every_top_and(
            "everything",
            self.read_root_ids,
            # NOT EXISTS, an anti-join: as NOT IN over the 125,000 ids PostgreSQL could
            # compare each organisation with the whole list (minutes).
            lambda: int(
                not Organization.objects.filter(
                    ~Exists(self.read_subtree.filter(descendant_id=OuterRef("pk")))
                ).exists()
            ),
        )

    @property
    def keeps_everything(self) -> bool:
        """Whether the user keeps the clusters of every organisation (the confederation's
        staff: every unit stands, or ended, below it): then `kept_query` and the other
        questions of what it keeps need no subquery of the tree at all – which, asked of the
        734 organisers of the confederation's register, took 25 ms of SQL (remembered: one
        count of what it keeps, asked once per change or per minute)."""
        return self._every_top_and(
            f"keeps-everything:{self.today}", self.staff_root_ids, self._keeps_every_organization
        )

    def _keeps_every_organization(self) -> int:
        """1 when no organisation stands outside `kept_organizers`: none that is not one of
        the roots, nor below them today, nor an ended one they keep – counted with an
        anti-join (90 ms at national size, where counting what the user keeps took 300 ms,
        paid by one request of each worker every minute; asked with `exists()`, its LIMIT 1
        made PostgreSQL probe the tree once per organisation, 130 ms)."""
        below_now = self._below_now().filter(descendant_id=OuterRef("pk"))
        outside = (
            Organization.objects.exclude(pk__in=self.staff_root_ids)
            .filter(~Exists(below_now))
            .exclude(pk__in=self.kept_among_query())
        )
        return int(not outside.count())

    def _every_top_and(self, name: str, roots: set[int], compute) -> bool:
        """Whether `roots` hold every organisation at the top of the tree and `compute()` is
        1 – asked once per change of the structure or per minute (`remembered`, keyed by
        `name` and the roots), then kept for the request."""
        key = (name,)
        if key not in self._memo:
            tops = top_level_ids()
            self._memo[key] = (
                bool(tops)
                and tops <= roots
                and remembered(f"emulation:{name}:" + ",".join(map(str, sorted(roots))), compute)
                == 1
            )
        return self._memo[key]

    @property
    def read_subtree(self) -> QuerySet:
        """Ids of the organisations at or below the user's, at any time (a federation's
        scope), as a subquery."""
        return OrganizationLink.objects.below(self.read_root_ids)

    @property
    def managed(self) -> QuerySet:
        """Ids (a subquery) of the organisations whose records the user keeps: those below an
        organisation it works for (or one that organisation succeeded) today, those that ended
        while below it, and those predecessors themselves – never the user's own organisation.
        A unit that moved away is kept by its new parent's staff, not by the old one's."""
        if self.keeps_everything:
            return Organization.objects.exclude(pk__in=self.write_org_ids).order_by().values("pk")
        return self._managed()

    def _managed(self) -> QuerySet:
        roots = self.staff_root_ids
        if not roots:
            return Organization.objects.none().values("pk")
        now = self._below_now().values("descendant_id")
        own = Organization.objects.filter(pk__in=roots).order_by().values("pk")
        return (
            Organization.objects.filter(pk__in=now.union(self.kept_among_query(), own))
            .exclude(pk__in=self.write_org_ids)
            .order_by()
            .values("pk")
        )

    @property
    def nothing_below_staff_roots(self) -> bool:
        """Whether no organisation ever stood below the user's staff roots (a grassroots
        union's officers: the head's and the members'): then what it keeps is its roots
        alone – nothing stands, or ended, below them – and the questions of what it keeps
        need no subquery of the tree. Asked once per change of the structure or per minute
        (`remembered`: the links change only with the parent periods)."""
        key = ("nothing below",)
        if key not in self._memo:
            roots = self.staff_root_ids
            self._memo[key] = bool(roots) and (
                remembered(
                    "emulation:nothing-below:" + ",".join(map(str, sorted(roots))),
                    lambda: int(
                        not OrganizationLink.objects.filter(
                            ancestor_id__in=roots, depth__gt=0
                        ).exists()
                    ),
                )
                == 1
            )
        return self._memo[key]

    def _below_now(self) -> QuerySet:
        """The links from the user's staff roots down to what stands below them today."""
        today = self.today
        return OrganizationLink.objects.filter(
            ancestor_id__in=self.staff_root_ids, depth__gt=0
        ).overlapping(today, today)

    def keeps_any_cluster_year(self) -> bool:
        """Whether some cluster-year's organiser is among `kept_organizers`: one lookup of
        the years of `kept_organizer_ids` (remembered; every organiser of a cluster is among
        the organisations it looks at), never the whole of `managed` – nor, on every request,
        the tree's subqueries of what the user keeps."""
        key = ("keeps any",)
        if key in self._memo:
            return self._memo[key]
        years = ClusterYear.objects.order_by()
        if self.is_superuser or self.keeps_everything:
            found = years.exists()
        elif not self.staff_root_ids:
            found = False
        else:
            found = years.filter(cluster__organizer_id__in=self.kept_organizer_ids()).exists()
        self._memo[key] = found
        return found

    def kept_among_query(self, candidates=None, *, by_key: bool = False) -> QuerySet:
        """Ids (a queryset) of the ended organisations the user keeps – those that ended while
        below its staff roots, their last parent among them (the part of `managed` that is not
        below them today) –, among `candidates` (ids or a subquery) when given; `by_key`: a
        subquery of many candidates, such as every cluster's organiser, asked first and each
        organisation then read by its key."""
        ever = OrganizationLink.objects.below(self.staff_root_ids)
        last_parent = (
            ParentPeriod.objects.filter(organization=OuterRef("pk"))
            .order_by(F("valid_from").desc(nulls_last=True), "-pk")
            .values("parent_id")[:1]
        )
        ended = Organization.objects.exclude(window_q(self.today))
        if by_key and isinstance(candidates, QuerySet):
            # Looked up by key (`AmongIds`): as `IN`, PostgreSQL walked all 125,000
            # organisations in key order to merge them with the 734 organisers of the
            # clusters (30 ms of the province's overview, 3 ms with the array).
            ended = ended.filter(AmongIds(F("pk"), candidates))
        elif candidates is not None:
            ended = ended.filter(among("pk", candidates))
        return (
            ended.filter(pk__in=ever)
            .annotate(last_parent=Subquery(last_parent))
            .filter(last_parent__in=ever)
            .order_by()
            .values("pk")
        )

    def kept_query(self, candidates, *, by_key: bool = False) -> QuerySet:
        """Ids (a subquery) of those of `candidates` (ids or a subquery) that are among
        `kept_organizers`: each part of it restricted to the candidates, so PostgreSQL looks
        them up instead of building the whole of `managed` (125,000 ids for the
        confederation's staff); `by_key` as `kept_among_query`."""
        roots = self.staff_root_ids
        if not roots:
            return Organization.objects.none().values("pk")
        if self.keeps_everything:
            return Organization.objects.filter(among("pk", candidates)).order_by().values("pk")
        own = Organization.objects.filter(pk__in=roots).filter(among("pk", candidates)).values("pk")
        if self.nothing_below_staff_roots:
            return own.order_by()
        # Driven from the candidates (a lookup of each in the tree), not from the tree below
        # the roots (125,000 links for the confederation).
        below_now = self._below_now().filter(descendant_id=OuterRef("pk"))
        now = (
            Organization.objects.filter(among("pk", candidates))
            .filter(Exists(below_now))
            .values("pk")
        )
        return own.order_by().union(
            now.order_by(), self.kept_among_query(candidates, by_key=by_key)
        )

    def kept_among(self, ids) -> set[int]:
        """Those of `ids` that are among `kept_organizers`, in one query that looks at these
        ids only (the whole of `managed` is 125,000 ids for the confederation's staff);
        remembered for the request, as a page asks it of the same ids more than once (an
        organisation's page: its clusters, and whether it keeps the organisation)."""
        ids = frozenset(ids)
        if self.is_superuser:
            return set(ids)
        if not self.staff_root_ids or not ids:
            return set()
        if self._memo.get(("below", ids)) is False:
            # Known already to stand neither at nor ever below a root it reads from
            # (`reads_below_any`, asked by the 404 of an organisation's page): what it keeps
            # stands at or was once below its staff roots, which are among those roots.
            return set()
        if self.keeps_everything:
            return set(ids)
        key = ("kept among", ids)
        if key not in self._memo:
            # Its own roots it keeps without asking (the first part of `kept_query`): a
            # federation's staff on their own organisation's page ask nothing.
            own = ids & self.staff_root_ids
            others = ids - own
            self._memo[key] = own | frozenset(
                Organization.objects.filter(pk__in=self.kept_query(others)).values_list(
                    "pk", flat=True
                )
                if others
                else ()
            )
        return set(self._memo[key])

    def kept_organizer_ids(self) -> frozenset[int]:
        """The organisations among `kept_organizers` that organise clusters or may (any kind
        but grassroots and guild unions, `ORGANIZER_KINDS`, and any that organises one): two
        dozen for a province, not the thousands of units below it. Remembered like the
        structure's other answers (`remembered`: a change of the structure, or of a cluster,
        is seen at once in this process and within RIGHTS_SESSION_SECONDS in the others; a
        district's first cluster needs no change of it). For lists only, whose every action
        asks the rights again of the tree (`decidable_nominations`): as the union over the
        tree, PostgreSQL planned and ran it again for each of the inbox's three lists, 10 ms
        each for a province; and for whether the user keeps any cluster-year
        (`keeps_any_cluster_year`: which staff pages and links it is offered, each page's
        rows still scoped by the tree). What a user may open or change
        (`managed_clusters`, `manages`, `keeps_organizer`, …) is still asked of the tree on
        every request."""
        key = ("kept organizers",)
        if key not in self._memo:
            roots = self.staff_root_ids
            if not roots:
                self._memo[key] = frozenset()
            else:
                may_organize = (
                    Organization.objects.filter(kind__in=ORGANIZER_KINDS)
                    .order_by()
                    .values("pk")
                    .union(Cluster.objects.order_by().values("organizer_id"))
                )
                self._memo[key] = frozenset(
                    remembered(
                        f"emulation:kept-organizers:{self.today}:"
                        + ",".join(map(str, sorted(roots))),
                        lambda: sorted(
                            Organization.objects.filter(
                                pk__in=self.kept_query(may_organize, by_key=True)
                            ).values_list("pk", flat=True)
                        ),
                    )
                )
        return self._memo[key]

    @property
    def kept_organizers(self) -> QuerySet:
        """Ids (a subquery) of the organisers whose clusters the user keeps: the ones it works
        for (or succeeded) and the ones whose records it keeps (`managed`)."""
        if self.keeps_everything:
            return Organization.objects.order_by().values("pk")
        return self._kept_organizers()

    def _kept_organizers(self) -> QuerySet:
        roots = Organization.objects.filter(pk__in=self.staff_root_ids).order_by().values("pk")
        return (
            Organization.objects.filter(pk__in=self._managed().union(roots)).order_by().values("pk")
        )

    @property
    def read_orgs(self) -> QuerySet:
        """Ids (a subquery) of the organisations whose pages the user reads: its own and those
        above them, and everything below them at any time."""
        above = OrganizationLink.objects.above(self.officer_org_ids)
        return self.read_subtree.union(above)

    def manages(self, organization_id: int) -> bool:
        """Whether the user keeps this organisation's records (one query, remembered)."""
        key = ("manages", organization_id)
        if key not in self._memo:
            # `managed` asked of this organisation alone (`kept_among` less the user's own).
            self._memo[key] = self.is_superuser or (
                organization_id not in self.write_org_ids
                and organization_id in self.kept_among({organization_id})
            )
        return self._memo[key]

    def keeps_organizer(self, organization_id: int) -> bool:
        return (
            self.is_superuser
            or organization_id in self.staff_root_ids
            or self.manages(organization_id)
        )

    def reads_below_any(self, ids) -> bool:
        """Whether one of `ids` stands at or below an organisation the user reads from (one
        query, remembered)."""
        ids = frozenset(ids)
        key = ("below", ids)
        if key not in self._memo:
            # One of its own roots is at them without asking (the user's own organisation).
            self._memo[key] = bool(self.read_root_ids) and (
                not ids.isdisjoint(self.read_root_ids)
                or OrganizationLink.objects.filter(
                    ancestor_id__in=self.read_root_ids, descendant_id__in=ids
                ).exists()
            )
        return self._memo[key]

    def links_up_from_own(self, ids):
        """The tree's links from the user's own organisations up to those of `ids` (ids, or a
        subquery): at any time, their own included."""
        return OrganizationLink.objects.filter(
            among("ancestor_id", ids), descendant_id__in=self.officer_org_ids
        )

    def reads_above_any(self, ids) -> bool:
        """Whether one of `ids` stands, or stood, at or above one of the user's own
        organisations (one query; the part of `readable_organization_ids` that reads the
        tree upwards, asked alone)."""
        return bool(self.officer_org_ids) and self.links_up_from_own(ids).exists()


def forget_access(user) -> None:
    """Drop the rights computed for `user` in this request (after the structure changed)."""
    user.__dict__.pop("_emulation_access", None)
    user.__dict__.pop("_emulation_rules", None)
    session = getattr(user, "_emulation_session", None)
    if session is not None:
        session.pop(RIGHTS_SESSION_KEY, None)


# The rights read from the officer records are kept in the session for a short while, so a
# page costs no query for them (the floor of every page). A change of roles, organisations or
# successions records its time in the cache (at once, and again once committed); rights read
# before the last change a process knows of are read again. With the default per-process
# cache another worker learns of a change only once its own copy is older than
# RIGHTS_SESSION_SECONDS; a cache shared by the workers would make it immediate.
RIGHTS_SESSION_KEY = "_emulation_rights"
RIGHTS_CHANGED_KEY = "emulation:rights-changed"


def _last_change() -> int:
    return cache.get(RIGHTS_CHANGED_KEY) or 0


def remembered(key: str, compute):
    """`compute()` kept in the cache for RIGHTS_SESSION_SECONDS, or until the structure
    changes; computed every time when that is 0 (the tests' setting). For what may lag that
    long behind other changes: the structure's answers, and the fairness page's choice of
    the organiser it opens on."""
    seconds = settings.RIGHTS_SESSION_SECONDS
    if seconds <= 0:
        return compute()
    key = f"{key}:{_last_change()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def top_level_ids() -> frozenset[int]:
    """The organisations at the top of the tree (never under another)."""
    return frozenset(
        remembered(
            "emulation:top-level",
            lambda: list(
                Organization.objects.filter(
                    ~Exists(ParentPeriod.objects.filter(organization=OuterRef("pk")))
                ).values_list("pk", flat=True)
            ),
        )
    )


def _mark_changed() -> None:
    cache.set(RIGHTS_CHANGED_KEY, time.time_ns(), None)


def rights_changed(*args, **kwargs) -> None:
    """Signal receiver: the officer records, organisations or successions changed. Marked
    now (this process's next request sees it) and again on commit (a request that read the
    rights meanwhile, before the change was visible, reads them again)."""
    _mark_changed()
    transaction.on_commit(_mark_changed)


def _from_session(user) -> Access | None:
    session = getattr(user, "_emulation_session", None)
    if session is None:
        return None
    stored = session.get(RIGHTS_SESSION_KEY)
    if not stored or stored.get("user") != user.pk:
        return None
    today = timezone.localdate()
    read_at = stored.get("read_ns", 0)
    if (
        stored.get("today") != today.isoformat()
        or time.time_ns() - read_at >= settings.RIGHTS_SESSION_SECONDS * 1_000_000_000
        or read_at <= _last_change()
    ):
        return None
    access = Access(
        today=today,
        officer_org_ids=set(stored["officer"]),
        write_org_ids=set(stored["write"]),
        staff_root_ids=set(stored["staff"]),
        read_root_ids=set(stored["read"]),
        is_superuser=user.is_superuser,
    )
    access._memo[("everything",)] = bool(stored.get("everything"))
    return access


def _to_session(user, access: Access, read_ns: int) -> None:
    """Keep `access`, read from the records from `read_ns` on, in the user's session."""
    session = getattr(user, "_emulation_session", None)
    if session is None or settings.RIGHTS_SESSION_SECONDS <= 0:
        return
    session[RIGHTS_SESSION_KEY] = {
        "user": user.pk,
        "today": access.today.isoformat(),
        "read_ns": read_ns,
        "officer": sorted(access.officer_org_ids),
        "write": sorted(access.write_org_ids),
        "staff": sorted(access.staff_root_ids),
        "read": sorted(access.read_root_ids),
        "everything": access.reads_everything if access.officer_org_ids else False,
    }


class RightsSessionMiddleware:
    """Lets `access_for` keep the signed-in user's rights in the session (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            request.user._emulation_session = session
        return self.get_response(request)


def access_for(user) -> Access:
    if not user.is_authenticated:
        return Access()
    cached = getattr(user, "_emulation_access", None)
    if cached is not None:
        return cached
    if settings.RIGHTS_SESSION_SECONDS > 0:
        stored = _from_session(user)
        if stored is not None:
            user._emulation_access = stored
            return stored
    read_ns = time.time_ns()  # before the records are read: a change after it is seen
    today = timezone.localdate()
    # Roles that have begun: a role that ended keeps reading what its organisation did (as an
    # ended organisation's officers do); only a current role writes – until its last day.
    officers = list(Officer.objects.started(today).filter(user=user).select_related("organization"))
    current = [o for o in officers if o.is_current(today)]
    officer_ids = {o.organization_id for o in officers}
    write_ids = {o.organization_id for o in current if o.can_write and not o.organization.has_ended}
    active_ids = {o.organization_id for o in current if not o.organization.has_ended}
    # An ended organisation's open duties pass to its successors (one query for both: the
    # organisations written for are among the active ones).
    predecessors = Organization.objects.predecessors_by_successor(active_ids)
    staff_roots = write_ids.union(*(predecessors[pk] for pk in write_ids))
    read_roots = officer_ids.union(*predecessors.values())
    access = Access(
        today=today,
        officer_org_ids=officer_ids,
        write_org_ids=write_ids,
        staff_root_ids=staff_roots,
        read_root_ids=read_roots,
        is_superuser=user.is_superuser,
    )
    user._emulation_access = access
    _to_session(user, access, read_ns)
    return access


# Scoped QuerySets -----------------------------------------------------------------------------


def reads_every_cluster_year(user) -> bool:
    """Whether `cluster_years_for(user)` is every cluster-year (a superuser, the
    confederation's staff): then what hangs from a cluster-year needs no scope at all."""
    access = access_for(user)
    return access.is_superuser or bool(access.officer_org_ids and access.reads_everything)


def _scope(user, name: str, build) -> QuerySet:
    """The scope `name` of `user`, built once per request (its union of subqueries cost a
    list page up to 3 ms each time it was built again) and handed out as a fresh copy, never
    evaluated here; a new request, or `forget_access`, builds it again."""
    memo = access_for(user)._memo
    key = ("scope", name)
    if key not in memo:
        memo[key] = build()
    return memo[key].all()


def cluster_years_for(user) -> QuerySet[ClusterYear]:
    """The cluster-years a user may read."""
    return _scope(user, "cluster_years", lambda: _cluster_years_for(user))


def _cluster_years_for(user) -> QuerySet[ClusterYear]:
    qs = ClusterYear.objects.all()
    if reads_every_cluster_year(user):
        return qs
    # Each year read by its key (`AmongIds`): as `IN`, PostgreSQL hashed all 15,000
    # cluster-years of the country to join a province's 500 (5–7 ms of each list of them).
    return qs.filter(AmongIds(F("pk"), cluster_year_ids_for(user)))


def cluster_year_ids_for(user) -> CompiledOnce:
    """Ids (a subquery) of `cluster_years_for(user)`, for `IN` and `AmongIds` filters only:
    compiled into SQL once per request (`CompiledOnce`). Asked as a subquery of its own (`id
    IN (…)`), it is the union itself: `cluster_years_for(…).values("pk")` joins every
    cluster-year to it first (5 ms for a province, twice in each question of which units a
    page's reader opens)."""
    memo = access_for(user)._memo
    key = ("scope", "cluster_year_ids")
    if key not in memo:
        memo[key] = CompiledOnce(_cluster_year_ids_for(user))
    return memo[key]


def _cluster_year_ids_for(user) -> QuerySet:
    if reads_every_cluster_year(user):
        return ClusterYear.objects.order_by().values("pk")
    access = access_for(user)
    if not access.officer_org_ids:
        return ClusterYear.objects.none().values("pk")
    own = access.officer_org_ids
    # One subquery, a union of four indexed lookups: as OR-ed conditions PostgreSQL scanned
    # every cluster-year (150 ms for a member unit at national size; 0.3 ms as a union).
    organised = (
        ClusterYear.objects.filter(cluster__organizer_id__in=access.read_subtree)
        .order_by()
        .values("pk")
    )
    headed = ClusterYear.objects.filter(head_id__in=own).order_by().values("pk")
    deputised = ClusterYear.objects.filter(deputy_id__in=own).order_by().values("pk")
    member = Membership.objects.filter(organization_id__in=own).order_by().values("cluster_year_id")
    return organised.union(headed, deputised, member)


def clusters_for(user) -> QuerySet[Cluster]:
    return _scope(user, "clusters", lambda: _clusters_for(user))


def _clusters_for(user) -> QuerySet[Cluster]:
    if access_for(user).is_superuser:
        return Cluster.objects.all()
    return Cluster.objects.filter(pk__in=cluster_years_for(user).values("cluster_id"))


def organizations_for(user, *, by_key: bool = False) -> QuerySet[Organization]:
    """The organisations whose page a user may open: those of `Access.read_orgs`, and the
    units of the cluster-years it reads – one subquery (a union), which PostgreSQL answers
    from the indexes. `by_key`: the union's ids worked out first, then each organisation
    read by its key (`AmongIds`), for a list of the whole scope, whose size PostgreSQL
    misjudges (a province's organisation list)."""
    access = access_for(user)
    if access.is_superuser:
        return Organization.objects.all()
    if not access.officer_org_ids:
        return Organization.objects.none()
    if access.reads_everything:
        return Organization.objects.all()
    members = (
        Membership.objects.filter(cluster_year_id__in=cluster_year_ids_for(user))
        .order_by()
        .values("organization_id")
    )
    # (Each year read by its key, as `cluster_years_for` reads them.)
    heads = cluster_years_for(user).order_by().values("head_id")
    ids = access.read_orgs.union(members, heads)
    if by_key:
        return Organization.objects.filter(AmongIds(F("pk"), ids))
    return Organization.objects.filter(pk__in=ids)


def managed_organizations(user) -> QuerySet[Organization]:
    access = access_for(user)
    if access.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=access.managed)


def can_manage_organization(user, organization: Organization) -> bool:
    return access_for(user).manages(organization.pk)


def may_keep_structure(user) -> bool:
    """Whether the user keeps any part of the structure (federation staff)."""
    access = access_for(user)
    return access.is_superuser or bool(access.staff_root_ids)


def placement_choices(user) -> QuerySet[Organization]:
    """Active organisations a user may place a unit under, or make an organiser: the ones it
    manages and its own."""
    access = access_for(user)
    qs = Organization.objects.filter(status="active", valid_to__isnull=True)
    if access.is_superuser:
        return qs
    return qs.filter(Q(pk__in=access.managed) | Q(pk__in=access.write_org_ids))


def can_manage_cluster(user, cluster: Cluster) -> bool:
    """Staff rights over a cluster itself."""
    return access_for(user).keeps_organizer(cluster.organizer_id)


def managed_clusters(user) -> QuerySet[Cluster]:
    access = access_for(user)
    if access.is_superuser or access.keeps_everything:
        return Cluster.objects.all()
    # The organisers of clusters among those the user keeps (`kept_organizers`, asked of the
    # organisers only).
    organizers = Cluster.objects.order_by().values("organizer_id")
    return Cluster.objects.filter(
        organizer_id__in=Organization.objects.filter(
            pk__in=access.kept_query(organizers, by_key=True)
        )
        .order_by()
        .values("pk")
    )


# Rules on one cluster-year ------------------------------------------------------------------


def running_org_ids(cluster_year: ClusterYear) -> set[int]:
    """The organiser and every organisation above it during the year (one query, remembered
    on the cluster-year)."""
    cached = cluster_year.__dict__.get("_running_org_ids")
    if cached is None:
        organizer_id = cluster_year.cluster.organizer_id
        cached = {organizer_id} | set(
            OrganizationLink.objects.above(
                [organizer_id], cluster_year.first_day, cluster_year.as_of
            ).values_list("ancestor_id", flat=True)
        )
        cluster_year.__dict__["_running_org_ids"] = cached
    return cached


def _rule_cache(user, cluster_year) -> dict:
    cache = user.__dict__.setdefault("_emulation_rules", {})
    return cache.setdefault(cluster_year.pk, {})


def can_manage_cluster_year(user, cluster_year: ClusterYear) -> bool:
    """Federation staff rights: manage the structure and the year of this cluster."""
    access = access_for(user)
    if access.is_superuser:
        return True
    if not access.staff_root_ids:
        return False
    cache = _rule_cache(user, cluster_year)
    if "manage" not in cache:
        cache["manage"] = bool(access.staff_root_ids & running_org_ids(cluster_year))
    return cache["manage"]


def can_act_as_head(user, cluster_year: ClusterYear) -> bool:
    """The head's rights: from the recorded term until the year is closed."""
    if can_manage_cluster_year(user, cluster_year):
        return True
    access = access_for(user)
    return (
        cluster_year.head_id is not None
        and cluster_year.head_id in access.write_org_ids
        and not cluster_year.is_closed
    )


def can_edit_member_entry(user, cluster_year: ClusterYear, organization: Organization) -> bool:
    """A member edits only its own entries, while the year is open; the head edits any."""
    if can_act_as_head(user, cluster_year):
        return True
    access = access_for(user)
    if organization.pk not in access.write_org_ids or not cluster_year.is_open_for_entry:
        return False
    # A member on the day: today, kept within the year (its review runs after 31/12).
    day = min(max(timezone.localdate(), cluster_year.first_day), cluster_year.as_of)
    return cluster_year.memberships.on(day).filter(organization=organization).exists()


def can_view_cluster_year(user, cluster_year: ClusterYear) -> bool:
    return readable_among(user, ClusterYear.objects.filter(pk=cluster_year.pk)).exists()


def role_labels(user, cluster_year: ClusterYear, member_ids: set[int]) -> list[str]:
    """The user's roles in this cluster-year, for the page header."""
    access = access_for(user)
    labels = []
    if access.is_superuser:
        labels.append(_("Administrator"))
    elif can_manage_cluster_year(user, cluster_year):
        labels.append(_("Organiser's staff"))
    else:
        running = running_org_ids(cluster_year)
        if access.officer_org_ids & running:
            labels.append(_("Organiser's staff (read only)"))
        elif access.reads_below_any(running):
            labels.append(_("Observer"))
    own = access.officer_org_ids
    if cluster_year.head_id in own:
        labels.append(
            _("Cluster head")
            if can_act_as_head(user, cluster_year)
            else _("Cluster head (read only)")
        )
    if cluster_year.deputy_id in own:
        labels.append(_("Deputy head"))
    if own & member_ids and cluster_year.head_id not in own and cluster_year.deputy_id not in own:
        labels.append(_("Member unit"))
    return labels


# Fetching through the scope, then checking the right ---------------------------------------


def readable_row(user, path: str = "", organizer_id: int | None = None) -> Q | None:
    """Whether a cluster-year row – or the cluster-year at `path` of a row, e.g.
    "cluster_year__" – is among `cluster_years_for(user)`, as a condition on that row: its
    organiser looked up in the tree, its head, deputy and members compared with the user's
    organisations. For a question about a few rows (one cluster-year, one cluster's years,
    one nomination): the union of `cluster_year_ids_for` is built whole (3 ms for a province)
    to answer it. None when the user reads every cluster-year.

    `organizer_id`: the rows are the years of that organiser's clusters. Whether the user
    reads below it is then asked once (`reads_below_any`, remembered) rather than in the
    condition: None when it does, else the other three parts – which PostgreSQL answers from
    the cluster's years by their index, where the tree's part in the condition made it read
    every cluster-year (8 ms for a head's officer on a province's page)."""
    if reads_every_cluster_year(user):
        return None
    access = access_for(user)
    own = access.officer_org_ids
    if not own:
        return Q(pk__in=[])
    key = f"{path[:-2]}_id" if path else "pk"  # "cluster_year__" → "cluster_year_id"
    member = Membership.objects.filter(cluster_year_id=OuterRef(key), organization_id__in=own)
    as_unit = (
        Q(**{f"{path}head_id__in": own}) | Q(**{f"{path}deputy_id__in": own}) | Q(Exists(member))
    )
    if organizer_id is not None:
        return None if access.reads_below_any({organizer_id}) else as_unit
    organised = OrganizationLink.objects.filter(
        ancestor_id__in=access.read_root_ids,
        descendant_id=OuterRef(f"{path}cluster__organizer_id"),
    )
    return Q(Exists(organised)) | as_unit


def readable_among(
    user, rows: QuerySet, path: str = "", organizer_id: int | None = None
) -> QuerySet:
    """Those of a few `rows` (cluster-years, or rows with one at `path`) the user reads
    (`readable_row`; `organizer_id`: they are the years of that organiser's clusters)."""
    condition = readable_row(user, path, organizer_id)
    return rows if condition is None else rows.filter(condition)


def get_cluster_year_or_404(user, code: str, year: int) -> ClusterYear:
    """The cluster-year if the user reads it, else 404 – one query either way."""
    return get_object_or_404(
        readable_among(
            user,
            ClusterYear.objects.filter(cluster__code=code, year=year).select_related(
                "cluster__organizer", "head", "deputy"
            ),
        )
    )


def cluster_year_rule(rule):
    """View decorator: fetch the cluster-year in scope (404), then apply `rule` (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, code, year, *args, **kwargs):
            cluster_year = get_cluster_year_or_404(request.user, code, year)
            if rule is not None and not rule(request.user, cluster_year):
                raise PermissionDenied
            return view(request, cluster_year, *args, **kwargs)

        return wrapped

    return decorator


class ClusterYearRuleMixin:
    """Class-based twin of `cluster_year_rule`: sets `self.cluster_year`."""

    rule = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cluster_year = get_cluster_year_or_404(request.user, kwargs["code"], kwargs["year"])
        rule = type(self).rule
        if rule is not None and not rule(request.user, self.cluster_year):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Results ------------------------------------------------------------------------------------


@dataclass
class ResultRights:
    """What a user may do with one unit's result."""

    view: bool = False
    enter_self: bool = False  # self-scores, figures, evidence
    verify: bool = False  # verified scores, explanations, classification, verification
    submit: bool = False
    reopen: bool = False


def remember_program(cluster_year: ClusterYear, program) -> None:
    """Let the rules asked later in this request (`sees_all_results`) read `program` rather
    than ask for it again – when it is the one they would read: the organiser's programme of
    the year."""
    if program is not None and (program.organizer_id, program.year) == (
        cluster_year.cluster.organizer_id,
        cluster_year.year,
    ):
        cluster_year.__dict__["_request_program"] = program


def sees_all_results(user, cluster_year: ClusterYear) -> bool:
    """The head, the deputy, the organiser's staff and observers see every member's scores;
    members see others' only as the programme allows (by default after the review)."""
    if can_act_as_head(user, cluster_year):
        return True
    access = access_for(user)
    own = access.officer_org_ids
    if cluster_year.head_id in own or cluster_year.deputy_id in own:
        return True
    if access.reads_below_any(running_org_ids(cluster_year)):
        return True
    from .models import EmulationProgram, Visibility

    # The programme the view read in this request, if it did (`remember_program`).
    program = cluster_year.__dict__.get("_request_program") or EmulationProgram.for_cluster_year(
        cluster_year
    )
    visibility = program.visibility if program else Visibility.AFTER_REVIEW
    if visibility == Visibility.ALWAYS:
        return True
    if visibility == Visibility.AFTER_REVIEW:
        return cluster_year.status not in (ClusterYearStatus.SETUP, ClusterYearStatus.OPEN)
    return False


def result_rights(
    user, cluster_year: ClusterYear, organization: Organization, result
) -> ResultRights:
    """Rights over a unit's result (`result` may be None before anything was entered). A
    unit never verifies itself: the head's own result is verified by the organiser's staff."""
    from .models import ResultStatus

    access = access_for(user)
    rights = ResultRights(
        view=organization.pk in access.officer_org_ids or sees_all_results(user, cluster_year)
    )
    status = result.status if result is not None else ResultStatus.DRAFT
    # In review only the results staff reopened are not locked.
    in_entry = cluster_year.status in (
        ClusterYearStatus.SETUP,
        ClusterYearStatus.OPEN,
        ClusterYearStatus.REVIEW,
    )
    staff = can_manage_cluster_year(user, cluster_year)
    if status == ResultStatus.LOCKED or not in_entry:
        rights.reopen = (
            staff
            and status == ResultStatus.LOCKED
            and cluster_year.status == ClusterYearStatus.REVIEW
        )
        return rights
    if cluster_year.status == ClusterYearStatus.REVIEW and result is None:
        # Locked for the review: only results staff reopened are open again.
        return rights
    rights.verify = can_act_as_head(user, cluster_year) and (
        staff or organization.pk not in access.officer_org_ids
    )
    own_member = (
        organization.pk in access.write_org_ids
        and status == ResultStatus.DRAFT
        and cluster_year.is_open_for_entry
        and can_edit_member_entry(user, cluster_year, organization)
    )
    rights.enter_self = rights.verify or own_member
    rights.submit = own_member
    return rights


# Briefings and interim reviews of an organiser's cluster heads -------------------------------

BRIEFING_KINDS = ("briefing", "interim")


def organizer_running_ids(organizer_id: int, year: int) -> set[int]:
    """An organiser and every organisation above it during the year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return {organizer_id} | set(
        OrganizationLink.objects.above([organizer_id], first, last).values_list(
            "ancestor_id", flat=True
        )
    )


def can_manage_briefings(user, organizer_id: int, year: int) -> bool:
    """Federation staff rights over an organiser's briefings of a year: those who run its
    cluster-years of that year (see `can_manage_cluster_year`)."""
    access = access_for(user)
    if access.is_superuser:
        return True
    if not access.staff_root_ids:
        return False
    cache = user.__dict__.setdefault("_emulation_briefing_rules", {})
    key = (organizer_id, year)
    if key not in cache:
        cache[key] = bool(access.staff_root_ids & organizer_running_ids(organizer_id, year))
    return cache[key]


def can_manage_briefing(user, meeting: Meeting) -> bool:
    return can_manage_briefings(user, meeting.organizer_id, meeting.year)


def can_update_follow_up(user, meeting: Meeting, cluster_year: ClusterYear) -> bool:
    """A cluster's follow-up of a briefing: its own head (until the year is closed) and the
    organiser's staff – never another cluster's head."""
    return can_manage_briefing(user, meeting) or can_act_as_head(user, cluster_year)


def briefings_for(user) -> QuerySet[Meeting]:
    """The briefings a user reads: those of the organisations whose page it opens
    (`organizations_for`: the organiser's staff, viewers and the units below it), and those
    whose organiser's cluster its unit headed that year."""
    qs = Meeting.objects.filter(kind__in=BRIEFING_KINDS, cluster_year__isnull=True)
    access = access_for(user)
    if access.is_superuser:
        return qs
    if not access.officer_org_ids:
        return qs.none()
    headed = ClusterYear.objects.filter(
        cluster__organizer_id=OuterRef("organizer_id"),
        year=OuterRef("year"),
        head_id__in=access.officer_org_ids,
    )
    return qs.filter(Q(organizer__in=organizations_for(user)) | Exists(headed))


def managed_briefings(user, year: int) -> QuerySet[Meeting]:
    """The briefings of a year a user runs as the organiser's staff, in one query per level
    of the tree."""
    qs = Meeting.objects.filter(kind__in=BRIEFING_KINDS, cluster_year__isnull=True, year=year)
    access = access_for(user)
    if access.is_superuser:
        return qs
    roots = access.staff_root_ids
    if not roots:
        return qs.none()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return qs.filter(organizer_id__in=OrganizationLink.objects.below(roots, first, last))


def briefing_organizers(user) -> QuerySet[Organization]:
    """Organisers a user may hold a briefing for: those of the clusters it keeps."""
    return Organization.objects.filter(
        pk__in=managed_clusters(user).values("organizer_id")
    ).order_by("name")


def shows_briefings(user) -> bool:
    """Whether the navigation offers the briefings: federation staff and cluster heads (at
    most one query, once per request)."""
    access = access_for(user)
    if access.is_superuser or access.staff_root_ids:
        return True
    if not access.officer_org_ids:
        return False
    cached = user.__dict__.get("_emulation_shows_briefings")
    if cached is None:
        cached = ClusterYear.objects.filter(head_id__in=access.officer_org_ids).exists()
        user.__dict__["_emulation_shows_briefings"] = cached
    return cached


def follow_up_cluster_ids(user, meeting: Meeting, cluster_years) -> set[int]:
    """The clusters among `cluster_years` (the briefing's) whose follow-up the user updates,
    without a query per cluster (see `can_update_follow_up`)."""
    if can_manage_briefing(user, meeting):
        return {cy.cluster_id for cy in cluster_years}
    access = access_for(user)
    return {
        cy.cluster_id
        for cy in cluster_years
        if cy.head_id in access.write_org_ids and not cy.is_closed
    }


def can_record_pact(user, cluster_year: ClusterYear) -> bool:
    """The pact of a year is recorded by its head and the organiser's staff – and by the
    outgoing head while the previous year's review, where it is often signed, still runs."""
    if can_act_as_head(user, cluster_year):
        return True
    previous = (
        ClusterYear.objects.select_related("cluster")
        .filter(cluster_id=cluster_year.cluster_id, year=cluster_year.year - 1)
        .first()
    )
    return (
        previous is not None
        and not cluster_year.is_closed
        and Meeting.objects.filter(cluster_year=previous, kind=MeetingKind.REVIEW)
        .exclude(status=MeetingStatus.CLOSED)
        .exists()
        and can_act_as_head(user, previous)
    )


# The structure screens ----------------------------------------------------------------------


class StaffOnlyMixin(LoginRequiredMixin):
    """Pages for those who keep part of the structure: 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_keep_structure(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def visible_clusters(user) -> QuerySet[Cluster]:
    """Clusters the user reads through their years, and those it keeps (a new cluster has no
    year yet)."""
    return Cluster.objects.filter(
        Q(pk__in=clusters_for(user).values("pk")) | Q(pk__in=managed_clusters(user).values("pk"))
    )


def organizer_choices(user) -> QuerySet[Organization]:
    """Organisations that can have units below them or organise clusters: not grassroots."""
    return placement_choices(user).exclude(kind__in=NOT_ORGANIZER_KINDS)


def program_organizers(user) -> QuerySet[Organization]:
    """Organisers a user may set a programme up for: those of the clusters it keeps."""
    return Organization.objects.filter(
        pk__in=managed_clusters(user).values("organizer_id")
    ).order_by("name")


def readable_organization_ids(user, ids) -> set[int]:
    """Which of the organisations `ids` (a list, or a subquery of ids) the user may open – as
    `organizations_for`, but each part looked up for these ids only (the whole of it is
    125,000 organisations for the confederation's staff)."""
    access = access_for(user)
    if access.is_superuser or (access.officer_org_ids and access.reads_everything):
        return set(Organization.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if not access.officer_org_ids:
        return set()
    links = OrganizationLink.objects
    # Ids already read go as one array (`among`): as `IN`, each of a page's fifty ids was
    # bound four times over (2 ms of Python for each question).
    below = (
        links.filter(among("descendant_id", ids), ancestor_id__in=access.read_root_ids)
        .order_by()
        .values("descendant_id")
    )
    above = access.links_up_from_own(ids).order_by().values("ancestor_id")
    years = cluster_year_ids_for(user)
    members = (
        Membership.objects.filter(among("organization_id", ids), cluster_year_id__in=years)
        .order_by()
        .values("organization_id")
    )
    heads = (
        ClusterYear.objects.filter(among("head_id", ids), pk__in=years).order_by().values("head_id")
    )
    return set(
        Organization.objects.filter(pk__in=below.union(above, members, heads))
        .order_by()
        .values_list("pk", flat=True)
    )


def can_place_under(user, organization: Organization) -> bool:
    """Whether `organization` is among `organizer_choices(user)` (asked of it alone)."""
    if organization.kind in NOT_ORGANIZER_KINDS:
        return False
    if organization.status != "active" or organization.valid_to is not None:
        return False
    access = access_for(user)
    return (
        access.is_superuser
        or organization.pk in access.write_org_ids
        or access.manages(organization.pk)
    )


def next_year_organizers(user) -> QuerySet[Organization]:
    """Organisers whose clusters a user prepares for next year: those of the running (not
    ended) clusters it keeps."""
    return Organization.objects.filter(
        pk__in=managed_clusters(user).filter(ended_on__isnull=True).values("organizer_id")
    ).order_by("name")


def restructurings_for(user) -> QuerySet[Restructuring]:
    if access_for(user).is_superuser:
        return Restructuring.objects.all()
    return Restructuring.objects.filter(
        pk__in=Restructuring.objects.filter(ended__in=organizations_for(user)).values("pk")
    )


# Officers ------------------------------------------------------------------------------------


@dataclass
class OfficerRights:
    """Who keeps an organisation's officers: the staff who keep the organisation (all its
    officers), and its own current managers (its viewers only)."""

    manage_all: bool = False
    manage_viewers: bool = False

    @property
    def manages(self) -> bool:
        return self.manage_all or self.manage_viewers

    def may_manage(self, officer) -> bool:
        return self.manage_all or (self.manage_viewers and officer.role == OfficerRole.VIEWER)


def officer_rights(user, organization: Organization) -> OfficerRights:
    access = access_for(user)
    if access.is_superuser or access.manages(organization.pk):
        return OfficerRights(manage_all=True)
    manager = (
        not organization.has_ended
        and Officer.objects.current()
        .filter(user=user, organization=organization, role=OfficerRole.MANAGER)
        .exists()
    )
    return OfficerRights(manage_viewers=manager)


def officers_page_organization(user, code: str) -> tuple[Organization, OfficerRights]:
    """The organisation of an officers page: 404 outside what the user reads, 403 for a
    reader who keeps none of its officers."""
    organization = get_object_or_404(organizations_for(user), code=code)
    rights = officer_rights(user, organization)
    if not rights.manages:
        raise PermissionDenied
    return organization, rights
