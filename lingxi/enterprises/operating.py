"""Yearly operating figures of an enterprise (企业年度经营数据): revenue, revenue from patent products, employees,
R&D spend, one record per enterprise and year.

They feed the programme indicators on the revenue and employment of the SMEs a programme benefits (SPEC.md §12); the
enterprise reports its own figures, operators record or import them for any enterprise. Saving a year that already
has a record changes that record (the audit log keeps the figures before), so a year is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.models import EnterpriseOperatingYear, Organisation
from lingxi.enterprises import credit_code, values
from lingxi.enterprises.access import ENTERPRISE_KINDS, require_file_access, require_file_edit, require_operator
from lingxi.enterprises.spreadsheet import ImportReport, RowProblem, header_map, read_rows
from lingxi.errors import InvalidInput, LingxiError, NotFound

FIGURES = ("revenue_yuan", "patent_revenue_yuan", "employees", "rd_spend_yuan")
FIRST_YEAR = 1990


def _year(value) -> int:
    year = values.integer(value, "year", FIRST_YEAR, dt.date.today().year)
    if year is None:
        raise InvalidInput("year is required", field="year")
    return year


def _amount(value, field: str) -> Decimal | None:
    amount = values.yuan(value, field)
    return None if amount is None else Decimal(amount)


def clean_figures(raw: dict) -> dict:
    """Validated figures of one year; InvalidInput names the field. At least one figure must be given."""
    unknown = set(raw) - {"year", "note", *FIGURES}
    if unknown:
        raise InvalidInput(f"unknown field {min(unknown)!r}", field=min(unknown))
    out = {"year": _year(raw.get("year")),
           "revenue_yuan": _amount(raw.get("revenue_yuan"), "revenue_yuan"),
           "patent_revenue_yuan": _amount(raw.get("patent_revenue_yuan"), "patent_revenue_yuan"),
           "employees": values.integer(raw.get("employees"), "employees", 0, 10_000_000),
           "rd_spend_yuan": _amount(raw.get("rd_spend_yuan"), "rd_spend_yuan"),
           "note": values.text(raw.get("note"), "note")}
    if all(out[name] is None for name in FIGURES):
        raise InvalidInput("give at least one figure: revenue, patent-product revenue, employees or R&D spend",
                           field="revenue_yuan")
    if out["revenue_yuan"] is not None and out["patent_revenue_yuan"] is not None \
            and out["patent_revenue_yuan"] > out["revenue_yuan"]:
        raise InvalidInput("revenue from patent products cannot exceed the whole revenue", field="patent_revenue_yuan")
    return out


def _enterprise(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in ENTERPRISE_KINDS:
        raise NotFound(f"enterprise {organisation_id} does not exist")
    return organisation


def figure_view(row: EnterpriseOperatingYear) -> dict:
    def money(value):
        return None if value is None else f"{Decimal(value):.2f}"  # the same text before and after a reload
    return {"id": row.id, "organisation_id": row.organisation_id, "year": row.year,
            "revenue_yuan": money(row.revenue_yuan), "patent_revenue_yuan": money(row.patent_revenue_yuan),
            "employees": row.employees, "rd_spend_yuan": money(row.rd_spend_yuan), "source": row.source,
            "note": row.note, "created_by": row.created_by, "updated_at": row.updated_at.isoformat()
            if row.updated_at else None}


def operating_years(session: Session, actor: Principal, organisation_id: int) -> list[dict]:
    """The enterprise's yearly figures, newest year first (its own users and operators)."""
    require_file_access(actor, organisation_id)
    _enterprise(session, organisation_id)
    return [figure_view(r) for r in session.scalars(
        select(EnterpriseOperatingYear).where(EnterpriseOperatingYear.organisation_id == organisation_id)
        .order_by(EnterpriseOperatingYear.year.desc()))]


def save_operating_year(session: Session, actor: Principal, organisation_id: int, raw: dict,
                        source: str = "entered") -> tuple[dict, bool]:
    """Record (or correct) one year's figures; returns (record, created). Figures not given keep their value."""
    require_file_edit(actor, organisation_id)
    _enterprise(session, organisation_id)
    given = {k: v for k, v in raw.items() if v not in (None, "")}
    figures = clean_figures(given)
    acting_as(session, actor)
    row = session.scalar(select(EnterpriseOperatingYear).where(
        EnterpriseOperatingYear.organisation_id == organisation_id, EnterpriseOperatingYear.year == figures["year"]))
    created = row is None
    if created:
        row = EnterpriseOperatingYear(organisation_id=organisation_id, year=figures["year"], source=source,
                                      created_by=actor.username)
        session.add(row)
    for name in (*FIGURES, "note"):
        if name in given:
            setattr(row, name, figures[name])
    session.flush()
    return figure_view(row), created


def delete_operating_year(session: Session, actor: Principal, organisation_id: int, year: int) -> None:
    require_file_edit(actor, organisation_id)
    row = session.scalar(select(EnterpriseOperatingYear).where(
        EnterpriseOperatingYear.organisation_id == organisation_id, EnterpriseOperatingYear.year == year))
    if row is None:
        raise NotFound(f"enterprise {organisation_id} has no figures for {year}")
    acting_as(session, actor)
    session.delete(row)
    session.flush()


# --- Excel import ----------------------------------------------------------------------------------------------------

HEADERS = header_map({
    "name": ("企业名称", "名称", "单位名称", "enterprise", "company", "company name"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "credit code", "uscc"),
    "year": ("年度", "年份", "统计年度", "year"),
    "revenue_yuan": ("营业收入", "营业收入(元)", "营收", "revenue", "revenue (yuan)"),
    "patent_revenue_yuan": ("专利产品收入", "专利产品销售收入", "新产品收入", "专利产品收入(元)", "patent revenue",
                            "patent product revenue"),
    "employees": ("从业人数", "就业人数", "员工人数", "职工人数", "employees"),
    "rd_spend_yuan": ("研发投入", "研发费用", "研发投入(元)", "r&d", "r&d spend"),
    "note": ("备注", "notes", "note"),
})


def _organisation_of(session: Session, row: dict) -> Organisation:
    code = values.text(row.get("credit_code"), "credit_code")
    if code:
        code = credit_code.validate(code)
        found = session.scalar(select(Organisation).where(Organisation.credit_code == code))
        if found is None:
            raise LingxiError(f"no enterprise with credit code {code} on the platform", field="credit_code")
    else:
        name = values.text(row.get("name"), "name")
        if not name:
            raise LingxiError("企业名称 (name) or 统一社会信用代码 (credit code) is needed", field="name")
        found = session.scalar(select(Organisation).where(Organisation.name == name))
        if found is None:
            raise LingxiError(f"no enterprise named {name!r} on the platform", field="name")
    if found.kind not in ENTERPRISE_KINDS:
        raise LingxiError(f"{found.name} is on the platform as a {found.kind}, not an enterprise", field="name")
    return found


def import_operating_years(session: Session, actor: Principal, source: Path | bytes) -> ImportReport:
    """One row per enterprise and year; good rows are kept, bad rows reported with their row number and reason.
    A row for a year already recorded changes that record (counted as updated, or unchanged if nothing differs)."""
    require_operator(actor, "import operating figures")
    report = ImportReport()
    seen: dict[tuple[int, int], int] = {}
    for number, row in read_rows(source, HEADERS, required=("year",)):
        label = str(row.get("name") or row.get("credit_code") or "") or None
        try:
            with session.begin_nested():
                organisation = _organisation_of(session, row)
                raw = {k: v for k, v in row.items() if k not in ("name", "credit_code") and v not in (None, "")}
                figures = clean_figures(raw)
                key = (organisation.id, figures["year"])
                if key in seen:
                    raise LingxiError(f"the same enterprise and year as row {seen[key]}", field="year")
                before = session.scalar(select(EnterpriseOperatingYear).where(
                    EnterpriseOperatingYear.organisation_id == organisation.id,
                    EnterpriseOperatingYear.year == figures["year"]))
                if before is not None and all(getattr(before, k) == figures[k] for k in raw if k != "year"):
                    report.unchanged += 1
                    report.ids.append(before.id)
                else:
                    view, created = save_operating_year(session, actor, organisation.id, raw, source="imported")
                    report.ids.append(view["id"])
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
                seen[key] = number
        except LingxiError as error:
            report.rejected.append(RowProblem(number, error.message, error.field, label))
    session.flush()
    return report
