"""§7 patent pool pages: the list of pools and one pool with members, patents, licences and royalty statements.
Thin over lingxi.pools.service; statements show only what the viewer may read (own member line, or all for
operators)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import POOLS_MANAGE
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.pools import service
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


def _fail(session: Session, url: str, error) -> RedirectResponse:
    session.rollback()
    return RedirectResponse(f"{url}?error={quote(error.message)}", 303)


@router.get("/pools")
def pools_home(request: Request, error: str | None = None, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    return render(request, "pools/index.html", pools=service.list_pools(session, principal), error=error,
                  may_manage=principal.can(POOLS_MANAGE), rules=service.SPLIT_RULES, kinds=service.KINDS)


@router.post("/pools")
async def create_pool(request: Request, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        pool = service.create_pool(session, principal, form.get("name"), form.get("kind") or "pool",
                                   chain=form.get("chain") or None, description=form.get("description") or None,
                                   split_rule=form.get("split_rule") or "patent_count")
    except (InvalidInput, Conflict) as error:
        return _fail(session, "/pools", error)
    return RedirectResponse(f"/pools/{pool['id']}", 303)


@router.post("/pools/{pool_id}/members")
async def add_member(request: Request, pool_id: int, principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        service.add_member(session, principal, pool_id, form.get("organisation_id"), form.get("role") or "member",
                           fixed_share=form.get("fixed_share") or None)
    except (InvalidInput, NotFound, Conflict) as error:
        return _fail(session, f"/pools/{pool_id}", error)
    return RedirectResponse(f"/pools/{pool_id}", 303)


@router.post("/pools/{pool_id}/patents")
async def add_patent(request: Request, pool_id: int, principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        service.add_patent(session, principal, pool_id, form.get("member_id"), form.get("patent_id"),
                           essential=form.get("essential") == "1")
    except (InvalidInput, NotFound, Conflict) as error:
        return _fail(session, f"/pools/{pool_id}", error)
    return RedirectResponse(f"/pools/{pool_id}", 303)


@router.post("/pools/{pool_id}/patents/{patent_id}/essential")
async def mark_essential(request: Request, pool_id: int, patent_id: int,
                         principal: Principal = Depends(page_principal),
                         session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    try:
        service.mark_essential(session, principal, pool_id, patent_id, form.get("essential") == "1")
    except (InvalidInput, NotFound) as error:
        return _fail(session, f"/pools/{pool_id}", error)
    return RedirectResponse(f"/pools/{pool_id}", 303)


@router.get("/pools/{pool_id}")
def pool_page(request: Request, pool_id: int, start: str | None = None, end: str | None = None,
              error: str | None = None, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    pool = service.get_pool(session, principal, pool_id)
    try:
        statements = service.statements(session, principal, pool_id, start or None, end or None)
    except PermissionDenied:
        statements = None
    may_manage = principal.can(POOLS_MANAGE)
    candidates = {m["id"]: service.candidates(session, principal, pool_id, m["id"], limit=20)
                  for m in pool["members"]} if may_manage else {}
    return render(request, "pools/pool.html", pool=pool, statements=statements, error=error,
                  filters={"start": start, "end": end}, may_manage=may_manage, candidates=candidates)


@router.post("/pools/licences/{licence_id}/payments")
async def add_payment(request: Request, licence_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    pool_id = form.get("pool_id", "")
    try:
        service.record_payment(session, principal, licence_id, form.get("amount_yuan"), form.get("paid_on"),
                               form.get("note") or None)
    except (InvalidInput, NotFound) as error:
        session.rollback()
        return RedirectResponse(f"/pools/{pool_id}?error={quote(error.message)}", 303)
    return RedirectResponse(f"/pools/{pool_id}", 303)
