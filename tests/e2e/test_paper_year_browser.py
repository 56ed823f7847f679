"""A first year from paper in Chromium: the head of a 30-member cluster downloads the
totals-only template, fills one row per unit (6 excellent, 20 good, 3 completed, 1 not
classified – its own row left to the organiser's staff, who type it in the grid), imports it;
then the review runs in the meeting mode, the vote lists the award forms, and the meeting
closes. No page of /admin/ is opened."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.models import AwardKind, AwardType, Nomination
from clusters.models import AnnualResult, ClusterYear, ClusterYearStatus, Level, OrganizationKind
from clusters.services import create_default_program
from clusters.services.totals import TOTALS_SHEET
from tests.e2e.test_foundation_browser import log_in
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEVELS = ["HTXSNV"] * 6 + ["HTTNV"] * 20 + ["HTNV"] * 3 + ["KXL"]


@pytest.fixture
def paper_cluster(live_server):
    province = OrganizationFactory(
        code="ldld-tinh",
        name="Liên đoàn Lao động tỉnh Thử Nghiệm",
        kind=OrganizationKind.PROVINCIAL,
    )
    units = [
        OrganizationFactory(
            code=f"cdcs-{n:02d}",
            name=f"Công đoàn cơ sở Trường Trung học số {n:02d}",
            kind=OrganizationKind.GRASSROOTS,
            parent=province,
        )
        for n in range(1, 31)
    ]
    # The head (a good unit: its row is the 7th) and its deputy.
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=province, code="cum-giay", name="Cụm thi đua số 5"),
        year=2023,
        head=units[6],
        deputy=units[0],
        head_person="Phạm Văn Hùng",
        status=ClusterYearStatus.OPEN,
        members=units,
    )
    program = create_default_program(organizer=province, year=2023)
    program.totals_only = True
    program.save()
    OfficerFactory(user=UserFactory(username="head", password="demo"), organization=units[6])
    OfficerFactory(user=UserFactory(username="staff", password="demo"), organization=province)
    AwardType.objects.create(
        organizer=province,
        name="Cờ thi đua của Liên đoàn Lao động tỉnh",
        kind=AwardKind.EXCELLENT_FLAG,
        requires_level=Level.EXCELLENT,
        order=1,
    )
    AwardType.objects.create(
        organizer=province,
        name="Bằng khen của Liên đoàn Lao động tỉnh",
        kind=AwardKind.CERTIFICATE,
        order=2,
    )
    return live_server, cluster_year, units


def test_head_imports_a_paper_year_and_runs_its_review(page, paper_cluster, tmp_path):
    server, cluster_year, units = paper_cluster
    base = server.url
    opened = []
    page.on("request", lambda request: opened.append(request.url))

    # The head downloads the totals-only template and fills it from the papers.
    log_in(page, base, "head")
    page.goto(f"{base}/clusters/cum-giay/2023/results/")
    expect(page.get_by_text("Năm nhập từ hồ sơ giấy")).to_be_visible()
    page.get_by_role("link", name="Nhập từ Excel").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    workbook = load_workbook(BytesIO(download.value.path().read_bytes()))
    sheet = workbook[TOTALS_SHEET]
    codes = {unit.code: index for index, unit in enumerate(units)}
    for row in sheet.iter_rows(min_row=2):
        index = codes[row[0].value]
        if index == 6:
            continue  # the head's own result: verified by the organiser's staff
        level = LEVELS[index]
        row[2].value = None if level == "KXL" else 98 - index * 0.5
        row[3].value = level
        row[4].value = "đang củng cố tổ chức" if level == "KXL" else None
    filled = tmp_path / "tong-diem.xlsx"
    buffer = BytesIO()
    workbook.save(buffer)
    filled.write_bytes(buffer.getvalue())
    page.get_by_label("Tệp mẫu đã điền (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("29")
    assert AnnualResult.objects.filter(cluster_year=cluster_year).count() == 29

    # The organiser's staff type the head unit's own total in the grid.
    page.context.clear_cookies()
    log_in(page, base, "staff")
    page.goto(f"{base}/clusters/cum-giay/2023/results/")
    page.get_by_role("link", name="Nhập tổng điểm").click()
    head_name = units[6].name
    page.get_by_label(f"Tổng điểm – {head_name}").fill("95")
    page.get_by_label(f"Xếp loại – {head_name}").select_option(value=Level.GOOD)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    distribution = page.locator("#distribution")
    for label, count in [("HTXSNV", "6"), ("HTTNV", "20"), ("HTNV", "3"), ("KXL", "1")]:
        expect(distribution.locator("tr", has_text=f"({label})").locator("td").nth(1)).to_have_text(
            count
        )

    # The head runs the review.
    page.context.clear_cookies()
    log_in(page, base, "head")
    page.goto(f"{base}/clusters/cum-giay/2023/")
    page.get_by_role("link", name="Hội nghị", exact=True).click()
    page.get_by_role("link", name="Chuẩn bị hội nghị tổng kết").click()
    page.locator("#id_held_on").fill("12/01/2024")
    page.locator("#id_place").fill("Hội trường Trường Trung học số 07")
    page.locator("#id_secretary").fill("Lê Thị Lan")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("link", name="Mở chế độ hội nghị").click()
    for unit in units:
        page.locator(f"input[name='a{unit.pk}-present']").check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".alert-success")).to_contain_text("30")
    page.get_by_role("button", name="Hội nghị thông qua báo cáo").click()
    expect(page.locator(".meeting-table tbody tr").first).to_contain_text(units[0].name)
    page.get_by_role("link", name=re.compile("Tiếp")).click()

    # The vote lists the forms; the flag by secret ballot among the excellent units.
    options = page.get_by_label("Hình thức khen thưởng").locator("option")
    expect(options).to_contain_text(
        ["Cờ thi đua của Liên đoàn Lao động tỉnh", "Bằng khen của Liên đoàn Lao động tỉnh"]
    )
    page.get_by_label("Hình thức khen thưởng").select_option(
        label="Cờ thi đua của Liên đoàn Lao động tỉnh"
    )
    page.get_by_label("Cách biểu quyết").select_option(value="secret")
    page.locator("#id_seats").fill("2")
    for unit in units[:3]:
        page.locator(f"#cand-{unit.pk}").check()
    page.get_by_role("button", name="Mở biểu quyết").click()
    for label in ["Số phiếu phát ra", "Số phiếu thu về", "Số phiếu hợp lệ"]:
        page.get_by_label(label).fill("30")
    page.get_by_label(units[0].name).fill("27")
    page.get_by_label(units[1].name).fill("25")
    page.get_by_label(units[2].name).fill("8")
    page.get_by_role("button", name="Kiểm phiếu").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # Nominations, the election, the close.
    page.get_by_role("link", name=re.compile("Tiếp")).click()
    while page.get_by_role("button", name="Đề nghị các đơn vị này").count():
        page.get_by_role("button", name="Đề nghị các đơn vị này").first.click()
        expect(page.locator(".alert-success")).to_be_visible()
    assert Nomination.objects.filter(cluster_year=cluster_year).count() == 2
    page.get_by_role("link", name=re.compile("Tiếp")).click()
    page.get_by_role("button", name="Ghi nhận kết quả bầu").click()
    expect(page.locator(".alert-success")).to_contain_text("2024")
    page.get_by_role("link", name=re.compile("Tiếp")).click()  # past the conclusions
    page.get_by_label("Giờ bế mạc").fill("11:00")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bế mạc hội nghị").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert ClusterYear.objects.get(pk=cluster_year.pk).status == ClusterYearStatus.REVIEW

    # The summary of the paper year prints its typed totals.
    page.goto(f"{base}/awards/cum-giay/2023/summary/")
    expect(page.locator("body")).to_contain_text("Tổng điểm")
    expect(page.locator("body")).not_to_contain_text("Điểm tự chấm")

    assert not [url for url in opened if "/admin/" in url and "/static/admin/" not in url]
