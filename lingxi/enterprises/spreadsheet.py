"""Reading an Excel sheet of records typed by people: find the header row, map Chinese/English headers to fields,
and hand out each data row with its row number, so an import can report bad rows exactly and keep the good ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from lingxi.errors import InvalidInput

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in hand-made sheets


@dataclass
class RowProblem:
    row: int
    reason: str
    field: str | None = None
    identifier: str | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason, "identifier": self.identifier}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": len(self.rejected), "problems": [p.as_dict() for p in self.rejected], "ids": self.ids}


def _header_key(value) -> str:
    return "".join(str(value or "").split()).lower().replace("*", "").replace("（", "(").replace("）", ")")


def read_rows(source: Path | bytes, headers: dict[str, str], required: tuple[str, ...]) \
        -> Iterator[tuple[int, dict]]:
    """(row number as Excel shows it, {field: value}) for each non-empty data row.

    headers maps every accepted header spelling (normalised by _header_key) to a field name. The header row is the
    first of the top rows that names all required fields; InvalidInput explains when there is none.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(BytesIO(source) if isinstance(source, bytes) else source, read_only=True,
                                 data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInput(f"not a readable .xlsx workbook: {error}", field="file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns: dict[int, str] | None = None
        for number, row in enumerate(rows, start=1):
            if columns is None:
                candidate = {i: headers[_header_key(v)] for i, v in enumerate(row) if _header_key(v) in headers}
                if set(required) <= set(candidate.values()):
                    columns = candidate
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            yield number, {name: _cell(row[i]) for i, name in columns.items() if i < len(row)}
        if columns is None:
            wanted = ", ".join(next(h for h, f in headers.items() if f == r) for r in required)
            raise InvalidInput(f"no header row with the columns {wanted} in the first {HEADER_SEARCH_ROWS} rows",
                               field="file")
    finally:
        workbook.close()


def _cell(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def header_map(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{field: (header spellings…)} → {normalised spelling: field}."""
    return {_header_key(spelling): name for name, spellings in spec.items() for spelling in (*spellings, name)}
