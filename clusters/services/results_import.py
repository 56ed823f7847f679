"""The Excel round trip of a cluster-year's results: a template to fill offline (members'
self-scores, the head's verified scores and explanations, indicator targets and actuals, e.g.
copied from the members' paper reports) and its import.

The file is a Vietnamese form whatever the interface language: its sheet names and column
headers are fixed, so a file downloaded in one language imports in the other. The import finds
its columns by header (any order; extra columns are ignored) and reads units, criteria and
indicators by their codes only – the name columns are there for the reader.

The import is all or nothing: every row is checked first, against the same rules as the entry
form (`score_errors`), and nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from emulation.documents.xlsx import safe_cell
from emulation.text import fold, format_number

from ..models import (
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    Criterion,
    CriterionKind,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Officer,
    Organization,
    ResultStatus,
    ScoreEntry,
)
from .results import StaleResult, result_for, save_result, score_errors
from .scoring import Table

MAX_BYTES = 5 * 1024 * 1024
# What a 5 MB workbook may unpack to: far above any real cluster, far below a zip bomb.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 100

SCORES_SHEET = "Điểm"
FIGURES_SHEET = "Chỉ tiêu"
HELP_SHEET = "Hướng dẫn"

# (key, header, width, required by the import)
SCORE_COLUMNS = [
    ("unit", "Mã đơn vị", 18, True),
    ("unit_name", "Đơn vị", 36, False),
    ("criterion", "Mã tiêu chí", 11, True),
    ("criterion_title", "Tiêu chí", 60, False),
    ("max_points", "Điểm tối đa", 10, False),
    ("self_score", "Điểm tự chấm", 12, True),
    ("verified_score", "Điểm thẩm định", 13, True),
    ("explanation", "Giải trình", 40, True),
    ("not_applicable", "Không áp dụng (x)", 12, True),
    ("note", "Ghi chú", 40, False),
]
FIGURE_COLUMNS = [
    ("unit", "Mã đơn vị", 18, True),
    ("unit_name", "Đơn vị", 36, False),
    ("indicator", "Mã chỉ tiêu", 14, True),
    ("indicator_name", "Chỉ tiêu", 50, False),
    ("kind", "Loại", 14, False),
    ("target", "Kế hoạch", 16, True),
    ("actual", "Thực hiện", 16, True),
    ("note", "Ghi chú", 30, False),
]

_BOLD = Font(bold=True)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
# Cells the import reads nothing from (names, maxima, computed criteria, no target).
_GREY = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")

_YES = {"1", "x", "co", "c", "yes", "y", "true"}
_NO = {"0", "khong", "k", "no", "n", "false"}
_FORMULA_ESCAPE = re.compile(r"^'[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_VI_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_FIGURE_LIMIT = Decimal(10) ** 16  # FIGURE: 18 digits, 2 of them decimals


# The template -------------------------------------------------------------------------------


def build_template(
    cluster_year: ClusterYear, table: Table, *, org_ids: Collection[int] | None = None
) -> bytes:
    """The cluster-year's results as a workbook to fill in: sheet "Điểm", one row per member
    and criterion; sheet "Chỉ tiêu", one row per member and indicator; sheet "Hướng dẫn", how
    to fill them. Pre-filled with the stored values, names as of the year.

    `org_ids` limits the rows to these members: pass the units the user may see, since the
    file carries their scores.
    """
    entries = [
        e
        for e in cluster_year.member_entries()
        if org_ids is None or e.membership.organization_id in org_ids
    ]
    stored = _Stored.load(cluster_year, table)
    workbook = Workbook()
    scores = workbook.active
    scores.title = SCORES_SHEET
    figures = workbook.create_sheet(FIGURES_SHEET)
    _fill_scores(scores, entries, table, stored)
    _fill_figures(figures, entries, table, stored)
    _fill_help(workbook.create_sheet(HELP_SHEET), cluster_year)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet, columns):
    for index, (_key, title, width, _required) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def _letter(columns, key) -> str:
    return get_column_letter([c[0] for c in columns].index(key) + 1)


def _put(sheet, row, columns, values: dict, grey=()):
    for index, (key, _title, _width, _required) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=safe_cell(values.get(key)))
        cell.border = _BOX
        if key in ("unit", "criterion", "indicator"):
            # Codes stay text: "1.10" must not become the number 1.1.
            cell.number_format = "@"
        if key in grey or not _columns_required(columns, key):
            cell.fill = _GREY
        if key in ("explanation", "criterion_title", "indicator_name", "note"):
            cell.alignment = _WRAP


def _columns_required(columns, key) -> bool:
    return next(c[3] for c in columns if c[0] == key)


def _validation(sheet, **kwargs) -> DataValidation:
    validation = DataValidation(allow_blank=True, showErrorMessage=True, **kwargs)
    # A warning, not a stop: the import is the judge, and it reads "1,5" typed as text.
    validation.errorStyle = "warning"
    sheet.add_data_validation(validation)
    return validation


def _fill_scores(sheet, entries, table: Table, stored: _Stored):
    columns = SCORE_COLUMNS
    _header(sheet, columns)
    row = 1
    for entry in entries:
        org = entry.organization
        for criterion in table.criteria:
            row += 1
            score = stored.entries.get((org.pk, criterion.pk))
            values = {
                "unit": org.code,
                "unit_name": entry.name,
                "criterion": criterion.label,
                "criterion_title": criterion.title,
                "max_points": criterion.max_points,
                "note": _criterion_note(criterion),
            }
            if score is not None:
                values["explanation"] = score.explanation or None
                values["not_applicable"] = "x" if score.not_applicable else None
                if not criterion.is_computed:
                    values["self_score"] = score.self_score
                    values["verified_score"] = score.verified_score
            grey = ("self_score", "verified_score") if criterion.is_computed else ()
            _put(sheet, row, columns, values, grey)
    if row > 1:
        first, last = _letter(columns, "self_score"), _letter(columns, "verified_score")
        top = _letter(columns, "max_points")
        points = _validation(
            sheet,
            type="custom",
            formula1=f"AND(ISNUMBER({first}2),{first}2>=0,{first}2<=${top}2,MOD({first}2*2,1)=0)",
            error=_("A score in half points, between 0 and the criterion's maximum."),
        )
        points.add(f"{first}2:{last}{row}")
        mark = _validation(sheet, type="list", formula1='"x,không"')
        mark.add(f"{_letter(columns, 'not_applicable')}2:{_letter(columns, 'not_applicable')}{row}")


def _criterion_note(criterion: Criterion) -> str:
    if criterion.is_computed:
        return _(
            "Computed from the indicator %(code)s (%(name)s): enter its figures on the sheet "
            "%(sheet)s."
        ) % {
            "code": criterion.indicator.code,
            "name": criterion.indicator.name,
            "sheet": FIGURES_SHEET,
        }
    if criterion.section.kind == CriterionKind.BONUS:
        return _("Bonus points (section %(section)s adds at most %(limit)s).") % {
            "section": criterion.section.code,
            "limit": format_number(criterion.section.max_points),
        }
    if criterion.section.kind == CriterionKind.PENALTY:
        return _("Penalty points, entered as a positive number.")
    return ""


def _figure_cell(indicator: Indicator, value):
    if value is None:
        return None
    if indicator.kind == IndicatorKind.YES_NO:
        return "có" if value >= 1 else "không"
    return value


def _fill_figures(sheet, entries, table: Table, stored: _Stored):
    columns = FIGURE_COLUMNS
    _header(sheet, columns)
    target, actual = _letter(columns, "target"), _letter(columns, "actual")
    row = 1
    for entry in entries:
        org = entry.organization
        for indicator in table.indicators:
            row += 1
            value = stored.values.get((org.pk, indicator.pk))
            values = {
                "unit": org.code,
                "unit_name": entry.name,
                "indicator": indicator.code,
                "indicator_name": indicator.name,
                "kind": str(indicator.get_kind_display()),
                "note": "" if indicator.has_target else _("No target for this indicator."),
            }
            if value is not None:
                values["target"] = _figure_cell(indicator, value.target)
                values["actual"] = _figure_cell(indicator, value.actual)
            _put(sheet, row, columns, values, () if indicator.has_target else ("target",))
            if indicator.kind == IndicatorKind.MONEY:
                for letter in (target, actual):
                    sheet[f"{letter}{row}"].number_format = "#,##0"
    if row > 1:
        # One rule for the whole range, by the row's kind as written in the file: a list of
        # cells per kind would grow with the members beyond what Excel accepts.
        kind = "$" + _letter(columns, "kind")
        yes_no = _formula_text(IndicatorKind.YES_NO.label)
        count = _formula_text(IndicatorKind.COUNT.label)
        check = _validation(
            sheet,
            type="custom",
            formula1=(
                f'IF({kind}2="{yes_no}",OR({target}2="có",{target}2="không",{target}2=1,'
                f"{target}2=0),AND(ISNUMBER({target}2),{target}2>=0,"
                f'OR({kind}2<>"{count}",{target}2=INT({target}2))))'
            ),
            error=_('0 or more; a whole number for a count; "có" or "không" for yes/no.'),
        )
        check.add(f"{target}2:{actual}{row}")


def _formula_text(label) -> str:
    return str(label).replace('"', '""')


def _fill_help(sheet, cluster_year: ClusterYear):
    sheet.column_dimensions["A"].width = 110
    lines = [
        _("Results of %(cluster_year)s") % {"cluster_year": cluster_year},
        "",
        _(
            "Fill in the sheets %(scores)s and %(figures)s, then import the file on the "
            "results page of the cluster-year."
        )
        % {"scores": SCORES_SHEET, "figures": FIGURES_SHEET},
        _(
            "A blank cell leaves the stored value as it is; clear a value in the entry form. "
            "Values left as downloaded change nothing."
        ),
        _(
            "Scores are given in half points (e.g. 1,5), from 0 to the criterion's maximum; "
            "penalty points as a positive number."
        ),
        _("A verified score that differs from the self-score needs an explanation."),
        _(
            'Write "x" in "Không áp dụng (x)" when a criterion does not apply to the unit, '
            'and "không" to undo it.'
        ),
        _(
            "A criterion computed from an indicator takes no score: enter the indicator's "
            "target and actual on the sheet %(figures)s."
        )
        % {"figures": FIGURES_SHEET},
        _(
            "Counts are whole numbers, money in đồng, yes/no indicators "
            '"có" or "không"; no figure is negative.'
        ),
        _(
            "Keep the codes in the columns %(unit)s, %(criterion)s and %(indicator)s: the "
            "import reads the unit, criterion and indicator from them."
        )
        % {"unit": "Mã đơn vị", "criterion": "Mã tiêu chí", "indicator": "Mã chỉ tiêu"},
        _(
            "The file is imported as a whole or not at all: when a row has an error nothing "
            "is saved, and every error is listed with its sheet, row and column."
        ),
    ]
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=safe_cell(line))
        cell.alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=13)


# The stored values --------------------------------------------------------------------------


@dataclass
class _Stored:
    results: dict[int, AnnualResult]
    entries: dict[tuple[int, int], ScoreEntry]
    values: dict[tuple[int, int], IndicatorValue]

    @classmethod
    def load(cls, cluster_year: ClusterYear, table: Table, *, for_update=False) -> _Stored:
        results = AnnualResult.objects.filter(cluster_year=cluster_year)
        if for_update:
            results = results.select_for_update()
        results = {r.organization_id: r for r in results}
        org_of = {r.pk: r.organization_id for r in results.values()}
        entries = {
            (org_of[e.result_id], e.criterion_id): e
            for e in ScoreEntry.objects.filter(result_id__in=org_of)
        }
        values = {
            (org_of[v.result_id], v.indicator_id): v
            for v in IndicatorValue.objects.filter(result_id__in=org_of)
        }
        return cls(results, entries, values)


# The import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    changed_results: int = 0
    changed_values: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _CellError(Exception):
    pass


@dataclass
class _Where:
    sheet: str
    row: int | None = None
    letter: str = ""
    header: str = ""

    def sort_key(self) -> tuple:
        order = [SCORES_SHEET, FIGURES_SHEET]
        sheet = order.index(self.sheet) if self.sheet in order else -1
        return (sheet, self.row or 0, len(self.letter), self.letter)

    def message(self, text: str) -> str:
        if self.row is None:
            return _("Sheet %(sheet)s: %(message)s") % {"sheet": self.sheet, "message": text}
        if not self.letter:
            return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": text,
            }
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s (%(header)s): %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.letter,
            "header": self.header,
            "message": text,
        }


@dataclass
class _Row:
    number: int
    cells: dict  # key → raw value
    where: dict  # key → _Where


class _Import:
    """One import: the parsed file, the errors found and the changes to write."""

    def __init__(self, cluster_year, table, *, by, editable, can_verify):
        self.cluster_year = cluster_year
        self.table = table
        self.by = by
        self.editable = set(editable)
        self.can_verify = set(can_verify)
        if by is not None:
            # A unit never verifies itself, whatever the caller's sets say.
            self.can_verify -= set(
                Officer.objects.filter(user=by).values_list("organization_id", flat=True)
            )
        self.errors: list[tuple[_Where, str]] = []
        self.members = {e.organization.code.lower(): e for e in cluster_year.member_entries()}
        self.criteria = {c.label.lower(): c for c in table.criteria}
        self.indicators = {i.code.lower(): i for i in table.indicators}
        self.scores: dict[int, dict[int, dict]] = defaultdict(dict)
        self.figures: dict[int, dict[int, dict]] = defaultdict(dict)
        self.first_change: dict[int, _Where] = {}
        self.refused: set[tuple] = set()
        self.changed_values = 0
        self.seen: dict[tuple, int] = {}
        self.score_rows: dict[tuple[int, int], _Row] = {}

    def error(self, where: _Where, text: str):
        self.errors.append((where, text))

    # Reading the workbook ---------------------------------------------------------------

    def read(self, workbook) -> dict[str, list[_Row]]:
        rows = {}
        for name, columns in ((SCORES_SHEET, SCORE_COLUMNS), (FIGURES_SHEET, FIGURE_COLUMNS)):
            if name not in workbook.sheetnames:
                self.error(_Where(name), _("The sheet is missing from the file."))
                continue
            rows[name] = self._read_sheet(workbook[name], name, columns)
        return rows

    def _read_sheet(self, sheet, name, columns) -> list[_Row]:
        wanted = {_header_key(title): (key, title) for key, title, _w, _r in columns}
        found: dict[str, int] = {}
        header_row = None
        for number, values in enumerate(sheet.iter_rows(max_row=10, values_only=True), 1):
            keys = {}
            for index, value in enumerate(values, start=1):
                match = wanted.get(_header_key(value)) if isinstance(value, str) else None
                if match is not None:
                    keys.setdefault(match[0], index)
            if "unit" in keys:
                found, header_row = keys, number
                break
        missing = [title for key, title, _w, required in columns if required and key not in found]
        if header_row is None or missing:
            for title in missing:
                self.error(
                    _Where(name), _('The column "%(header)s" is missing.') % {"header": title}
                )
            return []
        titles = {key: title for key, title, _w, _r in columns}
        width = max(found.values())
        rows = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
            start=header_row + 1,
        ):
            if number - header_row > MAX_ROWS:
                self.error(_Where(name), _("More than %(n)s rows.") % {"n": MAX_ROWS})
                return []
            cells = {
                key: _clean(values[index - 1]) if index <= len(values) else None
                for key, index in found.items()
            }
            if all(_blank(cells[key]) for key in found):
                continue
            where = {
                key: _Where(name, number, get_column_letter(index), titles[key])
                for key, index in found.items()
            }
            rows.append(_Row(number, cells, where))
        return rows

    # Checking ---------------------------------------------------------------------------

    def check(self, rows: dict[str, list[_Row]], stored: _Stored):
        self.stored = stored
        codes = {
            _text(row.cells["unit"])
            for sheet_rows in rows.values()
            for row in sheet_rows
            if not _blank(row.cells["unit"])
        }
        unknown = {code for code in codes if code.lower() not in self.members}
        self.existing = {
            code.lower()
            for code in Organization.objects.filter(code__in=unknown).values_list("code", flat=True)
        }
        for row in rows.get(SCORES_SHEET, []):
            self._check_score_row(row)
        for row in rows.get(FIGURES_SHEET, []):
            self._check_figure_row(row)
        self._check_rules()

    def _unit(self, row: _Row):
        raw = row.cells["unit"]
        where = row.where["unit"]
        if _blank(raw):
            self.error(where, _("Enter the unit code."))
            return None
        code = _text(raw)
        entry = self.members.get(code.lower())
        if entry is None:
            if code.lower() in self.existing:
                self.error(
                    where,
                    _("%(code)s is not a member of this cluster in %(year)s.")
                    % {"code": code, "year": self.cluster_year.year},
                )
            else:
                self.error(where, _('Unknown unit code "%(code)s".') % {"code": code})
        return entry

    def _check_score_row(self, row: _Row):
        entry = self._unit(row)
        raw, where = row.cells["criterion"], row.where["criterion"]
        criterion = None
        if _blank(raw):
            self.error(where, _("Enter the criterion code."))
        else:
            criterion = self.criteria.get(_text(raw).lower())
            if criterion is None:
                self.error(where, _('Unknown criterion code "%(code)s".') % {"code": _text(raw)})
        parsed = {}
        for key in ("self_score", "verified_score"):
            value = row.cells[key]
            if _blank(value):
                continue
            if criterion is not None and criterion.is_computed:
                self.error(
                    row.where[key],
                    _(
                        "Criterion %(criterion)s is computed from the indicator %(code)s: "
                        "enter its figures on the sheet %(sheet)s."
                    )
                    % {
                        "criterion": criterion.label,
                        "code": criterion.indicator.code,
                        "sheet": FIGURES_SHEET,
                    },
                )
                continue
            try:
                parsed[key] = _number(value)
            except _CellError as exc:
                self.error(row.where[key], str(exc))
        if not _blank(row.cells["explanation"]):
            parsed["explanation"] = _text(row.cells["explanation"])
        if not _blank(row.cells["not_applicable"]):
            try:
                parsed["not_applicable"] = _yes_no(row.cells["not_applicable"])
            except _CellError:
                self.error(
                    row.where["not_applicable"],
                    _('Write "x" when the criterion does not apply, "không" to undo it.'),
                )
        if entry is None or criterion is None:
            return
        org_id = entry.membership.organization_id
        if not self._first((SCORES_SHEET, org_id, criterion.pk), row, where):
            return
        stored = self.stored.entries.get((org_id, criterion.pk))
        changes = {}
        for key, value in parsed.items():
            old = getattr(stored, key) if stored is not None else _EMPTY[key]
            if value != old:
                changes[key] = value
        if not changes:
            return
        for key in changes:
            self._may_change(entry, key, row.where[key])
        self._note_change(org_id, row)
        self.scores[org_id][criterion.pk] = changes
        self.score_rows[org_id, criterion.pk] = row
        self.changed_values += len(changes)

    def _check_figure_row(self, row: _Row):
        entry = self._unit(row)
        raw, where = row.cells["indicator"], row.where["indicator"]
        indicator = None
        if _blank(raw):
            self.error(where, _("Enter the indicator code."))
        else:
            indicator = self.indicators.get(_text(raw).lower())
            if indicator is None:
                self.error(where, _('Unknown indicator code "%(code)s".') % {"code": _text(raw)})
        parsed = {}
        for key in ("target", "actual"):
            value = row.cells[key]
            if _blank(value) or indicator is None:
                continue
            if key == "target" and not indicator.has_target:
                self.error(row.where[key], _("This indicator has no target."))
                continue
            try:
                parsed[key] = _figure(indicator, value)
            except _CellError as exc:
                self.error(row.where[key], str(exc))
        if entry is None or indicator is None:
            return
        org_id = entry.membership.organization_id
        if not self._first((FIGURES_SHEET, org_id, indicator.pk), row, where):
            return
        stored = self.stored.values.get((org_id, indicator.pk))
        changes = {
            key: value
            for key, value in parsed.items()
            if value != (getattr(stored, key) if stored is not None else None)
        }
        if not changes:
            return
        for key in changes:
            self._may_change(entry, "figure", row.where[key])
        self._note_change(org_id, row)
        self.figures[org_id][indicator.pk] = changes
        self.changed_values += len(changes)

    def _first(self, key, row: _Row, where: _Where) -> bool:
        """False, with an error, when an earlier row has the same unit and code."""
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            self.error(where, _("The same unit and code as row %(row)s.") % {"row": first})
            return False
        return True

    def _may_change(self, entry, key: str, where: _Where):
        org_id = entry.membership.organization_id
        if key == "verified_score":
            allowed = org_id in self.can_verify
            text = _("You may not verify the scores of %(unit)s.")
        elif key == "explanation":
            allowed = org_id in self.editable or org_id in self.can_verify
            text = _("You may not change the result of %(unit)s.")
        else:
            allowed = org_id in self.editable
            text = _("You may not change the result of %(unit)s.")
        # One error per unit, sheet and right: the first cell shows where.
        refusal = (where.sheet, org_id, text)
        if not allowed and refusal not in self.refused:
            self.refused.add(refusal)
            self.error(where, text % {"unit": entry.name})

    def _note_change(self, org_id: int, row: _Row):
        self.first_change.setdefault(org_id, _Where(row.where["unit"].sheet, row.number))

    def _check_rules(self):
        names = {e.membership.organization_id: e.name for e in self.members.values()}
        for org_id, where in self.first_change.items():
            result = self.stored.results.get(org_id)
            if result is not None and result.status == ResultStatus.LOCKED:
                self.error(
                    where,
                    _("The result of %(unit)s is locked: nothing of it can be changed.")
                    % {"unit": names[org_id]},
                )
        for org_id, changes in self.scores.items():
            merged = {}
            for criterion_id, data in changes.items():
                stored = self.stored.entries.get((org_id, criterion_id))
                base = {
                    key: getattr(stored, key) if stored is not None else _EMPTY[key]
                    for key in _EMPTY
                }
                merged[criterion_id] = {**base, **data}
            for (criterion_id, key), text in score_errors(self.table, merged).items():
                row = self.score_rows[org_id, criterion_id]
                where = row.where.get(key) or row.where["criterion"]
                self.error(where, text)

    # Writing ----------------------------------------------------------------------------

    def apply(self, reason: str) -> int:
        members = {e.membership.organization_id: e.organization for e in self.members.values()}
        changed = 0
        for org_id in sorted(set(self.scores) | set(self.figures)):
            result = self.stored.results.get(org_id)
            if result is None:
                result = result_for(self.cluster_year, members[org_id], by=self.by)
            save_result(
                result=result,
                by=self.by,
                base_version=result.version,
                scores={
                    criterion_id: {
                        key: value.quantize(Decimal("0.1")) if isinstance(value, Decimal) else value
                        for key, value in data.items()
                    }
                    for criterion_id, data in self.scores.get(org_id, {}).items()
                },
                figures=self.figures.get(org_id, {}),
                reason=reason,
                table=self.table,
            )
            changed += 1
        return changed


_EMPTY = {"self_score": None, "verified_score": None, "explanation": "", "not_applicable": False}


def import_results(
    cluster_year: ClusterYear,
    table: Table,
    file,
    *,
    by,
    editable_org_ids: set[int],
    can_verify_org_ids: set[int],
    reason: str,
) -> ImportReport:
    """Read a filled template (`file`: an uploaded file, a binary file or bytes) and save it
    – all of it, or nothing when any row has an error.

    * A blank cell leaves the stored value unchanged; a value equal to the stored one is no
      change. So a template downloaded and imported as it is changes nothing, and someone may
      re-import a file listing units they may not edit as long as they leave those rows alone.
      Clearing a value is done in the entry form.
    * Self-scores, "does not apply" and figures need the unit in `editable_org_ids`; verified
      scores need it in `can_verify_org_ids` (less the user's own units: a unit never verifies
      itself); an explanation needs either.
    * Scores follow `score_errors`, as in the form; criteria computed from an indicator take no
      score. Figures are never negative, counts whole, yes/no figures 0/1 ("có", "không", "x").
    * A locked result, or a year whose dossier has been submitted, takes no change.

    Errors name the sheet, the row and the column; nothing is written when there is any. Each
    changed result is saved through `save_result` (optimistic lock, totals, history, suggested
    classifications) inside one transaction.
    """
    if table.program.organizer_id != cluster_year.cluster.organizer_id or (
        table.program.year != cluster_year.year
    ):
        raise ValueError("The table is not the programme of this cluster-year.")
    if cluster_year.status in (ClusterYearStatus.SUBMITTED, ClusterYearStatus.CLOSED):
        return ImportReport(
            errors=[_("The year's dossier has been submitted: results stay locked.")]
        )
    workbook, error = _open(file)
    if error:
        return ImportReport(errors=[error])
    work = _Import(
        cluster_year,
        table,
        by=by,
        editable=editable_org_ids,
        can_verify=can_verify_org_ids,
    )
    try:
        rows = work.read(workbook)
    except Exception:
        # The sheets are parsed while read: a damaged one fails here, not on opening.
        return ImportReport(errors=[_not_xlsx()])
    finally:
        workbook.close()
    try:
        with transaction.atomic():
            work.check(rows, _Stored.load(cluster_year, table, for_update=True))
            if work.errors:
                return ImportReport(errors=_messages(work.errors))
            changed_results = work.apply(reason or _("Imported from Excel"))
    except StaleResult as exc:
        return ImportReport(errors=[str(exc)])
    except ValidationError as exc:
        return ImportReport(errors=list(exc.messages))
    return ImportReport(changed_results=changed_results, changed_values=work.changed_values)


def _messages(errors: list[tuple[_Where, str]]) -> list[str]:
    ordered = sorted(errors, key=lambda item: item[0].sort_key())
    out = [where.message(text) for where, text in ordered[:MAX_ERRORS]]
    if len(ordered) > MAX_ERRORS:
        out.append(_("… and %(n)s more errors.") % {"n": len(ordered) - MAX_ERRORS})
    return out


def _open(file):
    """(read-only workbook, None) or (None, the reason it cannot be read)."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        return None, _too_large()
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return None, _too_large()
    not_xlsx = _not_xlsx()
    if not data.startswith(b"PK"):
        return None, not_xlsx
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None, _too_large()
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # A damaged or foreign archive fails anywhere in zipfile or the XML parser.
        return None, not_xlsx
    return workbook, None


def _not_xlsx() -> str:
    return _("The file is not an Excel workbook (.xlsx).")


def _too_large() -> str:
    return _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}


# Cell values --------------------------------------------------------------------------------


def _header_key(value) -> str:
    """A header compared loosely: case, accents and a trailing "(x)" aside."""
    if not isinstance(value, str):
        return ""
    return fold(re.sub(r"\(.*?\)", " ", value))


def _clean(value):
    # Undo safe_cell: a text the template escaped comes back as it was stored.
    if isinstance(value, str) and _FORMULA_ESCAPE.match(value):
        return value[1:]
    return value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _shown(value) -> str:
    text = _text(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _number(value) -> Decimal:
    """A number typed in the cell or written as text, Vietnamese (1,5; 1.500.000) or English
    (1.5; 1,500,000) alike; a single separator is always the decimal point."""
    if isinstance(value, bool):
        raise _CellError(_('Not a number: "%(value)s".') % {"value": value})
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise _CellError(_('Not a number: "%(value)s".') % {"value": value})
        return number
    text = str(value).strip().replace("\u00a0", "").replace(" ", "") if value is not None else ""
    if _PLAIN_NUMBER.match(text):
        text = text.replace(",", ".")
    elif _VI_GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _EN_GROUPED.match(text):
        text = text.replace(",", "")
    else:
        raise _CellError(_('Not a number: "%(value)s".') % {"value": _shown(value)})
    return Decimal(text)


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    text = fold(str(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError(
        _('Write "có" or "không" (1 or 0), not "%(value)s".') % {"value": _shown(value)}
    )


def _figure(indicator: Indicator, value) -> Decimal:
    if indicator.kind == IndicatorKind.YES_NO:
        return Decimal(1) if _yes_no(value) else Decimal(0)
    number = _number(value)
    if number < 0:
        raise _CellError(_("A figure cannot be negative."))
    if number >= _FIGURE_LIMIT:
        raise _CellError(_("The figure is too large."))
    if indicator.kind == IndicatorKind.COUNT and number != number.to_integral_value():
        raise _CellError(_("A count is a whole number."))
    if number != number.quantize(Decimal("0.01")):
        raise _CellError(_("At most two decimals."))
    return number
