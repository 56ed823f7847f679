"""`export_document` (contract.md) and the roster document: text, fonts, format, errors."""

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from emulation.demo import seed_demo

pytestmark = pytest.mark.django_db
BASE = Path(__file__).resolve().parents[2]

BINH_THUAN_1 = [
    "Liên đoàn Lao động huyện Bắc Bình",
    "Liên đoàn Lao động huyện Tuy Phong",
    "Liên đoàn Lao động huyện Hàm Thuận Bắc",
    "Liên đoàn Lao động huyện Phú Quý",
    "Liên đoàn Lao động thành phố Phan Thiết",
]
SOC_TRANG_2 = [
    "Liên đoàn Lao động thành phố Sóc Trăng",
    "Liên đoàn Lao động huyện Kế Sách",
    "Liên đoàn Lao động huyện Thạnh Trị",
    "Liên đoàn Lao động huyện Ngã Năm",
    "Liên đoàn Lao động huyện Mỹ Tú",
    "Liên đoàn Lao động huyện Châu Thành",
    "Công đoàn ngành Y tế tỉnh Sóc Trăng",
    "Công đoàn các Khu công nghiệp tỉnh Sóc Trăng",
]


@pytest.fixture
def demo(db):
    seed_demo()


def pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def embedded_fonts(path) -> set[tuple[str, bool]]:
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]).split("+", 1)[-1], embedded))
    return fonts


@pytest.mark.parametrize(
    "code, year, members",
    [("binh-thuan-1", 2024, BINH_THUAN_1), ("soc-trang-2", 2018, SOC_TRANG_2)],
)
def test_roster_pdf(demo, tmp_path, code, year, members):
    output = tmp_path / "r.pdf"
    call_command("export_document", "roster", cluster=code, year=year, output=str(output))
    reader = PdfReader(output)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = pdf_text(output)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "CỤM THI ĐUA SỐ" in text
    assert "DANH SÁCH" in text
    assert "TM. CỤM THI ĐUA" in text and "CỤM TRƯỞNG" in text
    assert "Số:" not in text  # a roster carries no document number
    for member in members:
        assert member in text, member
    fonts = embedded_fonts(output)
    assert fonts, "no font in the PDF"
    assert all(embedded for _, embedded in fonts), fonts
    names = {name for name, _ in fonts}
    assert names <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }, names
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= names


def test_roster_prints_the_names_and_parents_of_its_year(demo, tmp_path):
    output = tmp_path / "r.pdf"
    call_command("export_document", "roster", cluster="binh-thuan-1", year=2024, output=str(output))
    text = pdf_text(output)
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN" in text
    assert "Bắc Bình, ngày" in text  # the head unit's locality
    assert "Cụm trưởng" in text and "Cụm phó" in text
    assert "Lâm Đồng" not in text  # the 2024 structure, not today's


def test_roster_of_a_year_that_ended_early(demo, tmp_path):
    output = tmp_path / "r.pdf"
    call_command("export_document", "roster", cluster="binh-thuan-1", year=2025, output=str(output))
    text = pdf_text(output)
    assert "Tuy Phong, ngày" in text
    assert "30/06/2025" in text


@pytest.mark.parametrize(
    "code, year, members",
    [("binh-thuan-1", 2024, BINH_THUAN_1), ("soc-trang-2", 2018, SOC_TRANG_2)],
)
def test_roster_xlsx_has_the_same_rows(demo, tmp_path, code, year, members):
    output = tmp_path / "R.XLSX"
    call_command("export_document", "roster", cluster=code, year=year, output=str(output))
    sheet = load_workbook(BytesIO(output.read_bytes())).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True)) if row[0] == "TT")
    rows = [
        row
        for row in sheet.iter_rows(min_row=header + 2, values_only=True)
        if isinstance(row[0], int)
    ]
    assert [row[0] for row in rows] == list(range(1, len(members) + 1))
    assert sorted(row[1] for row in rows) == sorted(members)


@pytest.mark.parametrize(
    "args, message",
    [
        (["roster", "--cluster", "no-such", "--year", "2024"], "Không có cụm thi đua mã 'no-such'"),
        (
            ["roster", "--cluster", "binh-thuan-1", "--year", "1999"],
            "không có năm 1999. Hiện có: 2024, 2025",
        ),
        (
            ["invoice", "--cluster", "binh-thuan-1", "--year", "2024"],
            "Không có loại tài liệu 'invoice'. Hiện có: roster",
        ),
    ],
)
def test_bad_arguments_fail_clearly_and_write_nothing(demo, tmp_path, args, message):
    output = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("export_document", *args, "--output", str(output))
    assert list(tmp_path.iterdir()) == []


def test_a_format_the_document_lacks_is_refused(demo, tmp_path):
    with pytest.raises(CommandError, match=r"không có định dạng '\.docx'. Hiện có: \.pdf, \.xlsx"):
        call_command(
            "export_document",
            "roster",
            cluster="binh-thuan-1",
            year=2024,
            output=str(tmp_path / "r.docx"),
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_exit_status_and_existing_file_untouched(tmp_path, settings):
    """Through manage.py, as scripts call it: non-zero exit, the old file left alone."""
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE, env=env, check=True)
    existing = tmp_path / "r.pdf"
    existing.write_bytes(b"old")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_document",
            "roster",
            "--cluster",
            "nope",
            "--year",
            "2024",
            "--output",
            str(existing),
        ],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Không có cụm thi đua mã 'nope'" in result.stderr
    assert existing.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3", "r.pdf"]
