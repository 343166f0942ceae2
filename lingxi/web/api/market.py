"""§6 market over the API: listings, open licences, deals, filing reminders, events, deals export.

Thin over lingxi.market. A change to a deal sends `expected_version` (the version the client last read); a deal
changed in between answers 409 Conflict and nothing is overwritten. A refused open-licence declaration answers 422
with `error.code = declaration_refused`, the message naming every failed rule; `GET …/check` lists all rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.market import deals, events, listings, open_licences, parameters, reminders
from lingxi.market.deals_excel import write_deals
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/market", tags=["market 挂牌交易与开放许可"], responses=ERROR_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Money = str | int | float  # sent as text ("1200000.50") to keep it exact; numbers are accepted too

DealKind = Literal["transfer", "licence_exclusive", "licence_sole", "licence_ordinary", "open_licence", "equity"]
DealState = Literal["signed", "filed", "registered", "in_implementation", "closed", "cancelled"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListingIn(_Strict):
    title: str
    mode: Literal["transfer", "licence", "equity"]
    patent_ids: list[int]
    asking_price_yuan: Money | None = None
    terms: str | None = None
    publicity_days: int | None = None


class DecisionIn(_Strict):
    approve: bool
    note: str | None = None
    expected_version: int | None = None


class VersionIn(_Strict):
    expected_version: int | None = None


class BrokerIn(_Strict):
    broker_user_id: int
    expected_version: int | None = None


class EnquiryIn(_Strict):
    message: str


class NegotiationIn(_Strict):
    note: str
    offer_yuan: Money | None = None
    close: bool = False


class DeclarationIn(_Strict):
    patent_number: str | None = None
    patentee: str | None = None
    payment_method: str | None = None
    fee_standard: str | None = None
    upfront_fee_yuan: Money | None = None
    royalty_rate: Money | None = None
    licence_term_years: int | None = None
    other_matters: str | None = None
    pledgee_consent: bool | None = None
    evaluation_report: str | None = None
    try_before_pay: bool | dict[str, Any] | None = None


class NewDeclarationIn(DeclarationIn):
    patent_id: int


class AcceptIn(_Strict):
    notified_on: dt.date | None = None
    paid_yuan: Money | None = None
    licensee: str | None = None
    organisation_id: int | None = None


class DealIn(_Strict):
    kind: DealKind
    title: str
    patent_ids: list[int]
    supplier: str
    counterparty: str
    reference: str | None = None
    supplier_organisation_id: int | None = None
    counterparty_organisation_id: int | None = None
    broker_user_id: int | None = None
    contract_amount_yuan: Money | None = None
    licence_end: dt.date | None = None
    listing_id: int | None = None
    declaration_id: int | None = None
    note: str | None = None


class TransitionIn(_Strict):
    to_state: DealState
    expected_version: int
    note: str | None = None
    contract_amount_yuan: Money | None = None
    signed_on: dt.date | None = None
    effective_on: dt.date | None = None
    licence_end: dt.date | None = None
    filing_number: str | None = None
    filed_on: dt.date | None = None
    registration_number: str | None = None
    registered_on: dt.date | None = None
    implementation_status: str | None = None
    implementation_evidence: list[str] | None = None
    closed_on: dt.date | None = None
    reason: str | None = None


class PaymentIn(_Strict):
    amount_yuan: Money
    received_on: dt.date | None = None
    expected_version: int
    note: str | None = None


class ImplementationIn(_Strict):
    implementation_status: str
    implementation_evidence: list[str] | None = None
    expected_version: int


class EventIn(_Strict):
    kind: Literal["matchmaking", "roadshow", "auction", "training"] | None = None
    title: str | None = None
    held_on: dt.date | None = None
    location: str | None = None
    organiser: str | None = None
    participants: list[str] | None = None
    trainees: int | None = None
    patent_ids: list[int] | None = None
    demand_ids: list[int] | None = None
    enquiries: int | None = None
    deal_ids: list[int] | None = None
    outcome: str | None = None


class ParameterIn(_Strict):
    value: Any


# --- listings ------------------------------------------------------------------------------------------------------

@router.get("/listings", summary="The listing market (挂牌); operators also see the approval queue")
def list_listings(status: str | None = None, mode: str | None = None, q: str | None = None, page: int = 1,
                  page_size: int = 50, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.list_listings(session, principal, status=status, mode=mode, q=q, page=page, page_size=page_size)


@router.post("/listings", status_code=201, summary="List a patent or a package (suppliers: own patents)")
def create_listing(body: ListingIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.create_listing(session, principal, **body.model_dump())


@router.get("/listings/{listing_id}", summary="One listing with value grades, valuation range and enquiries")
def get_listing(listing_id: int, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.get_listing(session, principal, listing_id)


@router.post("/listings/{listing_id}/decision", summary="Approve (publicity starts) or reject (operators)")
def decide_listing(listing_id: int, body: DecisionIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.decide(session, principal, listing_id, body.approve, body.expected_version, body.note)


@router.post("/listings/{listing_id}/withdraw", summary="Withdraw a listing (its supplier or an operator)")
def withdraw_listing(listing_id: int, body: VersionIn | None = None, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.withdraw(session, principal, listing_id, body.expected_version if body else None)


@router.put("/listings/{listing_id}/broker", summary="Assign a broker (operators)")
def assign_broker(listing_id: int, body: BrokerIn, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.assign_broker(session, principal, listing_id, body.broker_user_id, body.expected_version)


@router.post("/listings/{listing_id}/enquiries", status_code=201, summary="Send an enquiry (询价) on a listing")
def enquire(listing_id: int, body: EnquiryIn, principal: Principal = Depends(api_principal),
            session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.enquire(session, principal, listing_id, body.message)


@router.get("/enquiries/{enquiry_id}", summary="An enquiry's negotiation log (its parties only)")
def negotiation_log(enquiry_id: int, principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.negotiation_log(session, principal, enquiry_id)


@router.post("/enquiries/{enquiry_id}/negotiation", status_code=201, summary="Add a step to the negotiation log")
def negotiate(enquiry_id: int, body: NegotiationIn, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return listings.negotiate(session, principal, enquiry_id, body.note, body.offer_yuan, body.close)


# --- open licences -------------------------------------------------------------------------------------------------

@router.get("/open-licences", summary="The open-licence market: by field (IPC prefix or tag), fee, holder type")
def open_licence_market(field: str | None = None, max_fee: str | None = None, holder_type: str | None = None,
                        q: str | None = None, status: str = "published", page: int = 1, page_size: int = 50,
                        principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.market(session, principal, field=field, max_fee=max_fee, holder_type=holder_type, q=q,
                                status=status, page=page, page_size=page_size)


@router.post("/open-licences", status_code=201, summary="Draft an open-licence declaration (开放许可声明)")
def create_declaration(body: NewDeclarationIn, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    return open_licences.create_declaration(session, principal, values.pop("patent_id"), values)


@router.get("/open-licences/{declaration_id}", summary="One declaration")
def get_declaration(declaration_id: int, principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.get_declaration(session, principal, declaration_id)


@router.patch("/open-licences/{declaration_id}", summary="Edit a draft declaration")
def update_declaration(declaration_id: int, body: DeclarationIn, expected_version: int | None = None,
                       principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.update_declaration(session, principal, declaration_id, body.model_dump(exclude_unset=True),
                                            expected_version)


@router.get("/open-licences/{declaration_id}/check", summary="Every publication rule, passed or failed, with why")
def check_declaration(declaration_id: int, principal: Principal = Depends(api_principal),
                      session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.check(session, principal, declaration_id)


@router.post("/open-licences/{declaration_id}/publish", summary="Publish (refused with the failed rules, 422)")
def publish_declaration(declaration_id: int, body: VersionIn | None = None,
                        principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.publish(session, principal, declaration_id, body.expected_version if body else None)


@router.post("/open-licences/{declaration_id}/withdraw", summary="Withdraw; licences already granted stay valid")
def withdraw_declaration(declaration_id: int, body: VersionIn | None = None,
                         principal: Principal = Depends(api_principal),
                         session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.withdraw(session, principal, declaration_id, body.expected_version if body else None)


@router.post("/open-licences/{declaration_id}/acceptances", status_code=201,
             summary="Accept an open licence: written notice and payment per the published terms")
def accept_declaration(declaration_id: int, body: AcceptIn, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return open_licences.accept(session, principal, declaration_id, **body.model_dump())


@router.get("/open-licences/{declaration_id}/acceptances", summary="Acceptances (the patentee sees all)")
def list_acceptances(declaration_id: int, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return open_licences.acceptances(session, principal, declaration_id)


# --- deals ---------------------------------------------------------------------------------------------------------

@router.get("/deals", summary="Deals visible to the caller (operators all, brokers their desk, parties their own)")
def list_deals(state: str | None = None, kind: str | None = None, page: int = 1, page_size: int = 50,
               principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return deals.list_deals(session, principal, state=state, kind=kind, page=page, page_size=page_size)


@router.get("/deals.xlsx", response_class=Response, summary="The visible deals as Excel, with the transition log")
def deals_xlsx(principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")):
    return Response(write_deals(session, principal), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lingxi-deals.xlsx"'})


@router.post("/deals", status_code=201, summary="Open a deal (draft)")
def create_deal(body: DealIn, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return deals.create_deal(session, principal, **body.model_dump())


@router.get("/deals/{deal_id}", summary="One deal with its transitions and payments")
def get_deal(deal_id: int, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return deals.get_deal(session, principal, deal_id)


@router.post("/deals/{deal_id}/transitions", summary="Move a deal to its next state (409 if it changed meanwhile)")
def transition(deal_id: int, body: TransitionIn, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    data = body.model_dump(exclude_none=True, exclude={"to_state", "expected_version"})
    return deals.transition(session, principal, deal_id, body.to_state, body.expected_version, data)


@router.post("/deals/{deal_id}/payments", status_code=201, summary="Record a payment received (到账)")
def record_payment(deal_id: int, body: PaymentIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return deals.record_payment(session, principal, deal_id, body.amount_yuan, body.received_on,
                                body.expected_version, body.note)


@router.put("/deals/{deal_id}/implementation", summary="Implementation status after the deal (实施情况)")
def implementation(deal_id: int, body: ImplementationIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return deals.update_implementation(session, principal, deal_id, body.expected_version,
                                       body.implementation_status, body.implementation_evidence)


@router.get("/filings/reminders", summary="Licence deals whose 3-month filing deadline is near")
def filing_reminders(within_days: int | None = None, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return reminders.filing_reminders(session, principal, within_days=within_days)


@router.post("/filings/reminders/send", summary="Send due / overdue filing reminders to the brokers' inboxes "
             "(operators; once per deal and stage)")
def send_filing_reminders(principal: Principal = Depends(api_principal),
                          session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return reminders.send_filing_reminders(session, principal)


@router.get("/filings/overdue", summary="Licence deals past their filing deadline, not filed")
def overdue_filings(principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return reminders.overdue_filings(session, principal)


# --- events and parameters -----------------------------------------------------------------------------------------

@router.get("/events", summary="Matchmaking fairs, roadshows, auctions, training sessions")
def list_events(kind: str | None = None, year: int | None = None, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return events.list_events(session, principal, kind, year)


@router.get("/events/stats", summary="Events and trainees by kind")
def event_stats(year: int | None = None, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return events.event_stats(session, principal, year)


@router.post("/events", status_code=201, summary="Record an event (operators, brokers)")
def create_event(body: EventIn, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return events.create_event(session, principal, body.model_dump(exclude_none=True, mode="json"))


@router.patch("/events/{event_id}", summary="Record outcomes or correct an event")
def update_event(event_id: int, body: EventIn, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return events.update_event(session, principal, event_id, body.model_dump(exclude_unset=True, mode="json"))


@router.get("/parameters", summary="Market parameters ([U] values: publicity window, reminder lead time …)")
def list_parameters(principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return parameters.list_parameters(session, principal)


@router.put("/parameters/{key}", summary="Set a market parameter (operators)")
def set_parameter(key: str, body: ParameterIn, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return parameters.set_parameter(session, principal, key, body.value)
