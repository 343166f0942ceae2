"""Fast multi-row INSERT for import batches.

SQLAlchemy's executemany processes every parameter of every row in Python, which dominated import time
(≈60 µs a row). Here the statement is built once per table and rows go to the driver's executemany as
tuples; values are converted the way SQLAlchemy would store them (JSON text, ISO dates on SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    plan = _InsertPlan(table, connection.dialect.name)
    values = ", ".join(plan.placeholder for _ in plan.names)
    sql = f'INSERT INTO {table.name} ({", ".join(plan.names)}) VALUES ({values})'
    connection.exec_driver_sql(sql, [tuple(plan.values(row)) for row in rows])


class _InsertPlan:
    """Columns to write and how to convert each value, worked out once per statement."""

    def __init__(self, table: Table, dialect: str):
        columns = [c for c in table.columns if not (c.primary_key and c.autoincrement in (True, "auto"))]
        self.names = [column.name for column in columns]
        self.placeholder = "?" if dialect == "sqlite" else "%s"
        self.converters = [_converter(column.type, dialect) for column in columns]
        self.defaults = [convert(_default_value(c)) for c, convert in zip(columns, self.converters, strict=True)]

    def values(self, row: dict[str, Any]) -> list[Any]:
        return [
            convert(row[name]) if name in row else default
            for name, convert, default in zip(self.names, self.converters, self.defaults, strict=True)
        ]


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


def bulk_insert_returning(
    connection: Connection, table: Table, rows: list[dict[str, Any]], returning: tuple[str, ...], chunk: int = 400
) -> list[tuple]:
    """Insert rows with multi-row VALUES … RETURNING, a chunk per statement; returns the `returning` columns.

    The caller matches returned rows by their natural key, so the order RETURNING gives them in does not matter.
    """
    results: list[tuple] = []
    plan = _InsertPlan(table, connection.dialect.name)
    row_sql = f'({", ".join(plan.placeholder for _ in plan.names)})'
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sql = (
            f'INSERT INTO {table.name} ({", ".join(plan.names)}) VALUES {", ".join(row_sql for _ in part)} '
            f'RETURNING {", ".join(returning)}'
        )
        params = tuple(value for row in part for value in plan.values(row))
        results += [tuple(r) for r in connection.exec_driver_sql(sql, params).fetchall()]
    return results
