"""Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lingxi.db import open_database
from lingxi.db.base import Base


def test_migrated_schema_matches_models(database_url):
    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
        assert differences == []
        assert {"patents", "parties", "party_aliases", "patent_parties", "import_jobs"} <= tables
    finally:
        db.dispose()


def test_migrating_twice_is_harmless(database_url):
    open_database(database_url).dispose()
    open_database(database_url).dispose()
