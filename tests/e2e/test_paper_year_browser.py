"""Issue 17's whole path in Chromium: a federation's staff set the award forms from the
defaults of its level; the head of a 30-member cluster imports a totals-only year from the
papers – 6 excellent, 20 good, 3 completed, 1 not classified, its own unit's row included (the
organiser's staff verify that one). With the cap at 20 % of the classified units the 6th
excellent asks for a reason and nothing is imported; at 20 % of all the members the 6 are
accepted. Then the review runs in the meeting mode, the vote lists the forms, the meeting
closes and the dossier goes to the organiser. No page of /admin/ is opened."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.models import AwardType, Nomination
from clusters.models import (
    AnnualResult,
    CapBasis,
    ClusterYear,
    ClusterYearStatus,
    OrganizationKind,
    ResultStatus,
)
from clusters.services import create_default_program
from clusters.services.totals import TOTALS_SHEET
from tests.e2e.test_award_forms_browser import admin_navigations
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
PROVINCE = "Liên đoàn Lao động tỉnh Thử Nghiệm"


@pytest.fixture
def paper_cluster(live_server):
    province = OrganizationFactory(
        code="ldld-tinh", name=PROVINCE, kind=OrganizationKind.PROVINCIAL
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
    # As the programme of an earlier year stands after the migration: the classified ones.
    program.cap_basis = CapBasis.CLASSIFIED
    program.save()
    OfficerFactory(user=UserFactory(username="head", password="demo"), organization=units[6])
    OfficerFactory(
        user=UserFactory(username="staff", first_name="Phạm Thu Hà", password="demo"),
        organization=province,
    )
    return live_server, cluster_year, units, program


def filled_template(download, units, tmp_path):
    """The downloaded template with every unit's row as the papers give it."""
    workbook = load_workbook(BytesIO(download.path().read_bytes()))
    sheet = workbook[TOTALS_SHEET]
    codes = {unit.code: index for index, unit in enumerate(units)}
    for row in sheet.iter_rows(min_row=2):
        index = codes[row[0].value]
        level = LEVELS[index]
        row[2].value = None if level == "KXL" else 98 - index * 0.5
        row[3].value = level
        row[4].value = "đang củng cố tổ chức" if level == "KXL" else None
    filled = tmp_path / "tong-diem.xlsx"
    buffer = BytesIO()
    workbook.save(buffer)
    filled.write_bytes(buffer.getvalue())
    return filled


def import_file(page, filled):
    page.get_by_label("Tệp mẫu đã điền (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Nhập", exact=True).click()


def test_a_federation_enters_a_paper_year_and_runs_its_review(page, paper_cluster, tmp_path):
    server, cluster_year, units, program = paper_cluster
    base = server.url
    opened = admin_navigations(page)

    # The federation's staff set the award forms from the defaults of a province.
    log_in(page, base, "staff")
    page.goto(f"{base}/structure/organizations/ldld-tinh/")
    page.get_by_role("link", name="Hình thức và quy định khen thưởng").click()
    expect(page.locator("#proposal")).to_contain_text(f"Cờ thi đua xuất sắc của {PROVINCE}")
    page.get_by_role("button", name="Dùng các hình thức này").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã thiết lập 3 hình thức")
    assert AwardType.objects.filter(organizer__code="ldld-tinh").count() == 3

    # The head downloads the totals-only template and fills every row from the papers.
    page.context.clear_cookies()
    log_in(page, base, "head")
    page.goto(f"{base}/clusters/cum-giay/2023/results/")
    expect(page.get_by_text("Năm nhập từ hồ sơ giấy")).to_be_visible()
    expect(page.locator("#cap-rule")).to_contain_text("các đơn vị được xếp loại")
    page.get_by_role("link", name="Nhập từ Excel").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    filled = filled_template(download.value, units, tmp_path)

    # 20 % of the 29 classified units, rounded down, is 5: the 6th asks for a reason.
    import_file(page, filled)
    warning = page.locator("#beyond-cap")
    expect(warning).to_contain_text("6 đơn vị HTXSNV")
    expect(warning).to_contain_text("(29)")
    expect(warning).to_contain_text("5 đơn vị")
    expect(page.get_by_label("Lý do vượt giới hạn mức xếp loại cao nhất")).to_be_visible()
    assert not AnnualResult.objects.filter(cluster_year=cluster_year).exists()

    # The staff set the cap on all the member units, as the regulation has it.
    page.context.clear_cookies()
    log_in(page, base, "staff")
    page.goto(f"{base}/structure/programs/{program.pk}/edit/")
    page.locator("#id_cap_basis").select_option(value=CapBasis.MEMBERS)
    page.locator("#id_reason").fill("Theo Quy chế: tỷ lệ trên tổng số đơn vị thành viên")
    page.locator("form [type=submit]").last.click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 20 % of the 30 members is 6: the same file goes in without a reason.
    page.context.clear_cookies()
    log_in(page, base, "head")
    page.goto(f"{base}/clusters/cum-giay/2023/results/import/")
    import_file(page, filled)
    expect(page.locator(".alert-success")).to_contain_text("30")
    expect(page.locator(".alert-success")).to_contain_text("chờ cán bộ của đơn vị tổ chức")
    assert AnnualResult.objects.filter(cluster_year=cluster_year).count() == 30
    own = AnnualResult.objects.get(cluster_year=cluster_year, organization=units[6])
    assert own.status == ResultStatus.SUBMITTED

    # The organiser's staff verify the head unit's own row as typed.
    page.context.clear_cookies()
    log_in(page, base, "staff")
    page.goto(f"{base}/clusters/cum-giay/2023/results/")
    page.get_by_role("link", name="Nhập tổng điểm").click()
    expect(page.get_by_label(f"Tổng điểm – {units[6].name}")).to_have_value("95")
    page.locator(f"#u{units[6].pk}-confirm").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    own.refresh_from_db()
    assert own.status == ResultStatus.VERIFIED
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
        [
            f"Cờ thi đua của {PROVINCE}",
            f"Cờ thi đua xuất sắc của {PROVINCE}",
            f"Bằng khen của {PROVINCE}",
        ]
    )
    page.get_by_label("Hình thức khen thưởng").select_option(
        label=f"Cờ thi đua xuất sắc của {PROVINCE}"
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

    # The year closes for the cluster: its dossier goes to the organiser.
    page.goto(f"{base}/awards/cum-giay/2023/proposal/")
    page.locator("#id_number").fill("05/TTr-CTĐ")
    page.locator("#id_issued_on").fill("15/01/2024")
    page.locator("#id_addressee").fill(f"Ban Thường vụ {PROVINCE}")
    page.locator("#id_signer").fill("Phạm Văn Hùng")
    page.get_by_role("button", name="Lưu tờ trình").click()
    expect(page.locator("#dossier-gaps")).to_contain_text("Hồ sơ đã đầy đủ")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trình hồ sơ đề nghị khen thưởng").click()
    expect(page.locator("#proposal-status")).to_have_text("Đã trình")
    assert ClusterYear.objects.get(pk=cluster_year.pk).status == ClusterYearStatus.SUBMITTED

    assert opened == []
