"""Deep indexing (深度加工标引, SPEC §2): versioned taxonomies, the tags they put on patents, and other annotations.

A taxonomy is data (its YAML text is kept verbatim per version); its nodes are also stored as rows so that tags,
facets and the review queue can join on them. Re-importing a taxonomy of an existing name makes a new version and
never touches the older one, so every tag still names the exact tree that produced it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, utcnow


class TaxonomyVersion(Base):
    """One imported version of a taxonomy (industry chain, SEI 2018, WIPO fields, an operator's own tree)."""

    __tablename__ = "taxonomies"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))  # chain | classification | custom
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    yaml_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(40))  # importing identical YAML again makes no new version
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TaxonomyNodeRow(Base):
    __tablename__ = "taxonomy_nodes"
    __table_args__ = (UniqueConstraint("taxonomy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomies.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    parent_key: Mapped[str | None] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    stream: Mapped[str | None] = mapped_column(String(12))  # upstream | midstream | downstream (chains)
    definition: Mapped[dict] = mapped_column(JSON, default=dict)  # patterns, exclusions, keywords, examples


class PatentTag(Base):
    """A patent placed on a taxonomy node, by a rule, the learned model or a person (标引结果)."""

    __tablename__ = "patent_tags"
    __audited__ = True
    __table_args__ = (
        # covering what matching reads per candidate (lingxi.matching.features): at 1M patents the tag rows were
        # read from disk at random, ~75 ms of a match with a cold cache; from this index ~17 ms
        Index("ix_patent_tags_patent_taxonomy_node", "patent_id", "taxonomy_name", "node_key", "status", "confidence"),
        Index("ix_patent_tags_taxonomy_status", "taxonomy_name", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"))
    taxonomy_name: Mapped[str] = mapped_column(String(80))
    taxonomy_version: Mapped[int] = mapped_column(Integer)
    node_key: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8))  # rule | model | human
    model_version: Mapped[str | None] = mapped_column(String(40))
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed|accepted|corrected|rejected
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PatentAnnotation(Base):
    """Other deep-indexing outputs of one patent: problem/means/effect ("pme"), maturity ("trl"), effects …"""

    __tablename__ = "patent_annotations"
    __audited__ = True
    __table_args__ = (Index("ix_patent_annotations_patent_kind", "patent_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(8))  # rule | model | human
    confidence: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(40))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TaggingRun(Base):
    """A tagging job's cursor: patents are tagged in id order, and each batch's commit moves `last_patent_id`,
    so a killed run resumes where it stopped and a later run only visits patents imported since."""

    __tablename__ = "tagging_runs"
    __table_args__ = (Index("ix_tagging_runs_lookup", "taxonomy_name", "taxonomy_version", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_name: Mapped[str] = mapped_column(String(80))
    taxonomy_version: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished
    last_patent_id: Mapped[int] = mapped_column(Integer, default=0)
    patents_done: Mapped[int] = mapped_column(Integer, default=0)
    tags_written: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
