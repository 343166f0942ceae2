"""§10 talents and §11 the knowledge graph through the web platform and the CLI on the demo province: 401/403,
talent lists per chain, a profile, the graph API (neighbours, path, dashboard, search), the pages in Chinese and
English, and `lingxi talent …` / `lingxi graph …` with --json. One server for the module."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from serving import api_client, browser_session, running_server
from sqlalchemy import select

from lingxi.db import open_database
from lingxi.db.models import Party, PatentParty
from lingxi.demo.loader import load_demo
from lingxi.enterprises.demo import seed_demo as seed_enterprises
from lingxi.market.demo import seed_demo as seed_market
from lingxi.tagging.jobs import run_tagging
from lingxi.talent.demo import seed_demo as seed_talent
from lingxi.value.demo import seed_demo as seed_value


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("talent-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    run_tagging(db, ["chain_pv", "chain_h2", "chain_ev"], annotations=False)
    for seed in (seed_enterprises, seed_market, seed_value, seed_talent, seed_talent):  # idempotent
        seed(db)
    with db.sessions() as session:
        home_facts = {
            "university": session.scalar(select(Party.id).where(Party.party_type == "university").limit(1)),
            "enterprise": session.scalar(
                select(Party.id).join(PatentParty, PatentParty.party_id == Party.id)
                .where(Party.party_type.in_(("enterprise", "sme", "soe")), PatentParty.role == "applicant").limit(1)),
        }
    db.dispose()
    (home / "facts.json").write_text(json.dumps(home_facts))
    return home


@pytest.fixture(scope="module")
def facts(home):
    return json.loads((home / "facts.json").read_text())


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def _cli(home, *args):
    return subprocess.run([sys.executable, "-m", "lingxi.cli", *args, "--home", str(home)], capture_output=True, check=False,
                          text=True, timeout=120)


def test_api_permissions_and_lists(platform, facts):
    assert httpx.get(platform + "/api/talent").status_code == 401
    assert httpx.get(platform + "/api/graph/neighbours", params={"node": "patent:1"}).status_code == 401
    regulator, enterprise, operator = (api_client(platform, r) for r in ("regulator", "enterprise", "operator"))
    assert enterprise.post("/api/talent/build").status_code == 403
    built = operator.post("/api/talent/build")
    assert built.status_code == 200 and built.json()["talents"] > 100
    overall = regulator.get("/api/talent", params={"page_size": 5}).json()
    counts = [t["patents"] for t in overall["items"]]
    assert counts == sorted(counts, reverse=True) and overall["total"] > 100
    chain = regulator.get("/api/talent", params={"chain": "chain_ev", "order": "value"}).json()
    assert chain["items"] and all(t["chain_patents"] >= 1 for t in chain["items"])
    assert regulator.get("/api/talent", params={"order": "fame"}).status_code == 422
    top = overall["items"][0]
    profile = regulator.get(f"/api/talent/{top['id']}").json()
    assert len(profile["inventions"]) == profile["patent_count"] == top["patents"] and profile["affiliations"]
    assert sum(len(i["publications"]) for i in profile["inventions"]) == len(profile["patents"])
    network = regulator.get(f"/api/talent/{top['id']}/network").json()
    assert network["nodes"][0]["centre"] and len(network["nodes"]) == len(profile["collaborators"]) + 1
    assert regulator.get("/api/talent/99999999").status_code == 404


def test_graph_api(platform, facts):
    enterprise, operator = api_client(platform, "enterprise"), api_client(platform, "operator")
    talent_id = enterprise.get("/api/talent", params={"page_size": 1}).json()["items"][0]["id"]
    around = enterprise.get("/api/graph/neighbours", params={"node": f"person:{talent_id}", "types": "patent"}).json()
    assert around["nodes"] and {n["type"] for n in around["nodes"]} == {"patent"}
    assert all(e["kind"] == "inventorship" for e in around["edges"])
    patent = around["nodes"][0]["id"]
    wide = operator.get("/api/graph/neighbours", params={"node": patent, "limit": 200}).json()
    assert {"org", "person"} <= {n["type"] for n in wide["nodes"]}
    assert enterprise.get("/api/graph/neighbours", params={"node": "nothing"}).status_code == 422
    assert enterprise.get("/api/graph/neighbours", params={"node": "deal:1"}).status_code == 403
    path = enterprise.get("/api/graph/path", params={"source": f"org:{facts['enterprise']}",
                                                     "target": f"org:{facts['university']}", "max_depth": 4}).json()
    if path["found"]:
        assert path["nodes"][0]["id"] == f"org:{facts['enterprise']}" and len(path["edges"]) == path["length"] <= 4
        for edge, (a, b) in zip(path["edges"], zip(path["nodes"], path["nodes"][1:])):
            assert {edge["source"], edge["target"]} == {a["id"], b["id"]}
    board = enterprise.get("/api/graph/dashboard", params={"chain": "chain_ev"}).json()
    assert board["counts"]["patents"] > 0 and board["counts"]["talents"] > 0
    assert enterprise.get("/api/graph/dashboard").status_code == 422
    found = enterprise.get("/api/graph/search", params={"q": "大学"}).json()
    assert any(n["type"] == "org" for n in found)


def test_pages(platform, facts):
    talent = api_client(platform, "regulator").get("/api/talent", params={"page_size": 1}).json()["items"][0]["id"]
    for role in ("operator", "enterprise", "regulator"):
        browser = browser_session(platform, role)
        for path in ("/talent", "/talent?chain=chain_ev", f"/talent/{talent}", "/graph", "/graph/dashboard",
                     "/graph/dashboard?region=青峦省", "/talent?lang=en", "/graph?lang=en"):
            response = browser.get(path)
            assert response.status_code == 200, (role, path)
    page = browser_session(platform, "enterprise").get("/talent?lang=zh").text
    assert "高产出人才" in page and "高价值人才" in page and 'id="talent-output"' in page
    english = browser_session(platform, "enterprise").get(f"/talent/{talent}?lang=en").text
    assert "Affiliations over time" in english and "talent-network-data" in english
    assert "data-invention=" in english and "count as one patent" in english  # publications grouped by application
    explorer = browser_session(platform, "operator").get("/graph").text
    assert "/static/graph.js" in explorer and 'value="deal"' in explorer
    assert 'value="deal"' not in browser_session(platform, "enterprise").get("/graph").text
    assert httpx.get(platform + "/static/graph.js").status_code == 200


def test_cli(home, facts):
    listed = _cli(home, "talent", "list", "--chain", "chain_ev", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["items"]
    assert rows and rows[0]["chain_patents"] >= rows[-1]["chain_patents"]
    shown = _cli(home, "talent", "show", str(rows[0]["id"]), "--json")
    assert json.loads(shown.stdout)["name"] == rows[0]["name"]
    around = _cli(home, "graph", "neighbours", f"person:{rows[0]['id']}", "--json")
    assert json.loads(around.stdout)["node"]["label"] == rows[0]["name"]
    path = _cli(home, "graph", "path", f"org:{facts['enterprise']}", f"org:{facts['university']}", "--json")
    assert path.returncode == 0 and "found" in json.loads(path.stdout)
    bad = _cli(home, "graph", "neighbours", "planet:3")
    assert bad.returncode == 2 and "TYPE:KEY" in bad.stderr
    assert _cli(home, "talent", "build", "--json").returncode == 0
