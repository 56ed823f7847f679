"""Writing many rows at once: ids assigned here (so rows can point at each other before any is
written), `COPY … FROM STDIN` on PostgreSQL and `bulk_create` elsewhere (the tests' SQLite).

Rows are dicts of attribute names (`organization_id`, not `organization`); a column a row
leaves out gets the field's default, and `auto_now`/`auto_now_add` columns the load's time –
what `save()` would have written. No signal runs and no history row is written: the caller
fills every derived column itself."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

_MISSING = object()


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def refresh_tables(tables: list[str]) -> None:
    """Refresh the planner's statistics of `tables` (outside a transaction is best: the rows
    are committed and visible). On PostgreSQL a `VACUUM` as well: until it marks the pages of
    new or dead rows all-visible, a list that reads its rows from an index alone reads each
    from the table too (a province's 4,119 units below: 9 ms instead of 1), and autovacuum
    may come only minutes later – or not at all for a few thousand rows. Not inside a
    transaction (a test's), where PostgreSQL refuses it."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


class BulkWriter:
    """Ids per model, then rows written in batches by the fastest means the database has."""

    def __init__(self, batch_size: int = 50_000):
        self.batch_size = batch_size
        self.next_ids: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}
        self.now = timezone.now()
        self.postgresql = connection.vendor == "postgresql"

    def ids(self, model: type[models.Model], count: int) -> range:
        """`count` fresh primary keys of `model`, above every existing one."""
        if model not in self.next_ids:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_ids[model] = top + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + count
        return range(start, start + count)

    def _columns(self, model):
        fields = [f for f in model._meta.concrete_fields]
        defaults = []
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults.append(self.now)
            elif field.has_default():
                default = field.get_default()
                defaults.append(default)
            elif field.null:
                defaults.append(None)
            elif field.primary_key:
                defaults.append(_MISSING)
            elif field.blank and isinstance(
                field, (models.CharField, models.TextField, models.FileField)
            ):
                defaults.append("")
            else:
                defaults.append(_MISSING)
        return fields, defaults

    def write(self, model: type[models.Model], rows) -> int:
        """Write `rows` (an iterable of dicts); returns how many."""
        fields, defaults = self._columns(model)
        names = [f.attname for f in fields]
        batch: list = []
        written = 0
        for row in rows:
            values = []
            for name, default in zip(names, defaults, strict=True):
                value = row.get(name, default)
                if value is _MISSING:
                    raise ValueError(f"{model.__name__}: no value for {name}")
                values.append(value)
            batch.append(values)
            if len(batch) >= self.batch_size:
                self._flush(model, fields, batch)
                written += len(batch)
                batch = []
        if batch:
            self._flush(model, fields, batch)
            written += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        return written

    def _flush(self, model, fields, batch):
        if self.postgresql:
            buffer = io.StringIO()
            for values in batch:
                buffer.write("\t".join(_text(v) for v in values))
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            names = [f.attname for f in fields]
            objects = [model(**dict(zip(names, values, strict=True))) for values in batch]
            model.objects.bulk_create(objects, batch_size=500)

    @contextlib.contextmanager
    def foreign_keys_checked_at_end(self, models_: list[type[models.Model]]):
        """On PostgreSQL, drop the foreign keys of these tables for the load and add them
        back at the end, inside the transaction: adding a key checks every row in one join,
        where keeping it checks each of millions of rows with a trigger (and queues them all
        until the commit, the keys being deferred). Elsewhere, nothing changes."""
        if not self.postgresql:
            yield
            return
        tables = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            # The other keys checked as rows come, not queued: a table with queued checks
            # could not be altered at the end.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        yield
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def analyze(self) -> None:
        """Refresh the database's statistics of every table written, vacuumed on PostgreSQL
        as after any bulk load (`refresh_tables`)."""
        # The closure of the tree too, written by SQL of its own (`OrganizationLink.rebuild`).
        refresh_tables([m._meta.db_table for m in self.next_ids] + ["clusters_organizationlink"])

    def reset_sequences(self) -> None:
        """Let the database's own ids continue above the ones given here."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
