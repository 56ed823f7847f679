"""A federation starts from nothing but the operator's superuser, in Debian's Chromium, without
ever opening /admin/: the confederation and its staff, a province and its staff, 40 units by
import (twice: the second changes nothing), a cluster with 30 members added in one step, and
the head unit's officer, who logs in with a one-time password and must change it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from clusters.models import ClusterYear, Membership, Officer, Organization
from tests.e2e.pickers import pick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username, password):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form [type=submit]").last.click()


def choose_own_password(page, base, old, new):
    """The first page after a one-time password is the password change."""
    expect(page).to_have_url(f"{base}/accounts/password/change/")
    expect(page.get_by_role("alert").first).to_contain_text("mật khẩu dùng một lần")
    page.locator("#id_old_password").fill(old)
    page.locator("#id_new_password1").fill(new)
    page.locator("#id_new_password2").fill(new)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page).to_have_url(f"{base}/")


def new_officer(page, full_name, role_label):
    """On an organisation's page: Officers → New officer; returns (username, password)."""
    page.get_by_role("link", name="Cán bộ", exact=True).click()
    page.get_by_role("link", name="Thêm cán bộ").click()
    page.locator("#id_full_name").fill(full_name)
    page.locator("#id_role").select_option(label=role_label)
    page.get_by_role("button", name="Lưu").click()
    slip = page.locator(".credential-slip")
    expect(slip).to_contain_text(full_name)
    username = slip.locator("code").first.inner_text()
    password = page.locator(".credential-password").inner_text()
    return username, password


def units_file(tmp_path, year) -> str:
    lines = ["Mã đơn vị,Tên đơn vị,Loại hình,Mã đơn vị cấp trên,Từ ngày,Địa bàn,Khối"]
    for n in range(1, 31):
        lines.append(
            f"cdcs-truong-{n:02d},Công đoàn cơ sở Trường Tiểu học Số {n},Công đoàn cơ sở,"
            f"ldld-thu-nghiem,01/01/{year},Thử Nghiệm,Giáo dục"
        )
    for n in range(1, 11):
        lines.append(
            f"cdcs-tram-{n:02d},Công đoàn cơ sở Trạm Y tế Số {n},Công đoàn cơ sở,"
            f"ldld-thu-nghiem,01/01/{year},Thử Nghiệm,Y tế"
        )
    path = tmp_path / "don-vi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_federation_starts_from_the_operators_account_alone(page, live_server, tmp_path):
    base = live_server.url
    year = timezone.localdate().year
    get_user_model().objects.create_superuser("operator", "op@example.vn", "Van-hanh-2025!")
    admin_pages = []
    # Pages of /admin/ the browser is taken to (the pickers' scripts under /static/admin/ are not).
    page.on(
        "request",
        lambda r: (
            admin_pages.append(r.url) if r.is_navigation_request() and "/admin/" in r.url else None
        ),
    )

    # The operator founds the confederation and its first staff member.
    log_in(page, base, "operator", "Van-hanh-2025!")
    page.get_by_role("link", name="Tổ chức công đoàn").first.click()
    page.get_by_role("link", name="Thêm tổ chức công đoàn").click()
    page.locator("#id_name").fill("Tổng Liên đoàn Lao động Việt Nam")
    page.locator("#id_kind").select_option(value="confederation")
    page.locator("#id_valid_from").fill(f"01/01/{year - 1}")
    page.locator("#id_code").fill("tld")
    page.get_by_role("button", name="Tạo mới").click()
    expect(page.get_by_role("heading", name="Tổng Liên đoàn Lao động Việt Nam")).to_be_visible()
    tld_user, tld_password = new_officer(page, "Đặng Quốc Khánh", "Cán bộ")

    # The confederation's staff create a province and its staff.
    log_in(page, base, tld_user, tld_password)
    choose_own_password(page, base, tld_password, "Tong-lien-doan-1")
    page.get_by_role("link", name="Tổ chức công đoàn").first.click()
    page.get_by_role("link", name="Thêm tổ chức công đoàn").click()
    page.locator("#id_name").fill("Liên đoàn Lao động tỉnh Thử Nghiệm")
    page.locator("#id_kind").select_option(value="provincial")
    pick(page.locator("#id_parent"), "tong lien doan", "Tổng Liên đoàn Lao động Việt Nam")
    page.locator("#id_valid_from").fill(f"01/01/{year - 1}")
    page.locator("#id_code").fill("ldld-thu-nghiem")
    page.get_by_role("button", name="Tạo mới").click()
    expect(page.get_by_role("heading", name="Liên đoàn Lao động tỉnh Thử Nghiệm")).to_be_visible()
    province_user, province_password = new_officer(page, "Trần Thị Hạnh", "Cán bộ")

    # The province's staff import 40 units; the same file again changes nothing.
    log_in(page, base, province_user, province_password)
    choose_own_password(page, base, province_password, "Tinh-thu-nghiem-1")
    path = units_file(tmp_path, year)
    for attempt in (1, 2):
        page.goto(f"{base}/structure/organizations/")
        page.get_by_role("link", name="Nhập đơn vị từ tệp").click()
        page.locator("#id_file").set_input_files(path)
        page.locator("#id_reason").fill("Quyết định số 1/QĐ-LĐLĐ")
        page.get_by_role("button", name="Kiểm tra tệp").click()
        preview = page.locator("#import-preview")
        if attempt == 1:
            expect(preview).to_contain_text("40 tạo mới")
            page.get_by_role("button", name="Xác nhận nhập").click()
            expect(page.get_by_role("alert")).to_contain_text("tạo mới 40 đơn vị")
        else:
            expect(preview).to_contain_text("Tệp không thay đổi gì")
    assert Organization.objects.filter(code__startswith="cdcs-").count() == 40

    # A cluster of the province, its first year, 30 members in one step.
    page.goto(f"{base}/structure/organizations/ldld-thu-nghiem/")
    page.get_by_role("link", name="Thêm cụm thi đua").click()
    page.locator("#id_number").fill("1")
    page.locator("#id_name").fill("Cụm thi đua số 1")
    page.locator("#id_code").fill("thu-nghiem-1")
    page.locator("#id_reason").fill("Quyết định số 2/QĐ-LĐLĐ")
    page.get_by_role("button", name="Tạo mới").click()
    # The new cluster's first year.
    page.locator("#id_year").fill(str(year))
    page.locator("#id_reason").fill("Năm đầu")
    page.get_by_role("button", name="Tạo mới").click()
    page.get_by_role("link", name="Thêm nhiều thành viên").click()
    page.locator("#id_sector").select_option(label="Giáo dục")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("30 đơn vị khớp bộ lọc")).to_be_visible()
    page.locator("#id_everything").check()
    page.locator("#id_reason").fill("Quyết định số 3/QĐ-LĐLĐ")
    page.get_by_role("button", name="Thêm các đơn vị").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã thêm 30 đơn vị")
    cluster_year = ClusterYear.objects.get(cluster__code="thu-nghiem-1", year=year)
    assert Membership.objects.filter(cluster_year=cluster_year).count() == 30

    # The head unit, and its officer.
    pick(page.locator("#id_head"), "tieu hoc so 1", "Công đoàn cơ sở Trường Tiểu học Số 1")
    page.locator("form").filter(has=page.locator("#id_head")).locator("#id_reason").fill(
        "Hội nghị cụm"
    )
    page.get_by_role("button", name="Lưu").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu")
    page.goto(f"{base}/structure/organizations/cdcs-truong-01/")
    head_user, head_password = new_officer(page, "Lê Văn Tâm", "Lãnh đạo")
    log_in(page, base, head_user, head_password)
    choose_own_password(page, base, head_password, "Cum-truong-2025!")
    expect(page.get_by_text("Cụm thi đua số 1").first).to_be_visible()
    officer = Officer.objects.get(user__username=head_user)
    assert officer.organization.code == "cdcs-truong-01"
    assert officer.valid_from == timezone.localdate() or officer.valid_from <= datetime.date.today()
    assert admin_pages == []
