"""Every Word file the application writes, opened as an office opens it: LibreOffice prints it
to PDF (Times New Roman as Liberation Serif, the same metrics as Word), and the paper must be
the PDF's – the national title on one line, as many pages give or take one, every table, and
the summary's charts as pictures.

LibreOffice (Debian's libreoffice-writer-nogui) is installed by `make test`; without it these
tests fail, they never skip. The documents are written once for the module and converted in a
single run of LibreOffice, with a profile of its own so that parallel runs never share one."""

import re
import shutil
import subprocess
import uuid

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import URLResolver, get_resolver
from django.utils import timezone, translation
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from awards.documents.achievement import TEMPLATE as ACHIEVEMENT
from awards.documents.achievement import build_achievement
from clusters.models import ClusterYear, Organization
from emulation.demo import seed_demo
from emulation.documents.base import NATIONAL_TITLE
from emulation.documents.registry import DocumentSpec, built_kinds, get_spec

# The module's documents are written once, from the demo, in a transaction rolled back; the
# mark has pytest-django set up the test database for them.
pytestmark = pytest.mark.django_db

# Each Word document of the demo: kind, cluster, year (None: this year, the pact of lam-dong-1
# with its targets grid), the nominee (achievement reports), the charts it draws.
PRINTED = [
    ("summary", "binh-thuan-1", 2024, None, 2),
    ("summary", "soc-trang-2", 2018, None, 2),
    ("minutes", "binh-thuan-1", 2024, None, 0),
    ("proposal", "binh-thuan-1", 2024, None, 0),
    ("pact", "binh-thuan-1", 2025, None, 0),
    ("pact", "lam-dong-1", None, None, 0),
    ("achievement", "binh-thuan-1", 2024, "ldld-tuy-phong", 0),
]
NAMES = [
    f"{kind}-{cluster}-{year or 'now'}" + (f"-{unit}" if unit else "")
    for kind, cluster, year, unit, _ in PRINTED
]
CHARTS = dict(zip(NAMES, (charts for *_, charts in PRINTED), strict=True))
CONVERSION_SECONDS = 300


def achievement_spec(unit: Organization) -> DocumentSpec:
    return DocumentSpec(
        "achievement",
        "Báo cáo thành tích",
        lambda cluster_year: build_achievement(cluster_year, unit),
        ACHIEVEMENT,
        ("pdf", "docx"),
    )


def soffice() -> str:
    path = shutil.which("soffice")
    assert path, "LibreOffice is missing: `make test` installs libreoffice-writer-nogui"
    return path


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The folder with, for each document, the PDF (WeasyPrint), the .docx, the .docx printed
    by LibreOffice (in converted/) and the HTML the .docx was made from."""
    folder = tmp_path_factory.mktemp("word")
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        for name, (kind, cluster, year, unit, _) in zip(NAMES, PRINTED, strict=True):
            cluster_year = ClusterYear.objects.get(
                cluster__code=cluster, year=year or timezone.localdate().year
            )
            if unit:
                spec = achievement_spec(Organization.objects.get(code=unit))
            else:
                spec = get_spec(kind)
            document = spec.build(cluster_year)
            (folder / f"{name}.pdf").write_bytes(spec.render(document, "pdf"))
            (folder / f"{name}.docx").write_bytes(spec.render(document, "docx"))
            with translation.override("vi"):
                context = {"document": document, "for_pdf": True, "for_docx": True}
                (folder / f"{name}.html").write_text(render_to_string(spec.template, context))
        transaction.set_rollback(True)
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder / "converted"),
                *(str(folder / f"{name}.docx") for name in NAMES),
            ],
            capture_output=True,
            check=True,
            timeout=CONVERSION_SECONDS,
        )
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    return folder


def layout_lines(path) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.replace("\u00a0", " ")))


def grid_tables(document) -> list:
    return [table for table in document.tables if table.style.name == "Table Grid"]


def url_names(resolver) -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern)
        elif pattern.name:
            names.add(pattern.name)
    return names


def test_every_word_document_is_printed_here():
    """A document that gains a Word file – in `export_document` or as a view – joins PRINTED."""
    kinds = {kind for kind, *_ in PRINTED}
    with_word = {kind for kind in built_kinds() if "docx" in get_spec(kind).formats}
    assert with_word <= kinds
    views = {name.removesuffix("_docx") for name in url_names(get_resolver()) if "docx" in name}
    assert views == kinds


@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_prints_the_word_file_as_the_pdf(printed, name):
    converted = printed / "converted" / f"{name}.pdf"
    assert converted.is_file(), f"LibreOffice did not convert {name}.docx"
    lines = layout_lines(converted)
    # The national title on one line, never "… VIỆT NA / M".
    assert any(NATIONAL_TITLE in line for line in lines), "\n".join(lines[:6])
    # As many pages as the PDF, give or take one.
    pages = len(PdfReader(converted).pages)
    expected = len(PdfReader(printed / f"{name}.pdf").pages)
    assert abs(pages - expected) <= 1, (pages, expected)
    # Every bordered table of the template (the 2025 pact of binh-thuan-1 has none), each with
    # all its rows, printed whole.
    document = Document(printed / f"{name}.docx")
    tables = grid_tables(document)
    html_tables = re.findall(r'<table class="data.*?</table>', html(printed, name), re.S)
    assert len(tables) == len(html_tables)
    for table, source in zip(tables, html_tables, strict=True):
        assert len(table.rows) == source.count("<tr")
    printed_words = words(" ".join(lines))
    for table in tables:
        table_words = words(" ".join(cell.text for row in table.rows for cell in row.cells))
        assert table_words <= printed_words, table_words - printed_words


@pytest.mark.parametrize("name", NAMES)
def test_the_charts_are_pictures_in_word(printed, name):
    """The summary's charts are in the Word file as pictures of the printed column's width,
    and LibreOffice prints them; no other document draws one."""
    assert html(printed, name).count("<svg") == CHARTS[name]
    pictures = Document(printed / f"{name}.docx").inline_shapes
    assert len(pictures) == CHARTS[name]
    assert all(round(picture.width / Mm(1)) == 165 for picture in pictures)
    listing = subprocess.run(
        ["pdfimages", "-list", str(printed / "converted" / f"{name}.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == CHARTS[name]


def html(folder, name) -> str:
    return (folder / f"{name}.html").read_text()
