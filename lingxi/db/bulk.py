"""Fast multi-row INSERT for import batches.

SQLAlchemy's executemany processes every parameter of every row in Python, which dominated import time
(≈60 µs a row). Here the statement is built once per table and column list, and rows go to the driver as
tuples already in the form the column stores (see TupleInsert).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from itertools import chain
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table


def _default_value(column) -> Any:
    """The column's Python-side default, which a raw INSERT would otherwise skip."""
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _identity(value: Any) -> Any:
    return value


def _converter(column_type, dialect: str) -> Callable[[Any], Any]:
    if isinstance(column_type, JSON):
        if dialect == "postgresql":
            from psycopg.types.json import Json

            return lambda value: None if value is None else Json(value)
        return lambda value: None if value is None else json.dumps(value, ensure_ascii=False)
    if dialect == "sqlite" and isinstance(column_type, DateTime):
        return lambda value: None if value is None else value.isoformat(" ")
    if dialect == "sqlite" and isinstance(column_type, Date):
        return lambda value: None if value is None else value.isoformat()
    return _identity


# --------------------------------------------------------------------------------------------------
# Rows as tuples in portable form
#
# The import pipeline builds its rows in a worker process, before it knows the database: as tuples in a fixed
# column order whose values are already what the column stores as text — JSON as JSON text, dates as ISO
# strings — so the same rows go to SQLite as they are and to PostgreSQL through a CAST in the statement.
# Writing them costs the parent one tuple concatenation per row (the columns' defaults) and the driver call.


class TupleInsert:
    """INSERT of tuples giving `names` in order; every other column gets its default."""

    def __init__(self, table: Table, names: tuple[str, ...], dialect: str):
        columns = {c.name: c for c in table.columns}
        unknown = [name for name in names if name not in columns]
        if unknown:
            raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
        rest = [
            c for c in table.columns
            if c.name not in names and not (c.primary_key and c.autoincrement in (True, "auto"))
        ]  # fmt: skip
        self.table = table.name
        self.names = tuple(names) + tuple(c.name for c in rest)
        self._defaults = [(c, _converter(c.type, dialect)) for c in rest]
        placeholders = [_portable_placeholder(columns[name].type, dialect) for name in names]
        placeholders += ["?" if dialect == "sqlite" else "%s" for _ in rest]
        self.row_sql = f'({", ".join(placeholders)})'
        self.sql = f'INSERT INTO {self.table} ({", ".join(self.names)}) VALUES {self.row_sql}'

    def tail(self) -> tuple:
        """The default values, worked out per statement (created_at is "now")."""
        return tuple(convert(_default_value(column)) for column, convert in self._defaults)

    def insert(self, connection: Connection, rows: list[tuple]) -> None:
        if rows:
            tail = self.tail()
            connection.exec_driver_sql(self.sql, [row + tail for row in rows])

    def insert_returning(
        self, connection: Connection, rows: list[tuple], returning: tuple[str, ...], chunk: int = 400
    ) -> list[tuple]:
        """Multi-row VALUES … RETURNING, a chunk per statement; match the results by a natural key, not order."""
        results: list[tuple] = []
        tail = self.tail()
        suffix = f' RETURNING {", ".join(returning)}'
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            sql = f'INSERT INTO {self.table} ({", ".join(self.names)}) VALUES {", ".join([self.row_sql] * len(part))}'
            params = tuple(chain.from_iterable([row + tail for row in part]))  # flattened in C
            results += [tuple(r) for r in connection.exec_driver_sql(sql + suffix, params).fetchall()]
        return results


_PLANS: dict[tuple[str, tuple[str, ...], str], TupleInsert] = {}


def tuple_insert(connection: Connection, table: Table, names: tuple[str, ...]) -> TupleInsert:
    """The (cached) TupleInsert of these columns for this connection's database."""
    key = (table.name, names, connection.dialect.name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = TupleInsert(table, names, connection.dialect.name)
    return plan


def _portable_placeholder(column_type, dialect: str) -> str:
    if dialect == "sqlite":
        return "?"
    if isinstance(column_type, JSON):
        return "CAST(%s AS JSON)"
    if isinstance(column_type, DateTime):
        return "CAST(%s AS TIMESTAMP)"
    if isinstance(column_type, Date):
        return "CAST(%s AS DATE)"
    return "%s"


def portable_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_JSON = json.JSONEncoder(ensure_ascii=False).encode


def portable_json(value: Any) -> str | None:
    if value is None:
        return None
    if not value and value.__class__ in (list, dict):
        return "[]" if value.__class__ is list else "{}"
    return _JSON(value)
