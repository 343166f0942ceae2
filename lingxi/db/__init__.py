"""Storage layer: SQLAlchemy models, engines and migrations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
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


import lingxi.db.audit  # noqa: E402,F401  (registers the audit listener on every session)
