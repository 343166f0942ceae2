"""§3 value operations over the API: graded catalogue (JSON, Excel), high-value flags, sleeping patents, valuation,
and the facts operators record (awards, pledges, populations, comparable deals, parameters).

Included into lingxi.web.api.value's router (prefix /api); every endpoint is a thin call into lingxi.value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.value import parameters, records
from lingxi.value.catalogue import build_catalogue, catalogue_page
from lingxi.value.catalogue_excel import write_catalogue
from lingxi.value.high_value import high_value_report, patent_flags
from lingxi.value.sleeping import sleeping_report
from lingxi.value.valuation import valuate
from lingxi.web.deps import api_principal, db_session

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Triple = float | list[float] | None


class AwardIn(BaseModel):
    patent_id: int
    award: Literal["china_patent_award", "national_sci_tech_award"]
    level: str
    year: int
    note: str | None = None


class PledgeIn(BaseModel):
    patent_id: int
    pledgor: str
    pledgee: str
    amount_yuan: float
    registered_on: dt.date
    released_on: dt.date | None = None
    registration_number: str | None = None


class PopulationIn(BaseModel):
    province: str
    city: str | None = None
    year: int
    population: int


class ComparableIn(BaseModel):
    field: str
    mode: Literal["transfer", "licence", "equity"]
    price_yuan: float
    deal_date: dt.date
    source: str
    patent_id: int | None = None
    note: str | None = None


class ValuationIn(BaseModel):
    market_size_yuan: Triple = None
    royalty_rate: Triple = None
    patent_share: Triple = None
    discount_rate: Triple = None
    economic_life_share: Triple = None
    economic_life_years: Triple = None
    reproduction_cost_yuan: Triple = None
    comparable_adjustment: Triple = None


class ParameterIn(BaseModel):
    value: Any


@router.get("/value/catalogue", summary="Operable-patent graded catalogue (可运营专利分级目录), one page")
def catalogue(holder: str | None = None, chain: str | None = None, region: str | None = None,
              scenario: str = "licensing", grade: str | None = None, page: int = 1, page_size: int = 50,
              principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return catalogue_page(session, principal, page, page_size, holder=holder, chain=chain, region=region,
                          scenario=scenario, grade=grade)


@router.get("/value/catalogue.xlsx", response_class=Response,
            summary="The catalogue as Excel: one sheet per grade and a method sheet")
def catalogue_xlsx(holder: str | None = None, chain: str | None = None, region: str | None = None,
                   scenario: str = "licensing", principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")):
    built = build_catalogue(session, principal, holder=holder, chain=chain, region=region, scenario=scenario)
    return Response(write_catalogue(built), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lingxi-catalogue.xlsx"'})


@router.get("/value/high-value", summary="High-value invention patents (高价值发明专利), criteria and region counts")
def high_value(province: str | None = None, criterion: str | None = None, page: int = 1, page_size: int = 50,
               principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return high_value_report(session, principal, province=province, criterion=criterion, page=page,
                             page_size=page_size)


@router.get("/patents/{patent_id}/high-value", summary="Which high-value criteria a patent meets, with evidence")
def patent_high_value(patent_id: int, principal: Principal = Depends(api_principal),
                      session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return patent_flags(session, principal, patent_id)


@router.get("/value/sleeping", summary="Sleeping patents (沉睡专利) with a recommended conversion mode")
def sleeping(years: int | None = None, holder: str | None = None, mode: str | None = None, page: int = 1,
             page_size: int = 50, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return sleeping_report(session, principal, years=years, holder=holder, mode=mode, page=page,
                           page_size=page_size)


@router.post("/patents/{patent_id}/valuation", summary="Monetary valuation (GB/T 42748): income, cost, market; "
             "a range with its assumptions")
def valuation(patent_id: int, body: ValuationIn | None = Body(None), principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return valuate(session, principal, patent_id, body.model_dump(exclude_none=True) if body else None)


@router.get("/value/parameters", summary="Value-operations parameters with their defaults")
def list_parameters(principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return parameters.list_parameters(session, principal)


@router.put("/value/parameters/{key}", summary="Set a parameter (operators)")
def set_parameter(key: str, body: ParameterIn, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return parameters.set_parameter(session, principal, key, body.value)


@router.get("/value/awards", summary="Recorded awards (中国专利奖, 国家科学技术奖)")
def list_awards(patent_id: int | None = None, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return records.list_awards(session, principal, patent_id)


@router.post("/value/awards", status_code=201, summary="Record an award (operators)")
def add_award(body: AwardIn, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return records.add_award(session, principal, **body.model_dump())


@router.get("/value/pledges", summary="Recorded pledges with amounts")
def list_pledges(patent_id: int | None = None, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return records.list_pledges(session, principal, patent_id)


@router.post("/value/pledges", status_code=201, summary="Record a pledge with its amount (operators)")
def add_pledge(body: PledgeIn, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return records.add_pledge(session, principal, **body.model_dump())


@router.get("/value/populations", summary="Region populations for per-10,000 counts")
def list_populations(principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return records.list_populations(session, principal)


@router.put("/value/populations", summary="Set a region's population for a year (operators)")
def set_population(body: PopulationIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return records.set_population(session, principal, **body.model_dump())


@router.get("/value/comparables", summary="Comparable transactions for the market approach")
def list_comparables(field: str | None = None, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return records.list_comparables(session, principal, field)


@router.post("/value/comparables", status_code=201, summary="Record a comparable transaction (operators)")
def add_comparable(body: ComparableIn, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return records.add_comparable(session, principal, **body.model_dump())


@router.delete("/value/{kind}/{record_id}", status_code=204, response_class=Response,
               summary="Delete a recorded award, pledge, population or comparable (operators)")
def delete_record(kind: Literal["awards", "pledges", "populations", "comparables"], record_id: int,
                  principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")):
    records.delete_record(session, principal, kind, record_id)
    return Response(status_code=204)
