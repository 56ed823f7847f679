"""The year-end review meeting of binh-thuan-1 2024 in Chromium, run by the head from the
meeting mode: attendance, the summary, a secret ballot, a tie and its second round,
nominations with a quota warning, the election, the close and the minutes."""

import re

import pytest
from playwright.sync_api import expect

from awards.models import AwardKind, AwardRule, AwardType, Nomination, RuleScope
from clusters.models import ClusterYear, ClusterYearStatus, Level, OrganizationKind
from clusters.services import create_default_program, result_for, verify_result
from clusters.services.scoring import load_table
from emulation.demo.binh_thuan import BT1_2024
from emulation.demo.results import score_demo_result
from tests.e2e.test_foundation_browser import log_in
from tests.e2e.test_results_browser import NAMES
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def verified_2024(live_server):
    province = OrganizationFactory(
        code="ldld-binh-thuan",
        name="Liên đoàn Lao động tỉnh Bình Thuận",
        kind=OrganizationKind.PROVINCIAL,
    )
    units = {
        code: OrganizationFactory(code=code, name=name, parent=province)
        for code, name in NAMES.items()
    }
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=province, code="binh-thuan-1", name="Cụm thi đua số 1"),
        year=2024,
        head=units["ldld-bac-binh"],
        deputy=units["ldld-tuy-phong"],
        head_person="Trần Văn Hòa",
        head_person_title="Chủ tịch LĐLĐ huyện Bắc Bình",
        status=ClusterYearStatus.OPEN,
        members=list(units.values()),
    )
    table = load_table(create_default_program(organizer=province, year=2024))
    head = OfficerFactory(
        user=UserFactory(username="bacbinh", password="demo"),
        organization=units["ldld-bac-binh"],
    ).user
    staff = OfficerFactory(
        user=UserFactory(username="staff", password="demo"), organization=province
    ).user
    for index, (code, plan) in enumerate(BT1_2024.items()):
        result = result_for(cluster_year, units[code], by=head)
        result = score_demo_result(result, table, plan, index, by=head)
        verify_result(result, by=staff)
    AwardType.objects.create(
        organizer=province,
        name="Cờ thi đua của Liên đoàn Lao động tỉnh",
        kind=AwardKind.LEADING_FLAG,
        requires_level=Level.EXCELLENT,
        order=1,
    )
    certificate = AwardType.objects.create(
        organizer=province,
        name="Bằng khen của Liên đoàn Lao động tỉnh",
        kind=AwardKind.CERTIFICATE,
        order=2,
    )
    AwardRule.objects.create(
        organizer=province,
        year=2024,
        award_type=certificate,
        scope=RuleScope.CLUSTER,
        max_count=1,
        blocking=False,
    )
    return live_server, cluster_year, units


def test_head_runs_the_whole_review_meeting_and_downloads_the_minutes(
    page, verified_2024, tmp_path
):
    server, cluster_year, units = verified_2024
    base = server.url
    log_in(page, base, "bacbinh")
    page.goto(f"{base}/clusters/binh-thuan-1/2024/")
    page.get_by_role("link", name="Hội nghị", exact=True).click()
    page.get_by_role("link", name="Chuẩn bị hội nghị tổng kết").click()

    # Preparation.
    page.locator("#id_held_on").fill("14/12/2024")
    page.get_by_label("Bắt đầu lúc").fill("08:00")
    page.locator("#id_place").fill("Hội trường Liên đoàn Lao động huyện Bắc Bình")
    expect(page.locator("#id_chair")).to_have_value("Trần Văn Hòa")
    page.locator("#id_secretary").fill("Nguyễn Thị Mai")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("link", name="Mở chế độ hội nghị").click()

    # 1. Attendance: three present is short of the quorum of four.
    for code in ["ldld-bac-binh", "ldld-tuy-phong", "ldld-phu-quy"]:
        page.locator(f"input[name='a{units[code].pk}-present']").check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".alert-warning").first).to_contain_text("3")
    for code in ["ldld-ham-thuan-bac", "ldld-tp-phan-thiet"]:
        page.locator(f"input[name='a{units[code].pk}-present']").check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".alert-success")).to_contain_text("5")

    # 2. The summary, prefilled from the results.
    expect(page.get_by_label("Kết quả đạt được")).to_have_value(re.compile("Tuy Phong"))
    page.get_by_role("button", name="Hội nghị thông qua báo cáo").click()
    # 3. The ranking: Tuy Phong first.
    expect(page.locator(".meeting-table tbody tr").first).to_contain_text(NAMES["ldld-tuy-phong"])
    page.get_by_role("link", name=re.compile("Tiếp")).click()

    # 4. The vote: a secret ballot for the flag.
    page.get_by_label("Hình thức khen thưởng").select_option(
        label="Cờ thi đua của Liên đoàn Lao động tỉnh"
    )
    page.get_by_label("Cách biểu quyết").select_option(value="secret")
    page.locator(f"#cand-{units['ldld-tuy-phong'].pk}").check()
    page.get_by_role("button", name="Mở biểu quyết").click()
    page.get_by_label("Số phiếu phát ra").fill("5")
    page.get_by_label("Số phiếu thu về").fill("5")
    page.get_by_label("Số phiếu hợp lệ").fill("5")
    page.get_by_label(NAMES["ldld-tuy-phong"]).fill("4")
    page.get_by_role("button", name="Kiểm phiếu").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The certificate: a tie, then another round between the two.
    page.get_by_label("Hình thức khen thưởng").select_option(
        label="Bằng khen của Liên đoàn Lao động tỉnh"
    )
    page.get_by_label("Cách biểu quyết").select_option(value="secret")
    for code in ["ldld-tp-phan-thiet", "ldld-bac-binh"]:
        page.locator(f"#cand-{units[code].pk}").check()
    page.get_by_role("button", name="Mở biểu quyết").click()
    for label in ["Số phiếu phát ra", "Số phiếu thu về", "Số phiếu hợp lệ"]:
        page.get_by_label(label).fill("5")
    page.get_by_label(NAMES["ldld-tp-phan-thiet"]).fill("2")
    page.get_by_label(NAMES["ldld-bac-binh"]).fill("2")
    page.get_by_role("button", name="Kiểm phiếu").click()
    expect(page.locator(".alert-warning").first).to_contain_text("vòng")
    page.get_by_role("button", name="Bỏ phiếu vòng nữa giữa các đơn vị bằng phiếu").click()
    for label in ["Số phiếu phát ra", "Số phiếu thu về", "Số phiếu hợp lệ"]:
        page.get_by_label(label).fill("5")
    page.get_by_label(NAMES["ldld-tp-phan-thiet"]).fill("3")
    page.get_by_label(NAMES["ldld-bac-binh"]).fill("2")
    page.get_by_role("button", name="Kiểm phiếu").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 5. Nominations: the chosen units, then one more certificate beyond the quota (a warning).
    page.get_by_role("link", name=re.compile("Tiếp")).click()
    while page.get_by_role("button", name="Đề nghị các đơn vị này").count():
        page.get_by_role("button", name="Đề nghị các đơn vị này").first.click()
        expect(page.locator(".alert-success")).to_be_visible()
    page.locator("summary").click()
    page.locator("#id_organization").select_option(value=str(units["ldld-phu-quy"].pk))
    page.get_by_label("Hình thức khen thưởng").select_option(
        label="Bằng khen của Liên đoàn Lao động tỉnh"
    )
    page.locator("#id_justification").fill("Nhiều mô hình chăm lo đoàn viên được nhân rộng.")
    page.get_by_role("button", name="Đề nghị", exact=True).click()
    expect(page.locator(".alert-warning")).to_contain_text("tối đa 1")
    assert Nomination.objects.filter(cluster_year=cluster_year).count() == 3

    # 6. The election: the rotation's proposal (the deputy Tuy Phong) is preselected.
    page.get_by_role("link", name=re.compile("Tiếp")).click()
    expect(page.get_by_label("Cụm trưởng năm sau")).to_have_value(str(units["ldld-tuy-phong"].pk))
    page.get_by_role("button", name="Ghi nhận kết quả bầu").click()
    expect(page.locator(".alert-success")).to_contain_text("2025")

    # 7. Conclusions, then the close.
    page.locator("textarea[name='c-0-text']").fill("Tổ chức ký kết giao ước thi đua năm 2025.")
    page.locator("input[name='c-0-owner']").fill("Cụm trưởng năm 2025")
    page.get_by_role("button", name="Lưu kết luận").click()
    page.get_by_label("Giờ bế mạc").fill("11:30")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bế mạc hội nghị").click()
    expect(page.locator(".alert-success")).to_be_visible()

    next_year = ClusterYear.objects.get(cluster=cluster_year.cluster, year=2025)
    assert next_year.head == units["ldld-tuy-phong"]
    assert ClusterYear.objects.get(pk=cluster_year.pk).status == ClusterYearStatus.REVIEW

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải biên bản (PDF)").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
