"""The graded catalogue as an Excel workbook: one sheet per grade (A, B, C, D) and a method sheet."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lingxi.value.catalogue import GRADES

COLUMNS = (  # (key, Chinese header, English header)
    ("number", "公开号", "number"), ("title", "名称", "title"), ("holder", "权利人", "holder"),
    ("province", "省份", "province"), ("city", "城市", "city"), ("chain", "产业链", "chain"),
    ("node", "产业链节点", "chain node"), ("node_name_zh", "节点名称", "node name"),
    ("score", "价值分", "score"), ("legal", "法律价值", "legal"), ("technical", "技术价值", "technical"),
    ("economic", "经济价值", "economic"), ("coverage", "指标覆盖率", "coverage"),
    ("high_value", "高价值发明专利", "high-value"), ("high_value_criteria", "高价值依据", "high-value criteria"),
    ("doc_type", "专利类型", "type"), ("legal_status", "法律状态", "legal status"), ("profile", "权重方案", "profile"),
)
WIDTHS = {"title": 48, "holder": 32, "number": 18, "high_value_criteria": 24, "node_name_zh": 20}


def _cell(key: str, value: Any) -> Any:
    if key == "high_value":
        return "是 yes" if value else "否 no"
    if isinstance(value, list):
        return ", ".join(value)
    return value


def write_catalogue(catalogue: dict[str, Any], target=None) -> bytes | None:
    """Write to `target` (a path or file object); without one, return the workbook's bytes."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    sheets = [(g, f"{g}级 grade {g}") for g in GRADES]
    if catalogue["counts"].get("unscored"):  # rights not scored yet are kept, on their own sheet
        sheets.append((None, "未评分 unscored"))
    for grade, title in sheets:
        sheet = book.create_sheet(title)
        sheet.append([f"{zh} {en}" for _, zh, en in COLUMNS])
        for cell in sheet[1]:
            cell.font = bold
        for row in catalogue["rows"]:
            if row["grade"] == grade:
                sheet.append([_cell(key, row.get(key)) for key, _, _ in COLUMNS])
        for index, (key, _, _) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 12)
        sheet.freeze_panes = "A2"
    _method_sheet(book.create_sheet("方法 method"), catalogue, bold)
    if target is None:
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    book.save(target)
    return None


def _method_sheet(sheet, catalogue: dict[str, Any], bold) -> None:
    method = catalogue["method"]
    lines: list[tuple[str, Any]] = [
        ("可运营专利分级目录 Operable-patent graded catalogue", ""),
        ("日期 date", method["date"]),
        ("场景 scenario", method["scenario"]),
        ("范围 scope", method["scope"]),
        ("筛选条件 filters", json.dumps(method["filters"], ensure_ascii=False) if method["filters"] else "—"),
        ("数据版本 data version", json.dumps(method["data_version"], ensure_ascii=False)),
        ("各级件数 counts", json.dumps(catalogue["counts"], ensure_ascii=False)),
    ]
    for profile in method["profiles"]:
        lines.append(("权重方案 profile", f"{profile['name']} v{profile['version']} ({profile['scenario']})"))
        lines.append(("分级阈值 grade thresholds", json.dumps(profile["grade_thresholds"], ensure_ascii=False)))
        for dimension, spec in (profile["weights"] or {}).items():
            weight = spec.get("weight") if isinstance(spec, dict) else spec
            lines.append((f"维度权重 weight {dimension}", weight))
            for indicator, value in (spec.get("indicators", {}) if isinstance(spec, dict) else {}).items():
                lines.append((f"  指标权重 {dimension}.{indicator}", value))
    if not method["profiles"]:
        lines.append(("权重方案 profile", "尚未评分 no scores computed yet (lingxi value compute)"))
    for label, value in lines:
        sheet.append([label, value])
    sheet["A1"].font = bold
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 80
