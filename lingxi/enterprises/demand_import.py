"""Bulk import of demands from Excel (需求清单导入), with the same rules as the enterprise import: every good row is
kept, every bad row reported with its row number and reason.

Headers: 企业名称 or 统一社会信用代码 (which enterprise; an enterprise user's rows are always its own), 需求名称,
需求描述, 产业链 / 产业链节点 (optional: classified automatically when empty), 技术指标, 成熟度下限 / 成熟度上限 (TRL 1–9),
预算下限 / 预算上限 (or one 预算 cell such as "50-100万"), 合作方式 (转让 / 许可 / 作价入股 / 合作开发), 截止日期, 保密级别
(公开 / 仅运营方可见 / 涉密). A row with the same enterprise and title as an existing demand updates it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import DEMANDS_POST, require
from lingxi.db.models import Demand, Organisation
from lingxi.enterprises import credit_code
from lingxi.enterprises.access import ENTERPRISE_KINDS, is_operator
from lingxi.enterprises.demands import create_demand, may_edit, update_demand
from lingxi.enterprises.spreadsheet import ImportReport, RowProblem, header_map, read_rows
from lingxi.errors import InvalidInput, LingxiError

HEADERS = header_map({
    "organisation": ("企业名称", "企业", "需求方", "enterprise", "company"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit code"),
    "title": ("需求名称", "需求标题", "标题", "需求", "demand", "demand title"),
    "description": ("需求描述", "描述", "详细描述", "description"),
    "chain_taxonomy": ("产业链", "chain"),
    "chain_node": ("产业链节点", "节点", "chain node"),
    "technical_indicators": ("技术指标", "指标", "technical indicators", "indicators"),
    "trl_min": ("成熟度下限", "最低成熟度", "trl min"),
    "trl_max": ("成熟度上限", "最高成熟度", "trl max"),
    "budget": ("预算", "预算范围", "budget"),
    "budget_min": ("预算下限", "最低预算", "budget min"),
    "budget_max": ("预算上限", "最高预算", "budget max"),
    "preferred_mode": ("合作方式", "意向方式", "转化方式", "mode", "preferred mode"),
    "deadline": ("截止日期", "期限", "deadline"),
    "confidentiality": ("保密级别", "密级", "公开程度", "confidentiality"),
})
_RANGE = re.compile(r"^\s*([\d.]+)\s*[-~～至到]\s*([\d.]+)\s*(万|万元|亿|亿元|元)?\s*$")


def _budget(raw: dict) -> None:
    """"50-100万" in one cell → budget_min / budget_max."""
    value = raw.pop("budget", None)
    if value in (None, ""):
        return
    match = _RANGE.match(str(value))
    if match:
        unit = match.group(3) or ""
        raw.setdefault("budget_min", match.group(1) + unit)
        raw.setdefault("budget_max", match.group(2) + unit)
    else:
        raw.setdefault("budget_max", value)


def _organisation_id(session: Session, actor: Principal, row: dict) -> int:
    name, code = row.pop("organisation", None), row.pop("credit_code", None)
    if not is_operator(actor):
        return actor.organisation_id  # create_demand refuses anything else anyway
    organisation = None
    if code:
        organisation = session.scalar(select(Organisation).where(
            Organisation.credit_code == credit_code.validate(str(code))))
    if organisation is None and name:
        organisation = session.scalar(select(Organisation).where(Organisation.name == str(name)))
    if organisation is None:
        raise InvalidInput(f"no enterprise {name or code!r} on the platform (import the enterprise first)",
                           field="organisation")
    if organisation.kind not in ENTERPRISE_KINDS:
        raise InvalidInput(f"{organisation.name} is not an enterprise", field="organisation")
    return organisation.id


def import_demands(session: Session, actor: Principal, source: Path | bytes) -> ImportReport:
    require(actor, DEMANDS_POST)
    report = ImportReport()
    for number, row in read_rows(source, HEADERS, required=("title",)):
        raw = {k: v for k, v in row.items() if v not in (None, "")}
        label = str(raw.get("title") or "")
        try:
            with session.begin_nested():
                organisation_id = _organisation_id(session, actor, raw)
                _budget(raw)
                if not raw.get("title"):
                    raise InvalidInput("需求名称 (title) is empty", field="title")
                existing = session.scalar(select(Demand).where(Demand.organisation_id == organisation_id,
                                                               Demand.title == str(raw["title"]).strip()))
                if existing is None:
                    created = create_demand(session, actor, {**raw, "organisation_id": organisation_id},
                                            origin="imported")
                    report.created += 1
                    report.ids.append(created["id"])
                elif not may_edit(actor, existing):
                    raise InvalidInput(f"demand {existing.id} with this title exists and is not yours to change",
                                       field="title")
                else:
                    before = existing.updated_at
                    update_demand(session, actor, existing.id, raw)
                    session.flush()
                    if existing.updated_at != before:
                        report.updated += 1
                    else:
                        report.unchanged += 1
                    report.ids.append(existing.id)
        except LingxiError as error:
            report.rejected.append(RowProblem(number, error.message, error.field, label or None))
    session.flush()
    return report
