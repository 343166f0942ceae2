"""Import jobs and the rejections they report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow


class ImportJob(Base):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished | interrupted
    host: Mapped[str | None] = mapped_column(String(120))  # where the importing process runs, to tell a
    pid: Mapped[int | None] = mapped_column(Integer)  # dead job (killed mid-import) from a running one
    source: Mapped[str] = mapped_column(Text)  # the paths or a label such as "demo"
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Documents whose full-text description the import options left out (ImportOptions.include_description)
    descriptions_left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    files: Mapped[list] = mapped_column(JSON, default=list)  # [{path, format, documents}]
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    documents_total: Mapped[int | None] = mapped_column(Integer)  # for a progress bar (done = the four counts)


class ImportRejection(Base):
    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[int | None] = mapped_column(Integer)
    identifier: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text)
