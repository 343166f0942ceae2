"""Deals: the state machine, its rules at each step, exact money, audit, concurrent edits and crashes mid-step.

Runs against real SQLite and real PostgreSQL (the `db` fixture); no part of Lingxi is mocked. The crash is injected
at the database layer (an ORM event that raises while the transition's rows are being written).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from lingxi.accounts.principal import Principal
from lingxi.db.models import AuditEntry, Deal, DealTransition, User
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market import deals
from value_ops_builders import party, patent

TODAY = dt.date(2026, 6, 1)
OPERATOR = Principal(user_id=None, username="op", role="operator")


def _broker(session, name: str) -> Principal:
    user = User(username=name, display_name=name, role="broker", password_hash="x")
    session.add(user)
    session.flush()
    return Principal(user_id=user.id, username=name, role="broker")


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        holder = party(session, "青峦大学", "university")
        ids = [patent(session, holder).id, patent(session, holder).id]
        broker = _broker(session, "broker_a")
        other = _broker(session, "broker_b")
    return {"db": db, "patents": ids, "broker": broker, "other_broker": other}


def _new_deal(db, actor=OPERATOR, kind="licence_ordinary", patents=None, **extra):
    with db.sessions() as session, session.begin():
        return deals.create_deal(session, actor, kind=kind, title="电池许可", patent_ids=patents or [1],
                                 supplier="青峦大学", counterparty="青峦睿光新能源科技有限公司", **extra)


def _move(db, deal, to_state, actor=OPERATOR, **data):
    with db.sessions() as session, session.begin():
        return deals.transition(session, actor, deal["id"], to_state, deal["version"], data, today=TODAY)


def test_licence_goes_from_draft_to_closed_with_a_filing_deadline_and_audit(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"], contract_amount_yuan="120000.50", reference="HT-2026-001")
    assert deal["state"] == "draft" and deal["next_states"] == ["signed", "cancelled"]
    with pytest.raises(InvalidInput, match="cannot go from draft to filed"):
        _move(db, deal, "filed", filing_number="X")
    deal = _move(db, deal, "signed", signed_on="2026-01-31")
    # Regulations art. 15: filed within 3 months of taking effect; 31 Jan + 3 months clamps to 30 Apr
    assert deal["filing_deadline"] == "2026-04-30" and deal["filing_overdue"] is True
    with pytest.raises(InvalidInput, match="filing_number is required"):
        _move(db, deal, "filed")
    deal = _move(db, deal, "filed", filing_number="2026990000123", filed_on="2026-04-01")
    with pytest.raises(InvalidInput, match="implementation_status is required"):
        _move(db, deal, "in_implementation")
    deal = _move(db, deal, "in_implementation", implementation_status="已量产", implementation_evidence="销售合同 A\n发票 B")
    deal = _move(db, deal, "closed", closed_on="2026-05-30")
    assert deal["state"] == "closed" and deal["next_states"] == [] and deal["version"] == 5
    with db.sessions() as session:
        full = deals.get_deal(session, OPERATOR, deal["id"], today=TODAY)
        assert [(t["from"], t["to"]) for t in full["transitions"]] == [
            (None, "draft"), ("draft", "signed"), ("signed", "filed"), ("filed", "in_implementation"),
            ("in_implementation", "closed")]
        assert full["implementation_evidence"] == ["销售合同 A", "发票 B"]
        audited = session.scalars(select(AuditEntry).where(AuditEntry.entity == "market_deals",
                                                           AuditEntry.entity_id == str(deal["id"]))
                                  .order_by(AuditEntry.id)).all()
        states = [entry.after["state"] for entry in audited if entry.action == "update" and "state" in entry.after]
        assert states == ["signed", "filed", "in_implementation", "closed"]
        assert all(entry.actor_name == "op" for entry in audited)


def test_transfer_takes_effect_on_registration_not_on_signing(world):
    db = world["db"]
    deal = _new_deal(db, kind="transfer", patents=world["patents"][:1], contract_amount_yuan=500000)
    deal = _move(db, deal, "signed", signed_on="2026-02-01")
    assert deal["effective_on"] is None and deal["filing_deadline"] is None
    assert deal["next_states"] == ["registered", "cancelled"]
    with pytest.raises(InvalidInput, match="cannot go from signed to filed"):
        _move(db, deal, "filed", filing_number="X")
    with pytest.raises(InvalidInput, match="registered_on is before"):
        _move(db, deal, "registered", registration_number="R1", registered_on="2026-01-01")
    deal = _move(db, deal, "registered", registration_number="R1", registered_on="2026-03-15")
    assert deal["effective_on"] == "2026-03-15"
    with db.sessions() as session, session.begin():  # implementation after the deal (实施情况), with evidence
        deal = deals.update_implementation(session, OPERATOR, deal["id"], deal["version"], "试产中",
                                           ["试产记录 2026-04"])
    assert (deal["implementation_status"], deal["implementation_evidence"]) == ("试产中", ["试产记录 2026-04"])


def test_signing_needs_a_contract_amount_and_cancel_needs_a_reason(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"])
    with pytest.raises(InvalidInput, match="contract_amount_yuan is required"):
        _move(db, deal, "signed")
    with pytest.raises(InvalidInput, match="reason is required"):
        _move(db, deal, "cancelled")
    deal = _move(db, deal, "cancelled", reason="企业放弃")
    with pytest.raises(InvalidInput, match="the deal is cancelled"):
        _move(db, deal, "signed", contract_amount_yuan=1)


def test_money_is_exact_and_received_never_exceeds_the_contract(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"], contract_amount_yuan="0.30")
    deal = _move(db, deal, "signed")
    for amount in (0.1, "0.20"):  # a float 0.1 must not become 0.1000000000000000055…
        with db.sessions() as session, session.begin():
            deal = deals.record_payment(session, OPERATOR, deal["id"], amount, "2026-05-01", deal["version"],
                                        today=TODAY)
    assert deal["received_yuan"] == "0.30" and deal["outstanding_yuan"] == "0.00"
    with pytest.raises(InvalidInput, match="would exceed the contract amount"):
        with db.sessions() as session, session.begin():
            deals.record_payment(session, OPERATOR, deal["id"], "0.01", "2026-05-01", deal["version"], today=TODAY)
    with pytest.raises(InvalidInput, match="too large"):  # 30 digits: more than a Decimal can quantize to fen
        with db.sessions() as session, session.begin():
            deals.record_payment(session, OPERATOR, deal["id"], "9" * 30, "2026-05-01", deal["version"], today=TODAY)
    with pytest.raises(InvalidInput, match="more than two decimals"):
        with db.sessions() as session, session.begin():
            deals.record_payment(session, OPERATOR, deal["id"], "0.001", "2026-05-01", deal["version"], today=TODAY)
    with db.sessions() as session:
        stored = session.get(Deal, deal["id"])
        assert stored.received_yuan == Decimal("0.30") and isinstance(stored.received_yuan, Decimal)


def test_a_stale_version_is_refused_with_conflict(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"], contract_amount_yuan=1000)
    _move(db, deal, "signed")  # version 1 → 2
    with pytest.raises(Conflict, match="changed by someone else"):
        _move(db, deal, "cancelled", reason="based on the old version")
    with db.sessions() as session:
        assert session.get(Deal, deal["id"]).state == "signed"


def test_two_sessions_racing_on_one_deal_one_wins_the_other_gets_conflict(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"], contract_amount_yuan=1000)
    slow = db.sessions()
    try:
        stale = slow.get(Deal, deal["id"])  # the slow session has read version 1 and passes the version check
        _move(db, deal, "signed")  # the fast session commits version 2
        # still the old object: only the UPDATE's own version check can catch the race
        assert slow.get(Deal, deal["id"]) is stale and stale.version == 1
        with pytest.raises(Conflict, match="at the same moment"):
            deals.transition(slow, OPERATOR, deal["id"], "cancelled", 1, {"reason": "late"}, today=TODAY)
        slow.rollback()
    finally:
        slow.close()
    with db.sessions() as session:
        stored = session.get(Deal, deal["id"])
        assert (stored.state, stored.version, stored.cancel_reason) == ("signed", 2, None)


def test_a_crash_between_two_steps_leaves_the_old_state_and_nothing_half_written(world):
    db = world["db"]
    deal = _new_deal(db, patents=world["patents"], contract_amount_yuan=1000)
    audit_before = _count(db, AuditEntry)

    def crash(*_args):
        raise RuntimeError("power cut while writing the transition row")

    event.listen(DealTransition, "before_insert", crash)
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            _move(db, deal, "signed", signed_on="2026-05-01")
    finally:
        event.remove(DealTransition, "before_insert", crash)
    with db.sessions() as session:
        stored = session.get(Deal, deal["id"])
        assert (stored.state, stored.version, stored.signed_on, stored.filing_deadline) == ("draft", 1, None, None)
        assert session.scalar(select(func.count()).select_from(DealTransition)
                              .where(DealTransition.deal_id == deal["id"])) == 1
    assert _count(db, AuditEntry) == audit_before
    assert _move(db, deal, "signed", signed_on="2026-05-01")["state"] == "signed"  # and it can simply be redone


def test_the_same_contract_number_is_not_entered_twice(world):
    db = world["db"]
    _new_deal(db, patents=world["patents"], reference="HT-7")
    with pytest.raises(Conflict, match="HT-7"):
        _new_deal(db, patents=world["patents"], reference="HT-7")
    assert _count(db, Deal) == 1


def test_brokers_work_their_own_desk_and_enterprises_cannot_open_deals(world):
    db = world["db"]
    broker, other = world["broker"], world["other_broker"]
    deal = _new_deal(db, actor=broker, patents=world["patents"])
    assert deal["broker_user_id"] == broker.user_id
    with pytest.raises(NotFound):
        _move(db, deal, "cancelled", actor=other, reason="not mine")
    with db.sessions() as session:
        assert deals.list_deals(session, other)["total"] == 0
        assert deals.list_deals(session, broker)["total"] == 1
    enterprise = Principal(user_id=None, username="ent", role="enterprise", organisation_id=None)
    with pytest.raises(PermissionDenied):
        _new_deal(db, actor=enterprise, patents=world["patents"])


def test_unknown_patents_and_kinds_are_named(world):
    db = world["db"]
    with pytest.raises(NotFound, match="patents not found: 999"):
        _new_deal(db, patents=[world["patents"][0], 999])
    with pytest.raises(InvalidInput, match="kind must be one of"):
        _new_deal(db, kind="gift", patents=world["patents"])


def _count(db, model) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_payments_racing_from_several_threads_are_neither_lost_nor_doubled(world):
    import threading

    db = world["db"]
    deal = _new_deal(db, kind="transfer", patents=world["patents"], contract_amount_yuan="0.30")
    deal = _move(db, deal, "signed")
    conflicts = []

    def pay():
        done = 0
        while done < 5:
            try:
                with db.sessions() as session, session.begin():
                    version = deals.get_deal(session, OPERATOR, deal["id"])["version"]
                    deals.record_payment(session, OPERATOR, deal["id"], "0.01", "2026-05-01", version, today=TODAY)
                done += 1
            except Conflict:
                conflicts.append(1)

    threads = [threading.Thread(target=pay) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.sessions() as session:
        final = deals.get_deal(session, OPERATOR, deal["id"], today=TODAY)
    assert final["received_yuan"] == "0.15" and len(final["payments"]) == 15
    assert final["version"] == deal["version"] + 15
