"""A year from paper: a totals-only programme keeps per unit the total score and the
classification the reports give – typed in the results grid or imported from one row per unit
(unit code, total, classification, note) – with no per-criterion table. The typed total is the
verified total.

The import follows the stale-row rule of every import: each row carries the version of the
result it was built from, and a row whose result changed since is refused, listed by sheet and
row; nothing is written unless every row is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from emulation.documents.xlsx import safe_cell
from emulation.text import fold

from ..models import (
    LEVEL_ABBREVIATIONS,
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    Level,
    ResultStatus,
)
from .history import stamp
from .results import cap_of, cap_text, result_for

TOTALS_SHEET = "Tổng điểm"
VERSION_HEADER = "Phiên bản (không sửa)"
# (key, header, width, required by the import)
TOTAL_COLUMNS = [
    ("unit", "Mã đơn vị", 18, True),
    ("unit_name", "Đơn vị", 40, False),
    ("total", "Tổng điểm", 12, True),
    ("level", "Xếp loại", 14, True),
    ("note", "Ghi chú", 40, True),
    ("version", VERSION_HEADER, 10, True),
]
MAX_TOTAL = Decimal("999.9")
TENTH = Decimal("0.1")


def level_from_text(text: str) -> str | None:
    """A classification as typed: its abbreviation (HTXSNV, KXL), its Vietnamese or English
    name, or the stored code; None when it is none of them."""
    key = fold(str(text)).replace(" ", "").replace(".", "")
    for level in Level:
        names = {
            level.value,
            LEVEL_ABBREVIATIONS[level],
            str(level.label),
        }
        if key in {fold(n).replace(" ", "").replace(".", "") for n in names}:
            return level.value
    vietnamese = {
        "hoanthanhxuatsacnhiemvu": Level.EXCELLENT,
        "hoanthanhtotnhiemvu": Level.GOOD,
        "hoanthanhnhiemvu": Level.COMPLETED,
        "khonghoanthanhnhiemvu": Level.FAILED,
        "khongxeploai": Level.NONE,
    }
    return vietnamese.get(key)


def total_errors(total: Decimal | None, level: str) -> list[str]:
    errors = []
    if total is not None:
        if total < 0:
            errors.append(_("A total cannot be negative."))
        elif total > MAX_TOTAL:
            errors.append(_("The total is too large."))
        elif total != total.quantize(TENTH):
            errors.append(_("A total has at most one decimal."))
    if total is not None and not level:
        errors.append(_("Give the classification with the total."))
    return errors


@dataclass
class TypedRow:
    """One unit's line as typed or imported: what to store, and the version it is based on."""

    organization_id: int
    total: Decimal | None
    level: str
    note: str
    version: int
    # The verifier confirms the row as it stands (the head unit's own, typed by the head).
    confirm: bool = False


VERIFIED_STATUSES = (ResultStatus.VERIFIED, ResultStatus.LOCKED)


def typed_total(result: AnnualResult | None) -> Decimal | None:
    """The total a typed row shows: the verified one, or – while the organiser's staff have
    not verified the head unit's own row – the one the head typed."""
    if result is None:
        return None
    if result.verified_total is not None or result.status in VERIFIED_STATUSES:
        return result.verified_total
    return result.self_total


def _differs(result: AnnualResult | None, row: TypedRow, *, verifying: bool) -> bool:
    """Whether saving `row` changes anything. For the one who verifies it, a row not yet
    verified and confirmed as it stands is a change: saving it verifies it as typed."""
    if result is None:
        return row.total is not None or bool(row.level) or bool(row.note)
    if (
        verifying
        and row.confirm
        and result.status not in VERIFIED_STATUSES
        and row.total is not None
    ):
        return True
    return (
        typed_total(result) != row.total
        or (result.level or "") != row.level
        or result.note != row.note
    )


@dataclass
class TotalsReport:
    errors: list[str] = field(default_factory=list)
    changed: int = 0
    # Set when the typed classifications put more units at the top level than the
    # programme's cap allows and no reason was given: the message asking for one.
    beyond_cap: str = ""
    # Rows stored for the organiser's staff to verify (the head unit's own).
    awaiting_staff: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def save_typed_totals(
    cluster_year: ClusterYear,
    rows: list[TypedRow],
    *,
    by,
    can_verify_org_ids: set[int],
    can_enter_org_ids: set[int] = frozenset(),
    reason: str = "",
    cap_reason: str = "",
    where=None,
) -> TotalsReport:
    """Store the typed totals and classifications – all of them or none. A row whose result
    changed since its `version` was read is refused (`where(row)` names it in the message, e.g.
    the sheet and row of a file); so is a row the user may neither verify nor enter (a unit
    never verifies itself) and a locked result. Each changed result the user may verify
    becomes verified; a row the user may only enter – the head unit's own – is stored as
    submitted, for the organiser's staff to verify. Both keep their history.

    The programme's cap on the top level (its basis and rounding) applies to the typed
    classifications: more units at the top level than it allows are not refused, but nothing
    is saved until `cap_reason` says why (what the papers decided); the history of each unit
    newly at the top level keeps it."""
    from ..models import EmulationProgram

    program = EmulationProgram.for_cluster_year(cluster_year)
    if program is None or not program.totals_only:
        raise ValueError("Not a totals-only year.")
    if cluster_year.status in (ClusterYearStatus.SUBMITTED, ClusterYearStatus.CLOSED):
        return TotalsReport(
            errors=[_("The year's dossier has been submitted: results stay locked.")]
        )
    entries = {e.membership.organization_id: e for e in cluster_year.member_entries()}
    where = where or (lambda row: entries[row.organization_id].name)
    report = TotalsReport()
    with transaction.atomic():
        results = {
            r.organization_id: r
            for r in AnnualResult.objects.select_for_update(of=("self",))
            .filter(cluster_year=cluster_year)
            .select_related("updated_by")
        }
        changes = []
        for row in rows:
            entry = entries.get(row.organization_id)
            if entry is None:
                report.errors.append(
                    _("%(where)s: not a member of this cluster in %(year)s.")
                    % {"where": where(row), "year": cluster_year.year}
                )
                continue
            result = results.get(row.organization_id)
            verifying = row.organization_id in can_verify_org_ids
            if not _differs(result, row, verifying=verifying):
                continue
            prefix = where(row)
            current = result.version if result is not None else 0
            if row.version != current:
                report.errors.append(
                    _(
                        "%(where)s: the result of %(unit)s was changed by %(who)s on %(when)s, "
                        "after this was read; nothing of it is overwritten. Read it again."
                    )
                    % {
                        "where": prefix,
                        "unit": entry.name,
                        "who": (result.updated_by if result else None) or _("another officer"),
                        "when": date_format(
                            timezone.localtime(result.updated_at), "SHORT_DATETIME_FORMAT"
                        )
                        if result is not None
                        else "–",
                    }
                )
                continue
            if not verifying and row.organization_id not in can_enter_org_ids:
                report.errors.append(
                    _("%(where)s: you may not verify the result of %(unit)s.")
                    % {"where": prefix, "unit": entry.name}
                )
                continue
            if result is not None and result.status == ResultStatus.LOCKED:
                report.errors.append(
                    _("%(where)s: the result of %(unit)s is locked.")
                    % {"where": prefix, "unit": entry.name}
                )
                continue
            for error in total_errors(row.total, row.level):
                report.errors.append(f"{prefix}: {error}")
            changes.append((entry, result, row, verifying))
        if report.errors:
            transaction.set_rollback(True)
            return report
        over, cap = _beyond_cap(program, cluster_year, entries, results, changes)
        cap_reason = cap_reason.strip()
        if over and not cap_reason:
            transaction.set_rollback(True)
            report.beyond_cap = over
            return report
        now = timezone.now()
        any_newly_top = any(
            row.level == Level.EXCELLENT and (result is None or result.level != Level.EXCELLENT)
            for _entry, result, row, _verifying in changes
        )
        for entry, result, row, verifying in changes:
            if result is None:
                result = result_for(cluster_year, entry.organization, by=by)
            newly_top = row.level == Level.EXCELLENT and result.level != Level.EXCELLENT
            level_changed = (result.level or "") != row.level
            result.level = row.level
            result.suggested_level = row.level
            result.note = row.note
            if verifying:
                # Typed from the papers: the total is the verified one.
                result.verified_total = row.total
                result.self_total = result.self_total if result.self_total == row.total else None
                result.status = ResultStatus.VERIFIED
                result.verified_at = now
                result.verified_by = by
            else:
                # The head unit's own row: as the papers give it, for the staff to verify.
                result.self_total = row.total
                result.verified_total = None
                result.verified_at = result.verified_by = None
                result.status = ResultStatus.SUBMITTED
                result.submitted_at = now
                report.awaiting_staff += 1
            result.version += 1
            result.updated_by = by
            history = reason or _("Total and classification typed from the papers")
            if over and (newly_top or (not any_newly_top and level_changed)):
                history = _("Beyond the cap (%(cap)s): %(reason)s") % {
                    "cap": cap,
                    "reason": cap_reason,
                }
            stamp(result, by, history[:250])
            result.save()
            report.changed += 1
    return report


def _levels_after(cluster_year, entries, results, changes) -> dict[int, str]:
    """The classification of every member at the year's end once `changes` are saved."""
    as_of = cluster_year.as_of
    levels = {}
    for org_id, entry in entries.items():
        if entry.membership.is_member_on(as_of):
            result = results.get(org_id)
            levels[org_id] = (result.level or "") if result is not None else ""
    for _entry, _result, row, _verifying in changes:
        if row.organization_id in levels:
            levels[row.organization_id] = row.level
    return levels


def _beyond_cap(program, cluster_year, entries, results, changes) -> tuple[str, str]:
    """("", "") when the typed classifications keep within the programme's cap, or when none
    of the changes touches a classification; else the message asking for the reason (a unit
    put at the top level, or – on the classified units – one marked not classified, which
    lowers the cap) and the cap's text for the history."""
    touches_level = any(
        row.level != ((result.level or "") if result is not None else "")
        for _entry, result, row, _verifying in changes
    )
    if not touches_level:
        return "", ""
    levels = _levels_after(cluster_year, entries, results, changes).values()
    top = sum(1 for level in levels if level == Level.EXCELLENT)
    basis, quota = cap_of(program, levels)
    if top <= quota:
        return "", ""
    cap = cap_text(program, basis, quota)
    message = _(
        "%(count)s units %(level)s beyond the cap (%(cap)s). Give the reason (e.g. what the "
        "decision says) to record them all the same."
    ) % {"count": top, "level": LEVEL_ABBREVIATIONS[Level.EXCELLENT], "cap": cap}
    return message, cap


# The template and its import ----------------------------------------------------------------


def build_totals_template(cluster_year: ClusterYear, *, org_ids=None) -> bytes:
    """One row per member: its code and name, the stored total, classification and note, and
    the version of its result the row is built from."""
    results = {r.organization_id: r for r in AnnualResult.objects.filter(cluster_year=cluster_year)}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TOTALS_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    grey = PatternFill("solid", fgColor="EDEDED")
    for index, (_key, title, width, _required) in enumerate(TOTAL_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    row_number = 1
    for entry in cluster_year.member_entries():
        org_id = entry.membership.organization_id
        if org_ids is not None and org_id not in org_ids:
            continue
        row_number += 1
        result = results.get(org_id)
        values = {
            "unit": entry.organization.code,
            "unit_name": entry.name,
            "total": result.verified_total if result else None,
            "level": LEVEL_ABBREVIATIONS.get(result.level, "") if result and result.level else "",
            "note": result.note if result else "",
            "version": result.version if result else 0,
        }
        for index, (key, _title, _width, _required) in enumerate(TOTAL_COLUMNS, start=1):
            value = values[key]
            cell = sheet.cell(
                row=row_number, column=index, value=safe_cell(None if value == "" else value)
            )
            if key == "unit":
                cell.number_format = "@"
            if key in ("unit_name", "version"):
                cell.fill = grey
    if row_number > 1:
        letter = get_column_letter(4)
        choices = ",".join(LEVEL_ABBREVIATIONS[level] for level in Level)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.errorStyle = "warning"
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{row_number}")
    help_sheet = workbook.create_sheet("Hướng dẫn")
    help_sheet.column_dimensions["A"].width = 110
    for number, line in enumerate(
        [
            _("Totals of %(cluster_year)s") % {"cluster_year": cluster_year},
            _(
                "One row per unit: the total score and the classification as the papers give "
                "them (HTXSNV, HTTNV, HTNV, KHTNV or KXL for not classified), and a note."
            ),
            _(
                "The file is imported as a whole or not at all. A row whose unit's result was "
                "changed after the file was downloaded is refused: download it again."
            ),
        ],
        start=1,
    ):
        help_sheet.cell(row=number, column=1, value=safe_cell(line))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_totals(
    cluster_year: ClusterYear,
    file,
    *,
    by,
    can_verify_org_ids: set[int],
    can_enter_org_ids: set[int] = frozenset(),
    reason: str = "",
    cap_reason: str = "",
) -> TotalsReport:
    """Read a filled totals template and store it through `save_typed_totals`: all or nothing,
    every error named by its sheet and row; one reason for the whole file when it goes beyond
    the cap."""
    from .results_import import _blank, _CellError, _clean, _header_key, _number, _open, _text

    workbook, error = _open(file)
    if error:
        return TotalsReport(errors=[error])
    errors: list[str] = []
    rows: list[TypedRow] = []
    where_of: dict[int, str] = {}
    try:
        if TOTALS_SHEET not in workbook.sheetnames:
            return TotalsReport(
                errors=[
                    _("Sheet %(sheet)s: the sheet is missing from the file.")
                    % {"sheet": TOTALS_SHEET}
                ]
            )
        sheet = workbook[TOTALS_SHEET]
        wanted = {_header_key(title): key for key, title, _w, _r in TOTAL_COLUMNS}
        found: dict[str, int] = {}
        header_row = None
        for number, values in enumerate(sheet.iter_rows(max_row=10, values_only=True), 1):
            keys = {}
            for index, value in enumerate(values, start=1):
                key = wanted.get(_header_key(value)) if isinstance(value, str) else None
                if key:
                    keys.setdefault(key, index)
            if "unit" in keys:
                found, header_row = keys, number
                break
        missing = [t for k, t, _w, required in TOTAL_COLUMNS if required and k not in found]
        if header_row is None or missing:
            return TotalsReport(
                errors=[
                    _("Sheet %(sheet)s: %(message)s")
                    % {
                        "sheet": TOTALS_SHEET,
                        "message": _('The column "%(header)s" is missing.') % {"header": title},
                    }
                    for title in missing or [TOTAL_COLUMNS[0][1]]
                ]
            )
        members = {e.organization.code.lower(): e for e in cluster_year.member_entries()}
        seen: dict[int, int] = {}
        for number, values in enumerate(
            sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
        ):
            cells = {
                key: _clean(values[index - 1]) if index <= len(values) else None
                for key, index in found.items()
            }
            if all(_blank(v) for v in cells.values()):
                continue

            def at(message, number=number):
                return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {
                    "sheet": TOTALS_SHEET,
                    "row": number,
                    "message": message,
                }

            code = "" if _blank(cells["unit"]) else _text(cells["unit"])
            entry = members.get(code.lower())
            if entry is None:
                errors.append(
                    at(_("Enter the unit code."))
                    if not code
                    else at(
                        _("%(code)s is not a member of this cluster in %(year)s.")
                        % {"code": code, "year": cluster_year.year}
                    )
                )
                continue
            org_id = entry.membership.organization_id
            if org_id in seen:
                errors.append(
                    at(_("The same unit and code as row %(row)s.") % {"row": seen[org_id]})
                )
                continue
            seen[org_id] = number
            total = None
            if not _blank(cells["total"]):
                try:
                    total = _number(cells["total"])
                except _CellError as exc:
                    errors.append(at(str(exc)))
                    continue
            level = ""
            if not _blank(cells["level"]):
                level = level_from_text(_text(cells["level"])) or ""
                if not level:
                    errors.append(
                        at(
                            _(
                                'Unknown classification "%(value)s": write HTXSNV, HTTNV, HTNV, '
                                "KHTNV or KXL."
                            )
                            % {"value": _text(cells["level"])}
                        )
                    )
                    continue
            try:
                version = 0 if _blank(cells["version"]) else int(_number(cells["version"]))
            except (_CellError, ValueError):
                version = -1
            note = "" if _blank(cells["note"]) else _text(cells["note"])[:300]
            row = TypedRow(org_id, total, level, note, version)
            rows.append(row)
            where_of[org_id] = _("Sheet %(sheet)s, row %(row)s") % {
                "sheet": TOTALS_SHEET,
                "row": number,
            }
    except Exception:
        return TotalsReport(errors=[_("The file is not an Excel workbook (.xlsx).")])
    finally:
        workbook.close()
    if errors:
        return TotalsReport(errors=errors)
    try:
        return save_typed_totals(
            cluster_year,
            rows,
            by=by,
            can_verify_org_ids=can_verify_org_ids,
            can_enter_org_ids=can_enter_org_ids,
            reason=reason or _("Imported from Excel"),
            cap_reason=cap_reason,
            where=lambda row: where_of[row.organization_id],
        )
    except ValidationError as exc:
        return TotalsReport(errors=list(exc.messages))
