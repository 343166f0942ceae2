"""Enterprise files (一企一档): Excel import, access rules, patent links through party clustering, the demo seed.

Runs on SQLite and PostgreSQL against a small demo province (patents imported and tagged, the area's demo seeded);
every test works in a transaction that is rolled back, so the tests do not depend on each other.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lingxi.accounts.principal import Principal
from lingxi.db import open_database
from lingxi.db.models import (
    Demand,
    EnterprisePatentLink,
    EnterpriseProfile,
    Organisation,
    Party,
    TrainingRecord,
    User,
)
from lingxi.demo.loader import load_demo
from lingxi.enterprises import excel_import, files, patent_links
from lingxi.enterprises.demo import seed_demo
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.market import deals
from lingxi.patents.importing import run_import
from lingxi.tagging.jobs import run_tagging

VALID = ("91350100M000100Y43", "914403001922038216", "9144030071526726XG")


# Filings under a spelling of 云川晶硅 that party clustering keeps apart (the city inserted), as real data has them.
VARIANT_FILINGS = [
    {"publication_number": "CN990000001A", "title": "一种单晶硅棒拉制用热场保温结构", "applicant": "云川市晶硅科技有限公司",
     "abstract": "本发明公开了一种单晶炉热场保温结构，降低拉晶能耗。", "ipc": "C30B15/14", "application_date": "2015-03-02"},
    {"publication_number": "CN990000002A", "title": "一种金刚线多线切割硅片的张力控制方法", "applicant": "云川市晶硅科技有限公司",
     "abstract": "本发明公开了一种金刚线切片张力控制方法，降低断线率。", "ipc": "B28D5/04", "application_date": "2016-05-11"},
]


def build_world(url: str, tmp: Path):
    db = open_database(url)
    load_demo(db, size=300)
    filings = tmp / "variant.jsonl"
    filings.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in VARIANT_FILINGS), encoding="utf-8")
    assert run_import(db, [filings]).new == 2
    run_tagging(db, ["chain_pv", "chain_h2", "chain_ev"], annotations=False)
    seed_demo(db)
    return db


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("enterprises")
    url = f"sqlite:///{tmp / 'lingxi.db'}" if request.param == "sqlite" else request.getfixturevalue(
        "module_postgres_url")
    db = build_world(url, tmp)
    yield db
    db.dispose()


@pytest.fixture
def session(world):
    with world.sessions() as session:
        if session.bind.dialect.name == "sqlite":
            # pysqlite starts no transaction before a SAVEPOINT, so RELEASE of an import row's savepoint would
            # commit it; an explicit BEGIN keeps every test's work inside one transaction that is rolled back.
            session.connection().exec_driver_sql("BEGIN")
        yield session
        session.rollback()


def principal(session, username: str) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    return Principal(user.id, user.username, user.role, user.organisation_id, user.display_name)


def org_id(session, name: str) -> int:
    return session.scalar(select(Organisation.id).where(Organisation.name == name))


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["企业名称", "统一社会信用代码", "省份", "城市", "行业代码", "企业规模", "主营产品", "联系人", "电话", "邮箱"]


def test_excel_import_keeps_good_rows_reports_bad_ones_and_updates_duplicates(session):
    operator = principal(session, "operator")
    data = xlsx([
        ["青峦省企业名录（2026）"],  # a title line above the header, as hand-made sheets have
        HEADER,
        ["青峦新材测试一有限公司", VALID[0], "青峦省", "青峦市", "3985", "小型", "电子浆料", "王一", "0999-1", "a@x.cn"],
        ["青峦新材测试二有限公司", "914403001922038217", "青峦省", "云川市", "3825", "中型", "组件", "", "", ""],
        ["青峦新材测试三有限公司", VALID[1], "青峦省", "雁鸣市", "9999", "微型", "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", ""],
        ["青峦新材测试四有限公司", VALID[2], "青峦省", "墨川市", 3841, "medium", "锂电池", "", "", ""],
        ["青峦新材测试一有限公司（重复）", VALID[0], "青峦省", "青峦市", "3985", "小型", "", "", "", ""],
    ])
    report = excel_import.import_enterprises(session, operator, data).as_dict()
    assert (report["created"], report["updated"], report["rejected"]) == (2, 0, 3)
    problems = {p["row"]: p for p in report["problems"]}
    assert set(problems) == {4, 5, 8}
    assert problems[4]["field"] == "credit_code" and "check character" in problems[4]["reason"]
    assert problems[5]["field"] == "industry_code" and "9999" in problems[5]["reason"]
    assert "row 3" in problems[8]["reason"]  # same credit code twice in one file
    first = files.get_enterprise(session, operator, org_id(session, "青峦新材测试一有限公司"))
    assert (first["credit_code"], first["industry_name"], first["size_class"]) == (VALID[0], "电子专用材料制造", "small")
    assert files.get_enterprise(session, operator, org_id(session, "青峦新材测试四有限公司"))["industry_code"] == "3841"

    # The same enterprise again (same credit code, new products) updates it; nothing is duplicated.
    again = excel_import.import_enterprises(session, operator, xlsx([
        HEADER, ["青峦新材测试一有限公司", VALID[0], "青峦省", "青峦市", "3985", "小型", "电子浆料；导电银浆", "王一", "", ""],
        ["青峦新材测试四有限公司", VALID[2], "青峦省", "墨川市", "3841", "中型", "锂电池", "", "", ""]])).as_dict()
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 1, 1, 0)
    assert session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.credit_code == VALID[0])) == 1
    assert "导电银浆" in files.get_enterprise(session, operator, first["id"])["products"]


def test_excel_import_needs_an_operator_and_a_header(session):
    with pytest.raises(PermissionDenied):
        excel_import.import_enterprises(session, principal(session, "enterprise"), xlsx([HEADER]))
    with pytest.raises(InvalidInput) as refused:
        excel_import.import_enterprises(session, principal(session, "operator"), xlsx([["a", "b"], [1, 2]]))
    assert refused.value.field == "file" and "企业名称" in refused.value.message
    with pytest.raises(InvalidInput):
        excel_import.import_enterprises(session, principal(session, "operator"), b"not a workbook")


def test_enterprise_file_is_for_its_own_users_and_operators(session):
    own_id = principal(session, "enterprise").organisation_id
    other_id = org_id(session, "云川晶硅科技有限公司")
    file = files.enterprise_file(session, principal(session, "enterprise"), own_id)
    assert file["full"] and file["credit_code"] and file["industry_code"] == "3825"
    assert file["due_diligence"] is None  # operators' working papers
    assert file["deals"]["available"] is True and file["deals"]["total"] == 0  # no market deal seeded here
    assert file["pledges"]["available"] is True
    assert len(file["training"]) == 2
    with pytest.raises(PermissionDenied):
        files.enterprise_file(session, principal(session, "enterprise"), other_id)
    for username in ("supplier", "broker", "financier"):
        with pytest.raises(PermissionDenied):
            files.enterprise_file(session, principal(session, username), own_id)
        public = files.get_enterprise(session, principal(session, username), own_id)
        assert "credit_code" not in public and public["products"] and not public["full"]
    with pytest.raises(PermissionDenied):
        files.list_enterprises(session, principal(session, "regulator"))
    operator_view = files.enterprise_file(session, principal(session, "operator"), own_id)
    assert operator_view["due_diligence"] and operator_view["due_diligence"][0]["author"] == "demo"


def test_enterprise_file_lists_the_market_deals_it_is_party_to(session):
    operator = principal(session, "operator")
    own_id = principal(session, "enterprise").organisation_id
    other_id = org_id(session, "云川晶硅科技有限公司")
    patent_ids = files.enterprise_file(session, operator, other_id)["patents"]["items"]
    assert patent_ids
    pid = patent_ids[0]["id"]
    common = {"patent_ids": [pid], "supplier": "云川晶硅科技有限公司", "supplier_organisation_id": other_id}
    bought = deals.create_deal(session, operator, kind="transfer", title="热场专利转让", counterparty="本企业",
                               counterparty_organisation_id=own_id, contract_amount_yuan="12345678.90",
                               reference="T-H9-1", **common)
    bought = deals.transition(session, operator, bought["id"], "signed", bought["version"], {})
    drafted = deals.create_deal(session, operator, kind="licence_ordinary", title="切片工艺普通许可",
                                counterparty="本企业", counterparty_organisation_id=own_id, **common)
    deals.create_deal(session, operator, kind="licence_ordinary", title="别家的许可", counterparty="另一家企业",
                      **common)  # another counterparty: not in this file

    own = files.enterprise_file(session, principal(session, "enterprise"), own_id)["deals"]
    assert own["total"] == 2 and own["signed"] == 1 and own["signed_amount_yuan"] == "12,345,678.90"
    by_id = {d["id"]: d for d in own["items"]}
    assert set(by_id) == {bought["id"], drafted["id"]}
    assert [d["id"] for d in own["items"]] == [drafted["id"], bought["id"]]  # newest first
    first = by_id[bought["id"]]
    assert (first["kind"], first["state"], first["role"], first["contract_amount_display"]) == (
        "transfer", "signed", "counterparty", "12,345,678.90")
    assert first["patent_ids"] == [pid] and first["patent_numbers"][0]
    assert "1 signed" in own["message_en"] and "¥12,345,678.90" in own["message_zh"]
    # the supplier's file shows all three, each with its role
    supplier_side = files.enterprise_file(session, operator, other_id)["deals"]
    assert supplier_side["total"] == 3 and {d["role"] for d in supplier_side["items"]} == {"supplier"}


def test_an_enterprise_edits_its_own_file_but_not_its_name(session):
    me = principal(session, "enterprise")
    changed = files.update_enterprise(session, me, me.organisation_id, {
        "products": "TOPCon电池片；钙钛矿叠层组件", "employees": "320", "size_class": "中型",
        "contacts": [{"name": "许航", "role": "研发经理", "phone": "0999-1234567"}]})
    assert changed["employees"] == 320 and changed["size_class"] == "medium" and changed["contacts"][0]["name"] == "许航"
    with pytest.raises(PermissionDenied):
        files.update_enterprise(session, me, me.organisation_id, {"name": "别的名字"})
    with pytest.raises(InvalidInput) as refused:
        files.update_enterprise(session, me, me.organisation_id, {"credit_code": "123"})
    assert refused.value.field == "credit_code"
    with pytest.raises(PermissionDenied):
        files.update_enterprise(session, me, org_id(session, "云川晶硅科技有限公司"), {"products": "x"})
    with pytest.raises(PermissionDenied):
        files.add_due_diligence_note(session, me, me.organisation_id, "自己写", "不行")
    record = files.add_training(session, me, me.organisation_id, {"title": "专利检索培训", "held_on": "2026-09-01",
                                                                   "hours": "2.5", "trainees": 8})
    assert record["hours"] == 2.5


def test_links_are_suggested_from_name_clustering_and_confirmed_by_an_operator(session):
    operator = principal(session, "operator")
    jinggui = org_id(session, "云川晶硅科技有限公司")
    # Start from scratch for this enterprise: no link decided yet, no former names known.
    for link in session.scalars(select(EnterprisePatentLink).where(EnterprisePatentLink.organisation_id == jinggui)):
        session.delete(link)
    session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.organisation_id == jinggui)).aliases = []
    session.flush()
    before = patent_links.enterprise_patent_ids(session, jinggui)
    suggestions = patent_links.suggest_links(session, operator, jinggui)
    variant = next(s for s in suggestions if s["party_name"] == "云川市晶硅科技有限公司")
    assert variant["status"] == "suggested" and 0.85 <= variant["score"] < 1
    assert patent_links.enterprise_patent_ids(session, jinggui) == before  # a suggestion links nothing yet
    with pytest.raises(PermissionDenied):
        patent_links.decide_link(session, principal(session, "enterprise"), variant["id"], "confirm")
    patent_links.decide_link(session, operator, variant["id"], "confirm")
    after = patent_links.enterprise_patent_ids(session, jinggui)
    assert set(before) < set(after)
    assert all(s["party_name"] != "青峦大学" for s in suggestions)
    # Rejecting takes the patents away again.
    patent_links.decide_link(session, operator, variant["id"], "reject")
    assert patent_links.enterprise_patent_ids(session, jinggui) == before
    # Once the spelling is known as a former name, it is an exact match.
    files.update_enterprise(session, operator, jinggui, {"aliases": "云川市晶硅科技有限公司"})
    assert next(s for s in patent_links.find_candidates(session, session.get(Organisation, jinggui))
                if s["party_name"] == "云川市晶硅科技有限公司")["score"] == 1.0


def test_renamed_enterprise_gets_the_patents_of_its_new_name(session):
    """青峦睿光 registered under its old name; its 股份有限公司 filings were linked by the demo's operator."""
    own_id = principal(session, "enterprise").organisation_id
    links = patent_links.list_links(session, principal(session, "enterprise"), own_id)
    assert any(link["party_name"] == "青峦睿光新能源科技股份有限公司" and link["status"] == "confirmed" for link in links)
    assert patent_links.enterprise_patent_ids(session, own_id)
    with pytest.raises(NotFound):
        patent_links.suggest_links(session, principal(session, "operator"), org_id(session, "青峦大学"))


def test_demo_seed_is_idempotent(world):
    def counts():
        with world.sessions() as s:
            return tuple(s.scalar(select(func.count()).select_from(model))
                         for model in (Organisation, EnterpriseProfile, EnterprisePatentLink, Demand, TrainingRecord))

    before = counts()
    seed_demo(world)
    assert counts() == before
    assert before[1] >= 20 and before[3] >= 14
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Party)) > 0


def test_risk_indicators_are_computed_from_the_platforms_records(session):
    from lingxi.enterprises.demands import create_demand

    me = principal(session, "enterprise")
    before = files.enterprise_file(session, me, me.organisation_id)["computed_risks"]
    assert {"pledged_patents", "lapsed_patents", "overdue_demands"} <= set(before)
    create_demand(session, me, {"title": "逾期的需求", "deadline": "2020-01-01"})
    after = files.enterprise_file(session, me, me.organisation_id)["computed_risks"]["overdue_demands"]
    assert after["value"] == before["overdue_demands"]["value"] + 1 and after["level"] in ("medium", "high")
    recorded = files.update_enterprise(session, principal(session, "operator"), me.organisation_id, {
        "risk_indicators": {"涉诉案件": {"value": 2, "level": "medium", "note": "2025年两起专利侵权诉讼"}}})
    assert recorded["risk_indicators"]["涉诉案件"]["value"] == 2


def test_enterprise_list_filters_by_industry_section_division_and_size(session):
    operator = principal(session, "operator")
    energy = files.list_enterprises(session, operator, page_size=100, industry="D")  # 电力、热力、燃气…
    assert energy.total and all(e["industry_code"][:2] in ("44", "45", "46") for e in energy.items)
    electrical = files.list_enterprises(session, operator, page_size=100, industry="38")
    assert electrical.total and all(e["industry_code"].startswith("38") for e in electrical.items)
    small = files.list_enterprises(session, operator, page_size=100, size_class="小型")
    assert small.total and all(e["size_class"] == "small" for e in small.items)
    with pytest.raises(InvalidInput):
        files.list_enterprises(session, operator, size_class="huge")
