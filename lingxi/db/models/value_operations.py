"""Value operations (SPEC §3): the facts operators record beside the patent data, and the parameters they tune.

Awards, pledge amounts, region populations and comparable deals are not in any patent export, so operators enter
them; the high-value flags, the sleeping-patent list and the market approach of valuation read them. Every table is
audited: a flag that fires because of an award must be traceable to whoever recorded the award.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin, utcnow


class ValueParameter(Base):
    """One operator-set parameter (key → JSON value); defaults live in lingxi.value.parameters."""

    __tablename__ = "value_parameters"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[dict] = mapped_column(JSON)  # {"value": …} so scalars and lists store alike
    updated_by: Mapped[str] = mapped_column(String(80), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PatentAward(TimestampMixin, Base):
    """中国专利奖 or 国家科学技术奖 won by a patent (criterion 5 of the high-value definition)."""

    __tablename__ = "patent_awards"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    award: Mapped[str] = mapped_column(String(32))  # china_patent_award | national_sci_tech_award
    level: Mapped[str] = mapped_column(String(40))  # 金奖 / 银奖 / 优秀奖, 一等奖 / 二等奖 …
    year: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")


class PledgeRecord(TimestampMixin, Base):
    """A pledge (质押) of a patent with its amount; the finance area will extend it (bank product, loan …)."""

    __tablename__ = "pledge_records"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    pledgor: Mapped[str] = mapped_column(String(400))
    pledgee: Mapped[str] = mapped_column(String(400))
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    released_on: Mapped[dt.date | None] = mapped_column(Date)
    registration_number: Mapped[str | None] = mapped_column(String(40))
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")
    # Added by the finance area (migration 0011): the pledge case and product a registered pledge came from.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("finance_pledge_applications.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("finance_products.id", ondelete="SET NULL"))
    term_months: Mapped[int | None] = mapped_column(Integer)


class RegionPopulation(TimestampMixin, Base):
    """Resident population of a province (city NULL) or city in a year, for 每万人口 counts."""

    __tablename__ = "region_populations"
    __audited__ = True
    __table_args__ = (UniqueConstraint("province", "city", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)  # persons


class ComparableTransaction(TimestampMixin, Base):
    """A deal usable as a comparable in the market approach (市场法): price, mode, field and where it came from."""

    __tablename__ = "comparable_transactions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int | None] = mapped_column(ForeignKey("patents.id", ondelete="SET NULL"), index=True)
    field: Mapped[str] = mapped_column(String(80), index=True)  # IPC subclass ("H01M") or a chain node key
    mode: Mapped[str] = mapped_column(String(16))  # transfer | licence | equity
    price_yuan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    deal_date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")
