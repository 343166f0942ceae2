"""Canonical patents and what hangs off them: classifications, party mentions, citations, legal events, history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lingxi.db.base import Base, TimestampMixin, utcnow


class Patent(TimestampMixin, Base):
    """One publication (an A and its later B are two rows linked by application_number)."""

    __tablename__ = "patents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised publication number with kind ("CN108982325A"), or "ID:<external id>" for records without one.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    publication_number: Mapped[str | None] = mapped_column(String(40))
    number_base: Mapped[str | None] = mapped_column(String(40), index=True)  # without kind: joins citations
    external_id: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(4))
    kind_code: Mapped[str | None] = mapped_column(String(4))
    doc_type: Mapped[str | None] = mapped_column(String(16))
    application_number: Mapped[str | None] = mapped_column(String(40), index=True)
    application_date: Mapped[dt.date | None] = mapped_column(Date)
    publication_date: Mapped[dt.date | None] = mapped_column(Date)
    grant_date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str | None] = mapped_column(Text)
    claims: Mapped[list] = mapped_column(JSON, default=list)
    first_claim: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    legal_status: Mapped[str | None] = mapped_column(String(40))
    family_id: Mapped[str | None] = mapped_column(String(40))
    priority_claims: Mapped[list] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    source_format: Mapped[str] = mapped_column(String(24), default="")
    content_hash: Mapped[str] = mapped_column(String(40))
    last_job_id: Mapped[int | None] = mapped_column(Integer)

    classifications: Mapped[list[PatentClassification]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PatentClassification.sequence, PatentClassification.id]
    )
    parties: Mapped[list[PatentParty]] = relationship(cascade="all, delete-orphan", order_by="PatentParty.id")
    citations: Mapped[list[PatentCitation]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PatentCitation.sequence, PatentCitation.id]
    )
    legal_events: Mapped[list[PatentLegalEvent]] = relationship(
        cascade="all, delete-orphan", order_by="PatentLegalEvent.id"
    )


class PatentClassification(Base):
    __tablename__ = "patent_classifications"
    __table_args__ = (Index("ix_patent_classifications_scheme_code", "scheme", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(40))
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class PatentParty(Base):
    """A mention of a party on a patent, in a role, with the name exactly as written."""

    __tablename__ = "patent_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(400))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    country: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(Text)


class PatentCitation(Base):
    """A backward citation. cited_base joins to Patent.number_base to derive forward citations."""

    __tablename__ = "patent_citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str | None] = mapped_column(String(80))
    cited_base: Mapped[str | None] = mapped_column(String(40), index=True)
    country: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str | None] = mapped_column(String(8))
    date: Mapped[dt.date | None] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(400))
    category: Mapped[str] = mapped_column(String(16), default="other")
    npl_text: Mapped[str | None] = mapped_column(Text)


class PatentLegalEvent(Base):
    __tablename__ = "patent_legal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    code: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    event_class: Mapped[str] = mapped_column(String(24), default="other", index=True)


class PatentRevision(Base):
    """What an import changed on an existing patent: {field: {"old": …, "new": …}}."""

    __tablename__ = "patent_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON)
