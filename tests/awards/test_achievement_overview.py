"""A nominee's achievement report (báo cáo thành tích) and the organiser's overview of a year
(tổng hợp kết quả các cụm): the demo's figures in the text, the PDF and the XLSX, who may open
them, and a constant number of queries for the overview page."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards.documents.achievement import build_achievement
from awards.documents.overview import build_overview
from awards.models import Nomination
from clusters.models import (
    AnnualResult,
    ClusterYear,
    EmulationProgram,
    Level,
    Organization,
    ResultStatus,
)
from clusters.services import create_default_program
from emulation.documents.admin_format import balanced_lines
from emulation.documents.base import DocumentError
from tests.clusters.test_views import add_clusters, count_queries
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db


def user(username):
    return get_user_model().objects.get(username=username)


def achievement_url(name, org_code="ldld-tuy-phong"):
    return reverse(f"awards:{name}", args=["binh-thuan-1", 2024, org_code])


OVERVIEW = {"organizer": "ldld-binh-thuan", "year": 2024}


# The achievement report ------------------------------------------------------------------------


def test_achievement_report_of_tuy_phong(demo, client, tmp_path):  # noqa: F811
    cluster_year = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024)
    tuy_phong = Organization.objects.get(code="ldld-tuy-phong")
    document = build_achievement(cluster_year, tuy_phong)
    assert document.header.parent_line == "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN"
    assert document.header.issuer_line == "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TUY PHONG"
    assert document.header.date_line == "Tuy Phong, ngày 14 tháng 12 năm 2024"
    assert document.subtitle_lines == [
        "Đề nghị tặng Cờ thi đua của Liên đoàn Lao động tỉnh năm 2024"
    ]
    assert (document.verified_total, document.self_total, document.score_max) == ("99", "99", "100")
    assert document.level_abbreviation == "HTXSNV" and document.rank == 1 and document.ranked == 5
    assert document.signature.name == "Phạm Thị Thu"  # her unit's representative at the review
    assert document.signer_titles == ["CHỦ TỊCH"]
    assert "4. Tổng số công đoàn cơ sở trực thuộc: 42; tổng số đoàn viên: 51" in document.profile[3]

    client.force_login(user("lamdong"))
    response = client.get(achievement_url("achievement_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "bao-cao-thanh-tich-ldld-tuy-phong-2024.pdf" in response["Content-Disposition"]
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Tuy Phong, ngày 14 tháng 12 năm 2024" in text
    assert "BÁO CÁO THÀNH TÍCH" in text
    assert "Đề nghị tặng Cờ thi đua của Liên đoàn Lao động tỉnh năm 2024" in text
    assert "Tổng điểm đạt 99/100 điểm" in text
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)" in text
    assert "xếp hạng 1/5 đơn vị của Cụm thi đua số 1" in text
    # Figures in the Vietnamese format: the gifts' value and a share of the target.
    assert "155.625.000" in text and "122,2" in text and "155,625,000" not in text
    assert "bỏ phiếu kín: 4/5 phiếu đồng ý, đạt 80% – được chọn" in text
    assert (
        "Cờ thi đua của Liên đoàn Lao động tỉnh (đơn vị dẫn đầu Cụm thi đua số 1) năm 2024" in text
    )
    assert "TM. LIÊN ĐOÀN LAO ĐỘNG" in text and "CHỦ TỊCH" in text and "Phạm Thị Thu" in text
    assert "Nơi nhận:" in text and "Lưu: VT." in text
    assert "Lâm Đồng" not in text  # the 2024 structure

    response = client.get(achievement_url("achievement_preview"))
    assert response.status_code == 200
    assert "BÁO CÁO THÀNH TÍCH" in response.content.decode()
    response = client.get(achievement_url("achievement_docx"))
    assert response.status_code == 200
    docx_text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "BÁO CÁO THÀNH TÍCH" in docx_text and "Tổng điểm đạt 99/100 điểm" in docx_text

    # A unit without a verified result has no report.
    AnnualResult.objects.filter(cluster_year=cluster_year, organization=tuy_phong).update(
        status=ResultStatus.SUBMITTED
    )
    with pytest.raises(DocumentError):
        build_achievement(cluster_year, tuy_phong)
    assert client.get(achievement_url("achievement_pdf")).status_code == 404


def test_achievement_report_of_a_unit_not_nominated(demo):  # noqa: F811
    cluster_year = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024)
    phu_quy = Organization.objects.get(code="ldld-phu-quy")
    assert not Nomination.objects.filter(cluster_year=cluster_year, organization=phu_quy).exists()
    document = build_achievement(cluster_year, phu_quy)
    assert document.subtitle_lines == ["Năm thi đua 2024"] and document.proposed == []
    # A vice-chair represented the unit: she signs for the chair.
    assert document.signer_titles == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_achievement_report_rights(demo, client):  # noqa: F811
    # Outside the cluster-year: 404; its member, head and the organiser's staff: 200.
    client.force_login(user("cantho"))
    assert client.get(achievement_url("achievement_preview")).status_code == 404
    for username in ("tpphanthiet", "bacbinh", "lamdong"):
        client.force_login(user(username))
        assert client.get(achievement_url("achievement_preview")).status_code == 200, username
    # A unit that is not a member of the cluster-year: 404.
    assert client.get(achievement_url("achievement_preview", "ldld-can-tho")).status_code == 404
    client.logout()
    response = client.get(achievement_url("achievement_preview"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_signature_line_breaks_in_two_balanced_lines():
    assert balanced_lines("TM. LIÊN ĐOÀN LAO ĐỘNG HUYỆN TUY PHONG") == [
        "TM. LIÊN ĐOÀN LAO ĐỘNG",
        "HUYỆN TUY PHONG",
    ]
    assert balanced_lines("TM. LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ PHAN THIẾT") == [
        "TM. LIÊN ĐOÀN LAO ĐỘNG",
        "THÀNH PHỐ PHAN THIẾT",
    ]
    assert balanced_lines("TM. CỤM THI ĐUA") == ["TM. CỤM THI ĐUA"]


# The overview ----------------------------------------------------------------------------------


def prepared(client, data):
    """Ask for a download on the overview (prepared in the background: here at once) and
    fetch it from the page it leads to."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("awards:export_organizer_start"), data)
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Tải về" in page.content.decode()
    response = client.get(response.url + "download/")
    assert response.status_code == 200
    return response


def test_overview_of_binh_thuan_2024(demo, client, tmp_path):  # noqa: F811
    organizer = Organization.objects.get(code="ldld-binh-thuan")
    document = build_overview(organizer, 2024)
    first, total = document.rows
    assert first["cluster"] == "Cụm thi đua số 1"
    assert first["head"] == "Liên đoàn Lao động huyện Bắc Bình"
    assert (first["members"], first["verified"], first["excellent"]) == (5, "5/5", 1)
    assert first["top"] == "Liên đoàn Lao động huyện Tuy Phong (99 điểm)"
    assert "Cờ thi đua: 1 (đã khen thưởng)" in first["nominations"]
    assert "Bằng khen: 1 (đã khen thưởng)" in first["nominations"]
    assert first["awards"] == "2" and first["decisions"] == "15/QĐ-LĐLĐ ngày 10/01/2025"
    assert total["emphasis"] and total["cluster"] == "Tổng cộng" and total["awards"] == "2"

    client.force_login(user("lamdong"))
    response = client.get(reverse("awards:overview"), OVERVIEW)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Liên đoàn Lao động huyện Bắc Bình" in content and "15/QĐ-LĐLĐ" in content

    response = prepared(client, OVERVIEW | {"kind": "overview", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "tong-hop.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = pdf_text(path)
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN" in text and "/BC-LĐLĐ" in text
    assert "Tổng hợp kết quả thi đua, khen thưởng của các Cụm thi đua năm 2024" in text
    assert "Cụm thi đua số 1" in text and "Liên đoàn Lao động huyện Bắc Bình" in text
    assert "15/QĐ-LĐLĐ" in text and "khen thưởng 02 tập thể" in text
    assert "Tổng cộng" in text and "TM. BAN THƯỜNG VỤ" in text

    response = prepared(client, OVERVIEW | {"kind": "overview", "format": "xlsx"})
    assert "tong-hop-cum-ldld-binh-thuan-2024.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    flat = [cell for row in cells for cell in row if cell is not None]
    headers = next(row for row in cells if row[0] == "TT")
    assert headers[:3] == ("TT", "Cụm thi đua", "Cụm trưởng")
    assert "Đề nghị khen thưởng" in headers and "Quyết định khen thưởng" in headers
    assert "Liên đoàn Lao động huyện Bắc Bình" in flat
    assert "15/QĐ-LĐLĐ ngày 10/01/2025" in flat and "Tổng cộng" in flat
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH THUẬN" in flat


def test_overview_rights(demo, client):  # noqa: F811
    url = reverse("awards:overview")
    # The organiser's staff (Lâm Đồng succeeded Bình Thuận): 200.
    client.force_login(user("lamdong"))
    assert client.get(url).status_code == 200
    assert client.get(url, OVERVIEW).status_code == 200
    # Staff of another organiser: their own page, 404 for Bình Thuận.
    client.force_login(user("cantho"))
    assert client.get(url).status_code == 200
    assert client.get(url, OVERVIEW).status_code == 404
    start = reverse("awards:export_organizer_start")
    for fmt in ("pdf", "xlsx"):
        data = OVERVIEW | {"kind": "overview", "format": fmt}
        assert client.post(start, data).status_code == 404
    # Those who keep no cluster – a cluster head, a member – 403.
    for username in ("bacbinh", "tpphanthiet"):
        client.force_login(user(username))
        assert client.get(url).status_code == 403, username
        data = OVERVIEW | {"kind": "overview", "format": "pdf"}
        assert client.post(start, data).status_code == 403, username
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_overview_queries_do_not_grow_with_clusters(client, world):
    create_default_program(organizer=world.province, year=world.year)
    program = EmulationProgram.objects.get(organizer=world.province, year=world.year)

    def add(n):
        add_clusters(world, n)
        for cluster_year in ClusterYear.objects.filter(
            cluster__organizer=world.province, year=world.year
        ):
            for membership in cluster_year.memberships.all():
                AnnualResult.objects.get_or_create(
                    cluster_year=cluster_year,
                    organization_id=membership.organization_id,
                    defaults={"program": program, "status": ResultStatus.VERIFIED},
                )

    client.force_login(world.users["staff"])
    url = reverse("awards:overview") + f"?organizer={world.province.code}&year={world.year}"
    add(1)
    few = count_queries(client, url)
    add(5)
    assert count_queries(client, url) == few


def test_overview_counts_the_stored_totals_and_pages_by_cluster(client, world, monkeypatch):
    """The leading unit, the verified and HTXSNV counts come from the stored verified totals
    and classifications (these results have no scores to recompute them from); the page holds
    a few clusters, the totals row counts them all."""
    monkeypatch.setattr("awards.documents.overview.CLUSTERS_PER_PAGE", 2)
    program = create_default_program(organizer=world.province, year=world.year)
    add_clusters(world, 2)
    cluster_years = ClusterYear.objects.filter(
        cluster__organizer=world.province, year=world.year
    ).order_by("cluster__kind", "cluster__number", "cluster__name", "pk")
    leaders = []
    for index, cluster_year in enumerate(cluster_years):
        members = [m.organization for m in cluster_year.memberships.order_by("pk")]
        # The last cluster: its first two units tie on the best total.
        totals = [90, 90, 70] if index == 2 else [90 - index, 80, 70]
        leaders.append(members[:2] if index == 2 else members[:1])
        for unit, total in zip(members, totals, strict=True):
            AnnualResult.objects.create(
                cluster_year=cluster_year,
                organization=unit,
                program=program,
                status=ResultStatus.VERIFIED,
                verified_total=Decimal(total),
                suggested_level=Level.EXCELLENT if total >= 90 else Level.GOOD,
            )
    client.force_login(world.users["staff"])
    url = reverse("awards:overview") + f"?organizer={world.province.code}&year={world.year}"
    response = client.get(url)
    first, second, total = response.context["document"].rows
    assert (first["index"], second["index"]) == (1, 2)
    assert first["top"] == f"{leaders[0][0].name} (90 điểm)"
    assert second["top"] == f"{leaders[1][0].name} (89 điểm)"
    assert (first["verified"], first["excellent"]) == ("3/3", 1)
    assert (second["verified"], second["excellent"]) == ("3/3", 0)
    assert total["cluster"] == "Tổng cộng" and total["head"] == "03 cụm"
    assert (total["members"], total["verified"], total["excellent"]) == (9, "9/9", 3)
    body = response.content.decode()
    assert "1 / 2" in body and "page=2" in body
    (third, total) = client.get(url + "&page=2").context["document"].rows
    assert third["index"] == 3
    # Tied on the total with nothing to tell them apart: both lead.
    assert third["top"] == f"{', '.join(sorted(u.name for u in leaders[2]))} (90 điểm)"
    assert total["members"] == 9
    # The files hold every cluster.
    assert len(build_overview(world.province, world.year).rows) == 4
