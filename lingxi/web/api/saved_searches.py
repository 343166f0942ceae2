"""Saved searches (已保存检索) over the API: list, save, read, change, delete and run; each is `saved:ID` for
navigation. Rules in lingxi.search.saved: one's own saved searches; operators and admins read and run everyone's."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.search import saved
from lingxi.web.api.schemas import ERROR_RESPONSES, Page
from lingxi.web.api.search import run_search, search_answer, search_service
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["saved searches 已保存检索"], responses=ERROR_RESPONSES)


class SavedSearchBody(BaseModel):
    name: str | None = Field(None, description="unique among the owner's saved searches", examples=["光伏电池检索"])
    query: str | None = Field(None, description="field query (keyword mode) or a sentence (semantic / hybrid)",
                              examples=["TI=(光伏 AND 电池) AND AD>=2018"])
    mode: Literal["keyword", "semantic", "hybrid"] | None = None
    filters: str | None = Field(None, description="a field query restricting any mode; \"\" clears it",
                                examples=["IPC=H01L"])
    sort: Literal["relevance", "date", "date_asc"] | None = None


class SavedSearchOut(BaseModel):
    id: int
    user_id: int
    owner: str | None = None
    name: str
    query: str
    mode: str
    filters: str | None
    sort: str
    scope: str = Field(description="the navigation scope of this saved search, `saved:ID`")
    created_at: str | None
    updated_at: str | None


@router.get("/saved-searches", response_model=Page[SavedSearchOut],
            summary="My saved searches, last changed first (operators: `all=true` for everyone's, or `user_id`)")
def list_saved(page: int = 1, page_size: int = 50, all: bool = False, user_id: int | None = None,
               principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    found = saved.list_saved_searches(session, principal, page, page_size, everyone=all, user_id=user_id)
    return Page.of(saved.page_as_dicts(session, found))


@router.post("/saved-searches", status_code=201, response_model=SavedSearchOut,
             summary="Save a search under a name (query, mode, filters, sort as the search takes them)")
def create_saved(body: SavedSearchBody, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    """A query that cannot be read answers 422 with `field` = `query` or `filters`; a name already used 409."""
    row = saved.create_saved_search(session, principal, saved.input_from(body.model_dump(exclude_unset=True)))
    return saved.one_as_dict(session, row)


@router.get("/saved-searches/{saved_id}", response_model=SavedSearchOut, summary="One saved search")
def get_saved(saved_id: int, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return saved.one_as_dict(session, saved.get_saved_search(session, principal, saved_id))


@router.patch("/saved-searches/{saved_id}", response_model=SavedSearchOut,
              summary="Rename or change a saved search (only the fields sent; the owner only)")
def update_saved(saved_id: int, body: SavedSearchBody, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    data = saved.input_from(body.model_dump(exclude_unset=True))
    return saved.one_as_dict(session, saved.update_saved_search(session, principal, saved_id, data))


@router.delete("/saved-searches/{saved_id}", status_code=204, response_class=Response,
               summary="Delete a saved search (the owner only)")
def delete_saved(saved_id: int, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> Response:
    saved.delete_saved_search(session, principal, saved_id)
    return Response(status_code=204)


@router.get("/saved-searches/{saved_id}/run", summary="Run a saved search: one page of its results")
def run_saved(saved_id: int, page: int = 1, page_size: int = 20, facets: bool = True,
              principal: Principal = Depends(api_principal), service=Depends(search_service),
              session: Session = Depends(db_session, scope="function")) -> Any:
    """Answers as `GET /api/search` does (`items`, `total`, `facets`, …) plus `saved_search`. A stored query the
    search can no longer read answers 422 as the search would."""
    row = saved.get_saved_search(session, principal, saved_id)
    request = saved.search_request(row, page, page_size, facets=facets)
    response, error = run_search(service, principal, request, session)
    if error is not None:
        return JSONResponse(error, 422)
    return search_answer(response, saved_search=saved.one_as_dict(session, row))
