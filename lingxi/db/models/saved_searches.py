"""Saved searches (已保存检索): a user's named search — the query, mode, filters and sort as the search page ran it.

A saved search belongs to one user; it is what `saved:ID` navigation scopes analyse (lingxi/search/saved.py).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin


class SavedSearch(TimestampMixin, Base):
    __tablename__ = "saved_searches"
    __audited__ = True
    # one name per user, so "run 光伏电池" in the CLI or a list is never ambiguous
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text, default="")  # the field query language, or a sentence (semantic)
    mode: Mapped[str] = mapped_column(String(12), default="keyword")  # keyword | semantic | hybrid
    filters: Mapped[str | None] = mapped_column(Text)  # a field query restricting any mode
    sort: Mapped[str] = mapped_column(String(12), default="relevance")  # relevance | date | date_asc
