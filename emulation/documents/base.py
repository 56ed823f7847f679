"""The data every printed document is built from: plain objects, numbers already computed.

Builders in the apps fill these; renderers (pdf.py, xlsx.py) turn them into files. Nothing
here imports an app.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from emulation.text import format_number

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class DocumentError(Exception):
    """A document cannot be built from the data as it stands (e.g. a cluster-year without a
    pact); the message says why, in the active language."""


def vi_date_line(place: str, day: datetime.date) -> str:
    """ "Bắc Bình, ngày 14 tháng 12 năm 2024": a leading zero for days below 10 and for
    January and February (Nghị định 30/2020/NĐ-CP)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def document_number(number: int, kind: str, suffix: str) -> str:
    """ "05/BC-CTĐ": numbers below 10 with a leading zero."""
    return f"{number:02d}/{kind}-{suffix}"


def _printed(value):
    """Figures print in the document's language (Vietnamese: 95,5; 127.000)."""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return format_number(value)
    return value


@dataclass
class AdminHeader:
    """The two header blocks of the administrative format."""

    parent_line: str
    issuer_line: str
    place: str
    date: datetime.date
    number: str = ""

    @property
    def national_title(self) -> str:
        return NATIONAL_TITLE

    @property
    def motto(self) -> str:
        return NATIONAL_MOTTO

    @property
    def date_line(self) -> str:
        return vi_date_line(self.place, self.date)


@dataclass
class Signature:
    on_behalf: str
    title: str
    name: str = ""


@dataclass
class Column:
    key: str
    label: str
    width: float = 20  # in the XLSX, characters; in the PDF, a share of the table width
    align: str = "left"


@dataclass
class TableDocument:
    """A document whose body is one table: a roster, a list, a ranking."""

    kind: str
    filename: str
    header: AdminHeader
    title: str
    subtitle_lines: list[str]
    columns: list[Column]
    rows: list[dict]
    signature: Signature
    intro: str = ""
    notes: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False

    def row_values(self, row: dict) -> list:
        return [row.get(column.key, "") for column in self.columns]

    @property
    def column_widths(self) -> list[tuple[Column, int]]:
        """Each column with its share of the printed table's width, in per cent."""
        total = sum(column.width for column in self.columns) or 1
        return [(column, round(100 * column.width / total)) for column in self.columns]

    @property
    def printed_rows(self) -> list[dict]:
        return [
            {
                "emphasis": bool(row.get("emphasis")),
                "cells": [(_printed(row.get(c.key, "")), c.align) for c in self.columns],
            }
            for row in self.rows
        ]
