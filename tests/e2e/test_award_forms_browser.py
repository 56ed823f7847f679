"""A federation's staff set up the award forms it confers from the defaults of its level,
adjust one, set the year's rules – and never open a page of /admin/. Then the meeting mode on a
tablet held upright (800 px): the menu folds, nothing scrolls sideways."""

import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import AwardKind, AwardRule, AwardType
from clusters.models import OrganizationKind
from clusters.services.meetings import create_review
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.locator("form [type=submit]").last.click()
    expect(page).to_have_url(f"{base}/")


def admin_navigations(page) -> list[str]:
    """Pages of the Django admin the browser opens (its static files, which the pickers load,
    are not pages)."""
    opened = []

    def record(request):
        if request.is_navigation_request() and urlparse(request.url).path.startswith("/admin/"):
            opened.append(request.url)

    page.on("request", record)
    return opened


def test_staff_set_the_award_forms_from_the_defaults(live_server, page):
    province = OrganizationFactory(
        code="ldld-thu-nghiem",
        name="Liên đoàn Lao động tỉnh Thử Nghiệm",
        kind=OrganizationKind.PROVINCIAL,
    )
    OfficerFactory(
        organization=province,
        user=UserFactory(username="thunghiem", first_name="Phạm Thu Hà", password="demo"),
    )
    year = timezone.localdate().year
    base = live_server.url
    opened = admin_navigations(page)
    log_in(page, base, "thunghiem")

    # From the organisation's page to its award forms: nothing yet, the level's proposal.
    page.goto(f"{base}/structure/organizations/ldld-thu-nghiem/")
    page.get_by_role("link", name="Hình thức và quy định khen thưởng").click()
    proposal = page.locator("#proposal")
    expect(proposal).to_contain_text("Cờ thi đua của Liên đoàn Lao động tỉnh Thử Nghiệm")
    expect(proposal).to_contain_text("Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh Thử Nghiệm")
    expect(proposal).to_contain_text("Bằng khen của Liên đoàn Lao động tỉnh Thử Nghiệm")
    expect(proposal).to_contain_text("tối đa 1 mỗi cụm")
    page.get_by_role("button", name="Dùng các hình thức này").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã thiết lập 3 hình thức")
    expect(page.locator("#proposal")).to_have_count(0)

    # The certificate's name as the decision prints it, and one more form: a giấy khen.
    types = page.locator("#types-form")
    types.locator("input[name='types-2-name']").fill(
        "Bằng khen của Ban Chấp hành Liên đoàn Lao động tỉnh Thử Nghiệm"
    )
    types.locator("input[name='types-3-name']").fill(
        "Giấy khen của Liên đoàn Lao động tỉnh Thử Nghiệm"
    )
    types.locator("select[name='types-3-kind']").select_option(AwardKind.GIAY_KHEN)
    types.locator("input[name='types-3-order']").fill("4")
    types.locator("input[name='reason']").fill("Theo Quy chế thi đua, khen thưởng")
    page.get_by_role("button", name="Lưu các hình thức").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã lưu")

    # The year's rules: the excellent flag's quota becomes blocking.
    rules = page.locator("#rules-form")
    flag_row = rules.locator("tr", has=page.locator("option[selected]", has_text="xuất sắc"))
    flag_row.locator("input[type=checkbox][name$='-blocking']").check()
    rules.locator("input[name='reason']").fill("Quy chế năm " + str(year))
    page.get_by_role("button", name="Lưu quy định").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã lưu")

    assert AwardType.objects.filter(organizer=province).count() == 4
    assert AwardType.objects.get(organizer=province, kind=AwardKind.CERTIFICATE).name.startswith(
        "Bằng khen của Ban Chấp hành"
    )
    excellent = AwardRule.objects.get(
        organizer=province, year=year, award_type__kind=AwardKind.EXCELLENT_FLAG
    )
    assert excellent.blocking and excellent.max_count == 2
    assert opened == []


def test_meeting_mode_fits_a_tablet_held_upright(live_server, page):
    province = OrganizationFactory(code="tinh", kind=OrganizationKind.PROVINCIAL)
    units = [
        OrganizationFactory(
            code=f"huyen-{n}", name=f"Liên đoàn Lao động huyện Số {n}", parent=province
        )
        for n in range(1, 9)
    ]
    year = timezone.localdate().year
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=province, code="cum-1"),
        year=year,
        head=units[0],
        members=units,
    )
    OfficerFactory(organization=units[0], user=UserFactory(username="head", password="demo"))
    meeting = create_review(
        cluster_year, by=None, held_on=datetime.date(year, 12, 14), place="Hội trường"
    )
    page.set_viewport_size({"width": 800, "height": 1280})
    base = live_server.url
    log_in(page, base, "head")
    steps = ["attendance", "summary", "ranking", "election", "conclusions", "close"]
    urls = [f"{base}/clusters/cum-1/{year}/meetings/{meeting.pk}/run/{step}/" for step in steps]
    urls += [
        f"{base}/awards/cum-1/{year}/meetings/{meeting.pk}/vote/",
        f"{base}/awards/cum-1/{year}/meetings/{meeting.pk}/nominations/",
    ]
    for url in urls:
        page.goto(url)
        expect(page.locator(".navbar-toggler")).to_be_visible()
        expect(page.locator("#nav")).to_be_hidden()
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (url, widths)
    # The menu opens from its button and its entries stay within the screen.
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav")).to_be_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
