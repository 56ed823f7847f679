"""The emulation programme of an organiser's year: the default one shipped with the app
(built from the standard union indicators and a 100-point table with bonus and penalty), and
copying last year's."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ClassificationRule,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Formula,
    Indicator,
    IndicatorKind,
    Level,
    Organization,
)
from .history import stamp

K = IndicatorKind
# (code, name, kind, has a target)
DEFAULT_INDICATORS = [
    ("CDCS_MOI", "Công đoàn cơ sở thành lập mới", K.COUNT, True),
    ("DV_MOI", "Đoàn viên kết nạp mới", K.COUNT, True),
    ("CDCS_TONG", "Tổng số công đoàn cơ sở", K.COUNT, False),
    ("DV_TONG", "Tổng số đoàn viên", K.COUNT, False),
    ("GT_DANG", "Đoàn viên ưu tú giới thiệu cho Đảng xem xét kết nạp", K.COUNT, True),
    ("VAO_DANG", "Đoàn viên ưu tú được kết nạp Đảng", K.COUNT, True),
    ("LOP_TH", "Lớp tập huấn cán bộ công đoàn", K.COUNT, True),
    ("HOC_VIEN", "Lượt học viên được tập huấn", K.COUNT, True),
    ("QUA_SO", "Suất quà thăm hỏi, hỗ trợ đoàn viên", K.COUNT, True),
    ("QUA_TIEN", "Giá trị quà thăm hỏi, hỗ trợ (đồng)", K.MONEY, True),
    ("MAI_AM", "Nhà \u201cMái ấm Công đoàn\u201d xây mới, sửa chữa", K.COUNT, True),
    ("SANG_KIEN", "Sáng kiến, giải pháp được công nhận", K.COUNT, True),
    ("TU_VAN", "Lượt tư vấn pháp luật cho người lao động", K.COUNT, True),
]

R, T = Formula.RATIO, Formula.THRESHOLD
# (code, title, kind, max points or limit, [(code, criterion, max points, indicator, formula)])
DEFAULT_TABLE = [
    (
        "I",
        "Đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên, người lao động",
        CriterionKind.SCORE,
        35,
        [
            (
                "1",
                "Tham gia xây dựng, giám sát thực hiện chế độ, chính sách, pháp luật "
                "đối với người lao động",
                8,
                None,
                "",
            ),
            (
                "2",
                "Chỉ đạo thương lượng, ký kết và thực hiện thỏa ước lao động tập thể; tổ "
                "chức hội nghị người lao động, hội nghị cán bộ công chức",
                8,
                None,
                "",
            ),
            ("3", "Tư vấn pháp luật, hỗ trợ người lao động", 5, "TU_VAN", R),
            ("4", "Chăm lo Tết, thăm hỏi, hỗ trợ đoàn viên có hoàn cảnh khó khăn", 8, "QUA_SO", R),
            ("5", "Chương trình \u201cMái ấm Công đoàn\u201d", 6, "MAI_AM", T),
        ],
    ),
    (
        "II",
        "Tuyên truyền, giáo dục; tổ chức phong trào thi đua yêu nước",
        CriterionKind.SCORE,
        20,
        [
            ("1", "Tuyên truyền, phổ biến chủ trương, chính sách, pháp luật", 6, None, ""),
            ("2", "Tổ chức phong trào thi đua, phát huy sáng kiến", 6, "SANG_KIEN", R),
            ("3", "Hoạt động văn hóa, thể thao, về nguồn của Cụm", 4, None, ""),
            ("4", "Giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp", 4, "GT_DANG", R),
        ],
    ),
    (
        "III",
        "Phát triển đoàn viên, thành lập công đoàn cơ sở; xây dựng tổ chức công đoàn vững mạnh",
        CriterionKind.SCORE,
        25,
        [
            ("1", "Kết nạp đoàn viên mới", 8, "DV_MOI", R),
            ("2", "Thành lập công đoàn cơ sở mới", 7, "CDCS_MOI", R),
            ("3", "Đào tạo, bồi dưỡng cán bộ công đoàn", 5, "HOC_VIEN", R),
            ("4", "Xây dựng công đoàn cơ sở vững mạnh", 5, None, ""),
        ],
    ),
    (
        "IV",
        "Công tác tài chính, kiểm tra, giám sát và nữ công",
        CriterionKind.SCORE,
        12,
        [
            ("1", "Thu, chi và quản lý tài chính công đoàn", 5, None, ""),
            ("2", "Kiểm tra, giám sát, giải quyết khiếu nại, tố cáo", 4, None, ""),
            ("3", "Công tác nữ công", 3, None, ""),
        ],
    ),
    (
        "V",
        "Chế độ thông tin, báo cáo; tham gia hoạt động của Cụm",
        CriterionKind.SCORE,
        8,
        [
            ("1", "Thực hiện chế độ thông tin, báo cáo", 4, None, ""),
            ("2", "Tham gia hoạt động chung của Cụm thi đua", 4, None, ""),
        ],
    ),
    (
        "B",
        "Điểm thưởng",
        CriterionKind.BONUS,
        5,
        [
            ("1", "Vượt chỉ tiêu phát triển đoàn viên, thành lập công đoàn cơ sở", 2, None, ""),
            ("2", "Mô hình, cách làm hay được cấp trên ghi nhận, nhân rộng", 2, None, ""),
            ("3", "Được khen thưởng chuyên đề, đột xuất trong năm", 2, None, ""),
        ],
    ),
    (
        "T",
        "Điểm trừ",
        CriterionKind.PENALTY,
        10,
        [
            ("1", "Báo cáo chậm, thiếu so với quy định", 2, None, ""),
            (
                "2",
                "Để xảy ra tranh chấp lao động tập thể, ngừng việc tập thể mà không kịp "
                "thời tham gia giải quyết",
                5,
                None,
                "",
            ),
            ("3", "Không tham gia hoạt động chung của Cụm", 3, None, ""),
        ],
    ),
]

# (level, minimum total, no criterion below % of its points, at most penalty points)
DEFAULT_RULES = [
    (Level.EXCELLENT, 90, 50, 2),
    (Level.GOOD, 75, None, None),
    (Level.COMPLETED, 50, None, None),
]
DEFAULT_TIE_BREAK = "I, DV_MOI"


@transaction.atomic
def create_default_program(
    *, organizer: Organization, year: int, by=None, reason: str = "", **fields
) -> EmulationProgram:
    """The shipped programme for an organiser's year."""
    if EmulationProgram.objects.filter(organizer=organizer, year=year).exists():
        raise ValidationError(
            _("This organiser already has a programme for %(year)s.") % {"year": year}
        )
    program = EmulationProgram(
        organizer=organizer, year=year, tie_break=DEFAULT_TIE_BREAK, **fields
    )
    _save(program, by, reason or _("Default programme"))
    indicators = {}
    for order, (code, name, kind, has_target) in enumerate(DEFAULT_INDICATORS, start=1):
        indicators[code] = _save(
            Indicator(
                program=program,
                code=code,
                name=name,
                kind=kind,
                has_target=has_target,
                order=order,
            ),
            by,
            reason,
        )
    for order, (code, title, kind, points, criteria) in enumerate(DEFAULT_TABLE, start=1):
        section = _save(
            program.sections.model(
                program=program,
                code=code,
                title=title,
                kind=kind,
                max_points=Decimal(points),
                order=order,
            ),
            by,
            reason,
        )
        for position, (c_code, c_title, c_points, indicator, formula) in enumerate(
            criteria, start=1
        ):
            _save(
                Criterion(
                    section=section,
                    code=c_code,
                    title=c_title,
                    max_points=Decimal(c_points),
                    order=position,
                    indicator=indicators.get(indicator),
                    formula=formula,
                ),
                by,
                reason,
            )
    for level, minimum, gate, penalty in DEFAULT_RULES:
        _save(
            ClassificationRule(
                program=program,
                level=level,
                min_total=Decimal(minimum),
                min_criterion_percent=None if gate is None else Decimal(gate),
                max_penalty=None if penalty is None else Decimal(penalty),
            ),
            by,
            reason,
        )
    return program


@transaction.atomic
def copy_program(
    *, source: EmulationProgram, year: int, by=None, reason: str = ""
) -> EmulationProgram:
    """Last year's programme as the start of a new year's: the table, indicators and rules
    are copied; the plan reference and deadlines are left for the new year."""
    if EmulationProgram.objects.filter(organizer=source.organizer_id, year=year).exists():
        raise ValidationError(
            _("This organiser already has a programme for %(year)s.") % {"year": year}
        )
    reason = reason or _("Copied from the programme of %(year)s") % {"year": source.year}
    program = EmulationProgram(
        organizer_id=source.organizer_id,
        year=year,
        theme=source.theme,
        top_share_percent=source.top_share_percent,
        cap_basis=source.cap_basis,
        cap_rounding=source.cap_rounding,
        tie_break=source.tie_break,
        visibility=source.visibility,
        quorum_numerator=source.quorum_numerator,
        quorum_denominator=source.quorum_denominator,
        vote_tie_rule=source.vote_tie_rule,
    )
    _save(program, by, reason)
    indicators = {}
    for indicator in source.indicators.all():
        old_pk = indicator.pk
        indicator.pk = None
        indicator.program = program
        indicators[old_pk] = _save(indicator, by, reason)
    for section in source.sections.prefetch_related("criteria"):
        criteria = list(section.criteria.all())
        section.pk = None
        section.program = program
        _save(section, by, reason)
        for criterion in criteria:
            criterion.pk = None
            criterion.section = section
            criterion.indicator = indicators.get(criterion.indicator_id)
            _save(criterion, by, reason)
    for rule in source.classification_rules.all():
        rule.pk = None
        rule.program = program
        _save(rule, by, reason)
    return program


def _save(obj, by, reason):
    stamp(obj, by, reason)
    obj.save()
    return obj


def program_in_use(program: EmulationProgram) -> bool:
    """Once a unit has submitted or been scored, the table and rules stay as they are."""
    return program.results.exclude(status="draft").exists()
