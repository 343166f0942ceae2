"""Reads that run on every page view, from Core statements built once and, on SQLite, executed by the driver.

SQLAlchemy's statement execution and result processing cost more than SQLite's reads themselves (the patent page's
ten small queries: most of their time was spent in Connection.execute). On SQLite a prebuilt statement is compiled
once per dialect and run with the driver's own `execute`; each column's value goes through the same result
processor SQLAlchemy would apply (dates, JSON, booleans, type decorators), so the values are the same as through
Core. Other databases keep the Core path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select


class PrebuiltSelect:
    """A Core select and, per SQLite dialect, its SQL, parameter order and column result processors."""

    def __init__(self, statement: Select):
        self.statement = statement
        self._sqlite: tuple[Any, str, tuple[str, ...], dict[str, Any], dict[str, Any], tuple] | None = None

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[tuple]:
        """The statement's rows as tuples, in its column order."""
        dialect = connection.dialect
        if dialect.name != "sqlite":
            return [tuple(row) for row in connection.execute(self.statement, parameters)]
        compiled = self._sqlite
        if compiled is None or compiled[0] is not dialect:
            compiled = self._sqlite = self._compile(dialect)
        _, sql, names, defaults, bind_processors, result_processors = compiled
        values = []
        for name in names:
            value = parameters[name] if name in parameters else defaults[name]
            processor = bind_processors.get(name)
            values.append(processor(value) if processor is not None else value)
        cursor = connection.connection.dbapi_connection.execute(sql, values)
        if not result_processors:
            return cursor.fetchall()
        rows = []
        for row in cursor:
            row = list(row)
            for index, processor in result_processors:
                row[index] = processor(row[index])
            rows.append(tuple(row))
        return rows

    def _compile(self, dialect: Any) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        if dialect.paramstyle != "qmark" or compiled.positiontup is None:
            raise AssertionError(f"a prebuilt select expects SQLite's qmark parameters, not {dialect.paramstyle}")
        names = tuple(compiled.positiontup)
        defaults = {name: bind.effective_value for name, bind in compiled.binds.items()}
        bind_processors = {name: processor for name, processor in compiled._bind_processors.items()
                           if processor is not None}
        result_processors = tuple(
            (index, processor) for index, column in enumerate(self.statement.selected_columns)
            if (processor := column.type._cached_result_processor(dialect, None)) is not None)
        return dialect, compiled.string, names, defaults, bind_processors, result_processors
