"""Pledge cases (质押融资): applied → registered → released, or applied → rejected.

An enterprise applies for its own organisation, a financier for its own institution, an operator for anyone. The
patents must pass the product's rules when the case is opened (the refusal names the patent and the failed rule).
Registration (filed jointly by pledgor and pledgee at CNIPA, Regulations art. 15) writes one PledgeRecord per patent,
the case's amount split over the patents to the fen so the records add up to the contract; release dates them all.
Only the pledgee institution's financiers or operators register, release or reject.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import FINANCE_MANAGE, FINANCE_PLEDGES, ORGANISATIONS_EDIT_OWN
from lingxi.db.models import Organisation, Patent, PledgeRecord
from lingxi.db.models.finance import FinancialInstitution, PledgeApplication
from lingxi.db.pagination import check_paging
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.finance.eligibility import check, load_facts
from lingxi.finance.institutions import may_keep, product_of
from lingxi.pools.split import split_evenly
from lingxi.value.facts import load_rights

STATUSES = ("applied", "registered", "released", "rejected")
NEXT = {"applied": ("registered", "rejected"), "registered": ("released",), "released": (), "rejected": ()}


def case_dict(row: PledgeApplication, institution: FinancialInstitution | None = None,
              records: list[PledgeRecord] | None = None) -> dict[str, Any]:
    view = {"id": row.id, "product_id": row.product_id, "institution_id": row.institution_id,
            "institution": institution.name if institution else None, "pledgor": row.pledgor,
            "pledgor_organisation_id": row.pledgor_organisation_id, "patent_ids": list(row.patent_ids or []),
            "amount_yuan": fields.plain(row.amount_yuan), "term_months": row.term_months, "status": row.status,
            "next_statuses": list(NEXT[row.status]), "applied_on": row.applied_on.isoformat(),
            "registered_on": row.registered_on.isoformat() if row.registered_on else None,
            "registration_number": row.registration_number,
            "released_on": row.released_on.isoformat() if row.released_on else None, "note": row.note,
            "created_by": row.created_by}
    if records is not None:
        view["records"] = [{"id": r.id, "patent_id": r.patent_id, "amount_yuan": fields.plain(r.amount_yuan),
                            "registered_on": r.registered_on.isoformat(),
                            "released_on": r.released_on.isoformat() if r.released_on else None} for r in records]
    return view


def _visible(actor: Principal):
    """Which cases the actor may see: operators all; financiers their institution's; others their organisation's."""
    if actor.can(FINANCE_MANAGE):
        return None
    if actor.can(FINANCE_PLEDGES):
        return PledgeApplication.institution_id.in_(
            select(FinancialInstitution.id).where(FinancialInstitution.organisation_id == actor.organisation_id))
    if actor.can(ORGANISATIONS_EDIT_OWN) and actor.organisation_id is not None:
        return PledgeApplication.pledgor_organisation_id == actor.organisation_id
    raise PermissionDenied(f"role {actor.role} may not see pledge cases")


def apply(session: Session, actor: Principal, product_id, patent_ids, amount_yuan, term_months=None,
          pledgor_organisation_id=None, pledgor: str | None = None, applied_on=None, note: str | None = None,
          today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    product = product_of(session, product_id)
    institution = session.get(FinancialInstitution, product.institution_id)
    if not product.active:
        raise InvalidInput(f"product {product.name!r} is not offered any more", field="product_id")
    org_id = fields.integer(pledgor_organisation_id, "pledgor_organisation_id", 1, 2**31)
    if not (actor.can(FINANCE_MANAGE) or may_keep(actor, institution)):
        if not actor.can(ORGANISATIONS_EDIT_OWN) or actor.organisation_id is None or actor.role == "regulator":
            raise PermissionDenied(f"role {actor.role} may not open pledge cases")
        if org_id not in (None, actor.organisation_id):
            raise PermissionDenied("an enterprise applies for its own organisation only")
        org_id = actor.organisation_id
    organisation = session.get(Organisation, org_id) if org_id else None
    if org_id and organisation is None:
        raise NotFound(f"organisation {org_id} not found", field="pledgor_organisation_id")
    name = fields.text(pledgor or (organisation.name if organisation else None), "pledgor")
    wanted = fields.ids(patent_ids, "patent_ids")
    found = set(session.scalars(select(Patent.id).where(Patent.id.in_(wanted))))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"patent {missing[0]} not found", field="patent_ids")
    amount = fields.money(amount_yuan, "amount_yuan")
    if amount <= 0:
        raise InvalidInput("amount_yuan must be more than zero", field="amount_yuan")
    low, high = product.amount_min_yuan, product.amount_max_yuan
    if (low is not None and amount < low) or (high is not None and amount > high):
        raise InvalidInput(f"amount_yuan {amount} is outside the product's range {low or 0}–{high or '∞'}",
                           field="amount_yuan")
    term = fields.integer(term_months, "term_months", 1, 600)
    if term is not None and ((product.term_months_min and term < product.term_months_min)
                             or (product.term_months_max and term > product.term_months_max)):
        raise InvalidInput(f"term_months {term} is outside the product's {product.term_months_min}–"
                           f"{product.term_months_max} months", field="term_months")
    rights = load_rights(session, wanted, today)
    facts = load_facts(session, rights)
    for right in rights:
        failed = [c for c in check(facts[right.patent_id], product, today) if not c["ok"]]
        if failed:
            raise InvalidInput(f"patent {right.number} does not qualify for {product.name}: "
                               + "; ".join(c["en"] for c in failed), field="patent_ids")
    for case in session.scalars(select(PledgeApplication).where(PledgeApplication.status == "applied")):
        overlap = set(case.patent_ids or []) & set(wanted)
        if overlap:
            raise Conflict(f"patent {min(overlap)} is in open pledge case {case.id} already", field="patent_ids")
    row = PledgeApplication(product_id=product.id, institution_id=institution.id, pledgor_organisation_id=org_id,
                            pledgor=name, patent_ids=wanted, amount_yuan=amount, term_months=term, status="applied",
                            applied_on=fields.date(applied_on, "applied_on", False) or today,
                            note=fields.text(note, "note", False, 2000), created_by=actor.username)
    session.add(row)
    session.flush()
    return case_dict(row, institution)


def _case(session: Session, actor: Principal, case_id) -> tuple[PledgeApplication, FinancialInstitution]:
    row = session.get(PledgeApplication, fields.integer(case_id, "case_id", 1, 2**31, True))
    if row is None:
        raise NotFound(f"pledge case {case_id} not found")
    institution = session.get(FinancialInstitution, row.institution_id)
    if not (actor.can(FINANCE_MANAGE) or may_keep(actor, institution)):
        raise PermissionDenied("only the pledgee institution's financiers and operators change a pledge case")
    return row, institution


def _move(row: PledgeApplication, to: str) -> None:
    if to not in NEXT[row.status]:
        raise Conflict(f"pledge case {row.id} is {row.status}: it cannot become {to}", field="status")
    row.status = to


def register(session: Session, actor: Principal, case_id, registered_on, registration_number: str) -> dict:
    row, institution = _case(session, actor, case_id)
    _move(row, "registered")
    row.registered_on = fields.date(registered_on, "registered_on")
    if row.registered_on < row.applied_on:
        raise InvalidInput("registered_on is before applied_on", field="registered_on")
    row.registration_number = fields.text(registration_number, "registration_number", limit=40)
    pledged = session.scalar(select(PledgeRecord.patent_id).where(PledgeRecord.patent_id.in_(row.patent_ids),
                                                                  PledgeRecord.released_on.is_(None)).limit(1))
    if pledged is not None:
        raise Conflict(f"patent {pledged} is under another unreleased pledge", field="patent_ids")
    shares = split_evenly(row.amount_yuan, len(row.patent_ids))
    records = []
    for patent_id, amount in zip(row.patent_ids, shares):
        record = PledgeRecord(patent_id=patent_id, pledgor=row.pledgor, pledgee=institution.name, amount_yuan=amount,
                              registered_on=row.registered_on, registration_number=row.registration_number,
                              recorded_by=actor.username, application_id=row.id, product_id=row.product_id,
                              term_months=row.term_months)
        session.add(record)
        records.append(record)
    session.flush()
    return case_dict(row, institution, records)


def release(session: Session, actor: Principal, case_id, released_on) -> dict:
    row, institution = _case(session, actor, case_id)
    _move(row, "released")
    row.released_on = fields.date(released_on, "released_on")
    if row.released_on < row.registered_on:
        raise InvalidInput("released_on is before registered_on", field="released_on")
    records = list(session.scalars(select(PledgeRecord).where(PledgeRecord.application_id == row.id)))
    for record in records:
        record.released_on = row.released_on
    session.flush()
    return case_dict(row, institution, records)


def reject(session: Session, actor: Principal, case_id, note: str | None = None) -> dict:
    row, institution = _case(session, actor, case_id)
    _move(row, "rejected")
    row.note = fields.text(note, "note", False, 2000) or row.note
    session.flush()
    return case_dict(row, institution)


def get_case(session: Session, actor: Principal, case_id) -> dict:
    clause = _visible(actor)
    row = session.get(PledgeApplication, fields.integer(case_id, "case_id", 1, 2**31, True))
    if row is None:
        raise NotFound(f"pledge case {case_id} not found")
    if clause is not None and not session.scalar(select(PledgeApplication.id).where(PledgeApplication.id == row.id,
                                                                                     clause)):
        raise PermissionDenied("this pledge case belongs to another institution or enterprise")
    records = list(session.scalars(select(PledgeRecord).where(PledgeRecord.application_id == row.id)
                                   .order_by(PledgeRecord.id)))
    return case_dict(row, session.get(FinancialInstitution, row.institution_id), records)


def list_cases(session: Session, actor: Principal, status: str | None = None, page: int = 1,
               page_size: int = 20) -> dict[str, Any]:
    check_paging(page, page_size)
    clause = _visible(actor)
    query = select(PledgeApplication, FinancialInstitution).join(
        FinancialInstitution, FinancialInstitution.id == PledgeApplication.institution_id)
    if clause is not None:
        query = query.where(clause)
    if status:
        query = query.where(PledgeApplication.status == fields.choice(status, "status", STATUSES))
    rows = session.execute(query.order_by(PledgeApplication.applied_on.desc(), PledgeApplication.id.desc())).all()
    items = [case_dict(row, institution) for row, institution in rows]
    total_amount = sum((Decimal(i["amount_yuan"]) for i in items if i["status"] in ("registered", "released")),
                       Decimal(0))
    return {"items": items[(page - 1) * page_size: page * page_size], "total": len(items), "page": page,
            "page_size": page_size, "registered_amount_yuan": str(total_amount)}
