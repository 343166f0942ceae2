"""§3 patent value pages: graded catalogue (/value), high-value patents, sleeping patents, operator records, weight
profiles (/value/profiles), and the value panel the patent page loads with htmx (/value/patents/{id}/panel). Thin over
lingxi.value."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import VALUE_CONFIGURE
from lingxi.db.models import TaxonomyVersion
from lingxi.errors import InvalidInput
from lingxi.value import parameters, records
from lingxi.value import service as value
from lingxi.value.catalogue import GRADES, build_catalogue, catalogue_page
from lingxi.value.catalogue_excel import write_catalogue
from lingxi.value.facts import load_rights
from lingxi.value.high_value import CRITERIA, high_value_report, patent_flags
from lingxi.value.sleeping import MODES, sleeping_report
from lingxi.value.valuation import INPUTS, valuate
from lingxi.web.api.value_operations import XLSX
from lingxi.web.deps import db_session, page_principal
from lingxi.web.forms import attempt
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
SCENARIOS = ("licensing", "pledge", "portfolio")


def _pages(result: dict[str, Any]) -> dict[str, Any]:
    result["pages"] = max(1, -(-result["total"] // result["page_size"]))
    return result


def _chains(session: Session) -> list[str]:
    return sorted(set(session.execute(select(TaxonomyVersion.name).where(TaxonomyVersion.kind == "chain")).scalars()))


def _query(**values) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in values.items() if v})


@router.get("/value")
def catalogue(request: Request, holder: str = "", chain: str = "", region: str = "", scenario: str = "licensing",
              grade: str = "", page: int = 1, principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    filters = {"holder": holder.strip() or None, "chain": chain.strip() or None, "region": region.strip() or None,
               "scenario": scenario if scenario in SCENARIOS else "licensing", "grade": grade or None}
    error = None
    try:
        with session.begin_nested():
            result = _pages(catalogue_page(session, principal, page=page, page_size=50, **filters))
    except InvalidInput as problem:
        error, result = problem.message, None
    query = _query(**{k: v for k, v in filters.items() if k != "grade"})
    return render(request, "value/catalogue.html", status_code=422 if error else 200, result=result, error=error,
                  filters=filters, chains=_chains(session), scenarios=SCENARIOS, grades=GRADES,
                  query=query, page_query=_query(**filters))


@router.get("/value/catalogue.xlsx")
def catalogue_xlsx(holder: str = "", chain: str = "", region: str = "", scenario: str = "licensing",
                   principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    built = build_catalogue(session, principal, holder=holder or None, chain=chain or None, region=region or None,
                            scenario=scenario)
    return Response(write_catalogue(built), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="lingxi-catalogue.xlsx"'})


@router.get("/value/high-value")
def high_value(request: Request, province: str = "", criterion: str = "", page: int = 1,
               principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    report = _pages(high_value_report(session, principal, province=province or None,
                                      criterion=criterion if criterion in CRITERIA else None, page=page))
    return render(request, "value/high_value.html", report=report, criteria=CRITERIA, province=province,
                  criterion=criterion, page_query=_query(province=province, criterion=criterion))


@router.get("/value/sleeping")
def sleeping(request: Request, years: str = "", holder: str = "", mode: str = "", page: int = 1,
             principal: Principal = Depends(page_principal),
             session: Session = Depends(db_session, scope="function")):
    error = None
    try:
        chosen_years = int(years) if years.strip() else None
        report = _pages(sleeping_report(session, principal, years=chosen_years, holder=holder.strip() or None,
                                        mode=mode if mode in MODES else None, page=page))
    except (ValueError, InvalidInput) as problem:
        error = getattr(problem, "message", f"years must be a whole number, got {years!r}")
        report = _pages(sleeping_report(session, principal, holder=holder.strip() or None, page=page))
    return render(request, "value/sleeping.html", status_code=422 if error else 200, report=report, error=error,
                  modes=MODES, years=years, holder=holder, mode=mode,
                  page_query=_query(years=years, holder=holder, mode=mode))


# --- operator records --------------------------------------------------------------------------------------------

@router.get("/value/profiles")
def profiles_page(request: Request, name: str = "", version: int | None = None, saved: str = "",
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    return _profiles(request, session, principal, name, version, saved=saved)


def _profiles(request: Request, session: Session, principal: Principal, name: str, version: int | None = None,
              error: str | None = None, text: str | None = None, saved: str = "", status_code: int = 200):
    """Each scenario's weight profile (权重方案): its versions, the chosen one as YAML, and for operators an editor that
    saves the next version — the scores keep naming the version that made them until the next re-scoring."""
    latest = value.list_profiles(session, principal)
    chosen = name or (latest[0]["name"] if latest else "")
    profile = value.get_profile(session, principal, chosen, version) if chosen else None
    history = [row for row in value.list_profiles(session, principal, all_versions=True) if row["name"] == chosen]
    return render(request, "value/profiles.html", status_code=status_code, profiles=latest, profile=profile,
                  history=history, error=error, saved=saved, may_edit=principal.can(VALUE_CONFIGURE),
                  text=text if text is not None else (profile["yaml"] if profile else ""))


@router.post("/value/profiles")
async def profiles_save(request: Request, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    text = str(form.get("yaml", ""))
    saved, error = attempt(session, lambda: value.save_profile(session, principal, text))
    if error:
        return _profiles(request, session, principal, str(form.get("name", "")), error=error, text=text,
                         status_code=422)
    return RedirectResponse(f"/value/profiles?name={saved['name']}&saved=version", 303)


@router.post("/value/profiles/recompute")
def profiles_recompute(request: Request, principal: Principal = Depends(page_principal)):
    value.recompute(request.app.state.db, principal)
    return RedirectResponse("/value/profiles?saved=scores", 303)


@router.get("/value/records")
def records_page(request: Request, saved: str = "", principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    return _records(request, session, principal, saved=saved)


def _records(request: Request, session: Session, principal: Principal, error: str | None = None,
             saved: str = "", status_code: int = 200):
    return render(request, "value/records.html", status_code=status_code, error=error, saved=saved,
                  may_edit=principal.can(VALUE_CONFIGURE), awards=records.list_awards(session, principal),
                  pledges=records.list_pledges(session, principal),
                  populations=records.list_populations(session, principal),
                  comparables=records.list_comparables(session, principal),
                  parameters=parameters.list_parameters(session, principal), award_kinds=records.AWARDS,
                  deal_modes=records.DEAL_MODES)


def _record(session: Session, principal: Principal, kind: str, form: dict[str, Any]) -> None:
    """One operator record from the records page's forms: a parameter, an award, a pledge, a population, a deal."""
    if kind == "parameters":
        raw = str(form.get("value", ""))
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = raw
        parameters.set_parameter(session, principal, str(form.get("key", "")), parsed)
        return
    actions = {"awards": records.add_award, "pledges": records.add_pledge, "populations": records.set_population,
               "comparables": records.add_comparable}
    if kind not in actions:
        raise InvalidInput(f"unknown record kind {kind!r}")
    actions[kind](session, principal, **{k: (v or None) for k, v in form.items()})


@router.post("/value/records/{kind}")
async def records_add(request: Request, kind: str, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    form = {k: v for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        _, error = attempt(session, lambda: _record(session, principal, kind, form))
    except TypeError as problem:  # a form field the service does not know
        error = str(problem)
    if error:
        return _records(request, session, principal, error=error, status_code=422)
    return RedirectResponse(f"/value/records?saved={kind}", 303)


# --- the value panel of the patent page --------------------------------------------------------------------------

def panel_data(session: Session, principal: Principal, patent_id: int) -> dict[str, Any]:
    """High-value verdict of the patent's right, and its scores from lingxi.value.service.patent_value (of the
    grant publication when the right has one, else of the first publication that was scored)."""
    from lingxi.value.service import patent_value

    flags = patent_flags(session, principal, patent_id)
    right = next(r for r in load_rights(session, [patent_id]) if patent_id in r.patent_ids)
    scores: list[dict[str, Any]] = []
    for candidate in [patent_id, right.patent_id, *right.patent_ids]:
        found = patent_value(session, principal, candidate).get("scores") or {}
        if found:
            scores = [found[s] for s in sorted(found, key=lambda s: (s not in SCENARIOS, s))]
            break
    return {"flags": flags, "right": right, "scores": scores,
            "breakdown": _breakdown(scores[0]) if scores else [], "inputs": INPUTS,
            "defaults": parameters.current(session)}


def _breakdown(score: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per indicator of the first scenario's score: raw and normalised value, weight, contribution and the
    data it came from; an indicator without a value is shown as missing (its weight went to the others)."""
    rows = []
    for dimension, part in (score.get("dimensions") or {}).items():
        for name, item in ((part or {}).get("indicators") or {}).items():
            rows.append({"dimension": dimension, "indicator": name, "raw": item.get("raw"),
                         "normalised": item.get("normalised"), "weight": item.get("effective_weight"),
                         "contribution": item.get("contribution"), "source": item.get("source") or "",
                         "missing": bool(item.get("missing")) or item.get("normalised") is None})
    return rows


@router.get("/value/patents/{patent_id}/panel")
def panel(request: Request, patent_id: int, principal: Principal = Depends(page_principal),
          session: Session = Depends(db_session, scope="function")):
    return render(request, "value/_panel.html", patent_id=patent_id, **panel_data(session, principal, patent_id))


@router.post("/value/patents/{patent_id}/valuation")
async def valuation(request: Request, patent_id: int, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    form = await request.form()
    overrides: dict[str, Any] = {}
    error = None
    for name in (*INPUTS, "economic_life_years"):
        text = str(form.get(name, "")).strip()
        if not text:
            continue
        try:
            numbers = [float(part) for part in text.replace("，", ",").split(",") if part.strip()]
        except ValueError:
            error = f"{name}: {text!r} is not a number or three numbers low,mid,high"
            break
        overrides[name] = numbers[0] if len(numbers) == 1 else numbers
    result = None
    if error is None:
        try:
            result = valuate(session, principal, patent_id, overrides)
        except InvalidInput as problem:
            error = problem.message
    return render(request, "value/_valuation.html", status_code=200, result=result, error=error)
