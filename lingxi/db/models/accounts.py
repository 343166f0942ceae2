"""Organisations, user accounts, login sessions and API tokens (SPEC.md roles table, §13)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lingxi.db.base import Base, TimestampMixin, utcnow


class Organisation(TimestampMixin, Base):
    """A body that owns accounts: a university, an SME, an operations centre, a bank, an IP office.

    Name, kind and region form the public directory entry; contacts and notes are confidential to the
    organisation itself and to the platform's operators.
    """

    __tablename__ = "organisations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # see lingxi.accounts.organisations.ORGANISATION_KINDS
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="SET NULL"))
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __audited__ = True
    __audit_redact__ = ("password_hash",)
    __audit_ignore__ = ("last_login_at",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # see lingxi.accounts.roles.Role
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")


class LoginSession(Base):
    """A browser session. Only a hash of the cookie value is stored, so a copy of the database logs nobody in."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A bearer token for the REST API; shown once at creation, stored as a hash."""

    __tablename__ = "api_tokens"
    __audited__ = True
    __audit_redact__ = ("token_hash",)
    __audit_ignore__ = ("last_used_at",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # lets a user tell tokens apart without the secret
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
