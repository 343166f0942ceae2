"""Sleeping patents: held by universities/institutes/SOEs, granted, in force, no transfer/licence/pledge for N years;
each with a recommended conversion mode by the documented rules. Real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from value_ops_builders import TODAY, chain_taxonomy, party, patent, years_before

from lingxi.accounts.principal import Principal
from lingxi.db.models import OpenLicenceDeclaration, PatentValueScore
from lingxi.errors import InvalidInput
from lingxi.market import deals
from lingxi.value import parameters, records
from lingxi.value.facts import load_rights
from lingxi.value.parameters import PARAMETERS
from lingxi.value.sleeping import is_sleeping, recommend, sleeping_report

OPERATOR = Principal(user_id=None, username="op", role="operator")
DEFAULTS = {key: spec.default for key, spec in PARAMETERS.items()}


def _numbers(session, **options) -> set[str]:
    return {item["number"] for item in sleeping_report(session, OPERATOR, today=TODAY, **options)["items"]}


def test_sleeping_rules_follow_n_years(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university")
        soe = party(session, "青峦能源集团有限公司", "soe")
        firm = party(session, "星澜电池有限公司", "enterprise")
        quiet = patent(session, uni)
        soe_quiet = patent(session, soe, doc_type="utility_model", filed_years_ago=6)
        licensed_2y = patent(session, uni, events=[("licence", 2)])
        transferred_5y = patent(session, uni, events=[("transfer", 3.5)])
        undated = patent(session, uni, events=[("open_licence", None)])
        pledged = patent(session, uni)
        records.add_pledge(session, OPERATOR, pledged.id, "青峦大学", "青峦银行", 1_000_000, "2025-09-01")
        too_young = patent(session, uni, filed_years_ago=3, granted_years_ago=2)
        lapsed = patent(session, uni, status="lapsed")
        enterprise = patent(session, firm)
        found = _numbers(session)
        assert found == {quiet.key, soe_quiet.key, transferred_5y.key}
        # N = 5: the transfer 3.5 years ago is recent again, and only patents granted 5+ years ago qualify
        assert _numbers(session, years=5) == set()
        assert _numbers(session, years=1) == {quiet.key, soe_quiet.key, transferred_5y.key, licensed_2y.key,
                                              too_young.key}
        parameters.set_parameter(session, OPERATOR, "sleeping_years", 1)
        report = sleeping_report(session, OPERATOR, today=TODAY)
        assert report["years"] == 1 and report["total"] == 5
        assert report["process"]["inventory"] == 7  # in force, public holder: everything but lapsed and enterprise
        for excluded in (undated, pledged, lapsed, enterprise):
            assert excluded.key not in {i["number"] for i in report["items"]}
        with pytest.raises(InvalidInput):
            sleeping_report(session, OPERATOR, years=0, today=TODAY)


def test_recommended_modes_and_reasons(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university")
        inst = party(session, "青峦省科学院", "institute")
        pooled = [patent(session, uni, tags=[("chain_test", "up"), ("chain_test", "up.cells")]) for _ in range(3)]
        graded = patent(session, inst, tags=[("chain_test", "mid")])
        broad = patent(session, inst, ipc=("H01M4/525", "C01B3/00"))
        narrow = patent(session, inst, ipc=("H01M4/525",))
        session.add(PatentValueScore(patent_id=graded.id, scenario="licensing", profile_name="licensing",
                                     profile_version=1, score=70.0, grade="B", legal=70.0, technical=70.0,
                                     economic=70.0, coverage=1.0, breakdown={}))
        session.flush()
        items = {i["number"]: i for i in sleeping_report(session, OPERATOR, today=TODAY)["items"]}
        assert {items[p.key]["mode"] for p in pooled} == {"pool"}
        assert items[pooled[0].key]["node"] == "up.cells" and "3" in items[pooled[0].key]["reason_zh"]
        assert items[broad.key]["mode"] == "open_licence" and "2" in items[broad.key]["reason_en"]
        assert items[narrow.key]["mode"] == "open_licence" and "low fee" in items[narrow.key]["reason_en"]
        try:
            import lingxi.value.service  # noqa: F401  (grades come from the scoring module when it is installed)
        except ImportError:
            return
        assert items[graded.key]["grade"] == "B" and items[graded.key]["mode"] == "licence"


@pytest.mark.parametrize(("grade", "growth", "demands", "trl", "cluster", "breadth", "mode"), [
    ("A", 0.5, 0, None, 0, 1, "transfer"),
    ("A", 0.0, 2, None, 0, 1, "transfer"),
    ("A", 0.0, 0, None, 0, 1, "licence"),
    ("B", 0.5, 0, 8, 0, 1, "equity"),
    ("B", None, 0, 5, 0, 1, "licence"),
    ("C", None, 0, None, 0, 1, "open_licence"),
    (None, None, 0, None, 0, 3, "open_licence"),
    ("D", None, 0, None, 0, 1, "open_licence"),
    ("A", 0.5, 0, None, 3, 1, "pool"),
])
def test_recommendation_rules(grade, growth, demands, trl, cluster, breadth, mode):
    chosen, reason_zh, reason_en = recommend(None, grade, ("chain_test", "up"), growth, demands, breadth, trl,
                                             cluster, DEFAULTS)
    assert chosen == mode and reason_zh and reason_en


def _platform_deal(session, patent_id: int, kind: str, steps: list[tuple[str, dict]]) -> dict:
    """A market deal moved through the real state machine (lingxi.market.deals), as the deal desk does."""
    deal = deals.create_deal(session, OPERATOR, kind=kind, title=f"{kind} deal", patent_ids=[patent_id],
                             supplier="青峦大学", counterparty="星澜电池有限公司", contract_amount_yuan="100000")
    for to_state, data in steps:
        deal = deals.transition(session, OPERATOR, deal["id"], to_state, deal["version"], data, today=TODAY)
    return deal


def test_platform_deals_within_n_years_wake_a_patent(db):
    def day(years: float) -> str:
        return years_before(years).isoformat()

    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university")
        quiet = patent(session, uni)
        licensed = patent(session, uni)
        _platform_deal(session, licensed.id, "licence_ordinary", [("signed", {"signed_on": day(1)})])
        old_transfer = patent(session, uni)
        _platform_deal(session, old_transfer.id, "transfer", [
            ("signed", {"signed_on": day(5)}),
            ("registered", {"registration_number": "ZR1", "registered_on": day(4.5)})])
        running_licence = patent(session, uni)  # signed long ago, but the licence runs until next year
        _platform_deal(session, running_licence.id, "licence_exclusive", [
            ("signed", {"signed_on": day(6), "licence_end": (TODAY + dt.timedelta(days=365)).isoformat()})])
        equity_closed = patent(session, uni)
        _platform_deal(session, equity_closed.id, "equity", [
            ("signed", {"signed_on": day(5)}), ("registered", {"registration_number": "ZR2",
                                                               "registered_on": day(5)}),
            ("in_implementation", {"implementation_status": "已投产"}), ("closed", {"closed_on": day(2)})])
        cancelled = patent(session, uni)
        _platform_deal(session, cancelled.id, "licence_ordinary", [("cancelled", {"reason": "买方退出"})])
        drafted = patent(session, uni)
        _platform_deal(session, drafted.id, "transfer", [])

        report = sleeping_report(session, OPERATOR, today=TODAY)
        found = {i["number"]: i for i in report["items"]}
        # a draft is only talk and a cancelled deal never happened: still sleeping
        assert set(found) == {quiet.key, old_transfer.key, cancelled.key, drafted.key}
        assert found[old_transfer.key]["last_activity"] == day(4.5)
        assert found[quiet.key]["last_activity"] is None
        # with N = 5 the transfer registered 4.5 years ago is recent
        assert old_transfer.key not in _numbers(session, years=5)

        rights = {r.patent_id: r for r in load_rights(session, [licensed.id, running_licence.id, equity_closed.id],
                                                      today=TODAY)}
        holder_types = {"university"}
        sleeping, why = is_sleeping(rights[licensed.id], 3, holder_types, TODAY)
        assert not sleeping and "platform deal" in why and "licence_ordinary" in why and day(1) in why
        sleeping, why = is_sleeping(rights[running_licence.id], 3, holder_types, TODAY)
        assert not sleeping and TODAY.isoformat() in why  # a licence in force today
        sleeping, why = is_sleeping(rights[equity_closed.id], 3, holder_types, TODAY)
        assert not sleeping and "closed" in why and day(2) in why


def test_a_declared_open_licence_is_not_recommended_again(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        inst = party(session, "青峦省科学院", "institute")
        declared = patent(session, inst, ipc=("H01M4/525",))
        undeclared = patent(session, inst, ipc=("H01M4/525",))
        withdrawn = patent(session, inst, ipc=("H01M4/525",))
        for patent_id, status in ((declared.id, "published"), (withdrawn.id, "withdrawn")):
            session.add(OpenLicenceDeclaration(
                patent_id=patent_id, patent_number="ZL" + str(patent_id), patentee="青峦省科学院",
                payment_method="一次性支付", fee_standard="入门费 2 万元", licence_term_years=3, status=status,
                published_on=dt.date(2026, 3, 2)))
        session.flush()
        report = sleeping_report(session, OPERATOR, today=TODAY)
        items = {i["number"]: i for i in report["items"]}
        assert items[undeclared.key]["mode"] == "open_licence"
        assert items[withdrawn.key]["mode"] == "open_licence"  # withdrawn: no offer stands, declaring is advice again
        item = items[declared.key]
        assert item["mode"] == "open_licence_declared" and item["mode_en"] == "open licence declared: promote it"
        assert "already declared on 2026-03-02" in item["reason_en"] and "do not declare again" in item["reason_en"]
        assert "已于 2026-03-02 发布开放许可声明" in item["reason_zh"] and "无需重复声明" in item["reason_zh"]
        assert report["process"]["by_mode"]["open_licence_declared"] == 1
        only = sleeping_report(session, OPERATOR, mode="open_licence_declared", today=TODAY)
        assert [i["number"] for i in only["items"]] == [declared.key]
        # a stronger mode stays the advice, the reason mentions the standing offer
        right = next(r for r in load_rights(session, [declared.id], today=TODAY) if r.patent_id == declared.id)
        mode, reason_zh, reason_en = recommend(right, "B", ("chain_test", "up"), None, 0, 1, None, 0, DEFAULTS)
        assert mode == "licence" and "already declared" in reason_en and "开放许可声明" in reason_zh
