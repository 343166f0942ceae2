"""The web platform as served by `lingxi serve`: a real uvicorn process answering real HTTP."""

from __future__ import annotations

import httpx
import pytest
from serving import api_client, browser_session, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo


@pytest.fixture(scope="module")
def served_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    db.dispose()
    with running_server(home) as base:
        yield base


def test_health_is_public_and_status_needs_credentials(served_home):
    assert httpx.get(served_home + "/api/health").json()["status"] == "ok"
    refused = httpx.get(served_home + "/api/status")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert httpx.get(served_home + "/api/openapi.json").json()["info"]["title"] == "Lingxi 灵犀"
    status = api_client(served_home, "operator").get("/api/status").json()
    assert status["matching_warm_up"] == {"state": "off", "seconds": None, "error": None}  # LINGXI_WARM_UP_MATCHING=false


def test_pages_redirect_to_login_until_signed_in(served_home):
    answer = httpx.get(served_home + "/patents?q=x")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/patents%3Fq%3Dx"
    login = httpx.get(served_home + "/login")
    assert '<html lang="zh-CN">' in login.text and "登录" in login.text


def test_dashboard_in_chinese_and_english(served_home):
    client = browser_session(served_home, "operator")
    home = client.get("/")
    assert home.status_code == 200
    assert "灵犀" in home.text and "产业知识产权运营服务平台" in home.text
    assert "虚构" in home.text  # the demo data is labelled fictional
    for chart in ("chart-year", "chart-type", "chart-applicant-type", "chart-region"):
        assert f'id="{chart}"' in home.text
    assert 'id="recent-imports"' in home.text
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Dashboard" in english.text and "Welcome" in english.text
    # the choice is remembered (cookie) on the next page
    assert "Patent search" in client.get("/patents").text


def test_search_detail_and_area_pages(served_home):
    client = browser_session(served_home, "enterprise")
    results = client.get("/patents", params={"q": "电池"})
    assert results.status_code == 200 and 'id="results"' in results.text
    # facet values in the page's language: the legal-status buckets by their Chinese names
    facets = results.text.split('id="facets"')[1].split("</aside>")[0]
    assert ">有效</a>" in facets and ">valid</a>" not in facets
    first = results.text.split('<a href="/patents/')[1].split('"')[0]
    detail = client.get(f"/patents/{first}")
    assert detail.status_code == 200
    for section in ("patent-title", "parties", "classifications", "legal-events", "citations"):
        assert f'id="{section}"' in detail.text
    for key, url in (("market", "/market"), ("talent", "/talent")):  # every SPEC area is built: old links lead there
        built = client.get(f"/areas/{key}", follow_redirects=False)
        assert built.status_code == 302 and built.headers["location"] == url
    assert client.get("/areas/nonsense").status_code == 404


def test_no_route_is_hidden_by_an_earlier_one(tmp_path):
    """Routers are included busiest first (lingxi/web/app.py): the order must never change which route answers.
    For every route, a request to its own path (parameters filled in) is answered by a route of that path."""
    import re

    from starlette.routing import compile_path

    from lingxi.settings import load_settings
    from lingxi.web.app import create_app

    def flatten(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from flatten(inner.routes)
            elif getattr(route, "methods", None) and getattr(route, "path", None):
                yield route

    app = create_app(load_settings(tmp_path))
    routes = [(route, compile_path(route.path)[0]) for route in flatten(app.router.routes)]
    assert len(routes) > 150 and any(route.path == "/patents/{identifier}" for route, _ in routes)
    for route, own_pattern in routes:
        for value in ("1", "x"):
            path = re.sub(r"\{[^}]+\}", value, route.path)
            if not own_pattern.match(path):  # e.g. "x" for an {id:int}
                continue
            for method in route.methods:
                first = next(other for other, pattern in routes if pattern.match(path) and method in other.methods)
                # (a path registered twice is answered by its first registration whatever the order of the rest)
                assert first.path == route.path, f"{method} {path}: answered by {first.path} ({first.endpoint.__name__})"


def _crawl(client, start: str = "/") -> tuple[set[str], list[tuple[str, str, list]]]:
    """Every page reachable from `start`, one per path shape (ids as N), each asserted to answer 200; and the GET
    forms found on them as (page, action, the values a browser would send)."""
    import re
    from urllib.parse import urljoin

    import lxml.html

    shapes, queue, forms = set(), [start], []
    while queue:
        path = queue.pop(0)
        answer = client.get(path)
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
        document = lxml.html.fromstring(answer.text)
        for form in document.forms:
            if (form.method or "GET").upper() == "GET":
                forms.append((path, urljoin(path, form.action or path), form.form_values()))
        for href in document.xpath("//a/@href"):
            href = href.split("#")[0]
            if not href.startswith("/") or re.match(r"/(api|static)/|/logout|.*(export|download)", href):
                continue
            shape = re.sub(r"/\d+", "/N", href.split("?")[0])
            if shape not in shapes:
                shapes.add(shape)
                queue.append(href)
    return shapes, forms


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("role", ["admin", "operator", "supplier", "enterprise", "broker", "financier", "regulator"])
def test_every_link_and_search_form_answers_for_every_role(served_home, role, language):
    """No page links a user to an error (the operator's 我的企业档案 led to a 404: an operations centre has no
    enterprise file), and browsers send a GET form's blank fields as `name=`, which a page must read as not given
    (an empty 需求编号 on the matching form answered 422). Every page reachable from the dashboard, one per path
    shape, is visited in each language and each of its GET forms submitted with the values a browser would send."""
    from urllib.parse import urlencode

    client = browser_session(served_home, role)
    shapes, forms = _crawl(client, f"/?lang={language}")  # the choice is kept (cookie) for the pages that follow
    assert ('<html lang="en">' in client.get("/patents").text) == (language == "en")
    assert len(shapes) > 20
    for page, action, values in forms:
        answer = client.get(action.split("?")[0] + "?" + urlencode(values))
        assert answer.status_code == 200, f"form on {page} → {action}?{urlencode(values)}: {answer.status_code}"


def test_blank_form_fields_are_not_given_on_pages_but_refused_by_the_api(served_home):
    from urllib.parse import urlencode

    client = browser_session(served_home, "operator")
    matched = client.get("/matching?" + urlencode({"text": "光伏组件表面自动清洁", "demand_id": "", "top_k": "5",
                                                    "region": ""}))
    assert matched.status_code == 200 and 'id="match-results"' in matched.text
    refused = client.get("/matching?demand_id=abc")
    assert refused.status_code == 422 and "输入有误" in refused.text and "demand_id" in refused.text
    token = client.post("/api/auth/token", json={"username": "operator", "password": "lingxi-demo"}).json()["token"]
    strict = client.get("/api/patents?page_size=", headers={"Authorization": f"Bearer {token}"})
    assert strict.status_code == 422 and strict.json()["error"]["field"] == "page_size"
