"""Open licences: the art. 85/86 rules with the exact rule named on refusal, publish / withdraw, one-to-many
acceptance creating deals, try-before-pay terms, the market search; real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lingxi.accounts.principal import Principal
from lingxi.db.models import Deal, OpenLicenceAcceptance, Organisation, PledgeRecord
from lingxi.errors import Conflict, InvalidInput, PermissionDenied
from lingxi.market import deals, open_licences, parameters
from lingxi.market.open_licences import DeclarationRefused
from value_ops_builders import party, patent

TODAY = dt.date(2026, 6, 1)
OPERATOR = Principal(user_id=None, username="op", role="operator")
TERMS = {"payment_method": "入门费加提成，按年支付", "fee_standard": "入门费 2 万元，销售额 3% 提成",
         "upfront_fee_yuan": "20000", "royalty_rate": "0.03", "licence_term_years": 5,
         "other_matters": "许可地域为中国大陆"}


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        university = party(session, "青峦大学", "university")
        company = party(session, "青峦电池有限公司", "enterprise")
        org = Organisation(name="青峦大学", kind="university", party_id=university.id)
        licensees = [Organisation(name=f"青峦制造{i}有限公司", kind="enterprise") for i in range(3)]
        session.add_all([org, *licensees])
        session.flush()
        ids = {
            "good": patent(session, university, ipc=("H01M4/525",)).id,
            "company": patent(session, company, ipc=("C01B3/00",)).id,
            "pending": patent(session, university, status="实质审查", granted_years_ago=None).id,
            "fees": patent(session, university, status="未缴年费终止").id,
            "utility": patent(session, university, doc_type="utility_model").id,
            "preserved": patent(session, university, events=(("other", 1), ("other", 0.5))).id,
            "pledged": patent(session, university).id,
        }
        from lingxi.db.models import Patent, PatentLegalEvent
        session.get(Patent, ids["good"]).application_number = "CN201810855386.2"  # 专利号 = ZL + this, no CN
        session.query(PatentLegalEvent).filter(PatentLegalEvent.patent_id == ids["preserved"]).update(
            {"description": "专利权保全"}, synchronize_session=False)
        session.add(PledgeRecord(patent_id=ids["pledged"], pledgor="青峦大学", pledgee="青峦银行",
                                 amount_yuan=Decimal("1000000"), registered_on=dt.date(2025, 1, 1)))
        supplier = Principal(user_id=None, username="sup", role="supplier", organisation_id=org.id)
        enterprises = [Principal(user_id=None, username=f"ent{i}", role="enterprise", organisation_id=o.id)
                       for i, o in enumerate(licensees)]
    return {"db": db, "ids": ids, "supplier": supplier, "enterprises": enterprises}


def _declare(db, actor, patent_id, **overrides):
    with db.sessions() as session, session.begin():
        return open_licences.create_declaration(session, actor, patent_id, {**TERMS, **overrides})


def _publish(db, actor, declaration):
    with db.sessions() as session, session.begin():
        return open_licences.publish(session, actor, declaration["id"], today=TODAY)


def _refused_rules(db, actor, declaration) -> set[str]:
    with pytest.raises(DeclarationRefused) as refused:
        _publish(db, actor, declaration)
    return {f["rule"] for f in refused.value.failures}


def test_a_valid_declaration_is_published_and_accepted_by_many_each_a_deal(world):
    db, supplier = world["db"], world["supplier"]
    declaration = _declare(db, supplier, world["ids"]["good"])
    assert declaration["patentee"] == "青峦大学" and declaration["patent_number"] == "ZL201810855386.2"
    published = _publish(db, supplier, declaration)
    assert published["status"] == "published" and published["published_on"] == TODAY.isoformat()
    accepted = []
    for enterprise in world["enterprises"][:2]:
        with db.sessions() as session, session.begin():
            accepted.append(open_licences.accept(session, enterprise, declaration["id"], paid_yuan="20000.00",
                                                 notified_on="2026-06-01", today=TODAY))
    assert [a["filing_deadline"] for a in accepted] == ["2026-09-01", "2026-09-01"]
    with db.sessions() as session:
        made = [session.get(Deal, a["deal_id"]) for a in accepted]
        assert {(d.kind, d.state, d.received_yuan) for d in made} == {("open_licence", "signed", Decimal("20000.00"))}
        assert {d.counterparty for d in made} == {"青峦制造0有限公司", "青峦制造1有限公司"}
    with pytest.raises(Conflict, match="already accepted"):
        with db.sessions() as session, session.begin():
            open_licences.accept(session, world["enterprises"][0], declaration["id"], today=TODAY)
    with pytest.raises(InvalidInput, match="published terms ask 20000.00"):
        with db.sessions() as session, session.begin():
            open_licences.accept(session, world["enterprises"][2], declaration["id"], paid_yuan=100, today=TODAY)

    with db.sessions() as session, session.begin():
        open_licences.withdraw(session, supplier, declaration["id"], today=TODAY)
    with pytest.raises(InvalidInput, match="only a published open licence can be accepted"):
        with db.sessions() as session, session.begin():
            open_licences.accept(session, world["enterprises"][2], declaration["id"], today=TODAY)
    with db.sessions() as session:  # licences granted before the withdrawal stay valid (Patent Law art. 50)
        assert session.scalar(select(func.count()).select_from(OpenLicenceAcceptance)) == 2
        assert {session.get(Deal, a["deal_id"]).state for a in accepted} == {"signed"}


@pytest.mark.parametrize("case, overrides, rule", [
    ("pending", {}, "granted_in_force"),
    ("fees", {}, "annual_fees_paid"),
    ("utility", {}, "evaluation_report"),
    ("preserved", {}, "no_suspension_or_preservation"),
    ("pledged", {}, "pledgee_consent"),
    ("good", {"fee_standard": "国内最佳电池技术，入门费 2 万元"}, "no_advertising"),
    ("good", {"payment_method": ""}, "required_fields"),
    ("good", {"patentee": "别人的公司"}, "patentee_matches_register"),
])
def test_an_invalid_declaration_is_refused_naming_the_rule(world, case, overrides, rule):
    db = world["db"]
    declaration = _declare(db, OPERATOR, world["ids"][case], **overrides)
    with pytest.raises(DeclarationRefused) as refused:
        _publish(db, OPERATOR, declaration)
    assert rule in {f["rule"] for f in refused.value.failures}
    assert f"rule {rule} (" in refused.value.message
    with db.sessions() as session:  # nothing was published
        assert open_licences.get_declaration(session, OPERATOR, declaration["id"])["status"] == "draft"


def test_the_refusal_names_the_field_and_word_and_the_fix_makes_it_publishable(world):
    db = world["db"]
    declaration = _declare(db, OPERATOR, world["ids"]["pledged"], other_matters="稳赚不赔")
    with pytest.raises(DeclarationRefused) as refused:
        _publish(db, OPERATOR, declaration)
    messages = {f["rule"]: f for f in refused.value.failures}
    assert set(messages) == {"pledgee_consent", "no_advertising"}
    assert messages["no_advertising"]["field"] == "other_matters" and "稳赚" in messages["no_advertising"]["message"]
    assert messages["pledgee_consent"]["basis"] == "Implementing Regulations art. 86"
    with db.sessions() as session, session.begin():
        open_licences.update_declaration(session, OPERATOR, declaration["id"],
                                         {"other_matters": "许可地域为中国大陆", "pledgee_consent": True})
    assert _publish(db, OPERATOR, declaration)["status"] == "published"


def test_exclusive_licences_and_open_licences_exclude_each_other(world):
    db, good = world["db"], world["ids"]["good"]
    with db.sessions() as session, session.begin():
        exclusive = deals.create_deal(session, OPERATOR, kind="licence_exclusive", title="独占", patent_ids=[good],
                                      supplier="青峦大学", counterparty="A 公司", contract_amount_yuan=1)
        deals.transition(session, OPERATOR, exclusive["id"], "signed", 1, {"signed_on": "2026-01-01"}, today=TODAY)
    assert "no_exclusive_or_sole_licence" in _refused_rules(db, OPERATOR, _declare(db, OPERATOR, good))
    with db.sessions() as session, session.begin():  # the exclusive licence is cancelled: the patent is free again
        deals.transition(session, OPERATOR, exclusive["id"], "cancelled", 2, {"reason": "解除"}, today=TODAY)
    declaration = _declare(db, OPERATOR, good)
    _publish(db, OPERATOR, declaration)
    with pytest.raises(InvalidInput, match="rule open_licence_no_exclusive"):  # Patent Law art. 51
        with db.sessions() as session, session.begin():
            deals.create_deal(session, OPERATOR, kind="licence_sole", title="排他", patent_ids=[good],
                              supplier="青峦大学", counterparty="B 公司")
    assert "one_declaration_per_patent" in _refused_rules(db, OPERATOR, _declare(db, OPERATOR, good))


def test_try_before_pay_uses_the_configured_template(world):
    db = world["db"]
    with db.sessions() as session, session.begin():
        parameters.set_parameter(session, OPERATOR, "try_before_pay_template", {"trial_months": 6})
    declaration = _declare(db, OPERATOR, world["ids"]["good"], try_before_pay={"royalty_rate_after": "0.02"})
    assert declaration["try_before_pay"]["trial_months"] == 6
    assert declaration["try_before_pay"]["royalty_rate_after"] == "0.02"
    assert declaration["try_before_pay"]["trial_fee_yuan"] == "0.00"
    _publish(db, OPERATOR, declaration)
    with db.sessions() as session, session.begin():
        accepted = open_licences.accept(session, world["enterprises"][0], declaration["id"], notified_on="2026-06-01",
                                        today=TODAY)
    assert accepted["paid_yuan"] == "0.00" and accepted["trial_until"] == "2026-12-01"
    with pytest.raises(InvalidInput, match="unknown try-before-pay terms: bonus"):
        _declare(db, OPERATOR, world["ids"]["good"], try_before_pay={"bonus": 1})


def test_suppliers_declare_only_their_own_patents_and_enterprises_not_at_all(world):
    db = world["db"]
    with pytest.raises(PermissionDenied, match="not held by your organisation"):
        _declare(db, world["supplier"], world["ids"]["company"])
    with pytest.raises(PermissionDenied):
        _declare(db, world["enterprises"][0], world["ids"]["good"])


def test_the_market_searches_by_field_fee_and_holder_type(world):
    db = world["db"]
    for key, fee in (("good", "20000"), ("company", "500")):
        _publish(db, OPERATOR, _declare(db, OPERATOR, world["ids"][key], upfront_fee_yuan=fee))
    with db.sessions() as session:
        def ids(**filters):
            return {item["patent_id"] for item in open_licences.market(session, world["enterprises"][0],
                                                                      **filters)["items"]}
        assert ids() == {world["ids"]["good"], world["ids"]["company"]}
        assert ids(field="H01M") == {world["ids"]["good"]}
        assert ids(max_fee="1000") == {world["ids"]["company"]}
        assert ids(holder_type="university") == {world["ids"]["good"]}
        assert ids(holder_type="university", max_fee="1000") == set()
