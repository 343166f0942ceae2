"""§10/§11 in headless Chromium on the demo data: the graph explorer expands a node and finds a path, the talent
profile draws its collaboration graph, the chain dashboard draws its charts — all without JavaScript errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _series_points(page, selector: str) -> int:
    return page.evaluate(
        """(selector) => {
            const chart = window.echarts && echarts.getInstanceByDom(document.querySelector(selector));
            if (!chart) return -1;
            const series = chart.getOption().series || [];
            return series.length ? (series[0].data || []).length : 0;
        }""",
        selector,
    )


def test_graph_explorer_expands_and_finds_a_path(page, login):
    login(page, "operator")
    page.goto("/graph")
    page.fill("#graph-q", "大学")
    page.click("#graph-search button[type=submit]")
    first = page.locator("#graph-found a").first
    expect(first).to_be_visible()
    university = first.get_attribute("data-node")
    first.click()
    expect(page.locator("#graph-status")).not_to_have_text("…")
    page.wait_for_function("() => echarts.getInstanceByDom(document.querySelector('#graph-canvas'))"
                           ".getOption().series[0].data.length > 1")
    assert _series_points(page, "#graph-canvas") > 1
    # a path from one of the university's patents' other owners (or the patent itself) back to the university
    answer = page.request.get("/api/graph/neighbours", params={"node": university, "types": "patent", "limit": 1}).json()
    patent = answer["nodes"][0]["id"]
    page.fill("#graph-from", patent)
    page.fill("#graph-to", university)
    page.click("#graph-path button[type=submit]")
    expect(page.locator("#graph-path-result")).to_contain_text("→")
    assert page.lingxi_errors == []


def test_talent_profile_and_chain_dashboard(page, login):
    login(page, "enterprise")
    page.goto("/talent")
    page.locator("#talent-output a").first.click()
    expect(page.locator("#talent-network canvas").first).to_be_visible()
    assert _series_points(page, "#talent-network") >= 1
    expect(page.locator("#talent-patents tbody tr").first).to_be_visible()
    page.goto("/graph/dashboard")
    expect(page.locator("#graph-by-year canvas").first).to_be_visible()
    assert _series_points(page, "#graph-by-year") > 0
    assert page.lingxi_errors == []
