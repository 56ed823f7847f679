"""The dated tree, closed over: one row per organisation and each organisation it stood below
(and one for itself), with the days it did. Every question of scope – what stands below a
federation, above a unit, within a year – is then one indexed join in SQL instead of a walk in
Python; nothing else writes these rows than `OrganizationLinkQuerySet.rebuild`, called when a
parent period or an organisation changes (clusters.apps connects it) and after bulk loads."""

from __future__ import annotations

import datetime

from django.db import connection, models, transaction
from django.db.models import Expression, F, Lookup, Q
from django.db.models.sql import Query

from .structure import InIds, Organization

# Deeper than any real tree (confederation → province → district → commune → grassroots); a
# guard against a cycle typed by mistake.
MAX_DEPTH = 12


class AmongIds(Lookup):
    """`AmongIds(F("pk"), ids)`: the rows whose `pk` is among `ids` (a subquery), asked on
    PostgreSQL as `pk = ANY(ARRAY(ids))` – the ids worked out first, then each row read from
    its index – where `pk IN (ids)` lets the planner guess how many a scope's union gives:
    guessing ten times too many for a province (35,000 of 4,100), it scanned all 125,000
    organisations to hash-join them (25 ms of the province's organisation list, 8 with the
    array). For a scope that is a small part of a large table; `IN` elsewhere."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection, template="{lhs} IN {rhs}"):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template="{lhs} = ANY(ARRAY{rhs})")


class CompiledOnce(Expression):
    """A subquery of ids (a values queryset, uncorrelated) compiled into SQL once and handed
    to every query that filters by it: a user's scope, built of unions over the tree, took
    Django 1–4 ms to compile each time a page's query used it – three to five times a page.
    For `IN` and `AmongIds` filters only (`among`); its SQL is fixed on first use, so the
    queryset is never changed afterwards."""

    # Its own aliases (U0, V0, …) are its own: the SQL is a scalar subquery that refers to
    # nothing outside it, so they may repeat those of the query around it.
    def __init__(self, queryset):
        super().__init__(output_field=models.IntegerField())
        # Its query, not the queryset (pickling a queryset reads its rows), unsorted as any
        # subquery of `IN` is.
        self.query = queryset.order_by().query
        self._compiled: dict[str, tuple[str, tuple]] = {}

    def resolve_expression(self, *args, **kwargs):
        return self

    def relabeled_clone(self, change_map):
        return self

    def get_group_by_cols(self):
        # As a subquery that refers to nothing outside it: nothing to group by.
        return []

    def as_sql(self, compiler, connection):
        if connection.alias not in self._compiled:
            query = self.query.resolve_expression(Query(self.query.model))
            sql, params = compiler.compile(query)
            self._compiled[connection.alias] = (sql, tuple(params))
        return self._compiled[connection.alias]


def among(field: str, ids):
    """A filter of `field` among `ids`: a subquery as `IN`, ids already read as `InIds`."""
    if hasattr(ids, "resolve_expression"):
        return Q(**{f"{field}__in": ids})
    return InIds(F(field), ids)


class OrganizationLinkQuerySet(models.QuerySet):
    def overlapping(self, start: datetime.date | None, end: datetime.date | None):
        """Links that held on some day of [start, end] (None: open on that side)."""
        qs = self
        if end is not None:
            qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        if start is not None:
            qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return qs

    def below(self, ancestors, start=None, end=None, *, self_included=True):
        """Ids (a subquery) of the organisations at or below `ancestors` (ids or a subquery)
        at some time within [start, end]."""
        qs = self.filter(ancestor_id__in=ancestors)
        if not self_included:
            qs = qs.filter(depth__gt=0)
        return qs.overlapping(start, end).values("descendant_id")

    def above(self, descendants, start=None, end=None, *, self_included=True):
        qs = self.filter(descendant_id__in=descendants)
        if not self_included:
            qs = qs.filter(depth__gt=0)
        return qs.overlapping(start, end).values("ancestor_id")

    def rebuild(self, organization_ids=None) -> None:
        """Recompute the links of `organization_ids` and everything below them (all of them
        when None), from the parent periods, in SQL."""
        rebuild_links(self, organization_ids)


def rebuild_links(links, organization_ids=None) -> None:
    """`links`: the link model's manager or queryset (a migration passes its historical
    model's)."""
    links = links.all()
    table = links.model._meta.db_table
    periods = "clusters_parentperiod"
    with transaction.atomic():
        if organization_ids is None:
            links.delete()
            scope, params = "", []
        else:
            ids = list(organization_ids)
            if not ids:
                return
            affected = set(
                links.filter(ancestor_id__in=ids).values_list("descendant_id", flat=True)
            ) | set(ids)
            links.filter(descendant_id__in=affected).delete()
            marks = ",".join(["%s"] * len(affected))
            scope, params = f"WHERE organization_id IN ({marks})", list(affected)
        if connection.vendor == "postgresql":
            later = "GREATEST(up.valid_from, p.valid_from)"
            earlier = "LEAST(up.valid_to, p.valid_to)"
        else:
            # SQLite's MAX/MIN give NULL for a NULL argument; an open end is NULL here.
            later = (
                "NULLIF(MAX(COALESCE(up.valid_from, '0001-01-01'), "
                "COALESCE(p.valid_from, '0001-01-01')), '0001-01-01')"
            )
            earlier = (
                "NULLIF(MIN(COALESCE(up.valid_to, '9999-12-31'), "
                "COALESCE(p.valid_to, '9999-12-31')), '9999-12-31')"
            )
        with connection.cursor() as cursor:
            org_scope = scope.replace("organization_id", "id")
            cursor.execute(
                f"INSERT INTO {table} (ancestor_id, descendant_id, depth, valid_from, valid_to) "
                f"SELECT id, id, 0, NULL, NULL FROM clusters_organization {org_scope}",
                params,
            )
            cursor.execute(
                f"""
                WITH RECURSIVE up (descendant_id, ancestor_id, depth, valid_from, valid_to) AS (
                    SELECT organization_id, parent_id, 1, valid_from, valid_to
                    FROM {periods} {scope}
                    UNION ALL
                    SELECT up.descendant_id, p.parent_id, up.depth + 1, {later}, {earlier}
                    FROM up JOIN {periods} p ON p.organization_id = up.ancestor_id
                    WHERE up.depth < {MAX_DEPTH}
                      AND (p.valid_from IS NULL OR up.valid_to IS NULL
                           OR p.valid_from <= up.valid_to)
                      AND (p.valid_to IS NULL OR up.valid_from IS NULL
                           OR p.valid_to >= up.valid_from)
                )
                INSERT INTO {table} (ancestor_id, descendant_id, depth, valid_from, valid_to)
                SELECT ancestor_id, descendant_id, depth, valid_from, valid_to FROM up
                """,
                params,
            )


class OrganizationLink(models.Model):
    """`descendant` stood below `ancestor` (`depth` levels down; 0: itself) from `valid_from` to
    `valid_to` (None: open). A pair has one row per stretch of days it held."""

    ancestor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    descendant = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    objects = OrganizationLinkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["ancestor", "descendant"], name="link_down_idx"),
            models.Index(fields=["descendant", "ancestor"], name="link_up_idx"),
        ]

    def __str__(self):
        return f"{self.ancestor_id} ⊇ {self.descendant_id} ({self.depth})"


def relink_period(sender, instance, raw=False, **kwargs):
    """A parent period changed: the links of its organisation and of those below it follow."""
    if not raw:
        OrganizationLink.objects.rebuild([instance.organization_id])


def link_new_organization(sender, instance, created=False, raw=False, **kwargs):
    """A new organisation is linked to itself (its parents follow with its parent periods)."""
    if created and not raw:
        OrganizationLink.objects.rebuild([instance.pk])
