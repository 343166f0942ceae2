"""§6 through the web platform and the CLI: the REST API (401/403/409/422 with the failed rule), the pages in Chinese
and English with their CSRF forms, the Excel export, and `lingxi market …` with --json. One server for the module,
on the demo province with the market's demo data."""

from __future__ import annotations

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
from lingxi.market.demo import seed_demo


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("market-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    seed_demo(db)
    seed_demo(db)  # idempotent: a second run adds nothing
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def test_api_needs_credentials_and_the_right_role(platform):
    for method, path in (("GET", "/api/market/deals"), ("POST", "/api/market/deals"),
                         ("GET", "/api/market/listings")):
        answer = httpx.request(method, platform + path, json={})
        assert answer.status_code == 401
    regulator, enterprise = api_client(platform, "regulator"), api_client(platform, "enterprise")
    assert regulator.get("/api/market/filings/overdue").status_code == 403
    assert regulator.get("/api/market/deals").json()["total"] == 0  # no single deal for a regulator
    assert regulator.get("/api/market/events/stats").json()["trainees"] == 131  # aggregates are fine
    created = enterprise.post("/api/market/deals", json={"kind": "transfer", "title": "x", "patent_ids": [1],
                                                         "supplier": "a", "counterparty": "b"})
    assert created.status_code == 403


def test_demo_market_listing_with_grade_valuation_and_negotiation(platform):
    enterprise = api_client(platform, "enterprise")
    public = enterprise.get("/api/market/listings").json()
    assert public["total"] == 1  # the listing waiting for approval is not public
    listing = enterprise.get(f"/api/market/listings/{public['items'][0]['id']}").json()
    assert listing["phase"] == "open" and len(listing["patents"]) == 3
    assert float(listing["valuation_range"]["low"]) <= float(listing["valuation_range"]["high"])
    assert [e["asked_by"] for e in listing["enquiries"]] == ["enterprise"]
    log = enterprise.get(f"/api/market/enquiries/{listing['enquiries'][0]['id']}").json()
    assert log["entries"][0]["offer_yuan"] == "1600000.00"
    operator = api_client(platform, "operator")
    assert operator.get("/api/market/listings", params={"status": "submitted"}).json()["total"] == 1


def test_open_licence_acceptance_and_refusal_over_the_api(platform):
    enterprise, operator = api_client(platform, "enterprise"), api_client(platform, "operator")
    market = enterprise.get("/api/market/open-licences").json()
    assert market["total"] >= 2
    trial = next(d for d in market["items"] if d["try_before_pay"])
    accepted = enterprise.post(f"/api/market/open-licences/{trial['id']}/acceptances", json={})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["paid_yuan"] == "0.00" and accepted.json()["trial_until"]
    again = enterprise.post(f"/api/market/open-licences/{trial['id']}/acceptances", json={})
    assert again.status_code == 409
    patent_id = trial["patent_id"]  # already under a published open licence: a second one is refused
    draft = operator.post("/api/market/open-licences", json={
        "patent_id": patent_id, "payment_method": "一次性", "fee_standard": "业内最佳价格", "licence_term_years": 2})
    assert draft.status_code == 201, draft.text
    refused = operator.post(f"/api/market/open-licences/{draft.json()['id']}/publish", json={})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "declaration_refused"
    assert "rule no_advertising" in error["message"] and "rule one_declaration_per_patent" in error["message"]
    check = operator.get(f"/api/market/open-licences/{draft.json()['id']}/check").json()
    assert check["publishable"] is False and {"no_advertising", "one_declaration_per_patent"} <= \
        {f["rule"] for f in check["failures"]}


def test_deal_transitions_conflicts_and_export_over_the_api(platform):
    operator = api_client(platform, "operator")
    listed = operator.get("/api/market/deals", params={"state": "draft"}).json()["items"]
    deal = listed[0]
    stale = deal["version"]
    signed = operator.post(f"/api/market/deals/{deal['id']}/transitions",
                           json={"to_state": "signed", "expected_version": stale})
    assert signed.status_code == 200 and signed.json()["state"] == "signed", signed.text
    conflict = operator.post(f"/api/market/deals/{deal['id']}/transitions",
                             json={"to_state": "cancelled", "expected_version": stale, "reason": "x"})
    assert conflict.status_code == 409 and conflict.json()["error"]["field"] == "expected_version"
    wrong = operator.post(f"/api/market/deals/{deal['id']}/transitions",
                          json={"to_state": "filed", "expected_version": signed.json()["version"],
                                "filing_number": "x"})
    assert wrong.status_code == 422 and "cannot go from signed to filed" in wrong.json()["error"]["message"]
    overdue = operator.get("/api/market/filings/overdue").json()["items"]
    assert overdue and all(d["filing_overdue"] for d in overdue)
    book = load_workbook(io.BytesIO(operator.get("/api/market/deals.xlsx").content))
    assert book["交易 Deals"].max_row - 1 == operator.get("/api/market/deals").json()["total"]


def test_pages_render_in_chinese_and_english_and_forms_post_with_csrf(platform):
    client = browser_session(platform, "operator")
    for path, marker in (("/market", 'id="listings"'), ("/market/open-licences", 'id="open-licences"'),
                         ("/market/deals", 'id="filing-alerts"'), ("/market/events", 'id="event-stats"')):
        page = client.get(path)
        assert page.status_code == 200 and marker in page.text, path
    assert "逾期未备案" in client.get("/market/deals").text
    for wrong in ({"max_fee": "很多"}, {"page": "-1"}, {"status": "sold"}):  # the page says what is wrong
        page = client.get("/market/open-licences", params=wrong)
        assert page.status_code == 200 and 'id="open-licences"' in page.text and 'role="alert"' in page.text, wrong
    assert "Deal desk" in client.get("/market/deals", params={"lang": "en"}).text
    client.get("/market", params={"lang": "zh"})

    events = client.get("/market/events")
    posted = client.post("/market/events", data={"csrf_token": csrf_of(events.text), "kind": "auction",
                                                 "title": "专利拍卖季", "held_on": "2026-03-01"})
    assert posted.status_code == 303
    assert "专利拍卖季" in client.get("/market/events").text
    refused = client.post("/market/events", data={"csrf_token": csrf_of(events.text), "kind": "roadshow",
                                                  "title": "路演", "held_on": "2026-03-01", "trainees": "5"})
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    assert "trainees are counted for training sessions only" in client.get(refused.headers["location"]).text
    assert client.post("/market/events", data={"kind": "auction", "title": "x", "held_on": "2026-03-01"}
                       ).status_code == 403  # no CSRF token

    deals_page = client.get("/market/deals")
    deal_id = deals_page.text.split('data-deal="')[1].split('"')[0]
    page = client.get(f"/market/deals/{deal_id}")
    assert 'id="deal-history"' in page.text
    if 'data-to="cancelled"' in page.text:  # a stale version from the page comes back as an error, not a change
        answer = client.post(f"/market/deals/{deal_id}/transition", data={
            "csrf_token": csrf_of(page.text), "to_state": "cancelled", "expected_version": "999", "reason": "x"})
        assert answer.status_code == 303 and "error=" in answer.headers["location"]
        assert "changed by someone else" in client.get(answer.headers["location"]).text


def test_every_role_can_open_the_market_pages(platform):
    for role in ("supplier", "enterprise", "broker", "financier", "regulator", "admin"):
        client = browser_session(platform, role)
        for path in ("/market", "/market/open-licences", "/market/deals", "/market/events"):
            assert client.get(path).status_code == 200, (role, path)
    broker = browser_session(platform, "broker")
    assert 'id="filing-alerts"' in broker.get("/market/deals").text  # the demo deals sit on the broker's desk
    supplier = browser_session(platform, "supplier")
    assert 'id="new-declaration"' in supplier.get("/market/open-licences").text


def test_listing_forms_from_submission_to_enquiry(platform):
    supplier, operator, enterprise = (browser_session(platform, r) for r in ("supplier", "operator", "enterprise"))
    own = api_client(platform, "supplier").get("/api/market/open-licences", params={"status": "published"}).json()
    patent_id = own["items"][0]["patent_id"]
    page = supplier.get("/market")
    refused = supplier.post("/market/listings", data={"csrf_token": csrf_of(page.text), "title": "无价挂牌",
                                                      "mode": "licence", "patent_ids": str(patent_id)})
    assert "asking price or the terms" in supplier.get(refused.headers["location"]).text
    posted = supplier.post("/market/listings", data={"csrf_token": csrf_of(page.text), "title": "表单挂牌",
                                                     "mode": "licence", "patent_ids": str(patent_id),
                                                     "terms": "普通许可，面议"})
    listing_url = posted.headers["location"]
    assert posted.status_code == 303 and listing_url.startswith("/market/listings/")
    assert enterprise.get(listing_url).status_code == 404  # not public before approval
    detail = operator.get(listing_url)
    approved = operator.post(listing_url + "/decision", data={"csrf_token": csrf_of(detail.text), "approve": "1",
                                                              "expected_version": "1"})
    assert approved.headers["location"] == listing_url
    shown = enterprise.get(listing_url)
    assert 'id="new-enquiry"' in shown.text and "公示中" in shown.text
    enterprise.post(listing_url + "/enquiries", data={"csrf_token": csrf_of(shown.text), "message": "想了解许可费"})
    assert "想了解许可费" in supplier.get(listing_url).text


def test_open_licence_pages_show_the_rules_and_accept_through_the_form(platform):
    operator, enterprise = browser_session(platform, "operator"), browser_session(platform, "enterprise")
    market = operator.get("/market/open-licences", params={"holder_type": "university"})
    first = market.text.split('data-declaration="')[1].split('"')[0]
    detail = operator.get(f"/market/open-licences/{first}")
    assert detail.status_code == 200 and 'data-rule="no_advertising"' in detail.text
    assert 'id="withdraw-declaration"' in detail.text
    drafts = operator.post("/market/open-licences", data={
        "csrf_token": csrf_of(market.text), "patent_id": "1", "payment_method": "一次性", "fee_standard": "全网最低价",
        "licence_term_years": "1"})
    draft_url = drafts.headers["location"]
    draft = operator.get(draft_url)
    assert 'data-failed-rule="no_advertising"' in draft.text
    refused = operator.post(draft_url + "/publish", data={"csrf_token": csrf_of(draft.text), "expected_version": "1"})
    assert "rule no_advertising" in operator.get(refused.headers["location"]).text
    offer = enterprise.get(f"/market/open-licences/{first}")
    if 'id="accept-declaration"' in offer.text:  # not yet accepted by this enterprise in an earlier test
        enterprise.post(f"/market/open-licences/{first}/accept", data={"csrf_token": csrf_of(offer.text)})
        assert 'id="acceptances"' in enterprise.get(f"/market/open-licences/{first}").text


def _cli(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lingxi.cli", "market", *args, "--home", str(home)],
                          capture_output=True, text=True, timeout=300)


def test_cli_lists_deals_reminders_and_checks_declarations_as_json(home, tmp_path):
    listed = _cli(home, "deals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    deals = json.loads(listed.stdout)
    assert deals["total"] >= 5 and {"id", "state", "version", "received_yuan"} <= set(deals["items"][0])
    reminders = json.loads(_cli(home, "deals", "reminders", "--json").stdout)
    assert reminders["overdue"]["items"] and reminders["due"]["items"]
    first = json.loads(_cli(home, "deals", "remind", "--json").stdout)
    assert first["sent"] >= 2 and json.loads(_cli(home, "deals", "remind", "--json").stdout)["sent"] == 0
    stale = _cli(home, "deals", "move", str(deals["items"][0]["id"]), "cancelled", "--version", "999",
                 "--set", "reason=x")
    assert stale.returncode == 2 and "changed by someone else" in stale.stderr
    output = tmp_path / "deals.xlsx"
    assert _cli(home, "deals", "export", "-o", str(output)).returncode == 0 and output.stat().st_size > 0
    market = json.loads(_cli(home, "open-licences", "--json").stdout)
    checked = _cli(home, "check-declaration", str(market["items"][0]["id"]), "--json")
    assert json.loads(checked.stdout)["declaration_id"] == market["items"][0]["id"]
