"""Programme KPIs (绩效目标, SPEC.md §12): programmes with indicators and yearly targets, manual adjustments, patent flags.

Indicator values are never stored: they are computed from the platform's records every time (lingxi.kpi.registry).
What a person adds by hand (an adjustment) is kept apart, with its reason and author, so the computed figure and
the correction are always both visible.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lingxi.db.base import Base, TimestampMixin, utcnow


class Programme(TimestampMixin, Base):
    """A funded programme (专项计划) with a region scope and a span of years, e.g. Shaanxi 2021–2023."""

    __tablename__ = "kpi_programmes"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # short name used by the CLI and URLs
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(Text)  # the document the targets come from (文号)
    region_level: Mapped[str] = mapped_column(String(12))  # province | city | park
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    park: Mapped[str | None] = mapped_column(String(200))
    park_members: Mapped[list] = mapped_column(JSON, default=list)  # organisation ids of a park programme
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80), default="system")

    indicators: Mapped[list[ProgrammeIndicator]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeIndicator.position")


class ProgrammeIndicator(Base):
    """One row of a programme's KPI table: what is measured, how it is computed and the yearly targets."""

    __tablename__ = "kpi_indicators"
    __audited__ = True
    __table_args__ = (UniqueConstraint("programme_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("kpi_programmes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(12))  # 序号 as printed in the table (two rows may share one)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(16))  # 件 | 家 | 人 | 场 | 条 | 万元 | 亿元 | %
    computation: Mapped[str] = mapped_column(String(60))  # a key of lingxi.kpi.registry.COMPUTATIONS
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    target_kind: Mapped[str] = mapped_column(String(12))  # yearly | growth | rate | cumulative | none
    targets: Mapped[dict] = mapped_column(JSON, default=dict)  # {"2021": 1200, …} or {"min": 30} or {"total": 100}
    target_text: Mapped[str] = mapped_column(String(200), default="")  # as printed: "年均增长 ≥ 30%"

    programme: Mapped[Programme] = relationship(back_populates="indicators")


class IndicatorAdjustment(Base):
    """A manual correction to one year's computed value, with why and who; the computed value stays as it is."""

    __tablename__ = "kpi_adjustments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    delta: Mapped[Decimal] = mapped_column(Numeric(20, 4))  # in the indicator's unit
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PatentFlag(Base):
    """A fact about a patent that no import carries, e.g. 解密国防专利 (a declassified defence patent)."""

    __tablename__ = "kpi_patent_flags"
    __audited__ = True
    __table_args__ = (UniqueConstraint("patent_id", "flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    flag: Mapped[str] = mapped_column(String(40))  # declassified_defence
    since: Mapped[dt.date | None] = mapped_column(Date)  # e.g. the declassification date
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
