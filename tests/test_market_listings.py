"""Listings: submission, operator approval and the publicity window, broker assignment, enquiries and the
negotiation log, value grade and valuation range on the listing; real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from lingxi.accounts.principal import Principal
from lingxi.db.models import Organisation, PatentValueScore, User
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market import deals, listings
from value_ops_builders import party, patent

TODAY = dt.date(2026, 6, 1)
OPERATOR = Principal(user_id=None, username="op", role="operator")


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        university = party(session, "青峦大学", "university")
        org = Organisation(name="青峦大学", kind="university", party_id=university.id)
        buyer_org = Organisation(name="青峦睿光新能源科技有限公司", kind="enterprise")
        rival_org = Organisation(name="别家公司", kind="enterprise")
        session.add_all([org, buyer_org, rival_org])
        broker = User(username="broker", display_name="经纪人", role="broker", password_hash="x")
        session.add(broker)
        session.flush()
        ids = [patent(session, university).id, patent(session, university).id]
        session.add(PatentValueScore(patent_id=ids[0], scenario="licensing", profile_name="p", profile_version=1,
                                     score=82.0, grade="A", coverage=1.0, breakdown={}))
        other = patent(session, party(session, "别人", "enterprise")).id
    return {"db": db, "ids": ids, "other": other, "broker": broker.id,
            "supplier": Principal(user_id=None, username="sup", role="supplier", organisation_id=org.id),
            "buyer": Principal(user_id=None, username="ent", role="enterprise", organisation_id=buyer_org.id),
            "rival": Principal(user_id=None, username="riv", role="enterprise", organisation_id=rival_org.id),
            "broker_actor": Principal(user_id=broker.id, username="broker", role="broker")}


def _run(db, fn, *args, **kwargs):
    with db.sessions() as session, session.begin():
        return fn(session, *args, **kwargs)


def test_a_package_listing_from_submission_to_enquiry_and_negotiation(world):
    db, supplier, buyer = world["db"], world["supplier"], world["buyer"]
    listing = _run(db, listings.create_listing, supplier, title="锂电正极材料专利包", mode="transfer",
                   patent_ids=world["ids"], asking_price_yuan="1,200,000", publicity_days=10, today=TODAY)
    assert listing["status"] == "submitted" and listing["asking_price_yuan"] == "1200000.00"
    with db.sessions() as session:  # not public before approval
        assert listings.list_listings(session, buyer, today=TODAY)["total"] == 0
        assert listings.list_listings(session, supplier, today=TODAY)["total"] == 1
    with pytest.raises(NotFound):  # the buyer cannot even see it yet
        _run(db, listings.enquire, buyer, listing["id"], "价格可谈吗？")
    with pytest.raises(PermissionDenied):
        _run(db, listings.decide, supplier, listing["id"], True, today=TODAY)
    approved = _run(db, listings.decide, OPERATOR, listing["id"], True, listing["version"], today=TODAY)
    assert (approved["phase"], approved["publicity_start"], approved["publicity_end"]) == \
        ("publicity", "2026-06-01", "2026-06-11")
    with pytest.raises(Conflict):  # based on the version before approval
        _run(db, listings.assign_broker, OPERATOR, listing["id"], world["broker"], listing["version"])
    _run(db, listings.assign_broker, OPERATOR, listing["id"], world["broker"], approved["version"])

    with db.sessions() as session:
        shown = listings.get_listing(session, buyer, listing["id"], today=dt.date(2026, 6, 20))
    assert shown["phase"] == "open" and shown["broker_user_id"] == world["broker"]
    assert [p["grade"] for p in shown["patents"]] == ["A", None]
    first_range = shown["patents"][0]["valuation_range"]
    assert first_range["low"] <= first_range["mid"] <= first_range["high"]
    assert float(shown["valuation_range"]["high"]) >= first_range["high"]

    enquiry = _run(db, listings.enquire, buyer, listing["id"], "价格可谈吗？")
    _run(db, listings.negotiate, world["broker_actor"], enquiry["id"], "供方接受 100 万", offer_yuan="1000000")
    log = _run(db, listings.negotiate, buyer, enquiry["id"], "同意 100 万", offer_yuan=1000000, close=True)
    assert [(e["author"], e["offer_yuan"]) for e in log["entries"]] == [("broker", "1000000.00"),
                                                                       ("ent", "1000000.00")]
    assert log["status"] == "closed"
    with pytest.raises(NotFound):  # a competitor does not see the enquiry or its log
        _run(db, listings.negotiation_log, world["rival"], enquiry["id"])
    with db.sessions() as session:
        assert listings.get_listing(session, world["rival"], listing["id"], with_valuation=False)["enquiries"] == []

    deal = _run(db, deals.create_deal, OPERATOR, kind="transfer", title="专利包转让", patent_ids=world["ids"],
                supplier="青峦大学", counterparty="青峦睿光新能源科技有限公司", listing_id=listing["id"],
                contract_amount_yuan=1000000)
    _run(db, deals.transition, OPERATOR, deal["id"], "signed", 1, {"signed_on": "2026-06-20"},
         today=dt.date(2026, 6, 20))
    with db.sessions() as session:  # the deal's own publicity window follows the signing
        after = listings.get_listing(session, buyer, listing["id"], today=dt.date(2026, 6, 25), with_valuation=False)
    assert (after["status"], after["phase"], after["deal_publicity_end"]) == ("dealt", "deal_publicity", "2026-07-05")


def test_listing_rules_are_named(world):
    db, supplier = world["db"], world["supplier"]
    with pytest.raises(PermissionDenied, match=f"not held by your organisation: {world['other']}"):
        _run(db, listings.create_listing, supplier, title="x", mode="licence", patent_ids=[world["other"]],
             terms="面议")
    with pytest.raises(InvalidInput, match="asking price or the terms"):
        _run(db, listings.create_listing, supplier, title="x", mode="licence", patent_ids=world["ids"])
    with pytest.raises(InvalidInput, match="mode must be one of"):
        _run(db, listings.create_listing, supplier, title="x", mode="sale", patent_ids=world["ids"], terms="面议")
    listing = _run(db, listings.create_listing, supplier, title="x", mode="licence", patent_ids=world["ids"],
                   terms="面议")
    with pytest.raises(InvalidInput, match="note is required"):
        _run(db, listings.decide, OPERATOR, listing["id"], False)
    rejected = _run(db, listings.decide, OPERATOR, listing["id"], False, note="材料不全")
    assert rejected["status"] == "rejected" and rejected["decision_note"] == "材料不全"
    with pytest.raises(InvalidInput, match="is not an active broker"):
        _run(db, listings.assign_broker, OPERATOR, listing["id"], 99999)
