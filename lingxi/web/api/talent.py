"""§10 talent–patent database over the API: lists (overall or per chain), profiles, collaboration networks, rebuild.

Thin over lingxi.talent; the permissions are the services' (reading: every role that reads patents; rebuilding:
operators).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.talent import queries
from lingxi.talent.build import build_talents
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/talent", tags=["talent 人才专利库"], responses=ERROR_RESPONSES)
Actor = Depends(api_principal)
Db = Depends(db_session, scope="function")


@router.get("", summary="Talents, most productive or most valuable first; per chain with ?chain=chain_ev[:node]")
def list_talents(chain: str | None = None, order: str = "output", name: str | None = None,
                 province: str | None = None, page: int = 1, page_size: int = 20,
                 principal: Principal = Actor, session: Session = Db) -> dict:
    return queries.list_talents(session, principal, chain=chain, order=order, name=name, province=province,
                                page=page, page_size=page_size)


@router.post("/build", summary="Rebuild the talents from every inventor mention (operators; talent ids change)")
def build(request: Request, principal: Principal = Actor) -> dict:
    return build_talents(request.app.state.db, principal)


@router.get("/{talent_id}", summary="One talent: patents, affiliations by year, fields, value, collaborators")
def get_talent(talent_id: int, principal: Principal = Actor, session: Session = Db) -> dict:
    return queries.talent_profile(session, principal, talent_id)


@router.get("/{talent_id}/network", summary="The talent's collaboration network (co-inventor talents, weighted)")
def network(talent_id: int, limit: int = 40, principal: Principal = Actor, session: Session = Db) -> dict:
    return queries.collaboration_network(session, principal, talent_id, limit=min(max(limit, 1), 200))
