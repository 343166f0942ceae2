"""§5 matching through the running web platform (demo data, SQLite): the API (401/403/404/422, demand matches under the
demand's confidentiality, feedback, licensees) and the pages (results with explanations, htmx feedback buttons that
carry the CSRF token, the licensee list)."""

from __future__ import annotations

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server
from sqlalchemy import select

from lingxi.db import open_database
from lingxi.db.models import Demand, MatchFeedback, Organisation, Patent
from lingxi.demo.loader import load_demo
from lingxi.search.service import SearchService
from lingxi.settings import Settings
from lingxi.tagging.jobs import run_tagging
from lingxi.value.jobs import run_scoring

TEXT = "想找提高钙钛矿太阳能电池转换效率和稳定性的技术"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    home = tmp_path_factory.mktemp("matching-web")
    settings = Settings(home=home)
    settings.ensure_home()
    db = open_database(settings.resolved_database_url)
    load_demo(db, size=200)
    SearchService(settings, db).rebuild()  # keyword index and e5 vectors of the 200 demo patents
    run_tagging(db)
    run_scoring(db)  # value grades: a fit feature of matching
    from lingxi.enterprises.demo import seed_demo as seed_enterprises
    from lingxi.matching.demo import seed_demo as seed_matching

    seed_enterprises(db)  # the demo demands
    seed_matching(db)
    seed_matching(db)  # idempotent: the second run adds nothing (test_demo_history_is_seeded_once)
    with db.sessions() as session:
        enterprise = session.scalar(select(Organisation).where(Organisation.name == "青峦睿光新能源科技有限公司"))
        demand = Demand(organisation_id=enterprise.id, title="钙钛矿电池效率", description=TEXT,
                        confidentiality="secret")
        session.add(demand)
        session.commit()
        demand_id = demand.id
        patent_id = session.scalar(select(Patent.id).order_by(Patent.id).limit(1))
    from lingxi.search import vector_jobs

    for manager in list(vector_jobs._managers.values()):
        manager.stop()
    vector_jobs._managers.clear()
    db.dispose()
    with running_server(home, warm_up_matching=True) as base:  # as `lingxi up` runs it: models loaded at start
        yield base, demand_id, patent_id, home


def test_the_worker_loads_the_matching_models_at_start(platform):
    """The first match of a fresh worker used to load the encoders, indexes and dictionary itself (~3 s)."""
    import time

    base, _, _, _ = platform
    client = api_client(base, "enterprise")
    deadline = time.monotonic() + 120
    while (warm_up := client.get("/api/status").json()["matching_warm_up"])["state"] == "running":
        assert time.monotonic() < deadline, "the warm-up did not finish"
        time.sleep(0.5)
    assert warm_up["state"] == "done" and warm_up["seconds"] > 0 and warm_up["error"] is None, warm_up


def test_the_api_needs_a_login_and_the_match_permission(platform):
    base, demand_id, patent_id, _ = platform
    assert httpx.post(f"{base}/api/match/demand", json={"text": TEXT}).status_code == 401
    assert httpx.get(f"{base}/api/patents/{patent_id}/licensees").status_code == 401
    regulator = api_client(base, "regulator")  # aggregates only: no matching, no single enterprise
    assert regulator.post("/api/match/demand", json={"text": TEXT}).status_code == 403
    assert regulator.get(f"/api/patents/{patent_id}/licensees").status_code == 403
    assert regulator.post("/api/match/feedback", json={"patent_id": patent_id, "verdict": "interested",
                                                       "text": TEXT}).status_code == 403


def test_match_a_text_with_explanations_and_input_errors(platform):
    base, _, _, _ = platform
    client = api_client(base, "enterprise")
    answer = client.post("/api/match/demand", json={"text": TEXT, "top_k": 5})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert 0 < len(body["matches"]) <= 5 and body["query_hash"]
    first = body["matches"][0]
    assert first["rank"] == 1 and first["key"] and first["title"]
    assert {"shared_concepts", "passages", "taxonomy", "why", "contributions", "licence"} <= set(first["explanation"])
    assert "钙钛矿" in first["title"] or any(c["term"] == "钙钛矿" for c in first["explanation"]["shared_concepts"])
    graded = [m for m in body["matches"] if m["explanation"]["value_grade"]]
    assert graded and all(0 < m["features"]["value"] <= 1 for m in graded)  # lingxi.value grades count
    assert any(m["explanation"]["taxonomy"] for m in body["matches"])  # demand and patents share chain nodes
    universities = client.post("/api/match/demand", json={"text": TEXT, "holder_types": ["university"]}).json()
    assert all(any(h["type"] == "university" for h in m["holders"]) for m in universities["matches"])
    for bad in ({"text": TEXT, "top_k": 0}, {}, {"text": TEXT, "demand_id": 1}):
        assert client.post("/api/match/demand", json=bad).status_code == 422


def test_demand_matches_follow_the_demand_confidentiality(platform):
    base, demand_id, _, _ = platform
    own = api_client(base, "enterprise").get(f"/api/demands/{demand_id}/matches", params={"top_k": 3})
    assert own.status_code == 200 and own.json()["demand"]["id"] == demand_id and own.json()["matches"]
    assert api_client(base, "operator").get(f"/api/demands/{demand_id}/matches").status_code == 200
    assert api_client(base, "supplier").get(f"/api/demands/{demand_id}/matches").status_code == 404  # secret
    assert api_client(base, "enterprise").get("/api/demands/999999/matches").status_code == 404


def test_feedback_is_stored_and_listed(platform):
    base, demand_id, _, _ = platform
    client = api_client(base, "enterprise")
    best = client.get(f"/api/demands/{demand_id}/matches").json()["matches"][0]
    saved = client.post("/api/match/feedback", json={"patent_id": best["patent_id"], "verdict": "not_relevant",
                                                     "demand_id": demand_id})
    assert saved.status_code == 201 and saved.json()["verdict"] == "not_relevant"
    listed = client.get("/api/match/feedback", params={"demand_id": demand_id}).json()
    assert listed[0]["patent_id"] == best["patent_id"]
    after = client.get(f"/api/demands/{demand_id}/matches").json()["matches"]
    assert after[0]["patent_id"] != best["patent_id"]  # the verdict moved it down
    assert client.post("/api/match/feedback", json={"patent_id": best["patent_id"], "verdict": "maybe",
                                                    "demand_id": demand_id}).status_code == 422
    assert client.post("/api/match/feedback", json={"patent_id": 99999999, "verdict": "interested",
                                                    "text": TEXT}).status_code == 404
    supplier = api_client(base, "supplier")  # may not judge matches of a demand it cannot see
    assert supplier.post("/api/match/feedback", json={"patent_id": best["patent_id"], "verdict": "interested",
                                                      "demand_id": demand_id}).status_code == 404


def test_licensees_of_a_patent(platform):
    base, _, patent_id, _ = platform
    answer = api_client(base, "operator").get(f"/api/patents/{patent_id}/licensees")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["patent"]["id"] == patent_id and body["considered"] >= 1
    for item in body["licensees"]:
        assert item["explanation"]["why"]["zh"] and item["score"] >= 0
    assert api_client(base, "operator").get("/api/patents/99999999/licensees").status_code == 404


def test_pages_show_results_explanations_and_feedback_buttons(platform):
    base, demand_id, patent_id, _ = platform
    browser = browser_session(base, "enterprise")
    page = browser.get("/matching", params={"text": TEXT})
    assert page.status_code == 200 and 'id="match-results"' in page.text
    assert 'data-verdict="interested"' in page.text and 'hx-post="/matching/feedback"' in page.text
    assert "排序理由" in page.text
    # holder types by their Chinese names, never the internal keys
    assert 'value="university"> 高校</label>' in page.text and "(university)" not in page.text
    patent = int(page.text.split('data-patent="')[1].split('"')[0])
    token = csrf_of(page.text)
    refused = browser.post("/matching/feedback", data={"patent_id": patent, "verdict": "interested", "text": TEXT},
                           headers={"HX-Request": "true"})
    assert refused.status_code == 403  # no CSRF token
    done = browser.post("/matching/feedback", data={"patent_id": patent, "verdict": "interested", "text": TEXT},
                        headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert done.status_code == 200 and "已记录反馈" in done.text
    demand_page = browser.get("/matching", params={"demand_id": demand_id})
    assert demand_page.status_code == 200 and "钙钛矿电池效率" in demand_page.text
    licensees = browser_session(base, "operator").get(f"/matching/patents/{patent_id}/licensees")
    assert licensees.status_code == 200 and 'id="licensees"' in licensees.text
    english = browser.get("/matching", params={"text": TEXT, "lang": "en"})
    assert "Why this rank" in english.text


def test_demo_history_is_seeded_once(platform):
    _, _, _, home = platform
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    with db.sessions() as session:
        rows = session.scalars(select(MatchFeedback).where(MatchFeedback.note.like("演示数据%"))).all()
    db.dispose()
    assert rows and all(row.verdict == "interested" and row.demand_id for row in rows)
    assert len({row.demand_id for row in rows}) == len(rows)  # one per demand, though the seed ran twice
