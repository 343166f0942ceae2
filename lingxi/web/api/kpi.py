"""§12 programme KPIs over the API: programmes, the report (target vs actual), drill-down, Excel, adjustments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput
from lingxi.kpi import programmes, report
from lingxi.kpi.excel import report_workbook
from lingxi.kpi.programme_excel import programme_from_xlsx
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/kpi", tags=["kpi 绩效目标"], responses=ERROR_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AdjustmentBody(BaseModel):
    indicator: str
    year: int
    delta: float | str
    reason: str


class FlagBody(BaseModel):
    patent_id: int
    flag: str = "declassified_defence"
    since: dt.date | None = None
    note: str | None = None


@router.get("/programmes", summary="Programmes (专项计划) with region, years and number of indicators")
def list_programmes(principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return programmes.list_programmes(session, principal)


@router.post("/programmes", status_code=201,
             summary="Create a programme from YAML (text/yaml body) or Excel (.xlsx body); `replace=true` to replace")
async def create_programme(request: Request, replace: bool = False, principal: Principal = Depends(api_principal),
                           session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    body = await request.body()
    if request.headers.get("content-type", "").startswith(XLSX) or body[:2] == b"PK":
        data = programme_from_xlsx(body, "request body")
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the programme must be UTF-8 YAML or an .xlsx workbook") from None
        data = programmes.parse_programme(text, "request body")
    return programmes.programme_summary(programmes.create_programme(session, principal, data, replace=replace))


@router.get("/programmes/{key}", summary="Target vs actual of every indicator per year, with status")
def programme_report(key: str, year: int | None = None, as_of: dt.date | None = None, city: str | None = None,
                     principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    """`city`: one city of a province programme (its figures only; targets belong to the whole region)."""
    return report.programme_report(session, principal, key, year=year, as_of=as_of, city=city)


@router.get("/programmes/{key}/report.xlsx", summary="The KPI table as Excel, in the programme's own layout",
            response_class=Response)
def programme_xlsx(key: str, year: int | None = None, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> Response:
    result = report.programme_report(session, principal, key, year=year)
    return Response(report_workbook(result), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="kpi-{result["programme"]["key"]}.xlsx"'})


@router.get("/programmes/{key}/indicators/{indicator}/{year}",
            summary="The records behind one figure (operators); counts by type only for everyone else")
def drilldown(key: str, indicator: str, year: int, city: str | None = None,
              principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return report.drilldown(session, principal, key, indicator, year, city=city)


@router.post("/programmes/{key}/adjustments", status_code=201,
             summary="Record a manual adjustment (reason required) beside the computed value")
def add_adjustment(key: str, body: AdjustmentBody, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = programmes.add_adjustment(session, principal, key, body.indicator, body.year, body.delta, body.reason)
    return {"id": row.id, "indicator": body.indicator, "year": row.year, "delta": float(row.delta),
            "reason": row.reason, "author": row.author}


@router.post("/patent-flags", status_code=201, summary="Flag a patent, e.g. as a declassified defence patent")
def flag_patent(body: FlagBody, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = programmes.flag_patent(session, principal, body.patent_id, body.flag, body.since, body.note)
    return {"id": row.id, "patent_id": row.patent_id, "flag": row.flag}
