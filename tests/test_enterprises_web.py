"""§4 through the web platform and the CLI: the REST API (401/403/404/409/422), the pages in Chinese and English
with their forms, Excel uploads, and `lingxi enterprises …` with --json. One server for the whole module."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import httpx
import pytest
from openpyxl import Workbook
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.enterprises.demo import seed_demo
from lingxi.market.demo import seed_demo as seed_market_demo
from lingxi.tagging.jobs import run_tagging


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("enterprises-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    run_tagging(db, ["chain_pv", "chain_h2", "chain_ev"], annotations=False)
    seed_demo(db)
    seed_market_demo(db)  # deals with 青峦睿光 as counterparty, for the file's deals section
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def own_id(client: httpx.Client) -> int:
    return next(e["id"] for e in client.get("/api/enterprises", params={"name": "青峦睿光"}).json()["items"])


def test_api_needs_credentials_and_the_right_role(platform):
    for method, path in (("GET", "/api/enterprises"), ("GET", "/api/demands"), ("POST", "/api/demands"),
                         ("GET", "/api/enterprises/1"), ("POST", "/api/enterprises/1/mine")):
        answer = httpx.request(method, platform + path, json={})
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_authenticated"
    regulator, enterprise, supplier = (api_client(platform, u) for u in ("regulator", "enterprise", "supplier"))
    assert regulator.get("/api/enterprises").status_code == 403
    assert regulator.get("/api/demands").status_code == 403
    stats = regulator.get("/api/demands/stats")
    assert stats.status_code == 200 and stats.json()["total"] >= 14
    mine = own_id(enterprise)
    other = next(e["id"] for e in enterprise.get("/api/enterprises", params={"name": "云川晶硅"}).json()["items"])
    assert enterprise.get(f"/api/enterprises/{mine}").json()["credit_code"]
    assert enterprise.get(f"/api/enterprises/{other}").status_code == 403
    assert supplier.get(f"/api/enterprises/{mine}").status_code == 403
    profile = supplier.get(f"/api/enterprises/{mine}/profile").json()
    assert profile["products"] and "credit_code" not in profile
    assert enterprise.post(f"/api/enterprises/{mine}/mine").status_code == 403
    assert enterprise.post("/api/enterprises/import", files={"file": ("e.xlsx", xlsx([["企业名称"]]))}).status_code == 403
    assert supplier.post("/api/demands", json={"title": "供给方不能发需求"}).status_code == 403
    assert enterprise.post("/api/demands", json={"title": "x", "organisation_id": other}).status_code == 403
    assert enterprise.patch(f"/api/enterprises/{mine}", json={"name": "改名"}).status_code == 403
    assert enterprise.patch(f"/api/enterprises/{mine}", json={"risk_indicators": {}}).status_code == 403
    bad_code = enterprise.patch(f"/api/enterprises/{mine}", json={"credit_code": "91350100M000100Y4"})
    assert bad_code.status_code == 422 and bad_code.json()["error"]["field"] == "credit_code"
    links = api_client(platform, "operator").get(f"/api/enterprises/{mine}/links").json()
    assert enterprise.post(f"/api/enterprise-links/{links[0]['id']}", json={"decision": "reject"}).status_code == 403


def test_demand_api_round_trip_with_status_history_and_errors(platform):
    enterprise, operator, broker = (api_client(platform, u) for u in ("enterprise", "operator", "broker"))
    created = enterprise.post("/api/demands", json={
        "title": "光伏组件抗PID封装胶膜", "description": "希望封装胶膜在96小时PID测试后功率衰减小于2%",
        "technical_indicators": [{"name": "PID衰减", "value": "<2", "unit": "%"}], "trl_min": 5, "trl_max": 7,
        "budget_min": "30万", "budget_max": 800000, "preferred_mode": "licence", "deadline": "2027-06-30",
        "confidentiality": "operators"})
    assert created.status_code == 201, created.text
    demand = created.json()
    assert demand["chain_taxonomy"] == "chain_pv" and demand["chain_node_auto"] and demand["budget_min"] == 300_000
    assert broker.get(f"/api/demands/{demand['id']}").status_code == 404  # operators-only: not even its existence
    assert operator.get(f"/api/demands/{demand['id']}").status_code == 200
    bad = enterprise.post(f"/api/demands/{demand['id']}/status", json={"status": "solved"})
    assert bad.status_code == 409 and "allowed" in bad.json()["error"]["message"]
    matched = operator.post(f"/api/demands/{demand['id']}/status", json={"status": "matched", "reason": "3 件候选"})
    assert matched.status_code == 200
    history = enterprise.get(f"/api/demands/{demand['id']}").json()["history"]
    assert [h["to_status"] for h in history] == ["new", "matched"] and history[1]["actor"] == "operator"
    invalid = enterprise.patch(f"/api/demands/{demand['id']}", json={"preferred_mode": "barter"})
    assert invalid.status_code == 422 and invalid.json()["error"]["field"] == "preferred_mode"
    assert enterprise.patch(f"/api/demands/{demand['id']}", json={"colour": "red"}).status_code == 422
    page = enterprise.get("/api/demands", params={"status": "matched", "page_size": 5}).json()
    assert {"items", "total", "page", "page_size", "pages"} <= set(page) and page["page_size"] == 5
    assert all(d["status"] == "matched" for d in page["items"])
    assert enterprise.get("/api/demands", params={"page_size": 500}).status_code == 422


def test_enterprise_import_mining_and_link_confirmation_through_the_api(platform):
    operator = api_client(platform, "operator")
    report = operator.post("/api/enterprises/import", files={"file": ("e.xlsx", xlsx([
        ["企业名称", "统一社会信用代码", "城市", "行业代码", "企业规模"],
        ["青峦接口测试有限公司", "91350100M000100Y43", "青峦市", "3825", "小型"],
        ["青峦接口测试二有限公司", "91350100M000100Y44", "青峦市", "3825", "小型"]]))})
    assert report.status_code == 200
    body = report.json()
    assert body["created"] == 1 and body["problems"][0]["row"] == 3 and body["problems"][0]["field"] == "credit_code"
    jinggui = next(e["id"] for e in operator.get("/api/enterprises", params={"name": "云川晶硅"}).json()["items"])
    drafts = operator.post(f"/api/enterprises/{jinggui}/mine").json()
    assert drafts and all(d["status"] == "draft" and d["origin"] == "mined" for d in drafts)
    listed = operator.get("/api/demands", params={"drafts": "true", "organisation_id": jinggui}).json()["items"]
    assert {d["id"] for d in drafts} <= {d["id"] for d in listed}
    assert operator.post(f"/api/demands/{drafts[0]['id']}/confirm").json()["status"] == "new"
    patents = operator.get(f"/api/enterprises/{jinggui}/patents").json()
    assert patents["total"] == len(patents["patent_ids"]) > 0


def test_pages_render_in_chinese_and_english(platform):
    browser = browser_session(platform, "enterprise")
    mine = own_id(api_client(platform, "enterprise"))
    for path, zh, en in (("/enterprises", "一企一档", "Enterprise files"), ("/demands", "需求清单", "Demand list"),
                         (f"/enterprises/{mine}", "企业需求", "Demands"), ("/demands/new", "发布需求", "Post a demand")):
        chinese = browser.get(path, params={"lang": "zh"})
        english = browser.get(path, params={"lang": "en"})
        assert chinese.status_code == english.status_code == 200, path
        assert zh in chinese.text and en in english.text, path
    # a budget with one bound says which: "–1,500,000" read as a negative amount
    listing = browser.get("/demands").text
    assert "<td>≤ 1,500,000</td>" in listing and "<td>400,000–1,000,000</td>" in listing
    assert "<td>–" not in listing
    file_page = browser.get(f"/enterprises/{mine}").text
    assert 'id="enterprise-form"' in file_page and 'id="training-records"' in file_page
    # the market deals the enterprise is party to, each linking to its deal page (which the enterprise may open)
    chinese = browser.get(f"/enterprises/{mine}", params={"lang": "zh"}).text
    assert 'id="enterprise-deals"' in chinese and "单晶炉热场专利转让" in chinese and "实施中" in chinese
    assert "¥800,000.00" in chinese and "¥480,000.00" in chinese and "受让/被许可方" in chinese
    assert "In implementation" in browser.get(f"/enterprises/{mine}", params={"lang": "en"}).text
    deal_ids = re.findall(r'href="/market/deals/(\d+)"', chinese)
    assert len(deal_ids) >= 4
    assert browser.get(f"/market/deals/{deal_ids[0]}").status_code == 200
    assert 'id="due-diligence-notes"' not in file_page and 'id="mine-demands"' not in file_page
    demand_id = api_client(platform, "enterprise").get("/api/demands").json()["items"][0]["id"]
    for lang in ("zh", "en"):
        page = browser.get(f"/demands/{demand_id}", params={"lang": lang})
        assert page.status_code == 200 and 'id="demand-history"' in page.text
    # Another enterprise's file shows only its public profile.
    other = next(e["id"] for e in api_client(platform, "enterprise").get(
        "/api/enterprises", params={"name": "云川晶硅"}).json()["items"])
    public = browser.get(f"/enterprises/{other}")
    assert public.status_code == 200 and 'id="public-profile"' in public.text and "enterprise-form" not in public.text
    assert browser_session(platform, "regulator").get("/demands").status_code == 403


def test_forms_post_with_csrf_and_show_refused_input(platform):
    browser = browser_session(platform, "enterprise")
    form = browser.get("/demands/new")
    token = csrf_of(form.text)
    assert browser.post("/demands", data={"title": "无令牌"}).status_code == 403
    refused = browser.post("/demands", data={"csrf_token": token, "title": "退役组件拆解", "trl_min": "7",
                                             "trl_max": "3", "confidentiality": "public"})
    assert refused.status_code == 422 and "trl_min" in refused.text and "退役组件拆解" in refused.text
    created = browser.post("/demands", data={"csrf_token": token, "title": "退役组件拆解回收玻璃和铝边框",
                                             "description": "希望自动化拆解", "chain_node": "",
                                             "budget_min": "10万", "confidentiality": "public"})
    assert created.status_code == 303
    location = created.headers["location"].split("?")[0]
    moved = browser.post(f"{location}/status", data={"csrf_token": token, "status": "closed", "reason": "自行解决"})
    assert moved.status_code == 303
    assert "自行解决" in browser.get(location).text
    again = browser.post(f"{location}/status", data={"csrf_token": token, "status": "matched"})
    assert again.status_code == 409
    # An operator confirms links and mines on the enterprise page.
    operator = browser_session(platform, "operator")
    jinggui = next(e["id"] for e in api_client(platform, "operator").get(
        "/api/enterprises", params={"name": "云川晶硅"}).json()["items"])
    page = operator.get(f"/enterprises/{jinggui}")
    assert 'id="patent-links"' in page.text and 'id="due-diligence-notes"' in page.text
    op_token = csrf_of(page.text)
    assert 'id="risk-indicators"' in page.text and 'data-risk="overdue_demands"' in page.text
    saved = operator.post(f"/enterprises/{jinggui}", data={
        "csrf_token": op_token, "industry_code": "3985", "contacts_text": "郑源, 总经理, 0999-7654321, zy@example.cn",
        "risk_text": "涉诉案件, 1, medium, 2026年一起专利侵权诉讼"})
    assert saved.status_code == 303
    file = api_client(platform, "operator").get(f"/api/enterprises/{jinggui}").json()
    assert file["contacts"][0] == {"name": "郑源", "role": "总经理", "phone": "0999-7654321", "email": "zy@example.cn"}
    assert file["risk_indicators"]["涉诉案件"]["level"] == "medium"
    created = operator.post("/enterprises", data={"csrf_token": op_token, "name": "青峦页面新建测试有限公司",
                                                  "credit_code": "9144030071526726XG", "industry_code": "3841"})
    assert created.status_code == 303 and "锂离子电池制造" in operator.get(created.headers["location"]).text
    bad = operator.post("/enterprises", data={"csrf_token": op_token, "name": "青峦坏代码有限公司",
                                              "credit_code": "9144030071526726XA"})
    assert bad.status_code == 422 and "check character" in bad.text
    assert operator.post(f"/enterprises/{jinggui}/mine", data={"csrf_token": op_token}).status_code == 303
    upload = operator.post("/demands/import", data={"csrf_token": op_token}, files={"file": ("d.xlsx", xlsx([
        ["企业名称", "需求名称", "合作方式"], ["云川晶硅科技有限公司", "页面导入的需求", "许可"],
        ["云川晶硅科技有限公司", "坏的一行", "以物易物"]]))})
    assert upload.status_code == 200 and 'id="import-problems"' in upload.text and "preferred_mode" in upload.text


def _cli(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lingxi.cli", "enterprises", *args, "--home", str(home)],
                          capture_output=True, text=True, timeout=300)


def test_cli_lists_shows_imports_and_mines_as_json(home, tmp_path):
    listed = _cli(home, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["items"]
    ruiguang = next(e for e in items if e["name"].startswith("青峦睿光"))
    shown = json.loads(_cli(home, "show", str(ruiguang["id"]), "--json").stdout)
    assert shown["patents"]["total"] > 0 and shown["links"]
    assert shown["deals"]["total"] >= 4 and {d["role"] for d in shown["deals"]["items"]} == {"counterparty"}
    text = _cli(home, "show", str(ruiguang["id"]))
    assert text.returncode == 0 and f"{shown['deals']['total']} platform deals" in " ".join(text.stdout.split())
    book = tmp_path / "e.xlsx"
    book.write_bytes(xlsx([["企业名称", "统一社会信用代码", "行业代码"], ["青峦命令行测试有限公司", "914403001922038216", "3841"],
                           ["青峦命令行坏行有限公司", "", "1234"]]))
    imported = _cli(home, "import", str(book), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert report["created"] == 1 and report["problems"][0]["row"] == 3
    demands = json.loads(_cli(home, "demands", "list", "--json").stdout)
    assert demands["total"] >= 14 and all("status" in d for d in demands["items"])
    mined = _cli(home, "mine", str(ruiguang["id"]), "--json")
    assert mined.returncode == 0 and isinstance(json.loads(mined.stdout), list)
    missing = _cli(home, "show", "99999", "--json")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
