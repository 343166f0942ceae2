"""IP finance (知识产权金融, SPEC §8): financial institutions, their products and pledge applications.

A registered pledge stays one PledgeRecord per patent (lingxi.db.models.value_operations), because the value area,
the enterprise files, the open-licence rules and the KPIs read that table as "pledges registered at CNIPA". What the
finance area adds is the step before (an application for a product, covering one or more patents) and the link
from each registered PledgeRecord back to its application and product (columns added by migration 0011).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin


class FinancialInstitution(TimestampMixin, Base):
    """A bank, insurer, guarantor or fund in the 科创银行机构库; linked to the organisation whose users act for it."""

    __tablename__ = "finance_institutions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # bank | insurer | guarantor | fund | securities
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class FinanceProduct(TimestampMixin, Base):
    """One product: pledge loan, IP insurance, securitisation asset pool or guarantee, with its terms and rules.

    eligibility: {"min_grade": "B", "patent_types": ["invention"], "size_classes": ["micro", "small", "medium"],
    "provinces": ["青峦省"], "min_remaining_years": 3}; a missing key means no restriction.
    """

    __tablename__ = "finance_products"
    __audited__ = True
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("finance_institutions.id", ondelete="CASCADE"),
                                                index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # pledge_loan | insurance | securitisation | guarantee
    rate_min: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))  # annual rate or premium rate, 0.0385 = 3.85 %
    rate_max: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    amount_min_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    amount_max_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    term_months_min: Mapped[int | None] = mapped_column(Integer)
    term_months_max: Mapped[int | None] = mapped_column(Integer)
    # share of the low valuation a lender advances (质押率); insurers and funds leave it empty
    loan_to_value: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class PledgeApplication(TimestampMixin, Base):
    """A pledge financing case: applied → registered (one PledgeRecord per patent) → released; or rejected.

    patent_ids keeps the patents applied for; the registered pledges point back here (pledge_records.application_id).
    """

    __tablename__ = "finance_pledge_applications"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("finance_products.id", ondelete="SET NULL"),
                                                   index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("finance_institutions.id", ondelete="RESTRICT"),
                                                index=True)
    pledgor_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                                index=True)
    pledgor: Mapped[str] = mapped_column(String(400))
    patent_ids: Mapped[list] = mapped_column(JSON, default=list)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    term_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="applied", index=True)  # applied|registered|released|rejected
    applied_on: Mapped[dt.date] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    registration_number: Mapped[str | None] = mapped_column(String(40))
    released_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
