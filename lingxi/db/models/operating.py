"""Records behind the programme indicators the deal records cannot answer (SPEC.md §12, issue #8 point 2):
an enterprise's yearly operating figures (企业年度经营数据), its patent-product filings (专利产品备案) and the IP
operation platforms / service agencies a programme cultivated (培育的知识产权运营平台、服务机构), each with who
recorded it, so every KPI counts records instead of a hand-typed number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin


class EnterpriseOperatingYear(TimestampMixin, Base):
    """One enterprise's figures for one calendar year, as it reports them (or an operator records them)."""

    __tablename__ = "enterprise_operating_years"
    __audited__ = True
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    revenue_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # 营业收入
    patent_revenue_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # 专利产品(新产品)收入
    employees: Mapped[int | None] = mapped_column(Integer)  # 从业人数 at year end
    rd_spend_yuan: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # 研发投入
    source: Mapped[str] = mapped_column(String(12), default="entered")  # entered | imported
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class PatentProductFiling(TimestampMixin, Base):
    """A patent-product filing (专利产品备案): a product of the enterprise filed as using the listed patents."""

    __tablename__ = "patent_product_filings"
    __audited__ = True
    __table_args__ = (Index("ix_patent_product_filings_filed_on", "filed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    product_name: Mapped[str] = mapped_column(String(300))
    patent_numbers: Mapped[list] = mapped_column(JSON, default=list)  # as filed (publication / application numbers)
    patent_ids: Mapped[list] = mapped_column(JSON, default=list)  # those found on the platform
    filing_number: Mapped[str | None] = mapped_column(String(80), unique=True)  # 备案号
    filed_on: Mapped[dt.date] = mapped_column(Date)
    authority: Mapped[str | None] = mapped_column(String(200))  # 备案机构 (e.g. 国家专利产品备案系统)
    status: Mapped[str] = mapped_column(String(12), default="filed")  # filed | valid | expired | revoked
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class CultivatedPlatform(TimestampMixin, Base):
    """An IP operation platform, operation centre or service agency cultivated under a programme (培育), recorded
    by an operator with the evidence of its recognition (文件号, 认定/验收材料)."""

    __tablename__ = "cultivated_platforms"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))  # operation_platform | operation_centre | service_agency
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    recognised_by: Mapped[str | None] = mapped_column(String(200))  # the body that recognised / accepted it
    evidence: Mapped[str] = mapped_column(Text)  # document number, link or description; required
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | revoked
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
