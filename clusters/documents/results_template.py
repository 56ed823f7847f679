"""The Excel template of a cluster-year's results, to fill offline: members' self-scores, the
head's verified scores and explanations, indicator targets and actuals (e.g. copied from the
members' paper reports). clusters.services.results_import reads it back.

The file is a Vietnamese form whatever the interface language: its sheet names and column
headers are fixed, so a file downloaded in one language imports in the other."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from emulation.documents.xlsx import safe_cell
from emulation.text import format_number

from ..models import (
    AnnualResult,
    ClusterYear,
    Criterion,
    CriterionKind,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    ScoreEntry,
)
from ..services.scoring import Table

SCORES_SHEET = "Điểm"
FIGURES_SHEET = "Chỉ tiêu"
HELP_SHEET = "Hướng dẫn"

# What the template was built from: the version of each unit's result (0 before any). The
# import refuses the rows of a result that changed since, rather than overwrite the change.
VERSION_HEADER = "Phiên bản (không sửa)"

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
    ("version", VERSION_HEADER, 10, True),
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
    ("version", VERSION_HEADER, 10, True),
]

_BOLD = Font(bold=True)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
# Cells the import reads nothing from (names, maxima, computed criteria, no target).
_GREY = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")


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
    stored = StoredValues.load(cluster_year, table)
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
        if key in grey or key == "version" or not _columns_required(columns, key):
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


def _fill_scores(sheet, entries, table: Table, stored: StoredValues):
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
                "version": stored.version_of(org.pk),
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


def _fill_figures(sheet, entries, table: Table, stored: StoredValues):
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
                "version": stored.version_of(org.pk),
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
class StoredValues:
    results: dict[int, AnnualResult]
    entries: dict[tuple[int, int], ScoreEntry]
    values: dict[tuple[int, int], IndicatorValue]

    @classmethod
    def load(cls, cluster_year: ClusterYear, table: Table, *, for_update=False) -> StoredValues:
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

    def version_of(self, organization_id: int) -> int:
        result = self.results.get(organization_id)
        return result.version if result is not None else 0
