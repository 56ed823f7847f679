"""The pickers in Chromium: a unit is found by typing part of its name without diacritics,
only among what the user may choose, and a filter's picker reloads the list when a choice is
made (select2 speaks jQuery; the page's own listeners hear it through static/js/pickers.js)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pickers import pick
from tests.e2e.test_foundation_browser import demo, log_in  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_find_a_parent_without_diacritics_and_only_their_own(page, demo):  # noqa: F811
    base = demo.url
    log_in(page, base, "lamdong")
    page.goto(f"{base}/structure/organizations/new/")
    parent = page.locator("#id_parent")
    # The page holds no list of units: the picker asks the server as one types.
    assert parent.locator("option").count() <= 1
    container = parent.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]")
    container.locator(".select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    # Sóc Trăng's units are Cần Thơ's, not Lâm Đồng's: nothing found.
    search.fill("soc trang")
    expect(page.locator(".select2-results__option").first).to_have_text(
        re.compile("Không tìm thấy")
    )
    page.keyboard.press("Escape")
    pick(parent, "tuy phong", "Công đoàn xã Tuy Phong")
    expect(parent).to_have_value(re.compile(r"^\d+$"))


def test_a_filter_picker_reloads_the_list(page, demo):  # noqa: F811
    base = demo.url
    log_in(page, base, "lamdong")
    page.goto(f"{base}/clusters/briefings/")
    pick(page.locator("#organizer-filter"), "phan thiet", "Liên đoàn Lao động thành phố Phan Thiết")
    expect(page).to_have_url(re.compile(r"organizer=ldld-tp-phan-thiet"))
    expect(page.locator("#briefings")).to_contain_text("27/03/2024")
