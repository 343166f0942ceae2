"""Storage layer: SQLAlchemy models, engines and migrations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

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


T = TypeVar("T")
IN_LIST_SIZE = 5000  # values per IN (…) list: far below SQLite's and PostgreSQL's parameter limits, few round trips


def in_batches(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size`, one IN (…) list each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def read_connection(session: Session) -> Connection:
    """The session's connection for plain (Core) reads, after the flush an ORM query would have done first."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection()


import lingxi.db.audit  # noqa: E402,F401  (registers the audit listener on every session)
