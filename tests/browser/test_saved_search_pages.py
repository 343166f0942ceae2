"""End to end in headless Chromium: an operator runs a search, saves it as 已保存检索 from the search page, finds it
on 我的检索 beside the demo's saved searches, and opens the navigation page with its `saved:ID` scope filled in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_operator_saves_a_search_and_sees_it_listed(page, login):
    login(page, "operator")
    page.goto("/patents")
    page.locator("#search-form input[name=q]").fill("TI=(电池)")
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#result-count")).to_be_visible()
    form = page.locator("#save-search-form")
    form.locator("input[name=name]").fill("浏览器保存的电池检索")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/saved-searches" in page.url, page.url
    expect(page.locator("#saved-created")).to_be_visible()
    row = page.locator("#saved-searches tbody tr", has_text="浏览器保存的电池检索")
    expect(row).to_have_count(1)
    expect(page.locator("#saved-searches tbody tr", has_text="钙钛矿/叠层光伏电池")).to_have_count(1)  # the demo's
    saved_id = row.get_attribute("data-saved-id")
    row.locator("a.saved-navigate").click()
    page.wait_for_load_state()
    expect(page.locator("#navigation-form input[name=scope]")).to_have_value(f"saved:{saved_id}")
    # running it again from the list shows its results under its name
    page.goto("/saved-searches")
    page.locator("#saved-searches tbody tr", has_text="浏览器保存的电池检索").locator("a.saved-run").click()
    page.wait_for_load_state()
    expect(page.locator("#saved-search-banner")).to_contain_text("浏览器保存的电池检索")
    assert re.search(r"[1-9]", page.locator("#result-count").inner_text())
    assert page.lingxi_errors == []
