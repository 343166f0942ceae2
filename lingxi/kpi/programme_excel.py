"""A programme from an Excel workbook, for operators who keep their KPI tables in spreadsheets.

Sheet 1 ("programme"): two columns, field and value — key, name, name_en, source, level, province, city, park,
first_year, last_year. Sheet 2 ("indicators"): a header row with key, number, name_zh, name_en, definition, unit,
computation, target_kind, then either one column per year (yearly targets, e.g. "2024") or "min" (growth / rate)
or "total" (cumulative), and optionally "params" (JSON). Errors name the sheet, the row and the column.
"""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from lingxi.errors import InvalidInput
from lingxi.kpi.programmes import check_programme


def programme_from_xlsx(data: bytes, where: str = "workbook") -> dict:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises several kinds for a file that is not a workbook
        raise InvalidInput(f"{where}: not an Excel .xlsx workbook ({error})") from None
    if len(wb.worksheets) < 2:
        raise InvalidInput(f"{where}: needs two sheets, 'programme' and 'indicators'")
    head: dict[str, object] = {}
    for row in wb.worksheets[0].iter_rows(values_only=True):
        if row and row[0] is not None:
            head[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    rows = list(wb.worksheets[1].iter_rows(values_only=True))
    if not rows:
        raise InvalidInput(f"{where}: sheet 'indicators' is empty")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    indicators = []
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row))
        if not any(v is not None for v in row):
            continue
        kind = str(cells.get("target_kind") or "none").strip()
        target: dict = {"kind": kind}
        if kind == "yearly":
            target["values"] = {int(h): cells[h] for h in header if h.isdigit() and cells.get(h) is not None}
        elif kind in ("growth", "rate"):
            target["min"] = cells.get("min")
        elif kind == "cumulative":
            target["total"] = cells.get("total")
        params = cells.get("params")
        try:
            params = json.loads(params) if params else {}
        except json.JSONDecodeError:
            raise InvalidInput(f"{where}: sheet 'indicators' row {number}: params is not JSON",
                               field="params") from None
        item = {k: cells.get(k) for k in ("key", "number", "name_zh", "name_en", "definition", "unit", "computation")}
        item.update(target=target, params=params)
        indicators.append({k: (str(v) if isinstance(v, (int, float)) and k in ("key", "number") else v)
                           for k, v in item.items()})
    try:
        years = [int(head.get("first_year")), int(head.get("last_year"))]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: sheet 'programme' needs first_year and last_year", field="years") from None
    data = {"key": head.get("key"), "name": head.get("name"), "name_en": head.get("name_en"),
            "source": head.get("source"),
            "region": {"level": head.get("level"), "province": head.get("province"), "city": head.get("city"),
                       "park": head.get("park")},
            "years": years, "indicators": indicators}
    return check_programme(data, where)
