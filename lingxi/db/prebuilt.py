"""Reads that run on every page view, from Core statements built once and, on SQLite, executed by the driver.

SQLAlchemy's statement execution and result processing cost more than SQLite's reads themselves (the patent page's
ten small queries: most of their time was spent in Connection.execute). On SQLite a prebuilt statement is compiled
once per dialect (and per length of each IN list it is given) and run with the driver's own `execute`; each value
goes through the same bind and result processors SQLAlchemy would apply (dates, JSON, booleans, type decorators), so
the values are the same as through Core. Other databases keep the Core path.

The processors and the expanded IN lists come from hooks of SQLAlchemy's compiler that are not public API
(construct_expanded_state, _bind_processors, _cached_result_processor): pyproject.toml keeps SQLAlchemy below the next
minor release, and tests/test_store.py compares every prebuilt select with Core on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select

_PLANS_KEPT = 256  # IN-list lengths planned per statement (a page of hits has at most a few hundred ids)


class PrebuiltSelect:
    """A Core select and, for the SQLite dialect, its SQL and value order per IN-list length, and result processors."""

    def __init__(self, statement: Select):
        self.statement = statement
        self._dialect: Any = None
        self._compiled: Any = None
        self._result_processors: tuple = ()
        self._plans: dict[tuple, tuple[str, list[tuple[str, int | None, Any]]]] = {}

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[tuple]:
        """The statement's rows as tuples, in its column order. An expanding IN parameter is given as a list."""
        dialect = connection.dialect
        if dialect.name != "sqlite":
            return [tuple(row) for row in connection.execute(self.statement, parameters)]
        if self._dialect is not dialect:
            self._prepare(dialect)
        lists = tuple((name, len(value)) for name, value in parameters.items() if isinstance(value, (list, tuple)))
        plan = self._plans.get(lists)
        if plan is None:
            if len(self._plans) >= _PLANS_KEPT:
                self._plans.clear()
            plan = self._plans[lists] = self._plan(parameters)
        sql, order = plan
        values = []
        for name, index, value_or_processor in order:
            if index is None:  # a constant of the statement, already processed
                values.append(value_or_processor)
                continue
            value = parameters[name] if index < 0 else parameters[name][index]
            values.append(value_or_processor(value) if value_or_processor is not None else value)
        cursor = connection.connection.dbapi_connection.execute(sql, values)
        if not self._result_processors:
            return cursor.fetchall()
        rows = []
        for row in cursor:
            row = list(row)
            for index, processor in self._result_processors:
                row[index] = processor(row[index])
            rows.append(tuple(row))
        return rows

    def _prepare(self, dialect: Any) -> None:
        compiled = self.statement.compile(dialect=dialect)
        if dialect.paramstyle != "qmark" or compiled.positiontup is None:
            raise AssertionError(f"a prebuilt select expects SQLite's qmark parameters, not {dialect.paramstyle}")
        self._dialect, self._compiled, self._plans = dialect, compiled, {}
        self._result_processors = tuple(
            (index, processor) for index, column in enumerate(self.statement.selected_columns)
            if (processor := column.type._cached_result_processor(dialect, None)) is not None)

    def _plan(self, parameters: Mapping[str, Any]) -> tuple[str, list[tuple[str, int | None, Any]]]:
        """The SQL for these parameters' IN-list lengths, and where each placeholder's value comes from: (name, -1,
        bind processor) for a plain parameter, (name, i, processor) for item i of a list, (name, None, value) for a
        constant of the statement."""
        given = {name: list(range(len(value))) if isinstance(value, (list, tuple)) else value
                 for name, value in parameters.items()}
        expanded = self._compiled.construct_expanded_state(given)
        item_of = {expanded_name: (name, index)
                   for name, names in expanded.parameter_expansion.items() if name in parameters
                   for index, expanded_name in enumerate(names)}
        processors = {**self._compiled._bind_processors, **expanded.processors}
        order: list[tuple[str, int | None, Any]] = []
        for name in expanded.positiontup:
            processor = processors.get(name)
            if name in item_of:
                order.append((*item_of[name], processor))
            elif name in parameters:
                order.append((name, -1, processor))
            else:
                value = expanded.parameters[name]
                order.append((name, None, processor(value) if processor is not None else value))
        return expanded.statement, order
