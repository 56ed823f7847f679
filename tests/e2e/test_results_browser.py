"""The cluster head's results work in Chromium: binh-thuan-1 in 2024, while it was open."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from clusters.models import ClusterYearStatus, OrganizationKind
from clusters.services import (
    create_default_program,
    lock_results,
    result_for,
    submit_result,
    verify_result,
)
from clusters.services.scoring import load_table
from emulation.demo.binh_thuan import BT1_2024
from emulation.demo.results import score_demo_result
from tests.e2e.test_foundation_browser import log_in
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = {
    "ldld-bac-binh": "Liên đoàn Lao động huyện Bắc Bình",
    "ldld-tuy-phong": "Liên đoàn Lao động huyện Tuy Phong",
    "ldld-ham-thuan-bac": "Liên đoàn Lao động huyện Hàm Thuận Bắc",
    "ldld-phu-quy": "Liên đoàn Lao động huyện Phú Quý",
    "ldld-tp-phan-thiet": "Liên đoàn Lao động thành phố Phan Thiết",
}


@pytest.fixture
def bt1_2024(live_server):
    """Members have sent their self-assessments; the head's own was verified by the staff."""
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
        status=ClusterYearStatus.OPEN,
        members=list(units.values()),
    )
    table = load_table(create_default_program(organizer=province, year=2024))
    users = {}
    for code, username in [
        ("ldld-bac-binh", "bacbinh"),
        ("ldld-phu-quy", "phuquy"),
        ("ldld-binh-thuan", "staff"),
    ]:
        organization = province if code == "ldld-binh-thuan" else units[code]
        users[username] = OfficerFactory(
            user=UserFactory(username=username, password="demo"), organization=organization
        ).user
    for index, (code, plan) in enumerate(BT1_2024.items()):
        result = result_for(cluster_year, units[code], by=users["bacbinh"])
        own = code == "ldld-bac-binh"
        result = score_demo_result(result, table, plan, index, verified=own)
        if code == "ldld-phu-quy":
            continue  # still a draft: the unit sends it in the test
        result = submit_result(result, by=None)
        if own:
            verify_result(result, by=users["staff"])
    return live_server, cluster_year, users


def test_head_verifies_the_results_and_exports_the_ranking(page, bt1_2024, tmp_path):
    server, cluster_year, users = bt1_2024
    base = server.url
    grid = f"{base}/clusters/binh-thuan-1/2024/results/"

    # Phú Quý sends its self-assessment, then can no longer change it.
    log_in(page, base, "phuquy")
    page.goto(f"{base}/clusters/binh-thuan-1/2024/scores/ldld-phu-quy/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/submit/'] button").click()
    expect(page.locator("#result-status")).to_have_text(re.compile("Đã nộp|Submitted"))
    expect(page.locator("#save-result")).to_have_count(0)
    expect(page.locator("input[name^='self_']").first).to_be_disabled()
    # Another unit's result: not its to open while the year is open.
    response = page.goto(f"{base}/clusters/binh-thuan-1/2024/scores/ldld-ham-thuan-bac/")
    assert response.status == 403
    page.context.clear_cookies()

    log_in(page, base, "bacbinh")
    page.goto(grid)
    page.get_by_role("link", name=NAMES["ldld-tuy-phong"]).click()
    expect(page.locator("#totals")).to_be_visible()
    total = page.locator("#total-verified")
    before = total.inner_text()
    row = page.locator("tr[data-criterion]").first
    verified = row.locator("input[name^='verified_']")
    explanation = row.locator("textarea[name^='explanation_']")
    verified.fill("7,5")
    # The running total follows without a reload, and the explanation becomes required.
    expect(total).not_to_have_text(before)
    expect(explanation).to_have_class(re.compile("is-invalid"))
    # Saving without it is stopped in the browser (and refused by the server in any case).
    page.locator("#save-result").click()
    assert explanation.evaluate("el => el.validity.valueMissing")
    expect(page.locator(".alert-success")).to_have_count(0)
    row = page.locator("tr[data-criterion]").first
    row.locator("textarea[name^='explanation_']").fill("Một hoạt động chưa có minh chứng.")
    page.locator("#save-result").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#verify-result").click()
    expect(page.locator("#result-status")).to_have_text(re.compile("Đã thẩm định|Verified"))

    # The others: open, confirm the verified column (it starts as the self-score), save.
    for code in ["ldld-ham-thuan-bac", "ldld-phu-quy", "ldld-tp-phan-thiet"]:
        page.goto(f"{base}/clusters/binh-thuan-1/2024/scores/{code}/")
        page.locator("#save-result").click()
        expect(page.locator(".alert-success")).to_be_visible()
    page.goto(grid)
    page.locator("form[action$='/verify-all/'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()

    first = page.locator("#results-grid tbody tr").first
    expect(first).to_contain_text(NAMES["ldld-tuy-phong"])
    expect(first.locator("td").nth(6)).to_have_text("1")
    expect(page.locator("#distribution")).to_contain_text("HTXSNV")

    with page.expect_download() as download_info:
        page.locator("a[href$='results.xlsx']").first.click()
    path = tmp_path / "results.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Xếp hạng" in r)
    rank_col, name_col = header.index("Xếp hạng"), 1
    ranks = {r[name_col]: r[rank_col] for r in rows[rows.index(header) + 1 :] if r[rank_col]}
    assert ranks[NAMES["ldld-tuy-phong"]] == 1
    assert ranks[NAMES["ldld-tp-phan-thiet"]] == 2

    # Once the results are locked, Phú Quý cannot change its own.
    lock_results(cluster_year, by=users["bacbinh"], reason="Chốt kết quả trước hội nghị")
    page.context.clear_cookies()
    log_in(page, base, "phuquy")
    page.goto(f"{base}/clusters/binh-thuan-1/2024/scores/ldld-phu-quy/")
    expect(page.locator("#result-status")).to_have_text(re.compile("Đã khóa|Locked"))
    expect(page.locator("#save-result")).to_have_count(0)
