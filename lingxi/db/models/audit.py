"""The audit log: who changed which business record, when, and what it looked like before and after."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(80))  # kept when the account is gone; "system" for jobs
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete | import
    entity: Mapped[str] = mapped_column(String(60), index=True)  # table name
    entity_id: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
