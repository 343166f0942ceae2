"""§10 talent–patent database (人才专利库): disambiguated inventors and the inventor mentions that make them up.

A person Party is only a name key (every 王伟 in the store shares one); a Talent is one real person, a cluster of
inventor mentions (patent_parties rows with role inventor) that share enough evidence. The table is rebuilt as a
whole by lingxi.talent.build, so it carries its aggregates (counts, years, value) for fast lists.
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin


class Talent(TimestampMixin, Base):
    """One disambiguated inventor."""

    __tablename__ = "talents"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)  # the name key
    name: Mapped[str] = mapped_column(String(400))
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    patent_count: Mapped[int] = mapped_column(Integer, default=0)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    main_affiliation: Mapped[str | None] = mapped_column(String(400))  # the applicant on most of the patents
    main_affiliation_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="SET NULL"))
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # [[IPC subclass, patents], …] most frequent first
    value_score: Mapped[float | None] = mapped_column(Float)  # mean value score (0–100) of the scored patents
    value_total: Mapped[float] = mapped_column(Float, default=0.0)  # sum of value scores: output × quality
    grade_counts: Mapped[dict] = mapped_column(JSON, default=dict)  # {"A": n, …}
    name_frequency: Mapped[int] = mapped_column(Integer, default=0)  # mentions of this name key in the store


class TalentMention(Base):
    """One inventor mention assigned to a talent, with the evidence score that linked it."""

    __tablename__ = "talent_mentions"
    __table_args__ = (Index("ix_talent_mentions_patent_talent", "patent_id", "talent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    patent_party_id: Mapped[int] = mapped_column(ForeignKey("patent_parties.id", ondelete="CASCADE"), unique=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)  # evidence that joined it to its cluster (0 = seed)
