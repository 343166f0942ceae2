"""The dashboard, patent search and detail pages, and the pages of areas not built yet."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ORGANISATIONS_EDIT_OWN, PATENTS_IMPORT
from lingxi.db.models import ImportJob, Organisation, Patent
from lingxi.demo.catalogue import DEMO_PROVINCE
from lingxi.patents import rewriting
from lingxi.patents import service as patents
from lingxi.patents.import_jobs import list_import_jobs
from lingxi.search.service import SearchRequest
from lingxi.tagging import service as tagging
from lingxi.web.api.search import run_search
from lingxi.web.areas import AREA_BY_KEY
from lingxi.web.deps import db_session, page_principal
from lingxi.web.i18n import translate
from lingxi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    stats = patents.statistics(session, principal)
    language = request_language(request)
    charts = {
        "year": _series({k: v for k, v in stats["by_year"].items() if k != "unknown"}),
        "type": _series(stats["by_doc_type"], "doctype", language),
        "applicant_type": _series(stats["by_applicant_type"], "ptype", language),
        "region": _series(dict(list(stats["by_province"].items())[:12])),
    }
    granted = session.scalar(select(func.count(Patent.id)).where(Patent.grant_date.is_not(None))) or 0
    my_organisation = None
    if principal.organisation_id and principal.can(ORGANISATIONS_EDIT_OWN):
        my_organisation = session.get(Organisation, principal.organisation_id)
    recent = list_import_jobs(session, principal, page_size=8).items if principal.can(PATENTS_IMPORT) else None
    demo = session.scalar(select(func.count(ImportJob.id)).where(ImportJob.source == "demo")) > 0
    return render(request, "dashboard.html", stats=stats, charts=charts, granted=granted,
                  organisations=session.scalar(select(func.count(Organisation.id))) or 0,
                  my_organisation=my_organisation, recent_imports=recent, demo=demo, demo_province=DEMO_PROVINCE)


def _series(counts: dict, label_prefix: str | None = None, language: str = "zh") -> dict:
    """Chart data: category names (translated when they are codes such as doc types) and values."""
    names = [translate(f"{label_prefix}.{name}", language) if label_prefix else str(name) for name in counts]
    return {"names": names, "values": list(counts.values())}


# facet → the query-language field that selects one of its values
FACET_FIELDS = {"doc_type": "KIND", "applicant_type": "APT", "region": "REGION", "legal_status": "LS",
                "country": "CO", "ipc_subclass": "IPC", "year": "AD"}


@router.get("/patents")
def patent_search(request: Request, q: str = "", mode: str = "keyword", filters: str = "", sort: str = "relevance",
                  page: int = 1, saved: int | None = None, save_name: str = "", save_error: str = "",
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    search = SearchRequest(query=q, mode=mode, filters=filters or None, sort=sort, page=page, page_size=20,
                           facet_size=10)
    if mode == "keyword" and not q and not filters:
        search.sort = "date"  # an empty search lists the newest patents
    response, error = run_search(request.app.state.search, principal, search, session)
    return render(request, "patents/search.html", q=q, mode=mode, filters=filters, sort=sort, response=response,
                  error=error["error"] if error else None, facet_fields=FACET_FIELDS,
                  saved_search=_saved_search(session, principal, saved), save_name=save_name,
                  save_error=save_error,
                  pages=max(1, -(-response.total // 20)) if response else 1)


def _saved_search(session: Session, principal: Principal, saved_id: int | None) -> dict | None:
    """The saved search a run came from (`?saved=ID`), for the banner above the results; none if not readable."""
    from lingxi.errors import LingxiError
    from lingxi.search import saved

    if saved_id is None:
        return None
    try:
        return saved.as_dict(saved.get_saved_search(session, principal, saved_id))
    except LingxiError:
        return None


@router.get("/patents/{identifier}")
# Answered on the event loop like the search API (lingxi/web/api/search.py): eight prebuilt reads and a template,
# cheaper than a hand-over to a request thread under load (p95 55–77 → 30–42 ms, wrk, 16 connections, 2 workers)
async def patent_page(request: Request, identifier: str, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    key = int(identifier) if identifier.isdigit() else identifier
    patent = patents.get_patent(session, principal, key)
    return render(request, "patents/detail.html", p=patent,
                  tagging=tagging.tags_for_patent(session, principal, patent["id"]))


@router.post("/patents/{patent_id}/generate")
def patent_generate(request: Request, patent_id: int, task: str = Form(...), target: str = Form("en"),
                    principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    """The htmx fragment with a rewritten abstract or a translation, or the reason there is none."""
    settings = request.app.state.settings
    if task == "translate":
        result = rewriting.translate_patent(session, principal, settings, patent_id, target)
    else:
        result = rewriting.rewrite_patent_abstract(session, principal, settings, patent_id)
    return render(request, "patents/_generated.html", result=result, task=task)


@router.get("/areas/{key}")
def area_page(request: Request, key: str, principal: Principal = Depends(page_principal)):
    area = AREA_BY_KEY.get(key)
    if area is None:
        raise HTTPException(404, f"no area {key!r}")
    if area.live:  # an old bookmark of a planned area leads to the area itself once it is built
        return RedirectResponse(area.url, status_code=302)
    return render(request, "area.html", area=area)
