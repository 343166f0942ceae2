"""Sleeping patents: held by universities/institutes/SOEs, granted, in force, no transfer/licence/pledge for N years;
each with a recommended conversion mode by the documented rules. Real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from value_ops_builders import TODAY, chain_taxonomy, party, patent

from lingxi.accounts.principal import Principal
from lingxi.db.models import PatentValueScore
from lingxi.errors import InvalidInput
from lingxi.value import parameters, records
from lingxi.value.parameters import PARAMETERS
from lingxi.value.sleeping import recommend, sleeping_report

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
