"""§5 precise push through the web platform: the demo's first push, the API's 401/403 rules, subscriptions made in
the UI, the inbox, and the operator's push page — against a real server over the demo data (SQLite)."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server
from sqlalchemy import func, select

from lingxi.db import open_database
from lingxi.db.models import Demand, PushRun, Subscription, User
from lingxi.demo.loader import load_demo
from lingxi.push.demo import seed_demo


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    home = tmp_path_factory.mktemp("push")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    tagged = subprocess.run([sys.executable, "-m", "lingxi.cli", "tag", "run", "--taxonomy", "chain_pv",
                             "--home", str(home)], capture_output=True, text=True, timeout=600)
    assert tagged.returncode == 0, tagged.stdout + tagged.stderr
    with db.sessions() as session:
        enterprise = session.scalars(select(User).where(User.username == "enterprise")).one()
        session.add(Demand(organisation_id=enterprise.organisation_id, title="钙钛矿叠层电池湿热稳定性提升技术",
                           description="钙钛矿叠层组件在湿热测试后效率衰减大，希望引进封装或界面钝化技术。"))
        session.commit()
    seed_demo(db)
    seed_demo(db)  # the demo is idempotent
    with db.sessions() as session:
        assert session.scalar(select(func.count(PushRun.id))) == 1
        assert session.scalar(select(func.count(Subscription.id))) == 4
    db.dispose()
    with running_server(home) as base:
        yield base


def test_the_demo_push_fills_the_enterprise_inbox(platform):
    enterprise = api_client(platform, "enterprise")
    inbox = enterprise.get("/api/inbox").json()
    assert inbox["total"] > 0 and inbox["unread"] == inbox["total"]
    kinds = {s["kind"] for s in enterprise.get("/api/subscriptions").json()["items"]}
    assert kinds == {"demand", "chain_node", "keywords"}
    first = inbox["items"][0]
    assert first["link"].startswith("/patents/") and first["title"]
    read = enterprise.post(f"/api/inbox/{first['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert enterprise.get("/api/inbox/unread-count").json()["unread"] == inbox["total"] - 1


def test_api_needs_credentials_and_keeps_records_apart(platform):
    for path in ("/api/subscriptions", "/api/inbox", "/api/push/runs", "/api/push/stats", "/api/push/deliveries"):
        assert httpx.get(f"{platform}{path}").status_code == 401, path
    enterprise, operator = api_client(platform, "enterprise"), api_client(platform, "operator")
    supplier, regulator = api_client(platform, "supplier"), api_client(platform, "regulator")
    assert enterprise.get("/api/push/runs").status_code == 403
    assert enterprise.post("/api/push/runs").status_code == 403
    assert enterprise.get("/api/push/deliveries").status_code == 403
    assert enterprise.get("/api/subscriptions", params={"all": True}).status_code == 403
    assert regulator.get("/api/subscriptions").status_code == 403
    assert regulator.get("/api/push/stats").status_code == 200  # aggregate figures only
    # another member cannot read, change or deactivate the enterprise's subscription, nor touch its inbox
    mine = enterprise.get("/api/subscriptions").json()["items"][0]
    for answer in (supplier.get(f"/api/subscriptions/{mine['id']}"),
                   supplier.patch(f"/api/subscriptions/{mine['id']}", json={"active": False}),
                   supplier.delete(f"/api/subscriptions/{mine['id']}")):
        assert answer.status_code == 403
    message = enterprise.get("/api/inbox").json()["items"][0]
    assert supplier.post(f"/api/inbox/{message['id']}/read").status_code == 403
    assert supplier.get("/api/inbox").json()["total"] == 0
    assert operator.get(f"/api/subscriptions/{mine['id']}").status_code == 200  # operators manage any


def test_subscriptions_are_validated_and_a_run_is_logged_and_counted(platform):
    supplier = api_client(platform, "supplier")
    bad = supplier.post("/api/subscriptions", json={"kind": "keywords", "query": "雨伞", "email": "nobody"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"
    bad = supplier.post("/api/subscriptions", json={"kind": "chain_node", "taxonomy": "chain_pv", "node": "pv.x"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "node"
    demand_id = api_client(platform, "enterprise").get("/api/subscriptions").json()["items"][-1]["demand_id"]
    hidden = supplier.post("/api/subscriptions", json={"kind": "demand", "demand_id": demand_id + 1000})
    assert hidden.status_code == 422 and hidden.json()["error"]["field"] == "demand_id"
    made = supplier.post("/api/subscriptions", json={"kind": "keywords", "query": "TI=电池",
                                                     "webhook_url": "http://127.0.0.1:9/hook"})
    assert made.status_code == 201 and made.json()["webhook_secret"] and made.json()["channels"] == [
        "inbox", "webhook"]
    log = api_client(platform, "admin").get("/api/audit", params={"entity": "subscriptions",
                                                                  "entity_id": made.json()["id"]}).json()["items"]
    assert log and log[0]["actor_name"] == "supplier" and log[0]["after"]["webhook_secret"] == "***"
    operator = api_client(platform, "operator")
    run = operator.post("/api/push/runs")
    assert run.status_code == 201 and run.json()["status"] == "finished"
    runs = operator.get("/api/push/runs").json()
    assert runs["total"] == 2 and runs["items"][0]["trigger"] == "api"
    counts = operator.get("/api/push/stats").json()
    assert counts["total"] > 0 and counts["by_year"][0]["pushes"] == counts["total"]
    assert counts["by_channel"]["inbox"]["sent"] == counts["total"]
    log = operator.get("/api/push/deliveries", params={"page_size": 5}).json()
    assert log["total"] == counts["total"] and log["items"][0]["channels"][0]["channel"] == "inbox"


def test_pages_inbox_subscriptions_and_push(platform):
    browser = browser_session(platform, "enterprise")
    page = browser.get("/inbox")
    assert page.status_code == 200 and 'id="inbox"' in page.text and 'id="nav-inbox"' in page.text
    assert 'id="inbox-unread"' in browser.get("/inbox/badge").text
    message_id = api_client(platform, "enterprise").get("/api/inbox", params={"unread": True}).json()["items"][0]["id"]
    opened = browser.post(f"/inbox/{message_id}/open", data={"csrf_token": csrf_of(page.text)})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/patents/")
    listing = browser.get("/subscriptions")
    assert 'id="subscriptions"' in listing.text and 'id="new-subscription"' in listing.text
    created = browser.post("/subscriptions", data={"kind": "chain_node", "chain_node": "chain_pv::pv.cell",
                                                   "item_types": ["patent", "listing"],
                                                   "csrf_token": csrf_of(listing.text)})
    assert created.status_code == 303, re.findall(r'role="alert"[^>]*>([^<]*)', created.text)
    detail = browser.get(created.headers["location"])
    assert 'id="edit-subscription"' in detail.text
    refused = browser.post("/subscriptions", data={"kind": "keywords", "query": "TI=(雨伞",
                                                   "csrf_token": csrf_of(listing.text)})
    assert refused.status_code == 422 and 'id="subscription-error"' in refused.text
    sub_id = int(created.headers["location"].split("/")[2].split("?")[0])
    off = browser.post(f"/subscriptions/{sub_id}/active", data={"active": "0", "csrf_token": csrf_of(detail.text)})
    assert off.status_code == 303
    assert api_client(platform, "enterprise").get(f"/api/subscriptions/{sub_id}").json()["active"] is False
    assert browser.get("/push").status_code == 403
    operator = browser_session(platform, "operator")
    push_page = operator.get("/push")
    assert 'id="push-runs"' in push_page.text and 'id="delivery-log"' in push_page.text
    ran = operator.post("/push/run", data={"csrf_token": csrf_of(push_page.text)})
    assert ran.status_code == 303 and "ran=" in ran.headers["location"]
    assert browser.post("/push/run", data={"csrf_token": csrf_of(page.text)}).status_code == 403
