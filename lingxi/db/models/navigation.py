"""Stored navigation reports (专利导航报告, GB/T 39551): what was asked, over which data, and the figures found.

A report keeps its analyses' figures, so HTML, PDF and Word renderings are made from the row and come out the same
every time; `data_version` (patent count, last import job, value-profile versions, tagging versions) says which data
the figures describe, so a regeneration can tell whether the data moved since.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow


class NavigationReport(Base):
    __tablename__ = "navigation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_type: Mapped[str] = mapped_column(String(24), index=True)  # regional|industry|enterprise|rd|talent
    title: Mapped[str] = mapped_column(String(300))
    scope: Mapped[str] = mapped_column(Text)  # the scope as written: chain:chain_pv, region:青峦, query:TI=(…)
    benchmark: Mapped[str | None] = mapped_column(Text)  # the benchmark scope of the 长板/短板 comparison
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    data_version: Mapped[dict] = mapped_column(JSON, default=dict)
    analyses: Mapped[dict] = mapped_column(JSON, default=dict)
    figures_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the analyses: regenerations compare it
    patent_count: Mapped[int] = mapped_column(Integer, default=0)
    analyses_ms: Mapped[int] = mapped_column(Integer, default=0)
    regenerated_from: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
