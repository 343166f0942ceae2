"""§11 knowledge graph over the API: neighbourhoods, shortest paths, chain / region dashboards.

Thin over lingxi.graph. Node ids are "TYPE:KEY" (patent:12, org:5, person:7, taxon:chain_ev:battery, demand:3,
deal:4, pledge:2, product:1); demands, deals and pledges are only visible to roles that read every organisation's file.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.graph import dashboard as dashboards
from lingxi.graph import explore
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/graph", tags=["graph 知识图谱"], responses=ERROR_RESPONSES)
Actor = Depends(api_principal)
Db = Depends(db_session, scope="function")


def _split(values: list[str] | None) -> list[str] | None:
    parts = [p.strip() for v in values or [] for p in v.split(",") if p.strip()]
    return parts or None


@router.get("/neighbours", summary="A node's neighbours (filter by node types / edge kinds) with the edges")
def neighbours(node: str, types: list[str] | None = Query(None), kinds: list[str] | None = Query(None),
               limit: int = 50, principal: Principal = Actor, session: Session = Db) -> dict:
    return explore.neighbours(session, principal, node, types=_split(types), kinds=_split(kinds), limit=limit)


@router.get("/path", summary="Shortest path between two nodes (bidirectional search, up to max_depth edges)")
def path(source: str, target: str, max_depth: int = 4, via: list[str] | None = Query(None),
         principal: Principal = Actor, session: Session = Db) -> dict:
    return explore.shortest_path(session, principal, source, target, max_depth=max_depth, via=_split(via))


@router.get("/dashboard", summary="Live counts for a chain (?chain=chain_ev[:node]) or a region (?region=省[/市])")
def dashboard(chain: str | None = None, region: str | None = None, principal: Principal = Actor,
              session: Session = Db) -> dict:
    return dashboards.dashboard(session, principal, chain=chain, region=region)


@router.get("/search", summary="Find nodes to start from: organisations, talents and patents by name or number")
def search(q: str, limit: int = 10, principal: Principal = Actor, session: Session = Db) -> list[dict]:
    return explore.find_nodes(session, principal, q, limit=min(max(limit, 1), 50))
