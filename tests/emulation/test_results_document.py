"""`export_document results`: the ranking of binh-thuan-1 2024 and soc-trang-2 2018 as XLSX
and as an A4 landscape PDF with Vietnamese figures."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.emulation.test_export_document import BINH_THUAN_1, SOC_TRANG_2, demo, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db


def ranks_of(path) -> dict[str, int]:
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Xếp hạng" in r)
    rank = header.index("Xếp hạng")
    unit = header.index("Đơn vị thành viên")
    return {r[unit]: r[rank] for r in rows[rows.index(header) + 1 :] if r[rank] is not None}


@pytest.mark.parametrize(
    "code, year, first, members",
    [
        ("binh-thuan-1", 2024, "Liên đoàn Lao động huyện Tuy Phong", BINH_THUAN_1),
        ("soc-trang-2", 2018, "Liên đoàn Lao động thành phố Sóc Trăng", SOC_TRANG_2),
    ],
)
def test_results_xlsx_has_a_rank_column(demo, tmp_path, code, year, first, members):  # noqa: F811
    output = tmp_path / "r.xlsx"
    call_command("export_document", "results", cluster=code, year=year, output=str(output))
    ranks = ranks_of(output)
    assert ranks[first] == 1
    assert sorted(ranks) == sorted(members)
    if code == "binh-thuan-1":
        assert ranks["Liên đoàn Lao động thành phố Phan Thiết"] == 2


def test_results_pdf_lists_every_member_with_vietnamese_totals(demo, tmp_path):  # noqa: F811
    output = tmp_path / "r.pdf"
    call_command(
        "export_document", "results", cluster="binh-thuan-1", year=2024, output=str(output)
    )
    page = PdfReader(output).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = pdf_text(output)
    for name in BINH_THUAN_1:
        assert name in text
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM VÀ XẾP HẠNG" in text
    assert "Xếp hạng" in text and "Xếp loại" in text
    assert "97,5" in text and "99" in text  # Phan Thiết and Tuy Phong
    assert "97.5" not in text
    assert "HTXSNV: 1 (20%)" in text and "HTTNV: 4 (80%)" in text
