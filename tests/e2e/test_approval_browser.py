"""The approval of bt-1's 2024 proposal in Chromium: the head submits, the province's staff
return Phan Thiết's certificate for supplement, the head answers and resubmits, the staff
approve the flag and downgrade the certificate to a giấy khen, record decision 125/QĐ-LĐLĐ
and publish the honour roll, which a visitor reads; the head follows it all through the
notifications and the proposal page."""

import re

import pytest
from playwright.sync_api import expect

from tests.awards.conftest import approval  # noqa: F401
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TUY_PHONG = "Liên đoàn Lao động huyện Tuy Phong"
PHAN_THIET = "Liên đoàn Lao động thành phố Phan Thiết"
FLAG = "Cờ thi đua của Liên đoàn Lao động tỉnh"
CERTIFICATE = "Bằng khen của Liên đoàn Lao động tỉnh"
GIAY_KHEN = "Giấy khen của Liên đoàn Lao động tỉnh"
RETURN_REASON = "Bổ sung báo cáo thành tích có số liệu đoàn viên."
SUPPLEMENT = "Đã bổ sung báo cáo thành tích kèm số liệu đoàn viên năm 2024."
DOWNGRADE_REASON = "Hết chỉ tiêu Bằng khen của năm."
DECISION = "125/QĐ-LĐLĐ"
INBOX = "Hồ sơ đề nghị khen thưởng chờ xét duyệt"


def log_in(page, base, username):
    """Log in; the login lands on the dashboard (Việc cần làm)."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"{base}/")


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def nomination_card(page, unit):
    """The proposal page's card of the unit's nomination."""
    return page.locator("section.card").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(unit)))
    )


def open_dossier(page, unit):
    """From the proposals inbox (waiting nominations), the dossier of the unit's."""
    expect(page.get_by_role("heading", level=1)).to_have_text(INBOX)
    row = page.locator("#inbox-table tbody tr").filter(has_text=unit)
    row.get_by_role("link", name="Xem hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(unit)


@pytest.fixture
def world(live_server, approval):  # noqa: F811
    return live_server, approval


def test_the_proposal_goes_from_submission_to_the_honour_roll(page, world):
    server, w = world
    base = server.url

    # 1. The head goes from the dashboard to the proposal and submits it.
    log_in(page, base, w.head.username)
    page.get_by_role("link", name="Lập và trình hồ sơ đề nghị").click()
    expect(page).to_have_url(re.compile(r"/awards/bt-1/2024/proposal/$"))
    expect(page.locator("#dossier-gaps")).to_have_class(re.compile("alert-success"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trình hồ sơ đề nghị khen thưởng").click()
    expect(page.locator(".alert-success").first).to_contain_text(
        "Đã trình tờ trình 05/TTr-CTĐ lên đơn vị tổ chức cụm."
    )
    expect(page.locator("#proposal-status")).to_have_text("Đã trình")
    for unit in (TUY_PHONG, PHAN_THIET):
        expect(nomination_card(page, unit).locator(".nomination-status")).to_have_text("Đã trình")
    log_out(page)

    # 2. The staff follow the notification to the inbox and return Phan Thiết's certificate.
    log_in(page, base, w.staff.username)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("a:has(#unread-count)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    page.get_by_role("link").filter(has_text="05/TTr-CTĐ").click()
    open_dossier(page, PHAN_THIET)
    expect(page.locator("#nomination-status")).to_have_text("Đã trình")
    page.locator("#return-reason").fill(RETURN_REASON)
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.locator(".alert-success").first).to_contain_text(
        f"Đã trả lại Cụm trưởng để bổ sung: {PHAN_THIET}"
    )
    expect(page.locator("#nomination-status")).to_have_text("Trả lại để bổ sung")
    log_out(page)

    # 3. The head reads the return by the bell and resubmits.
    log_in(page, base, w.head.username)
    expect(page.locator("#unread-count")).to_have_text("1")
    news = page.locator("section").filter(has=page.get_by_role("heading", name="Thông báo mới"))
    expect(news).to_contain_text(f"{PHAN_THIET} – Bằng khen")
    expect(news).to_contain_text(RETURN_REASON)
    proposals = page.locator("section").filter(
        has=page.get_by_role("heading", name="Đề nghị khen thưởng của cụm bạn làm Cụm trưởng")
    )
    expect(proposals).to_contain_text("1 đề nghị bị trả lại để bổ sung")
    page.get_by_role("link").filter(has_text=RETURN_REASON).click()
    expect(page).to_have_url(re.compile(r"/awards/bt-1/2024/proposal/$"))
    expect(page.locator("#unread-count")).to_have_count(0)
    card = nomination_card(page, PHAN_THIET)
    expect(card.locator(".nomination-status")).to_have_text("Trả lại để bổ sung")
    expect(card.locator(".alert-warning")).to_contain_text(RETURN_REASON)
    expect(nomination_card(page, TUY_PHONG).locator(".nomination-status")).to_have_text("Đã trình")
    card.locator(f"#id_n{w.certificate_nomination.pk}-supplement").fill(SUPPLEMENT)
    card.get_by_role("button", name="Gửi lại cho đơn vị tổ chức cụm").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"Đã gửi lại đề nghị {PHAN_THIET}")
    card = nomination_card(page, PHAN_THIET)
    expect(card.locator(".nomination-status")).to_have_text("Đã trình lại")
    expect(card).to_contain_text(SUPPLEMENT)
    log_out(page)

    # 4. The staff approve the flag, downgrade the certificate and record the decision.
    log_in(page, base, w.staff.username)
    page.goto(f"{base}/awards/register/")
    page.get_by_role("link", name=INBOX).click()
    open_dossier(page, TUY_PHONG)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".alert-success").first).to_contain_text(f"Đã duyệt: {TUY_PHONG}")
    expect(page.locator("#nomination-status")).to_have_text("Đã duyệt")
    page.get_by_label("breadcrumb").get_by_role("link", name=INBOX).click()
    open_dossier(page, PHAN_THIET)
    expect(page.locator("#nomination-status")).to_have_text("Đã trình lại")
    expect(page.locator("#supplement")).to_have_text(SUPPLEMENT)
    page.locator("#downgrade-award_type").select_option(label=GIAY_KHEN)
    page.locator("#downgrade-reason").fill(DOWNGRADE_REASON)
    page.get_by_role("button", name="Duyệt ở mức khen thấp hơn").click()
    expect(page.locator(".alert-success").first).to_contain_text(
        f"Đã duyệt ở mức khen thấp hơn (Giấy khen): {PHAN_THIET}"
    )
    expect(page.locator("#nomination-status")).to_have_text("Duyệt mức khen thấp hơn")

    page.goto(f"{base}/awards/decisions/new/")
    expect(page.locator("#organizer")).to_have_value(w.province.code)
    expect(page.locator("#year")).to_have_value("2024")
    page.locator("#id_number").fill(DECISION)
    page.locator("#id_signed_on").fill("20/01/2025")
    page.locator("#id_signer").fill("Trần Văn Bình")
    for unit in (TUY_PHONG, PHAN_THIET):
        expect(page.get_by_label(unit)).to_be_checked()
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Quyết định số {DECISION} ngày 20/01/2025"
    )
    expect(page.locator(".alert-success").first).to_contain_text(
        "số khen thưởng đã vào Sổ khen thưởng: 2"
    )
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=TUY_PHONG)).to_contain_text(FLAG)
    expect(rows.filter(has_text=PHAN_THIET)).to_contain_text(GIAY_KHEN)

    # 5. The register, and the honour roll published for anyone.
    page.get_by_role("link", name="Khen thưởng", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ khen thưởng")
    rows = page.locator("main table tbody tr")
    expect(rows.filter(has_text=TUY_PHONG)).to_contain_text(FLAG)
    expect(rows.filter(has_text=TUY_PHONG)).to_contain_text(DECISION)
    expect(rows.filter(has_text=PHAN_THIET)).to_contain_text(GIAY_KHEN)
    expect(rows.filter(has_text=PHAN_THIET)).to_contain_text(DECISION)
    page.get_by_role("link", name=f"{w.province.name} – 2024").click()
    expect(page.get_by_role("status")).to_contain_text("Chưa công bố")
    page.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã công bố")
    roll_url = page.url
    assert roll_url.endswith(f"/awards/honour/{w.province.code}/2024/")
    log_out(page)
    page.goto(roll_url)
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng vinh danh")
    for group, unit in ((FLAG, TUY_PHONG), (GIAY_KHEN, PHAN_THIET)):
        section = page.locator("section").filter(has=page.get_by_role("heading", name=group))
        expect(section).to_contain_text(unit)
        expect(section).to_contain_text(DECISION)
    expect(page.get_by_role("heading", name=CERTIFICATE)).to_have_count(0)

    # 6. The head reads the decision and the outcome on the proposal.
    log_in(page, base, w.head.username)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("a:has(#unread-count)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    decided = page.get_by_role("link").filter(has_text=DECISION)
    expect(decided).to_contain_text(TUY_PHONG)
    expect(decided).to_contain_text(PHAN_THIET)
    decided.click()
    expect(page).to_have_url(re.compile(r"/awards/bt-1/2024/proposal/$"))
    expect(page.locator("#unread-count")).to_have_count(0)
    for unit in (TUY_PHONG, PHAN_THIET):
        expect(nomination_card(page, unit).locator(".nomination-status")).to_have_text(
            "Đã khen thưởng"
        )
    expect(nomination_card(page, PHAN_THIET)).to_contain_text(f"→ {GIAY_KHEN}")
    page.get_by_role("link", name="Khen thưởng", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ khen thưởng")
    expect(page.locator("table")).to_contain_text(DECISION)
