"""End to end in headless Chromium through the §3–§5 areas, as their users would go:
an operator reads the graded catalogue and a patent's value panel; an enterprise engineer opens its demand, runs the
match, reads why a patent ranks and marks it; the inbox shows what was pushed; a regulator reads the KPI dashboard's
charts and drills into a figure, seeing aggregates only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_operator_reads_the_graded_catalogue_and_a_value_panel(page, login):
    login(page, "operator")
    page.goto("/value")
    expect(page.locator("#grade-counts")).to_be_visible()
    # the grade chart is drawn by ECharts from the page's own data (a canvas appears inside the chart element)
    expect(page.locator("#chart-grades canvas")).to_have_count(1)
    rows = page.locator("#catalogue-rows tbody tr")
    expect(rows.first).to_be_visible()
    rows.first.locator("a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/patents/\d+$", page.url), page.url
    # the value panel is loaded into the patent page by htmx: scores per scenario and the breakdown
    expect(page.locator("#value-scores")).to_be_visible()
    page.locator("#valuation-button").click()
    expect(page.locator("#valuation-result")).not_to_be_empty()
    assert page.lingxi_errors == []


def test_enterprise_matches_its_demand_and_gives_feedback(page, login):
    login(page, "enterprise")
    page.goto("/demands")
    page.locator("table a[href^='/demands/']").first.click()
    page.wait_for_load_state()
    demand_id = int(re.search(r"/demands/(\d+)$", page.url).group(1))
    expect(page.locator("#demand-history")).to_be_visible()

    page.goto(f"/matching?demand_id={demand_id}")
    results = page.locator("#match-results article.match")
    expect(results.first).to_be_visible()
    first = results.first
    # every match says why it ranks where it does
    expect(first.locator(".why")).not_to_be_empty()
    patent_id = first.get_attribute("data-patent")
    first.locator("button[data-verdict='not_relevant']").click()
    expect(page.locator(f"#feedback-{patent_id} [role='status']")).to_be_visible()

    # the feedback is kept: ranking the same demand again no longer puts that patent first
    page.goto(f"/matching?demand_id={demand_id}")
    expect(page.locator("#match-results article.match").first).not_to_have_attribute("data-patent", patent_id)
    assert page.lingxi_errors == []


def test_enterprise_inbox_shows_pushed_patents(page, login):
    login(page, "enterprise")
    page.goto("/inbox")
    expect(page.locator("#inbox tbody tr").first).to_be_visible()
    assert page.lingxi_errors == []


def test_regulator_reads_the_kpi_charts_and_drills_into_aggregates(page, login):
    login(page, "regulator")
    page.goto("/kpi/qingluan-2025-2027")  # the demo province's programme
    expect(page.locator("#kpi-table")).to_be_visible()
    expect(page.locator(".kpi-chart canvas").first).to_be_visible()
    page.locator("#kpi-row-1 a.kpi-figure").first.click()
    page.wait_for_load_state()
    # a regulator sees counts by record type, never the enterprises or contracts behind them
    expect(page.locator("#kpi-aggregate-only")).to_be_visible()
    assert page.lingxi_errors == []
