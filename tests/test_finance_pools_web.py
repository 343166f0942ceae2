"""§7 and §8 through the web platform and the CLI on the demo province (its finance and pool demo data): 401/403,
the pledge-eligible list with valuations, enterprise matching, a pledge registered from the page's CSRF form, pool
statements for members and operators, a royalty payment from the page form, the pages in Chinese and English, and
`lingxi finance …` / `lingxi pools …` with --json. One server for the module."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.enterprises.demo import seed_demo as seed_enterprises
from lingxi.finance.demo import seed_demo as seed_finance
from lingxi.pools.demo import seed_demo as seed_pools
from lingxi.value.demo import seed_demo as seed_value

TODAY = dt.date.today().isoformat()  # the demo dates its records relative to today


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("finance-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    for seed in (seed_value, seed_enterprises, seed_finance, seed_pools, seed_finance, seed_pools):  # idempotent
        seed(db)
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def _cli(home, *args):
    return subprocess.run([sys.executable, "-m", "lingxi.cli", *args, "--home", str(home)], capture_output=True,
                          text=True, timeout=120)


def test_credentials_and_roles(platform):
    for method, path in (("GET", "/api/finance/products"), ("GET", "/api/finance/eligible"),
                         ("POST", "/api/finance/pledges"), ("GET", "/api/pools"), ("POST", "/api/pools")):
        assert httpx.request(method, platform + path, json={}).status_code == 401
    regulator, enterprise = api_client(platform, "regulator"), api_client(platform, "enterprise")
    financier, supplier = api_client(platform, "financier"), api_client(platform, "supplier")
    assert regulator.get("/api/finance/products").status_code == 403
    assert regulator.get("/api/pools").status_code == 403
    assert regulator.get("/api/finance/pledges").status_code == 403
    assert enterprise.get("/api/finance/eligible").status_code == 403
    assert financier.post("/api/finance/institutions", json={"name": "x", "kind": "bank"}).status_code == 403
    assert supplier.post("/api/pools", json={"name": "x"}).status_code == 403
    assert enterprise.get("/api/pools/1/statements").status_code == 403  # not a member
    for role in ("operator", "supplier", "enterprise", "broker", "financier", "admin"):
        browser = browser_session(platform, role)
        for path in ("/finance", "/pools", "/pools/1", "/finance?lang=en", "/pools/1?lang=en"):
            assert browser.get(path).status_code == 200, (role, path)
    regulator_browser = browser_session(platform, "regulator")
    assert regulator_browser.get("/finance").status_code == 403
    assert regulator_browser.get("/pools").status_code == 403


def test_products_eligible_list_and_enterprise_match(platform):
    enterprise, financier = api_client(platform, "enterprise"), api_client(platform, "financier")
    products = enterprise.get("/api/finance/products").json()
    assert {p["kind"] for p in products} == {"pledge_loan", "insurance"} and len(products) == 3
    loan = next(p for p in products if p["name"] == "科创知识产权质押贷")
    listed = financier.get("/api/finance/eligible", params={"product_id": loan["id"]}).json()
    assert listed["total"] >= 1
    for row in listed["items"]:
        assert row["eligible"] and row["grade"] in ("A", "B") and row["doc_type"] == "invention"
        assert Decimal(row["valuation"]["low"]) <= Decimal(row["valuation"]["high"])
    organisation_id = enterprise.get("/api/auth/me").json()["organisation_id"]
    match = enterprise.get(f"/api/finance/match/{organisation_id}").json()
    assert match["organisation"] == "青峦睿光新能源科技有限公司"
    assert len(match["products"]) == 3 and all(p["explanation_en"] for p in match["products"])
    assert enterprise.get("/api/finance/match/999999").status_code == 403
    bad = financier.get("/api/finance/eligible", params={"min_grade": "E"})
    assert bad.status_code == 422 and "min_grade" in bad.text


def test_financier_registers_a_pledge_from_the_page(platform):
    financier = api_client(platform, "financier")
    cases = financier.get("/api/finance/pledges").json()
    assert cases["total"] == 3
    applied = next(c for c in cases["items"] if c["status"] == "applied")
    browser = browser_session(platform, "financier")
    page = browser.get("/finance")
    assert page.status_code == 200 and "可质押专利清单" in page.text and "质押登记" in page.text
    without_csrf = browser.post(f"/finance/pledges/{applied['id']}/register",
                                data={"registered_on": TODAY, "registration_number": "Y2026990009"})
    assert without_csrf.status_code == 403
    done = browser.post(f"/finance/pledges/{applied['id']}/register", follow_redirects=False,
                        data={"csrf_token": csrf_of(page.text), "registered_on": TODAY,
                              "registration_number": "Y2026990009"})
    assert done.status_code == 303
    case = financier.get(f"/api/finance/pledges/{applied['id']}").json()
    assert case["status"] == "registered" and len(case["records"]) == len(case["patent_ids"])
    assert sum(Decimal(r["amount_yuan"]) for r in case["records"]) == Decimal(case["amount_yuan"])
    again = financier.post(f"/api/finance/pledges/{applied['id']}/register",
                           json={"registered_on": TODAY, "registration_number": "Y"})
    assert again.status_code == 409
    made = browser.post("/finance/products", follow_redirects=False,
                        data={"csrf_token": csrf_of(page.text), "institution_id": str(applied["institution_id"]),
                              "name": "绿色专利贷", "kind": "pledge_loan", "rate_min": "0.03", "rate_max": "0.04",
                              "min_grade": "A", "patent_types": ["invention", "utility_model"]})
    assert made.status_code == 303 and "error" not in made.headers["location"]
    green = next(p for p in financier.get("/api/finance/products").json() if p["name"] == "绿色专利贷")
    assert green["eligibility"] == {"min_grade": "A", "patent_types": ["invention", "utility_model"]}
    foreign = next(i for i in financier.get("/api/finance/institutions").json() if i["name"] == "云川农商银行")
    other = browser.post("/finance/products", follow_redirects=False,
                         data={"csrf_token": csrf_of(page.text), "institution_id": str(foreign["id"]), "name": "x",
                               "kind": "pledge_loan"})
    assert other.status_code == 403  # a financier keeps its own institution's products only
    english = browser.get("/finance?lang=en")
    assert "Pledge-eligible patents" in english.text and "Finance products" in english.text
    enterprise = browser_session(platform, "enterprise")
    own = enterprise.get("/finance")
    assert own.status_code == 200 and "青峦睿光新能源科技有限公司 的专利与产品匹配" in own.text
    assert 'id="finance-eligible"' not in own.text  # the cross-holder list is for financiers and operators
    refused = enterprise.post("/finance/pledges", follow_redirects=False,
                              data={"csrf_token": csrf_of(own.text), "product_id": "1", "patent_ids": "abc",
                                    "amount_yuan": "100000"})
    assert refused.status_code == 303 and "error=" in refused.headers["location"]


def test_pool_statements_and_a_payment_from_the_page(platform):
    operator, supplier = api_client(platform, "operator"), api_client(platform, "supplier")
    pools = operator.get("/api/pools").json()
    assert [p["name"] for p in pools] == ["青峦光伏产业专利池"] and pools[0]["patents"] >= 2
    pool = operator.get(f"/api/pools/{pools[0]['id']}").json()
    assert any(p["essential"] for p in pool["patents"]) and {l["kind"] for l in pool["licences"]} >= {"package"}
    whole = operator.get(f"/api/pools/{pool['id']}/statements").json()
    assert sum(Decimal(m["total_yuan"]) for m in whole["members"]) == Decimal(whole["payments_yuan"])
    assert Decimal(whole["payments_yuan"]) == Decimal("686543.21")
    own = supplier.get(f"/api/pools/{pool['id']}/statements").json()  # 青峦大学 is the founding member
    assert [m["organisation"] for m in own["members"]] == ["青峦大学"] and own["payments_yuan"] is None
    founder = next(m for m in pool["members"] if m["organisation"] == "青峦大学")
    picks = operator.get(f"/api/pools/{pool['id']}/candidates", params={"member_id": founder["id"]}).json()
    assert picks and all(p["grade"] in "ABCD" for p in picks)
    assert not {p["patent_id"] for p in picks} & {p["patent_id"] for p in pool["patents"]}
    assert supplier.get(f"/api/pools/{pool['id']}/candidates", params={"member_id": founder["id"]}).status_code == 403
    package = next(l for l in pool["licences"] if l["kind"] == "package")
    refused = operator.post(f"/api/pools/licences/{package['id']}/payments",
                            json={"amount_yuan": "10.001", "paid_on": TODAY})
    assert refused.status_code == 422 and "amount_yuan" in refused.text
    browser = browser_session(platform, "operator")
    page = browser.get(f"/pools/{pool['id']}")
    assert page.status_code == 200 and "许可费分配对账单" in page.text and "必要专利" in page.text
    saved = browser.post(f"/pools/licences/{package['id']}/payments", follow_redirects=False,
                         data={"csrf_token": csrf_of(page.text), "pool_id": str(pool["id"]),
                               "amount_yuan": "1000.01", "paid_on": TODAY})
    assert saved.status_code == 303
    period = operator.get(f"/api/pools/{pool['id']}/statements",
                          params={"start": TODAY, "end": TODAY}).json()
    assert period["payments_yuan"] == "1000.01"
    assert sum(Decimal(m["total_yuan"]) for m in period["members"]) == Decimal("1000.01")
    first = pool["patents"][0]
    marked = browser.post(f"/pools/{pool['id']}/patents/{first['patent_id']}/essential", follow_redirects=False,
                          data={"csrf_token": csrf_of(page.text), "essential": "0" if first["essential"] else "1"})
    assert marked.status_code == 303
    after = operator.get(f"/api/pools/{pool['id']}").json()
    assert next(p for p in after["patents"] if p["patent_id"] == first["patent_id"])["essential"] != first["essential"]
    added = browser.post(f"/pools/{pool['id']}/patents", follow_redirects=False,
                         data={"csrf_token": csrf_of(page.text), "member_id": str(founder["id"]),
                               "patent_id": str(picks[0]["patent_id"])})
    assert added.status_code == 303 and "error" not in added.headers["location"]
    assert len(operator.get(f"/api/pools/{pool['id']}").json()["patents"]) == len(pool["patents"]) + 1
    english = browser.get(f"/pools/{pool['id']}?lang=en")
    assert "Royalty statements" in english.text
    listing = browser.get("/pools?lang=en").text
    assert "Patent pools" in listing
    # the new-pool form once, in the page body, not also inside <title>
    assert listing.count('id="new-pool"') == 1 and "<form" not in listing.split("</title>")[0]


def test_cli_json(home, platform):
    products = _cli(home, "finance", "products", "--json")
    assert products.returncode == 0, products.stderr
    assert {"科创知识产权质押贷", "小微专利快贷", "专利执行保险"} <= {p["name"] for p in json.loads(products.stdout)}
    pools = json.loads(_cli(home, "pools", "list", "--json").stdout)
    statement = _cli(home, "pools", "statements", str(pools[0]["id"]), "--json", "--start", "2026-01-01")
    assert statement.returncode == 0, statement.stderr
    assert json.loads(statement.stdout)["pool"] == "青峦光伏产业专利池"
    made = _cli(home, "pools", "create", "青峦氢能产业联盟", "--kind", "alliance", "--chain", "chain_h2", "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["kind"] == "alliance"
    licence = _cli(home, "pools", "licence", str(json.loads(made.stdout)["id"]), "cross", "2026-01-01",
                   "--members", "1")
    assert licence.returncode == 2 and "member 1 is not in pool" in licence.stderr
    refused = _cli(home, "pools", "statements", str(pools[0]["id"]), "--start", "yesterday")
    assert refused.returncode == 2 and "start" in refused.stderr
    eligible = _cli(home, "finance", "eligible", "--json", "--page-size", "5")
    assert eligible.returncode == 0 and json.loads(eligible.stdout)["page_size"] == 5
    bank = _cli(home, "finance", "add-institution", "青峦科创担保", "guarantor", "--json")
    assert bank.returncode == 0, bank.stderr
    product = _cli(home, "finance", "add-product", str(json.loads(bank.stdout)["id"]), "知识产权担保", "guarantee",
                   "--rate", "0.01,0.02", "--amount", "100000,2000000", "--min-grade", "C", "--types", "invention",
                   "--json")
    assert product.returncode == 0, product.stderr
    assert json.loads(product.stdout)["eligibility"] == {"min_grade": "C", "patent_types": ["invention"]}
    typo = _cli(home, "finance", "add-product", str(json.loads(bank.stdout)["id"]), "x", "guarantee", "--types", "patent")
    assert typo.returncode == 2 and "eligibility.patent_types" in typo.stderr
    refused = _cli(home, "finance", "apply", "1", "999999", "100000", "--pledgor", "某公司")
    assert refused.returncode == 2 and "patent 999999 not found" in refused.stderr
