"""§3 value pages and API through the running platform: catalogue, Excel download, high-value and sleeping pages
in Chinese and English, the patent page's value panel and valuation form, operator records, permissions."""

from __future__ import annotations

import io

import httpx
import openpyxl
import pytest
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.tagging.jobs import run_tagging
from lingxi.value.jobs import run_scoring
from lingxi.value.operations_demo import seed_operations_demo


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    home = tmp_path_factory.mktemp("value_pages")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    run_tagging(db)
    run_scoring(db)
    seed_operations_demo(db)
    seed_operations_demo(db)  # idempotent: the second run adds nothing (checked in test_demo_facts)
    db.dispose()
    with running_server(home) as base:
        yield base


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render_in_both_languages(platform, lang):
    browser = browser_session(platform, "supplier")
    expected = {"zh": ("可运营专利分级目录", "高价值发明专利", "沉睡专利"),
                "en": ("Graded catalogue of operable patents", "High-value invention patents",
                       "Sleeping patents")}[lang]
    catalogue = browser.get("/value", params={"lang": lang})
    assert catalogue.status_code == 200 and expected[0] in catalogue.text
    assert 'id="grade-counts"' in catalogue.text and 'id="chart-grades"' in catalogue.text
    assert 'id="catalogue-by-node"' in catalogue.text and "chain_" in catalogue.text
    assert 'id="catalogue-by-region"' in catalogue.text and "青峦" in catalogue.text
    high = browser.get("/value/high-value", params={"lang": lang})
    assert high.status_code == 200 and expected[1] in high.text and 'id="region-counts"' in high.text
    assert 'id="chart-criteria"' in high.text and '"names": ["sei", "overseas_family"' in high.text
    sleeping = browser.get("/value/sleeping", params={"lang": lang})
    assert sleeping.status_code == 200 and expected[2] in sleeping.text and 'id="sleeping-rows"' in sleeping.text
    assert 'data-mode="' in sleeping.text  # the demo universities hold sleeping patents, each with a mode
    records = browser.get("/value/records", params={"lang": lang})
    assert records.status_code == 200 and 'id="parameters"' in records.text
    assert 'action="/value/records/awards"' not in records.text  # a supplier sees the records, cannot edit them


def test_catalogue_excel_download_and_api(platform):
    browser = browser_session(platform, "operator")
    page = browser.get("/value", params={"chain": "chain_pv"})
    assert 'id="catalogue-xlsx"' in page.text
    download = browser.get("/value/catalogue.xlsx", params={"chain": "chain_pv"})
    assert download.status_code == 200 and "spreadsheetml" in download.headers["content-type"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[:4] == ["A级 grade A", "B级 grade B", "C级 grade C", "D级 grade D"]
    assert "方法 method" in book.sheetnames
    api = api_client(platform, "broker")
    answer = api.get("/api/value/catalogue", params={"chain": "chain_pv", "page_size": 5}).json()
    assert answer["filters"]["chain"] == "chain_pv" and len(answer["items"]) <= 5
    assert answer["pages"] == -(-answer["total"] // 5)
    assert sum(answer["counts"].values()) == answer["total"] > 0
    assert api.get("/api/value/catalogue", params={"chain": "nope"}).status_code == 422
    assert api.get("/api/value/catalogue.xlsx").status_code == 200
    assert browser.get("/value", params={"chain": "nope"}).status_code == 422


def test_patent_panel_high_value_and_valuation(platform):
    operator = api_client(platform, "operator")
    item = operator.get("/api/value/sleeping", params={"page_size": 1}).json()["items"][0]
    patent_id = item["patent_id"]
    assert item["mode"] in ("transfer", "licence", "open_licence", "equity", "pool") and item["reason_zh"]
    recorded = operator.post("/api/value/awards", json={"patent_id": patent_id, "award": "china_patent_award",
                                                        "level": "优秀奖", "year": 2024})
    assert recorded.status_code == 201
    flags = operator.get(f"/api/patents/{patent_id}/high-value").json()
    if flags["qualifies"]:
        assert "award" in {c["criterion"] for c in flags["criteria"]}
    browser = browser_session(platform, "operator")
    detail = browser.get(f"/patents/{patent_id}")
    assert f'hx-get="/value/patents/{patent_id}/panel"' in detail.text
    panel = browser.get(f"/value/patents/{patent_id}/panel", params={"lang": "en"})
    assert panel.status_code == 200 and 'id="valuation-form"' in panel.text and 'id="value-high-value"' in panel.text
    assert 'id="value-scores"' in panel.text and 'data-scenario="licensing"' in panel.text
    assert 'data-indicator="claims"' in panel.text  # the breakdown goes down to the indicators and their sources
    valued = browser.post(f"/value/patents/{patent_id}/valuation", data={"royalty_rate": "0.01,0.02,0.03"},
                          headers={"X-CSRF-Token": csrf_of(detail.text)})
    assert valued.status_code == 200 and 'data-approach="income"' in valued.text and "royalty_rate" in valued.text
    wrong = browser.post(f"/value/patents/{patent_id}/valuation", data={"royalty_rate": "lots"},
                         headers={"X-CSRF-Token": csrf_of(detail.text)})
    assert 'id="valuation-error"' in wrong.text
    result = operator.post(f"/api/patents/{patent_id}/valuation", json={"discount_rate": 0.1}).json()
    assert result["range"]["low"] <= result["range"]["mid"] <= result["range"]["high"]
    assert {"name": "discount_rate", "value": [0.1, 0.1, 0.1], "source": "given"} in result["assumptions"]
    assert operator.post(f"/api/patents/{patent_id}/valuation", json={"royalty_rate": 5}).status_code == 422


def test_permissions(platform):
    assert httpx.get(f"{platform}/api/value/catalogue").status_code == 401
    assert httpx.post(f"{platform}/api/patents/1/valuation").status_code == 401
    assert httpx.get(f"{platform}/value", follow_redirects=False).status_code in (302, 303)
    enterprise = api_client(platform, "enterprise")
    assert enterprise.get("/api/value/high-value").status_code == 200
    for path, body in (("/api/value/awards", {"patent_id": 1, "award": "china_patent_award", "level": "金奖",
                                               "year": 2020}),
                       ("/api/value/pledges", {"patent_id": 1, "pledgor": "a", "pledgee": "b", "amount_yuan": 1,
                                                "registered_on": "2024-01-01"}),
                       ("/api/value/comparables", {"field": "H01M", "mode": "licence", "price_yuan": 1,
                                                    "deal_date": "2024-01-01", "source": "x"})):
        assert enterprise.post(path, json=body).status_code == 403, path
    assert enterprise.put("/api/value/parameters/sleeping_years", json={"value": 5}).status_code == 403
    assert enterprise.put("/api/value/populations", json={"province": "青峦", "year": 2025,
                                                          "population": 1000}).status_code == 403
    operator = api_client(platform, "operator")
    award = operator.post("/api/value/awards", json={"patent_id": 1, "award": "national_sci_tech_award",
                                                     "level": "一等奖", "year": 2021}).json()
    assert enterprise.delete(f"/api/value/awards/{award['id']}").status_code == 403
    assert operator.delete(f"/api/value/awards/{award['id']}").status_code == 204
    assert operator.delete(f"/api/value/awards/{award['id']}").status_code == 404
    assert award["id"] not in {a["id"] for a in operator.get("/api/value/awards").json()}


def test_operator_records_population_and_parameters_in_the_ui(platform):
    browser = browser_session(platform, "operator")
    page = browser.get("/value/records")
    token = csrf_of(page.text)
    saved = browser.post("/value/records/populations", data={"province": "青峦", "year": "2025",
                                                            "population": "2000000", "csrf_token": token})
    assert saved.status_code == 303
    bad = browser.post("/value/records/pledges", data={"patent_id": "1", "pledgor": "a", "pledgee": "b",
                                                       "amount_yuan": "many", "registered_on": "2024-01-01",
                                                       "csrf_token": token})
    assert bad.status_code == 422 and "amount_yuan" in bad.text
    changed = browser.post("/value/records/parameters", data={"key": "sleeping_years", "value": "2",
                                                              "csrf_token": token})
    assert changed.status_code == 303
    api = api_client(platform, "operator")
    assert api.get("/api/value/sleeping").json()["years"] == 2
    regions = {(r["province"], r["city"]): r for r in api.get("/api/value/high-value").json()["by_region"]}
    province = regions[("青峦", None)]
    assert province["population"] == 2_000_000
    assert province["per_10k"] == pytest.approx(province["high_value"] / 200, abs=1e-4)
    log = api_client(platform, "admin").get("/api/audit", params={"entity": "value_parameters"}).json()["items"]
    assert log and log[0]["actor_name"] == "operator"


def test_demo_facts(platform):
    api = api_client(platform, "regulator")
    populations = api.get("/api/value/populations").json()
    assert len(populations) == 8 and {p["province"] for p in populations} == {"青峦"}  # seeded once, not twice
    pledges = api.get("/api/value/pledges").json()
    assert pledges and all(p["amount_yuan"] >= 3_000_000 and p["recorded_by"] == "demo" for p in pledges)
    graded = api.get("/api/value/catalogue").json()["counts"]
    assert graded["unscored"] < sum(graded[g] for g in "ABCD")  # the demo is scored: the catalogue is graded
    assert api.get("/api/value/comparables", params={"field": "H01M"}).json()


def test_operator_edits_a_weight_profile_in_the_ui(platform):
    browser = browser_session(platform, "operator")
    page = browser.get("/value/profiles", params={"name": "licensing_default"})
    assert page.status_code == 200 and 'id="profile-form"' in page.text
    before = api_client(platform, "operator").get("/api/value/profiles/licensing_default").json()
    token = csrf_of(page.text)
    edited = before["yaml"].replace(f"A: {before['grade_thresholds']['A']}", "A: 70", 1)
    assert edited != before["yaml"]
    saved = browser.post("/value/profiles", data={"yaml": edited, "name": "licensing_default", "csrf_token": token})
    assert saved.status_code == 303
    after = api_client(platform, "operator").get("/api/value/profiles/licensing_default").json()
    assert after["version"] == before["version"] + 1 and after["grade_thresholds"]["A"] == 70
    bad = browser.post("/value/profiles", data={"yaml": "name: [", "name": "licensing_default", "csrf_token": token})
    assert bad.status_code == 422 and 'id="profile-error"' in bad.text and "name: [" in bad.text  # input kept
    rescored = browser.post("/value/profiles/recompute", data={"csrf_token": token})
    assert rescored.status_code == 303
    # other roles read profiles but may not change them
    enterprise = browser_session(platform, "enterprise")
    view = enterprise.get("/value/profiles")
    assert view.status_code == 200 and 'id="profile-form"' not in view.text
    refused = enterprise.post("/value/profiles", data={"yaml": edited, "csrf_token": csrf_of(view.text)})
    assert refused.status_code == 403
