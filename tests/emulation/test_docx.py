"""Word (.docx) output of the documents: the same content as the PDF, in the same format."""

import re
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from emulation.documents.base import CONTENT_TYPES
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401
from tests.test_permission_matrix import minutes_kwargs, pact_kwargs, proposal_kwargs

pytestmark = pytest.mark.django_db

HEADER = [
    "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN",
    "CỤM THI ĐUA SỐ 1",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]
# kind, year of binh-thuan-1, what the paper must say (besides the header).
DOCUMENTS = [
    (
        "minutes",
        2024,
        [
            "BIÊN BẢN",
            "Bắc Bình, ngày 14 tháng 12 năm 2024",
            "Trần Văn Hòa",
            "Nguyễn Thị Mỹ Lệ",
            "THƯ KÝ",
            "CHỦ TRÌ",
            "Liên đoàn Lao động huyện Tuy Phong",
            "Đơn vị thành viên",
        ],
    ),
    (
        "proposal",
        2024,
        [
            "TỜ TRÌNH",
            "Số: 05/TTr-CTĐ",
            "Bắc Bình, ngày 16 tháng 12 năm 2024",
            "Liên đoàn Lao động thành phố Phan Thiết",
            "Nơi nhận:",
            "TM. CỤM THI ĐUA",
            "Trần Văn Hòa",
        ],
    ),
    (
        "pact",
        2025,
        [
            "GIAO ƯỚC THI ĐUA",
            "Năm 2025 – Cụm thi đua số 1",
            "Bắc Bình, ngày 14 tháng 12 năm 2024",
            "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TUY PHONG",
            "Phạm Thị Thu",
        ],
    ),
]


def paragraphs(document) -> list:
    """Every paragraph, in the body and in the table cells, in order."""
    return [
        p for p in document.element.body.iter(qn("w:p")) if p.getparent().tag != qn("w:sdtContent")
    ]


def texts(document) -> list[str]:
    result = []
    for p in paragraphs(document):
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).replace("\u00a0", " ")
        if text.strip():
            result.append(text)
    return result


def repeats_its_header(table) -> bool:
    first = table.rows[0]._tr
    return first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


@pytest.mark.parametrize("kind, year, expected", DOCUMENTS)
def test_docx_holds_what_the_pdf_prints(demo, tmp_path, kind, year, expected):  # noqa: F811
    for suffix in ("pdf", "DOCX"):
        output = tmp_path / f"{kind}.{suffix}"
        call_command("export_document", kind, cluster="binh-thuan-1", year=year, output=str(output))
    document = Document(str(tmp_path / f"{kind}.DOCX"))
    lines = texts(document)
    for text in HEADER + expected:
        assert text in lines, text
    # The same words as the PDF: nothing lost, nothing added but the PDF's page numbers.
    printed = words(pdf_text(tmp_path / f"{kind}.pdf"))
    written = words(" ".join(lines))
    assert written <= printed, written - printed
    assert all(word.isdigit() for word in printed - written), printed - written


# kind, cluster, year (None: the current one), the issuer's two lines. The pact is the one of
# lam-dong-1 this year: the demo's binh-thuan-1 2025 pact has no targets grid.
FORMATTED = [
    ("minutes", "binh-thuan-1", 2024, HEADER[:2]),
    ("proposal", "binh-thuan-1", 2024, HEADER[:2]),
    ("pact", "lam-dong-1", None, ["LIÊN ĐOÀN LAO ĐỘNG TỈNH LÂM ĐỒNG", "CỤM THI ĐUA SỐ 1"]),
]


@pytest.mark.parametrize("kind, cluster, year, issuer", FORMATTED)
def test_docx_in_the_administrative_format(demo, tmp_path, kind, cluster, year, issuer):  # noqa: F811
    output = tmp_path / f"{kind}.docx"
    year = year or timezone.localdate().year
    call_command("export_document", kind, cluster=cluster, year=year, output=str(output))
    document = Document(str(output))
    section = document.sections[0]
    # A4, margins 20/20/30/15 mm, as the PDF (templates/documents/base.html).
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    # Times New Roman 13 pt for every script.
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    fonts = normal.element.rPr.rFonts
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(qn(f"w:{script}")) == "Times New Roman", script
    # Page numbers from page 2, centred at the top.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    assert section.header.paragraphs[0].alignment == 1  # centre
    # The two header blocks: a borderless table, national title bold, date line italic.
    header = document.tables[0]
    assert header.style.name != "Table Grid"
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs][:2] == issuer
    assert all(r.bold for r in left.paragraphs[1].runs)  # the issuer
    title, motto = right.paragraphs[0], right.paragraphs[1]
    assert title.text.replace("\u00a0", " ") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert all(r.bold for r in title.runs) and all(r.bold for r in motto.runs)
    assert all(r.italic for r in right.paragraphs[-1].runs)  # place and date
    rules = [p for p in header._element.iter(qn("w:pBdr"))]
    assert len(rules) == 2  # under the issuer, under the motto
    # The title: centred, bold, caps.
    body = [p for p in document.paragraphs if p.text.strip()]
    assert body[0].alignment == 1 and all(r.bold for r in body[0].runs)
    assert body[0].text == body[0].text.upper()
    # Body text justified with a first-line indent.
    indented = [p for p in body if p.paragraph_format.first_line_indent is not None]
    assert any(
        p.alignment == 3 and round(p.paragraph_format.first_line_indent.mm) == 10 for p in indented
    )
    # Every bordered table repeats its header row on each page.
    grids = [t for t in document.tables if t.style.name == "Table Grid"]
    assert grids
    assert all(repeats_its_header(table) for table in grids)


def test_a_kind_without_docx_is_still_refused(demo, tmp_path):  # noqa: F811
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"\.docx"):
        call_command(
            "export_document",
            "roster",
            cluster="binh-thuan-1",
            year=2024,
            output=str(tmp_path / "r.docx"),
        )
    assert list(tmp_path.iterdir()) == []


VIEWS = [
    ("awards:minutes_docx", minutes_kwargs, {"unit_officer": 403}),
    ("awards:proposal_docx", proposal_kwargs, {"unit_officer": 403}),
    ("clusters:pact_docx", pact_kwargs, {}),
]
READERS = ["deputy_officer", "head_officer", "viewer", "staff", "admin", "unit_officer"]


@pytest.mark.parametrize("name, kwargs, refused", VIEWS)
def test_docx_views_follow_their_pdf_twins(client, world, name, kwargs, refused):
    url = reverse(name, kwargs=kwargs(world))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    for persona in READERS:
        client.force_login(world.users[persona])
        response = client.get(url)
        if persona in refused:
            assert response.status_code == refused[persona], persona
            continue
        assert response.status_code == 200, persona
        assert response["Content-Type"] == CONTENT_TYPES["docx"]
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Disposition"].endswith('.docx"')
        document = Document(BytesIO(response.content))
        grids = [t for t in document.tables if t.style.name == "Table Grid"]
        assert grids and all(repeats_its_header(table) for table in grids)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [
            t.replace("\u00a0", " ") for t in texts(document)
        ]
