"""A person's path through the foundation, in Debian's Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from emulation.demo import seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    seed_demo()
    return live_server


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"{base}/")


def test_head_officer_opens_the_cluster_and_downloads_the_roster(page, demo, tmp_path):
    base = demo.url
    year = timezone.localdate().year
    log_in(page, base, "phuongphanthiet")
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    page.get_by_role("link", name="Cụm thi đua số 1").first.click()
    expect(page).to_have_url(re.compile(rf"/clusters/lam-dong-1/{year}/$"))
    expect(page.get_by_text("Vai trò của bạn: Cụm trưởng")).to_be_visible()
    page.get_by_role("link", name="Trang Cụm trưởng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trang Cụm trưởng")
    page.go_back()
    page.get_by_role("tab", name="Tài liệu").click()
    with page.expect_download() as download_info:
        roster_row = page.get_by_role("row").filter(has_text="Danh sách cụm thi đua")
        roster_row.get_by_role("link", name="Tải PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"danh-sach-lam-dong-1-{year}.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_another_members_officer_cannot_open_the_heads_page(page, demo):
    base = demo.url
    year = timezone.localdate().year
    log_in(page, base, "vinhhao")
    response = page.goto(f"{base}/clusters/lam-dong-1/{year}/head/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("không có quyền")


def test_an_outsider_gets_404_on_the_cluster(page, demo):
    base = demo.url
    year = timezone.localdate().year
    log_in(page, base, "khanhhoa")
    response = page.goto(f"{base}/clusters/lam-dong-1/{year}/")
    assert response.status == 404
    response = page.goto(f"{base}/clusters/lam-dong-1/")
    assert response.status == 404


def test_search_finds_a_member_typed_without_diacritics(page, demo):
    base = demo.url
    log_in(page, base, "lamdong")
    page.get_by_role("link", name="Cụm thi đua", exact=True).click()
    page.get_by_label("Tìm kiếm").fill("vinh hao")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Liên đoàn Lao động tỉnh Lâm Đồng")
    page.get_by_label("Tìm kiếm").fill("VĨNH HẢO")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
