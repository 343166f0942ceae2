"""§9 Patent navigation pages: choose a report type and a scope, read the interactive report, download PDF / Word.
Thin over lingxi.navigation.service (permission checks there) and lingxi.navigation.outputs."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput, NotFound
from lingxi.navigation import service
from lingxi.navigation.outputs import FORMATS, file_name, render
from lingxi.navigation.report_types import TYPES
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
SCOPE_EXAMPLES = ("chain:chain_pv", "node:chain_pv:pv.cell", "region:青峦", "org:青峦理工大学",
                  "query:TI=(电池)", "import:1", "saved:1", "all")


@router.get("/navigation")
def navigation_home(request: Request, error: str | None = None, page: int = 1, scope: str = "",
                    principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    reports = service.list_reports(session, principal, page, 20)
    return render_page(request, "navigation/index.html", reports=reports, types=list(TYPES.values()),
                       examples=SCOPE_EXAMPLES, error=error, scope=scope)


@router.post("/navigation/reports")
async def navigation_create(request: Request, principal: Principal = Depends(page_principal),
                            session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    scope = str(form.get("scope") or "").strip()
    settings = {"benchmark": str(form.get("benchmark") or "all").strip() or "all"}
    if form.get("title"):
        settings["title"] = str(form.get("title"))
    search = getattr(request.app.state, "search", None) if scope.startswith(("query:", "saved:")) else None
    try:
        row = service.create_report(session, principal, str(form.get("type") or ""), scope, settings, search)
    except (InvalidInput, NotFound) as error:
        return RedirectResponse(f"/navigation?error={quote(error.message[:300])}", 303)
    return RedirectResponse(f"/navigation/reports/{row.id}", 303)


@router.get("/navigation/reports/{report_id:int}")
def navigation_report(request: Request, report_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    row = service.get_report(session, principal, report_id)
    return render_page(request, "navigation/report.html", report=service.report_summary(row))


@router.get("/navigation/reports/{report_id}/view")
def navigation_view(report_id: int, lang: str = "zh", principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    row = service.get_report(session, principal, report_id)
    return Response(render(row, "html", lang, standalone=False), media_type=FORMATS["html"])


@router.post("/navigation/reports/{report_id}/regenerate")
async def navigation_regenerate(request: Request, report_id: int, principal: Principal = Depends(page_principal),
                                session: Session = Depends(db_session, scope="function")):
    row = service.get_report(session, principal, report_id)
    search = getattr(request.app.state, "search", None) if row.scope.startswith(("query:", "saved:")) else None
    result = service.regenerate(session, principal, report_id, search)
    return RedirectResponse(f"/navigation/reports/{result['report']['id']}", 303)


@router.get("/navigation/reports/{report_id:int}.{fmt}")
def navigation_download(report_id: int, fmt: str, lang: str = "zh", principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    row = service.get_report(session, principal, report_id)
    return Response(render(row, fmt, lang), media_type=FORMATS.get(fmt, "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{file_name(row, fmt)}"'})
