"""§5 supply–demand matching and licensee discovery (供需匹配) over the API: thin over lingxi.matching.service.

POST /api/match/demand                 {text | demand_id, top_k, holder_types, region} → ranked patents + explanations
GET  /api/demands/{id}/matches         the same for a stored demand (the demand's own confidentiality rules apply)
GET  /api/patents/{id}/licensees       ranked potential licensees (enterprises) of a patent
POST /api/match/feedback               {patent_id, verdict, demand_id | text} → stored verdict (201)
GET  /api/match/feedback               verdicts for a demand (demand_id) or the caller's own
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput
from lingxi.matching import service
from lingxi.matching.engine import MatchEngine
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["matching 匹配"], responses=ERROR_RESPONSES)


def match_engine(request: Request) -> MatchEngine:
    """A fresh engine per request over the app's one SearchService (indexes and model stay loaded)."""
    return MatchEngine(request.app.state.settings, request.app.state.db, request.app.state.search)


class MatchRequest(BaseModel):
    text: str | None = Field(None, description="an ad-hoc demand text (nothing is stored)")
    demand_id: int | None = Field(None, description="a stored demand instead of a text")
    top_k: int = Field(10, ge=1, le=200)
    holder_types: list[str] | None = Field(None, description="only holders of these types: university, institute, "
                                                             "soe, enterprise …")
    region: str | None = Field(None, description="only holders in this province or city")


class FeedbackRequest(BaseModel):
    patent_id: int
    verdict: Literal["interested", "not_relevant", "contacted"]
    demand_id: int | None = None
    text: str | None = Field(None, description="the ad-hoc text the match was made for (when no demand_id)")
    note: str | None = None


@router.post("/match/demand", summary="Rank patents for a demand text or a stored demand, with explanations")
def match_demand(body: MatchRequest, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function"),
                 engine: MatchEngine = Depends(match_engine)) -> dict[str, Any]:
    if (body.text is None or not body.text.strip()) == (body.demand_id is None):
        raise InvalidInput("give either text or demand_id", field="text")
    if body.demand_id is not None:
        result = service.match_demand(engine, session, principal, body.demand_id, body.top_k, body.holder_types,
                                      body.region)
    else:
        result = service.match_text(engine, session, principal, body.text, body.top_k, body.holder_types,
                                    body.region)
    return result.as_dict()


@router.get("/demands/{demand_id}/matches", summary="Ranked patents for a stored demand")
def demand_matches(demand_id: int, top_k: int = Query(10, ge=1, le=200),
                   holder_types: list[str] | None = Query(None), region: str | None = None,
                   principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function"),
                   engine: MatchEngine = Depends(match_engine)) -> dict[str, Any]:
    return service.match_demand(engine, session, principal, demand_id, top_k, holder_types, region).as_dict()


@router.get("/patents/{patent_id}/licensees", summary="Potential licensees of a patent (识别潜在许可实施对象)")
def patent_licensees(patent_id: int, top_k: int = Query(10, ge=1, le=100),
                     principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function"),
                     engine: MatchEngine = Depends(match_engine)) -> dict[str, Any]:
    return service.licensees(engine, session, principal, patent_id, top_k)


@router.post("/match/feedback", status_code=201, summary="Mark a match interested / not relevant / contacted")
def feedback(body: FeedbackRequest, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return service.give_feedback(session, principal, body.patent_id, body.verdict, body.demand_id, body.text,
                                 body.note)


@router.get("/match/feedback", summary="Verdicts given for a demand, or the caller's own")
def list_feedback(demand_id: int | None = None, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    from lingxi.matching.feedback import list_feedback as listing

    return listing(session, principal, demand_id)
