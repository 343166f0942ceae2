"""Importing many enterprise files from Excel (企业批量导入).

One row per enterprise, Chinese or English headers (企业名称, 统一社会信用代码, 省份, 城市, 行业代码, 企业规模, 主营产品,
联系人, 电话, 邮箱, 员工人数, 成立日期, 曾用名 …). Every row is checked on its own: a bad row (bad credit code, unknown
industry code, no name …) is reported with its row number and reason and the others are kept. A row whose credit code
(or, without one, whose name) is already on the platform updates that enterprise instead of adding a second one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.models import Organisation
from lingxi.enterprises.access import ENTERPRISE_KINDS, require_operator
from lingxi.enterprises.files import clean_values, create_enterprise, profile_of, update_enterprise
from lingxi.enterprises.spreadsheet import ImportReport, RowProblem, header_map, read_rows
from lingxi.errors import LingxiError

HEADERS = header_map({
    "name": ("企业名称", "名称", "单位名称", "enterprise", "company", "company name"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "credit code", "unified social credit code", "uscc"),
    "province": ("省份", "省", "所在省份", "province"),
    "city": ("城市", "市", "所在城市", "city"),
    "industry_code": ("行业代码", "国民经济行业代码", "所属行业代码", "行业", "industry", "industry code"),
    "size_class": ("企业规模", "规模", "size", "size class"),
    "products": ("主营产品", "主营业务", "主要产品", "products", "main products"),
    "contact_name": ("联系人", "contact", "contact name"),
    "contact_phone": ("电话", "联系电话", "手机", "phone", "telephone"),
    "contact_email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "employees": ("员工人数", "职工人数", "人数", "employees"),
    "founded": ("成立日期", "成立时间", "成立年份", "founded"),
    "aliases": ("曾用名", "别名", "简称", "aliases", "former names"),
    "kind": ("类型", "kind"),
    "notes": ("备注", "notes"),
})
KIND_SYNONYMS = {"企业": "enterprise", "中小企业": "enterprise", "民营企业": "enterprise", "国企": "soe",
                 "国有企业": "soe", "央企": "soe"}


def _existing(session: Session, values: dict) -> Organisation | None:
    if values.get("credit_code"):
        found = session.scalar(select(Organisation).where(Organisation.credit_code == values["credit_code"]))
        if found is not None:
            return found
    return session.scalar(select(Organisation).where(Organisation.name == values.get("name")))


def _changed(session: Session, organisation: Organisation, raw: dict) -> bool:
    organisation_values, profile_values = clean_values(raw)
    profile = profile_of(session, organisation.id)
    return any(getattr(organisation, k) != v for k, v in organisation_values.items()) or profile is None or any(
        getattr(profile, k) != v for k, v in profile_values.items())


def import_enterprises(session: Session, actor: Principal, source: Path | bytes) -> ImportReport:
    """Import every good row; each row is its own savepoint, so one bad row never loses another."""
    require_operator(actor, "import enterprise files")
    report = ImportReport()
    seen: dict[str, int] = {}
    for number, row in read_rows(source, HEADERS, required=("name",)):
        raw = {k: v for k, v in row.items() if v not in (None, "")}
        if "kind" in raw:
            raw["kind"] = KIND_SYNONYMS.get(str(raw["kind"]), str(raw["kind"]))
        label = str(raw.get("name") or raw.get("credit_code") or "")
        try:
            with session.begin_nested():
                organisation_values, _ = clean_values(raw)  # validate first: the reason names the column
                if not organisation_values.get("name"):
                    raise LingxiError("企业名称 (name) is empty", field="name")
                key = organisation_values.get("credit_code") or organisation_values["name"]
                if key in seen:
                    raise LingxiError(f"the same enterprise as row {seen[key]} (credit code or name repeated)",
                                      field="credit_code")
                existing = _existing(session, organisation_values)
                if existing is not None and existing.kind not in ENTERPRISE_KINDS:
                    raise LingxiError(f"{existing.name} is on the platform as a {existing.kind}, not an enterprise",
                                      field="name")
                if existing is None:
                    report.ids.append(create_enterprise(session, actor, raw)["id"])
                    report.created += 1
                else:
                    if existing.name == raw.get("name"):
                        raw.pop("name")  # the name stays; only operators rename, and not by import by accident
                    if _changed(session, existing, raw):
                        update_enterprise(session, actor, existing.id, raw)
                        report.updated += 1
                    else:
                        report.unchanged += 1
                    report.ids.append(existing.id)
                seen[key] = number
        except LingxiError as error:
            report.rejected.append(RowProblem(number, error.message, error.field, label or None))
    session.flush()
    return report
