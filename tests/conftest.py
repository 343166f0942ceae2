"""Shared fixtures: the real data folder beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("LINGXI_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real patent files in ../shared/data; tests that need them skip clearly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder not found at {SHARED_DATA} (set LINGXI_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


# --- databases: every storage test runs against the real SQLite and the real PostgreSQL ---------------------

import uuid  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

POSTGRES_URL = os.environ.get("LINGXI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def _fresh_postgres_schema():
    """A new schema in the PostgreSQL `test` database, dropped afterwards; yields its URL."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # CI and dev machines have PostgreSQL; say so loudly if it is missing
        pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a new schema in the PostgreSQL `test` database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lingxi.db'}"
        return
    with _fresh_postgres_schema() as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres_url():
    """A fresh PostgreSQL schema shared by one test module (e.g. behind a server the module starts)."""
    with _fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def db(database_url):
    from lingxi.db import open_database

    database = open_database(database_url)
    yield database
    database.dispose()
