"""The summary's charts: every unit's name printed whole beside its bar, wrapped over two lines
when it is long, never cut at the left edge of the column."""

import re
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from awards.documents.summary import LABEL_WIDTH, TEMPLATE, build_summary, score_chart
from clusters.models import ClusterYear, Organization
from emulation.documents.fonts import text_width
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db

# 60 characters, as the grassroots unions of a school are named.
LONG_NAME = "Công đoàn cơ sở Trường Trung học phổ thông Chuyên Lê Quý Đôn"
SVG = "{http://www.w3.org/2000/svg}"


def test_the_long_name_is_sixty_characters():
    assert len(LONG_NAME) == 60


def test_a_long_name_wraps_over_two_lines_whole():
    chart = score_chart(
        [
            ("Liên đoàn Lao động huyện Tuy Phong", Decimal(99), 1),
            (LONG_NAME, Decimal(84), 2),
        ],
        Decimal(100),
    )
    short, long = chart.bars
    assert short.label == "Liên đoàn Lao động huyện Tuy Phong" and len(short.lines) == 1
    assert long.label == LONG_NAME and len(long.lines) == 2
    assert " ".join(long.lines) == LONG_NAME
    for line in long.lines:
        assert text_width(line, 3.4) <= float(LABEL_WIDTH) - 1
    # The wrapped name takes a taller row; the next rows and the axis move down with it.
    assert long.height > short.height
    assert chart.bottom == short.y + short.height + long.height
    ys = [float(line.y) for line in long.label_lines]
    assert ys[0] < float(long.text_y) < ys[1]  # the value in the middle of the two lines


def test_a_name_on_two_lines_breaks_before_its_locality_else_where_the_lines_are_even():
    (industrial, school) = score_chart(
        [
            ("Công đoàn các Khu công nghiệp tỉnh Sóc Trăng", Decimal(96), 2),
            ("Công đoàn cơ sở Công ty Trách nhiệm hữu hạn Một thành viên Xổ số", Decimal(90), 3),
        ],
        Decimal(100),
    ).bars
    assert industrial.lines == ["Công đoàn các Khu công nghiệp", "tỉnh Sóc Trăng"]
    first, second = (text_width(line, 3.4) for line in school.lines)
    assert " ".join(school.lines) == school.label and abs(first - second) < 12


def test_a_name_too_long_for_two_lines_takes_its_short_form_whole():
    name = (
        "Công đoàn cơ sở Trường Trung học cơ sở và Trung học phổ thông Nguyễn Văn Trỗi "
        "thuộc Liên đoàn Lao động thành phố Phan Thiết"
    )
    bar = score_chart([(name, Decimal(90), 1)], Decimal(100)).bars[0]
    assert bar.label == (
        "CĐ cơ sở Trường Trung học cơ sở và Trung học phổ thông Nguyễn Văn Trỗi "
        "thuộc LĐLĐ thành phố Phan Thiết"
    )
    assert " ".join(bar.lines) == bar.label
    assert all(text_width(line, 3.4, bold=True) <= float(LABEL_WIDTH) - 1 for line in bar.lines)


def test_a_sixty_character_name_prints_whole_in_the_chart(demo, tmp_path):  # noqa: F811
    Organization.objects.filter(name="Liên đoàn Lao động huyện Phú Quý").update(name=LONG_NAME)
    cluster_year = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024)

    # The SVG's text: the name's lines, in order, make the name.
    document = build_summary(cluster_year)
    html = render_to_string(TEMPLATE, {"document": document, "for_pdf": True})
    chart = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group())
    labels = [
        " ".join(span.text for span in text.iter(f"{SVG}tspan"))
        for text in chart.iter(f"{SVG}text")
        if text.find(f"{SVG}tspan") is not None
    ]
    assert LONG_NAME in labels
    assert len(labels) == 5  # every member has its label

    # The PDF's text: the chart's last bar, its name whole, its score, then the scale.
    output = tmp_path / "bao-cao.pdf"
    call_command("export_document", "summary", cluster="binh-thuan-1", year=2024, output=output)
    assert f"{LONG_NAME} 84 0 20 40" in pdf_text(output)
    # Nothing printed left of the 30 mm margin: no letter cut off at the column's edge.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(output), "-"], capture_output=True, text=True, check=True
    ).stdout
    left_edges = [float(x) for x in re.findall(r'xMin="([0-9.]+)"', boxes)]
    assert min(left_edges) >= 30 / 25.4 * 72 - 0.5
