"""§6 market pages: listing market, open-licence market, deal desk, events. Thin over lingxi.market.

A form whose input a service refuses comes back to its page with the service's message (`?error=…`), so the user
sees exactly which field or rule failed; permission errors answer 403 like everywhere else.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import DEALS_MANAGE, MARKET_APPROVE, MARKET_POST, MARKET_TRADE
from lingxi.db.models import User
from lingxi.errors import Conflict, InvalidInput, NotFound
from lingxi.market import deals, events, listings, open_licences, reminders
from lingxi.market.deal_states import KINDS as DEAL_KINDS
from lingxi.market.deals_excel import write_deals
from lingxi.market.events import KINDS as EVENT_KINDS
from lingxi.market.listings import MODES
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOLDER_TYPES = ("university", "institute", "enterprise", "soe", "individual")


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, 303)


def _fail(session: Session, url: str, error) -> RedirectResponse:
    """Back to the form's page with the refusal; nothing of the refused change is kept."""
    session.rollback()
    separator = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{separator}error={quote(error.message)}", 303)


def _ids(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").replace(" ", ",").split(",") if part.strip()]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}


def _brokers(session: Session) -> list[tuple[int, str]]:
    return [(u.id, u.display_name or u.username) for u in session.scalars(
        select(User).where(User.role == "broker", User.is_active.is_(True)).order_by(User.username))]


# --- listing market ------------------------------------------------------------------------------------------------

@router.get("/market")
def listing_market(request: Request, status: str | None = None, mode: str | None = None, q: str | None = None,
                   page: int = 1, error: str | None = None, principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    result = listings.list_listings(session, principal, status=status or None, mode=mode or None, q=q, page=page,
                                    page_size=20)
    return render(request, "market/listings.html", result=result, filters={"status": status, "mode": mode, "q": q},
                  modes=MODES, error=error, may_post=principal.can(MARKET_POST),
                  may_approve=principal.can(MARKET_APPROVE))


@router.post("/market/listings")
async def create_listing(request: Request, principal: Principal = Depends(page_principal),
                         session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        listing = listings.create_listing(session, principal, title=form.get("title", ""), mode=form.get("mode", ""),
                                          patent_ids=_ids(form.get("patent_ids")),
                                          asking_price_yuan=form.get("asking_price_yuan") or None,
                                          terms=form.get("terms"), publicity_days=form.get("publicity_days") or None)
    except (InvalidInput, NotFound) as error:
        return _fail(session, "/market", error)
    return _back(f"/market/listings/{listing['id']}")


@router.get("/market/listings/{listing_id}")
def listing_page(request: Request, listing_id: int, error: str | None = None,
                 principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    listing = listings.get_listing(session, principal, listing_id)
    logs = {e["id"]: listings.negotiation_log(session, principal, e["id"]) for e in listing["enquiries"]}
    return render(request, "market/listing.html", listing=listing, logs=logs, error=error,
                  may_approve=principal.can(MARKET_APPROVE), may_trade=principal.can(MARKET_TRADE),
                  brokers=_brokers(session) if principal.can(MARKET_APPROVE) else [])


@router.post("/market/listings/{listing_id}/decision")
async def decide_listing(request: Request, listing_id: int, principal: Principal = Depends(page_principal),
                         session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        listings.decide(session, principal, listing_id, form.get("approve") == "1", form.get("expected_version"),
                        form.get("note"))
    except (InvalidInput, Conflict) as error:
        return _fail(session, f"/market/listings/{listing_id}", error)
    return _back(f"/market/listings/{listing_id}")


@router.post("/market/listings/{listing_id}/broker")
async def assign_broker(request: Request, listing_id: int, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        listings.assign_broker(session, principal, listing_id, form.get("broker_user_id"),
                               form.get("expected_version"))
    except (InvalidInput, Conflict) as error:
        return _fail(session, f"/market/listings/{listing_id}", error)
    return _back(f"/market/listings/{listing_id}")


@router.post("/market/listings/{listing_id}/enquiries")
async def enquire(request: Request, listing_id: int, principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        listings.enquire(session, principal, listing_id, form.get("message", ""))
    except InvalidInput as error:
        return _fail(session, f"/market/listings/{listing_id}", error)
    return _back(f"/market/listings/{listing_id}")


@router.post("/market/enquiries/{enquiry_id}/negotiation")
async def negotiate(request: Request, enquiry_id: int, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    log = listings.negotiation_log(session, principal, enquiry_id)
    try:
        listings.negotiate(session, principal, enquiry_id, form.get("note", ""), form.get("offer_yuan") or None,
                           close=form.get("close") == "1")
    except InvalidInput as error:
        return _fail(session, f"/market/listings/{log['listing_id']}", error)
    return _back(f"/market/listings/{log['listing_id']}")


# --- open-licence market -------------------------------------------------------------------------------------------

@router.get("/market/open-licences")
def open_licence_market(request: Request, field: str | None = None, max_fee: str | None = None,
                        holder_type: str | None = None, q: str | None = None, status: str = "published",
                        page: int = 1, error: str | None = None, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    try:
        result = open_licences.market(session, principal, field=field or None, max_fee=max_fee or None,
                                      holder_type=holder_type or None, q=q or None, status=status or "published",
                                      page=page, page_size=20)
    except InvalidInput as invalid:
        error, result = invalid.message, {"items": [], "total": 0, "page": 1, "page_size": 20, "pages": 1}
    return render(request, "market/open_licences.html", result=result, error=error, holder_types=HOLDER_TYPES,
                  filters={"field": field, "max_fee": max_fee, "holder_type": holder_type, "q": q, "status": status},
                  may_post=principal.can(MARKET_POST))


@router.post("/market/open-licences")
async def create_declaration(request: Request, principal: Principal = Depends(page_principal),
                             session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    patent_id = form.pop("patent_id", "")
    form["pledgee_consent"] = form.get("pledgee_consent") == "1"
    form["try_before_pay"] = form.get("try_before_pay") == "1"
    try:
        declaration = open_licences.create_declaration(session, principal, patent_id, form)
    except (InvalidInput, NotFound) as error:
        return _fail(session, "/market/open-licences", error)
    return _back(f"/market/open-licences/{declaration['id']}")


@router.get("/market/open-licences/{declaration_id}")
def declaration_page(request: Request, declaration_id: int, error: str | None = None,
                     principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    declaration = open_licences.get_declaration(session, principal, declaration_id)
    return render(request, "market/open_licence.html", d=declaration, error=error,
                  rules=open_licences.check(session, principal, declaration_id),
                  accepted=open_licences.acceptances(session, principal, declaration_id),
                  may_post=principal.can(MARKET_POST), may_trade=principal.can(MARKET_TRADE))


@router.post("/market/open-licences/{declaration_id}/{action}")
async def declaration_action(request: Request, declaration_id: int, action: str,
                             principal: Principal = Depends(page_principal),
                             session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        if action == "publish":
            open_licences.publish(session, principal, declaration_id, form.get("expected_version"))
        elif action == "withdraw":
            open_licences.withdraw(session, principal, declaration_id, form.get("expected_version"))
        elif action == "accept":
            open_licences.accept(session, principal, declaration_id, notified_on=form.get("notified_on") or None,
                                 paid_yuan=form.get("paid_yuan") or None)
        else:
            raise NotFound(f"no action {action!r}")
    except (InvalidInput, Conflict) as error:
        return _fail(session, f"/market/open-licences/{declaration_id}", error)
    return _back(f"/market/open-licences/{declaration_id}")


# --- deal desk -----------------------------------------------------------------------------------------------------

@router.get("/market/deals")
def deal_desk(request: Request, state: str | None = None, kind: str | None = None, page: int = 1,
              error: str | None = None, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    result = deals.list_deals(session, principal, state=state or None, kind=kind or None, page=page, page_size=20)
    desk = principal.can(DEALS_MANAGE)
    return render(request, "market/deals.html", result=result, filters={"state": state, "kind": kind}, error=error,
                  kinds=DEAL_KINDS, may_manage=desk,
                  due=reminders.filing_reminders(session, principal) if desk else None,
                  overdue=reminders.overdue_filings(session, principal) if desk else None,
                  brokers=_brokers(session) if principal.can(MARKET_APPROVE) else [])


@router.get("/market/deals.xlsx")
def deals_export(principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    return Response(write_deals(session, principal), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lingxi-deals.xlsx"'})


@router.post("/market/deals")
async def create_deal(request: Request, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        deal = deals.create_deal(
            session, principal, kind=form.get("kind", ""), title=form.get("title", ""),
            patent_ids=_ids(form.get("patent_ids")), supplier=form.get("supplier", ""),
            counterparty=form.get("counterparty", ""), reference=form.get("reference") or None,
            contract_amount_yuan=form.get("contract_amount_yuan") or None,
            broker_user_id=int(form["broker_user_id"]) if form.get("broker_user_id", "").isdigit() else None,
            listing_id=int(form["listing_id"]) if form.get("listing_id", "").isdigit() else None)
    except (InvalidInput, NotFound, Conflict) as error:
        return _fail(session, "/market/deals", error)
    return _back(f"/market/deals/{deal['id']}")


@router.get("/market/deals/{deal_id}")
def deal_page(request: Request, deal_id: int, error: str | None = None, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    return render(request, "market/deal.html", deal=deals.get_deal(session, principal, deal_id), error=error,
                  may_manage=principal.can(DEALS_MANAGE))


@router.post("/market/deals/{deal_id}/transition")
async def deal_transition(request: Request, deal_id: int, principal: Principal = Depends(page_principal),
                          session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    to_state, version = form.pop("to_state", ""), form.pop("expected_version", None)
    data = {key: value for key, value in form.items() if value != ""}
    try:
        deals.transition(session, principal, deal_id, to_state, version, data)
    except (InvalidInput, Conflict) as error:
        return _fail(session, f"/market/deals/{deal_id}", error)
    return _back(f"/market/deals/{deal_id}")


@router.post("/market/deals/{deal_id}/payments")
async def deal_payment(request: Request, deal_id: int, principal: Principal = Depends(page_principal),
                       session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    try:
        deals.record_payment(session, principal, deal_id, form.get("amount_yuan"), form.get("received_on") or None,
                             form.get("expected_version"), form.get("note"))
    except (InvalidInput, Conflict) as error:
        return _fail(session, f"/market/deals/{deal_id}", error)
    return _back(f"/market/deals/{deal_id}")


# --- events --------------------------------------------------------------------------------------------------------

@router.get("/market/events")
def events_page(request: Request, kind: str | None = None, year: int | None = None, error: str | None = None,
                principal: Principal = Depends(page_principal),
                session: Session = Depends(db_session, scope="function")):
    return render(request, "market/events.html", items=events.list_events(session, principal, kind or None, year),
                  stats=events.event_stats(session, principal, year), kinds=EVENT_KINDS, error=error,
                  filters={"kind": kind, "year": year}, may_manage=principal.can(DEALS_MANAGE))


@router.post("/market/events")
async def create_event(request: Request, principal: Principal = Depends(page_principal),
                       session: Session = Depends(db_session, scope="function")):
    form = await _form(request)
    values = {key: value for key, value in form.items() if value != ""}
    for key in ("patent_ids", "demand_ids", "deal_ids"):
        if key in values:
            values[key] = _ids(values[key])
    try:
        events.create_event(session, principal, values)
    except (InvalidInput, NotFound) as error:
        return _fail(session, "/market/events", error)
    return _back("/market/events")
