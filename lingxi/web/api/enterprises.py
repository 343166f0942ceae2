"""§4 enterprise files and demand lists (一企一档 · 需求清单) over the API: thin over lingxi.enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, UploadFile
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.enterprises import (
    demand_import,
    demand_mining,
    demands,
    excel_import,
    files,
    operating,
    patent_links,
    platforms,
    product_filings,
)
from lingxi.web.api.schemas import ERROR_RESPONSES, Page
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["enterprises 企业与需求"], responses=ERROR_RESPONSES)

MAX_UPLOAD = 20 * 1024 * 1024


class EnterpriseValues(BaseModel):
    """Fields of an enterprise file; send only those to change. Unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    kind: Literal["enterprise", "soe"] | None = None
    credit_code: str | None = None
    province: str | None = None
    city: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    notes: str | None = None
    industry_code: str | None = None
    size_class: str | None = None
    products: str | None = None
    employees: int | None = None
    founded: dt.date | None = None
    aliases: list[str] | None = None
    contacts: list[dict[str, Any]] | None = None
    risk_indicators: dict[str, Any] | None = None


class DemandValues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: int | None = None
    title: str | None = None
    description: str | None = None
    chain_taxonomy: str | None = None
    chain_node: str | None = None
    technical_indicators: list[dict[str, Any] | str] | str | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    budget_min: int | str | None = None
    budget_max: int | str | None = None
    preferred_mode: str | None = None
    deadline: dt.date | None = None
    confidentiality: str | None = None


class StatusChange(BaseModel):
    status: str
    reason: str = ""


class TrainingValues(BaseModel):
    title: str
    held_on: dt.date
    hours: float = 0
    trainees: int = 0
    provider: str | None = None


class NoteValues(BaseModel):
    title: str
    body: str = ""


class LinkDecision(BaseModel):
    decision: Literal["confirm", "reject"]


class LinkParty(BaseModel):
    party_id: int


def _given(model: BaseModel) -> dict:
    return model.model_dump(exclude_unset=True)


# ---------------------------------------------------------------------------------------------- enterprises

@router.get("/enterprises", response_model=Page[dict[str, Any]], summary="Enterprise files (public profile for "
            "other member roles)")
def list_enterprises(page: int = 1, page_size: int = 20, name: str | None = None, industry: str | None = None,
                     size_class: str | None = None, city: str | None = None,
                     principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")):
    return Page.of(files.list_enterprises(session, principal, page, page_size, name=name, industry=industry,
                                          size_class=size_class, city=city))


@router.post("/enterprises", status_code=201, summary="Create an enterprise file (operators)")
def create_enterprise(body: EnterpriseValues, principal: Principal = Depends(api_principal),
                      session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.create_enterprise(session, principal, _given(body))


@router.post("/enterprises/import", summary="Import enterprise files from Excel; bad rows reported, good rows kept")
async def import_enterprises(file: UploadFile = File(...), principal: Principal = Depends(api_principal),
                             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return excel_import.import_enterprises(session, principal, await file.read(MAX_UPLOAD)).as_dict()


@router.get("/enterprises/{organisation_id}", summary="One enterprise file (一企一档): full for its own users and "
            "operators")
def get_enterprise(organisation_id: int, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.enterprise_file(session, principal, organisation_id)


@router.get("/enterprises/{organisation_id}/profile", summary="An enterprise's public profile (every member role)")
def enterprise_profile(organisation_id: int, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.get_enterprise(session, principal, organisation_id)


@router.patch("/enterprises/{organisation_id}", summary="Change an enterprise file (its own users, operators)")
def update_enterprise(organisation_id: int, body: EnterpriseValues, principal: Principal = Depends(api_principal),
                      session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.update_enterprise(session, principal, organisation_id, _given(body))


@router.get("/enterprises/{organisation_id}/patents", summary="Ids of the enterprise's patents (confirmed links)")
def enterprise_patents(organisation_id: int, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    from lingxi.enterprises.access import require_file_access

    require_file_access(principal, organisation_id)
    ids = patent_links.enterprise_patent_ids(session, organisation_id)
    return {"organisation_id": organisation_id, "total": len(ids), "patent_ids": ids}


@router.get("/enterprises/{organisation_id}/links", summary="Suggested, confirmed and rejected patent-party links")
def list_links(organisation_id: int, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return patent_links.list_links(session, principal, organisation_id)


@router.post("/enterprises/{organisation_id}/links/suggest", summary="Look for parties that are this enterprise "
             "(operators)")
def suggest_links(organisation_id: int, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return patent_links.suggest_links(session, principal, organisation_id)


@router.post("/enterprises/{organisation_id}/links", status_code=201, summary="Link a party directly (operators)")
def link_party(organisation_id: int, body: LinkParty, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return patent_links.link_party(session, principal, organisation_id, body.party_id)


@router.post("/enterprise-links/{link_id}", summary="Confirm or reject a suggested link (operators)")
def decide_link(link_id: int, body: LinkDecision, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return patent_links.decide_link(session, principal, link_id, body.decision)


@router.post("/enterprises/{organisation_id}/training", status_code=201, summary="Record a training")
def add_training(organisation_id: int, body: TrainingValues, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.add_training(session, principal, organisation_id, body.model_dump())


@router.post("/enterprises/{organisation_id}/due-diligence", status_code=201,
             summary="Write a due-diligence note (operators only)")
def add_note(organisation_id: int, body: NoteValues, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return files.add_due_diligence_note(session, principal, organisation_id, body.title, body.body)


@router.post("/enterprises/{organisation_id}/mine", summary="Demand mining: store draft demands for the "
             "technologies it probably lacks (operators)")
def mine(organisation_id: int, limit: int = 3, principal: Principal = Depends(api_principal),
         session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return demand_mining.mine_demands(session, principal, organisation_id, limit)


# ------------------------------------------------- operating figures, patent-product filings, cultivated platforms

class OperatingYearValues(BaseModel):
    """One year's figures; amounts in yuan (\"50万\" / \"1.2亿\" understood). Figures not sent keep their value."""

    model_config = ConfigDict(extra="forbid")
    year: int
    revenue_yuan: int | float | str | None = None
    patent_revenue_yuan: int | float | str | None = None
    employees: int | None = None
    rd_spend_yuan: int | float | str | None = None
    note: str | None = None


class FilingValues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_name: str | None = None
    patent_numbers: list[str] | str | None = None
    filing_number: str | None = None
    filed_on: dt.date | None = None
    authority: str | None = None
    status: str | None = None
    note: str | None = None


class PlatformValues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    organisation_id: int | None = None
    kind: str | None = None
    province: str | None = None
    city: str | None = None
    recognised_on: dt.date | None = None
    recognised_by: str | None = None
    evidence: str | None = None
    status: str | None = None
    note: str | None = None


@router.get("/enterprises/{organisation_id}/operating-years", summary="Yearly operating figures (企业年度经营数据)")
def list_operating_years(organisation_id: int, principal: Principal = Depends(api_principal),
                         session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return operating.operating_years(session, principal, organisation_id)


@router.put("/enterprises/{organisation_id}/operating-years", summary="Record or correct one year's figures "
            "(the enterprise itself, operators)")
def save_operating_year(organisation_id: int, body: OperatingYearValues, principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    record, created = operating.save_operating_year(session, principal, organisation_id, _given(body))
    return {**record, "created": created}


@router.delete("/enterprises/{organisation_id}/operating-years/{year}", status_code=204,
               summary="Remove one year's figures")
def delete_operating_year(organisation_id: int, year: int, principal: Principal = Depends(api_principal),
                          session: Session = Depends(db_session, scope="function")) -> None:
    operating.delete_operating_year(session, principal, organisation_id, year)


@router.post("/enterprise-operating-years/import", summary="Import yearly figures from Excel (operators); bad rows "
             "reported, good rows kept")
async def import_operating_years(file: UploadFile = File(...), principal: Principal = Depends(api_principal),
                                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return operating.import_operating_years(session, principal, await file.read(MAX_UPLOAD)).as_dict()


@router.get("/enterprises/{organisation_id}/product-filings", summary="Patent-product filings (专利产品备案)")
def list_filings(organisation_id: int, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> list[dict[str, Any]]:
    return product_filings.filings_of(session, principal, organisation_id)


@router.post("/enterprises/{organisation_id}/product-filings", status_code=201,
             summary="Record a patent-product filing (the enterprise itself, operators)")
def add_filing(organisation_id: int, body: FilingValues, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return product_filings.add_filing(session, principal, organisation_id, _given(body))


@router.patch("/product-filings/{filing_id}", summary="Change a patent-product filing (e.g. revoked)")
def update_filing(filing_id: int, body: FilingValues, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return product_filings.update_filing(session, principal, filing_id, _given(body))


@router.get("/cultivated-platforms", response_model=Page[dict[str, Any]],
            summary="Cultivated IP operation platforms and service agencies (operators)")
def list_platforms(page: int = 1, page_size: int = 50, principal: Principal = Depends(api_principal),
                   session: Session = Depends(db_session, scope="function")):
    return Page.of(platforms.list_platforms(session, principal, page, page_size))


@router.post("/cultivated-platforms", status_code=201, summary="Record a cultivated platform with its evidence "
             "(operators)")
def add_platform(body: PlatformValues, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return platforms.add_platform(session, principal, _given(body))


@router.patch("/cultivated-platforms/{platform_id}", summary="Correct or revoke a cultivated platform (operators)")
def update_platform(platform_id: int, body: PlatformValues, principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return platforms.update_platform(session, principal, platform_id, _given(body))


# ---------------------------------------------------------------------------------------------- demands

@router.get("/demands", response_model=Page[dict[str, Any]], summary="Demands the caller may see, newest first")
def list_demands(page: int = 1, page_size: int = 20, status: str | None = None, chain_node: str | None = None,
                 chain_taxonomy: str | None = None, mode: str | None = None, organisation_id: int | None = None,
                 confidentiality: str | None = None, origin: str | None = None, drafts: bool = False,
                 q: str | None = None, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")):
    return Page.of(demands.list_demands(
        session, principal, page, page_size, status=status, chain_node=chain_node, chain_taxonomy=chain_taxonomy,
        mode=mode, organisation_id=organisation_id, confidentiality=confidentiality, origin=origin,
        confirmed=None if drafts else True, q=q))


@router.get("/demands/stats", summary="Demand counts by status, chain node, mode (regulators too)")
def demand_stats(principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.demand_counts(session, principal)


@router.post("/demands", status_code=201, summary="Post a demand (an enterprise for itself, operators for any)")
def create_demand(body: DemandValues, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.create_demand(session, principal, _given(body))


@router.post("/demands/import", summary="Import demands from Excel; bad rows reported, good rows kept")
async def import_demands(file: UploadFile = File(...), principal: Principal = Depends(api_principal),
                         session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demand_import.import_demands(session, principal, await file.read(MAX_UPLOAD)).as_dict()


@router.get("/demands/{demand_id}", summary="One demand with its status history")
def get_demand(demand_id: int, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.get_demand(session, principal, demand_id)


@router.patch("/demands/{demand_id}", summary="Change a demand (its enterprise, operators)")
def update_demand(demand_id: int, body: DemandValues, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.update_demand(session, principal, demand_id, _given(body))


@router.post("/demands/{demand_id}/status", summary="Move a demand along its life-cycle (409 if not allowed)")
def change_status(demand_id: int, body: StatusChange, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.change_status(session, principal, demand_id, body.status, body.reason)


@router.post("/demands/{demand_id}/confirm", summary="Confirm a mined draft (operators)")
def confirm_draft(demand_id: int, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.confirm_draft(session, principal, demand_id)


@router.post("/demands/{demand_id}/discard", summary="Discard a mined draft (operators)")
def discard_draft(demand_id: int, principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return demands.discard_draft(session, principal, demand_id)
