"""§10 talent pages: talent lists per chain (high-output and high-value, for talent introduction 人才引进) and one
talent's profile with patents, affiliations over time, fields, value and collaboration graph. Thin over lingxi.talent."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.talent import queries
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/talent")
def talent_home(request: Request, chain: str | None = None, name: str | None = None,
                principal: Principal = Depends(page_principal),
                session: Session = Depends(db_session, scope="function")):
    chain = chain or None
    output = queries.list_talents(session, principal, chain=chain, order="output", name=name, page_size=20)
    value = queries.list_talents(session, principal, chain=chain, order="value", name=name, page_size=20)
    return render(request, "talent/index.html", output=output, value=value, chain=chain, name_filter=name or "",
                  chains=queries.chains_available(session),
                  chain_titles=queries.chain_titles(session, request_language(request)))


@router.get("/talent/{talent_id}")
def talent_detail(request: Request, talent_id: int, principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    profile = queries.talent_profile(session, principal, talent_id)
    network = queries.collaboration_network(session, principal, talent_id)
    return render(request, "talent/detail.html", p=profile, network_json=json.dumps(network, ensure_ascii=False))
