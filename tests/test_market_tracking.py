"""Filing reminders and the overdue list, events and their statistics, the Excel export of deals, and the seams
for matching (licence_availability) and push (item sources); real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.market import deals, events, listings, open_licences
from lingxi.market.availability import licence_availability
from lingxi.market.deals_excel import write_deals
from lingxi.market.push_sources import ListingSource, OpenLicenceSource
from value_ops_builders import party, patent

TODAY = dt.date(2026, 6, 1)
OPERATOR = Principal(user_id=None, username="op", role="operator")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        holder = party(session, "青峦大学", "university")
        ids = [patent(session, holder).id for _ in range(4)]
    return {"db": db, "ids": ids}


def _signed_licence(db, patent_id, signed_on, reference=None):
    with db.sessions() as session, session.begin():
        deal = deals.create_deal(session, OPERATOR, kind="licence_ordinary", title=f"许可 {signed_on}",
                                 patent_ids=[patent_id], supplier="青峦大学", counterparty="甲公司",
                                 contract_amount_yuan="88888.88", reference=reference)
        return deals.transition(session, OPERATOR, deal["id"], "signed", 1, {"signed_on": signed_on}, today=TODAY)


def test_filing_reminders_before_the_deadline_and_the_overdue_list(world):
    db, ids = world["db"], world["ids"]
    due_soon = _signed_licence(db, ids[0], "2026-03-15")  # deadline 2026-06-15: within 30 days
    later = _signed_licence(db, ids[1], "2026-05-20")  # deadline 2026-08-20: not yet
    overdue = _signed_licence(db, ids[2], "2026-01-10")  # deadline 2026-04-10: overdue
    filed = _signed_licence(db, ids[3], "2026-01-05")
    with db.sessions() as session, session.begin():
        deals.transition(session, OPERATOR, filed["id"], "filed", filed["version"],
                         {"filing_number": "B1", "filed_on": "2026-03-01"}, today=TODAY)
    with db.sessions() as session:
        from lingxi.market.reminders import filing_reminders, overdue_filings
        reminders = filing_reminders(session, OPERATOR, today=TODAY)
        assert [(d["id"], d["days_left"]) for d in reminders["items"]] == [(due_soon["id"], 14)]
        assert {d["id"] for d in filing_reminders(session, OPERATOR, today=TODAY, within_days=90)["items"]} == \
            {due_soon["id"], later["id"]}
        late = overdue_filings(session, OPERATOR, today=TODAY)
        assert [(d["id"], d["days_left"], d["filing_overdue"]) for d in late["items"]] == [(overdue["id"], -52, True)]
        with pytest.raises(PermissionDenied):
            overdue_filings(session, Principal(user_id=None, username="e", role="enterprise"), today=TODAY)


def test_filing_reminders_reach_the_broker_inbox_once_per_stage(world):
    from lingxi.db.models import InboxMessage, User
    from lingxi.market.reminders import send_filing_reminders

    db, ids = world["db"], world["ids"]
    with db.sessions() as session, session.begin():
        broker = User(username="b1", display_name="经纪人", role="broker", password_hash="x")
        session.add(broker)
        session.flush()
        broker_id = broker.id
    with db.sessions() as session, session.begin():
        deal = deals.create_deal(session, OPERATOR, kind="licence_sole", title="排他许可", patent_ids=[ids[0]],
                                 supplier="青峦大学", counterparty="甲公司", broker_user_id=broker_id,
                                 contract_amount_yuan=1)
        deals.transition(session, OPERATOR, deal["id"], "signed", 1, {"signed_on": "2026-03-15"}, today=TODAY)
    for day, sent in ((TODAY, 1), (TODAY, 0), (dt.date(2026, 6, 20), 1), (dt.date(2026, 6, 21), 0)):
        with db.sessions() as session, session.begin():
            assert send_filing_reminders(session, OPERATOR, today=day)["sent"] == sent, day
    with db.sessions() as session:
        messages = session.query(InboxMessage).filter(InboxMessage.user_id == broker_id).order_by(InboxMessage.id).all()
        assert [(m.item_type, m.item_id) for m in messages] == [("filing_due", deal["id"]),
                                                                ("filing_overdue", deal["id"])]
        assert messages[0].link == f"/market/deals/{deal['id']}" and "2026-06-15" in messages[0].title


def test_events_record_outcomes_and_count_events_and_trainees(world):
    db, ids = world["db"], world["ids"]
    deal = _signed_licence(db, ids[0], "2026-05-01")
    with db.sessions() as session, session.begin():
        fair = events.create_event(session, OPERATOR, {
            "kind": "matchmaking", "title": "新能源专利对接会", "held_on": "2026-04-20", "location": "云川",
            "participants": "青峦大学，甲公司, 乙公司", "patent_ids": ids[:2]})
        events.update_event(session, OPERATOR, fair["id"], {"enquiries": 5, "deal_ids": [deal["id"]],
                                                             "outcome": "达成 1 项许可"})
        events.create_event(session, OPERATOR, {"kind": "training", "title": "技术经纪人培训",
                                                "held_on": "2026-05-10", "trainees": 42})
        events.create_event(session, OPERATOR, {"kind": "training", "title": "企业 IP 培训",
                                                "held_on": "2025-11-10", "trainees": 30})
        with pytest.raises(InvalidInput, match="trainees are counted for training sessions only"):
            events.create_event(session, OPERATOR, {"kind": "roadshow", "title": "路演", "held_on": "2026-05-01",
                                                    "trainees": 3})
        with pytest.raises(NotFound, match="patent_ids: not found: 9999"):
            events.create_event(session, OPERATOR, {"kind": "roadshow", "title": "路演", "held_on": "2026-05-01",
                                                    "patent_ids": [9999]})
    with db.sessions() as session:
        listed = events.list_events(session, OPERATOR, year=2026)
        assert [e["title"] for e in listed] == ["技术经纪人培训", "新能源专利对接会"]
        assert listed[1]["participants"] == ["青峦大学", "甲公司", "乙公司"] and listed[1]["deal_ids"] == [deal["id"]]
        stats = events.event_stats(session, REGULATOR, year=2026)  # aggregate: a regulator may read it
        assert (stats["events"], stats["trainees"]) == (2, 42)
        assert stats["by_kind"]["matchmaking"] == {"events": 1, "trainees": 0, "enquiries": 5}
        assert events.event_stats(session, REGULATOR)["trainees"] == 72


def test_the_deals_export_has_exact_amounts_and_the_transition_log(world):
    db, ids = world["db"], world["ids"]
    deal = _signed_licence(db, ids[0], "2026-05-01", reference="HT-X")
    with db.sessions() as session, session.begin():
        deals.record_payment(session, OPERATOR, deal["id"], "0.10", "2026-05-02", deal["version"], today=TODAY)
    with db.sessions() as session:
        book = load_workbook(io.BytesIO(write_deals(session, OPERATOR, today=TODAY)))
    sheet = book["交易 Deals"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["合同编号 Contract no."] == "HT-X" and row["状态 State"] == "已签约"
    assert Decimal(str(row["合同金额（元） Contract amount (yuan)"])) == Decimal("88888.88")
    assert Decimal(str(row["未到账（元） Outstanding (yuan)"])) == Decimal("88888.78")
    assert row["备案期限 Filing deadline"].date() == dt.date(2026, 8, 1)
    assert [(c[1].value, c[2].value) for c in book["流转记录 Transitions"].iter_rows(min_row=2)] == \
        [(None, "draft"), ("draft", "signed")]


def test_availability_and_push_sources_see_approved_listings_and_published_open_licences(world):
    db, ids = world["db"], world["ids"]
    with db.sessions() as session, session.begin():
        listing = listings.create_listing(session, OPERATOR, title="电池专利转让", mode="transfer",
                                          patent_ids=[ids[0]], asking_price_yuan=100000)
        pending = listings.create_listing(session, OPERATOR, title="待审", mode="licence", patent_ids=[ids[2]],
                                          terms="面议")
        listings.decide(session, OPERATOR, listing["id"], True)
        declaration = open_licences.create_declaration(session, OPERATOR, ids[1], {
            "payment_method": "一次性支付", "fee_standard": "每年 1 万元", "upfront_fee_yuan": "10000",
            "licence_term_years": 3})
        open_licences.publish(session, OPERATOR, declaration["id"])
    with db.sessions() as session:
        assert licence_availability(session, ids) == {ids[0]: "listed", ids[1]: "open_licence"}
        listing_items = ListingSource().items_after(session, 0, 10)
        assert [(i.item_id, i.patent_id) for i in listing_items] == [(listing["id"], ids[0])]
        assert pending["id"] not in {i.item_id for i in listing_items}
        licence_items = OpenLicenceSource().items_after(session, 0, 10)
        assert [(i.item_type, i.item_id, i.patent_id) for i in licence_items] == \
            [("open_licence", declaration["id"], ids[1])]
        # once a push run has announced them, they are not offered again
        ListingSource().announced(session, listing_items)
        OpenLicenceSource().announced(session, licence_items)
        assert ListingSource().items_after(session, 0, 10) == OpenLicenceSource().items_after(session, 0, 10) == []
        session.rollback()
    from lingxi.push.items import item_sources
    assert {"listing", "open_licence"} <= set(item_sources())
