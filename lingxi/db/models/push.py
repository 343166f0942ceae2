"""Subscriptions and precise push (精准推送, SPEC §5): who wants what, what was pushed to whom, through which channel.

A push is recorded once per (recipient, item type, item id) in `push_deliveries` — the unique key is what makes
"never twice to the same recipient" hold across runs, processes and retries. Each delivery fans out to channels
(`push_channel_deliveries`: the in-app inbox, an e-mail address, a webhook), each with its own status, attempts and
last error, so a rerun retries only the failed channels. `push_runs` logs every run with counts and stage timings;
`push_cursors` keeps, per item source, the last item id already considered (the watermark).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingxi.db.base import Base, TimestampMixin, utcnow


class Subscription(TimestampMixin, Base):
    """A standing request of one user: push me new items that fit this demand / chain node / keyword query."""

    __tablename__ = "subscriptions"
    __audited__ = True
    __audit_redact__ = ("webhook_secret",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # demand | chain_node | keywords
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    taxonomy_name: Mapped[str | None] = mapped_column(String(80))  # kind=chain_node
    node_key: Mapped[str | None] = mapped_column(String(80))
    query: Mapped[str | None] = mapped_column(Text)  # kind=keywords: the search field query language
    item_types: Mapped[list] = mapped_column(JSON, default=list)  # patent | listing | open_licence
    email: Mapped[str | None] = mapped_column(String(200))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SubscriptionVector(Base):
    """The embedded text of a demand subscription, kept so a push run embeds each demand once, not every run.
    `text_key` hashes the model and the text: a changed demand or model is embedded again."""

    __tablename__ = "subscription_vectors"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"),
                                                 primary_key=True)
    text_key: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, L2-normalised
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PushCursor(Base):
    """Per item source, the highest item id a finished run has considered: the next run starts after it."""

    __tablename__ = "push_cursors"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PushRun(Base):
    __tablename__ = "push_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16), default="cli")  # cli | api | page | demo
    started_by: Mapped[str] = mapped_column(String(80), default="system")
    status: Mapped[str] = mapped_column(String(12), default="running")  # running | finished | failed
    items_scanned: Mapped[int] = mapped_column(Integer, default=0)
    subscriptions_checked: Mapped[int] = mapped_column(Integer, default=0)
    matches: Mapped[int] = mapped_column(Integer, default=0)
    matches_by_kind: Mapped[dict] = mapped_column(JSON, default=dict)
    deliveries_created: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_skipped: Mapped[int] = mapped_column(Integer, default=0)
    channels_sent: Mapped[int] = mapped_column(Integer, default=0)
    channels_failed: Mapped[int] = mapped_column(Integer, default=0)
    retried: Mapped[int] = mapped_column(Integer, default=0)
    watermarks: Mapped[dict] = mapped_column(JSON, default=dict)  # source → [from id, to id]
    timings: Mapped[dict] = mapped_column(JSON, default=dict)  # stage → seconds
    notes: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PushDelivery(Base):
    """One item pushed to one recipient (推送记录) — at most once, whatever the number of matching subscriptions."""

    __tablename__ = "push_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    item_type: Mapped[str] = mapped_column(String(24))
    item_id: Mapped[int] = mapped_column(Integer)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id", ondelete="SET NULL"),
                                                        index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("push_runs.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[dict] = mapped_column(JSON, default=dict)  # the matching subscriptions, kinds and evidence
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class PushChannelDelivery(Base):
    """A delivery through one channel to one target (inbox, an address, a URL): queued → sent | failed."""

    __tablename__ = "push_channel_deliveries"
    __table_args__ = (
        UniqueConstraint("delivery_id", "channel", "target"),
        Index("ix_push_channel_deliveries_channel_status", "channel", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("push_deliveries.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(12))  # inbox | email | webhook
    target: Mapped[str] = mapped_column(String(500))  # user id, e-mail address or URL
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(8), default="queued")  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class InboxMessage(Base):
    """A message in a user's in-app inbox (站内信)."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_messages_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("push_deliveries.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str | None] = mapped_column(String(24))
    item_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
