"""The KPI table as Excel, in the layout of the programme's own table (序号 · 工作指标 · one column group per year),
with target, actual and status per year; a second sheet explains each indicator and how it is computed."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

STATUS_ZH = {"met": "已完成", "on_track": "按进度", "behind": "滞后", "pending": "未到期", "no_data": "无数据",
             "no_baseline": "无基数", "no_target": "无目标", "tracked": "跟踪"}
STATUS_FILL = {"met": "C6EFCE", "on_track": "FFEB9C", "behind": "FFC7CE", "no_data": "E7E6E6"}


def _cell_target(indicator: dict, row: dict) -> str:
    if indicator["target_kind"] == "yearly":
        return f"≥ {row['target']:g}" if row["target"] is not None else ""
    return indicator["target_text"]


def _cell_actual(indicator: dict, row: dict) -> Any:
    if row["actual"] is None:
        return "无数据"
    if indicator["target_kind"] == "growth":
        growth = f"（年均增长 {row['cagr_pct']:.1f}%）" if row["cagr_pct"] is not None else "（无基数）"
        return f"{row['actual']:g}{growth}"
    if indicator["target_kind"] == "cumulative":
        return f"{row['actual']:g}（累计 {row['cumulative']:g}）"
    return row["actual"]


def report_workbook(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标分解表"
    programme = report["programme"]
    years = report["years"]
    ws.append([f"{programme['name']} 年度绩效目标完成情况"])
    ws.append([f"数据截至 {report['as_of']}；由平台记录自动计算，人工调整单列"])
    header = ["序号", "工作指标", "单位"]
    sub = ["", "", ""]
    for year in years:
        header += [f"{year}年", "", ""]
        sub += ["目标", "完成", "状态"]
    ws.append(header)
    ws.append(sub)
    bold = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    for col in range(1, len(header) + 1):
        for r in (3, 4):
            ws.cell(r, col).font = bold
            ws.cell(r, col).alignment = Alignment(horizontal="center", vertical="center")
    for i, _ in enumerate(years):
        start = 4 + i * 3
        ws.merge_cells(start_row=3, start_column=start, end_row=3, end_column=start + 2)
    for col in (1, 2, 3):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for indicator in report["indicators"]:
        line: list[Any] = [indicator["number"], indicator["name_zh"], indicator["unit"]]
        statuses = []
        for row in indicator["years"]:
            line += [_cell_target(indicator, row), _cell_actual(indicator, row), STATUS_ZH.get(row["status"], "")]
            statuses.append(row["status"])
        ws.append(line)
        r = ws.max_row
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="center")
        for i, status in enumerate(statuses):
            if status in STATUS_FILL:
                ws.cell(r, 6 + i * 3).fill = PatternFill("solid", fgColor=STATUS_FILL[status])
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 60
    ws.freeze_panes = "D5"

    notes = wb.create_sheet("指标说明")
    notes.append(["序号", "指标键", "工作指标", "Indicator", "单位", "计算", "口径", "目标", "基数年", "基数",
                  "说明（无数据原因等）", "人工调整（年份：调整值，理由，作者）"])
    for cell in notes[1]:
        cell.font = bold
    for indicator in report["indicators"]:
        reasons = sorted({row["note"] for row in indicator["years"] if row["note"]})
        adjustments = [f"{row['year']}: {a['delta']:+g}，{a['reason']}，{a['author']}"
                       for row in indicator["years"] for a in row["adjustments"]]
        notes.append([indicator["number"], indicator["key"], indicator["name_zh"], indicator["name_en"],
                      indicator["unit"], indicator["computation"], indicator["definition"], indicator["target_text"],
                      indicator["baseline"]["year"], indicator["baseline"]["actual"], "；".join(reasons),
                      "；".join(adjustments)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
