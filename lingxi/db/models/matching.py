"""§5 matching: what users said about the matches they were shown (interested / not relevant / contacted).

Feedback is the only thing matching stores: a match itself is recomputed on every request (the corpus, the tags
and the demand change), but a verdict stays and shifts later rankings (lingxi/matching/feedback.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow

VERDICTS = ("interested", "not_relevant", "contacted")


class MatchFeedback(Base):
    """One user's verdict on one patent shown for one demand (or one ad-hoc text, by its hash)."""

    __tablename__ = "match_feedback"
    __audited__ = True
    __table_args__ = (
        Index("ix_match_feedback_demand", "demand_id", "patent_id"),
        Index("ix_match_feedback_query", "query_hash", "patent_id"),
        Index("ix_match_feedback_organisation", "organisation_id", "patent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    # a demand of lingxi.enterprises (no foreign key: a closed, deleted demand keeps the verdicts as history)
    demand_id: Mapped[int | None] = mapped_column(Integer)
    query_hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the normalised ad-hoc text
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))  # interested | not_relevant | contacted
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
