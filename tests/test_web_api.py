"""The REST API over real HTTP: authentication, permissions per role and record, conventions, audit, imports.

The platform runs as `lingxi serve` against SQLite and against PostgreSQL, with the demo accounts.
"""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from serving import api_client, browser_session, csrf_of, running_server

from lingxi.db import open_database
from lingxi.demo.loader import load_demo

PUBLIC = {("POST", "/api/auth/token"), ("GET", "/api/health")}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def platform(request, tmp_path_factory):
    home = tmp_path_factory.mktemp(f"api-{request.param}")
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("module_postgres_url")
    db = open_database(url or f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=150)
    db.dispose()
    with running_server(home, url) as base:
        yield base


def _routes(base: str):
    schema = httpx.get(f"{base}/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method.upper(), path


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_endpoint_refuses_a_call_without_credentials(platform):
    checked = 0
    for method, path in _routes(platform):
        if (method, path) in PUBLIC:
            continue
        answer = httpx.request(method, platform + _concrete(path))
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.json()["error"]["code"] == "not_authenticated"
        assert answer.headers["www-authenticate"] == "Bearer"
        bad_token = httpx.request(method, platform + _concrete(path), headers={"Authorization": "Bearer lx_nope"})
        assert bad_token.status_code == 401, (method, path)
        checked += 1
    assert checked >= 20


# (username, method, path, expected status) — what each role may and may not do
ROLE_MATRIX = [
    ("regulator", "GET", "/api/stats", 200),
    ("regulator", "GET", "/api/organisations/stats", 200),
    ("regulator", "GET", "/api/organisations", 403),
    ("regulator", "GET", "/api/organisations/3", 403),
    ("regulator", "GET", "/api/imports", 403),
    ("regulator", "GET", "/api/users", 403),
    ("regulator", "GET", "/api/audit", 403),
    ("enterprise", "GET", "/api/imports", 403),
    ("enterprise", "POST", "/api/imports", 403),
    ("enterprise", "GET", "/api/users", 403),
    ("enterprise", "POST", "/api/users", 403),
    ("enterprise", "GET", "/api/audit", 403),
    ("enterprise", "POST", "/api/organisations", 403),
    ("supplier", "GET", "/api/imports", 403),
    ("broker", "GET", "/api/users", 403),
    ("financier", "GET", "/api/audit", 403),
    ("operator", "GET", "/api/imports", 200),
    ("operator", "GET", "/api/users", 403),
    ("operator", "GET", "/api/audit", 403),
    ("admin", "GET", "/api/users", 200),
    ("admin", "GET", "/api/audit", 200),
]


def test_roles_are_refused_what_they_may_not_do(platform):
    clients = {}
    for username, method, path, expected in ROLE_MATRIX:
        client = clients.setdefault(username, api_client(platform, username))
        body = {"username": "someone", "password": "secret-pass", "role": "broker"} if path == "/api/users" else {}
        if path == "/api/organisations" and method == "POST":
            body = {"name": "新机构", "kind": "enterprise"}
        if path == "/api/imports" and method == "POST":
            answer = client.post(path, files={"file": ("x.csv", b"title\nA\n")})
        else:
            answer = client.request(method, path, json=body or None)
        assert answer.status_code == expected, (username, method, path, answer.text)
        if expected == 403:
            assert answer.json()["error"]["code"] == "permission_denied"


def _organisation_id(client: httpx.Client, name: str) -> int:
    items = client.get("/api/organisations", params={"name": name}).json()["items"]
    return items[0]["id"]


def test_an_enterprise_cannot_read_or_change_another_enterprise(platform):
    enterprise = api_client(platform, "enterprise")
    own_id = enterprise.get("/api/auth/me").json()["organisation_id"]
    other_id = _organisation_id(enterprise, "云川晶硅")
    own = enterprise.get(f"/api/organisations/{own_id}")
    assert own.status_code == 200 and "contact_phone" in own.json()
    assert enterprise.get(f"/api/organisations/{other_id}").status_code == 403
    changed = enterprise.patch(f"/api/organisations/{other_id}", json={"notes": "偷改"})
    assert changed.status_code == 403
    directory = enterprise.get("/api/organisations", params={"page_size": 50}).json()["items"]
    other = next(o for o in directory if o["id"] == other_id)
    assert "contact_phone" not in other and "notes" not in other  # the confidential part stays hidden
    operator = api_client(platform, "operator")
    assert operator.get(f"/api/organisations/{other_id}").json()["notes"].startswith("演示机构")
    # its own file it may change, and the change is audited with before and after
    assert enterprise.patch(f"/api/organisations/{own_id}", json={"contact_name": "许航（研发）"}).status_code == 200
    audit = api_client(platform, "admin").get("/api/audit", params={"entity": "organisations",
                                                                      "entity_id": own_id}).json()["items"]
    latest = audit[0]
    assert latest["actor_name"] == "enterprise" and latest["action"] == "update"
    assert latest["after"] == {"contact_name": "许航（研发）"} and latest["before"]["contact_name"] == "许航"


def test_an_organisation_file_cannot_be_broken_by_a_change(platform):
    # What the database would refuse is the caller's error, with the field named, and the file stays as it was
    operator = api_client(platform, "operator")
    own_id = api_client(platform, "enterprise").get("/api/auth/me").json()["organisation_id"]
    other = operator.get(f"/api/organisations/{_organisation_id(operator, '云川晶硅')}").json()
    before = operator.get(f"/api/organisations/{own_id}").json()
    for change, status, field in (({"name": None}, 422, "name"), ({"name": "  "}, 422, "name"),
                                  ({"kind": None}, 422, "kind"), ({"party_id": -1}, 422, "party_id"),
                                  ({"name": other["name"]}, 409, "name"), ({"city": "长" * 500}, 422, "city")):
        answer = operator.patch(f"/api/organisations/{own_id}", json=change)
        assert answer.status_code == status and answer.json()["error"]["field"] == field, (change, answer.text)
    assert operator.get(f"/api/organisations/{own_id}").json() == before


def test_conventions_pages_errors_and_iso_dates(platform):
    client = api_client(platform, "operator")
    page = client.get("/api/patents", params={"page": 2, "page_size": 5}).json()
    assert set(page) == {"items", "total", "page", "page_size", "pages"}
    assert page["page"] == 2 and len(page["items"]) == 5 and page["total"] == 150 and page["pages"] == 30
    dated = next(p for p in page["items"] if p["publication_date"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dated["publication_date"])
    too_big = client.get("/api/patents", params={"page_size": 1000})
    assert too_big.status_code == 422
    assert too_big.json()["error"] == {"code": "invalid_input", "message": too_big.json()["error"]["message"],
                                       "field": "page_size"}
    wrong_type = client.get("/api/patents", params={"page": "x"})
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["field"] == "page"
    missing = client.get("/api/patents/CN999999999A")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    filtered = client.get("/api/patents", params={"doc_type": "utility_model", "page_size": 200}).json()
    assert filtered["total"] > 0 and all(p["doc_type"] == "utility_model" for p in filtered["items"])
    first = client.get(f"/api/patents/{page['items'][0]['id']}").json()
    assert {"parties", "classifications", "legal_events", "citations", "cited_by"} <= set(first)


def test_admin_manages_users_and_the_new_account_works(platform):
    admin = api_client(platform, "admin")
    bank = _organisation_id(admin, "青峦银行")
    created = admin.post("/api/users", json={"username": "loan-officer", "password": "good-pass-1",
                                              "role": "financier", "organisation_id": bank})
    assert created.status_code == 201, created.text
    assert admin.post("/api/users", json={"username": "loan-officer", "password": "good-pass-1",
                                          "role": "financier", "organisation_id": bank}).status_code == 409
    wrong_org = admin.post("/api/users", json={"username": "bad-member", "password": "good-pass-1",
                                               "role": "enterprise", "organisation_id": bank})
    assert wrong_org.status_code == 422 and wrong_org.json()["error"]["field"] == "organisation_id"
    officer = api_client(platform, "loan-officer", "good-pass-1")
    assert officer.get("/api/auth/me").json()["role"] == "financier"
    officer_browser = browser_session(platform, "loan-officer", "good-pass-1")
    assert officer_browser.get("/account").status_code == 200  # the server now remembers this session's owner
    user_id = created.json()["id"]
    assert admin.patch(f"/api/users/{user_id}", json={"is_active": False}).json()["is_active"] is False
    assert officer.get("/api/auth/me").status_code == 401  # a deactivated account's tokens stop working
    assert officer_browser.get("/account").status_code == 303  # … and its browser sessions, at once
    log = admin.get("/api/audit", params={"entity": "users", "entity_id": user_id}).json()["items"]
    assert [e["action"] for e in log] == ["update", "create"]
    assert log[1]["after"]["password_hash"] == "***" and log[0]["after"] == {"is_active": False}


def test_token_lifecycle_and_password_change(platform):
    first = api_client(platform, "broker")
    created = first.post("/api/auth/tokens", json={"name": "crm sync"})
    assert created.status_code == 201
    second = httpx.Client(base_url=platform, headers={"Authorization": f"Bearer {created.json()['token']}"})
    assert second.get("/api/auth/me").json()["username"] == "broker"
    listed = first.get("/api/auth/tokens").json()
    assert any(t["name"] == "crm sync" and "token" not in t for t in listed)
    assert first.delete(f"/api/auth/tokens/{created.json()['id']}").status_code == 200
    assert second.get("/api/auth/me").status_code == 401
    wrong = first.post("/api/auth/password", json={"current_password": "nope", "new_password": "new-pass-12"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "current_password"
    # Both tokens were made by the broker: the one issued for a password as well as the one made with a token
    admin = api_client(platform, "admin")
    broker = first.get("/api/auth/me").json()["id"]
    log = admin.get("/api/audit", params={"entity": "api_tokens", "page_size": 200}).json()["items"]
    made = [e for e in log if e["action"] == "create" and e["after"]["user_id"] == broker]
    assert len(made) >= 2 and {e["actor_name"] for e in made} == {"broker"}


CALLERS_ERRORS = ("not_found", "conflict", "invalid_input", "permission_denied")


def test_an_id_beyond_the_databases_integers_is_the_callers_error_on_every_endpoint(platform):
    # The database refuses such a number (SQLite's driver cannot bind 25 digits, PostgreSQL's INTEGER ends at
    # 2**31 - 1): every endpoint answers with the error body, never a 500, and the connection stays usable
    client = api_client(platform, "operator")
    checked = 0
    for method, path in _routes(platform):
        if "{" not in path:
            continue
        for number in ("9" * 25, str(2**31)):
            answer = client.request(method, re.sub(r"\{[^}]+\}", number, path), json={})
            assert answer.status_code < 500, (method, path, number, answer.text)
            if answer.status_code >= 400:  # (2**31 is an ordinary id to SQLite: some lists are simply empty)
                assert answer.json()["error"]["code"] in CALLERS_ERRORS, (method, path)
        checked += 1
    assert checked >= 60
    assert client.get("/api/auth/me").status_code == 200
    assert browser_session(platform, "operator").get(f"/enterprises/{'9' * 25}").status_code in (404, 422)


def test_browser_sessions_need_the_csrf_token_to_change_anything(platform):
    client = browser_session(platform, "enterprise")
    account = client.get("/account")
    assert client.post("/account/tokens", data={"name": "no csrf"}).status_code == 403
    assert client.post("/api/auth/tokens", json={"name": "no csrf"}).status_code == 403
    token = csrf_of(account.text)
    assert client.post("/api/auth/tokens", json={"name": "with csrf"},
                       headers={"X-CSRF-Token": token}).status_code == 201
    made = client.post("/account/tokens", data={"name": "form", "csrf_token": token})
    assert made.status_code == 200 and 'id="new-token"' in made.text
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert client.get("/account").status_code == 303  # the session is gone


def test_wrong_password_does_not_log_in(platform):
    client = httpx.Client(base_url=platform)
    form = client.get("/login")
    answer = client.post("/login", data={"username": "operator", "password": "wrong", "csrf_token": csrf_of(form.text)})
    assert answer.status_code == 401 and "用户名或密码错误" in answer.text
    forged = httpx.post(f"{platform}/login", data={"username": "operator", "password": "lingxi-demo",
                                                   "csrf_token": "forged"})
    assert forged.status_code == 403


def _finished_job(client: httpx.Client, job_id: int) -> dict:
    deadline = time.monotonic() + 60
    while (job := client.get(f"/api/imports/{job_id}").json())["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return job


def _imported(client: httpx.Client, answer: httpx.Response) -> dict:
    assert answer.status_code == 202, answer.text
    return _finished_job(client, answer.json()["id"])


def test_upload_import_reports_progress_and_rejections(platform, tmp_path):
    operator = api_client(platform, "operator")
    rows = "标题,申请号,申请日,公开(公告)号,申请(专利权)人\n"
    rows += "一种测试用锂电池隔膜,CN202310000001.5,2023-01-05,CN115000001A,青峦大学\n"
    rows += "一种坏日期的专利,CN202310000002.X,2023-13-45,CN115000002A,青峦大学\n"
    job = _imported(operator, operator.post("/api/imports", files={"file": ("上传测试.csv", rows.encode("gb18030"))}))
    job_id = job["id"]
    assert job["status"] == "finished" and job["new"] == 1 and job["rejected"] == 1 and job["percent"] == 100
    report = operator.get(f"/api/imports/{job_id}/rejections.csv")
    assert report.content.startswith("\ufeff".encode()) and "CN202310000002" in report.text
    audit = api_client(platform, "admin").get("/api/audit", params={"entity": "import_jobs"}).json()["items"]
    assert any(e["entity_id"] == str(job_id) and e["actor_name"] == "operator" for e in audit)


def test_upload_import_keeps_descriptions_only_when_asked(platform):
    operator = api_client(platform, "operator")
    record = {"publication_number": "CN115000009A", "title": "一种带说明书的测试专利", "description": "技术领域\n本发明涉及测试。"}
    upload = {"file": ("说明书.jsonl", json.dumps(record, ensure_ascii=False).encode())}
    job = _imported(operator, operator.post("/api/imports", files=upload))
    assert (job["new"], job["descriptions_left_out"]) == (1, 1)
    assert operator.get("/api/patents/CN115000009A").json()["description"] is None
    job = _imported(operator, operator.post("/api/imports", files=upload, data={"with_description": "true"}))
    assert (job["updated"], job["descriptions_left_out"]) == (1, 0)
    assert operator.get("/api/patents/CN115000009A").json()["description"] == record["description"]

    # The upload page offers the choice, and a job that left descriptions out says so.
    browser = browser_session(platform, "operator")
    page = browser.get("/imports")
    assert 'name="with_description"' in page.text and "保存说明书全文" in page.text
    upload = {"file": ("说明书2.jsonl", json.dumps({**record, "publication_number": "CN115000010A"}).encode())}
    answer = browser.post("/imports", files=upload, data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text
    job_page = answer.headers["location"]
    assert _finished_job(operator, int(job_page.rsplit("/", 1)[1]))["descriptions_left_out"] == 1
    assert "1 件文献的说明书全文未保存" in browser.get(job_page).text
    # The history names the uploaded file, not the folder the server stored it in.
    history = browser.get("/imports").text.split('id="import-history"')[1]
    assert ">说明书2.jsonl</td>" in history and "/uploads/" in history.split("</table>")[0]  # (the full path on hover)
    assert ">说明书2.jsonl</td>" in browser.get("/").text.split('id="recent-imports"')[1]


def test_search_api_answers_field_queries_with_facets_and_errors_with_positions(platform):
    client = api_client(platform, "regulator")  # reading patents is open to every role
    found = client.get("/api/search", params={"q": "TI=电池", "page_size": 5})
    assert found.status_code == 200
    body = found.json()
    assert {"items", "total", "page", "page_size", "pages", "facets", "took_ms"} <= set(body)
    assert body["total"] > 0 and len(body["items"]) == 5
    assert all("电池" in hit["title"] for hit in body["items"])
    assert "<mark>电池</mark>" in body["items"][0]["highlights"]["title"]
    kinds = {b["value"]: b["count"] for b in body["facets"]["doc_type"]}
    assert sum(kinds.values()) == body["total"]
    narrowed = client.get("/api/search", params={"q": "TI=电池", "filters": "KIND=invention"}).json()
    assert narrowed["total"] == kinds["invention"]
    broken = client.get("/api/search", params={"q": "TI=(电池 AND"})
    assert broken.status_code == 422
    error = broken.json()["error"]
    assert error["code"] == "query_syntax" and error["field"] == "q" and error["position"] == len("TI=(电池 AND")  # the end, where ")" or a term was due
    assert "Traceback" not in broken.text
    export = client.get("/api/search/export", params={"q": "TI=电池", "format": "csv"})
    assert export.status_code == 200 and export.text.count("\n") == body["total"] + 1


def test_operators_register_organisations_on_a_page(platform):
    """权利人名录 from the web: an enterprise holder registered as state-owned is typed so and found by APT=soe."""
    operator = api_client(platform, "operator")
    holder = operator.get("/api/search", params={"q": "APT=enterprise", "page_size": 1}).json()["items"][0]
    name = holder["applicants"][0]
    query = {"q": f'APT=soe AND AP="{name}"', "page_size": 1}
    before = operator.get("/api/search", params=query).json()["total"]

    browser = browser_session(platform, "operator")
    page = browser.get("/parties/register")
    assert page.status_code == 200 and 'id="register-form"' in page.text
    assert 'href="/parties/register"' in browser.get("/imports").text
    listed = f"名称,类型,省份\n{name},国企,\n王磊,企业,\n".encode("gbk")
    answer = browser.post("/parties/register", files={"file": ("国企名单.csv", listed)},
                          data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 200, answer.text
    assert "新登记 1 个" in answer.text and "第 3 行" in answer.text and "person" in answer.text
    assert f"<td>{name}</td><td>国有企业</td>" in answer.text and "国企名单.csv" in answer.text
    assert operator.get("/api/search", params=query).json()["total"] > before

    refused = browser.post("/parties/register", files={"file": ("list.pdf", b"%PDF")},
                           data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 422 and ".csv or .xlsx" in refused.text
    assert browser_session(platform, "enterprise").get("/parties/register").status_code == 403
    audit = api_client(platform, "admin").get("/api/audit", params={"entity": "registered_organisations"}).json()
    assert any(e["actor_name"] == "operator" for e in audit["items"])
