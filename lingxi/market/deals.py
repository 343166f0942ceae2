"""Deals (交易): create, move through the state machine, record payments and implementation, read.

Reliability rules, because a deal is money and a legal record:
- One call is one transaction (the caller commits): a transition writes the deal, its transition row and the audit
  entries together, so a crash between two steps leaves the deal exactly as it was.
- Every change names the version it was based on (`expected_version`); a deal changed since is refused with
  Conflict (HTTP 409) instead of being overwritten. The version column is also checked by the UPDATE itself
  (SQLAlchemy version_id_col), so two sessions racing past the first check still cannot both win.
- Money is Decimal yuan; received payments are summed exactly.
- A contract number (合同编号) is unique, so the same contract entered twice is refused, not duplicated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lingxi import fields
from lingxi.accounts.roles import DEALS_MANAGE, MARKET_APPROVE, require
from lingxi.dates import add_months
from lingxi.db.audit import acting_as
from lingxi.db.models import (
    Deal,
    DealPatent,
    DealPayment,
    DealTransition,
    Listing,
    OpenLicenceDeclaration,
    Patent,
    User,
)
from lingxi.db.pagination import paginate
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market import parameters as params
from lingxi.market.deal_states import (
    EXCLUSIVE_KINDS,
    IN_FORCE,
    KINDS,
    LICENCE_KINDS,
    REGISTERED_KINDS,
    STATES,
    TERMINAL,
    next_states,
)

# --- reading -----------------------------------------------------------------------------------------------------

def _sees_all(actor) -> bool:
    return actor.can(MARKET_APPROVE)


def _visible(actor, deal: Deal) -> bool:
    if _sees_all(actor):
        return True
    if actor.can(DEALS_MANAGE) and deal.broker_user_id is not None and deal.broker_user_id == actor.user_id:
        return True
    return actor.organisation_id is not None and actor.organisation_id in (
        deal.supplier_organisation_id, deal.counterparty_organisation_id)


def _load(session: Session, actor, deal_id) -> Deal:
    try:
        deal = session.get(Deal, int(deal_id))
    except (TypeError, ValueError):
        raise InvalidInput(f"deal id must be a number, got {deal_id!r}", field="deal_id") from None
    if deal is None or not _visible(actor, deal):
        raise NotFound(f"deal {deal_id} not found", field="deal_id")
    return deal


def _load_for_change(session: Session, actor, deal_id, expected_version) -> Deal:
    require(actor, DEALS_MANAGE)
    acting_as(session, actor)  # the audit log names who moved the deal
    deal = _load(session, actor, deal_id)
    if not _sees_all(actor) and deal.broker_user_id != actor.user_id:
        raise PermissionDenied(f"deal {deal.id} is assigned to another broker")
    if expected_version is None:
        raise InvalidInput("expected_version is required: the version of the deal the change is based on",
                           field="expected_version")
    if int(expected_version) != deal.version:
        raise Conflict(f"deal {deal.id} was changed by someone else (now version {deal.version}, your change was "
                       f"based on version {expected_version}); reload it and try again", field="expected_version")
    return deal


def _patent_ids(session: Session, deal_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {i: [] for i in deal_ids}
    if deal_ids:
        for deal_id, patent_id in session.execute(
                select(DealPatent.deal_id, DealPatent.patent_id).where(DealPatent.deal_id.in_(deal_ids))
                .order_by(DealPatent.id)):
            found[deal_id].append(patent_id)
    return found


def deal_dict(deal: Deal, patent_ids: list[int], today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    overdue = (deal.kind in LICENCE_KINDS and deal.state == "signed" and deal.filing_deadline is not None
               and deal.filing_deadline < today)
    return {
        "id": deal.id, "kind": deal.kind, "kind_zh": KINDS[deal.kind][0], "kind_en": KINDS[deal.kind][1],
        "title": deal.title, "reference": deal.reference, "state": deal.state, "state_zh": STATES[deal.state][0],
        "state_en": STATES[deal.state][1], "version": deal.version, "patent_ids": patent_ids,
        "listing_id": deal.listing_id, "declaration_id": deal.declaration_id,
        "supplier": deal.supplier, "supplier_organisation_id": deal.supplier_organisation_id,
        "counterparty": deal.counterparty, "counterparty_organisation_id": deal.counterparty_organisation_id,
        "broker_user_id": deal.broker_user_id,
        "contract_amount_yuan": _money_str(deal.contract_amount_yuan), "received_yuan": _money_str(deal.received_yuan),
        "outstanding_yuan": _money_str(deal.contract_amount_yuan - deal.received_yuan)
        if deal.contract_amount_yuan is not None else None,
        "signed_on": _iso(deal.signed_on), "effective_on": _iso(deal.effective_on),
        "licence_end": _iso(deal.licence_end), "filing_deadline": _iso(deal.filing_deadline),
        "filing_overdue": overdue, "filing_number": deal.filing_number, "filed_on": _iso(deal.filed_on),
        "registration_number": deal.registration_number, "registered_on": _iso(deal.registered_on),
        "implementation_status": deal.implementation_status,
        "implementation_evidence": list(deal.implementation_evidence or []),
        "closed_on": _iso(deal.closed_on), "cancel_reason": deal.cancel_reason, "created_by": deal.created_by,
        "next_states": list(next_states(deal.kind, deal.state)),
    }


def _money_str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def get_deal(session: Session, actor, deal_id, today: dt.date | None = None) -> dict[str, Any]:
    deal = _load(session, actor, deal_id)
    result = deal_dict(deal, _patent_ids(session, [deal.id])[deal.id], today)
    result["transitions"] = [
        {"from": t.from_state, "to": t.to_state, "actor": t.actor, "note": t.note, "details": t.details,
         "at": t.at.isoformat(timespec="seconds")}
        for t in session.scalars(select(DealTransition).where(DealTransition.deal_id == deal.id)
                                 .order_by(DealTransition.id))]
    result["payments"] = [
        {"id": p.id, "amount_yuan": _money_str(p.amount_yuan), "received_on": p.received_on.isoformat(),
         "note": p.note, "recorded_by": p.recorded_by}
        for p in session.scalars(select(DealPayment).where(DealPayment.deal_id == deal.id).order_by(DealPayment.id))]
    return result


def deals_query(actor, state: str | None = None, kind: str | None = None):
    statement = select(Deal).order_by(Deal.id.desc())
    if not _sees_all(actor):
        conditions = []
        if actor.can(DEALS_MANAGE) and actor.user_id is not None:
            conditions.append(Deal.broker_user_id == actor.user_id)
        if actor.organisation_id is not None:
            conditions.append(Deal.supplier_organisation_id == actor.organisation_id)
            conditions.append(Deal.counterparty_organisation_id == actor.organisation_id)
        if not conditions:
            return statement.where(Deal.id.is_(None))
        statement = statement.where(or_(*conditions))
    if state:
        fields.choice(state, "state", tuple(STATES))
        statement = statement.where(Deal.state == state)
    if kind:
        fields.choice(kind, "kind", tuple(KINDS))
        statement = statement.where(Deal.kind == kind)
    return statement


def list_deals(session: Session, actor, state: str | None = None, kind: str | None = None, page: int = 1,
               page_size: int = 50, today: dt.date | None = None) -> dict[str, Any]:
    result = paginate(session, deals_query(actor, state, kind), page, page_size)
    patents = _patent_ids(session, [d.id for d in result.items])
    return {"items": [deal_dict(d, patents[d.id], today) for d in result.items], "total": result.total,
            "page": result.page, "page_size": result.page_size, "pages": result.pages}


def all_visible_deals(session: Session, actor, today: dt.date | None = None) -> list[dict[str, Any]]:
    deals = session.scalars(deals_query(actor)).all()
    patents = _patent_ids(session, [d.id for d in deals])
    return [deal_dict(d, patents[d.id], today) for d in deals]


# --- creating ----------------------------------------------------------------------------------------------------

def _check_patents(session: Session, patent_ids) -> list[int]:
    if not patent_ids:
        raise InvalidInput("a deal needs at least one patent", field="patent_ids")
    try:
        ids = list(dict.fromkeys(int(i) for i in patent_ids))
    except (TypeError, ValueError):
        raise InvalidInput(f"patent_ids must be patent ids, got {patent_ids!r}", field="patent_ids") from None
    known = set(session.scalars(select(Patent.id).where(Patent.id.in_(ids))))
    missing = [i for i in ids if i not in known]
    if missing:
        raise NotFound(f"patents not found: {', '.join(map(str, missing))}", field="patent_ids")
    return ids


def open_licence_patents(session: Session, patent_ids: list[int]) -> dict[int, int]:
    """patent id → published open-licence declaration id, for the patents under an open licence now."""
    return dict(session.execute(
        select(OpenLicenceDeclaration.patent_id, OpenLicenceDeclaration.id)
        .where(OpenLicenceDeclaration.patent_id.in_(patent_ids), OpenLicenceDeclaration.status == "published")).all())


def _refuse_exclusive_under_open_licence(session: Session, kind: str, patent_ids: list[int]) -> None:
    if kind not in EXCLUSIVE_KINDS:
        return
    declared = open_licence_patents(session, patent_ids)
    if declared:
        first = next(iter(declared))
        raise InvalidInput(
            f"rule open_licence_no_exclusive (Patent Law art. 51): patent {first} is under open-licence declaration "
            f"{declared[first]}; only ordinary licences may be granted while it runs", field="kind")


def create_deal(session: Session, actor, *, kind: str, title: str, patent_ids, supplier: str, counterparty: str,
                reference: str | None = None, supplier_organisation_id: int | None = None,
                counterparty_organisation_id: int | None = None, broker_user_id: int | None = None,
                contract_amount_yuan=None, licence_end=None, listing_id: int | None = None,
                declaration_id: int | None = None, note: str | None = None) -> dict[str, Any]:
    require(actor, DEALS_MANAGE)
    acting_as(session, actor)
    fields.choice(kind, "kind", tuple(KINDS))
    ids = _check_patents(session, patent_ids)
    _refuse_exclusive_under_open_licence(session, kind, ids)
    if not _sees_all(actor):
        broker_user_id = actor.user_id  # a broker opens deals on their own desk
    elif broker_user_id is not None:
        broker = session.get(User, int(broker_user_id))
        if broker is None or broker.role != "broker":
            raise InvalidInput(f"broker_user_id {broker_user_id} is not a broker's account", field="broker_user_id")
    if listing_id is not None and session.get(Listing, int(listing_id)) is None:
        raise NotFound(f"listing {listing_id} not found", field="listing_id")
    if kind == "open_licence":
        if declaration_id is None:
            raise InvalidInput("a licence under an open licence names its declaration", field="declaration_id")
        declaration = session.get(OpenLicenceDeclaration, int(declaration_id))
        if declaration is None:
            raise NotFound(f"open-licence declaration {declaration_id} not found", field="declaration_id")
    reference = fields.text(reference, "reference", required=False, limit=80)
    if reference and session.scalar(select(func.count()).select_from(Deal).where(Deal.reference == reference)):
        raise Conflict(f"a deal with contract number {reference!r} already exists", field="reference")
    deal = Deal(kind=kind, title=fields.text(title, "title", limit=300), reference=reference,
                supplier=fields.text(supplier, "supplier"), counterparty=fields.text(counterparty, "counterparty"),
                supplier_organisation_id=supplier_organisation_id,
                counterparty_organisation_id=counterparty_organisation_id, broker_user_id=broker_user_id,
                contract_amount_yuan=fields.money(contract_amount_yuan, "contract_amount_yuan", required=False),
                received_yuan=Decimal("0.00"), licence_end=fields.date(licence_end, "licence_end", required=False),
                listing_id=listing_id, declaration_id=declaration_id, state="draft", created_by=actor.username,
                implementation_evidence=[])
    session.add(deal)
    try:
        session.flush()
    except IntegrityError:  # the same contract number committed by someone else a moment ago
        raise Conflict(f"a deal with contract number {reference!r} already exists", field="reference") from None
    session.add_all(DealPatent(deal_id=deal.id, patent_id=pid) for pid in ids)
    session.add(DealTransition(deal_id=deal.id, from_state=None, to_state="draft", actor=actor.username, note=note,
                               details={}))
    session.flush()
    return deal_dict(deal, ids)


# --- the state machine -------------------------------------------------------------------------------------------

def transition(session: Session, actor, deal_id, to_state: str, expected_version, data: dict[str, Any] | None = None,
               today: dt.date | None = None) -> dict[str, Any]:
    """Move a deal to `to_state`, checking the step's rules; all of it in the caller's one transaction."""
    today = today or dt.date.today()
    data = dict(data or {})
    deal = _load_for_change(session, actor, deal_id, expected_version)
    allowed = next_states(deal.kind, deal.state)
    fields.choice(to_state, "to_state", tuple(STATES))
    if to_state not in allowed:
        raise InvalidInput(f"a {deal.kind} deal cannot go from {deal.state} to {to_state}; allowed: "
                           f"{', '.join(allowed) or 'none (the deal is ' + deal.state + ')'}", field="to_state")
    note = fields.text(data.pop("note", None), "note", required=False, limit=2000)
    patent_ids = _patent_ids(session, [deal.id])[deal.id]
    before = deal.state
    with session.no_autoflush:  # the step's reads must not flush half its changes: one transition, one version
        try:
            details = _STEPS[to_state](session, deal, data, today, patent_ids)
        except Exception:
            session.expire(deal)  # drop the step's unflushed changes, even if the caller goes on to commit
            raise
    deal.state = to_state
    session.add(DealTransition(deal_id=deal.id, from_state=before, to_state=to_state, actor=actor.username,
                               note=note, details=details))
    _flush(session, deal)
    return deal_dict(deal, patent_ids, today)


def _flush(session: Session, deal: Deal) -> None:
    deal_id = deal.id  # read before the flush: after a failed flush the object cannot be loaded
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"deal {deal_id} was changed by someone else at the same moment; reload it and try again",
                       field="expected_version") from None


def _sign(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    amount = data.get("contract_amount_yuan", deal.contract_amount_yuan)
    deal.contract_amount_yuan = fields.money(amount, "contract_amount_yuan")
    deal.signed_on = fields.date(data.get("signed_on") or today, "signed_on")
    if deal.signed_on > today:
        raise InvalidInput(f"signed_on {deal.signed_on} is in the future", field="signed_on")
    if "licence_end" in data:
        deal.licence_end = fields.date(data["licence_end"], "licence_end", required=False)
    _refuse_exclusive_under_open_licence(session, deal.kind, patent_ids)
    settings = params.current(session)
    details: dict[str, Any] = {"contract_amount_yuan": f"{deal.contract_amount_yuan:.2f}",
                               "signed_on": deal.signed_on.isoformat()}
    if deal.kind in LICENCE_KINDS:
        deal.effective_on = fields.date(data.get("effective_on") or deal.signed_on, "effective_on")
        if deal.effective_on < deal.signed_on:
            raise InvalidInput("effective_on is before signed_on", field="effective_on")
        if deal.licence_end is not None and deal.licence_end <= deal.effective_on:
            raise InvalidInput("licence_end must be after effective_on", field="licence_end")
        # Regulations art. 15: a licence contract is filed within 3 months of taking effect
        deal.filing_deadline = add_months(deal.effective_on, int(settings["licence_filing_months"]))
        details["filing_deadline"] = deal.filing_deadline.isoformat()
    if deal.listing_id is not None:  # the listing's publicity after the deal starts now
        listing = session.get(Listing, deal.listing_id)
        if listing is not None and listing.status in ("approved", "submitted"):
            listing.status = "dealt"
            listing.deal_publicity_end = deal.signed_on + dt.timedelta(days=int(settings["deal_publicity_days"]))
    return details


def _file(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    deal.filing_number = fields.text(data.get("filing_number"), "filing_number", limit=60)
    deal.filed_on = fields.date(data.get("filed_on") or today, "filed_on")
    if deal.filed_on < deal.signed_on:
        raise InvalidInput("filed_on is before the contract was signed", field="filed_on")
    if deal.filed_on > today:
        raise InvalidInput(f"filed_on {deal.filed_on} is in the future", field="filed_on")
    late = deal.filing_deadline is not None and deal.filed_on > deal.filing_deadline
    return {"filing_number": deal.filing_number, "filed_on": deal.filed_on.isoformat(), "late": late}


def _register(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    deal.registration_number = fields.text(data.get("registration_number"), "registration_number", limit=60)
    deal.registered_on = fields.date(data.get("registered_on") or today, "registered_on")
    if deal.registered_on < deal.signed_on:
        raise InvalidInput("registered_on is before the contract was signed", field="registered_on")
    if deal.registered_on > today:
        raise InvalidInput(f"registered_on {deal.registered_on} is in the future", field="registered_on")
    deal.effective_on = deal.registered_on  # Patent Law art. 10: a transfer takes effect on registration
    return {"registration_number": deal.registration_number, "registered_on": deal.registered_on.isoformat(),
            "effective_on": deal.effective_on.isoformat()}


def _implement(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    deal.implementation_status = fields.text(data.get("implementation_status"), "implementation_status",
                                             limit=4000)
    evidence = _evidence(data.get("implementation_evidence"))
    deal.implementation_evidence = [*(deal.implementation_evidence or []), *evidence]
    return {"implementation_status": deal.implementation_status, "evidence_added": len(evidence)}


def _close(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    deal.closed_on = fields.date(data.get("closed_on") or today, "closed_on")
    return {"closed_on": deal.closed_on.isoformat()}


def _cancel(session: Session, deal: Deal, data: dict, today: dt.date, patent_ids: list[int]) -> dict:
    deal.cancel_reason = fields.text(data.get("reason"), "reason", limit=2000)
    if deal.listing_id is not None:
        listing = session.get(Listing, deal.listing_id)
        if listing is not None and listing.status == "dealt":
            listing.status = "approved"  # the patent is on offer again
            listing.deal_publicity_end = None
    return {"reason": deal.cancel_reason}


_STEPS = {"signed": _sign, "filed": _file, "registered": _register, "in_implementation": _implement,
          "closed": _close, "cancelled": _cancel}
assert set(_STEPS) == set(STATES) - {"draft"}
assert REGISTERED_KINDS | LICENCE_KINDS == set(KINDS)


def _evidence(value) -> list[str]:
    if value in (None, "", []):
        return []
    items = value if isinstance(value, list) else [line for line in str(value).splitlines()]
    cleaned = [str(item).strip() for item in items if str(item).strip()]
    if any(len(item) > 500 for item in cleaned):
        raise InvalidInput("each implementation_evidence entry is at most 500 characters",
                           field="implementation_evidence")
    return cleaned


# --- changes that are not transitions ------------------------------------------------------------------------------

def record_payment(session: Session, actor, deal_id, amount_yuan, received_on, expected_version,
                   note: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """A payment received (到账); the deal's received total is the exact sum of its payments."""
    today = today or dt.date.today()
    deal = _load_for_change(session, actor, deal_id, expected_version)
    if deal.state in ("draft", "cancelled"):
        raise InvalidInput(f"payments are recorded on signed deals; deal {deal.id} is {deal.state}", field="state")
    amount = fields.money(amount_yuan, "amount_yuan")
    if amount == 0:
        raise InvalidInput("amount_yuan must be more than zero", field="amount_yuan")
    day = fields.date(received_on or today, "received_on")
    if day > today:
        raise InvalidInput(f"received_on {day} is in the future", field="received_on")
    total = deal.received_yuan + amount
    if deal.contract_amount_yuan is not None and total > deal.contract_amount_yuan and deal.kind != "open_licence":
        raise InvalidInput(f"received total {total:.2f} would exceed the contract amount "
                           f"{deal.contract_amount_yuan:.2f}; correct the contract amount first", field="amount_yuan")
    session.add(DealPayment(deal_id=deal.id, amount_yuan=amount, received_on=day,
                            note=fields.text(note, "note", required=False, limit=1000), recorded_by=actor.username))
    deal.received_yuan = total
    _flush(session, deal)
    return deal_dict(deal, _patent_ids(session, [deal.id])[deal.id], today)


def update_implementation(session: Session, actor, deal_id, expected_version, implementation_status: str,
                          implementation_evidence=None) -> dict[str, Any]:
    """Implementation status after the deal (实施情况) with evidence, once the deal is filed or registered."""
    deal = _load_for_change(session, actor, deal_id, expected_version)
    if deal.state not in ("filed", "registered", "in_implementation", "closed"):
        raise InvalidInput(f"implementation is recorded after filing or registration; deal {deal.id} is "
                           f"{deal.state}", field="state")
    deal.implementation_status = fields.text(implementation_status, "implementation_status", limit=4000)
    deal.implementation_evidence = [*(deal.implementation_evidence or []), *_evidence(implementation_evidence)]
    _flush(session, deal)
    return deal_dict(deal, _patent_ids(session, [deal.id])[deal.id])


def exclusive_licences_in_force(session: Session, patent_ids: list[int], today: dt.date) -> dict[int, int]:
    """patent id → deal id of an exclusive or sole licence in force (signed, not ended, not cancelled)."""
    rows = session.execute(
        select(DealPatent.patent_id, Deal.id, Deal.licence_end)
        .join(Deal, Deal.id == DealPatent.deal_id)
        .where(DealPatent.patent_id.in_(patent_ids), Deal.kind.in_(EXCLUSIVE_KINDS), Deal.state.in_(IN_FORCE)))
    return {pid: deal_id for pid, deal_id, end in rows if end is None or end >= today}


__all__ = ["TERMINAL", "create_deal", "transition", "record_payment", "update_implementation", "get_deal",
           "list_deals", "exclusive_licences_in_force", "open_licence_patents"]
