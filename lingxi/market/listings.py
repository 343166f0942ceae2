"""Listings (挂牌): a supplier offers a patent or a package; an operator approves; a publicity (公示) window runs;
a broker is assigned; enterprises send enquiries (询价) and the negotiation is logged (谈判记录).

A listing shows each patent's value grade (lingxi.value.service.grade_of) and its valuation range
(lingxi.value.valuation.valuate), so a buyer sees the asking price beside an independent estimate.
Phases: submitted → approved (publicity window, then open) → dealt (publicity after the deal) | rejected | withdrawn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lingxi import fields
from lingxi.accounts.roles import MARKET_APPROVE, MARKET_POST, MARKET_TRADE, PATENTS_READ, require
from lingxi.db.audit import acting_as
from lingxi.db.models import (
    Listing,
    ListingEnquiry,
    ListingPatent,
    NegotiationEntry,
    Organisation,
    Patent,
    PatentParty,
    User,
)
from lingxi.db.pagination import paginate
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market import parameters as params

MODES = {"transfer": ("转让", "Transfer"), "licence": ("许可", "Licence"), "equity": ("作价入股", "Equity")}
PUBLIC = ("approved", "dealt")


def _is_operator(actor) -> bool:
    return actor.can(MARKET_APPROVE)


def _owns(actor, listing: Listing) -> bool:
    return actor.organisation_id is not None and listing.organisation_id == actor.organisation_id


def _visible(actor, listing: Listing) -> bool:
    return listing.status in PUBLIC or _is_operator(actor) or _owns(actor, listing) or (
        listing.broker_user_id is not None and listing.broker_user_id == actor.user_id)


def _load(session: Session, actor, listing_id) -> Listing:
    try:
        listing = session.get(Listing, int(listing_id))
    except (TypeError, ValueError):
        raise InvalidInput(f"listing id must be a number, got {listing_id!r}", field="listing_id") from None
    if listing is None or not _visible(actor, listing):
        raise NotFound(f"listing {listing_id} not found", field="listing_id")
    return listing


def _check_version(listing: Listing, expected_version) -> None:
    if expected_version is not None and int(expected_version) != listing.version:
        raise Conflict(f"listing {listing.id} was changed by someone else (now version {listing.version}); reload it",
                       field="expected_version")


def _flush(session: Session, listing_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"listing {listing_id} was changed by someone else at the same moment",
                       field="expected_version") from None


def phase(listing: Listing, today: dt.date) -> str:
    if listing.status == "approved":
        return "publicity" if listing.publicity_end and today <= listing.publicity_end else "open"
    if listing.status == "dealt":
        return "deal_publicity" if listing.deal_publicity_end and today <= listing.deal_publicity_end else "dealt"
    return listing.status


def _patent_ids(session: Session, listing_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {i: [] for i in listing_ids}
    if listing_ids:
        for lid, pid in session.execute(select(ListingPatent.listing_id, ListingPatent.patent_id)
                                        .where(ListingPatent.listing_id.in_(listing_ids)).order_by(ListingPatent.id)):
            found[lid].append(pid)
    return found


def listing_dict(listing: Listing, patent_ids: list[int], today: dt.date) -> dict[str, Any]:
    return {
        "id": listing.id, "title": listing.title, "mode": listing.mode, "mode_zh": MODES[listing.mode][0],
        "mode_en": MODES[listing.mode][1],
        "asking_price_yuan": f"{listing.asking_price_yuan:.2f}" if listing.asking_price_yuan is not None else None,
        "terms": listing.terms, "organisation_id": listing.organisation_id, "status": listing.status,
        "phase": phase(listing, today), "publicity_days": listing.publicity_days,
        "publicity_start": _iso(listing.publicity_start), "publicity_end": _iso(listing.publicity_end),
        "deal_publicity_end": _iso(listing.deal_publicity_end), "broker_user_id": listing.broker_user_id,
        "decided_by": listing.decided_by, "decision_note": listing.decision_note, "created_by": listing.created_by,
        "version": listing.version, "patent_ids": patent_ids,
    }


def _iso(day):
    return day.isoformat() if day else None


def create_listing(session: Session, actor, *, title: str, mode: str, patent_ids, asking_price_yuan=None,
                   terms: str | None = None, publicity_days=None, today: dt.date | None = None) -> dict[str, Any]:
    require(actor, MARKET_POST)
    acting_as(session, actor)
    today = today or dt.date.today()
    fields.choice(mode, "mode", tuple(MODES))
    if not patent_ids:
        raise InvalidInput("a listing needs at least one patent", field="patent_ids")
    try:
        ids = list(dict.fromkeys(int(i) for i in patent_ids))
    except (TypeError, ValueError):
        raise InvalidInput(f"patent_ids must be patent ids, got {patent_ids!r}", field="patent_ids") from None
    known = set(session.scalars(select(Patent.id).where(Patent.id.in_(ids))))
    if missing := [i for i in ids if i not in known]:
        raise NotFound(f"patents not found: {', '.join(map(str, missing))}", field="patent_ids")
    if not _is_operator(actor):
        organisation = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
        held = set(session.scalars(select(PatentParty.patent_id).where(
            PatentParty.patent_id.in_(ids), PatentParty.party_id == (organisation.party_id if organisation else -1),
            PatentParty.role.in_(("applicant", "assignee")))))
        if not_held := [i for i in ids if i not in held]:
            raise PermissionDenied(f"patents not held by your organisation: {', '.join(map(str, not_held))}")
    price = fields.money(asking_price_yuan, "asking_price_yuan", required=False)
    terms = fields.text(terms, "terms", required=False, limit=4000)
    if price is None and not terms:
        raise InvalidInput("give an asking price or the terms (面议 terms are fine)", field="asking_price_yuan")
    days = params.current(session)["publicity_days"] if publicity_days in (None, "") else publicity_days
    listing = Listing(title=fields.text(title, "title", limit=300), mode=mode, asking_price_yuan=price, terms=terms,
                      organisation_id=actor.organisation_id, status="submitted",
                      publicity_days=fields.integer(days, "publicity_days", 0, 365, required=True),
                      created_by=actor.username)
    session.add(listing)
    session.flush()
    session.add_all(ListingPatent(listing_id=listing.id, patent_id=pid) for pid in ids)
    session.flush()
    return listing_dict(listing, ids, today)


def decide(session: Session, actor, listing_id, approve: bool, expected_version=None, note: str | None = None,
           today: dt.date | None = None) -> dict[str, Any]:
    """An operator approves (the publicity window starts today) or rejects (with a reason) a submitted listing."""
    require(actor, MARKET_APPROVE)
    acting_as(session, actor)
    today = today or dt.date.today()
    listing = _load(session, actor, listing_id)
    _check_version(listing, expected_version)
    if listing.status != "submitted":
        raise InvalidInput(f"listing {listing.id} is {listing.status}, not waiting for approval", field="status")
    listing.decision_note = fields.text(note, "note", required=not approve, limit=2000)
    listing.decided_by = actor.username
    if approve:
        listing.status = "approved"
        listing.publicity_start = today
        listing.publicity_end = today + dt.timedelta(days=listing.publicity_days)
    else:
        listing.status = "rejected"
    lid = listing.id
    _flush(session, lid)
    return listing_dict(listing, _patent_ids(session, [lid])[lid], today)


def withdraw(session: Session, actor, listing_id, expected_version=None,
             today: dt.date | None = None) -> dict[str, Any]:
    require(actor, MARKET_POST)
    acting_as(session, actor)
    today = today or dt.date.today()
    listing = _load(session, actor, listing_id)
    if not (_is_operator(actor) or _owns(actor, listing)):
        raise PermissionDenied(f"listing {listing.id} belongs to another organisation")
    _check_version(listing, expected_version)
    if listing.status not in ("submitted", "approved"):
        raise InvalidInput(f"listing {listing.id} is {listing.status}; it cannot be withdrawn", field="status")
    listing.status = "withdrawn"
    _flush(session, listing.id)
    return listing_dict(listing, _patent_ids(session, [listing.id])[listing.id], today)


def assign_broker(session: Session, actor, listing_id, broker_user_id, expected_version=None,
                  today: dt.date | None = None) -> dict[str, Any]:
    require(actor, MARKET_APPROVE)
    acting_as(session, actor)
    listing = _load(session, actor, listing_id)
    _check_version(listing, expected_version)
    broker = session.get(User, int(broker_user_id)) if str(broker_user_id).isdigit() else None
    if broker is None or broker.role != "broker" or not broker.is_active:
        raise InvalidInput(f"user {broker_user_id} is not an active broker", field="broker_user_id")
    listing.broker_user_id = broker.id
    _flush(session, listing.id)
    return listing_dict(listing, _patent_ids(session, [listing.id])[listing.id], today or dt.date.today())


def get_listing(session: Session, actor, listing_id, today: dt.date | None = None,
                with_valuation: bool = True) -> dict[str, Any]:
    """One listing with each patent's grade and valuation range, and the package's summed range."""
    require(actor, PATENTS_READ)
    from lingxi.value.service import grade_of
    from lingxi.value.valuation import valuate

    today = today or dt.date.today()
    listing = _load(session, actor, listing_id)
    ids = _patent_ids(session, [listing.id])[listing.id]
    result = listing_dict(listing, ids, today)
    grades = grade_of(session, ids)
    titles = dict(session.execute(select(Patent.id, Patent.title).where(Patent.id.in_(ids))).all())
    numbers = dict(session.execute(select(Patent.id, Patent.publication_number).where(Patent.id.in_(ids))).all())
    patents, total = [], {"low": Decimal("0"), "mid": Decimal("0"), "high": Decimal("0")}
    complete = with_valuation
    for pid in ids:
        value_range = None
        if with_valuation:
            value_range = valuate(session, actor, pid, today=today).get("range")
            if value_range:
                for level in total:
                    total[level] += Decimal(str(value_range[level])).quantize(fields.CENT)
            else:
                complete = False
        patents.append({"patent_id": pid, "number": numbers.get(pid), "title": titles.get(pid),
                        "grade": grades.get(pid), "valuation_range": value_range})
    result["patents"] = patents
    result["valuation_range"] = {k: f"{v:.2f}" for k, v in total.items()} if complete and ids else None
    if _is_operator(actor) or _owns(actor, listing) or listing.broker_user_id == actor.user_id:
        result["enquiries"] = _enquiries(session, select(ListingEnquiry).where(ListingEnquiry.listing_id == listing.id))
    elif actor.organisation_id is not None:
        result["enquiries"] = _enquiries(session, select(ListingEnquiry).where(
            ListingEnquiry.listing_id == listing.id, ListingEnquiry.organisation_id == actor.organisation_id))
    else:
        result["enquiries"] = []
    return result


def _enquiries(session: Session, query) -> list[dict[str, Any]]:
    return [{"id": e.id, "listing_id": e.listing_id, "organisation_id": e.organisation_id, "asked_by": e.asked_by,
             "message": e.message, "status": e.status, "at": e.created_at.isoformat(timespec="seconds")}
            for e in session.scalars(query.order_by(ListingEnquiry.id))]


def list_listings(session: Session, actor, *, status: str | None = None, mode: str | None = None,
                  q: str | None = None, page: int = 1, page_size: int = 50,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The listing market: public listings for everyone; operators also see the approval queue (status=submitted),
    suppliers their own listings in any status."""
    require(actor, PATENTS_READ)
    from lingxi.value.service import grade_of

    today = today or dt.date.today()
    query = select(Listing).order_by(Listing.id.desc())
    if status:
        fields.choice(status, "status", ("submitted", "approved", "dealt", "rejected", "withdrawn"))
        query = query.where(Listing.status == status)
    if not _is_operator(actor):
        conditions = [Listing.status.in_(PUBLIC)]
        if actor.organisation_id is not None:
            conditions.append(Listing.organisation_id == actor.organisation_id)
        if actor.user_id is not None:
            conditions.append(Listing.broker_user_id == actor.user_id)
        query = query.where(or_(*conditions))
    if mode:
        fields.choice(mode, "mode", tuple(MODES))
        query = query.where(Listing.mode == mode)
    if q:
        query = query.where(Listing.title.contains(q.strip()))
    result = paginate(session, query, page, page_size)
    patents = _patent_ids(session, [item.id for item in result.items])
    grades = grade_of(session, [pid for ids in patents.values() for pid in ids])
    items = []
    for listing in result.items:
        item = listing_dict(listing, patents[listing.id], today)
        item["grades"] = [grades.get(pid) for pid in patents[listing.id]]
        items.append(item)
    return {"items": items, "total": result.total, "page": result.page, "page_size": result.page_size,
            "pages": result.pages}


# --- enquiries and negotiation ------------------------------------------------------------------------------------

def enquire(session: Session, actor, listing_id, message: str) -> dict[str, Any]:
    require(actor, MARKET_TRADE)
    acting_as(session, actor)
    listing = _load(session, actor, listing_id)
    if listing.status != "approved":
        raise InvalidInput(f"listing {listing.id} is {listing.status}; enquiries go to approved listings",
                           field="status")
    enquiry = ListingEnquiry(listing_id=listing.id, organisation_id=actor.organisation_id, asked_by=actor.username,
                             message=fields.text(message, "message", limit=4000), status="open")
    session.add(enquiry)
    session.flush()
    return _enquiries(session, select(ListingEnquiry).where(ListingEnquiry.id == enquiry.id))[0]


def _enquiry_for_party(session: Session, actor, enquiry_id) -> tuple[ListingEnquiry, Listing]:
    enquiry = session.get(ListingEnquiry, int(enquiry_id)) if str(enquiry_id).isdigit() else None
    listing = session.get(Listing, enquiry.listing_id) if enquiry else None
    party = enquiry is not None and (
        _is_operator(actor) or _owns(actor, listing)
        or (listing.broker_user_id is not None and listing.broker_user_id == actor.user_id)
        or (actor.organisation_id is not None and enquiry.organisation_id == actor.organisation_id))
    if not party:
        raise NotFound(f"enquiry {enquiry_id} not found", field="enquiry_id")
    return enquiry, listing


def negotiate(session: Session, actor, enquiry_id, note: str, offer_yuan=None, close: bool = False) -> dict[str, Any]:
    """Add a step to the negotiation log: the enquirer, the supplier, the listing's broker or an operator."""
    require(actor, PATENTS_READ)
    acting_as(session, actor)
    enquiry, _listing = _enquiry_for_party(session, actor, enquiry_id)
    if enquiry.status != "open":
        raise InvalidInput(f"enquiry {enquiry.id} is closed", field="status")
    entry = NegotiationEntry(enquiry_id=enquiry.id, author=actor.username, note=fields.text(note, "note", limit=4000),
                             offer_yuan=fields.money(offer_yuan, "offer_yuan", required=False))
    session.add(entry)
    if close:
        enquiry.status = "closed"
    session.flush()
    return negotiation_log(session, actor, enquiry.id)


def negotiation_log(session: Session, actor, enquiry_id) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    enquiry, listing = _enquiry_for_party(session, actor, enquiry_id)
    entries = session.scalars(select(NegotiationEntry).where(NegotiationEntry.enquiry_id == enquiry.id)
                              .order_by(NegotiationEntry.id))
    return {"enquiry_id": enquiry.id, "listing_id": listing.id, "status": enquiry.status, "message": enquiry.message,
            "asked_by": enquiry.asked_by,
            "entries": [{"author": e.author, "note": e.note,
                         "offer_yuan": f"{e.offer_yuan:.2f}" if e.offer_yuan is not None else None,
                         "at": e.at.isoformat(timespec="seconds")} for e in entries]}
