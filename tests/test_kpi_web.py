"""§12 through the web platform and the CLI: the KPI API (401/403/409/422), the dashboard with status colours and
charts in Chinese and English, drill-down (records for operators, aggregates only for regulators), manual adjustments
through a CSRF form, the Excel export, and `lingxi kpi …` with --json / --xlsx. One server for the module, on the
demo province with the enterprise, market and KPI demo data."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import httpx
import pytest
from openpyxl import load_workbook
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.enterprises.demo import seed_demo as seed_enterprises
from lingxi.kpi.demo import seed_demo as seed_kpi
from lingxi.market.demo import seed_demo as seed_market

YEAR = dt.date.today().year  # the market demo's deals are signed in the months before today
KEY = "web-test"
PROGRAMME = f"""
key: {KEY}
name: 青峦测试计划
region: {{level: province, province: 青峦省}}
years: [{YEAR - 1}, {YEAR + 1}]
indicators:
  - {{key: "1", name_zh: 中小微企业受让专利数量, unit: 件, computation: sme_received_patents,
     target: {{kind: yearly, values: {{{YEAR}: 2}}}}}}
  - {{key: "amount", name_zh: 合同金额, unit: 万元, computation: sme_contract_amount, target: {{kind: growth, min: 30}}}}
  - {{key: "revenue", name_zh: 营业收入, unit: 亿元, computation: sme_revenue, params: {{modes: [equity]}},
     target: {{kind: growth, min: 20}}}}
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("kpi-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    seed_enterprises(db)
    seed_market(db)
    seed_kpi(db)
    seed_kpi(db)  # idempotent
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        operator = api_client(base, "operator")
        created = operator.post("/api/kpi/programmes", content=PROGRAMME.encode(),
                                headers={"Content-Type": "text/yaml"})
        assert created.status_code == 201, created.text
        yield base


def test_api_needs_credentials_and_operators_manage(platform):
    assert httpx.get(platform + "/api/kpi/programmes").status_code == 401
    regulator = api_client(platform, "regulator")
    keys = [p["key"] for p in regulator.get("/api/kpi/programmes").json()]
    assert {"shaanxi-2021-2023", "qingluan-2025-2027", KEY} <= set(keys)
    assert regulator.post("/api/kpi/programmes", content=PROGRAMME.encode()).status_code == 403
    adjust = {"indicator": "1", "year": YEAR, "delta": 1, "reason": "x"}
    assert regulator.post(f"/api/kpi/programmes/{KEY}/adjustments", json=adjust).status_code == 403
    operator = api_client(platform, "operator")
    again = operator.post("/api/kpi/programmes", content=PROGRAMME.encode())
    assert again.status_code == 409
    broken = operator.post("/api/kpi/programmes", content=PROGRAMME.replace("sme_revenue", "revenue_x").encode())
    assert broken.status_code == 422 and "indicator 3 (revenue): unknown computation 'revenue_x'" in broken.text


def test_report_computes_from_the_demo_deals_and_says_no_data(platform):
    regulator, operator = api_client(platform, "regulator"), api_client(platform, "operator")
    report = regulator.get(f"/api/kpi/programmes/{KEY}", params={"year": YEAR}).json()
    patents, amount, revenue = report["indicators"]
    row = patents["years"][0]
    assert row["year"] == YEAR and row["target"] == 2 and row["actual"] >= 1
    assert row["status"] in ("met", "on_track", "behind")
    # no demo SME received a patent by equity: no SME benefiting, so no revenue to add up — no data, not 0
    assert revenue["years"][0]["actual"] is None and revenue["years"][0]["status"] == "no_data"
    # the demo programme's SME revenue comes from the demo enterprises' yearly operating figures
    demo = regulator.get("/api/kpi/programmes/qingluan-2025-2027", params={"year": YEAR}).json()
    demo_revenue = next(i for i in demo["indicators"] if i["computation"] == "sme_revenue")["years"][0]
    assert demo_revenue["actual"] > 0 and demo_revenue["record_count"] >= 1
    counted = regulator.get(f"/api/kpi/programmes/qingluan-2025-2027/indicators/revenue/{YEAR}").json()
    assert counted["counts"] == {"operating_year": demo_revenue["record_count"]} and counted["records_hidden"]
    # operators open the figure down to the deals; the deals add up to the figure
    drill = operator.get(f"/api/kpi/programmes/{KEY}/indicators/1/{YEAR}").json()
    deals = drill["records"]["deal"]
    assert sum(d["patents"] for d in deals) == row["actual"] and len(deals) == row["record_count"]
    money = operator.get(f"/api/kpi/programmes/{KEY}/indicators/amount/{YEAR}").json()
    total = sum(float(d["contract_amount_yuan"] or 0) for d in money["records"]["deal"]) / 10_000
    assert money["computed"] == pytest.approx(total) == pytest.approx(amount["years"][0]["actual"])
    # regulators: aggregates only, no company and no contract
    hidden = regulator.get(f"/api/kpi/programmes/{KEY}/indicators/1/{YEAR}").json()
    assert hidden["records_hidden"] is True and "records" not in hidden
    assert hidden["counts"] == {"deal": len(deals)} and deals[0]["counterparty"] not in json.dumps(hidden)
    assert regulator.get(f"/api/kpi/programmes/{KEY}/indicators/nope/{YEAR}").status_code == 404
    assert regulator.get(f"/api/kpi/programmes/{KEY}", params={"year": 1999}).status_code == 422


def test_dashboard_pages_with_status_colours_charts_and_drill_down(platform):
    regulator = browser_session(platform, "regulator")
    index = regulator.get("/kpi")
    assert index.status_code == 200 and "陕西省专利转化专项计划" in index.text and 'id="kpi-upload"' not in index.text
    page = regulator.get(f"/kpi/{KEY}")
    assert page.status_code == 200 and 'id="kpi-table"' in page.text
    assert 'class="kpi-status kpi-no_data"' in page.text and "无数据" in page.text
    assert 'id="kpi-chart-1"' in page.text and "/static/kpi.js" in page.text
    assert 'id="kpi-chart-revenue"' not in page.text  # nothing to draw
    charts = json.loads(page.text.split('id="kpi-data">')[1].split("</script>")[0])
    assert charts["1"]["years"] == [YEAR - 1, YEAR, YEAR + 1] and charts["1"]["target"][1] == 2
    assert regulator.get("/static/kpi.js").status_code == 200
    filtered = regulator.get(f"/kpi/{KEY}", params={"year": "", "city": ""})  # the filter form's "all years"
    assert filtered.status_code == 200 and f"<th>{YEAR + 1}</th>" in filtered.text
    one_year = regulator.get(f"/kpi/{KEY}", params={"year": YEAR, "city": "云川"})
    assert f"<th>{YEAR + 1}</th>" not in one_year.text and 'id="kpi-city-note"' in one_year.text
    english = regulator.get(f"/kpi/{KEY}?lang=en")
    assert "Indicator" in english.text and "No data" in english.text
    assert "(10k yuan)</h3>" in english.text and "（万元）" not in english.text  # units in the page's language
    assert "（万元）</h3>" in page.text
    drill = regulator.get(f"/kpi/{KEY}/1/{YEAR}")
    assert 'id="kpi-aggregate-only"' in drill.text and 'id="kpi-records-deal"' not in drill.text
    operator = browser_session(platform, "operator")
    drill = operator.get(f"/kpi/{KEY}/1/{YEAR}")
    assert 'id="kpi-records-deal"' in drill.text and "/market/deals/" in drill.text
    shaanxi = operator.get("/kpi/shaanxi-2021-2023")
    assert shaanxi.status_code == 200 and "≥ 1200" in shaanxi.text and "年均增长 ≥ 30%" in shaanxi.text


def test_adjustment_through_the_page_is_kept_beside_the_computed_value(platform):
    operator = browser_session(platform, "operator")
    drill = operator.get(f"/kpi/{KEY}/1/{YEAR - 1}")
    url = f"/kpi/{KEY}/1/{YEAR - 1}/adjustments"
    refused = operator.post(url, data={"delta": "3", "reason": "", "csrf_token": csrf_of(drill.text)})
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    assert operator.post(url, data={"delta": "3", "reason": "线下登记"}).status_code == 403  # no CSRF token
    done = operator.post(url, data={"delta": "3", "reason": "线下登记的 3 件", "csrf_token": csrf_of(drill.text)})
    assert done.status_code == 303
    row = api_client(platform, "operator").get(f"/api/kpi/programmes/{KEY}",
                                               params={"year": YEAR - 1}).json()["indicators"][0]["years"][0]
    assert row["adjustment"] == 3 and row["actual"] == row["computed"] + 3
    assert row["adjustments"][0]["reason"] == "线下登记的 3 件" and row["adjustments"][0]["author"] == "operator"
    assert "线下登记的 3 件" in operator.get(f"/kpi/{KEY}/1/{YEAR - 1}").text


def test_excel_export_from_the_page_and_the_api(platform):
    regulator = browser_session(platform, "regulator")
    answer = regulator.get("/kpi/shaanxi-2021-2023.xlsx")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(answer.content))["绩效目标分解表"]
    assert sheet["B3"].value == "工作指标" and sheet.cell(5, 4).value == "≥ 1200"
    api = api_client(platform, "regulator").get(f"/api/kpi/programmes/{KEY}/report.xlsx")
    assert api.status_code == 200
    sheet = load_workbook(io.BytesIO(api.content))["绩效目标分解表"]
    assert [sheet.cell(r, 2).value for r in range(5, 8)] == ["中小微企业受让专利数量", "合同金额", "营业收入"]
    assert sheet.cell(7, 5).value == "无数据"


def _cli(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lingxi.cli", "kpi", *args, "--home", str(home)],
                          check=False, capture_output=True, text=True, timeout=300)


def test_cli_programmes_report_json_and_xlsx(home, tmp_path):
    listed = _cli(home, "programmes", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "shaanxi-2021-2023" in [p["key"] for p in json.loads(listed.stdout)]
    result = _cli(home, "report", "--programme", "qingluan-2025-2027", "--year", "2026", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["years"] == [2026] and data["indicators"][0]["years"][0]["year"] == 2026
    by_name = _cli(home, "report", "--programme", "陕西省专利转化专项计划（2021—2023年）", "--json")
    assert json.loads(by_name.stdout)["programme"]["key"] == "shaanxi-2021-2023"
    target = tmp_path / "kpi.xlsx"
    assert _cli(home, "report", "--programme", "shaanxi-2021-2023", "--xlsx", str(target)).returncode == 0
    assert load_workbook(target)["绩效目标分解表"]["A3"].value == "序号"
    missing = _cli(home, "report", "--programme", "nope", "--json")
    assert missing.returncode == 2 and "no programme 'nope'" in missing.stderr


def test_operator_creates_a_programme_on_the_page_and_the_cli_imports_adjusts_and_drills(platform, home, tmp_path):
    operator = browser_session(platform, "operator")
    index = operator.get("/kpi")
    assert 'id="kpi-upload"' in index.text
    text = PROGRAMME.replace(f"key: {KEY}", "key: page-made")
    made = operator.post("/kpi/programmes", data={"yaml": text, "csrf_token": csrf_of(index.text)})
    assert made.status_code == 303 and made.headers["location"] == "/kpi/page-made"
    bad = operator.post("/kpi/programmes", data={"yaml": "key: x\n", "csrf_token": csrf_of(index.text)})
    assert "error=" in bad.headers["location"]
    assert "name is required" in operator.get(bad.headers["location"]).text
    path = tmp_path / "cli.yaml"
    path.write_text(PROGRAMME.replace(f"key: {KEY}", "key: cli-made"), encoding="utf-8")
    assert _cli(home, "import", str(path), "--json").returncode == 0
    refused = _cli(home, "import", str(path))
    assert refused.returncode == 2 and "exists already" in refused.stderr
    assert _cli(home, "adjust", "cli-made", "1", "--year", str(YEAR), "--delta", "2", "--reason", "补录").returncode == 0
    shown = json.loads(_cli(home, "show", "cli-made", "--year", str(YEAR), "--json").stdout)
    row = shown["indicators"][0]["years"][0]
    assert row["adjustment"] == 2 and row["actual"] == row["computed"] + 2
    drill = json.loads(_cli(home, "drill", "cli-made", "1", "--year", str(YEAR), "--json").stdout)
    assert len(drill["records"]["deal"]) == row["record_count"]
