"""The Word builder's layout: columns wide enough for what must not wrap, the cells' padding as
Word's cell margins, and an inline SVG chart as a picture drawn in the bundled font."""

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from emulation.documents.base import NATIONAL_TITLE
from emulation.documents.docx import html_to_docx
from emulation.documents.fonts import text_width

BASE = Path(__file__).resolve().parents[2]

PAGE = """<html><head><style>
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }
html { font-size: 13pt; }
td { padding: 0; }
.left { width: 42%; } .right { width: 58%; }
.national { font-weight: bold; font-size: 12.5pt; white-space: nowrap; }
table.data td { border: 0.6pt solid #000; padding: 3pt 4pt; }
</style></head><body>{body}</body></html>"""

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="165mm" height="20mm" viewBox="0 0 165 20"'
    ' font-family="Liberation Serif" font-size="3.4">'
    '<rect x="66" y="4" width="80" height="6" fill="#3a3a3a"/>'
    '<text x="64" y="8.2" text-anchor="end"><tspan x="64" y="8.2">{label}</tspan></text>'
    "</svg>"
)


def build(body: str):
    return Document(BytesIO(html_to_docx(PAGE.replace("{body}", body))))


def widths(table) -> list[float]:
    return [cell.width / Pt(1) for cell in table.rows[0].cells]


def margins(table) -> dict[str, int]:
    cell_margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    return {
        side: int(cell_margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right")
    }


def test_the_national_title_gets_a_column_wide_enough_at_13_pt():
    document = build(
        '<table class="header"><tr><td class="left">LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN</td>'
        f'<td class="right"><div class="national">{NATIONAL_TITLE}</div></td></tr></table>'
    )
    table = document.tables[0]
    assert margins(table) == {"left": 0, "right": 0}  # the CSS padding, not Word's 5.4 pt
    left, right = widths(table)
    assert right >= text_width(NATIONAL_TITLE, 13, bold=True)
    assert abs(left + right - 165 / 25.4 * 72) < 1  # the page's column, still


def test_a_column_is_never_narrower_than_its_longest_word():
    document = build(
        '<table class="data"><tr><td style="width: 90%">Liên đoàn Lao động huyện Tuy Phong</td>'
        '<td style="width: 10%">HTXSNV</td></tr></table>'
    )
    table = document.tables[0]
    assert margins(table) == {"left": 80, "right": 80}  # 4 pt in twentieths of a point
    assert widths(table)[1] >= text_width("HTXSNV", 13) + 8 - 0.1  # twips round


def test_an_svg_chart_becomes_a_picture_of_its_printed_width():
    document = build(f"<p>Trước biểu đồ</p>{CHART.replace('{label}', 'Tuy Phong')}<p>Sau</p>")
    (picture,) = document.inline_shapes
    assert round(picture.width / Mm(1)) == 165 and round(picture.height / Mm(1)) == 20
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["Trước biểu đồ", "Sau"]  # the chart's text is in the picture only


def test_the_charts_text_is_drawn_in_the_bundled_font(tmp_path):
    """cairo draws the labels in Liberation Serif even where fontconfig knows no font (the
    slim container image): the label's ink is as wide as the bundled font's metrics say."""
    config = tmp_path / "fonts.conf"  # the system's rules, no folder of fonts
    config.write_text(
        f"<fontconfig><cachedir>{tmp_path}</cachedir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>'
    )
    label = "Liên đoàn Lao động huyện Hàm Thuận Bắc"
    script = (
        "import sys, django; django.setup()\n"
        "from emulation.documents.docx import svg_to_png\n"
        "sys.stdout.buffer.write(svg_to_png(sys.stdin.read()))\n"
    )
    png = subprocess.run(
        [sys.executable, "-c", script],
        input=CHART.replace("{label}", label).encode(),
        capture_output=True,
        check=True,
        cwd=BASE,
        env={**os.environ, "FONTCONFIG_FILE": str(config), "PYTHONPATH": str(BASE)},
        timeout=120,
    ).stdout
    image = Image.open(BytesIO(png)).convert("L")
    per_mm = image.width / 165
    ink = image.crop((0, 0, round(64.5 * per_mm), image.height)).point(lambda v: 255 * (v < 128))
    left, _, right, _ = ink.getbbox()
    drawn = (right - left) / per_mm
    assert abs(drawn - text_width(label, 3.4)) < 1.5, drawn  # another font: 2.5 mm off or more
