"""§3 value through the API and the CLI on the demo province: a patent's value with its breakdown, weight profiles
(read by everyone, edited only with value.configure), `lingxi value show --json` and `compute --json`."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
import yaml
from serving import api_client, running_server
from sqlalchemy import select

from lingxi.db import open_database
from lingxi.db.models import Patent, PatentValueScore
from lingxi.demo.loader import load_demo
from lingxi.tagging.jobs import run_tagging
from lingxi.value.demo import seed_demo


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    home = tmp_path_factory.mktemp("value")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    run_tagging(db, ["wipo_35", "chain_pv"], annotations=False)
    seed_demo(db)
    with db.sessions() as session:
        first = {(r.patent_id, r.scenario): (r.score, r.grade) for r in session.scalars(select(PatentValueScore))}
    seed_demo(db)  # the demo is idempotent
    with db.sessions() as session:
        again = {(r.patent_id, r.scenario): (r.score, r.grade) for r in session.scalars(select(PatentValueScore))}
        granted = session.scalars(select(Patent).where(Patent.kind_code == "B", Patent.country == "CN")
                                  .order_by(Patent.id)).first()
        patent = (granted.id, granted.key)
    assert first == again and first
    db.dispose()
    with running_server(home) as base:
        yield base, home, patent


def test_a_patent_value_shows_scores_per_scenario_down_to_the_indicator(platform):
    base, _, (patent_id, _) = platform
    value = api_client(base, "enterprise").get(f"/api/patents/{patent_id}/value")
    assert value.status_code == 200
    body = value.json()
    assert body["computed"] and body["cohort"]
    assert set(body["scores"]) >= {"licensing", "pledge", "portfolio", "legacy_pvd"}
    pledge = body["scores"]["pledge"]
    assert pledge["grade"] in "ABCD" and 0 <= pledge["score"] <= 100
    legal = pledge["dimensions"]["legal"]
    assert legal["name_zh"] == "法律价值"
    status = legal["indicators"]["legal_status"]
    assert status["raw"] is not None and status["source"] and "contribution" in status
    assert "platform_transactions" not in pledge["missing"]  # the platform's deal register: 0 deals is known
    assert body["indicators"]["platform_transactions"]["missing"] is False
    assert httpx.get(f"{base}/api/patents/{patent_id}/value").status_code == 401
    assert api_client(base, "enterprise").get("/api/patents/99999999/value").status_code == 404


def test_profiles_are_read_by_all_and_edited_as_new_versions_by_operators(platform):
    base, _, _ = platform
    enterprise = api_client(base, "enterprise")
    listed = enterprise.get("/api/value/profiles").json()
    assert {p["scenario"] for p in listed} >= {"licensing", "pledge", "portfolio", "legacy_pvd", "indicators"}
    text = enterprise.get("/api/value/profiles/pledge_default/export.yaml").text
    data = yaml.safe_load(text)
    data["grade_thresholds"] = {"A": 70, "B": 55, "C": 40}
    edited = yaml.safe_dump(data, allow_unicode=True)
    headers = {"content-type": "application/yaml"}
    assert httpx.post(f"{base}/api/value/profiles", content=edited, headers=headers).status_code == 401
    denied = enterprise.post("/api/value/profiles", content=edited.encode(), headers=headers)
    assert denied.status_code == 403
    operator = api_client(base, "operator")
    saved = operator.post("/api/value/profiles", content=edited.encode(), headers=headers)
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 2 and saved.json()["grade_thresholds"]["A"] == 70
    as_json = operator.post("/api/value/profiles", json={**data, "grade_thresholds": {"A": 72, "B": 55, "C": 40}})
    assert as_json.status_code == 201 and as_json.json()["version"] == 3
    impossible = operator.post("/api/value/profiles", content=edited.encode() + b"\nreviewed: 2026-02-30\n",
                               headers=headers)  # PyYAML raises ValueError, not YAMLError, for this date
    assert impossible.status_code == 422 and "not valid YAML" in impossible.json()["error"]["message"]
    bad = operator.post("/api/value/profiles", json={**data, "weights": {"moral": {"weight": 1, "indicators": {}}}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "weights.moral"
    versions = enterprise.get("/api/value/profiles", params={"all": "true"}).json()
    pledge = [(p["version"], p["is_active"]) for p in versions if p["name"] == "pledge_default"]
    assert pledge == [(1, False), (2, False), (3, True)]
    log = api_client(base, "admin").get("/api/audit", params={"entity": "value_profiles"}).json()["items"]
    assert any(entry["actor_name"] == "operator" for entry in log)
    # re-scoring is for operators too; the new version is used at once
    assert enterprise.post("/api/value/compute").status_code == 403
    computed = operator.post("/api/value/compute", params={"scenario": "pledge"})
    assert computed.status_code == 200 and computed.json()["scenarios"]["pledge"]["version"] == 3
    assert operator.post("/api/value/compute", params={"scenario": "nonsense"}).status_code == 422


def test_cli_show_and_compute_print_json(platform):
    _, home, (patent_id, key) = platform
    shown = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "show", key, "--json", "--home", str(home)],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    value = json.loads(shown.stdout)
    assert value["patent_id"] == patent_id and value["scores"]["licensing"]["grade"] in "ABCD"
    missing = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "show", "CN999999999A", "--home", str(home)],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "no patent" in missing.stderr
    computed = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "compute", "--scenario", "pledge",
                               "--json", "--home", str(home)], capture_output=True, text=True, timeout=300)
    assert computed.returncode == 0, computed.stderr
    summary = json.loads(computed.stdout)
    assert summary["patents"] > 0 and set(summary["scenarios"]) == {"pledge"}
    assert summary["scenarios"]["pledge"]["profile"] == "pledge_default" and summary["seconds"] >= 0
