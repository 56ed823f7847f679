"""Shared pieces for the django-tables2 lists: exports that are safe to open in Excel."""

from django.db.models import QuerySet
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
