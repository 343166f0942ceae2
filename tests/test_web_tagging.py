"""§2 deep indexing through the web platform: taxonomies, classification, tags on patents, the review queue."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    home = tmp_path_factory.mktemp("tagging")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    db.dispose()
    tagged = subprocess.run([sys.executable, "-m", "lingxi.cli", "tag", "run", "--taxonomy", "chain_pv",
                             "--home", str(home)], capture_output=True, text=True, timeout=600)
    assert tagged.returncode == 0, tagged.stdout + tagged.stderr
    with running_server(home) as base:
        yield base


def test_taxonomies_are_listed_and_free_text_is_classified_with_evidence(platform):
    client = api_client(platform, "enterprise")
    names = {t["name"] for t in client.get("/api/taxonomies").json()}
    assert {"sei_2018", "wipo_35", "chain_pv", "chain_h2", "chain_ev"} <= names
    answer = client.post("/api/classify", json={"taxonomy": "chain_pv", "text": "一种钙钛矿太阳能电池的空穴传输层及其制备方法"})
    assert answer.status_code == 200
    best = answer.json()[0]
    assert best["confidence"] > 0 and best["evidence_text"]
    page = browser_session(platform, "enterprise").get("/tagging", params={"taxonomy": "chain_pv",
                                                                             "text": "钙钛矿太阳能电池"})
    assert 'id="classification"' in page.text


def test_patent_pages_show_tags_and_the_api_lists_them(platform):
    operator = api_client(platform, "operator")
    queue = operator.get("/api/tags/review-queue", params={"taxonomy": "chain_pv"}).json()
    assert queue["total"] > 0
    patent_id = queue["items"][0]["patent_id"]
    tags = operator.get(f"/api/patents/{patent_id}/tags").json()
    assert tags["tags"]["chain_pv"]
    page = browser_session(platform, "operator").get(f"/patents/{patent_id}")
    assert 'id="tags"' in page.text and "chain_pv" in page.text
    missing = operator.get("/api/patents/987654321/tags")  # like every other patent endpoint: 404, not empty lists
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_review_is_for_operators_and_is_recorded(platform):
    enterprise = api_client(platform, "enterprise")
    assert enterprise.get("/api/tags/review-queue", params={"taxonomy": "chain_pv"}).status_code == 403
    operator = api_client(platform, "operator")
    first = operator.get("/api/tags/review-queue", params={"taxonomy": "chain_pv"}).json()["items"][0]
    assert enterprise.post(f"/api/tags/{first['id']}/review", json={"action": "accept"}).status_code == 403
    accepted = operator.post(f"/api/tags/{first['id']}/review", json={"action": "accept"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["reviewer_id"] is not None
    log = api_client(platform, "admin").get("/api/audit", params={"entity": "patent_tags",
                                                                  "entity_id": first["id"]}).json()["items"]
    assert log and log[0]["actor_name"] == "operator" and log[0]["after"]["status"] == "accepted"
    # the page's review form does the same with the session's CSRF token
    browser = browser_session(platform, "operator")
    review = browser.get("/tagging/review", params={"taxonomy": "chain_pv"})
    assert 'id="review-queue"' in review.text
    second = operator.get("/api/tags/review-queue", params={"taxonomy": "chain_pv"}).json()["items"][0]
    done = browser.post(f"/tagging/review/{second['id']}", data={"action": "reject", "taxonomy": "chain_pv",
                                                                 "csrf_token": csrf_of(review.text)})
    assert done.status_code == 303


def test_taxonomy_edited_as_yaml_becomes_a_new_version_and_bad_yaml_is_explained(platform):
    operator = browser_session(platform, "operator")
    page = operator.get("/tagging/taxonomies/chain_h2")
    assert page.status_code == 200 and 'id="taxonomy-nodes"' in page.text
    yaml_text = operator.get("/tagging/taxonomies/chain_h2/export.yaml").text
    edited = yaml_text.replace("title_zh:", "title_zh: 修订版", 1) if "title_zh: " in yaml_text else yaml_text
    saved = operator.post("/tagging/taxonomies/chain_h2", data={"yaml_text": edited,
                                                                "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303 and "saved=2" in saved.headers["location"]
    versions = [t["version"] for t in api_client(platform, "operator").get("/api/taxonomies").json()
                if t["name"] == "chain_h2"]
    assert max(versions) == 2
    broken = operator.post("/tagging/taxonomies/chain_h2", data={"yaml_text": yaml_text + "\n  - key: [oops\n",
                                                                 "csrf_token": csrf_of(page.text)})
    assert broken.status_code == 422 and 'id="taxonomy-error"' in broken.text
    enterprise = browser_session(platform, "enterprise")
    assert enterprise.post("/tagging/taxonomies/chain_h2", data={"yaml_text": yaml_text, "csrf_token": csrf_of(
        enterprise.get("/tagging/taxonomies/chain_h2").text)}).status_code == 403
    assert httpx.get(f"{platform}/api/taxonomies").status_code == 401


def test_abstract_rewriting_falls_back_offline_and_translation_says_it_is_unavailable(platform):
    client = api_client(platform, "supplier")
    patent_id = client.get("/api/patents", params={"q": "电池", "page_size": 1}).json()["items"][0]["id"]
    rewritten = client.post(f"/api/patents/{patent_id}/rewrite").json()
    assert rewritten["available"] is True and rewritten["provider"] == "offline" and rewritten["text"]
    translated = client.post(f"/api/patents/{patent_id}/translate", params={"target": "en"}).json()
    assert translated["available"] is False and "LINGXI_GENERATION_URL" in translated["note"]
    browser = browser_session(platform, "supplier")
    page = browser.get(f"/patents/{patent_id}")
    assert 'id="translate-button"' in page.text
    fragment = browser.post(f"/patents/{patent_id}/generate", data={"task": "translate", "target": "en"},
                            headers={"X-CSRF-Token": csrf_of(page.text)})
    assert fragment.status_code == 200 and 'data-available="false"' in fragment.text


def test_an_operator_creates_a_taxonomy_in_the_ui(platform):
    operator = browser_session(platform, "operator")
    page = operator.get("/tagging")
    assert page.text.count('id="new-taxonomy-form"') == 1  # once, in the page body (not in <title> too)
    yaml_text = ("name: lab_chain\nkind: chain\ntitle_zh: 实验产业链\nnodes:\n  - key: up\n    name_zh: 上游\n"
                 "    stream: upstream\n  - key: up.cells\n    parent: up\n    name_zh: 电池片\n"
                 "    keywords_zh: [电池片, 钝化]\n")
    created = operator.post("/tagging/taxonomies", data={"yaml_text": yaml_text, "csrf_token": csrf_of(page.text)})
    assert created.status_code == 303 and created.headers["location"].startswith("/tagging/taxonomies/lab_chain")
    classified = api_client(platform, "operator").post("/api/classify", json={"taxonomy": "lab_chain",
                                                                             "text": "一种电池片的钝化方法"}).json()
    assert {"up.cells", "up"} <= {c["node"] for c in classified}  # the branch and, implied, its stream
    bad = operator.post("/tagging/taxonomies", data={"yaml_text": "name: x\nnodes: 3\n", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 422 and 'id="taxonomy-error"' in bad.text
