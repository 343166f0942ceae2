"""Alembic migrations, run from code so `lingxi` brings any database to the current schema by itself."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Migrate to the newest schema in one transaction: a migration that fails leaves the database as it was."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            # Python's sqlite3 opens a transaction only before a data change, so DDL ran outside any: the steps of
            # a migration before the one that failed stayed (a column added, the version not moved on), and the
            # next start failed on them. SQLite's DDL is transactional once the transaction is opened first.
            connection.exec_driver_sql("BEGIN")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
