"""The dated union structure: organisations, their parents and names over time, clusters,
cluster-years with their head and deputy, memberships and the officers of each organisation.

Everything that prints "as of" a year reads the dated records here: an organisation keeps one
row for its whole life, its parents are periods, and its former names are kept with the last
day each was used.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, models
from django.db.models import Count, F, Lookup, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.links import link
from emulation.text import fold, vi_sort_key


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


# Organisations, parent periods and memberships are all dated windows whose open ends are
# None; these two helpers are the one reading of such a window, in Python and in SQL.
def in_window(start: datetime.date | None, end: datetime.date | None, day: datetime.date) -> bool:
    return (start is None or start <= day) and (end is None or end >= day)


def window_q(day: datetime.date, start: str = "valid_from", end: str = "valid_to") -> Q:
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


class OrganizationKind(models.TextChoices):
    CONFEDERATION = "confederation", _("Confederation")
    PROVINCIAL = "provincial", _("Provincial federation")
    CENTRAL_SECTOR = "central_sector", _("Central sector union")
    DISTRICT = "district", _("District federation")
    SECTOR = "sector", _("Provincial sector union")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
    CIVIL_SERVANT = "civil_servant", _("Civil-servant union")
    COMMUNE = "commune", _("Commune or ward union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    GUILD = "guild", _("Guild union")
    OTHER = "other", _("Other")


# Codes that are addresses of their own under /structure/organizations/.
RESERVED_ORGANIZATION_CODES = {"import", "new"}


class OrganizationSector(models.TextChoices):
    """The sector (khối) of a unit, by which blocs group similar units and reports total."""

    BUSINESS = "business", _("Production and business")
    ADMINISTRATION = "administration", _("State administration")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other sector")


class OrganizationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    DISSOLVED = "dissolved", _("Dissolved")


@dataclass(frozen=True)
class NameRecord:
    """An organisation's code, name and former names ((used until, name), oldest first):
    enough to name it on any day without a query (`OrganizationQuerySet.name_records`)."""

    code: str
    name: str
    former: tuple = ()

    def on(self, day: datetime.date) -> str:
        """The name borne on `day`: the first former name still in use that day, else the
        current name (what `Organization.name_on` gives)."""
        for used_until, name in self.former:
            if used_until >= day:
                return name
        return self.name


class InIds(Lookup):
    """`InIds(F("organizer_id"), ids)`: the rows whose column is among `ids`, a collection of
    ids already read (hundreds: the confederation's register asks of its 734 organisers).
    On PostgreSQL the ids go as one array (`= ANY(%s)`), where Django's `IN` prepares and
    binds each id on its own (2 ms of Python for 734 ids, for each query that asks); as
    `IN` elsewhere. No id at all matches nothing, as `IN` with none."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        # Read once, as the query is built (a generator, or a set the caller changes later,
        # gives the same query every time it runs).
        super().__init__(lhs, tuple(sorted({int(pk) for pk in rhs if pk is not None})))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if not ids:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


class OrganizationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(window_q(day))

    def search(self, text: str):
        return self.filter(search_text__contains=fold(text))

    def names_on(self, day: datetime.date) -> dict[int, str]:
        """{id: name as of `day`} for these organisations, in two queries."""
        return {pk: record.on(day) for pk, record in self.name_records().items()}

    def name_records(self) -> dict[int, NameRecord]:
        """{id: its code, name and former names} for these organisations, in two queries of
        plain rows: prefetching the former names built a queryset per organisation (50 ms
        for the confederation's 740 organisers)."""
        rows = list(
            (self if self.query.is_sliced else self.order_by()).values_list("pk", "code", "name")
        )
        former: dict[int, list] = {pk: [] for pk, _code, _name in rows}
        if rows:
            # Those of the rows read (as a prefetch asks), not this queryset's filter again.
            for pk, used_until, name in (
                OrganizationName.objects.using(self.db)
                .filter(InIds(F("organization_id"), former))
                .order_by("organization_id", "used_until")
                .values_list("organization_id", "used_until", "name")
            ):
                former[pk].append((used_until, name))
        return {pk: NameRecord(code, name, tuple(former[pk])) for pk, code, name in rows}

    def predecessor_ids(self, ids) -> set[int]:
        """Every ended organisation these succeeded, directly or through a chain of ended
        ones: a successor recorded ahead of time takes over nothing while the other still
        works."""
        return set().union(*self.predecessors_by_successor(ids).values())

    def predecessors_by_successor(self, ids) -> dict[int, set[int]]:
        """{id: the predecessor_ids of that one} for each of `ids`, in one query (a
        recursive walk of the successions in SQL, however long the chains)."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        through = Organization.successors.through._meta.db_table
        table = Organization._meta.db_table
        marks = ", ".join(["%s"] * len(ids))
        # A predecessor counts once it has ended (or stopped being active) – as of today.
        ended = "(f.status <> %s OR (f.valid_to IS NOT NULL AND f.valid_to < %s))"
        today = timezone.localdate()
        sql = f"""
            WITH RECURSIVE chain (root, org) AS (
                SELECT s.to_organization_id, s.from_organization_id
                FROM {through} s JOIN {table} f ON f.id = s.from_organization_id
                WHERE s.to_organization_id IN ({marks}) AND {ended}
                UNION
                SELECT chain.root, s.from_organization_id
                FROM chain
                JOIN {through} s ON s.to_organization_id = chain.org
                JOIN {table} f ON f.id = s.from_organization_id
                WHERE {ended}
            )
            SELECT root, org FROM chain
        """
        params = [*ids, OrganizationStatus.ACTIVE, today, OrganizationStatus.ACTIVE, today]
        found: dict[int, set[int]] = {pk: set() for pk in ids}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for root, org in cursor.fetchall():
                found[root].add(org)
        return found


class Organization(models.Model):
    """A union body, from the confederation to a grassroots union, over its whole life."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The current name, or the last one if it ended.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=OrganizationSector.choices, blank=True
    )
    locality = models.CharField(
        _("locality"),
        max_length=100,
        blank=True,
        help_text=_('The place printed in the date line of its documents, e.g. "Bắc Bình".'),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Its last day, if it has ended.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.ACTIVE,
    )
    founding_decision = models.CharField(_("founding decision"), max_length=200, blank=True)
    end_decision = models.CharField(_("ending decision"), max_length=200, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        verbose_name=_("successors"),
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "status"], name="org_kind_status_idx"),
            models.Index(fields=["sector"], name="org_sector_idx"),
            # The organisations list pages in name order and filters by status alone.
            models.Index(fields=["name"], name="org_name_idx"),
            models.Index(fields=["status"], name="org_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="org_valid_period",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        if not adding and (update_fields is None or "name" in update_fields):
            # The name its parent periods and its clusters keep to sort by (an UPDATE of its
            # few periods and clusters each, none when the name is as it was).
            for model, relation, field in KEPT_NAMES:
                model.objects.filter(**{f"{relation}_id": self.pk}).exclude(
                    **{field: self.name}
                ).update(**{field: self.name})

    def get_absolute_url(self):
        return link("structure:organization_detail", self.code)

    def build_search_text(self) -> str:
        names = [self.name]
        if self.pk:
            names += list(self.former_names.values_list("name", flat=True))
        return "\n".join(fold(name) for name in names)

    def refresh_search_text(self):
        text = self.build_search_text()
        if text != self.search_text:
            self.search_text = text
            # Only the derived column changes: no history entry for it.
            Organization.objects.filter(pk=self.pk).update(search_text=text)

    def is_active_on(self, day: datetime.date) -> bool:
        return in_window(self.valid_from, self.valid_to, day)

    @property
    def has_ended(self) -> bool:
        return self.status != OrganizationStatus.ACTIVE or (
            self.valid_to is not None and self.valid_to < timezone.localdate()
        )

    def name_on(self, day: datetime.date) -> str:
        """The name this organisation bore on `day` (former names carry their last day)."""
        former = sorted((n.used_until, n.name) for n in self.former_names.all())
        return NameRecord(self.code, self.name, tuple(former)).on(day)

    def parent_on(self, day: datetime.date):
        for period in self.parent_periods.all():
            if period.covers(day):
                return period.parent
        return None


class OrganizationName(models.Model):
    """A former name, used until `used_until` (the day before the next name took effect)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("former name"), max_length=200)
    used_until = models.DateField(_("used until"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["organization", "used_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "used_until"], name="org_name_unique_until"
            )
        ]

    def __str__(self):
        return _("%(name)s (until %(date)s)") % {
            "name": self.name,
            "date": self.used_until.strftime("%d/%m/%Y"),
        }

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.organization.refresh_search_text()

    def delete(self, *args, **kwargs):
        organization = self.organization
        result = super().delete(*args, **kwargs)
        organization.refresh_search_text()
        return result


# Ids per query when walking a large tree: far below SQLite's limit on query parameters.
_CHUNK = 5000


def _intersect(a: tuple, b: tuple) -> tuple | None:
    """The common part of two date windows; None as a bound means open."""
    start = max((d for d in (a[0], b[0]) if d is not None), default=None)
    end = min((d for d in (a[1], b[1]) if d is not None), default=None)
    if start is not None and end is not None and start > end:
        return None
    return (start, end)


class ParentPeriodQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(window_q(day))

    def overlapping(self, start: datetime.date | None, end: datetime.date | None):
        """Periods that share a day with [start, end]; None leaves that side open."""
        qs = self
        if end is not None:
            qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        if start is not None:
            qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return qs

    def descendant_ids(self, roots, start=None, end=None) -> set[int]:
        """Organisations below `roots` at some time within [start, end] (any time if open).

        The walk keeps the dates: a unit counts only for the days its own parent stood below a
        root, so a unit that joined a parent after that parent left the root is not below it.
        One query per level of the tree.
        """
        return self._walk(roots, start, end, down=True)

    def ancestor_ids(self, ids, start=None, end=None) -> set[int]:
        """Organisations above `ids` at some time within [start, end], dates kept."""
        return self._walk(ids, start, end, down=False)

    def _walk(self, origins, start, end, *, down: bool) -> set[int]:
        here, there = ("parent_id", "organization_id") if down else ("organization_id", "parent_id")
        frontier: dict[int, list[tuple]] = {org_id: [(start, end)] for org_id in origins}
        seen: dict[int, list[tuple]] = {}
        while frontier:
            periods = []
            ids = list(frontier)
            for chunk in range(0, len(ids), _CHUNK):
                periods += self.filter(**{f"{here}__in": ids[chunk : chunk + _CHUNK]}).values_list(
                    here, there, "valid_from", "valid_to"
                )
            step: dict[int, list[tuple]] = {}
            for source, target, valid_from, valid_to in periods:
                for window in frontier[source]:
                    shared = _intersect(window, (valid_from, valid_to))
                    if shared is None or shared in seen.get(target, []):
                        continue
                    seen.setdefault(target, []).append(shared)
                    step.setdefault(target, []).append(shared)
            frontier = step
        return set(seen) - set(origins)

    def _covering_of(self, ids, day: datetime.date):
        # Where two periods cover the day, the later one (in this order) wins.
        return (
            self.covering(day)
            .filter(organization_id__in=ids)
            .order_by("organization_id", "valid_from")
        )

    def parents_on(self, ids, day: datetime.date) -> dict[int, "Organization"]:
        """{id: parent as of `day`}, the parents' own former names prefetched."""
        periods = (
            self._covering_of(ids, day)
            .select_related("parent")
            .prefetch_related("parent__former_names")
        )
        return {period.organization_id: period.parent for period in periods}

    def parent_ids_on(self, ids, day: datetime.date) -> dict[int, int]:
        """{id: its parent's id as of `day`}, as `parents_on` chooses them, in one query."""
        return dict(self._covering_of(ids, day).values_list("organization_id", "parent_id"))


def keep_name(instance, relation: str, field: str) -> set[str]:
    """Copy into `field` the current name of the organisation in `relation`, on a new row or
    one whose organisation was set again (given with it: no query); a row read and saved
    keeps the name it has. The fields written."""
    if instance._state.adding or instance._meta.get_field(relation).is_cached(instance):
        setattr(instance, field, getattr(instance, relation).name)
        return {field}
    return set()


class ParentPeriod(models.Model):
    """The organisation stood directly under `parent` from `valid_from` to `valid_to`."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="parent_periods"
    )
    parent = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="child_periods",
        verbose_name=_("parent"),
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    # The unit's current name, kept here (by `save` of both models) so that a parent's
    # thousands of units sort by name from one index, not by looking each name up (a
    # province's 4,119: 10 ms of its page at national size).
    unit_name = models.CharField(max_length=200, blank=True, editable=False)

    # The unit's name is the organisation's: its history is there.
    history = HistoricalRecords(excluded_fields=["unit_name"])
    objects = ParentPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent period")
        verbose_name_plural = _("parent periods")
        ordering = ["organization", "valid_from"]
        indexes = [
            # What a parent's page lists of the units below (their periods, sorted by name
            # read from each unit's key), all in the index: PostgreSQL reads a province's
            # 4,000 periods from it, not from 4,000 scattered pages of the table.
            models.Index(
                fields=["parent", "valid_to", "valid_from", "organization", "id", "unit_name"],
                name="parent_period_parent_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organization=models.F("parent")), name="parent_not_self"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="parent_valid_period",
            ),
        ]

    def __str__(self):
        return f"{self.organization} → {self.parent}"

    def save(self, *args, **kwargs):
        written = keep_name(self, "organization", "unit_name")
        if written and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *written}
        super().save(*args, **kwargs)

    def covers(self, day: datetime.date) -> bool:
        return in_window(self.valid_from, self.valid_to, day)

    def clean(self):
        if self.organization_id and self.organization_id == self.parent_id:
            raise ValidationError(_("An organisation cannot be its own parent."))


class Restructuring(models.Model):
    """One recorded restructuring: a set of organisations ended on a date, their units moved."""

    decision = models.CharField(_("decision"), max_length=200)
    last_day = models.DateField(_("last day of the ended organisations"))
    note = models.TextField(_("note"), blank=True)
    ended = models.ManyToManyField(
        Organization, related_name="ending_restructurings", verbose_name=_("ended organisations")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # What the restructuring wrote, with the values it replaced: enough to undo it exactly.
    changes = models.JSONField(default=dict, blank=True, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reverted by"),
    )
    revert_reason = models.CharField(_("reason for the reversal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")
        ordering = ["-last_day", "-created_at"]

    def __str__(self):
        return f"{self.decision} ({self.last_day:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("structure:restructuring_detail", args=[self.pk])

    @property
    def is_reverted(self) -> bool:
        return self.reverted_at is not None


class ClusterKind(models.TextChoices):
    CLUSTER = "cluster", _("Cluster")
    BLOC = "bloc", _("Bloc")


class ClusterQuerySet(models.QuerySet):
    def search(self, text: str, years: "models.QuerySet | None" = None):
        """Clusters whose name, or the name of a member unit (past names included) in one of
        `years` (default: any), contains `text` – case and diacritics folded the same way on
        every database."""
        folded = fold(text)
        if not folded:
            return self
        members = Membership.objects.filter(organization__search_text__contains=folded)
        if years is not None:
            members = members.filter(cluster_year__in=years)
        return self.filter(
            Q(search_text__contains=folded) | Q(pk__in=members.values("cluster_year__cluster_id"))
        )

    def with_year_columns(self, year: int | None, years: "models.QuerySet | None" = None):
        """Annotate the year shown for each cluster (`year`, or else the latest of `years` up
        to the current one) with its head, organiser name as of that year, member count and
        status – as subqueries, so a page of clusters costs one query."""
        if year is not None:
            shown = Value(year, output_field=models.PositiveSmallIntegerField())
        else:
            years = ClusterYear.objects.all() if years is None else years
            mine = years.filter(cluster=OuterRef("pk")).order_by()
            this_year = timezone.localdate().year
            shown = Coalesce(
                Subquery(mine.filter(year__lte=this_year).order_by("-year").values("year")[:1]),
                Subquery(mine.order_by("year").values("year")[:1]),
            )
        qs = self.annotate(shown_year=shown)
        cluster_year = (
            ClusterYear.objects.filter(cluster=OuterRef("pk"), year=OuterRef("shown_year"))
            .with_names("head", "organizer")
            .with_member_count()
        )
        return qs.annotate(
            head_name=Subquery(cluster_year.values("head_name")[:1]),
            organizer_name=Coalesce(
                Subquery(cluster_year.values("organizer_name")[:1]), F("organizer__name")
            ),
            year_status=Subquery(cluster_year.values("status")[:1]),
            member_count=Coalesce(Subquery(cluster_year.values("member_count")[:1]), Value(0)),
        )


class Cluster(models.Model):
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="organized_clusters",
        verbose_name=_("organiser"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ClusterKind.choices, default=ClusterKind.CLUSTER
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=80, unique=True)
    founding_decision = models.CharField(_("founding decision"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    # The organiser's current name, kept here (by `save` of both models) so that the clusters
    # list sorts by it from an index: joined to the organisations and sorted, the
    # confederation's 7,640 clusters took 13 ms for each page of 25.
    organizer_current_name = models.CharField(max_length=200, blank=True, editable=False)

    # The organiser's name is the organisation's: its history is there.
    history = HistoricalRecords(excluded_fields=["organizer_current_name"])
    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("emulation cluster")
        verbose_name_plural = _("emulation clusters")
        ordering = ["organizer__name", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "kind", "number"], name="cluster_unique_number"
            )
        ]
        indexes = [
            models.Index(
                fields=["organizer_current_name", "kind", "number"],
                name="cluster_organizer_name_idx",
            ),
            # The clusters of a scope's organisers, read from the index alone: the cluster-years
            # a federation reads join its organisers to every cluster in organiser order (a
            # merge join over the 7,640 clusters), 3 ms of each of a province's register's
            # four scoped queries from the table, 1 ms so.
            models.Index(fields=["organizer", "id"], name="cluster_organizer_pk_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = "\n".join([fold(self.name), self.code])
        written = {"search_text", *keep_name(self, "organizer", "organizer_current_name")}
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *written}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link("clusters:cluster_detail", self.code)


# The copies of an organisation's current name other rows keep to sort by (`keep_name`,
# `Organization.save`): the model, its relation to the organisation, the field.
KEPT_NAMES = (
    (ParentPeriod, "organization", "unit_name"),
    (Cluster, "organizer", "organizer_current_name"),
)


class ClusterYearStatus(models.TextChoices):
    SETUP = "setup", _("Setting up")
    OPEN = "open", _("Open")
    REVIEW = "review", _("In review")
    SUBMITTED = "submitted", _("Submitted")
    CLOSED = "closed", _("Closed")


def organization_column(org_field: str, column: str = "name"):
    """A column of the organisation in `org_field`, read row by row from its primary key (a
    subquery): to sort a list by that organisation's name without joining the 125,000
    organisations, which PostgreSQL scans or walks whole to sort."""
    return Subquery(Organization.objects.filter(pk=OuterRef(org_field)).order_by().values(column))


def _name_as_of(org_field: str):
    """The name of the organisation in `org_field` as of the row's `as_of_day`."""
    former = (
        OrganizationName.objects.filter(
            organization=OuterRef(org_field), used_until__gte=OuterRef("as_of_day")
        )
        .order_by("used_until")
        .values("name")[:1]
    )
    return Coalesce(Subquery(former), F(f"{org_field}__name"))


def as_of_day(prefix: str = ""):
    """The day a cluster-year's documents print, as an expression: its own end, or 31/12 of
    the year (`prefix`: the path to the cluster-year, e.g. "cluster_year__")."""
    year_end_day = Cast(
        Concat(Cast(f"{prefix}year", models.CharField()), Value("-12-31")), models.DateField()
    )
    return Coalesce(F(f"{prefix}ended_on"), year_end_day)


def member_at_end(cluster_year: str = "cluster_year", organization: str = "organization"):
    """Exists: the outer row's unit is a member of its cluster-year on the year's as-of day
    (the outer query annotated with `as_of_day`)."""
    return models.Exists(
        Membership.objects.filter(
            cluster_year=OuterRef(cluster_year), organization=OuterRef(organization)
        )
        .filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=OuterRef("as_of_day")),
            Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("as_of_day")),
        )
        .order_by()
    )


class ClusterYearQuerySet(models.QuerySet):
    def with_as_of(self):
        """Annotate `as_of_day`: the year's own end, or 31/12 of the year."""
        return self.annotate(as_of_day=as_of_day())

    def with_member_count(self):
        """Annotate `member_count`: the members on the year's `as_of_day`."""
        members = (
            Membership.objects.filter(cluster_year=OuterRef("pk"))
            .filter(
                Q(joined_on__isnull=True) | Q(joined_on__lte=OuterRef("as_of_day")),
                Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("as_of_day")),
            )
            .order_by()
            .values("cluster_year")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = self if "as_of_day" in self.query.annotations else self.with_as_of()
        return qs.annotate(member_count=Coalesce(Subquery(members[:1]), Value(0)))

    def with_names(self, *which: str):
        """Annotate the head's, deputy's and organiser's names as of the year (`head_name`,
        `deputy_name`, `organizer_name`); only those named in `which` ("head", "deputy",
        "organizer") when given – each is a subquery and a join, two thirds of a list's query
        when the list shows the head only."""
        fields = {"head": "head", "deputy": "deputy", "organizer": "cluster__organizer"}
        qs = self if "as_of_day" in self.query.annotations else self.with_as_of()
        return qs.annotate(
            **{f"{name}_name": _name_as_of(fields[name]) for name in (which or fields)}
        )


class ClusterYear(models.Model):
    """A cluster in one emulation year (the calendar year), with its head and deputy units."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("emulation year"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ClusterYearStatus.choices,
        default=ClusterYearStatus.SETUP,
    )
    head = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headed_years",
        verbose_name=_("head unit"),
    )
    head_person = models.CharField(_("person acting for the head"), max_length=120, blank=True)
    head_person_title = models.CharField(_("their title"), max_length=120, blank=True)
    deputy = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_years",
        verbose_name=_("deputy unit"),
    )
    deputy_person = models.CharField(_("person acting for the deputy"), max_length=120, blank=True)
    deputy_person_title = models.CharField(_("their title"), max_length=120, blank=True)
    handover_on = models.DateField(_("handover date"), null=True, blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)
    handover_received_by = models.CharField(_("records received by"), max_length=120, blank=True)
    ended_on = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("Only when the year ended before 31/12, e.g. by a restructuring."),
    )
    # A year entered after the events, from the papers: nothing is flagged late, and what is
    # printed is dated by the events, never by the day it was typed in.
    recorded_afterwards = models.BooleanField(_("recorded afterwards"), default=False)
    recorded_afterwards_note = models.CharField(
        _("why it is recorded afterwards"), max_length=300, blank=True
    )
    # Document settings: blank means "derived from the structure as of the year".
    header_parent_line = models.CharField(_("header: organiser line"), max_length=200, blank=True)
    header_issuer_line = models.CharField(_("header: issuer line"), max_length=200, blank=True)
    signer_label = models.CharField(_("signer's title"), max_length=120, blank=True)
    number_suffix = models.CharField(
        _("document number suffix"), max_length=40, blank=True, help_text=_('e.g. "CTĐ"')
    )
    # The summary report's own number and date, typed by the head before printing; blank
    # number: written in by hand; blank date: the day of the review.
    summary_number = models.CharField(
        _("summary report number"),
        max_length=40,
        blank=True,
        help_text=_('e.g. "12" or "12/BC-CTĐ"; leave blank to write it in by hand.'),
    )
    summary_date = models.DateField(
        _("summary report date"),
        null=True,
        blank=True,
        help_text=_("Leave blank to date the report on the day of the review."),
    )

    history = HistoricalRecords()
    objects = ClusterYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster-year")
        verbose_name_plural = _("cluster-years")
        ordering = ["cluster", "year"]
        indexes = [
            models.Index(fields=["year", "status"], name="cy_year_status_idx"),
            models.Index(fields=["head", "year"], name="cy_head_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="cy_unique_year"),
            models.CheckConstraint(
                condition=Q(head__isnull=True) | ~Q(head=models.F("deputy")),
                name="cy_head_not_deputy",
            ),
        ]

    def __str__(self):
        return _("%(cluster)s – %(year)s") % {"cluster": self.cluster, "year": self.year}

    def get_absolute_url(self):
        return link("clusters:cluster_year", self.cluster.code, self.year)

    def clean(self):
        if self.head_id and self.head_id == self.deputy_id:
            raise ValidationError(_("The head and the deputy must be different units."))
        if self.ended_on and self.ended_on.year != self.year:
            raise ValidationError({"ended_on": _("The end date must fall within the year.")})

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def as_of(self) -> datetime.date:
        """The day whose structure the year's documents print."""
        return self.ended_on or year_end(self.year)

    @property
    def is_closed(self) -> bool:
        return self.status == ClusterYearStatus.CLOSED

    @property
    def is_open_for_entry(self) -> bool:
        return self.status in (ClusterYearStatus.SETUP, ClusterYearStatus.OPEN)

    def member_entries(self, *, names: bool = True) -> list["MemberEntry"]:
        """Every membership of the year with its unit's name and parent as of the year, head
        and deputy first, then in Vietnamese order – in four queries whatever the size.
        `names=False`: without the names and parents (blank), in one query – for what only
        ranks the members (a unit's own form)."""
        as_of = self.as_of
        # By the unit's name, as the model's ordering sorts one year's memberships – without
        # its joins of the cluster-year, the cluster and the organiser (constant here).
        memberships = list(
            self.memberships.select_related("organization").order_by("organization__name")
        )
        ids = [m.organization_id for m in memberships]
        # The parents as of the year, then the names of the units and parents as plain rows
        # (`name_records`): prefetched, they built two querysets per member.
        parents, names_of = {}, {}
        if names:
            parents = ParentPeriod.objects.parent_ids_on(ids, as_of)
            names_of = Organization.objects.filter(pk__in={*ids, *parents.values()}).names_on(as_of)
        entries = []
        for membership in memberships:
            org_id = membership.organization_id
            parent_id = parents.get(org_id)
            role = (
                "head" if org_id == self.head_id else "deputy" if org_id == self.deputy_id else ""
            )
            entries.append(
                MemberEntry(
                    membership=membership,
                    name=names_of.get(org_id, ""),
                    parent=names_of.get(parent_id, "") if parent_id else "",
                    role=role,
                )
            )
        order = {"head": 0, "deputy": 1, "": 2}
        return sorted(entries, key=lambda e: (order[e.role], vi_sort_key(e.name)))


@dataclass
class MemberEntry:
    membership: "Membership"
    name: str  # as of the year
    parent: str  # the parent's name as of the year
    role: str  # "head", "deputy" or ""

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def role_label(self) -> str:
        return {"head": gettext("Cluster head"), "deputy": gettext("Deputy head")}.get(
            self.role, ""
        )


class MembershipQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        return self.filter(window_q(day, "joined_on", "left_on"))

    def at_end(self):
        """The memberships in force on their own year's as-of day, in SQL whatever the
        years (annotated with `as_of_day`)."""
        return self.annotate(as_of_day=as_of_day("cluster_year__")).filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=F("as_of_day")),
            Q(left_on__isnull=True) | Q(left_on__gte=F("as_of_day")),
        )


class Membership(models.Model):
    cluster_year = models.ForeignKey(
        ClusterYear, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("member unit"),
    )
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, help_text=_("Blank: from the start of the year.")
    )
    left_on = models.DateField(
        _("left on"), null=True, blank=True, help_text=_("Blank: until the end of the year.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cluster_year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "organization"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="membership_valid_period",
            ),
        ]

    def __str__(self):
        return f"{self.organization} – {self.cluster_year}"

    def is_member_on(self, day: datetime.date) -> bool:
        return in_window(self.joined_on, self.left_on, day)
