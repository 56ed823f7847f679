"""XLSX renderers, and the escaping every spreadsheet export needs."""

from __future__ import annotations

import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .base import TableDocument

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Keep a spreadsheet from reading a cell as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Times New Roman"


def render_table_xlsx(document: TableDocument) -> bytes:
    """The document's header, title and table on one sheet, ready to print."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.kind[:31]
    width = len(document.columns)
    left = max(1, width // 2)
    header = document.header

    def put(
        row,
        col,
        value,
        *,
        bold=False,
        italic=False,
        underline=False,
        align="center",
        span=1,
        size=12,
    ):
        cell = sheet.cell(row=row, column=col, value=safe_cell(value))
        cell.font = Font(
            name=_FONT,
            bold=bold,
            italic=italic,
            size=size,
            underline="single" if underline else None,
        )
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if span > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row, end_column=col + span - 1
            )
        return cell

    put(1, 1, header.parent_line.upper(), span=left)
    put(2, 1, header.issuer_line.upper(), bold=True, span=left)
    if header.number:
        put(3, 1, "Số: " + header.number, span=left)
    put(1, left + 1, header.national_title, bold=True, span=width - left)
    put(2, left + 1, header.motto, bold=True, underline=True, span=width - left)
    put(3, left + 1, header.date_line, italic=True, span=width - left)

    row = 5
    put(row, 1, document.title, bold=True, span=width, size=13)
    for line in document.subtitle_lines:
        row += 1
        put(row, 1, line, bold=True, span=width)
    if document.intro:
        row += 2
        put(row, 1, document.intro, align="left", span=width)
    row += 2
    for col, column in enumerate(document.columns, start=1):
        cell = put(row, col, column.label, bold=True)
        cell.border = _BOX
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    for data in document.rows:
        row += 1
        for col, value in enumerate(document.row_values(data), start=1):
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            cell = put(
                row,
                col,
                value,
                align=document.columns[col - 1].align,
                bold=bool(data.get("emphasis")),
            )
            cell.border = _BOX
    for note in document.notes:
        row += 1
        put(row, 1, note, italic=True, align="left", span=width)
    row += 2
    signature = document.signature
    put(row, left + 1, signature.on_behalf, bold=True, span=width - left)
    put(row + 1, left + 1, signature.title, bold=True, span=width - left)
    if signature.name:
        put(row + 5, left + 1, signature.name, bold=True, span=width - left)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if document.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
