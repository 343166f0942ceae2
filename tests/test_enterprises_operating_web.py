"""Operating figures, patent-product filings and cultivated platforms through the web platform: the REST API's
permission answers (401/403/422/409), the enterprise file's sections and forms (CSRF, refused input shown again), the
operators' platform page and the Excel import of yearly figures. One server for the whole module."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import httpx
import pytest
from openpyxl import Workbook
from serving import api_client, browser_session, csrf_of, running_server
from sqlalchemy import select

from lingxi.accounts.principal import SYSTEM
from lingxi.db import open_database
from lingxi.db.models import Organisation
from lingxi.demo.accounts import ensure_demo_accounts
from lingxi.enterprises.files import update_enterprise
from lingxi.kpi.programmes import install_templates


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("operating-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    ensure_demo_accounts(db)
    with db.sessions() as session, session.begin():
        for name in ("青峦睿光新能源科技有限公司", "云川晶硅科技有限公司"):
            organisation = session.scalar(select(Organisation).where(Organisation.name == name))
            update_enterprise(session, SYSTEM, organisation.id, {"size_class": "small"})
        install_templates(session, SYSTEM)
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def _ids(client: httpx.Client) -> tuple[int, int]:
    items = client.get("/api/enterprises", params={"page_size": 50}).json()["items"]
    named = {e["name"]: e["id"] for e in items}
    return named["青峦睿光新能源科技有限公司"], named["云川晶硅科技有限公司"]


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_api_answers_by_role(platform):
    operator, enterprise, regulator, supplier = (api_client(platform, u)
                                                 for u in ("operator", "enterprise", "regulator", "supplier"))
    mine, other = _ids(operator)
    assert httpx.get(f"{platform}/api/enterprises/{mine}/operating-years").status_code == 401
    saved = enterprise.put(f"/api/enterprises/{mine}/operating-years",
                           json={"year": 2025, "revenue_yuan": "1.2亿", "employees": 210})
    assert saved.status_code == 200 and saved.json()["created"] and saved.json()["revenue_yuan"] == "120000000.00"
    again = enterprise.put(f"/api/enterprises/{mine}/operating-years", json={"year": 2025, "employees": 220})
    assert not again.json()["created"] and again.json()["revenue_yuan"] == "120000000.00"
    assert [r["employees"] for r in enterprise.get(f"/api/enterprises/{mine}/operating-years").json()] == [220]
    assert enterprise.put(f"/api/enterprises/{other}/operating-years",
                          json={"year": 2025, "employees": 1}).status_code == 403
    assert enterprise.get(f"/api/enterprises/{other}/operating-years").status_code == 403
    assert supplier.get(f"/api/enterprises/{mine}/operating-years").status_code == 403
    assert regulator.get(f"/api/enterprises/{mine}/operating-years").status_code == 403
    bad = enterprise.put(f"/api/enterprises/{mine}/operating-years", json={"year": 2025, "revenue_yuan": "很多"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "revenue_yuan"

    filing = {"product_name": "TOPCon 电池片", "patent_numbers": "CN1000001A；CN1000002B", "filed_on": "2025-04-01",
              "filing_number": "WEB-BA-1", "authority": "国家专利产品备案系统"}
    created = enterprise.post(f"/api/enterprises/{mine}/product-filings", json=filing)
    assert created.status_code == 201 and created.json()["patent_numbers"] == ["CN1000001A", "CN1000002B"]
    assert enterprise.post(f"/api/enterprises/{mine}/product-filings", json=filing).status_code == 409
    assert enterprise.post(f"/api/enterprises/{other}/product-filings", json=filing).status_code == 403
    revoked = operator.patch(f"/api/product-filings/{created.json()['id']}", json={"status": "已撤销"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"

    platform_values = {"name": "陕西知识产权运营中心", "kind": "operation_centre", "province": "陕西省", "city": "西安市",
                       "recognised_on": "2021-06-01", "evidence": "陕知发〔2021〕3号"}
    for client in (enterprise, regulator, supplier):
        assert client.post("/api/cultivated-platforms", json=platform_values).status_code == 403
        assert client.get("/api/cultivated-platforms").status_code == 403
    missing = operator.post("/api/cultivated-platforms", json={**platform_values, "evidence": " "})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "evidence"
    added = operator.post("/api/cultivated-platforms", json=platform_values)
    assert added.status_code == 201
    assert operator.get("/api/cultivated-platforms").json()["total"] == 1

    # Excel import: operators only; good rows kept, bad rows named by row and reason
    data = _xlsx([["企业名称", "年度", "营业收入", "从业人数"], ["云川晶硅科技有限公司", 2025, "3000万", 80],
                  ["不存在有限公司", 2025, 1, 1], ["云川晶硅科技有限公司", 2024, -5, 70]])
    assert enterprise.post("/api/enterprise-operating-years/import",
                           files={"file": ("y.xlsx", data)}).status_code == 403
    report = operator.post("/api/enterprise-operating-years/import", files={"file": ("y.xlsx", data)}).json()
    assert report["created"] == 1 and [(p["row"], p["field"]) for p in report["problems"]] == [
        (3, "name"), (4, "revenue_yuan")]

    # the Shaanxi indicator 13 now counts that record; the regulator reads it only as an aggregate
    drill = regulator.get("/api/kpi/programmes/shaanxi-2021-2023/indicators/13/2021")
    assert drill.status_code == 200 and drill.json()["records_hidden"] and "records" not in drill.json()
    assert drill.json()["computed"] == 1 and drill.json()["counts"] == {"platform": 1}
    opened = operator.get("/api/kpi/programmes/shaanxi-2021-2023/indicators/13/2021").json()
    assert [r["id"] for r in opened["records"]["platform"]] == [added.json()["id"]]


def test_file_sections_and_forms(platform):
    browser = browser_session(platform, "enterprise")
    mine, other = _ids(api_client(platform, "operator"))
    chinese = browser.get(f"/enterprises/{mine}", params={"lang": "zh"})
    english = browser.get(f"/enterprises/{mine}", params={"lang": "en"})
    assert chinese.status_code == english.status_code == 200
    assert "年度经营数据" in chinese.text and "专利产品备案" in chinese.text
    assert "Yearly operating figures" in english.text and "Patent-product filings" in english.text
    token = csrf_of(chinese.text)
    assert browser.post(f"/enterprises/{mine}/operating-years", data={"year": "2024", "employees": "5"}).status_code \
        == 403  # no CSRF token
    saved = browser.post(f"/enterprises/{mine}/operating-years",
                         data={"csrf_token": token, "year": "2024", "revenue_yuan": "8000万", "employees": "190"})
    assert saved.status_code == 303
    page = browser.get(f"/enterprises/{mine}").text
    assert 'data-year="2024"' in page and "¥80,000,000.00" in page
    refused = browser.post(f"/enterprises/{mine}/operating-years",
                           data={"csrf_token": token, "year": "2024", "revenue_yuan": "100",
                                 "patent_revenue_yuan": "500"})
    assert refused.status_code == 422 and "patent_revenue_yuan" in refused.text
    filed = browser.post(f"/enterprises/{mine}/product-filings", data={
        "csrf_token": token, "product_name": "页面备案产品", "patent_numbers": "CN1000003A", "filed_on": "2025-08-08",
        "filing_number": "", "authority": "国家专利产品备案系统", "status": "valid"})
    assert filed.status_code == 303 and "页面备案产品" in browser.get(f"/enterprises/{mine}").text
    assert browser.post(f"/enterprises/{other}/product-filings", data={
        "csrf_token": token, "product_name": "x", "patent_numbers": "CN1A", "filed_on": "2025-01-01"}).status_code \
        == 403
    assert browser.get("/cultivated-platforms").status_code == 403

    operator = browser_session(platform, "operator")
    page = operator.get("/cultivated-platforms", params={"lang": "zh"})
    assert page.status_code == 200 and 'id="platform-form"' in page.text
    op_token = csrf_of(page.text)
    refused = operator.post("/cultivated-platforms", data={
        "csrf_token": op_token, "name": "无证明的平台", "kind": "service_agency", "recognised_on": "2025-01-01",
        "evidence": ""})
    assert refused.status_code == 422 and "evidence" in refused.text and "无证明的平台" in refused.text
    added = operator.post("/cultivated-platforms", data={
        "csrf_token": op_token, "name": "页面登记服务机构", "kind": "service_agency", "province": "青峦",
        "recognised_on": "2025-02-02", "evidence": "验收报告 2025-02", "organisation_id": ""})
    assert added.status_code == 303
    listing = operator.get("/cultivated-platforms").text
    platform_id = listing.split('data-platform="')[1].split('"')[0]
    revoked = operator.post(f"/cultivated-platforms/{platform_id}/revoke",
                            data={"csrf_token": op_token, "note": "复核不合格"})
    assert revoked.status_code == 303
    assert 'data-status="revoked"' in operator.get("/cultivated-platforms", params={"lang": "en"}).text


def test_cli_imports_figures_with_json_report(home, tmp_path):
    source = tmp_path / "figures.xlsx"
    source.write_bytes(_xlsx([["年度经营数据（演示）"], ["统一社会信用代码", "企业名称", "年度", "营业收入", "从业人数"],
                              [None, "青峦睿光新能源科技有限公司", 2023, "6000万", 150],
                              [None, "青峦睿光新能源科技有限公司", 2023, "6100万", 151]]))
    done = subprocess.run([sys.executable, "-m", "lingxi.cli", "enterprises", "import-figures", str(source),
                           "--home", str(home), "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["created"] == 1 and report["problems"][0]["row"] == 4 and report["problems"][0]["field"] == "year"
