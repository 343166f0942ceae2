"""The 科创银行机构库: financial institutions and their products (pledge loans, insurance, securitisation …).

Products are public offers: every member role reads them (an enterprise shops for one). Operators keep every
institution and product (finance.manage); a financier keeps the products of the institution its organisation is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import FINANCE_MANAGE, FINANCE_PLEDGES, ORGANISATIONS_DIRECTORY, require
from lingxi.db.models import Organisation
from lingxi.db.models.finance import FinanceProduct, FinancialInstitution
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied

INSTITUTION_KINDS = ("bank", "insurer", "guarantor", "fund", "securities")
PRODUCT_KINDS = ("pledge_loan", "insurance", "securitisation", "guarantee")
GRADES = ("A", "B", "C", "D")
PATENT_TYPES = ("invention", "utility_model", "design")
SIZE_CLASSES = ("micro", "small", "medium", "large")
ELIGIBILITY_KEYS = ("min_grade", "patent_types", "size_classes", "provinces", "min_remaining_years")


def institution_dict(row: FinancialInstitution) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "kind": row.kind, "organisation_id": row.organisation_id,
            "province": row.province, "city": row.city, "contact": row.contact, "note": row.note}


def product_dict(row: FinanceProduct, institution: FinancialInstitution | None = None) -> dict[str, Any]:
    return {"id": row.id, "institution_id": row.institution_id,
            "institution": institution.name if institution else None, "name": row.name, "kind": row.kind,
            "rate_min": fields.plain(row.rate_min), "rate_max": fields.plain(row.rate_max),
            "amount_min_yuan": fields.plain(row.amount_min_yuan), "amount_max_yuan": fields.plain(row.amount_max_yuan),
            "term_months_min": row.term_months_min, "term_months_max": row.term_months_max,
            "loan_to_value": fields.plain(row.loan_to_value), "eligibility": row.eligibility or {},
            "description": row.description, "active": row.active}


def may_keep(actor: Principal, institution: FinancialInstitution) -> bool:
    """Operators keep every institution; a financier only the one its organisation is."""
    return actor.can(FINANCE_MANAGE) or (actor.can(FINANCE_PLEDGES) and institution.organisation_id is not None
                                         and institution.organisation_id == actor.organisation_id)


def institution_of(session: Session, institution_id) -> FinancialInstitution:
    row = session.get(FinancialInstitution, fields.integer(institution_id, "institution_id", 1, 2**31, True))
    if row is None:
        raise NotFound(f"financial institution {institution_id} not found", field="institution_id")
    return row


def product_of(session: Session, product_id) -> FinanceProduct:
    row = session.get(FinanceProduct, fields.integer(product_id, "product_id", 1, 2**31, True))
    if row is None:
        raise NotFound(f"finance product {product_id} not found", field="product_id")
    return row


def create_institution(session: Session, actor: Principal, name: str, kind: str, organisation_id=None,
                       province: str | None = None, city: str | None = None, contact: str | None = None,
                       note: str | None = None) -> dict:
    require(actor, FINANCE_MANAGE)
    clean_name = fields.text(name, "name", limit=200)
    if session.scalar(select(FinancialInstitution.id).where(FinancialInstitution.name == clean_name)):
        raise Conflict(f"financial institution {clean_name!r} exists already", field="name")
    org_id = fields.integer(organisation_id, "organisation_id", 1, 2**31)
    if org_id is not None and session.get(Organisation, org_id) is None:
        raise NotFound(f"organisation {org_id} not found", field="organisation_id")
    row = FinancialInstitution(name=clean_name, kind=fields.choice(kind, "kind", INSTITUTION_KINDS),
                               organisation_id=org_id, province=fields.text(province, "province", False, 32),
                               city=fields.text(city, "city", False, 32), contact=fields.text(contact, "contact", False, 200),
                               note=fields.text(note, "note", False, 2000), created_by=actor.username)
    session.add(row)
    session.flush()
    return institution_dict(row)


def list_institutions(session: Session, actor: Principal) -> list[dict]:
    require(actor, ORGANISATIONS_DIRECTORY)
    rows = session.scalars(select(FinancialInstitution).order_by(FinancialInstitution.kind, FinancialInstitution.name))
    return [institution_dict(row) for row in rows]


def clean_eligibility(raw: dict | None) -> dict:
    """Keep the known rules, each checked; an unknown key is refused so a typo never silently opens a product."""
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(ELIGIBILITY_KEYS))
    if unknown:
        raise InvalidInput(f"unknown eligibility rule {unknown[0]!r}; known: {', '.join(ELIGIBILITY_KEYS)}",
                           field="eligibility")
    rules: dict[str, Any] = {}
    if raw.get("min_grade"):
        rules["min_grade"] = fields.choice(raw["min_grade"], "eligibility.min_grade", GRADES)
    for key, allowed in (("patent_types", PATENT_TYPES), ("size_classes", SIZE_CLASSES)):
        values = raw.get(key)
        if values:
            values = [values] if isinstance(values, str) else list(values)
            rules[key] = [fields.choice(v, f"eligibility.{key}", allowed) for v in values]
    if raw.get("provinces"):
        values = raw["provinces"]
        rules["provinces"] = [fields.text(v, "eligibility.provinces", limit=32)
                              for v in ([values] if isinstance(values, str) else values)]
    if raw.get("min_remaining_years") not in (None, ""):
        rules["min_remaining_years"] = fields.integer(raw["min_remaining_years"], "eligibility.min_remaining_years",
                                                      0, 20)
    return rules


def create_product(session: Session, actor: Principal, institution_id, name: str, kind: str, *, rate_min=None,
                   rate_max=None, amount_min_yuan=None, amount_max_yuan=None, term_months_min=None,
                   term_months_max=None, loan_to_value=None, eligibility: dict | None = None,
                   description: str | None = None) -> dict:
    institution = institution_of(session, institution_id)
    if not may_keep(actor, institution):
        raise PermissionDenied("only operators and the institution's own financiers keep its products")
    clean_name = fields.text(name, "name", limit=200)
    if session.scalar(select(FinanceProduct.id).where(FinanceProduct.institution_id == institution.id,
                                                      FinanceProduct.name == clean_name)):
        raise Conflict(f"{institution.name} has a product {clean_name!r} already", field="name")
    row = FinanceProduct(institution_id=institution.id, name=clean_name,
                         kind=fields.choice(kind, "kind", PRODUCT_KINDS),
                         rate_min=fields.share(rate_min, "rate_min"), rate_max=fields.share(rate_max, "rate_max"),
                         amount_min_yuan=fields.money(amount_min_yuan, "amount_min_yuan", False),
                         amount_max_yuan=fields.money(amount_max_yuan, "amount_max_yuan", False),
                         term_months_min=fields.integer(term_months_min, "term_months_min", 1, 600),
                         term_months_max=fields.integer(term_months_max, "term_months_max", 1, 600),
                         loan_to_value=fields.share(loan_to_value, "loan_to_value"),
                         eligibility=clean_eligibility(eligibility),
                         description=fields.text(description, "description", False, 4000), created_by=actor.username)
    for low, high in (("rate_min", "rate_max"), ("amount_min_yuan", "amount_max_yuan"),
                      ("term_months_min", "term_months_max")):
        if getattr(row, low) is not None and getattr(row, high) is not None and getattr(row, low) > getattr(row, high):
            raise InvalidInput(f"{low} is above {high}", field=low)
    session.add(row)
    session.flush()
    return product_dict(row, institution)


def set_product_active(session: Session, actor: Principal, product_id, active: bool) -> dict:
    product = product_of(session, product_id)
    institution = session.get(FinancialInstitution, product.institution_id)
    if not may_keep(actor, institution):
        raise PermissionDenied("only operators and the institution's own financiers keep its products")
    product.active = bool(active)
    session.flush()
    return product_dict(product, institution)


def list_products(session: Session, actor: Principal, kind: str | None = None, institution_id: int | None = None,
                  active_only: bool = True) -> list[dict]:
    require(actor, ORGANISATIONS_DIRECTORY)
    query = (select(FinanceProduct, FinancialInstitution)
             .join(FinancialInstitution, FinancialInstitution.id == FinanceProduct.institution_id)
             .order_by(FinancialInstitution.name, FinanceProduct.name))
    if kind:
        query = query.where(FinanceProduct.kind == fields.choice(kind, "kind", PRODUCT_KINDS))
    if institution_id:
        query = query.where(FinanceProduct.institution_id == int(institution_id))
    if active_only:
        query = query.where(FinanceProduct.active.is_(True))
    return [product_dict(product, institution) for product, institution in session.execute(query)]


def get_product(session: Session, actor: Principal, product_id) -> dict:
    require(actor, ORGANISATIONS_DIRECTORY)
    product = product_of(session, product_id)
    return product_dict(product, session.get(FinancialInstitution, product.institution_id))
