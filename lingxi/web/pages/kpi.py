"""§12 KPI dashboard (绩效目标): programmes, target vs actual with status colours and charts, drill-down, Excel.

Regulators and every member read the aggregates; operators (KPI_MANAGE) also open a figure down to its records,
add adjustments and load programmes. The rules live in lingxi.kpi; these pages only show what the services return.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.accounts.roles import KPI_MANAGE, STATS_READ, require
from lingxi.errors import Conflict, InvalidInput, NotFound
from lingxi.kpi import programmes, report
from lingxi.kpi.excel import report_workbook
from lingxi.kpi.programme_excel import programme_from_xlsx
from lingxi.market.deal_states import KINDS as DEAL_KINDS
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/kpi")
def kpi_home(request: Request, error: str | None = None, principal: Principal = Depends(page_principal),
             session: Session = Depends(db_session, scope="function")):
    require(principal, STATS_READ)
    if principal.can(KPI_MANAGE):
        programmes.install_templates(session, SYSTEM)  # the shipped templates are there from the first visit
    rows = programmes.list_programmes(session, principal)
    return render(request, "kpi/index.html", programmes=rows, error=error, may_manage=principal.can(KPI_MANAGE))


@router.post("/kpi/programmes")
async def kpi_upload(request: Request, principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    upload = form.get("file")
    text = str(form.get("yaml") or "")
    replace = form.get("replace") == "1"
    try:
        if upload is not None and getattr(upload, "filename", ""):
            content = await upload.read()
            if upload.filename.lower().endswith(".xlsx"):
                data = programme_from_xlsx(content, upload.filename)
            else:
                data = programmes.parse_programme(content.decode("utf-8", errors="replace"), upload.filename)
        else:
            data = programmes.parse_programme(text, "YAML")
        programme = programmes.create_programme(session, principal, data, replace=replace)
    except (InvalidInput, Conflict) as error:
        return RedirectResponse(f"/kpi?error={_q(error.message)}", 303)
    return RedirectResponse(f"/kpi/{programme.key}", 303)


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:300])


@router.get("/kpi/{key}.xlsx")
def kpi_export(key: str, year: int | None = None, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    result = report.programme_report(session, principal, key, year=year)
    return Response(report_workbook(result), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="kpi-{result["programme"]["key"]}.xlsx"'})


@router.get("/kpi/{key}")
def kpi_dashboard(request: Request, key: str, year: int | None = None, city: str | None = None,
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    result = report.programme_report(session, principal, key, year=year, city=city or None)
    charts = {item["key"]: {"years": [r["year"] for r in item["years"]],
                            "actual": [r["actual"] for r in item["years"]],
                            "target": [r["target"] if item["target_kind"] in ("yearly", "rate") else None
                                       for r in item["years"]],
                            "unit": item["unit"]} for item in result["indicators"]}
    programme = programmes.get_programme(session, principal, key)
    return render(request, "kpi/dashboard.html", report=result, charts_json=json.dumps(charts, ensure_ascii=False),
                  cities=report.cities_of(session, principal, key), city=city or "",
                  all_years=list(range(programme.start_year, programme.end_year + 1)),
                  may_manage=principal.can(KPI_MANAGE))


@router.get("/kpi/{key}/{indicator}/{year}")
def kpi_drilldown(request: Request, key: str, indicator: str, year: int, city: str | None = None,
                  error: str | None = None, principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    result = report.drilldown(session, principal, key, indicator, year, city=city or None)
    programme = programmes.get_programme(session, principal, key)
    adjustments = [{"delta": float(a.delta), "reason": a.reason, "author": a.author, "at": a.created_at}
                   for a in programmes.adjustments_of(session, programme)
                   if a.year == year and a.indicator_id == programmes.find_indicator(programme, indicator).id]
    return render(request, "kpi/drilldown.html", result=result, programme=programme, adjustments=adjustments,
                  error=error, may_manage=principal.can(KPI_MANAGE), kinds=DEAL_KINDS)


@router.post("/kpi/{key}/{indicator}/{year}/adjustments")
async def kpi_adjust(request: Request, key: str, indicator: str, year: int,
                     principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    back = f"/kpi/{key}/{indicator}/{year}"
    try:
        programmes.add_adjustment(session, principal, key, indicator, year, str(form.get("delta") or ""),
                                  str(form.get("reason") or ""))
    except (InvalidInput, NotFound) as error:
        return RedirectResponse(f"{back}?error={_q(error.message)}", 303)
    return RedirectResponse(back, 303)
