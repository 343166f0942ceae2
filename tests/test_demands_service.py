"""Demand lists (需求清单): visibility for every role, life-cycle and history, classification, Excel import, mining.

Same small demo province as tests/test_enterprises_service.py, on SQLite and PostgreSQL; each test rolls back.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_enterprises_service import build_world, org_id, principal, xlsx

from lingxi.db.models import Demand, PatentTag
from lingxi.enterprises import demand_import, demand_mining, demands
from lingxi.enterprises.patent_links import enterprise_patent_ids
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied

ROLES = ("operator", "admin", "enterprise", "supplier", "broker", "financier", "regulator")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demands")
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


def _post(session, confidentiality: str, title: str) -> int:
    me = principal(session, "enterprise")
    return demands.create_demand(session, me, {"title": title, "description": "提高组件抗PID性能",
                                               "confidentiality": confidentiality})["id"]


def _sees(session, username: str, demand_id: int) -> tuple[bool, bool]:
    """(can open it, finds it in the list) for a demo account."""
    actor = principal(session, username)
    try:
        demands.get_demand(session, actor, demand_id)
        opened = True
    except (NotFound, PermissionDenied):
        opened = False
    try:
        listed = any(d["id"] == demand_id for d in demands.list_demands(session, actor, page_size=200,
                                                                         confirmed=None).items)
    except PermissionDenied:
        listed = False
    assert opened == listed, (username, demand_id)
    return opened, listed


def test_visibility_of_each_confidentiality_for_each_role(session):
    public = _post(session, "公开", "抗PID封装胶膜（公开）")
    operators = _post(session, "仅运营方可见", "抗PID封装胶膜（运营方）")
    secret = _post(session, "涉密", "抗PID封装胶膜（涉密）")
    expected = {  # role: (public, operators-only, secret)
        "operator": (True, True, True), "admin": (True, True, True), "enterprise": (True, True, True),
        "supplier": (True, False, False), "broker": (True, False, False), "financier": (True, False, False),
        "regulator": (False, False, False),
    }
    for role in ROLES:
        seen = tuple(_sees(session, role, demand_id)[0] for demand_id in (public, operators, secret))
        assert seen == expected[role], role
    # Another enterprise (an account of 云川晶硅) sees the public demand only.
    other = principal(session, "enterprise").__class__(None, "jinggui-user", "enterprise",
                                                       org_id(session, "云川晶硅科技有限公司"))
    assert [demands.may_see(other, session.get(Demand, i)) for i in (public, operators, secret)] == [True, False, False]
    assert demands.get_demand(session, principal(session, "operator"), secret)["shareable"] is False
    assert demands.get_demand(session, principal(session, "operator"), operators)["shareable"] is True
    # The regulator reads counts only.
    counts = demands.demand_counts(session, principal(session, "regulator"))
    assert counts["total"] >= 3 and counts["by_status"]["new"] >= 3


def test_an_enterprise_posts_and_edits_only_its_own_demands(session):
    me = principal(session, "enterprise")
    jinggui = org_id(session, "云川晶硅科技有限公司")
    with pytest.raises(PermissionDenied):
        demands.create_demand(session, me, {"organisation_id": jinggui, "title": "替别人发"})
    for username in ("supplier", "broker", "financier", "regulator"):
        with pytest.raises(PermissionDenied):
            demands.create_demand(session, principal(session, username), {"title": "x"})
    theirs = demands.create_demand(session, principal(session, "operator"),
                                   {"organisation_id": jinggui, "title": "硅片薄片化碎片率控制"})
    assert theirs["organisation_id"] == jinggui and theirs["created_by"] == "operator"
    with pytest.raises((PermissionDenied, NotFound)):
        demands.update_demand(session, me, theirs["id"], {"title": "改别人的"})
    with pytest.raises((PermissionDenied, NotFound)):
        demands.change_status(session, me, theirs["id"], "closed", "")
    mine = demands.create_demand(session, me, {"title": "双面组件背面发电增益提升", "budget_min": "20万",
                                               "budget_max": "50万"})
    assert (mine["budget_min"], mine["budget_max"]) == (200_000, 500_000)
    edited = demands.update_demand(session, me, mine["id"], {"deadline": "2027-05-01", "trl_min": 5, "trl_max": 7})
    assert edited["deadline"] == "2027-05-01" and edited["desired_maturity"] == {"trl_min": 5, "trl_max": 7}
    with pytest.raises(InvalidInput) as refused:
        demands.update_demand(session, me, mine["id"], {"trl_min": 8})
    assert refused.value.field == "trl_min"
    with pytest.raises(InvalidInput) as refused:
        demands.update_demand(session, me, mine["id"], {"preferred_mode": "barter"})
    assert refused.value.field == "preferred_mode"


def test_status_life_cycle_is_enforced_and_every_step_is_kept(session):
    me, operator = principal(session, "enterprise"), principal(session, "operator")
    demand = demands.create_demand(session, me, {"title": "组件EL隐裂在线检测", "description": "需要在线检测设备"})
    assert demand["status"] == "new" and demand["next_statuses"] == ["matched", "closed"]
    with pytest.raises(Conflict) as refused:
        demands.change_status(session, me, demand["id"], "solved", "太快了")
    assert "new" in refused.value.message and "matched" in refused.value.message
    demands.change_status(session, operator, demand["id"], "matched", "匹配到3件专利")
    demands.change_status(session, me, demand["id"], "negotiating", "与青峦大学洽谈")
    with pytest.raises(Conflict):
        demands.change_status(session, me, demand["id"], "new", "回退")
    demands.change_status(session, me, demand["id"], "solved", "签订许可合同")
    final = demands.change_status(session, operator, demand["id"], "closed", "归档")
    steps = [(h["from_status"], h["to_status"], h["actor"]) for h in final["history"]]
    assert steps == [(None, "new", "enterprise"), ("new", "matched", "operator"),
                     ("matched", "negotiating", "enterprise"), ("negotiating", "solved", "enterprise"),
                     ("solved", "closed", "operator")]
    assert final["history"][3]["reason"] == "签订许可合同"
    with pytest.raises(Conflict):
        demands.change_status(session, operator, demand["id"], "matched", "")
    with pytest.raises(InvalidInput):
        demands.change_status(session, operator, demand["id"], "finished", "")
    # closed is reachable from any open state
    other = demands.create_demand(session, me, {"title": "背板耐候性提升"})
    assert demands.change_status(session, me, other["id"], "closed", "不再需要")["status"] == "closed"


def test_demands_are_classified_onto_a_chain_node_and_a_person_may_override(session):
    me = principal(session, "enterprise")
    zh = demands.create_demand(session, me, {"title": "燃料电池膜电极催化剂铂载量降低",
                                             "description": "希望降低质子交换膜燃料电池催化层的铂用量"})
    assert zh["chain_taxonomy"] == "chain_h2" and zh["chain_node"].startswith("h2.stack")
    assert zh["chain_node_auto"] and zh["chain_evidence"]["evidence_text"] and zh["language"] == "zh"
    en = demands.create_demand(session, me, {"title": "Recycling lithium from spent battery packs",
                                             "description": "We need hydrometallurgical lithium recovery."})
    assert en["language"] == "en" and en["chain_taxonomy"] == "chain_ev"
    fixed = demands.update_demand(session, me, en["id"], {"chain_taxonomy": "chain_ev", "chain_node": "ev.recycle"})
    assert fixed["chain_node"] == "ev.recycle" and fixed["chain_node_auto"] is False
    # A manual node survives a text edit; an unknown node is refused with the field named.
    kept = demands.update_demand(session, me, en["id"], {"description": "Direct recycling of cathode materials."})
    assert kept["chain_node"] == "ev.recycle"
    with pytest.raises(InvalidInput) as refused:
        demands.update_demand(session, me, en["id"], {"chain_taxonomy": "chain_ev", "chain_node": "ev.nowhere"})
    assert refused.value.field == "chain_node"
    listed = demands.list_demands(session, me, chain_node="h2.stack", page_size=200).items
    assert zh["id"] in [d["id"] for d in listed]


def test_demand_excel_import_keeps_good_rows_and_reports_bad_ones(session):
    header = ["企业名称", "需求名称", "需求描述", "技术指标", "成熟度下限", "成熟度上限", "预算", "合作方式", "截止日期", "保密级别"]
    data = xlsx([
        header,
        ["云川晶硅科技有限公司", "硅片表面制绒均匀性提升", "制绒后反射率不均", "反射率 ≤ 10%", 4, 6, "50-100万", "许可", "2027-06-30", "公开"],
        ["不存在的企业有限公司", "某需求", "", "", "", "", "", "", "", ""],
        ["云川晶硅科技有限公司", "", "没有标题", "", "", "", "", "", "", ""],
        ["云川晶硅科技有限公司", "切割液回收", "", "", 7, 3, "", "合作开发", "", "涉密"],
        ["云川晶硅科技有限公司", "金刚线母线国产化", "", "", "", "", "", "以物易物", "", ""],
        ["云川晶硅科技有限公司", "金刚线寿命延长", "", "", "", "", "", "转让", "明年", ""],
    ])
    operator = principal(session, "operator")
    report = demand_import.import_demands(session, operator, data).as_dict()
    assert report["created"] == 1 and report["rejected"] == 5
    reasons = {p["row"]: p["field"] for p in report["problems"]}
    assert reasons == {3: "organisation", 4: "title", 5: "trl_min", 6: "preferred_mode", 7: "deadline"}
    created = demands.get_demand(session, operator, report["ids"][0])
    assert (created["budget_min"], created["budget_max"], created["preferred_mode"], created["origin"]) == \
        (500_000, 1_000_000, "licence", "imported")
    assert created["technical_indicators"][0]["name"] == "反射率 ≤ 10%"
    # Importing again updates the same demand instead of adding a second one.
    again = demand_import.import_demands(session, operator, data).as_dict()
    assert again["created"] == 0 and again["unchanged"] + again["updated"] == 1
    # An enterprise's rows are always its own, whatever the sheet says.
    mine = demand_import.import_demands(session, principal(session, "enterprise"), xlsx([
        ["企业名称", "需求名称"], ["云川晶硅科技有限公司", "钙钛矿组件激光划线"]])).as_dict()
    assert session.get(Demand, mine["ids"][0]).organisation_id == principal(session, "enterprise").organisation_id


def test_mining_suggests_a_missing_neighbouring_node_as_an_operator_draft(session):
    operator = principal(session, "operator")
    jinggui = org_id(session, "云川晶硅科技有限公司")
    own_nodes = set(session.scalars(select(PatentTag.node_key).where(
        PatentTag.patent_id.in_(enterprise_patent_ids(session, jinggui)), PatentTag.taxonomy_name == "chain_pv")))
    assert own_nodes, "the enterprise needs tagged patents for this test"
    with pytest.raises(PermissionDenied):
        demand_mining.mine_demands(session, principal(session, "enterprise"), jinggui)
    drafts = demand_mining.mine_demands(session, operator, jinggui)
    assert drafts
    for draft in drafts:
        assert (draft["origin"], draft["confirmed"], draft["status"]) == ("mined", False, "draft")
        assert draft["chain_taxonomy"] == "chain_pv" and draft["chain_node"] not in own_nodes
        reason = draft["mining_reason"]
        assert reason["peers_active"] >= 1 and reason["related_to"] in own_nodes and reason["basis"] == "patents"
        assert draft["title"] and "同行" in draft["description"]
    best = drafts[0]
    # Drafts are the operators' until confirmed: the enterprise (and everybody else) does not see them yet.
    assert demands.may_see(principal(session, "operator"), session.get(Demand, best["id"]))
    assert not demands.may_see(principal(session, "supplier"), session.get(Demand, best["id"]))
    confirmed = demands.confirm_draft(session, operator, best["id"])
    assert (confirmed["status"], confirmed["confirmed"]) == ("new", True)
    assert [h["to_status"] for h in confirmed["history"]] == ["draft", "new"]
    with pytest.raises(Conflict):
        demands.confirm_draft(session, operator, best["id"])
    if len(drafts) > 1:
        discarded = demands.discard_draft(session, operator, drafts[1]["id"])
        assert discarded["status"] == "closed"
    # Mining again does not suggest the same nodes a second time.
    again = demand_mining.mine_demands(session, operator, jinggui)
    assert not {d["chain_node"] for d in again} & {d["chain_node"] for d in drafts}


def test_mining_falls_back_to_the_products_of_an_enterprise_without_patents(session):
    operator = principal(session, "operator")
    from lingxi.enterprises.files import create_enterprise

    created = create_enterprise(session, operator, {"name": "青峦测试加氢设备有限公司",
                                                    "products": "加氢站压缩机、加氢机和站控系统"})
    gaps = demand_mining.find_gaps(session, created["id"])
    assert gaps and all(g["reason"]["basis"] == "products" and g["taxonomy"] == "chain_h2" for g in gaps)
    assert demand_mining.find_gaps(session, create_enterprise(session, operator, {"name": "空白企业"})["id"]) == []
