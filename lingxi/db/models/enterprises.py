"""Enterprise files (一企一档) and demand lists (需求清单), SPEC.md §4.

An enterprise is an Organisation of kind "enterprise"; its file adds a one-to-one EnterpriseProfile (industry, size,
products …) instead of copying the organisation's fields. Its patents are reached through parties: the
organisation's own party_id plus every party an operator confirmed in EnterprisePatentLink.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin, utcnow


class EnterpriseProfile(TimestampMixin, Base):
    """What the enterprise file adds to its organisation: industry, size, products, risk indicators."""

    __tablename__ = "enterprise_profiles"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))  # GB/T 4754-2017 class (4 digits) or coarser
    size_class: Mapped[str | None] = mapped_column(String(8))  # micro | small | medium | large
    products: Mapped[str | None] = mapped_column(Text)  # main products / business (主营产品), read by matching
    employees: Mapped[int | None] = mapped_column(Integer)
    founded: Mapped[dt.date | None] = mapped_column(Date)
    aliases: Mapped[list] = mapped_column(JSON, default=list)  # former names, short names: found in patent data
    contacts: Mapped[list] = mapped_column(JSON, default=list)  # more contacts: [{name, phone, email, role}]
    risk_indicators: Mapped[dict] = mapped_column(JSON, default=dict)  # {name: {value, level, note}}
    updated_by: Mapped[str | None] = mapped_column(String(80))


class EnterprisePatentLink(Base):
    """A party (a clustered applicant name) that may be this enterprise: suggested by name, decided by an operator."""

    __tablename__ = "enterprise_patent_links"
    __audited__ = True
    __table_args__ = (UniqueConstraint("organisation_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="suggested")  # suggested | confirmed | rejected
    score: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Demand(TimestampMixin, Base):
    """A technology need of one enterprise (需求), entered, imported from Excel or mined from its patents."""

    __tablename__ = "demands"
    __audited__ = True
    __table_args__ = (
        Index("ix_demands_organisation_status", "organisation_id", "status"),
        Index("ix_demands_chain", "chain_taxonomy", "chain_node"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(4), default="zh")  # zh | en, detected from the text
    chain_taxonomy: Mapped[str | None] = mapped_column(String(80))
    chain_node: Mapped[str | None] = mapped_column(String(80))
    chain_node_auto: Mapped[bool] = mapped_column(Boolean, default=True)  # False once a person chose the node
    chain_evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # the classifier's confidence and evidence
    technical_indicators: Mapped[list] = mapped_column(JSON, default=list)  # [{name, value, unit}]
    trl_min: Mapped[int | None] = mapped_column(Integer)  # desired maturity (lingxi.tagging.maturity scale 1–9)
    trl_max: Mapped[int | None] = mapped_column(Integer)
    budget_min: Mapped[int | None] = mapped_column(BigInteger)  # yuan
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    preferred_mode: Mapped[str | None] = mapped_column(String(16))  # transfer | licence | equity | co_development
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    confidentiality: Mapped[str] = mapped_column(String(12), default="public")  # public | operators | secret
    status: Mapped[str] = mapped_column(String(12), default="new")  # new|matched|negotiating|solved|closed|draft
    origin: Mapped[str] = mapped_column(String(12), default="entered")  # entered | imported | mined
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)  # mined drafts stay False until confirmed
    mining_reason: Mapped[dict] = mapped_column(JSON, default=dict)  # why demand mining suggested it
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class DemandStatusChange(Base):
    """One step of a demand's life-cycle, kept for good (the first row records its creation)."""

    __tablename__ = "demand_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TrainingRecord(TimestampMixin, Base):
    """IP training an enterprise's staff attended (培训记录), counted by the programme's KPIs."""

    __tablename__ = "training_records"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    provider: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class DueDiligenceNote(Base):
    """An operator's due-diligence note on an enterprise (尽职调查记录): operators and admins only."""

    __tablename__ = "due_diligence_notes"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
