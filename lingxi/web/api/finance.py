"""§8 IP finance over the API: institutions and products, pledge-eligible patents, enterprise matching, pledge cases.

Thin over lingxi.finance. Money and rates travel as text ("1000000.00", "0.0345") so no client rounds them; numbers
are accepted too. Permissions are the services': products for every member role, eligible lists for financiers and
operators, pledge cases for the pledgee institution, the pledgor enterprise and operators.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.finance import institutions, matching, pledges
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/finance", tags=["finance 知识产权金融"], responses=ERROR_RESPONSES)
Money = str | int | float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstitutionIn(_Strict):
    name: str
    kind: Literal["bank", "insurer", "guarantor", "fund", "securities"]
    organisation_id: int | None = None
    province: str | None = None
    city: str | None = None
    contact: str | None = None
    note: str | None = None


class ProductIn(_Strict):
    institution_id: int
    name: str
    kind: Literal["pledge_loan", "insurance", "securitisation", "guarantee"]
    rate_min: Money | None = None
    rate_max: Money | None = None
    amount_min_yuan: Money | None = None
    amount_max_yuan: Money | None = None
    term_months_min: int | None = None
    term_months_max: int | None = None
    loan_to_value: Money | None = None
    eligibility: dict | None = None
    description: str | None = None


class ActiveIn(_Strict):
    active: bool


class CaseIn(_Strict):
    product_id: int
    patent_ids: list[int]
    amount_yuan: Money
    term_months: int | None = None
    pledgor_organisation_id: int | None = None
    pledgor: str | None = None
    applied_on: str | None = None
    note: str | None = None


class RegisterIn(_Strict):
    registered_on: str
    registration_number: str


class ReleaseIn(_Strict):
    released_on: str


class RejectIn(_Strict):
    note: str | None = None


Actor = Depends(api_principal)
Db = Depends(db_session, scope="function")


@router.get("/institutions", summary="Financial institutions (科创银行机构库)")
def list_institutions(principal: Principal = Actor, session: Session = Db) -> list[dict]:
    return institutions.list_institutions(session, principal)


@router.post("/institutions", status_code=201, summary="Add an institution (operators)")
def create_institution(body: InstitutionIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return institutions.create_institution(session, principal, **body.model_dump())


@router.get("/products", summary="Finance products: pledge loans, insurance, securitisation, guarantees")
def list_products(kind: str | None = None, institution_id: int | None = None, include_inactive: bool = False,
                  principal: Principal = Actor, session: Session = Db) -> list[dict]:
    return institutions.list_products(session, principal, kind=kind, institution_id=institution_id,
                                      active_only=not include_inactive)


@router.get("/products/{product_id}", summary="One product with its eligibility rules")
def get_product(product_id: int, principal: Principal = Actor, session: Session = Db) -> dict:
    return institutions.get_product(session, principal, product_id)


@router.post("/products", status_code=201, summary="Add a product (operators; financiers for their institution)")
def create_product(body: ProductIn, principal: Principal = Actor, session: Session = Db) -> dict:
    data = body.model_dump()
    return institutions.create_product(session, principal, data.pop("institution_id"), data.pop("name"),
                                       data.pop("kind"), **data)


@router.put("/products/{product_id}/active", summary="Offer or withdraw a product")
def set_active(product_id: int, body: ActiveIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return institutions.set_product_active(session, principal, product_id, body.active)


@router.get("/eligible", summary="Pledge-eligible patents with valuation ranges (financiers, operators)")
def eligible(product_id: int | None = None, min_grade: str = "B", holder: str | None = None, page: int = 1,
             page_size: int = 20, principal: Principal = Actor, session: Session = Db) -> dict:
    return matching.eligible_patents(session, principal, product_id=product_id, min_grade=min_grade, holder=holder,
                                     page=page, page_size=page_size)


@router.get("/match/{organisation_id}", summary="An enterprise's patents against every product, with reasons")
def match(organisation_id: int, principal: Principal = Actor, session: Session = Db) -> dict:
    return matching.match_enterprise(session, principal, organisation_id)


@router.get("/pledges", summary="Pledge cases the caller may see")
def list_cases(status: str | None = None, page: int = 1, page_size: int = 20, principal: Principal = Actor,
               session: Session = Db) -> dict:
    return pledges.list_cases(session, principal, status=status, page=page, page_size=page_size)


@router.post("/pledges", status_code=201, summary="Open a pledge case (applied); the patents must qualify")
def apply(body: CaseIn, principal: Principal = Actor, session: Session = Db) -> dict:
    data = body.model_dump()
    return pledges.apply(session, principal, data.pop("product_id"), data.pop("patent_ids"), data.pop("amount_yuan"),
                         **data)


@router.get("/pledges/{case_id}", summary="One pledge case with its registered pledge records")
def get_case(case_id: int, principal: Principal = Actor, session: Session = Db) -> dict:
    return pledges.get_case(session, principal, case_id)


@router.post("/pledges/{case_id}/register", summary="Registered at CNIPA: writes the pledge records")
def register(case_id: int, body: RegisterIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return pledges.register(session, principal, case_id, body.registered_on, body.registration_number)


@router.post("/pledges/{case_id}/release", summary="Pledge released")
def release(case_id: int, body: ReleaseIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return pledges.release(session, principal, case_id, body.released_on)


@router.post("/pledges/{case_id}/reject", summary="Application rejected")
def reject(case_id: int, body: RejectIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return pledges.reject(session, principal, case_id, body.note)
