"""§8 IP finance pages: products for everyone, the pledge-eligible list for financiers and operators, an
enterprise's own product matches, and pledge cases. Thin over lingxi.finance."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import FINANCE_MANAGE, FINANCE_PLEDGES, ORGANISATIONS_EDIT_OWN
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.finance import institutions, matching, pledges
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/finance")
def finance_home(request: Request, product: int | None = None, page: int = 1, error: str | None = None,
                 principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    products = institutions.list_products(session, principal)
    eligible = match = None
    if principal.can(FINANCE_PLEDGES):
        eligible = matching.eligible_patents(session, principal, product_id=product, page=page, page_size=10)
    elif principal.organisation_id is not None:
        match = matching.match_enterprise(session, principal, principal.organisation_id, valuations=False)
    try:
        cases = pledges.list_cases(session, principal, page_size=50)
    except PermissionDenied:
        cases = None
    may_apply = principal.organisation_id is not None and principal.can(ORGANISATIONS_EDIT_OWN)
    keepable = [i for i in institutions.list_institutions(session, principal)
                if principal.can(FINANCE_MANAGE) or (principal.can(FINANCE_PLEDGES)
                                                     and i["organisation_id"] == principal.organisation_id)]
    return render(request, "finance/index.html", products=products, eligible=eligible, match=match, cases=cases,
                  chosen_product=product, error=error, may_apply=may_apply, keepable=keepable,
                  kinds=institutions.PRODUCT_KINDS, grades=institutions.GRADES,
                  may_keep=principal.can(FINANCE_PLEDGES) or principal.can(FINANCE_MANAGE))


def _split(text) -> list[str]:
    return [part.strip() for part in str(text or "").replace("，", ",").split(",") if part.strip()]


@router.post("/finance/products")
async def create_product(request: Request, principal: Principal = Depends(page_principal),
                         session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    rules = {"min_grade": form.get("min_grade") or None, "patent_types": form.getlist("patent_types") or None,
             "provinces": _split(form.get("provinces")) or None,
             "min_remaining_years": form.get("min_remaining_years") or None}
    try:
        institutions.create_product(
            session, principal, form.get("institution_id"), form.get("name"), form.get("kind"),
            rate_min=form.get("rate_min") or None, rate_max=form.get("rate_max") or None,
            amount_min_yuan=form.get("amount_min_yuan") or None, amount_max_yuan=form.get("amount_max_yuan") or None,
            term_months_min=form.get("term_months_min") or None, term_months_max=form.get("term_months_max") or None,
            loan_to_value=form.get("loan_to_value") or None, description=form.get("description") or None,
            eligibility={k: v for k, v in rules.items() if v})
    except (InvalidInput, Conflict, NotFound) as error:
        session.rollback()
        return RedirectResponse(f"/finance?error={quote(error.message)}", 303)
    return RedirectResponse("/finance", 303)


@router.post("/finance/pledges")
async def apply_for_pledge(request: Request, principal: Principal = Depends(page_principal),
                           session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        pledges.apply(session, principal, form.get("product_id"), form.get("patent_ids"), form.get("amount_yuan"),
                      term_months=form.get("term_months") or None, note=form.get("note") or None)
    except (InvalidInput, Conflict, NotFound) as error:
        session.rollback()
        return RedirectResponse(f"/finance?error={quote(error.message)}", 303)
    return RedirectResponse("/finance", 303)


@router.post("/finance/pledges/{case_id}/register")
async def register_case(request: Request, case_id: int, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        pledges.register(session, principal, case_id, form.get("registered_on"), form.get("registration_number"))
    except (InvalidInput, Conflict, NotFound) as error:
        session.rollback()
        return RedirectResponse(f"/finance?error={quote(error.message)}", 303)
    return RedirectResponse("/finance", 303)
