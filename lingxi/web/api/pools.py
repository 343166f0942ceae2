"""§7 patent pools over the API: pools, members, patents (essential marking), licences, royalty payments, statements.

Thin over lingxi.pools.service. Operators build pools; every member role reads them; royalty statements are for the
pool's member organisations (their own line) and operators. Money travels as text.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.pools import service
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/pools", tags=["pools 专利池与产业联盟"], responses=ERROR_RESPONSES)
Money = str | int | float
Rule = Literal["patent_count", "essential_weight", "fixed_shares"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoolIn(_Strict):
    name: str
    kind: Literal["pool", "alliance"] = "pool"
    chain: str | None = None
    description: str | None = None
    split_rule: Rule = "patent_count"
    essential_weight: Money = "2"
    non_essential_weight: Money = "1"


class RuleIn(_Strict):
    split_rule: Rule
    essential_weight: Money | None = None
    non_essential_weight: Money | None = None


class MemberIn(_Strict):
    organisation_id: int
    role: Literal["founder", "member"] = "member"
    fixed_share: Money | None = None
    joined_on: str | None = None


class ShareIn(_Strict):
    fixed_share: Money | None


class PatentIn(_Strict):
    member_id: int
    patent_id: int
    essential: bool = False
    note: str | None = None


class EssentialIn(_Strict):
    essential: bool
    note: str | None = None


class LicenceIn(_Strict):
    kind: Literal["cross", "package"]
    signed_on: str
    licensee: str | None = None
    licensee_organisation_id: int | None = None
    member_ids: list[int] | None = None
    scope: str | None = None
    upfront_fee_yuan: Money = "0"
    royalty_rate: Money | None = None
    ends_on: str | None = None


class PaymentIn(_Strict):
    amount_yuan: Money
    paid_on: str
    note: str | None = None


Actor = Depends(api_principal)
Db = Depends(db_session, scope="function")


@router.get("", summary="Pools and alliances with member and patent counts")
def list_pools(principal: Principal = Actor, session: Session = Db) -> list[dict]:
    return service.list_pools(session, principal)


@router.post("", status_code=201, summary="Create a pool (operators)")
def create_pool(body: PoolIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.create_pool(session, principal, **body.model_dump())


@router.get("/{pool_id}", summary="One pool: members, patents with essential marks and grades, licences")
def get_pool(pool_id: int, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.get_pool(session, principal, pool_id)


@router.put("/{pool_id}/rule", summary="Royalty split rule for payments recorded from now on")
def set_rule(pool_id: int, body: RuleIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.set_rule(session, principal, pool_id, **body.model_dump())


@router.post("/{pool_id}/members", status_code=201, summary="Add a member organisation")
def add_member(pool_id: int, body: MemberIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.add_member(session, principal, pool_id, **body.model_dump())


@router.put("/{pool_id}/members/{member_id}/share", summary="A member's fixed share (rule fixed_shares)")
def set_share(pool_id: int, member_id: int, body: ShareIn, principal: Principal = Actor,
              session: Session = Db) -> dict:
    return service.set_member_share(session, principal, pool_id, member_id, body.fixed_share)


@router.post("/{pool_id}/patents", status_code=201, summary="Add a graded patent of a member")
def add_patent(pool_id: int, body: PatentIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.add_patent(session, principal, pool_id, **body.model_dump())


@router.get("/{pool_id}/candidates", summary="A member's graded patents not yet in the pool, best first")
def candidates(pool_id: int, member_id: int, limit: int = 50, principal: Principal = Actor,
               session: Session = Db) -> list[dict]:
    return service.candidates(session, principal, pool_id, member_id, limit)


@router.put("/{pool_id}/patents/{patent_id}/essential", summary="Mark a pool patent essential or not")
def mark(pool_id: int, patent_id: int, body: EssentialIn, principal: Principal = Actor,
         session: Session = Db) -> dict:
    return service.mark_essential(session, principal, pool_id, patent_id, body.essential, body.note)


@router.post("/{pool_id}/licences", status_code=201, summary="A cross-licence among members or a package licence")
def add_licence(pool_id: int, body: LicenceIn, principal: Principal = Actor, session: Session = Db) -> dict:
    data = body.model_dump()
    return service.add_licence(session, principal, pool_id, data.pop("kind"), data.pop("signed_on"), **data)


@router.post("/licences/{licence_id}/payments", status_code=201, summary="A royalty payment, split at once")
def add_payment(licence_id: int, body: PaymentIn, principal: Principal = Actor, session: Session = Db) -> dict:
    return service.record_payment(session, principal, licence_id, body.amount_yuan, body.paid_on, body.note)


@router.get("/{pool_id}/statements", summary="Royalty statements per member for a period (own line for members)")
def statements(pool_id: int, start: str | None = None, end: str | None = None, principal: Principal = Actor,
               session: Session = Db) -> dict:
    return service.statements(session, principal, pool_id, start, end)
