"""End to end in headless Chromium: login, language, dashboard charts, search → detail, an import, logout."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROLES = ("admin", "operator", "supplier", "enterprise", "broker", "financier", "regulator")  # demo accounts
CHARTS = ("#chart-year", "#chart-type", "#chart-applicant-type", "#chart-region")
# A term the fictional demo province has many titles and abstracts for (光伏 chain).
SEARCH_TERM = "光伏"


def test_unauthenticated_visit_goes_to_login(page, live_server):
    page.goto("/")
    assert urlsplit(page.url).path == "/login"
    expect(page.locator("#login-form")).to_be_visible()


@pytest.mark.parametrize("role", ROLES)
def test_login_every_demo_role(page, login, role):
    login(page, role)
    expect(page.locator("#logout")).to_have_count(1)
    assert page.lingxi_errors == []


def test_login_wrong_password_is_refused(page, submit_login):
    submit_login(page, "operator", "not-the-password")
    assert urlsplit(page.url).path == "/login"
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#logout")).to_have_count(0)
    # the session was not opened: the dashboard still sends us back to the login page
    page.goto("/")
    assert urlsplit(page.url).path == "/login"


def test_language_switch(page, login):
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")  # Simplified Chinese by default
    page.goto("/login?lang=en")
    expect(html).to_have_attribute("lang", "en")
    # the choice is kept in a cookie: it holds on the next page and after logging in
    login(page, "operator")
    expect(html).to_have_attribute("lang", "en")
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "zh-CN")
    page.goto("/patents?q=" + SEARCH_TERM)
    expect(html).to_have_attribute("lang", "zh-CN")
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "en")
    # switching language keeps the page the user is on, query included
    assert urlsplit(page.url).path == "/patents" and parse_qs(urlsplit(page.url).query).get("q") == [SEARCH_TERM]


def test_dashboard_charts_are_drawn(page, login, live_server):
    login(page, "operator")
    for chart in CHARTS:
        expect(page.locator(f"{chart} canvas").first).to_be_visible()
        # drawn from real data, not an empty frame: the chart's first series has points
        points = page.evaluate(
            """(selector) => {
                const chart = window.echarts && echarts.getInstanceByDom(document.querySelector(selector));
                if (!chart) return -1;
                const series = chart.getOption().series || [];
                return series.length ? (series[0].data || []).length : 0;
            }""",
            chart,
        )
        assert points > 0, f"{chart}: ECharts instance without data ({points})"
    expect(page.locator("#recent-imports tr").nth(1)).to_be_visible()  # a header and the demo import at least
    # the vendored builds of package-lock.json are the ones running: ECharts 6, htmx 2
    versions = page.evaluate("() => [window.echarts && echarts.version, window.htmx && htmx.version]")
    assert versions[0].startswith("6.") and versions[1].startswith("2."), versions
    assert page.lingxi_errors == []
    # every script, style and data call came from the platform itself, never a CDN
    foreign = [url for url in page.lingxi_requests if not url.startswith(live_server) and not url.startswith("data:")]
    assert foreign == []


def test_search_then_patent_detail(page, login):
    login(page, "operator")
    page.goto("/patents?q=" + SEARCH_TERM)
    links = page.locator('#results a[href^="/patents/"]')
    expect(links.first).to_be_visible()
    assert links.count() >= 5  # the demo data has hundreds of 光伏 patents
    href = links.first.get_attribute("href")
    links.first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == href
    expect(page.locator("#patent-title")).not_to_be_empty()
    for section in ("#parties", "#classifications", "#legal-events", "#citations"):
        expect(page.locator(section)).to_be_visible()
    assert page.lingxi_errors == []


@pytest.fixture
def cnki_file_with_one_bad_row(shared_data, tmp_path):
    """The real CNKI export (33 patents) plus one copied row whose title was blanked: 33 accepted, 1 rejected."""
    source = shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    bad = list(rows[1])
    bad[rows[0].index("title")] = ""
    out = io.StringIO()
    csv.writer(out).writerows([*rows, bad])
    path = tmp_path / "cnki_materials_one_bad_row.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, len(rows) - 1


def test_import_with_progress_and_rejection_report(page, login, cnki_file_with_one_bad_row, tmp_path):
    path, good_rows = cnki_file_with_one_bad_row
    login(page, "operator")
    page.goto("/imports")
    form = page.locator("#import-form")
    form.locator('input[name="file"]').set_input_files(str(path))
    form.locator('[type="submit"]').click()
    progress = page.locator("#import-progress")
    expect(progress).to_be_visible()
    # HTMX polls the job until it finishes; the finished fragment carries the counts and the report link
    download_link = page.locator("#rejections-download")
    expect(download_link).to_be_visible(timeout=60_000)
    text = progress.inner_text()
    assert str(good_rows) in text and "1" in text, text
    with page.expect_download() as download_info:
        download_link.click()
    saved = tmp_path / "rejections.csv"
    download_info.value.save_as(saved)
    report = saved.read_text(encoding="utf-8-sig")
    assert "no title" in report and path.name in report, report
    assert page.lingxi_errors == []


def test_logout(page, login):
    login(page, "operator")
    logout = page.locator("#logout")
    # the contract: a POST form in the header; #logout is the form or its button
    if logout.evaluate("element => element.tagName") == "FORM":
        logout = logout.locator('[type="submit"]')
    with page.expect_navigation():
        logout.click()
    page.goto("/")
    assert urlsplit(page.url).path == "/login"
    expect(page.locator("#logout")).to_have_count(0)
