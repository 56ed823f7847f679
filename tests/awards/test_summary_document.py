"""The year-end summary report (`export_document summary`): the demo's two years as the
articles report them, A4 with embedded fonts over several pages, the preview and PDF views read
like the cluster-year, and a year without a closed review refused with nothing written."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from awards.documents.summary import build_summary, score_chart
from clusters.models import OrganizationKind
from emulation.documents.base import DocumentError
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401
from tests.emulation.test_export_document import (  # noqa: F401
    BINH_THUAN_1,
    SOC_TRANG_2,
    demo,
    embedded_fonts,
    pdf_text,
)
from tests.factories import OfficerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

FONTS = {
    "Liberation-Serif",
    "Liberation-Serif-Bold",
    "Liberation-Serif-Italic",
    "Liberation-Serif-Bold-Italic",
}


def export_summary(tmp_path, code: str, year: int):
    output = tmp_path / "bao-cao.pdf"
    call_command("export_document", "summary", cluster=code, year=year, output=str(output))
    return output


def assert_printed_like_an_official_paper(output):
    reader = PdfReader(output)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    fonts = embedded_fonts(output)
    assert fonts and all(embedded for _, embedded in fonts)
    assert {name for name, _ in fonts} <= FONTS  # the bundled font, never a fallback


def test_summary_of_binh_thuan_1_2024(demo, tmp_path):  # noqa: F811
    output = export_summary(tmp_path, "binh-thuan-1", 2024)
    assert_printed_like_an_official_paper(output)
    text = pdf_text(output)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN" in text and "CỤM THI ĐUA SỐ 1" in text
    assert "/BC-CTĐ" in text  # the number is written in by hand
    assert "Bắc Bình, ngày 14 tháng 12 năm 2024" in text
    assert "BÁO CÁO" in text
    assert "Tổng kết công tác thi đua năm 2024 của Cụm thi đua số 1" in text
    assert "và phương hướng, nhiệm vụ năm 2025" in text
    assert "Thực hiện Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024" in text
    for member in BINH_THUAN_1:
        assert member in text, member
    assert "gồm 05 đơn vị thành viên" in text
    assert "Liên đoàn Lao động huyện Bắc Bình (Cụm trưởng)" in text
    assert "Liên đoàn Lao động huyện Tuy Phong (Cụm phó)" in text
    assert "đồng chí Trần Văn Hòa – Chủ tịch LĐLĐ huyện Bắc Bình" in text
    # The size of the cluster, totalled from the members' figures.
    assert "tổng số 229 công đoàn cơ sở với 269 đoàn viên" in text
    # The adopted texts.
    assert "95 năm Ngày thành lập Công đoàn Việt Nam" in text
    assert "huyện đảo Phú Quý" in text
    assert "Đại hội đại biểu toàn quốc lần thứ XIV của Đảng" in text
    # The indicators over the members, in Vietnamese figures.
    assert "Công đoàn cơ sở thành lập mới 130 147 113,1" in text
    assert "667.500.000 765.375.002 114,7" in text
    # Ranking, classification and the charts' labels.
    assert "Liên đoàn Lao động huyện Tuy Phong 99 99 HTXSNV 1" in text
    assert "97,5" in text and "97.5" not in text
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV): 01 đơn vị, chiếm 20%" in text
    assert "Hoàn thành tốt nhiệm vụ (HTTNV): 04 đơn vị, chiếm 80%" in text
    assert (
        "Liên đoàn Lao động huyện Tuy Phong 99 Liên đoàn Lao động thành phố Phan Thiết 97,5" in text
    )
    assert "Biểu đồ 1." in text and "Biểu đồ 2." in text
    # The proposals and next year's head.
    assert "bằng hình thức bỏ phiếu kín" in text
    assert (
        "Tặng “Cờ thi đua của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động huyện Tuy Phong "
        "– đơn vị dẫn đầu Cụm thi đua số 1 (4/5 phiếu đồng ý, đạt 80%);" in text
    )
    assert (
        "Tặng “Bằng khen của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động thành phố Phan "
        "Thiết (4/5 phiếu đồng ý, đạt 80%)." in text
    )
    assert (
        "bầu Liên đoàn Lao động huyện Tuy Phong làm Cụm trưởng, Liên đoàn Lao động huyện Hàm "
        "Thuận Bắc làm Cụm phó Cụm thi đua số 1 năm 2025" in text
    )
    assert "TM. CỤM THI ĐUA" in text and "CỤM TRƯỞNG" in text and "Trần Văn Hòa" in text
    assert "Nơi nhận:" in text and "- Lưu: VT." in text
    assert "Lâm Đồng" not in text  # the 2024 structure


def test_summary_of_soc_trang_2_2018(demo, tmp_path):  # noqa: F811
    output = export_summary(tmp_path, "soc-trang-2", 2018)
    assert_printed_like_an_official_paper(output)
    text = pdf_text(output)
    assert "CỤM THI ĐUA SỐ 2" in text and "BÁO CÁO" in text
    assert "Sóc Trăng, ngày 07 tháng 01 năm 2019" in text  # leading zeros
    assert "Tổng kết công tác thi đua năm 2018 của Cụm thi đua số 2" in text
    for member in SOC_TRANG_2:
        assert member in text, member
    assert "gồm 08 đơn vị thành viên" in text
    assert "Liên đoàn Lao động thành phố Sóc Trăng 100,5 100,5 HTXSNV 1" in text
    assert "03 đơn vị, chiếm 37,5%" in text and "05 đơn vị, chiếm 62,5%" in text
    assert "bằng hình thức biểu quyết giơ tay" in text
    assert (
        "cho Liên đoàn Lao động thành phố Sóc Trăng – đơn vị dẫn đầu Cụm thi đua số 2 (7/8 đơn "
        "vị biểu quyết đồng ý, đạt 87,5%)" in text
    )
    for unit in ["Công đoàn ngành Y tế tỉnh Sóc Trăng", "Liên đoàn Lao động huyện Kế Sách"]:
        assert f"Tặng “Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh” cho {unit} (7/8" in text
    assert (
        "bầu Công đoàn các Khu công nghiệp tỉnh Sóc Trăng làm Cụm trưởng, Liên đoàn Lao động "
        "huyện Mỹ Tú làm Cụm phó Cụm thi đua số 2 năm 2019" in text
    )
    assert "Nơi nhận:" in text and "Lưu: VT" in text


def test_a_year_without_a_review_has_no_summary(bt1, tmp_path):  # noqa: F811
    existing = tmp_path / "s.pdf"
    existing.write_bytes(b"old")
    with pytest.raises(CommandError, match=r"\(bt-1\).*2024"):
        call_command("export_document", "summary", cluster="bt-1", year=2024, output=str(existing))
    assert existing.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.pdf"]


def test_a_review_still_running_has_no_summary_yet(review, tmp_path):  # noqa: F811
    with pytest.raises(DocumentError, match=r"\(bt-1\)"):
        build_summary(review.cluster_year)
    with pytest.raises(CommandError):
        call_command(
            "export_document", "summary", cluster="bt-1", year=2024, output=str(tmp_path / "s.pdf")
        )
    assert list(tmp_path.iterdir()) == []


def test_the_summary_of_a_closed_review_prints_its_outcome(approval):
    document = build_summary(approval.cluster_year)
    assert document.header.date_line.endswith("ngày 14 tháng 12 năm 2024")
    assert document.achievements == ["Hoàn thành các chỉ tiêu."]
    assert [line.name for group in document.awards for line in group.lines] == [
        "Liên đoàn Lao động huyện Tuy Phong",
        "Liên đoàn Lao động thành phố Phan Thiết",
    ]
    assert document.awards[0].lines[0].leading
    assert document.elected_head == "Liên đoàn Lao động huyện Tuy Phong"
    assert document.standings[0].name == "Liên đoàn Lao động huyện Tuy Phong"


def test_the_score_chart_scales_to_the_table_and_leaves_no_bar_for_a_missing_score():
    from decimal import Decimal

    chart = score_chart(
        [("Liên đoàn Lao động huyện A", Decimal("100.5"), 1), ("Công đoàn B", None, None)],
        Decimal(100),
    )
    assert [tick.label for tick in chart.ticks] == ["0", "20", "40", "60", "80", "100"]
    assert chart.bars[0].label == "Liên đoàn Lao động huyện A" and chart.bars[0].value == "100,5"
    assert chart.bars[1].label == "Công đoàn B" and chart.bars[1].bar_width == "0.0"
    assert chart.bars[0].leading and not chart.bars[1].leading


def test_preview_and_pdf_read_like_the_cluster_year(client, approval):
    w = approval
    args = ["bt-1", 2024]
    preview = reverse("awards:summary_preview", args=args)
    pdf = reverse("awards:summary_pdf", args=args)

    assert client.get(preview).status_code == 302  # to the login

    outsider = OfficerFactory(
        organization=OrganizationFactory(
            code="khanh-hoa",
            name="Liên đoàn Lao động tỉnh Khánh Hòa",
            kind=OrganizationKind.PROVINCIAL,
        )
    ).user
    client.force_login(outsider)
    assert client.get(preview).status_code == 404
    assert client.get(pdf).status_code == 404

    client.force_login(w.phu_quy)  # a plain member
    page = client.get(preview)
    assert page.status_code == 200
    html = page.content.decode()
    assert "BÁO CÁO" in html and "data-print" in html and "<svg" in html
    assert reverse("awards:summary_docx", args=args) in html
    response = client.get(pdf)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-tong-ket-bt-1-2024.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")

    client.force_login(w.head)
    assert client.get(preview).status_code == 200


def test_the_views_answer_404_while_the_review_runs(client, review):  # noqa: F811
    client.force_login(review.head)
    response = client.get(reverse("awards:summary_preview", args=["bt-1", 2024]))
    assert response.status_code == 404


def test_an_unbroken_10000_character_text_wraps_inside_the_page(demo, tmp_path):  # noqa: F811
    """A pasted run of characters with no space (a link, a line of dots) breaks across lines
    and pages instead of running off the right edge."""
    import re
    import subprocess

    from clusters.models import Meeting

    long_word = "x" * 10000
    Meeting.objects.filter(cluster_year__cluster__code="binh-thuan-1", kind="review").update(
        achievements=f"Đầu đoạn {long_word} cuối đoạn."
    )
    output = export_summary(tmp_path, "binh-thuan-1", 2024)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(output), "-"], capture_output=True, text=True, check=True
    ).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes)]
    width = 595.276 - 15 / 25.4 * 72  # A4 less the right margin of 15 mm
    assert max(right_edges) <= width + 1
    printed = "".join(re.findall(r">(x+)</word>", boxes))
    assert len(printed) == 10000  # every character printed, none cut off
