"""What the structure and the officers imports share: reading the file, the labels of the
choices as the screens show them, the preview of every row, and the fingerprint a downloaded
file carries so that a row changed by someone else since is refused, not overwritten.

Both imports run on django-import-export: a `Resource` per layout, `import_data` with
`dry_run=True` for the preview and again for real, all in one transaction that rolls back
when any row is wrong (nothing is written half-way).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from io import BytesIO

import tablib
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from emulation.text import fold

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
LISTS_SHEET = "Danh mục"
_GREY = PatternFill("solid", fgColor="EDEDED")


class ImportFileError(Exception):
    """The file cannot be read as an import; the message says why."""


def read_dataset(upload, columns: dict[str, str]) -> tablib.Dataset:
    """The file's first sheet (or the CSV) as a dataset with the layout's headers; extra
    columns are dropped, missing required ones raise."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(limit)s MB.") % {"limit": 5})
    name = (getattr(upload, "name", "") or "").lower()
    try:
        if data.startswith(b"PK"):
            workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            dataset = tablib.Dataset()
            if rows:
                dataset.headers = [str(h).strip() if h is not None else "" for h in rows[0]]
                for row in rows[1:]:
                    if any(cell not in (None, "") for cell in row):
                        dataset.append(list(row) + [None] * (len(dataset.headers) - len(row)))
        elif name.endswith(".csv") or b"," in data[:2000] or b";" in data[:2000]:
            text = data.decode("utf-8-sig")
            dataset = CSV().create_dataset(text)
            if not dataset.headers and ";" in text.splitlines()[0]:
                dataset = tablib.Dataset().load(text, format="csv", delimiter=";")
        else:
            raise ImportFileError(_("The file is neither an Excel workbook nor a CSV file."))
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The file is neither an Excel workbook nor a CSV file.")) from error
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(_("At most %(count)s rows at a time.") % {"count": MAX_ROWS})
    wanted = {fold(title): title for title in columns.values()}
    headers = [wanted.get(fold(h or ""), h or "") for h in dataset.headers or []]
    dataset.headers = headers
    return dataset


def choice_value(label, choices, column: str):
    """A choice given by its Vietnamese label as the screens show it (diacritics and case
    as typed or not), or by its code."""
    if label in (None, ""):
        return ""
    wanted = _plain(label)
    with translation.override("vi"):
        for value, text in choices:
            if wanted in (_plain(text), _plain(value)):
                return value
    raise ValidationError(
        _('Unknown value "%(value)s" in the column %(column)s.')
        % {"value": str(label)[:40], "column": column}
    )


def _plain(value) -> str:
    """Letters and digits only, without diacritics or case: "Công đoàn xã, phường" and
    "cong doan xa phuong" are the same label."""
    return " ".join(re.split(r"[^a-z0-9]+", fold(str(value)))).strip()


def choice_label(value, choices) -> str:
    with translation.override("vi"):
        return str(dict(choices).get(value, "")) if value else ""


def parse_day(value, column: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not 1900 <= day.year <= 2100:
            break
        return day
    raise ValidationError(
        _('"%(value)s" in the column %(column)s is not a date (dd/mm/yyyy).')
        % {"value": text[:20], "column": column}
    )


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def fingerprint(*values) -> str:
    """What a row of a downloaded file was built from: changes when any of the values do."""
    joined = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha256(joined.encode()).hexdigest()[:10]


@dataclass
class RowPlan:
    number: int
    key: str
    action: str = ""  # create, update, unchanged
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def created_count(self) -> int:
        return self.count("create")

    @property
    def updated_count(self) -> int:
        return self.count("update")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def workbook_with_lists(dataset: tablib.Dataset, lists: dict[str, list[str]], grey=()) -> bytes:
    """The dataset as an .xlsx whose choice columns offer their labels in a drop-down (the
    labels on a sheet of their own), headers bold, the columns not to edit greyed."""
    workbook_bytes = XLSX().export_data(dataset)
    workbook = load_workbook(BytesIO(workbook_bytes))
    sheet = workbook.worksheets[0]
    sheet.title = "Dữ liệu"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    listing = workbook.create_sheet(LISTS_SHEET)
    headers = list(dataset.headers)
    for column, (header, labels) in enumerate(lists.items(), start=1):
        listing.cell(1, column, header).font = Font(bold=True)
        for row, label in enumerate(labels, start=2):
            listing.cell(row, column, label)
        letter = listing.cell(1, column).column_letter
        if header in headers:
            target = sheet.cell(1, headers.index(header) + 1).column_letter
            validation = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}",
                allow_blank=True,
            )
            sheet.add_data_validation(validation)
            validation.add(f"{target}2:{target}{max(len(dataset) + 1, 2) + 500}")
    for header in grey:
        if header in headers:
            index = headers.index(header) + 1
            for row in range(1, len(dataset) + 2):
                sheet.cell(row, index).fill = _GREY
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, min(45, len(header) + 4)
        )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
