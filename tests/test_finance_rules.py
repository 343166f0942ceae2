"""IP finance rules on real SQLite and PostgreSQL: product eligibility with reasons, the pledge-eligible list with
valuation ranges, enterprise → product matching, the pledge case lifecycle (exact split of the amount over the
registered PledgeRecords) and who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from value_ops_builders import TODAY, party, patent

from lingxi.accounts.principal import Principal
from lingxi.db.models import EnterpriseProfile, Organisation, PatentValueScore, PledgeRecord
from lingxi.errors import Conflict, InvalidInput, PermissionDenied
from lingxi.finance import institutions, matching, pledges

OPERATOR = Principal(user_id=None, username="op", role="operator")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")


def _score(session, patent_id, grade, score):
    session.add(PatentValueScore(patent_id=patent_id, scenario="pledge", profile_name="pledge", profile_version=1,
                                 score=score, grade=grade, coverage=1.0, breakdown={}))


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        holder = party(session, "云川晶硅科技有限公司", "enterprise", province="青峦省")
        sme = Organisation(name="云川晶硅科技有限公司", kind="enterprise", party_id=holder.id, province="青峦省")
        bank_org = Organisation(name="青峦银行科技支行", kind="financial")
        other_bank_org = Organisation(name="云川农商银行", kind="financial")
        session.add_all([sme, bank_org, other_bank_org])
        session.flush()
        session.add(EnterpriseProfile(organisation_id=sme.id, size_class="small"))
        good = patent(session, holder, filed_years_ago=5, granted_years_ago=3)
        weak = patent(session, holder, filed_years_ago=5, granted_years_ago=3)
        old = patent(session, holder, filed_years_ago=18.5, granted_years_ago=15)
        utility = patent(session, holder, doc_type="utility_model", filed_years_ago=2, granted_years_ago=1)
        lapsed = patent(session, holder, status="lapsed")
        for row, grade, score in ((good, "A", 86.0), (weak, "C", 55.0), (old, "A", 82.0), (utility, "B", 70.0),
                                  (lapsed, "A", 90.0)):
            _score(session, row.id, grade, score)
        bank = institutions.create_institution(session, OPERATOR, "青峦银行科技支行", "bank",
                                               organisation_id=bank_org.id, province="青峦省")
        product = institutions.create_product(
            session, OPERATOR, bank["id"], "知识产权质押贷", "pledge_loan", rate_min="0.0345", rate_max="0.0480",
            amount_min_yuan="100000", amount_max_yuan="10000000", term_months_min=6, term_months_max=36,
            loan_to_value="0.4", eligibility={"min_grade": "B", "patent_types": ["invention"],
                                              "size_classes": ["micro", "small", "medium"], "provinces": ["青峦省"],
                                              "min_remaining_years": 3})
        ids = {"good": good.id, "weak": weak.id, "old": old.id, "utility": utility.id, "lapsed": lapsed.id}
    financier = Principal(user_id=None, username="fin", role="financier", organisation_id=bank_org.id)
    other_financier = Principal(user_id=None, username="fin2", role="financier", organisation_id=other_bank_org.id)
    enterprise = Principal(user_id=None, username="ent", role="enterprise", organisation_id=sme.id)
    return {"db": db, "ids": ids, "product": product, "bank": bank, "sme": sme.id, "financier": financier,
            "other_financier": other_financier, "enterprise": enterprise}


def test_eligible_list_applies_every_rule_and_gives_valuation_ranges(world):
    db, ids = world["db"], world["ids"]
    with db.sessions() as session:
        result = matching.eligible_patents(session, world["financier"], product_id=world["product"]["id"], today=TODAY)
        assert [row["patent_id"] for row in result["items"]] == [ids["good"]]
        row = result["items"][0]
        assert row["grade"] == "A" and row["eligible"]
        assert {c["rule"] for c in row["checks"]} == {"in_force", "not_pledged", "patent_types", "min_grade",
                                                      "min_remaining_years", "provinces", "size_classes"}
        low, mid, high = (Decimal(row["valuation"][k]) for k in ("low", "mid", "high"))
        assert Decimal(0) < low <= mid <= high
        general = matching.eligible_patents(session, world["financier"], min_grade="C", today=TODAY)
        # no product: in force, not pledged, grade C or better — the utility model and the weak one join
        assert {r["patent_id"] for r in general["items"]} == {ids["good"], ids["weak"], ids["old"], ids["utility"]}
        with pytest.raises(PermissionDenied):
            matching.eligible_patents(session, world["enterprise"], today=TODAY)
        with pytest.raises(PermissionDenied):
            matching.eligible_patents(session, REGULATOR, today=TODAY)


def test_enterprise_match_explains_each_refusal_and_caps_the_amount(world):
    db, ids = world["db"], world["ids"]
    with db.sessions() as session:
        result = matching.match_enterprise(session, world["enterprise"], world["sme"], today=TODAY)
        assert result["patents"] == 5
        offer = result["products"][0]
        assert [p["patent_id"] for p in offer["eligible"]] == [ids["good"]]
        refused = {r["rule"]: r["count"] for r in offer["refused_by_rule"]}
        # lapsed: not in force (its old term also fails); weak: grade C; old: 1.5 years left; utility: type
        assert refused["in_force"] == 1 and refused["min_grade"] == 1 and refused["patent_types"] == 1
        assert refused["min_remaining_years"] >= 1
        low = Decimal(offer["eligible"][0]["valuation"]["low"])
        expected = min((low * Decimal("0.4")).quantize(Decimal("0.01"), rounding="ROUND_DOWN"), Decimal(10000000))
        amount = offer["indicative_amount"]["amount_yuan"]
        assert amount is None or Decimal(amount) == expected
        assert offer["explanation_zh"][0].startswith("1/5")
        with pytest.raises(PermissionDenied):  # another enterprise's match is not the enterprise's business
            matching.match_enterprise(session, Principal(None, "x", "enterprise", organisation_id=999), world["sme"])


def test_pledge_case_lifecycle_splits_the_amount_exactly_and_blocks_a_second_pledge(world):
    db, ids = world["db"], world["ids"]
    with db.sessions() as session, session.begin(), pytest.raises(InvalidInput, match="does not qualify.*grade C"):
        pledges.apply(session, world["enterprise"], world["product"]["id"], [ids["good"], ids["weak"]],
                      "1000000", term_months=12, today=TODAY)
    with db.sessions() as session, session.begin():
        with pytest.raises(InvalidInput, match="outside the product's range"):
            pledges.apply(session, world["enterprise"], world["product"]["id"], [ids["good"]], "50000", today=TODAY)
    with db.sessions() as session, session.begin():
        case = pledges.apply(session, world["enterprise"], world["product"]["id"], [ids["good"]], "1000000.01",
                             term_months=12, today=TODAY)
        assert case["status"] == "applied" and case["pledgor"] == "云川晶硅科技有限公司"
        with pytest.raises(PermissionDenied):  # not the pledgee
            pledges.register(session, world["other_financier"], case["id"], "2026-06-10", "Y2026990001")
        with pytest.raises(PermissionDenied):
            pledges.register(session, world["enterprise"], case["id"], "2026-06-10", "Y2026990001")
        registered = pledges.register(session, world["financier"], case["id"], "2026-06-10", "Y2026990001")
        assert registered["status"] == "registered"
        assert sum(Decimal(r["amount_yuan"]) for r in registered["records"]) == Decimal("1000000.01")
        with pytest.raises(Conflict):
            pledges.register(session, world["financier"], case["id"], "2026-06-10", "Y2026990001")
    with db.sessions() as session:
        record = session.scalar(select(PledgeRecord).where(PledgeRecord.patent_id == ids["good"]))
        assert record.pledgee == "青峦银行科技支行" and record.application_id == case["id"]
        # now pledged: it leaves the eligible list and a new case is refused naming the pledgee
        assert matching.eligible_patents(session, world["financier"], product_id=world["product"]["id"],
                                         today=TODAY)["total"] == 0
        with pytest.raises(InvalidInput, match="already pledged to 青峦银行科技支行"):
            pledges.apply(session, OPERATOR, world["product"]["id"], [ids["good"]], "200000", pledgor="x",
                          today=TODAY)
        assert [c["id"] for c in pledges.list_cases(session, world["enterprise"])["items"]] == [case["id"]]
        assert pledges.list_cases(session, world["other_financier"])["total"] == 0
        with pytest.raises(PermissionDenied):
            pledges.list_cases(session, REGULATOR)
    with db.sessions() as session, session.begin():
        released = pledges.release(session, world["financier"], case["id"], "2027-06-01")
        assert released["status"] == "released" and released["records"][0]["released_on"] == "2027-06-01"
    with db.sessions() as session:
        assert matching.eligible_patents(session, world["financier"], product_id=world["product"]["id"],
                                         today=TODAY)["total"] == 1


def test_products_are_kept_by_their_own_institution_and_read_by_every_member(world):
    db = world["db"]
    with db.sessions() as session, session.begin():
        with pytest.raises(PermissionDenied):
            institutions.create_product(session, world["other_financier"], world["bank"]["id"], "x", "insurance")
        made = institutions.create_product(session, world["financier"], world["bank"]["id"], "专利执行保险",
                                           "insurance", rate_min="0.01", rate_max="0.02")
        assert Decimal(made["rate_min"]) == Decimal("0.01")
        with pytest.raises(InvalidInput, match="unknown eligibility rule 'min_grde'"):
            institutions.create_product(session, OPERATOR, world["bank"]["id"], "y", "pledge_loan",
                                        eligibility={"min_grde": "A"})
        with pytest.raises(InvalidInput, match="rate_min is above rate_max"):
            institutions.create_product(session, OPERATOR, world["bank"]["id"], "z", "pledge_loan",
                                        rate_min="0.05", rate_max="0.04")
        with pytest.raises(PermissionDenied):
            institutions.create_institution(session, world["financier"], "某银行", "bank")
        names = {p["name"] for p in institutions.list_products(session, world["enterprise"])}
        assert names == {"知识产权质押贷", "专利执行保险"}
        with pytest.raises(PermissionDenied):
            institutions.list_products(session, REGULATOR)
