"""The Excel round trip of a cluster-year's results: the template, and its all-or-nothing
import with errors that name the sheet, the row and the column.

Messages are checked in English (the source strings): the Vietnamese catalogue is filled
later, and the sheet and column names are Vietnamese in both languages."""

import zipfile
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from clusters.documents.results_template import build_template
from clusters.models import (
    AnnualResult,
    ClusterYearStatus,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    OrganizationKind,
    ResultStatus,
    ScoreEntry,
)
from clusters.services import create_default_program, result_for, save_result
from clusters.services import results_import as results_excel
from clusters.services.results_import import import_results
from clusters.services.scoring import compute_totals, load_table
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Nhập từ báo cáo giấy"
SCORES, FIGURES = "Điểm", "Chỉ tiêu"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class Setup:
    cluster_year: object
    table: object
    head: object
    deputy: object
    member: object
    outsider: object
    head_officer: object

    @property
    def member_ids(self) -> set[int]:
        return {self.head.pk, self.deputy.pk, self.member.pk}

    def criterion(self, label):
        return next(c for c in self.table.criteria if c.label == label)

    def indicator(self, code):
        return next(i for i in self.table.indicators if i.code == code)

    def result(self, org):
        return AnnualResult.objects.filter(cluster_year=self.cluster_year, organization=org).first()


@pytest.fixture
def setup():
    province = OrganizationFactory(code="province", kind=OrganizationKind.PROVINCIAL)
    head = OrganizationFactory(code="head-unit", name="Liên đoàn Lao động huyện Đầu")
    deputy = OrganizationFactory(code="deputy-unit", name="Liên đoàn Lao động huyện Phó")
    member = OrganizationFactory(code="member-unit", name="Liên đoàn Lao động huyện Vĩnh Hảo")
    outsider = OrganizationFactory(code="outsider", name="Liên đoàn Lao động huyện Khác")
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=province),
        year=2024,
        head=head,
        deputy=deputy,
        members=[head, deputy, member],
    )
    program = create_default_program(organizer=province, year=2024)
    head_officer = OfficerFactory(user=UserFactory(username="head"), organization=head).user
    return Setup(cluster_year, load_table(program), head, deputy, member, outsider, head_officer)


# Helpers ------------------------------------------------------------------------------------


def _columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def _row_of(sheet, unit: str, code: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == unit and sheet.cell(row, 3).value == code:
            return row
    raise AssertionError(f"no row for {unit} {code}")


def fill(content: bytes, changes) -> bytes:
    """Set cells of a downloaded template: (sheet, unit code, criterion/indicator code,
    header, value)."""
    workbook = load_workbook(BytesIO(content))
    for sheet_name, unit, code, header, value in changes:
        sheet = workbook[sheet_name]
        sheet.cell(_row_of(sheet, unit, code), _columns(sheet)[header], value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_number(setup, sheet_name, unit, code) -> int:
    sheet = load_workbook(BytesIO(build_template(setup.cluster_year, setup.table)))[sheet_name]
    return _row_of(sheet, unit, code)


def run(setup, content, *, by=None, editable=None, can_verify=None):
    return import_results(
        setup.cluster_year,
        setup.table,
        content,
        by=setup.head_officer if by is None else by,
        editable_org_ids=setup.member_ids if editable is None else editable,
        can_verify_org_ids=(
            {setup.deputy.pk, setup.member.pk} if can_verify is None else can_verify
        ),
        reason=REASON,
    )


def template(setup) -> bytes:
    return build_template(setup.cluster_year, setup.table)


def snapshot() -> tuple:
    """Everything an import may write, history included."""
    return (
        list(AnnualResult.objects.order_by("pk").values()),
        list(ScoreEntry.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        AnnualResult.history.count(),
        ScoreEntry.history.count(),
        IndicatorValue.history.count(),
    )


def save(setup, org, *, scores=None, figures=None):
    result = result_for(setup.cluster_year, org, by=None)
    return save_result(
        result=result,
        by=None,
        base_version=result.version,
        scores=scores,
        figures=figures,
        table=setup.table,
    )


def full_marks(setup, unit: str) -> list:
    """Every plain criterion at its maximum (bonus and penalty at 0) and every figure met."""
    changes = []
    for criterion in setup.table.criteria:
        if criterion.is_computed:
            continue
        points = criterion.max_points if criterion.section.kind == "score" else 0
        changes.append((SCORES, unit, criterion.label, "Điểm tự chấm", points))
        changes.append((SCORES, unit, criterion.label, "Điểm thẩm định", points))
    for indicator in setup.table.indicators:
        if indicator.has_target:
            changes.append((FIGURES, unit, indicator.code, "Kế hoạch", 10))
        changes.append((FIGURES, unit, indicator.code, "Thực hiện", 12))
    return changes


# The template -------------------------------------------------------------------------------


def test_template_has_a_row_per_member_and_criterion(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    assert workbook.sheetnames == ["Điểm", "Chỉ tiêu", "Hướng dẫn"]
    scores, figures = workbook["Điểm"], workbook["Chỉ tiêu"]
    assert [c.value for c in scores[1]] == [
        "Mã đơn vị",
        "Đơn vị",
        "Mã tiêu chí",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Giải trình",
        "Không áp dụng (x)",
        "Ghi chú",
        "Phiên bản (không sửa)",
    ]
    assert [c.value for c in figures[1]][:7] == [
        "Mã đơn vị",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Loại",
        "Kế hoạch",
        "Thực hiện",
    ]
    assert scores.max_row == 1 + 3 * len(setup.table.criteria)
    assert figures.max_row == 1 + 3 * len(setup.table.indicators)
    assert scores["A1"].font.bold and scores.freeze_panes == "C2"
    assert scores.data_validations.dataValidation
    # Head first, then the deputy, names as of the year.
    assert scores["A2"].value == "head-unit"
    assert scores["B2"].value == "Liên đoàn Lao động huyện Đầu"
    assert scores["C2"].value == "I.1" and scores["E2"].value == 8
    computed = _row_of(scores, "head-unit", "I.3")
    assert "TU_VAN" in scores.cell(computed, 10).value


def test_template_carries_the_stored_values_escaped(setup):
    save(
        setup,
        setup.member,
        scores={
            setup.criterion("I.1").pk: {
                "self_score": Decimal(8),
                "verified_score": Decimal("7.5"),
                "explanation": '=HYPERLINK("http://evil")',
            },
            setup.criterion("IV.3").pk: {"not_applicable": True},
        },
        figures={setup.indicator("QUA_TIEN").pk: {"target": 1_500_000, "actual": 2_000_000}},
    )
    workbook = load_workbook(BytesIO(template(setup)))
    scores, figures = workbook["Điểm"], workbook["Chỉ tiêu"]
    row = _row_of(scores, "member-unit", "I.1")
    assert [scores.cell(row, col).value for col in (6, 7, 8)] == [
        8,
        7.5,
        '\'=HYPERLINK("http://evil")',
    ]
    assert scores.cell(_row_of(scores, "member-unit", "IV.3"), 9).value == "x"
    row = _row_of(figures, "member-unit", "QUA_TIEN")
    assert [figures.cell(row, col).value for col in (6, 7)] == [1_500_000, 2_000_000]


def test_template_can_be_limited_to_some_members(setup):
    content = build_template(setup.cluster_year, setup.table, org_ids={setup.member.pk})
    sheet = load_workbook(BytesIO(content))["Điểm"]
    assert {sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)} == {"member-unit"}


# The round trip -----------------------------------------------------------------------------


def test_filled_template_saves_values_and_recomputes_totals(setup):
    content = fill(template(setup), full_marks(setup, "member-unit"))
    report = run(setup, content)
    assert report.errors == []
    assert report.changed_results == 1
    result = setup.result(setup.member)
    assert result.self_total == Decimal(100)
    assert result.verified_total == Decimal(100)
    assert result.version == 2
    assert result.suggested_level
    entries = {e.criterion_id: e for e in result.entries.all()}
    values = {v.indicator_id: v for v in result.indicator_values.all()}
    assert compute_totals(setup.table, entries, values, "verified").total == Decimal(100)
    assert values[setup.indicator("DV_TONG").pk].target is None
    assert values[setup.indicator("DV_MOI").pk].actual == 12
    plain = [c for c in setup.table.criteria if not c.is_computed]
    assert report.changed_values == 2 * len(plain) + len(values) + sum(
        1 for i in setup.table.indicators if i.has_target
    )
    scored = [c for c in plain if c.section.kind == "score"]
    assert ScoreEntry.history.filter(history_change_reason=REASON).count() >= len(scored)
    assert setup.result(setup.head) is None


def test_unchanged_template_changes_nothing(setup):
    save(
        setup,
        setup.member,
        scores={
            setup.criterion("I.1").pk: {
                "self_score": Decimal(8),
                "verified_score": Decimal(7),
                "explanation": "- Thiếu biên bản hội nghị",
            },
            setup.criterion("IV.3").pk: {"not_applicable": True},
        },
        figures={setup.indicator("QUA_TIEN").pk: {"target": 1_500_000, "actual": 2_000_000}},
    )
    before = snapshot()
    report = run(setup, template(setup))
    assert report.errors == []
    assert (report.changed_results, report.changed_values) == (0, 0)
    assert snapshot() == before


def test_blank_cells_leave_stored_values(setup):
    criterion = setup.criterion("I.1")
    save(setup, setup.member, scores={criterion.pk: {"self_score": Decimal(6)}})
    content = fill(
        template(setup),
        [
            (SCORES, "member-unit", "I.1", "Điểm tự chấm", None),
            (SCORES, "member-unit", "I.1", "Điểm thẩm định", 6),
        ],
    )
    assert run(setup, content).errors == []
    entry = setup.result(setup.member).entries.get(criterion=criterion)
    assert (entry.self_score, entry.verified_score) == (6, 6)


def test_decimal_comma_point_and_numbers_are_accepted(setup):
    content = fill(
        template(setup),
        [
            (SCORES, "member-unit", "I.1", "Điểm tự chấm", "7,5"),
            (SCORES, "member-unit", "I.2", "Điểm tự chấm", "6.5"),
            (SCORES, "member-unit", "II.1", "Điểm tự chấm", 5.5),
            (SCORES, "member-unit", "IV.3", "Không áp dụng (x)", "X"),
            (FIGURES, "member-unit", "QUA_TIEN", "Thực hiện", "1.500.000"),
        ],
    )
    report = run(setup, content)
    assert report.errors == []
    result = setup.result(setup.member)
    scores = {e.criterion.label: e for e in result.entries.select_related("criterion__section")}
    assert scores["I.1"].self_score == Decimal("7.5")
    assert scores["I.2"].self_score == Decimal("6.5")
    assert scores["II.1"].self_score == Decimal("5.5")
    assert scores["IV.3"].not_applicable
    assert result.indicator_values.get().actual == 1_500_000


def test_a_first_score_of_zero_is_stored(setup):
    content = fill(
        template(setup),
        [
            (SCORES, "member-unit", "I.1", "Điểm tự chấm", 0),
            (FIGURES, "member-unit", "DV_MOI", "Thực hiện", 0),
        ],
    )
    report = run(setup, content)
    assert report.errors == [] and report.changed_values == 2
    result = setup.result(setup.member)
    assert result.entries.get().self_score == 0
    assert result.indicator_values.get().actual == 0


def test_not_applicable_can_be_undone(setup):
    criterion = setup.criterion("IV.3")
    save(setup, setup.member, scores={criterion.pk: {"not_applicable": True}})
    content = fill(template(setup), [(SCORES, "member-unit", "IV.3", "Không áp dụng (x)", "không")])
    assert run(setup, content).errors == []
    assert not setup.result(setup.member).entries.get(criterion=criterion).not_applicable


def test_columns_are_found_by_header_whatever_their_order(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    sheet = workbook["Điểm"]
    row = _row_of(sheet, "member-unit", "I.1")
    sheet.delete_cols(2)  # the unit's name: only the code matters
    sheet.cell(row, _columns(sheet)["Điểm tự chấm"], value=8)
    buffer = BytesIO()
    workbook.save(buffer)
    assert run(setup, buffer.getvalue()).errors == []
    assert setup.result(setup.member).self_total is None  # the rest is still missing
    assert setup.result(setup.member).entries.get().self_score == 8


# Errors in the file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"Ma don vi;Diem\nhead-unit;5\n", b"PK\x03\x04 not really a zip", b""],
    ids=["csv", "broken-zip", "empty"],
)
def test_refuses_a_file_that_is_not_a_workbook(setup, content):
    report = run(setup, content)
    assert report.errors == ["The file is not an Excel workbook (.xlsx)."]
    assert report.changed_results == 0


def test_refuses_a_zip_that_is_not_a_workbook(setup):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert run(setup, buffer.getvalue()).errors == ["The file is not an Excel workbook (.xlsx)."]


def test_refuses_a_file_over_5_mb(setup):
    big = b"PK" + b"\0" * (5 * 1024 * 1024)
    assert run(setup, big).errors == ["The file is larger than 5 MB."]
    upload = SimpleUploadedFile("diem.xlsx", big)
    assert run(setup, upload).errors == ["The file is larger than 5 MB."]


def test_reads_an_uploaded_file(setup):
    content = fill(template(setup), [(SCORES, "member-unit", "I.1", "Điểm tự chấm", 8)])
    report = run(setup, SimpleUploadedFile("diem.xlsx", content))
    assert report.errors == [] and report.changed_results == 1


def test_refuses_a_missing_sheet_and_missing_columns(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    del workbook["Chỉ tiêu"]
    workbook["Điểm"].cell(1, 7, value="Điểm của cụm")
    buffer = BytesIO()
    workbook.save(buffer)
    assert run(setup, buffer.getvalue()).errors == [
        'Sheet Điểm: The column "Điểm thẩm định" is missing.',
        "Sheet Chỉ tiêu: The sheet is missing from the file.",
    ]


def test_refuses_unknown_units_and_units_outside_the_cluster(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    sheet = workbook["Điểm"]
    sheet["A2"] = "no-such-unit"
    sheet["A3"] = "outsider"
    sheet["A4"] = None
    buffer = BytesIO()
    workbook.save(buffer)
    assert run(setup, buffer.getvalue()).errors == [
        'Sheet Điểm, row 2, column A (Mã đơn vị): Unknown unit code "no-such-unit".',
        "Sheet Điểm, row 3, column A (Mã đơn vị): outsider is not a member of this cluster in "
        "2024.",
        "Sheet Điểm, row 4, column A (Mã đơn vị): Enter the unit code.",
    ]


def test_refuses_unknown_criterion_and_indicator_codes(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    workbook["Điểm"]["C5"] = "IX.9"
    workbook["Chỉ tiêu"]["C3"] = "KHONG_CO"
    buffer = BytesIO()
    workbook.save(buffer)
    assert run(setup, buffer.getvalue()).errors == [
        'Sheet Điểm, row 5, column C (Mã tiêu chí): Unknown criterion code "IX.9".',
        'Sheet Chỉ tiêu, row 3, column C (Mã chỉ tiêu): Unknown indicator code "KHONG_CO".',
    ]


def test_refuses_duplicate_rows(setup):
    workbook = load_workbook(BytesIO(template(setup)))
    sheet = workbook["Điểm"]
    first = _row_of(sheet, "member-unit", "I.2")
    sheet.append(["member-unit", "", "I.2", "", "", 5, 5])
    buffer = BytesIO()
    workbook.save(buffer)
    assert run(setup, buffer.getvalue()).errors == [
        f"Sheet Điểm, row {sheet.max_row}, column C (Mã tiêu chí): The same unit and code as "
        f"row {first}."
    ]
    assert setup.result(setup.member) is None


def test_refuses_a_value_that_is_not_a_number(setup):
    content = fill(template(setup), [(SCORES, "member-unit", "I.1", "Điểm tự chấm", "tám")])
    row = row_number(setup, SCORES, "member-unit", "I.1")
    assert run(setup, content).errors == [
        f'Sheet Điểm, row {row}, column F (Điểm tự chấm): Not a number: "tám".'
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        (-1, "The score cannot be negative."),
        (9, "At most 8 points for criterion I.1."),
        ("1,3", "Scores are given in half points (e.g. 1,5)."),
    ],
)
def test_refuses_scores_the_form_refuses(setup, value, message):
    content = fill(template(setup), [(SCORES, "member-unit", "I.1", "Điểm thẩm định", value)])
    row = row_number(setup, SCORES, "member-unit", "I.1")
    assert run(setup, content).errors == [
        f"Sheet Điểm, row {row}, column G (Điểm thẩm định): {message}"
    ]


def test_a_changed_verified_score_needs_an_explanation(setup):
    changes = [
        (SCORES, "member-unit", "I.1", "Điểm tự chấm", 8),
        (SCORES, "member-unit", "I.1", "Điểm thẩm định", 7),
    ]
    row = row_number(setup, SCORES, "member-unit", "I.1")
    assert run(setup, fill(template(setup), changes)).errors == [
        f"Sheet Điểm, row {row}, column H (Giải trình): Explain why the verified score differs "
        "from the self-score."
    ]
    changes.append((SCORES, "member-unit", "I.1", "Giải trình", "Thiếu biên bản"))
    assert run(setup, fill(template(setup), changes)).errors == []


def test_an_explanation_already_stored_counts(setup):
    criterion = setup.criterion("I.1")
    save(
        setup,
        setup.member,
        scores={criterion.pk: {"self_score": Decimal(8), "explanation": "Thiếu biên bản"}},
    )
    content = fill(template(setup), [(SCORES, "member-unit", "I.1", "Điểm thẩm định", 6)])
    assert run(setup, content).errors == []


def test_refuses_scores_for_computed_criteria(setup):
    content = fill(template(setup), [(SCORES, "member-unit", "III.1", "Điểm tự chấm", 8)])
    row = row_number(setup, SCORES, "member-unit", "III.1")
    assert run(setup, content).errors == [
        f"Sheet Điểm, row {row}, column F (Điểm tự chấm): Criterion III.1 is computed from the "
        "indicator DV_MOI: enter its figures on the sheet Chỉ tiêu."
    ]


def test_refuses_figures_out_of_their_kind(setup):
    Indicator.objects.create(
        program=setup.table.program, code="DAI_HOI", name="Đã tổ chức đại hội", kind="yes_no"
    )
    setup.table = load_table(setup.table.program)
    changes = [
        (FIGURES, "member-unit", "QUA_TIEN", "Thực hiện", -5),
        (FIGURES, "member-unit", "DV_MOI", "Thực hiện", "1,5"),
        (FIGURES, "member-unit", "DAI_HOI", "Thực hiện", "chưa rõ"),
        (FIGURES, "member-unit", "DV_TONG", "Kế hoạch", 100),
        (FIGURES, "member-unit", "QUA_SO", "Thực hiện", "12,345"),
    ]
    rows = {code: row_number(setup, FIGURES, "member-unit", code) for _, _, code, _, _ in changes}
    assert run(setup, fill(template(setup), changes)).errors == sorted(
        [
            f"Sheet Chỉ tiêu, row {rows['QUA_TIEN']}, column G (Thực hiện): A figure cannot be "
            "negative.",
            f"Sheet Chỉ tiêu, row {rows['DV_MOI']}, column G (Thực hiện): A count is a whole "
            "number.",
            f'Sheet Chỉ tiêu, row {rows["DAI_HOI"]}, column G (Thực hiện): Write "có" or '
            '"không" (1 or 0), not "chưa rõ".',
            f"Sheet Chỉ tiêu, row {rows['DV_TONG']}, column F (Kế hoạch): This indicator has no "
            "target.",
            f"Sheet Chỉ tiêu, row {rows['QUA_SO']}, column G (Thực hiện): A count is a whole "
            "number.",
        ],
        key=lambda m: int(m.split("row ")[1].split(",")[0]),
    )


def test_yes_no_figures_accept_co_khong_and_x(setup):
    indicator = Indicator.objects.create(
        program=setup.table.program,
        code="DAI_HOI",
        name="Đã tổ chức đại hội",
        kind=IndicatorKind.YES_NO,
    )
    setup.table = load_table(setup.table.program)
    content = fill(
        template(setup),
        [
            (FIGURES, "member-unit", "DAI_HOI", "Kế hoạch", "x"),
            (FIGURES, "member-unit", "DAI_HOI", "Thực hiện", "Có"),
            (FIGURES, "deputy-unit", "DAI_HOI", "Thực hiện", 1),
        ],
    )
    assert run(setup, content).errors == []
    member = setup.result(setup.member).indicator_values.get(indicator=indicator)
    deputy = setup.result(setup.deputy).indicator_values.get(indicator=indicator)
    assert (member.target, member.actual, deputy.actual) == (1, 1, 1)
    content = fill(template(setup), [(FIGURES, "deputy-unit", "DAI_HOI", "Thực hiện", "không")])
    assert run(setup, content).errors == []
    deputy.refresh_from_db()
    assert deputy.actual == 0
    sheet = load_workbook(BytesIO(template(setup)))["Chỉ tiêu"]
    assert sheet.cell(_row_of(sheet, "member-unit", "DAI_HOI"), 7).value == "có"


def test_errors_are_listed_up_to_a_limit(setup, monkeypatch):
    monkeypatch.setattr(results_excel, "MAX_ERRORS", 2)
    changes = [
        (SCORES, "member-unit", label, "Điểm tự chấm", "?") for label in ("I.1", "I.2", "II.1")
    ]
    errors = run(setup, fill(template(setup), changes)).errors
    assert len(errors) == 3 and errors[-1] == "… and 1 more errors."


# Rights, locks and all-or-nothing ------------------------------------------------------------


def test_a_member_changes_only_its_own_result(setup):
    member_officer = OfficerFactory(organization=setup.member).user
    own = [(SCORES, "member-unit", "I.1", "Điểm tự chấm", 8)]
    rights = {"by": member_officer, "editable": {setup.member.pk}, "can_verify": set()}
    report = run(setup, fill(template(setup), own), **rights)
    assert report.errors == [] and report.changed_results == 1
    other = own + [
        (SCORES, "deputy-unit", "I.1", "Điểm tự chấm", 8),
        (SCORES, "deputy-unit", "I.2", "Điểm tự chấm", 8),
        (SCORES, "member-unit", "I.2", "Điểm thẩm định", 8),
    ]
    before = snapshot()
    report = run(setup, fill(template(setup), other), **rights)
    deputy_row = row_number(setup, SCORES, "deputy-unit", "I.1")
    member_row = row_number(setup, SCORES, "member-unit", "I.2")
    assert report.errors == [
        f"Sheet Điểm, row {deputy_row}, column F (Điểm tự chấm): You may not change the result "
        "of Liên đoàn Lao động huyện Phó.",
        f"Sheet Điểm, row {member_row}, column G (Điểm thẩm định): You may not verify the scores "
        "of Liên đoàn Lao động huyện Vĩnh Hảo.",
    ]
    assert snapshot() == before


def test_a_unit_never_verifies_itself(setup):
    content = fill(template(setup), [(SCORES, "head-unit", "I.1", "Điểm thẩm định", 8)])
    report = run(setup, content, can_verify=setup.member_ids)
    row = row_number(setup, SCORES, "head-unit", "I.1")
    assert report.errors == [
        f"Sheet Điểm, row {row}, column G (Điểm thẩm định): You may not verify the scores of "
        "Liên đoàn Lao động huyện Đầu."
    ]
    staff = OfficerFactory(organization=setup.cluster_year.cluster.organizer).user
    assert run(setup, content, by=staff, can_verify=setup.member_ids).errors == []


def test_the_verifier_may_explain_without_editing_the_unit(setup):
    criterion = setup.criterion("I.1")
    save(setup, setup.member, scores={criterion.pk: {"self_score": Decimal(8)}})
    content = fill(
        template(setup),
        [
            (SCORES, "member-unit", "I.1", "Điểm thẩm định", 7),
            (SCORES, "member-unit", "I.1", "Giải trình", "Thiếu biên bản"),
        ],
    )
    assert run(setup, content, editable=set()).errors == []
    entry = setup.result(setup.member).entries.get(criterion=criterion)
    assert (entry.verified_score, entry.explanation) == (7, "Thiếu biên bản")


def test_a_locked_result_takes_no_change(setup):
    result = save(setup, setup.member, scores={setup.criterion("I.1").pk: {"self_score": 8}})
    AnnualResult.objects.filter(pk=result.pk).update(status=ResultStatus.LOCKED)
    unchanged = template(setup)
    assert run(setup, unchanged).errors == []
    content = fill(
        unchanged,
        [
            (SCORES, "deputy-unit", "I.1", "Điểm tự chấm", 8),
            (FIGURES, "member-unit", "DV_MOI", "Thực hiện", 5),
        ],
    )
    before = snapshot()
    row = row_number(setup, FIGURES, "member-unit", "DV_MOI")
    assert run(setup, content).errors == [
        f"Sheet Chỉ tiêu, row {row}: The result of Liên đoàn Lao động huyện Vĩnh Hảo is locked: "
        "nothing of it can be changed."
    ]
    assert snapshot() == before


def test_a_submitted_dossier_takes_no_import(setup):
    setup.cluster_year.status = ClusterYearStatus.CLOSED
    setup.cluster_year.save()
    content = fill(template(setup), [(SCORES, "member-unit", "I.1", "Điểm tự chấm", 8)])
    assert run(setup, content).errors == [
        "The year's dossier has been submitted: results stay locked."
    ]
    assert setup.result(setup.member) is None


def test_one_bad_row_among_good_ones_saves_nothing(setup):
    save(setup, setup.deputy, scores={setup.criterion("I.1").pk: {"self_score": Decimal(5)}})
    before = snapshot()
    changes = full_marks(setup, "member-unit") + [
        (SCORES, "head-unit", "I.2", "Điểm tự chấm", 8),
        (SCORES, "deputy-unit", "I.1", "Điểm tự chấm", 12),
    ]
    report = run(setup, fill(template(setup), changes))
    row = row_number(setup, SCORES, "deputy-unit", "I.1")
    assert report.errors == [
        f"Sheet Điểm, row {row}, column F (Điểm tự chấm): At most 8 points for criterion I.1."
    ]
    assert (report.changed_results, report.changed_values) == (0, 0)
    assert snapshot() == before


def test_a_workbook_that_unpacks_too_large_names_the_real_limit(setup):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (61 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024  # a small file…
    (error,) = run(setup, buffer.getvalue()).errors
    assert "60 MB" in error  # …refused for what it unpacks to, and saying so
    assert "5 MB" not in error


def test_a_template_downloaded_before_a_colleagues_save_is_refused_for_those_rows(setup):
    """The template carries each result's version: imported after the result changed, the
    rows that would overwrite the change are listed and nothing is written."""
    criterion = next(c for c in setup.table.criteria if c.label == "I.1")
    save(setup, setup.member, scores={criterion.pk: {"self_score": Decimal(5)}})
    stale = template(setup)  # downloaded now, with I.1 = 5
    # A colleague saves the member's self-score in the form meanwhile.
    save(setup, setup.member, scores={criterion.pk: {"self_score": Decimal(6)}})
    before = snapshot()
    # The stale template imported unchanged would write the 5 back over the 6.
    report = run(setup, stale)
    assert report.changed_results == 0
    assert snapshot() == before
    row = row_number(setup, SCORES, "member-unit", "I.1")
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"Sheet Điểm, row {row}")
    assert "after this template was downloaded" in report.errors[0]
    # Rows of results nobody changed still import from the same file …
    fresh = fill(stale, [(SCORES, "deputy-unit", "I.2", "Điểm tự chấm", 3)])
    report = run(setup, fill(fresh, [(SCORES, "member-unit", "I.1", "Điểm tự chấm", 6)]))
    assert report.errors == [] and report.changed_results == 1
    # … and a new template imports.
    content = fill(template(setup), [(SCORES, "member-unit", "I.2", "Điểm tự chấm", 3)])
    assert run(setup, content).changed_results == 1
