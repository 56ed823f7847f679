"""Federation staff keep the structure in Debian's Chromium: preparing next year, and a
restructuring previewed, confirmed and undone."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from clusters.models import ClusterYear, Officer, Organization, OrganizationKind
from clusters.permissions import can_act_as_head, can_view_cluster_year
from emulation.demo import seed_demo
from tests.e2e.pickers import pick
from tests.e2e.test_foundation_browser import log_in
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def user(username):
    return get_user_model().objects.get(username=username)


def officer_units(username) -> list[str]:
    return list(
        Officer.objects.filter(user__username=username).values_list("organization__code", flat=True)
    )


def log_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


def test_staff_prepare_next_year_and_the_new_head_gets_the_rights(page, live_server):
    seed_demo()
    base = live_server.url
    year = timezone.localdate().year
    log_in(page, base, "lamdong")
    page.get_by_role("link", name="Tổ chức công đoàn").first.click()
    page.get_by_label("Tìm kiếm").fill("lam dong")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="Liên đoàn Lao động tỉnh Lâm Đồng", exact=True).click()
    page.get_by_role("link", name="Chuẩn bị năm sau").click()
    preview = page.get_by_test_id("next-year-preview")
    row = preview.locator("tr[data-cluster='lam-dong-1']")
    # The rotation's proposal is preselected with its reason: last year's deputy moves up.
    head = row.get_by_label("Cụm trưởng của Cụm thi đua số 1")
    expect(head.locator("option:checked")).to_have_text(
        "Công đoàn cơ sở Công ty Cổ phần Cảng Phan Thiết"
    )
    expect(row).to_contain_text(f"phó cụm năm {year}")
    pick(head, "mui ne", "Công đoàn phường Mũi Né")
    page.get_by_role("button", name=f"Xác nhận và tạo năm {year + 1}").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Đã chuẩn bị năm {year + 1}")

    next_year = ClusterYear.objects.get(cluster__code="lam-dong-1", year=year + 1)
    this_year = ClusterYear.objects.get(cluster__code="lam-dong-1", year=year)
    assert next_year.head.code == "cd-phuong-mui-ne"
    assert can_act_as_head(user("muine"), next_year)
    assert not can_act_as_head(user("phuongphanthiet"), next_year)
    assert can_act_as_head(user("phuongphanthiet"), this_year)

    # The same, as each officer sees it.
    log_out(page, base)
    log_in(page, base, "muine")
    response = page.goto(f"{base}/clusters/lam-dong-1/{year + 1}/head/")
    assert response.status == 200
    log_out(page, base)
    log_in(page, base, "phuongphanthiet")
    assert page.goto(f"{base}/clusters/lam-dong-1/{year + 1}/head/").status == 403
    assert page.goto(f"{base}/clusters/lam-dong-1/{year}/head/").status == 200


@pytest.fixture
def district_world():
    """A province whose two district federations end mid-year into the province itself."""
    year = timezone.localdate().year
    province = OrganizationFactory(
        code="tinh", name="Liên đoàn Lao động tỉnh Thử", kind=OrganizationKind.PROVINCIAL
    )
    districts = [
        OrganizationFactory(
            code=f"huyen-{i}", name=f"Liên đoàn Lao động huyện {n}", parent=province
        )
        for i, n in enumerate(["Bắc", "Nam", "Tây"])
    ]
    OrganizationFactory(
        code="truong-a",
        name="Công đoàn cơ sở Trường A",
        kind=OrganizationKind.GRASSROOTS,
        parent=districts[0],
    )
    cluster = ClusterFactory(organizer=province, code="tinh-1", name="Cụm thi đua số 1")
    ClusterYearFactory(
        cluster=cluster, year=year, head=districts[0], deputy=districts[1], members=districts
    )
    OfficerFactory(user=UserFactory(username="canbo", password="demo"), organization=province)
    # An officer of the head unit that ends: its record stays, its rights follow the records.
    OfficerFactory(user=UserFactory(username="bac"), organization=districts[0])
    return year


def test_staff_replay_a_restructuring_and_undo_it(page, live_server, district_world):
    year = district_world
    base = live_server.url
    log_in(page, base, "canbo")
    page.goto(f"{base}/structure/restructure/")
    ended = page.get_by_label("Các tổ chức chấm dứt hoạt động")
    pick(ended, "huyen bac", "Liên đoàn Lao động huyện Bắc")
    pick(ended, "huyen nam", "Liên đoàn Lao động huyện Nam")
    page.get_by_label("Ngày hoạt động cuối cùng").fill(f"30/06/{year}")
    pick(page.get_by_label("Đơn vị kế thừa"), "tinh thu", "Liên đoàn Lao động tỉnh Thử")
    page.get_by_label("Số, ký hiệu quyết định").fill("Quyết định số 7/QĐ-LĐLĐ")
    page.get_by_role("button", name="Xem trước").click()

    # The preview: two ends, the school moves to the province, the cluster goes on.
    expect(page.get_by_test_id("plan-ended")).to_contain_text("Liên đoàn Lao động huyện Bắc")
    expect(page.get_by_test_id("plan-moves")).to_contain_text("Công đoàn cơ sở Trường A")
    assert Organization.objects.get(code="huyen-0").valid_to is None  # nothing written yet
    page.get_by_role("button", name="Xác nhận sắp xếp").click()
    expect(page).to_have_url(re.compile(r"/structure/restructurings/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text("Đã ghi nhận")

    ended = Organization.objects.get(code="huyen-0")
    assert ended.valid_to == datetime.date(year, 6, 30)
    assert [s.code for s in ended.successors.all()] == ["tinh"]
    school = Organization.objects.get(code="truong-a")
    assert school.parent_on(datetime.date(year, 7, 1)).code == "tinh"
    this_year = ClusterYear.objects.get(cluster__code="tinh-1", year=year)
    assert this_year.ended_on is None  # Tây goes on in it
    assert set(
        this_year.memberships.exclude(left_on=None).values_list("organization__code", flat=True)
    ) == {"huyen-0", "huyen-1"}
    # The ended head unit's officer is not moved: it keeps reading the year, but an ended
    # unit acts as head no more.
    assert officer_units("bac") == ["huyen-0"]
    assert can_view_cluster_year(user("bac"), this_year)
    assert not can_act_as_head(user("bac"), this_year)

    # The organisation page shows the succession.
    page.get_by_role("link", name="Liên đoàn Lao động huyện Bắc").first.click()
    expect(page.get_by_text("Đơn vị kế thừa:")).to_be_visible()
    page.go_back()

    page.get_by_label("Lý do hoàn tác").fill("Nhập nhầm ngày")
    page.get_by_role("button", name="Hoàn tác").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã hoàn tác")
    assert Organization.objects.get(code="huyen-0").valid_to is None
    assert school.parent_on(datetime.date(year, 7, 1)).code == "huyen-0"
    # The undo gives the head unit back its rights, and its officer is where it was.
    assert officer_units("bac") == ["huyen-0"]
    assert can_act_as_head(user("bac"), this_year)
