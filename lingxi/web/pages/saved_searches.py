"""Saved searches (已保存检索) in the browser: save from the search page, list mine, run, rename, delete, and open
a navigation analysis of one (`saved:ID`). Thin over lingxi.search.saved, where the permission checks are."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import Conflict, InvalidInput
from lingxi.search import saved
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/saved-searches")
def saved_list(request: Request, page: int = 1, all: bool = False, error: str | None = None,
               created: int | None = None,
               principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    everyone = all and saved.sees_all(principal)
    found = saved.page_as_dicts(session, saved.list_saved_searches(session, principal, page, 50, everyone=everyone))
    return render(request, "patents/saved.html", saved=found, everyone=everyone,
                  sees_all=saved.sees_all(principal), error=error, created=created,
                  links={row["id"]: _run_link(row) for row in found.items})


def _run_link(row: dict) -> str:
    return "/patents?" + urlencode({"q": row["query"], "mode": row["mode"], "filters": row["filters"] or "",
                                    "sort": row["sort"], "saved": row["id"]})


@router.post("/saved-searches")
def saved_create(name: str = Form(""), q: str = Form(""), mode: str = Form("keyword"), filters: str = Form(""),
                 sort: str = Form("relevance"), principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    data = saved.SavedSearchInput(name=name, query=q, mode=mode, filters=filters, sort=sort)
    try:
        with session.begin_nested():
            row = saved.create_saved_search(session, principal, data)
    except (InvalidInput, Conflict) as error:
        # back to the search as it was, with the reason: the query and the chosen name are not lost
        back = {"q": q, "mode": mode, "filters": filters, "sort": sort, "save_name": name,
                "save_error": error.message[:300]}
        return RedirectResponse("/patents?" + urlencode(back), 303)
    return RedirectResponse(f"/saved-searches?{urlencode({'created': row.id})}", 303)


@router.get("/saved-searches/{saved_id:int}/run")
def saved_run(saved_id: int, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    row = saved.get_saved_search(session, principal, saved_id)
    return RedirectResponse(saved.search_link(row), 303)


@router.post("/saved-searches/{saved_id:int}/rename")
def saved_rename(saved_id: int, name: str = Form(""), principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    try:
        with session.begin_nested():
            saved.rename_saved_search(session, principal, saved_id, name)
    except (InvalidInput, Conflict) as error:
        return RedirectResponse(f"/saved-searches?{urlencode({'error': error.message[:300]})}", 303)
    return RedirectResponse("/saved-searches", 303)


@router.post("/saved-searches/{saved_id:int}/delete")
def saved_delete(saved_id: int, principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    saved.delete_saved_search(session, principal, saved_id)
    return RedirectResponse("/saved-searches", 303)
