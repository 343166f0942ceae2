"""Saved searches (已保存检索) through the real platform (`lingxi serve` over 200 demo patents, SQLite): the REST API
with its error bodies and statuses, who may read / run / change / delete, the search page's "保存检索", the
"我的检索" page (run, rename, delete, navigation link), the OpenAPI document and the `lingxi saved-search` CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.search.demo import seed_demo


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("saved-web")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    seed_demo(db)
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


def test_api_saves_lists_runs_renames_and_deletes(platform):
    assert httpx.get(platform + "/api/saved-searches").status_code == 401
    me = api_client(platform, "enterprise")
    created = me.post("/api/saved-searches", json={"name": "电池 API", "query": "TI=(电池)", "filters": "AD>=2015",
                                                   "sort": "date"})
    assert created.status_code == 201, created.text
    row = created.json()
    assert (row["name"], row["mode"], row["owner"], row["scope"]) == ("电池 API", "keyword", "enterprise",
                                                                      f"saved:{row['id']}")
    listed = me.get("/api/saved-searches", params={"page_size": 1})
    assert listed.status_code == 200
    assert {"items", "total", "page", "page_size", "pages"} <= set(listed.json())
    assert listed.json()["items"][0]["id"] == row["id"]
    run = me.get(f"/api/saved-searches/{row['id']}/run", params={"page_size": 5})
    assert run.status_code == 200, run.text
    direct = me.get("/api/search", params={"q": "TI=(电池)", "filters": "AD>=2015", "sort": "date", "page_size": 5})
    assert run.json()["total"] == direct.json()["total"] > 0
    assert [h["patent_id"] for h in run.json()["items"]] == [h["patent_id"] for h in direct.json()["items"]]
    assert run.json()["saved_search"]["id"] == row["id"]
    renamed = me.patch(f"/api/saved-searches/{row['id']}", json={"name": "电池（改名）"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "电池（改名）"
    assert renamed.json()["query"] == "TI=(电池)"  # only the fields sent change
    assert me.delete(f"/api/saved-searches/{row['id']}").status_code == 204
    gone = me.get(f"/api/saved-searches/{row['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_api_refuses_bad_input_with_the_field(platform):
    me = api_client(platform, "supplier")
    bad = me.post("/api/saved-searches", json={"name": "坏", "query": "TI=(电池"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "query" and bad.json()["error"]["code"] == "invalid_input"
    assert me.post("/api/saved-searches", json={"name": "坏", "query": "TI=(电池)", "mode": "fuzzy"}).status_code == 422
    assert me.post("/api/saved-searches", json={"query": "TI=(电池)"}).json()["error"]["field"] == "name"
    first = me.post("/api/saved-searches", json={"name": "重名", "query": "TI=(电池)"})
    assert first.status_code == 201
    clash = me.post("/api/saved-searches", json={"name": "重名", "query": "TI=(光伏)"})
    assert clash.status_code == 409 and clash.json()["error"]["field"] == "name"
    assert me.get("/api/saved-searches", params={"page_size": 500}).status_code == 422
    me.delete(f"/api/saved-searches/{first.json()['id']}")


def test_another_user_cannot_read_run_change_or_delete_mine(platform):
    owner = api_client(platform, "enterprise")
    row = owner.post("/api/saved-searches", json={"name": "私有", "query": "TI=(电池)"}).json()
    url = f"/api/saved-searches/{row['id']}"
    for someone in ("supplier", "regulator"):
        other = api_client(platform, someone)
        assert other.get(url).status_code == 403
        assert other.get(url + "/run").status_code == 403
        assert other.patch(url, json={"name": "我的了"}).status_code == 403
        refused = other.delete(url)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
        assert row["id"] not in {r["id"] for r in other.get("/api/saved-searches").json()["items"]}
        assert other.get("/api/saved-searches", params={"all": "true"}).status_code == 403
        nav = other.get("/api/navigation/analyses", params={"scope": f"saved:{row['id']}", "sections": "trends"})
        assert nav.status_code == 403
    operator = api_client(platform, "operator")
    assert operator.get(url).status_code == 200 and operator.get(url + "/run").status_code == 200
    everyone = operator.get("/api/saved-searches", params={"all": "true", "page_size": 200}).json()["items"]
    assert row["id"] in {r["id"] for r in everyone}
    assert operator.delete(url).status_code == 403
    assert owner.get(url).json()["name"] == "私有"  # still there, unchanged
    owner.delete(url)


def test_openapi_documents_the_endpoints(platform):
    schema = httpx.get(platform + "/api/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/saved-searches"])
    assert {"get", "patch", "delete"} <= set(paths["/api/saved-searches/{saved_id}"])
    assert "get" in paths["/api/saved-searches/{saved_id}/run"]


def test_pages_save_from_search_list_run_rename_navigate_and_delete(platform):
    browser = browser_session(platform, "operator")
    mine = browser.get("/saved-searches")
    assert mine.status_code == 200 and "钙钛矿/叠层光伏电池" in mine.text  # the demo's saved searches
    search = browser.get("/patents", params={"q": "TI=(光伏)", "filters": "AD>=2015"})
    assert 'id="save-search-form"' in search.text and "保存检索" in search.text
    token = csrf_of(search.text)
    saved = browser.post("/saved-searches", data={"name": "光伏页面", "q": "TI=(光伏)", "mode": "keyword",
                                                  "filters": "AD>=2015", "sort": "relevance",
                                                  "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/saved-searches?created=")
    saved_id = int(saved.headers["location"].rsplit("=", 1)[1])
    listing = browser.get("/saved-searches")
    assert "光伏页面" in listing.text and f'href="/navigation?scope=saved%3A{saved_id}"' in listing.text
    run = browser.get(f"/saved-searches/{saved_id}/run", follow_redirects=False)
    assert run.status_code == 303
    results = browser.get(run.headers["location"])
    assert 'id="saved-search-banner"' in results.text and "光伏页面" in results.text
    assert re.search(r'id="result-count">共 [1-9]', results.text)
    navigation = browser.get(f"/navigation?scope=saved:{saved_id}")
    assert f'value="saved:{saved_id}"' in navigation.text
    report = browser.post("/navigation/reports", data={"type": "industry", "scope": f"saved:{saved_id}",
                                                       "benchmark": "all", "csrf_token": token},
                          follow_redirects=False)
    assert report.status_code == 303 and "/navigation/reports/" in report.headers["location"], \
        report.headers["location"]
    # a duplicate name goes back to the search with the reason, the query and the name kept
    again = browser.post("/saved-searches", data={"name": "光伏页面", "q": "TI=(光伏)", "mode": "keyword",
                                                  "filters": "AD>=2015", "csrf_token": token}, follow_redirects=True)
    assert 'id="save-search-error"' in again.text and 'value="TI=(光伏)"' in again.text
    renamed = browser.post(f"/saved-searches/{saved_id}/rename", data={"name": "光伏页面（改）",
                                                                       "csrf_token": token}, follow_redirects=True)
    assert "光伏页面（改）" in renamed.text
    assert browser.post(f"/saved-searches/{saved_id}/delete", data={}, follow_redirects=False).status_code == 403
    deleted = browser.post(f"/saved-searches/{saved_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert deleted.status_code == 200 and "光伏页面" not in deleted.text
    # someone else's saved search: the run link is refused, not redirected to its query
    other = browser_session(platform, "supplier")
    demo_id = api_client(platform, "operator").get("/api/saved-searches").json()["items"][0]["id"]
    assert other.get(f"/saved-searches/{demo_id}/run", follow_redirects=False).status_code == 403


def test_cli_adds_lists_runs_and_deletes(home, platform):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "lingxi.cli", "saved-search", *args, "--home", str(home)],
                              capture_output=True, text=True, timeout=300, check=False)

    added = cli("add", "命令行检索", "TI=(电池)", "--user", "broker", "--filter", "AD>=2015", "--json")
    assert added.returncode == 0, added.stdout + added.stderr
    row = json.loads(added.stdout)
    assert row["owner"] == "broker" and row["filters"] == "AD>=2015"
    listed = cli("list", "--user", "broker", "--json")
    assert [r["name"] for r in json.loads(listed.stdout)["items"]] == ["命令行检索"]
    run = cli("run", str(row["id"]), "--user", "broker", "--json")
    assert run.returncode == 0, run.stderr
    direct = api_client(platform, "broker").get("/api/search", params={"q": "TI=(电池)", "filters": "AD>=2015"})
    assert json.loads(run.stdout)["total"] == direct.json()["total"] > 0
    refused = cli("delete", str(row["id"]), "--user", "supplier")
    assert refused.returncode == 2 and "another user" in refused.stderr
    bad = cli("add", "坏的", "TI=(电池", "--user", "broker")
    assert bad.returncode == 2 and "query" in bad.stderr
    assert cli("delete", str(row["id"]), "--user", "broker").returncode == 0
    assert cli("run", str(row["id"])).returncode == 2
