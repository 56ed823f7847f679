"""Shared pieces for the django-tables2 lists: exports that are safe to open in Excel, and
the cells drawn without asking the same question once per cell."""

import datetime
import functools
import html
import inspect

import django_tables2 as tables
from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import utils as tables_utils
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.export.export import TableExport
from django_tables2.export.views import ExportMixin
from tablib import Dataset

from emulation.documents.xlsx import safe_cell


class SafeTableExport(TableExport):
    """Escapes cells a spreadsheet would run as formulas; CSV gets a byte-order mark so that
    Excel reads the Vietnamese as UTF-8."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = Dataset(**(dataset_kwargs or {}))
        for index, row in enumerate(table.as_values(exclude_columns=exclude_columns)):
            row = [safe_cell(value) for value in row]
            if index == 0:
                dataset.headers = row
            else:
                dataset.append(row)
        return dataset

    def export(self):
        data = super().export()
        if self.format == self.CSV:
            return "\ufeff" + data
        return data


class SafeExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = (TableExport.XLSX, TableExport.CSV)
    export_trigger_param = "_export"

    def get_paginate_by(self, data):
        """The table paginates (django-tables2 asks with its TableData); the list view's own
        pagination (asked with the queryset) is left out – it counted every row a second
        time, half a second for the confederation's organisation list."""
        if isinstance(data, QuerySet):
            return None
        return super().get_paginate_by(data)


class DateColumn(tables.DateColumn):
    """django-tables2's date column, drawn without a template: its own compiles
    `{{ value|date:… }}` again for every cell (50 template compilations a page, a third of
    the organisation list's cells). The same text: the date in `format`, an aware datetime
    in the local time zone first, as the template's `date` filter shows it; an empty value
    the column's default, as the template's `|default:default` gives it (on the page and in
    the export, where a date is still in ISO form)."""

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    def render(self, value, bound_column):
        if value is None or value == "":
            return bound_column.default
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, self.date_format)


class DateTimeColumn(tables.DateTimeColumn):
    """django-tables2's datetime column without a template per cell (see DateColumn)."""

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.date_format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    render = DateColumn.render


def cell_html(format_string: str, *args) -> SafeString:
    """`format_html` for the cells of a list, drawn hundreds of times a page: each argument
    escaped unless it is safe HTML already, as `conditional_escape` does, without Django's
    check of every argument of every escape for a lazy string (which `str` evaluates here,
    as the page would)."""
    return mark_safe(
        format_string.format(
            *(arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)
        )
    )


# The stand-in key a row's address is reversed with once (`row_url`): no row has it.
URL_STAND_IN = 918273645546372819


def row_url(viewname: str):
    """A function of a row's key giving `reverse(viewname, args=[key])`, for the rows of a
    list: reversed once with a stand-in key that each row's then replaces (reversing costs a
    lookup of the patterns for each of a page's 50 rows, twice in the inbox)."""
    return _row_url(viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=64)
def _row_url(viewname: str, prefix: str, urlconf):
    head, stand_in, tail = reverse(viewname, args=[URL_STAND_IN]).partition(str(URL_STAND_IN))
    assert stand_in, viewname

    def url(key) -> str:
        return f"{head}{int(key)}{tail}"

    return url


def page_records(table, load=None) -> list | None:
    """The records of the page a paginated table shows, as a list the caller may complete
    (columns asked of these rows only). With `load`, read in two steps: the ids of the page
    in the list's order (joining only what the order needs), then `load(ids)` – those rows
    with everything selected and prefetched; joined before the sort, a national register
    (24,000 awards) was read whole for every page. Sets the page's rows to the list and
    returns it (None when the table is not paginated)."""
    page = getattr(table, "page", None)
    if page is None:
        return None
    rows = page.object_list
    if load is None:
        rows.data = list(rows.data)
        return rows.data
    ids = list(rows.data.values_list("pk", flat=True))
    by_pk = {record.pk: record for record in load(ids)} if ids else {}
    rows.data = [by_pk[pk] for pk in ids if pk in by_pk]
    return rows.data


def remember_cell_signatures() -> None:
    """django-tables2 calls a column's `render_…` method through `call_with_appropriate`,
    which reads the method's signature (`inspect.signature`) for every cell: a list of 50
    rows by 12 columns read it 600 times, a tenth of the page's time. A function's signature
    does not change; remembered per function (a bound method's without its first argument,
    as `inspect.signature` gives it). Installed once, in EmulationConfig.ready()."""
    original = tables_utils.signature
    if getattr(original, "remembered", False):
        return

    @functools.lru_cache(maxsize=4096)
    def of_function(function):
        return original(function)

    @functools.lru_cache(maxsize=4096)
    def of_method(function):
        """The signature of `function` bound to an object: without its first argument – when
        it has one (`def render(*args, record)` keeps them all, as inspect gives them)."""
        parameters = list(inspect.signature(function).parameters.values())
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        if not parameters or parameters[0].kind not in positional:
            return None
        arguments, keywords = original(function)
        return arguments[1:], keywords

    def signature(fn):
        function = getattr(fn, "__func__", None)
        if function is not None and getattr(fn, "__self__", None) is not None:
            try:
                remembered = of_method(function)
            except TypeError:  # a callable that cannot be a key
                remembered = None
            return remembered if remembered is not None else original(fn)
        try:
            return of_function(fn)
        except TypeError:  # a callable that cannot be a key
            return original(fn)

    signature.remembered = True
    signature.original = original
    tables_utils.signature = signature


def td_attributes(bound_column) -> str:
    """The `<td>` attributes of a column as HTML – what `column.attrs.td.as_html` gives, which
    django-tables2 computes again for every cell. Kept on the bound column (one table's, one
    request's) when neither the table's nor the column's attributes are computed per record."""
    remembered = bound_column.__dict__
    if "_td_html" in remembered:
        return remembered["_td_html"]
    html = bound_column.attrs["td"].as_html()
    if "_td_static" not in remembered:  # asked once per column, not once per cell
        remembered["_td_static"] = _static_attrs(bound_column)
    if remembered["_td_static"]:
        remembered["_td_html"] = html
    return html


def _static_attrs(bound_column) -> bool:
    def static(value) -> bool:
        if callable(value):
            return False
        if isinstance(value, dict):
            return all(static(item) for item in value.values())
        return True

    return static(dict(bound_column._table.attrs)) and static(dict(bound_column.column.attrs))


# The arguments a column's render method may name (django-tables2's `_optional_cell_arguments`).
CELL_ARGUMENTS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))
NOT_CALLED = object()


def cell_maker(bound_column):
    """A function of a row (a `BoundRow`) giving the cell `row.get_cell(name)` gives, with what
    does not change from row to row worked out once per column: the column looked up, the
    render method's arguments, whether the value is a choice to show by its label (asked of
    the record's model once per class). django-tables2 asks these again for each of a page's
    600 cells (60% of the inbox's list). The row's own `get_cell` for a many-to-many column
    and a link column with its own text."""
    column = bound_column.column
    accessor = tables_utils.A(bound_column.accessor)
    path, _, remainder = accessor.rpartition(accessor.SEPARATOR)
    name = bound_column.name
    if (
        not remainder
        or isinstance(column, ManyToManyColumn)
        or (isinstance(column, BaseLinkColumn) and column.text is not None)
    ):
        return lambda row: row.get_cell(name)
    above = tables_utils.A(path)
    label_of = f"get_{remainder}_display"
    render, link = bound_column.render, bound_column.link
    arguments, keywords = tables_utils.signature(render)
    if keywords:
        call = None  # every argument
    elif any(argument not in CELL_ARGUMENTS for argument in arguments):
        call = NOT_CALLED  # as `call_with_appropriate`: not called, the cell is None
    else:
        call = tuple(arguments)
    default, empty = bound_column.default, column.empty_values
    # Whether a record's class has a field with choices at the end of the accessor.
    chosen: dict[type, bool] = {}

    def cell(row):
        record = row.record
        kind = type(record)
        has_choices = chosen.get(kind)
        if has_choices is None:
            has_choices = chosen[kind] = bool(getattr(accessor.get_field(record), "choices", ()))
        value = None
        labelled = False
        if has_choices:
            # As `BoundRow._get_and_render_with`: the label of a model's choice field.
            holder = above.resolve(record, quiet=True)
            if isinstance(holder, Model):
                shown = getattr(holder, label_of, None)
                if shown:
                    value, labelled = shown(), True
        if not labelled:
            try:
                value = accessor.resolve(record)
            except Exception:
                value = None
        if value in empty:
            return default
        given = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": row.table,
        }
        if call is None:
            content = render(**given)
        elif call is NOT_CALLED:
            content = None
        else:
            content = render(**{argument: given[argument] for argument in call})
        return link(content, **given) if link else content

    return cell
