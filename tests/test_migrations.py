"""Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_upgrading_a_database_with_market_data_keeps_it_and_marks_what_push_announced(database_url):
    """0016 adds push_announced to listings that patents and deals point at (foreign keys on): the rows stay, and
    listings up to the old push watermark count as announced."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import MetaData, insert, select

    from lingxi.db.engine import make_engine
    from lingxi.db.migrate import alembic_config
    from lingxi.db.models import Patent

    engine = make_engine(database_url)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0015")
    now = dt.datetime(2026, 11, 1)
    with engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection, only=["market_listings", "market_listing_patents", "push_cursors", "patents"])
        patent = connection.execute(insert(Patent.__table__).values(
            key="P1", title="一种光伏组件", claims=[], priority_claims=[], extra={}, source_format="jsonl",
            content_hash="x", created_at=now, updated_at=now).returning(Patent.__table__.c.id)).scalar_one()
        listings = tables.tables["market_listings"]
        for number, status in ((1, "approved"), (2, "approved"), (3, "submitted")):
            connection.execute(insert(listings).values(id=number, title=f"挂牌 {number}", mode="transfer",
                                                       status=status, publicity_days=15, created_by="op",
                                                       version=1, created_at=now, updated_at=now))
            connection.execute(insert(tables.tables["market_listing_patents"]).values(listing_id=number,
                                                                                      patent_id=patent))
        connection.execute(insert(tables.tables["push_cursors"]).values(source="listing", last_id=1,
                                                                        updated_at=now))
    engine.dispose()
    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            listings = MetaData()
            listings.reflect(connection, only=["market_listings", "market_listing_patents"])
            rows = connection.execute(select(listings.tables["market_listings"].c.id,
                                             listings.tables["market_listings"].c.push_announced)
                                      .order_by(listings.tables["market_listings"].c.id)).all()
            assert [(row[0], bool(row[1])) for row in rows] == [(1, True), (2, False), (3, False)]
            assert len(connection.execute(select(listings.tables["market_listing_patents"])).all()) == 3
    finally:
        db.dispose()


def test_a_migration_that_fails_halfway_leaves_the_database_as_it_was(database_url):
    """0016 adds a column to market_listings, then to open_licence_declarations: when the second step fails, the
    first is undone and the version stays, so that once the cause is removed the upgrade runs cleanly."""
    from alembic import command

    from lingxi.db.engine import make_engine
    from lingxi.db.migrate import alembic_config, upgrade_to_head

    engine = make_engine(database_url)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0015")
        with engine.begin() as connection:  # what makes the second step fail: the column is there already
            connection.execute(text("ALTER TABLE open_licence_declarations ADD COLUMN push_announced BOOLEAN"))
        with pytest.raises(Exception, match="push_announced"):
            upgrade_to_head(engine)
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("market_listings")}
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert "push_announced" not in columns and version == "0015"
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE open_licence_declarations DROP COLUMN push_announced"))
        upgrade_to_head(engine)
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("market_listings")}
        assert "push_announced" in columns
    finally:
        engine.dispose()
