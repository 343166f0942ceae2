"""§9 navigation reports through the API, the pages and the CLI, and the three output formats: one server on demo
data (tagged and scored) for the module."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys

import httpx
import pytest
from docx import Document
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.navigation.report_types import TYPES
from lingxi.tagging.jobs import run_tagging
from lingxi.value.jobs import run_scoring


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("navigation")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=300)
    run_tagging(db, ["chain_pv"])
    run_scoring(db)
    db.dispose()
    return home


@pytest.fixture(scope="module")
def platform(home):
    with running_server(home) as base:
        yield base


@pytest.fixture(scope="module")
def report(platform):
    client = api_client(platform, "regulator")
    created = client.post("/api/navigation/reports",
                          json={"type": "industry", "scope": "chain:chain_pv", "settings": {"benchmark": "all"}})
    assert created.status_code == 201, created.text
    return created.json()


def test_api_needs_credentials_and_refuses_bad_scopes(platform):
    assert httpx.get(platform + "/api/navigation/reports").status_code == 401
    client = api_client(platform, "enterprise")
    bad = client.post("/api/navigation/reports", json={"type": "industry", "scope": "chain_pv"})
    assert bad.status_code == 422 and "chain:" in bad.text
    bad_type = client.post("/api/navigation/reports", json={"type": "planning", "scope": "chain:chain_pv"})
    assert bad_type.status_code == 422 and "talent" in bad_type.text
    missing = client.get("/api/navigation/analyses", params={"scope": "org:没有这家公司"})
    assert missing.status_code == 404


def test_analyses_endpoint_answers_the_sections_asked(platform):
    client = api_client(platform, "enterprise")
    answer = client.get("/api/navigation/analyses", params={"scope": "region:青峦", "sections": "trends,applicants"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert {"scope", "trends", "applicants"} <= set(data) and "matrix" not in data
    assert data["scope"]["patents"] > 0 and data["applicants"]["top"]
    query = client.get("/api/navigation/analyses", params={"scope": "query:TI=(电池)", "sections": "trends"})
    assert query.status_code == 200, query.text
    assert 0 < query.json()["scope"]["patents"] < 300


def test_report_records_scope_and_data_version_and_regenerates(platform, report):
    client = api_client(platform, "regulator")
    stored = client.get(f"/api/navigation/reports/{report['id']}").json()
    assert stored["scope"] == "chain:chain_pv" and stored["data_version"]["patents"] == 300
    assert stored["analyses"]["trends"]["total_filings"] > 0
    again = client.post(f"/api/navigation/reports/{report['id']}/regenerate")
    assert again.status_code == 201 and again.json()["identical"] is True
    listed = client.get("/api/navigation/reports").json()
    assert {report["id"], again.json()["report"]["id"]} <= {r["id"] for r in listed["items"]}


def test_pdf_has_cover_contents_numbered_sections_and_cjk_font(platform, report, tmp_path):
    client = api_client(platform, "regulator")
    pdf = client.get(f"/api/navigation/reports/{report['id']}/download", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed (make browser-deps installs it)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 10
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=False).stdout
    assert "WenQuanYi" in fonts  # Chinese set in the CJK font, embedded
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=False).stdout
    assert "产业规划类专利导航" in cover and "NAV-" in cover and not re.search(r"第\s*1\s*页", cover)  # no page number on the cover
    contents = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, check=False,
                              text=True).stdout
    assert "目录" in contents and re.search(r"14\s+结论与建议\s*\.+\s*\d+", contents)
    body = subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(path), "-"], capture_output=True, text=True, check=False).stdout
    assert re.search(r"第\s*4\s*页", body) and re.search(r"图\s*\d+-1", body)


def test_docx_has_a_heading_per_section_the_charts_and_conclusions_with_numbers(platform, report):
    client = api_client(platform, "regulator")
    answer = client.get(f"/api/navigation/reports/{report['id']}/download", params={"format": "docx"})
    assert answer.status_code == 200
    document = Document(io.BytesIO(answer.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    sections = TYPES["industry"].sections
    assert len(headings) == len(sections) and headings[1].startswith("2  专利申请与授权趋势")
    assert len(document.inline_shapes) >= 8  # charts as images
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(r"CR4=\d+\.\d%", text) and "HHI=" in text and "18 个月公开滞后" in text
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("图 2-1") for c in captions) and any(c.startswith("表 1-1") for c in captions)


def test_standalone_html_embeds_echarts_and_uses_no_cdn(platform, report):
    client = api_client(platform, "regulator")
    html = client.get(f"/api/navigation/reports/{report['id']}/download", params={"format": "html"}).text
    assert "echarts" in html and len(html) > 1_000_000  # the script is inside the file
    assert not re.search(r"<script[^>]+src=", html)
    assert 'class="chart"' in html and "data-option=" in html
    english = client.get(f"/api/navigation/reports/{report['id']}/download",
                         params={"format": "html", "lang": "en"}).text
    assert "Filing and grant trends" in english


def test_citation_network_in_the_figures_html_and_word(platform, report):
    client = api_client(platform, "regulator")
    c = client.get(f"/api/navigation/reports/{report['id']}").json()["analyses"]["citations"]
    assert c["edges"] > 0 and c["internal_edges"] + c["from_outside"] + c["to_outside"] == c["edges"]
    path = c["main_path"]
    assert len(path) >= 2 and path[0]["spc_in"] is None and all(p["spc_in"] > 0 for p in path[1:])
    years = [p["year"] for p in path]
    assert years == sorted(years)  # the main path runs forward in time
    drawn = {(e["source"], e["target"]) for e in c["graph"]["edges"] if e["main"]}
    assert drawn == {(a["key"], b["key"]) for a, b in zip(path, path[1:])}
    assert c["most_cited"][0]["cited"] >= c["most_cited"][-1]["cited"] > 0
    assert len(c["graph"]["nodes"]) <= max(60, len(path))
    html = client.get(f"/api/navigation/reports/{report['id']}/download", params={"format": "html"}).text
    assert "cartesian2d" in html and "__plain__" in html
    document = Document(io.BytesIO(client.get(f"/api/navigation/reports/{report['id']}/download",
                                              params={"format": "docx"}).content))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any("引证网络与技术主路径" in t for t in captions) and any("技术主路径（SPC" in t for t in captions)
    # a query scope (ids bound in the statement) answers the network too
    query = client.get("/api/navigation/analyses", params={"scope": "query:TI=(电池)", "sections": "citations"})
    assert query.status_code == 200, query.text
    assert query.json()["citations"]["nodes"] >= query.json()["citations"]["scope_nodes"]


def test_pages_choose_type_and_scope_show_the_report_and_offer_downloads(platform):
    browser = browser_session(platform, "enterprise")
    home = browser.get("/navigation")
    assert home.status_code == 200 and 'id="navigation-form"' in home.text
    token = csrf_of(home.text)
    refused = browser.post("/navigation/reports", data={"type": "rd", "scope": "node:chain_pv:pv.cell"})
    assert refused.status_code in (403, 400)
    made = browser.post("/navigation/reports", data={"csrf_token": token, "type": "rd",
                                                     "scope": "node:chain_pv:pv.cell", "benchmark": "chain:chain_pv"},
                        follow_redirects=False)
    assert made.status_code == 303, made.text
    page = browser.get(made.headers["location"])
    assert 'id="navigation-report-frame"' in page.text and "研发活动类专利导航" in page.text
    report_id = int(made.headers["location"].rsplit("/", 1)[1])
    view = browser.get(f"/navigation/reports/{report_id}/view")
    assert '<script src="/static/vendor/echarts.min.js">' in view.text and "技术功效矩阵" in view.text
    assert browser.get(f"/navigation/reports/{report_id}.docx").content[:2] == b"PK"
    bad = browser.post("/navigation/reports", data={"csrf_token": token, "type": "rd", "scope": "pv"},
                       follow_redirects=False)
    assert bad.status_code == 303 and "error=" in bad.headers["location"]


def test_cli_writes_html_pdf_and_docx(home, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "lingxi.cli", "report", "navigation", "--type", "talent",
                           "--scope", "chain:chain_pv", "--out", str(out), "--pdf", "--docx", "--home", str(home),
                           "--json"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["report"]["type"] == "talent" and len(answer["files"]) == 3
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html", ".pdf"]
    bad = subprocess.run([sys.executable, "-m", "lingxi.cli", "report", "navigation", "--type", "talent",
                          "--scope", "nowhere", "--out", str(out), "--home", str(home)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2 and "scope" in bad.stderr


def test_a_saved_search_is_a_scope_for_its_owner_only(platform):
    owner = api_client(platform, "enterprise")
    saved = owner.post("/api/saved-searches", json={"name": "电池检索", "query": "TI=(电池)", "filters": "AD>=2015"})
    assert saved.status_code == 201, saved.text
    scope = f"saved:{saved.json()['id']}"
    mine = owner.get("/api/navigation/analyses", params={"scope": scope, "sections": "trends"})
    assert mine.status_code == 200, mine.text
    # exactly the saved query's patents: the search's hit count, and the filters are applied
    hits = owner.get("/api/search", params={"q": "TI=(电池)", "filters": "AD>=2015", "page_size": 1}).json()["total"]
    unfiltered = owner.get("/api/navigation/analyses", params={"scope": "query:TI=(电池)", "sections": "trends"})
    assert mine.json()["scope"]["patents"] == hits > 0
    assert hits < unfiltered.json()["scope"]["patents"]
    other = api_client(platform, "supplier").get("/api/navigation/analyses", params={"scope": scope})
    assert other.status_code == 403
    assert api_client(platform, "operator").get("/api/navigation/analyses",
                                                params={"scope": scope, "sections": "trends"}).status_code == 200
    missing = owner.get("/api/navigation/analyses", params={"scope": "saved:99999"})
    assert missing.status_code == 404 and "saved:99999" in missing.json()["error"]["message"]


def test_a_report_on_a_saved_search_records_its_definition_and_notices_a_change(platform):
    owner = api_client(platform, "enterprise")
    saved = owner.post("/api/saved-searches", json={"name": "光伏检索", "query": "TI=(光伏)"}).json()
    created = owner.post("/api/navigation/reports",
                         json={"type": "rd", "scope": f"saved:{saved['id']}", "settings": {"benchmark": "all"}})
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    stored = owner.get(f"/api/navigation/reports/{report_id}").json()
    assert stored["data_version"]["saved_searches"] == {
        str(saved["id"]): {"query": "TI=(光伏)", "mode": "keyword", "filters": None, "sort": "relevance"}}
    same = owner.post(f"/api/navigation/reports/{report_id}/regenerate").json()
    assert same["identical"] is True and "saved_searches" not in same["changed_data"]
    changed = owner.patch(f"/api/saved-searches/{saved['id']}", json={"filters": "AD>=2020"})
    assert changed.status_code == 200, changed.text
    again = owner.post(f"/api/navigation/reports/{report_id}/regenerate").json()
    assert again["data_changed"] is True and "saved_searches" in again["changed_data"]
