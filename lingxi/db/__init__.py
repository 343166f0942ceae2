"""Storage layer: SQLAlchemy models, engines and migrations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from lingxi.db.engine import make_engine, make_session_factory
from lingxi.db.migrate import upgrade_to_head


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, migrate: bool = True) -> Database:
    engine = make_engine(url)
    if migrate:
        upgrade_to_head(engine)
    return Database(engine, make_session_factory(engine))


def read_connection(session: Session) -> Connection:
    """The session's connection for plain (Core) reads, after the flush an ORM query would have done first."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection()


import lingxi.db.audit  # noqa: E402,F401  (registers the audit listener on every session)
