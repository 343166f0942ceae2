"""§3 patent value over the API: a patent's indicators and scores, and the weight profiles (权重方案)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput
from lingxi.value import service as value
from lingxi.web.deps import api_principal, db_session

router = APIRouter()  # included by lingxi.web.api.value under /api

_PROFILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@router.get("/patents/{patent_id}/value", summary="A patent's value indicators and scenario scores with breakdown")
def patent_value(patent_id: int, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return value.patent_value(session, principal, patent_id)


@router.get("/value/profiles", summary="Weight profiles (latest version of each, or every version with all=true)")
def list_profiles(all: bool = False, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return value.list_profiles(session, principal, all)


@router.get("/value/profiles/{name}", summary="One weight profile (latest version unless `version` is given)")
def get_profile(name: str, version: int | None = None, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return value.get_profile(session, principal, name, version)


@router.get("/value/profiles/{name}/export.yaml", response_class=Response, summary="A weight profile as YAML")
def export_profile(name: str, version: int | None = None, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")):
    return Response(value.get_profile(session, principal, name, version)["yaml"],
                    media_type="application/yaml; charset=utf-8")


@router.post("/value/profiles", status_code=201, openapi_extra=_PROFILE_BODY,
             summary="Save a weight profile (YAML or JSON body) as the next version of its name; needs value.configure")
async def save_profile(request: Request, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the body must be UTF-8 YAML or JSON", "body") from None
    if "json" in (request.headers.get("content-type") or ""):
        try:
            body: str | dict = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                               "body") from None
        if not isinstance(body, dict):
            raise InvalidInput("a profile must be a JSON object", "body")
    else:
        body = text
    return value.save_profile(session, principal, body)


@router.post("/value/compute", summary="Recompute indicators and scores now (after a profile edit); needs "
             "value.configure. Answers the job summary with patents/s")
def compute(request: Request, scenario: list[str] | None = Query(None),
            principal: Principal = Depends(api_principal)) -> dict[str, Any]:
    return value.recompute(request.app.state.db, principal, scenario)
