"""The import of a cluster-year's results from its Excel template
(clusters.documents.results_template).

The import finds
its columns by header (any order; extra columns are ignored) and reads units, criteria and
indicators by their codes only – the name columns are there for the reader.

The import is all or nothing: every row is checked first, against the same rules as the entry
form (`score_errors`), and nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from emulation.text import fold

from ..documents.results_template import (
    FIGURE_COLUMNS,
    FIGURES_SHEET,
    SCORE_COLUMNS,
    SCORES_SHEET,
    StoredValues,
)
from ..models import (
    ClusterYear,
    ClusterYearStatus,
    Indicator,
    IndicatorKind,
    Officer,
    Organization,
    ResultStatus,
)
from .results import StaleResult, result_for, save_result, score_errors
from .scoring import Table

MAX_BYTES = 5 * 1024 * 1024
# What a 5 MB workbook may unpack to: far above any real cluster, far below a zip bomb.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 100


_YES = {"1", "x", "co", "c", "yes", "y", "true"}
_NO = {"0", "khong", "k", "no", "n", "false"}
_FORMULA_ESCAPE = re.compile(r"^'[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_VI_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_FIGURE_LIMIT = Decimal(10) ** 16  # FIGURE: 18 digits, 2 of them decimals


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

    def check(self, rows: dict[str, list[_Row]], stored: StoredValues):
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
        if not self._built_on_current(entry, row):
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
        if not self._built_on_current(entry, row):
            return
        for key in changes:
            self._may_change(entry, "figure", row.where[key])
        self._note_change(org_id, row)
        self.figures[org_id][indicator.pk] = changes
        self.changed_values += len(changes)

    def _built_on_current(self, entry, row: _Row) -> bool:
        """False, with an error, when the row would change a result that someone saved after
        the template was downloaded: the row carries the result's version it was built from."""
        org_id = entry.membership.organization_id
        result = self.stored.results.get(org_id)
        current = result.version if result is not None else 0
        raw = row.cells.get("version")
        try:
            built = None if _blank(raw) else int(_number(raw))
        except (_CellError, ValueError):
            built = None
        if built == current:
            return True
        self.error(
            row.where["version"],
            _(
                "The result of %(unit)s was changed by %(who)s on %(when)s, after this template "
                "was downloaded: this row would overwrite that change. Download the template "
                "again and enter your figures there."
            )
            % {
                "unit": entry.name,
                "who": (result.updated_by if result is not None else None) or _("another officer"),
                "when": date_format(timezone.localtime(result.updated_at), "SHORT_DATETIME_FORMAT")
                if result is not None
                else "–",
            },
        )
        return False

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
            work.check(rows, StoredValues.load(cluster_year, table, for_update=True))
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
                return None, _unpacks_too_large()
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # A damaged or foreign archive fails anywhere in zipfile or the XML parser.
        return None, not_xlsx
    return workbook, None


def _not_xlsx() -> str:
    return _("The file is not an Excel workbook (.xlsx).")


def _too_large() -> str:
    return _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}


def _unpacks_too_large() -> str:
    return _(
        "The workbook unpacks to more than %(limit)s MB of data, more than any cluster's "
        "results; it is damaged or not a results template."
    ) % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)}


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
