"""The batch of an organiser's year (`export_year`) and the documents' benchmark
(`bench_documents`, whose parts `make bench` reuses)."""

import json
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.emulation.test_export_document import demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_year_of_an_organiser_in_one_zip(demo, tmp_path):  # noqa: F811
    target = tmp_path / "2024.zip"
    err = StringIO()
    call_command(
        "export_year",
        "--organizer",
        "ldld-binh-thuan",
        "--year",
        "2024",
        "--output",
        str(target),
        stderr=err,
        stdout=StringIO(),
    )
    names = zipfile.ZipFile(target).namelist()
    assert "binh-thuan-1/bien-ban-binh-thuan-1-2024.pdf" in names
    assert "binh-thuan-1/to-trinh-binh-thuan-1-2024.pdf" in names
    assert "binh-thuan-1/danh-sach-binh-thuan-1-2024.xlsx" in names
    assert "binh-thuan-1/bao-cao-tong-ket-binh-thuan-1-2024.docx" in names
    assert "binh-thuan-1/bao-cao-thanh-tich-ldld-tuy-phong-2024.pdf" in names
    assert "binh-thuan-1/bao-cao-thanh-tich-ldld-tp-phan-thiet-2024.docx" in names
    assert "tong-hop-cum-ldld-binh-thuan-2024.xlsx" in names
    listing = zipfile.ZipFile(target).read("DANH-SACH.txt").decode()
    assert "Giao ước thi đua" in listing  # no pact in 2024: listed, not in the zip
    assert re.search(r"\] (\d+)/\1 ", err.getvalue())  # the progress bar reached the end


def test_a_failed_batch_leaves_the_existing_file_alone(demo, tmp_path):  # noqa: F811
    target = tmp_path / "2024.zip"
    target.write_bytes(b"old")
    with pytest.raises(CommandError):
        call_command(
            "export_year", "--organizer", "nobody", "--year", "2024", "--output", str(target)
        )
    with pytest.raises(CommandError):
        call_command(
            "export_year",
            "--organizer",
            "ldld-binh-thuan",
            "--year",
            "1999",
            "--output",
            str(target),
        )
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["2024.zip"]


def test_the_benchmark_prints_both_medians_and_the_import_as_json(demo):  # noqa: F811
    from clusters.models import Organization

    before = Organization.objects.count()
    out = StringIO()
    call_command(
        "bench_documents", "--kind", "minutes", "--runs", "1", "--import-rows", "20", stdout=out
    )
    (document,) = json.loads(out.getvalue())["documents"]
    assert document["name"] == "minutes" and document["runs"] == 1
    assert document["app_seconds"] > 0 and document["weasyprint_seconds"] > 0
    assert document["ratio"] == pytest.approx(
        document["app_seconds"] / document["weasyprint_seconds"], rel=0.01
    )
    (imported,) = json.loads(out.getvalue())["imports"]
    assert imported["name"] == "structure" and imported["rows"] == 20 and imported["seconds"] > 0
    assert Organization.objects.count() == before  # the benchmark's units are rolled back
