"""Patent value (专利价值评估, SPEC §3): indicators per patent, versioned weight profiles, scenario scores.

Indicators and scores are derived data, rebuilt in bulk by lingxi.value.jobs.run_scoring (so they are not audited);
weight profiles are operator decisions, versioned and audited: editing a profile saves a new version, and every
score names the profile version that made it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow


class PatentIndicatorSet(Base):
    """One patent's value indicators: raw values, values normalised within its cohort, and where each came from.

    A missing indicator is null in `raw` and `normalised` (never 0); `sources` says why it is missing.
    """

    __tablename__ = "patent_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), unique=True)
    # Technology field × filing year, e.g. "wipo:Electrical machinery, apparatus, energy|2019"; when that cohort is
    # too small the patent is normalised in a broader one ("wipo:…|*", then "all") and cohort_level says which.
    cohort: Mapped[str] = mapped_column(String(200), index=True)
    cohort_level: Mapped[str] = mapped_column(String(16), default="field_year")  # field_year | field | all
    cohort_size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)  # {indicator: number | null}
    normalised: Mapped[dict] = mapped_column(JSON, default=dict)  # {indicator: number in [0, 1] | null}
    sources: Mapped[dict] = mapped_column(JSON, default=dict)  # {indicator: the data it came from / why missing}
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ValueProfile(Base):
    """A versioned weight profile for one scenario (许可转让 licensing, 质押融资 pledge, 分级管理 portfolio, …).

    weights: {"legal"|"technical"|"economic": {"weight": w, "indicators": {indicator: w}}};
    grade_thresholds: {"A": 80, "B": 65, "C": 50} (below C is D); parameters: every tunable value used in scoring.
    The profile named "indicators" (scenario "indicators") holds the indicator and cohort parameters instead.
    """

    __tablename__ = "value_profiles"
    __audited__ = True
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    scenario: Mapped[str] = mapped_column(String(24), index=True)
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    grade_thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PatentValueScore(Base):
    """A patent's value score in one scenario, by the profile version named, with its breakdown.

    breakdown: {"dimensions": {dim: {"weight", "effective_weight", "score", "coverage",
    "indicators": {indicator: contribution (points) | null}}}, "coverage", "low_coverage", "missing": [...],
    "cohort", "cohort_level"}; a missing indicator's contribution is null. Contributions add up to `score`.
    lingxi.value.service.patent_value expands each indicator with its profile weight, effective weight, raw and
    normalised value and source (lingxi.value.scoring.breakdown_texts says how).
    """

    __tablename__ = "patent_value_scores"
    __table_args__ = (
        UniqueConstraint("patent_id", "scenario"),
        Index("ix_patent_value_scores_scenario_grade", "scenario", "grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"))
    scenario: Mapped[str] = mapped_column(String(24))
    profile_name: Mapped[str] = mapped_column(String(80))
    profile_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)  # 0–100
    grade: Mapped[str] = mapped_column(String(2))  # A | B | C | D
    legal: Mapped[float | None] = mapped_column(Float)  # 法律价值 0–100, null when no legal indicator is known
    technical: Mapped[float | None] = mapped_column(Float)  # 技术价值
    economic: Mapped[float | None] = mapped_column(Float)  # 经济价值
    coverage: Mapped[float] = mapped_column(Float, default=0.0)  # share of the profile's weight that was known
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
