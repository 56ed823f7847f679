"""Choosing in a picker (select2 through django-autocomplete-light) as a user does: open it,
type part of the name – without diacritics if one likes –, click the result."""

from playwright.sync_api import Locator, expect


def pick(select: Locator, typed: str, result: str | None = None) -> None:
    """Choose in the picker of `select` (the hidden <select>) the result showing `result`
    (default: `typed`), found by typing `typed`."""
    page = select.page
    container = select.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]")
    container.locator(".select2-selection").click()
    search = page.locator(
        ".select2-container--open .select2-search__field, "
        ".select2-container--focus .select2-search--inline .select2-search__field"
    ).first
    search.fill(typed)
    option = page.locator(
        ".select2-results__option:not(.loading-results)", has_text=result or typed
    ).first
    expect(option).to_be_visible()
    option.click()
    # The choice is the <select>'s own: what the form posts.
    expect(select.locator("option:checked", has_text=result or typed).first).to_be_attached()
