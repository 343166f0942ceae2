"""Patents: list and read records, search, and the collection's aggregate figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.patents import rewriting
from lingxi.patents import service as patents
from lingxi.web.api.schemas import ERROR_RESPONSES, Page
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["patents 专利"], responses=ERROR_RESPONSES)


class PatentSummary(BaseModel):
    id: int
    key: str
    publication_number: str | None
    title: str
    doc_type: str | None
    country: str | None
    application_date: dt.date | None
    publication_date: dt.date | None
    legal_status: str | None
    language: str | None


@router.get("/patents", response_model=Page[PatentSummary], summary="List patents, newest first")
def list_patents(q: str | None = Query(None, description="words that must occur in the title or abstract"),
                 doc_type: str | None = None, country: str | None = None, page: int = 1, page_size: int = 20,
                 principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return Page.of(patents.list_patents(session, principal, q=q, page=page, page_size=page_size,
                                        doc_type=doc_type, country=country))


@router.get("/patents/{identifier}", summary="One patent with parties, classifications, legal events and citations")
def get_patent(identifier: str, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    """`identifier`: internal id, or a publication / application number in any common format."""
    key = int(identifier) if identifier.isdigit() else identifier
    return patents.get_patent(session, principal, key)


@router.get("/stats", summary="Aggregate counts of the patent collection")
def stats(principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return patents.statistics(session, principal)


@router.post("/patents/{patent_id}/rewrite", summary="Rewrite the abstract (text-generation provider or extractive)")
def rewrite(patent_id: int, request: Request, principal: Principal = Depends(api_principal),
            session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return rewriting.rewrite_patent_abstract(session, principal, request.app.state.settings, patent_id).as_dict()


@router.post("/patents/{patent_id}/translate", summary="Translate title and abstract (needs a configured provider)")
def translate(patent_id: int, request: Request, target: str = "en", principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return rewriting.translate_patent(session, principal, request.app.state.settings, patent_id, target).as_dict()
