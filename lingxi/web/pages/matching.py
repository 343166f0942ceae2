"""§5 supply–demand matching and licensee discovery (供需匹配): pages, thin over lingxi.matching.service.

/matching                              a form for an ad-hoc demand text, or ?demand_id=N; ranked patents with their
                                       explanations and feedback buttons (htmx posts carrying the session's CSRF token)
/matching/feedback                     POST: store a verdict; answers the button row (htmx) or redirects back
/matching/patents/{id}/licensees       the potential licensees of a patent
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import LingxiError
from lingxi.matching import service
from lingxi.matching.engine import MatchEngine
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
HOLDER_TYPES = ("university", "institute", "soe", "enterprise", "hospital", "individual")


def _engine(request: Request) -> MatchEngine:
    return MatchEngine(request.app.state.settings, request.app.state.db, request.app.state.search)


@router.get("/matching")
def matching_home(request: Request, text: str = "", demand_id: int | None = None, top_k: int = 10,
                  holder_type: list[str] | None = None, region: str = "",
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    from lingxi.accounts.roles import MATCH_RUN, require

    require(principal, MATCH_RUN)
    result, error = None, None
    holder_types = [value for value in holder_type or [] if value in HOLDER_TYPES]
    top_k = max(1, min(top_k, 50))
    try:
        if demand_id is not None:
            result = service.match_demand(_engine(request), session, principal, demand_id, top_k, holder_types,
                                          region or None)
        elif text.strip():
            result = service.match_text(_engine(request), session, principal, text, top_k, holder_types,
                                        region or None)
    except LingxiError as failure:
        if failure.code in ("permission_denied", "not_found"):
            raise
        error = failure.message
    return render(request, "matching/index.html", text=text, demand_id=demand_id, top_k=top_k,
                  holder_types=holder_types, region=region, all_holder_types=HOLDER_TYPES,
                  result=result.as_dict() if result is not None else None, error=error)


@router.post("/matching/feedback")
def matching_feedback(request: Request, patent_id: int = Form(...), verdict: str = Form(...),
                      demand_id: int | None = Form(None), text: str | None = Form(None),
                      principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    saved = service.give_feedback(session, principal, patent_id, verdict, demand_id, text)
    if request.headers.get("hx-request"):
        return render(request, "matching/_feedback.html", patent_id=patent_id, demand_id=demand_id, text=text,
                      saved=saved)
    target = f"/matching?demand_id={demand_id}" if demand_id is not None else "/matching"
    return RedirectResponse(target, status_code=303)


@router.get("/matching/patents/{patent_id}/licensees")
def patent_licensees(request: Request, patent_id: int, principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    answer = service.licensees(_engine(request), session, principal, patent_id, 20)
    return render(request, "matching/licensees.html", answer=answer)
