"""§11 visual hub pages: the interactive graph explorer (/graph) and the chain / region dashboards
(/graph/dashboard). The explorer draws with ECharts and asks /api/graph/* for neighbours and paths as the user
clicks; the dashboard's figures are live queries (lingxi.graph.dashboard)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ORGANISATIONS_READ_ALL, PATENTS_READ, require
from lingxi.graph import dashboard as dashboards
from lingxi.graph.edges import CONFIDENTIAL_TYPES, NODE_TYPES
from lingxi.talent.queries import chain_titles, chains_available
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/graph")
def graph_home(request: Request, node: str | None = None, principal: Principal = Depends(page_principal)):
    require(principal, PATENTS_READ)
    types = [t for t in NODE_TYPES if principal.can(ORGANISATIONS_READ_ALL) or t not in CONFIDENTIAL_TYPES]
    return render(request, "graph/index.html", types=types, start=node or "")


@router.get("/graph/dashboard")
def graph_dashboard(request: Request, chain: str | None = None, region: str | None = None,
                    principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    chains = chains_available(session)
    if not chain and not region:
        chain = chains[0] if chains else None
    data = dashboards.dashboard(session, principal, chain=chain, region=region or None) if (chain or region) else None
    return render(request, "graph/dashboard.html", data=data, chains=chains, chain=chain, region=region or "",
                  chain_titles=chain_titles(session, request_language(request)),
                  data_json=json.dumps(data or {}, ensure_ascii=False))
