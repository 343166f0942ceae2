"""§2 deep indexing over the API: taxonomies, classification of free text, a patent's tags, review."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.tagging import service as tagging
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["tagging 标引"], responses=ERROR_RESPONSES)


class ClassifyRequest(BaseModel):
    taxonomy: str
    text: str


class Review(BaseModel):
    action: Literal["accept", "reject", "correct"]
    node: str | None = None


@router.get("/taxonomies", summary="Taxonomies and their versions")
def list_taxonomies(principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return tagging.list_taxonomies(session, principal)


@router.get("/taxonomies/{name}", summary="One taxonomy (latest version unless `version` is given)")
def get_taxonomy(name: str, version: int | None = None, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return tagging.get_taxonomy(session, principal, name, version)


@router.post("/taxonomies", status_code=201, summary="Save a taxonomy from YAML as its next version")
def save_taxonomy(yaml_text: str = Body(..., media_type="application/yaml"),
                  principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return tagging.save_taxonomy(session, principal, yaml_text)


@router.get("/taxonomies/{name}/export.yaml", response_class=Response, summary="A taxonomy as YAML")
def export_taxonomy(name: str, version: int | None = None, principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")):
    return Response(tagging.get_taxonomy(session, principal, name, version)["yaml"],
                    media_type="application/yaml; charset=utf-8")


@router.post("/classify", summary="Classify free text (a demand, a description) into a taxonomy")
def classify(body: ClassifyRequest, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return tagging.classify(session, principal, body.taxonomy, body.text)


@router.get("/patents/{patent_id}/tags", summary="A patent's tags by taxonomy, with evidence, and its annotations")
def patent_tags(patent_id: int, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return tagging.tags_for_patent(session, principal, patent_id)


@router.get("/tags/review-queue", summary="Machine tags awaiting review, most uncertain first")
def review_queue(taxonomy: str, page: int = 1, page_size: int = 50, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return tagging.review_queue(session, principal, taxonomy, page, page_size)


@router.post("/tags/{tag_id}/review", summary="Accept, reject or correct a tag")
def review(tag_id: int, body: Review, principal: Principal = Depends(api_principal),
           session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return tagging.review_tag(session, principal, tag_id, body.action, body.node)
