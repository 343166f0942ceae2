"""Engines and sessions for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


# The web server runs up to 40 requests at once in its thread pool, each holding one connection, and a request
# may briefly need a second one (the search index checking for new imports): the pool must never be the limit,
# or a busy server deadlocks waiting for itself. Overflow connections close when returned, so idle cost stays low.
POOL = {"pool_size": 5, "max_overflow": 45}


def make_engine(url: str, **kwargs) -> Engine:
    kwargs = {**POOL, **kwargs}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web server read while an import writes; NORMAL sync is durable at each commit in WAL mode.
    cursor = dbapi_connection.cursor()
    # 16 KiB pages (SQLite's default is 4 KiB): a patent's description and claims run to tens of kilobytes, so
    # a patent spans a quarter of the overflow pages, and an import makes a third of the write and read calls
    # (WAL frames, checkpoints). Takes effect only while the file is still empty, hence before journal_mode,
    # which writes the header; an existing database keeps its page size.
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_before_savepoint(connection, _name) -> None:
    # Python's sqlite3 opens a transaction only before a data change, so a session that has only read so far
    # sends SAVEPOINT outside any transaction, where SQLite makes it the outermost one and commits at its RELEASE:
    # rows written in a nested block (a per-row import savepoint, a form) stayed even if the request then failed.
    # Opening the transaction first keeps them inside it; sqlite3 sees it and commits or rolls back as usual.
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
