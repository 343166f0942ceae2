"""Market (SPEC §6): listings (挂牌), open-licence declarations (开放许可), deals and events.

Money is Numeric(18, 2) yuan, never float: a contract amount and its received payments must add up to the fen.
Every business table is audited; a deal also keeps its own transition log (deal_transitions) and a version column
that SQLAlchemy checks on every UPDATE, so two people editing one deal cannot silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin, utcnow


class MarketParameter(Base):
    """One operator-set market parameter (key → {"value": …}); defaults live in lingxi.market.parameters."""

    __tablename__ = "market_parameters"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(80), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Listing(TimestampMixin, Base):
    """A patent or a package offered on the platform (挂牌) with a mode, a price or terms and a publicity window."""

    __tablename__ = "market_listings"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    mode: Mapped[str] = mapped_column(String(16))  # transfer | licence | equity
    asking_price_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    terms: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)  # the supplier
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    publicity_days: Mapped[int] = mapped_column(Integer)
    publicity_start: Mapped[dt.date | None] = mapped_column(Date)
    publicity_end: Mapped[dt.date | None] = mapped_column(Date)
    deal_publicity_end: Mapped[dt.date | None] = mapped_column(Date)  # publicity after a deal is signed
    broker_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # told to subscribers by a push run (lingxi.market.push_sources); listings are approved out of id order
    push_announced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)

    __mapper_args__ = {"version_id_col": version}


class ListingPatent(Base):
    __tablename__ = "market_listing_patents"
    __table_args__ = (UniqueConstraint("listing_id", "patent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("market_listings.id", ondelete="CASCADE"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)


class ListingEnquiry(TimestampMixin, Base):
    """An enterprise's enquiry (询价) on a listing; the negotiation log hangs off it."""

    __tablename__ = "market_enquiries"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("market_listings.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    asked_by: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed


class NegotiationEntry(Base):
    """One step of a negotiation (谈判记录): who said what, with an offer in yuan when there is one."""

    __tablename__ = "market_negotiation_entries"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("market_enquiries.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text)
    offer_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OpenLicenceDeclaration(TimestampMixin, Base):
    """An open-licence declaration (开放许可声明) with the fields Implementing Regulations art. 85 requires."""

    __tablename__ = "open_licence_declarations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="RESTRICT"), index=True)
    patent_number: Mapped[str] = mapped_column(String(40))  # 专利号
    patentee: Mapped[str] = mapped_column(String(400))  # 专利权人
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    payment_method: Mapped[str] = mapped_column(String(200))  # 支付方式
    fee_standard: Mapped[str] = mapped_column(Text)  # 使用费标准 (text as published)
    upfront_fee_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))  # paid on acceptance
    royalty_rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))  # share of sales, when the standard has one
    licence_term_years: Mapped[int] = mapped_column(Integer)  # 许可期限
    other_matters: Mapped[str | None] = mapped_column(Text)  # 其他需要明确的事项
    try_before_pay: Mapped[dict | None] = mapped_column(JSON)  # 先使用后付费 terms (from the template)
    pledgee_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation_report: Mapped[str | None] = mapped_column(String(200))  # 专利权评价报告 number or reference
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # draft | published | withdrawn
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    push_announced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OpenLicenceAcceptance(TimestampMixin, Base):
    """One licensee's acceptance (one-to-many): written notice and payment per the published terms."""

    __tablename__ = "open_licence_acceptances"
    __audited__ = True
    __table_args__ = (UniqueConstraint("declaration_id", "licensee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("open_licence_declarations.id", ondelete="RESTRICT"),
                                                index=True)
    licensee: Mapped[str] = mapped_column(String(400))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    notified_on: Mapped[dt.date] = mapped_column(Date)
    paid_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    trial_until: Mapped[dt.date | None] = mapped_column(Date)  # try-before-pay: royalties start after this day
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("market_deals.id", ondelete="SET NULL"))


class Deal(TimestampMixin, Base):
    """A deal (交易): transfer, licence, open-licence licence or equity contribution, as a state machine."""

    __tablename__ = "market_deals"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)  # see lingxi.market.deal_states.KINDS
    title: Mapped[str] = mapped_column(String(300))
    # 合同编号: unique, so the same contract entered twice (a double submit, two clerks) is refused, not duplicated
    reference: Mapped[str | None] = mapped_column(String(80), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("market_listings.id", ondelete="SET NULL"))
    declaration_id: Mapped[int | None] = mapped_column(
        ForeignKey("open_licence_declarations.id", ondelete="SET NULL"))
    supplier: Mapped[str] = mapped_column(String(400))  # assignor / licensor / contributor
    supplier_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    counterparty: Mapped[str] = mapped_column(String(400))  # assignee / licensee / company
    counterparty_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    broker_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    contract_amount_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    received_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))  # 到账金额 (sum of payments)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    licence_end: Mapped[dt.date | None] = mapped_column(Date)
    filing_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    filing_number: Mapped[str | None] = mapped_column(String(60))  # 备案号
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    registration_number: Mapped[str | None] = mapped_column(String(60))  # 登记号
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    implementation_status: Mapped[str | None] = mapped_column(Text)  # 实施情况
    implementation_evidence: Mapped[list] = mapped_column(JSON, default=list)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DealPatent(Base):
    __tablename__ = "market_deal_patents"
    __table_args__ = (UniqueConstraint("deal_id", "patent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("market_deals.id", ondelete="CASCADE"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="RESTRICT"), index=True)


class DealPayment(Base):
    """A payment received (到账) on a deal."""

    __tablename__ = "market_deal_payments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("market_deals.id", ondelete="CASCADE"), index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    received_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DealTransition(Base):
    """One state change of a deal, written in the same transaction as the change itself."""

    __tablename__ = "market_deal_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("market_deals.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MarketEvent(TimestampMixin, Base):
    """A matchmaking fair, roadshow, auction or training session (对接会/路演/拍卖/培训) and its outcomes."""

    __tablename__ = "market_events"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # matchmaking | roadshow | auction | training
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    organiser: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[list] = mapped_column(JSON, default=list)  # organisation / person names
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    patent_ids: Mapped[list] = mapped_column(JSON, default=list)
    demand_ids: Mapped[list] = mapped_column(JSON, default=list)
    enquiries: Mapped[int] = mapped_column(Integer, default=0)
    deal_ids: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
