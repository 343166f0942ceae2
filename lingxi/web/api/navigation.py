"""§9 Patent navigation over the API: analyses of a scope, stored reports (GB/T 39551 types), regeneration and
downloads in HTML, PDF and Word. Thin over lingxi.navigation.service; patents.read is checked there."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.navigation import service
from lingxi.navigation.outputs import FORMATS, file_name, render
from lingxi.navigation.scope import SCOPE_HELP
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/navigation", tags=["navigation 专利导航"], responses=ERROR_RESPONSES)


def _search(request: Request, scope: str):
    return getattr(request.app.state, "search", None) if scope.strip().startswith(("query:", "saved:")) else None


class ReportBody(BaseModel):
    type: str = Field(description="regional | industry | enterprise | rd | talent")
    scope: str = Field(description=SCOPE_HELP)
    settings: dict[str, Any] = Field(default_factory=dict,
                                     description="benchmark, taxonomy, value_scenario, as_of, top, title")


@router.get("/analyses", summary="Navigation analyses of a scope (trends, life cycle, applicants, matrix, …)")
def analyses(request: Request, scope: str = Query(description=SCOPE_HELP),
             sections: str | None = Query(None, description="comma-separated; default all"),
             benchmark: str = "all", taxonomy: str | None = None, value_scenario: str = "licensing",
             principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    wanted = tuple(s.strip() for s in sections.split(",") if s.strip()) if sections else None
    return service.analyse(session, principal, scope, wanted,
                           {"benchmark": benchmark, "taxonomy": taxonomy, "value_scenario": value_scenario},
                           _search(request, scope))


@router.get("/reports", summary="Stored navigation reports, newest first")
def list_reports(page: int = 1, page_size: int = 20, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    found = service.list_reports(session, principal, page, page_size)
    return {"items": found.items, "total": found.total, "page": found.page, "page_size": found.page_size}


@router.post("/reports", status_code=201, summary="Build and store a report (scope, data version and settings)")
def create_report(request: Request, body: ReportBody, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = service.create_report(session, principal, body.type, body.scope, body.settings,
                                _search(request, body.scope))
    return service.report_summary(row)


@router.get("/reports/{report_id}", summary="A report's record and its figures")
def get_report(report_id: int, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = service.get_report(session, principal, report_id)
    return {**service.report_summary(row), "analyses": row.analyses}


@router.post("/reports/{report_id}/regenerate", status_code=201,
             summary="Rerun a report from its recorded scope and settings; says whether the figures are identical")
def regenerate(request: Request, report_id: int, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = service.get_report(session, principal, report_id)
    return service.regenerate(session, principal, report_id, _search(request, row.scope))


@router.get("/reports/{report_id}/download", summary="The report as html (standalone), pdf or docx")
def download(report_id: int, format: str = Query("html", description=", ".join(FORMATS)), lang: str = "zh",
             principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> Response:
    row = service.get_report(session, principal, report_id)
    content = render(row, format, lang)
    return Response(content, media_type=FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="{file_name(row, format)}"'})
