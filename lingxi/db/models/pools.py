"""Patent pools and industrial IP alliances (专利池 · 产业知识产权联盟, SPEC §7).

A pool gathers member organisations' patents (picked from the graded catalogue), marks each essential or not,
records cross-licences among members and package licences to outsiders, and splits every royalty payment among the
contributing members by the pool's rule. Each payment's split is stored (pool_royalty_allocations) when the payment is
recorded, so a member's statement for a period is a sum of stored amounts and a later rule change never rewrites a
statement already sent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin


class PatentPool(TimestampMixin, Base):
    __tablename__ = "pools"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="pool")  # pool | alliance
    chain: Mapped[str | None] = mapped_column(String(120))  # taxonomy[:node] of the industry chain it serves
    description: Mapped[str | None] = mapped_column(Text)
    # royalty split rule: patent_count | essential_weight | fixed_shares
    split_rule: Mapped[str] = mapped_column(String(20), default="patent_count")
    essential_weight: Mapped[Decimal] = mapped_column(Numeric(9, 4), default=Decimal(2))
    non_essential_weight: Mapped[Decimal] = mapped_column(Numeric(9, 4), default=Decimal(1))
    status: Mapped[str] = mapped_column(String(12), default="active")  # forming | active | closed
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class PoolMember(TimestampMixin, Base):
    __tablename__ = "pool_members"
    __audited__ = True
    __table_args__ = (UniqueConstraint("pool_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="member")  # founder | member
    joined_on: Mapped[dt.date] = mapped_column(Date)
    fixed_share: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))  # for split_rule fixed_shares; shares sum to 1


class PoolPatent(Base):
    __tablename__ = "pool_patents"
    __audited__ = True
    __table_args__ = (UniqueConstraint("pool_id", "patent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="RESTRICT"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("pool_members.id", ondelete="CASCADE"), index=True)
    essential: Mapped[bool] = mapped_column(Boolean, default=False)
    grade: Mapped[str | None] = mapped_column(String(2))  # catalogue grade when added (licensing scenario)
    note: Mapped[str | None] = mapped_column(Text)


class PoolLicence(TimestampMixin, Base):
    """A cross-licence among members (kind cross, member_ids) or a package licence to an outsider (kind package)."""

    __tablename__ = "pool_licences"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # cross | package
    licensee: Mapped[str | None] = mapped_column(String(400))
    licensee_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    member_ids: Mapped[list] = mapped_column(JSON, default=list)  # cross-licence parties (pool member ids)
    scope: Mapped[str | None] = mapped_column(Text)  # field of use, territory, essential patents only …
    upfront_fee_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    royalty_rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))  # share of the licensee's net sales
    signed_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class PoolRoyaltyPayment(Base):
    __tablename__ = "pool_royalty_payments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("pool_licences.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    split_rule: Mapped[str] = mapped_column(String(20))  # the rule in force when it was split
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")


class PoolRoyaltyAllocation(Base):
    __tablename__ = "pool_royalty_allocations"
    __audited__ = True
    __table_args__ = (UniqueConstraint("payment_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("pool_royalty_payments.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("pool_members.id", ondelete="CASCADE"), index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    basis: Mapped[str] = mapped_column(String(200))  # why this amount: "3 essential × 2 + 1 × 1 = 7 / 12"
