"""§4 enterprise files and demand lists (一企一档 · 需求清单): pages, thin over lingxi.enterprises.

Forms post with the session's CSRF token; a form whose input the service refuses is shown again with the reason
(422) instead of an error page, so nothing typed is lost.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import DEMANDS_POST
from lingxi.db.models import Organisation
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
from lingxi.enterprises.access import ENTERPRISE_KINDS, is_operator, may_read_file
from lingxi.enterprises.chain_nodes import node_names
from lingxi.tagging.maturity import TRL_LABELS
from lingxi.web.deps import db_session, page_principal
from lingxi.web.forms import attempt
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 20 * 1024 * 1024
DEMAND_FORM_FIELDS = ("title", "description", "chain_node", "technical_indicators", "trl_min", "trl_max",
                      "budget_min", "budget_max", "preferred_mode", "deadline", "confidentiality")
ENTERPRISE_FORM_FIELDS = ("credit_code", "province", "city", "contact_name", "contact_phone", "contact_email",
                          "industry_code", "size_class", "products", "employees", "founded", "aliases", "notes")


def _try(session: Session, work):
    """(result, None) or (None, message) for a refused input; a refusal to act or a missing record is an error page."""
    return attempt(session, work, raise_codes=("permission_denied", "not_found"))


def _save_on_file(request: Request, session: Session, principal: Principal, organisation_id: int, work, then: str):
    """A change made from an enterprise file page: back to the page's section (`then`), or the page again with the
    refusal (422)."""
    _, error = _try(session, work)
    if error:
        return _file_page(request, session, principal, organisation_id, error=error, status_code=422)
    return RedirectResponse(f"/enterprises/{organisation_id}{then}", 303)


async def _form(request: Request, names: tuple[str, ...]) -> dict:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in names if name in form}


def _chain_choices(session: Session) -> list[dict]:
    names = node_names(session)
    return [{"taxonomy": taxonomy, "node": node, "name_zh": zh, "name_en": en}
            for (taxonomy, node), (zh, en) in sorted(names.items())]


# ---------------------------------------------------------------------------------------------- enterprises

def _enterprise_list(request: Request, session: Session, principal: Principal, page: int, name: str,
                     industry: str, size_class: str, report: dict | None = None, error: str | None = None,
                     status_code: int = 200):
    result = files.list_enterprises(session, principal, page, 20, name=name or None, industry=industry or None,
                                    size_class=size_class or None)
    return render(request, "enterprises/index.html", status_code=status_code, result=result, name_filter=name,
                  industry=industry, size_class=size_class, size_classes=files.SIZE_CLASSES,
                  may_manage=is_operator(principal), report=report, error=error,
                  own_id=_own_file_id(session, principal))


def _own_file_id(session: Session, principal: Principal) -> int | None:
    """The user's own organisation when it has an enterprise file (an operations centre or a university has none)."""
    own = principal.organisation_id
    if own is None or not may_read_file(principal, own):
        return None
    return own if session.scalar(select(Organisation.kind).where(Organisation.id == own)) in ENTERPRISE_KINDS else None


@router.get("/enterprises")
def enterprise_index(request: Request, page: int = 1, name: str = "", industry: str = "", size_class: str = "",
                     principal: Principal = Depends(page_principal),
                     session: Session = Depends(db_session, scope="function")):
    return _enterprise_list(request, session, principal, page, name, industry, size_class)


@router.post("/enterprises")
async def enterprise_create(request: Request, principal: Principal = Depends(page_principal),
                            session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, ("name", "credit_code", "province", "city", "industry_code", "size_class", "products"))
    created, error = _try(session, lambda: files.create_enterprise(session, principal, raw))
    if error:
        return _enterprise_list(request, session, principal, 1, "", "", "", error=error, status_code=422)
    return RedirectResponse(f"/enterprises/{created['id']}?notice=saved", 303)


@router.post("/enterprises/import")
async def enterprise_import(request: Request, file: UploadFile = File(...),
                            principal: Principal = Depends(page_principal),
                            session: Session = Depends(db_session, scope="function")):
    data = await file.read(MAX_UPLOAD)
    report, error = _try(session, lambda: excel_import.import_enterprises(session, principal, data).as_dict())
    return _enterprise_list(request, session, principal, 1, "", "", "", report=report, error=error,
                            status_code=422 if error else 200)


@router.post("/enterprises/operating-years/import")
async def operating_import(request: Request, file: UploadFile = File(...),
                           principal: Principal = Depends(page_principal),
                           session: Session = Depends(db_session, scope="function")):
    data = await file.read(MAX_UPLOAD)
    report, error = _try(session, lambda: operating.import_operating_years(session, principal, data).as_dict())
    return _enterprise_list(request, session, principal, 1, "", "", "", report=report, error=error,
                            status_code=422 if error else 200)


def _file_page(request: Request, session: Session, principal: Principal, organisation_id: int,
               error: str | None = None, status_code: int = 200, notice: str | None = None):
    if not may_read_file(principal, organisation_id):
        return render(request, "enterprises/public.html",
                      enterprise=files.get_enterprise(session, principal, organisation_id),
                      demands=demands.list_demands(session, principal, 1, 50, organisation_id=organisation_id).items)
    file = files.enterprise_file(session, principal, organisation_id)
    return render(request, "enterprises/file.html", status_code=status_code, file=file,
                  may_manage=is_operator(principal), may_post=principal.can(DEMANDS_POST),
                  size_classes=files.SIZE_CLASSES, error=error,
                  notice=notice or request.query_params.get("notice"),
                  operating_years=operating.operating_years(session, principal, organisation_id),
                  product_filings=product_filings.filings_of(session, principal, organisation_id),
                  filing_statuses=product_filings.STATUSES)


@router.get("/enterprises/{organisation_id}")
def enterprise_page(request: Request, organisation_id: int, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    return _file_page(request, session, principal, organisation_id)


def _rows(text: str, width: int) -> list[list[str]]:
    """Lines of "a, b, c" (Chinese or Latin commas, tabs) → lists of `width` cells; empty lines skipped."""
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in re.split(r"[,，\t|｜]", line)]
        if any(cells):
            rows.append((cells + [""] * width)[:width])
    return rows


@router.post("/enterprises/{organisation_id}")
async def enterprise_save(request: Request, organisation_id: int, principal: Principal = Depends(page_principal),
                          session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, ENTERPRISE_FORM_FIELDS + ("contacts_text", "risk_text"))
    if "contacts_text" in raw:  # one contact a line: 姓名, 职务, 电话, 邮箱
        raw["contacts"] = [dict(zip(("name", "role", "phone", "email"), row))
                           for row in _rows(raw.pop("contacts_text"), 4)]
    if "risk_text" in raw:  # operators: one indicator a line: 名称, 数值, 等级, 说明
        raw["risk_indicators"] = {row[0]: {"value": row[1], "level": row[2] or None, "note": row[3]}
                                  for row in _rows(raw.pop("risk_text"), 4) if row[0]}
    return _save_on_file(request, session, principal, organisation_id,
                         lambda: files.update_enterprise(session, principal, organisation_id, raw), "?notice=saved")


@router.post("/enterprises/{organisation_id}/links/suggest")
def enterprise_suggest_links(organisation_id: int, principal: Principal = Depends(page_principal),
                             session: Session = Depends(db_session, scope="function")):
    patent_links.suggest_links(session, principal, organisation_id)
    return RedirectResponse(f"/enterprises/{organisation_id}#links", 303)


@router.post("/enterprise-links/{link_id}")
def enterprise_decide_link(link_id: int, decision: str = Form(...), principal: Principal = Depends(page_principal),
                           session: Session = Depends(db_session, scope="function")):
    link = patent_links.decide_link(session, principal, link_id, decision)
    return RedirectResponse(f"/enterprises/{link['organisation_id']}#links", 303)


@router.post("/enterprises/{organisation_id}/training")
async def enterprise_training(request: Request, organisation_id: int, principal: Principal = Depends(page_principal),
                              session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, ("title", "held_on", "hours", "trainees", "provider"))
    return _save_on_file(request, session, principal, organisation_id,
                         lambda: files.add_training(session, principal, organisation_id, raw), "#training")


@router.post("/enterprises/{organisation_id}/operating-years")
async def enterprise_operating_year(request: Request, organisation_id: int,
                                    principal: Principal = Depends(page_principal),
                                    session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, ("year", *operating.FIGURES, "note"))
    return _save_on_file(request, session, principal, organisation_id,
                         lambda: operating.save_operating_year(session, principal, organisation_id, raw), "#operating")


@router.post("/enterprises/{organisation_id}/product-filings")
async def enterprise_product_filing(request: Request, organisation_id: int,
                                    principal: Principal = Depends(page_principal),
                                    session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, product_filings.FIELDS)
    return _save_on_file(request, session, principal, organisation_id,
                         lambda: product_filings.add_filing(session, principal, organisation_id, raw),
                         "#product-filings")


def _platform_page(request: Request, session: Session, principal: Principal, error: str | None = None,
                   status_code: int = 200, values: dict | None = None):
    return render(request, "enterprises/platforms.html", status_code=status_code,
                  result=platforms.list_platforms(session, principal, 1, 200), kinds=platforms.KINDS, error=error,
                  values=values or {})


@router.get("/cultivated-platforms")
def platform_index(request: Request, principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    return _platform_page(request, session, principal)


@router.post("/cultivated-platforms")
async def platform_create(request: Request, principal: Principal = Depends(page_principal),
                          session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, platforms.FIELDS)
    _, error = _try(session, lambda: platforms.add_platform(session, principal, raw))
    if error:
        return _platform_page(request, session, principal, error=error, status_code=422, values=raw)
    return RedirectResponse("/cultivated-platforms", 303)


@router.post("/cultivated-platforms/{platform_id}/revoke")
def platform_revoke(platform_id: int, note: str = Form(""), principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    platforms.update_platform(session, principal, platform_id, {"status": "revoked", "note": note or None})
    return RedirectResponse("/cultivated-platforms", 303)


@router.post("/enterprises/{organisation_id}/due-diligence")
def enterprise_note(request: Request, organisation_id: int, title: str = Form(""), body: str = Form(""),
                    principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    return _save_on_file(request, session, principal, organisation_id,
                         lambda: files.add_due_diligence_note(session, principal, organisation_id, title, body),
                         "#due-diligence")


@router.post("/enterprises/{organisation_id}/mine")
def enterprise_mine(organisation_id: int, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    drafts = demand_mining.mine_demands(session, principal, organisation_id)
    return RedirectResponse(f"/enterprises/{organisation_id}?notice=mined-{len(drafts)}#demands", 303)


# ---------------------------------------------------------------------------------------------- demands

def _demand_list(request: Request, session: Session, principal: Principal, filters: dict, page: int,
                 report: dict | None = None, error: str | None = None, status_code: int = 200):
    drafts = filters.get("drafts") == "1" and is_operator(principal)
    result = demands.list_demands(
        session, principal, page, 20, status=filters.get("status") or None,
        chain_node=filters.get("chain_node") or None, mode=filters.get("mode") or None,
        organisation_id=int(filters["organisation_id"]) if filters.get("organisation_id", "").isdigit() else None,
        confirmed=False if drafts else True, q=filters.get("q") or None)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "enterprises/demands.html", status_code=status_code, result=result, filters=filters,
                  statuses=demands.STATUSES[1:], modes=demands.MODES, chains=_chain_choices(session),
                  may_post=principal.can(DEMANDS_POST), may_manage=is_operator(principal), report=report,
                  error=error, base_url=f"/demands?{query}&" if query else "/demands?")


@router.get("/demands")
def demand_index(request: Request, page: int = 1, status: str = "", chain_node: str = "", mode: str = "",
                 organisation_id: str = "", q: str = "", drafts: str = "",
                 principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    filters = {"status": status, "chain_node": chain_node, "mode": mode, "organisation_id": organisation_id,
               "q": q, "drafts": drafts}
    return _demand_list(request, session, principal, filters, page)


@router.post("/demands/import")
async def demand_import_page(request: Request, file: UploadFile = File(...),
                             principal: Principal = Depends(page_principal),
                             session: Session = Depends(db_session, scope="function")):
    data = await file.read(MAX_UPLOAD)
    report, error = _try(session, lambda: demand_import.import_demands(session, principal, data).as_dict())
    return _demand_list(request, session, principal, {}, 1, report=report, error=error,
                        status_code=422 if error else 200)


def _demand_form(request: Request, session: Session, principal: Principal, values: dict, demand: dict | None = None,
                 error: str | None = None, status_code: int = 200):
    enterprises = []
    if is_operator(principal):
        enterprises = session.execute(select(Organisation.id, Organisation.name)
                                      .where(Organisation.kind.in_(ENTERPRISE_KINDS))
                                      .order_by(Organisation.name)).all()
    return render(request, "enterprises/demand_form.html", status_code=status_code, values=values, demand=demand,
                  enterprises=enterprises, chains=_chain_choices(session), modes=demands.MODES,
                  confidentialities=demands.CONFIDENTIALITY, trl_labels=TRL_LABELS, error=error)


@router.get("/demands/new")
def demand_new(request: Request, organisation_id: str = "", principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    from lingxi.accounts.roles import require

    require(principal, DEMANDS_POST)
    return _demand_form(request, session, principal, {"organisation_id": organisation_id,
                                                      "confidentiality": "public"})


def _demand_values(raw: dict) -> dict:
    """Form strings → service values: the chain node select sends "taxonomy:node"."""
    values = dict(raw)
    if "chain_node" in values:
        taxonomy, _, node = values.pop("chain_node").partition(":")
        if node:
            values["chain_taxonomy"], values["chain_node"] = taxonomy, node
        else:
            values["chain_node"] = None
    return values


@router.post("/demands")
async def demand_create(request: Request, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, (*DEMAND_FORM_FIELDS, "organisation_id"))
    values = _demand_values(raw)
    if not values.get("chain_node"):
        values.pop("chain_node", None)  # empty on create: classify automatically
    created, error = _try(session, lambda: demands.create_demand(session, principal, values))
    if error:
        return _demand_form(request, session, principal, raw, error=error, status_code=422)
    return RedirectResponse(f"/demands/{created['id']}?notice=created", 303)


def _demand_page(request: Request, session: Session, principal: Principal, demand_id: int,
                 error: str | None = None, status_code: int = 200):
    demand = demands.get_demand(session, principal, demand_id)
    indicators = "\n".join(" ".join(part for part in (i["name"], i["value"], i["unit"]) if part)
                           for i in demand["technical_indicators"])
    chain_value = f"{demand['chain_taxonomy']}:{demand['chain_node']}" \
        if demand["chain_node"] and not demand["chain_node_auto"] else ""
    return render(request, "enterprises/demand.html", status_code=status_code, demand=demand,
                  edit_values={**demand, "indicators_text": indicators}, chain_value=chain_value,
                  chains=_chain_choices(session), modes=demands.MODES, confidentialities=demands.CONFIDENTIALITY,
                  trl_labels=TRL_LABELS, may_manage=is_operator(principal), error=error,
                  notice=request.query_params.get("notice"))


@router.get("/demands/{demand_id}")
def demand_page(request: Request, demand_id: int, principal: Principal = Depends(page_principal),
                session: Session = Depends(db_session, scope="function")):
    return _demand_page(request, session, principal, demand_id)


@router.post("/demands/{demand_id}")
async def demand_save(request: Request, demand_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    raw = await _form(request, DEMAND_FORM_FIELDS)
    _, error = _try(session, lambda: demands.update_demand(session, principal, demand_id, _demand_values(raw)))
    if error:
        return _demand_page(request, session, principal, demand_id, error=error, status_code=422)
    return RedirectResponse(f"/demands/{demand_id}?notice=saved", 303)


@router.post("/demands/{demand_id}/status")
def demand_status(request: Request, demand_id: int, status: str = Form(...), reason: str = Form(""),
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    _, error = _try(session, lambda: demands.change_status(session, principal, demand_id, status, reason))
    if error:
        return _demand_page(request, session, principal, demand_id, error=error, status_code=409)
    return RedirectResponse(f"/demands/{demand_id}?notice=status", 303)


@router.post("/demands/{demand_id}/confirm")
def demand_confirm(demand_id: int, principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    demands.confirm_draft(session, principal, demand_id)
    return RedirectResponse(f"/demands/{demand_id}?notice=confirmed", 303)


@router.post("/demands/{demand_id}/discard")
def demand_discard(demand_id: int, principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    demand = demands.discard_draft(session, principal, demand_id)
    return RedirectResponse(f"/enterprises/{demand['organisation_id']}?notice=discarded#demands", 303)

