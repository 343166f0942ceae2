"""IP operation platforms, operation centres and service agencies cultivated under a programme
(培育知识产权运营平台、服务机构, Shaanxi target 7 / indicator 13: "10 家以上").

Cultivating one is a recognition by an authority (认定、验收、备案, a support project concluded), so each record is
entered by an operator with its evidence (document number, link, description) — the KPI counts these records per
year of recognition instead of a number typed into the report. A revoked recognition stays on record but no longer
counts. Regulators see only the KPI's aggregate.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.models import CultivatedPlatform, Organisation
from lingxi.db.pagination import Page, check_paging
from lingxi.enterprises import values
from lingxi.enterprises.access import require_operator
from lingxi.errors import InvalidInput, NotFound

KINDS = ("operation_platform", "operation_centre", "service_agency")  # 运营平台 / 运营中心 / 服务机构
KIND_SYNONYMS = {"运营平台": "operation_platform", "知识产权运营平台": "operation_platform",
                 "运营中心": "operation_centre", "知识产权运营中心": "operation_centre",
                 "服务机构": "service_agency", "知识产权服务机构": "service_agency"}
STATUSES = ("active", "revoked")
FIELDS = ("name", "organisation_id", "kind", "province", "city", "recognised_on", "recognised_by", "evidence",
          "status", "note")


def platform_view(row: CultivatedPlatform) -> dict:
    return {"id": row.id, "name": row.name, "organisation_id": row.organisation_id, "kind": row.kind,
            "province": row.province, "city": row.city, "recognised_on": row.recognised_on.isoformat(),
            "recognised_by": row.recognised_by, "evidence": row.evidence, "status": row.status, "note": row.note,
            "created_by": row.created_by}


def _clean(session: Session, raw: dict, partial: bool) -> dict:
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field {min(unknown)!r}", field=min(unknown))
    out: dict = {}
    if "name" in raw or not partial:
        out["name"] = values.text(raw.get("name"), "name", 300, required=True)
    if "kind" in raw or not partial:
        out["kind"] = values.choice(raw.get("kind"), "kind", KINDS, KIND_SYNONYMS)
        if out["kind"] is None:
            raise InvalidInput(f"kind is required: one of {', '.join(KINDS)}", field="kind")
    if "recognised_on" in raw or not partial:
        out["recognised_on"] = values.date(raw.get("recognised_on"), "recognised_on")
        if out["recognised_on"] is None:
            raise InvalidInput("recognised_on (the date of recognition) is required", field="recognised_on")
    if "evidence" in raw or not partial:
        out["evidence"] = values.text(raw.get("evidence"), "evidence", required=True)
    for name, length in (("province", 32), ("city", 32), ("recognised_by", 200)):
        if name in raw:
            out[name] = values.text(raw.get(name), name, length)
    if "note" in raw:
        out["note"] = values.text(raw.get("note"), "note")
    if "status" in raw:
        out["status"] = values.choice(raw.get("status"), "status", STATUSES) or "active"
    if raw.get("organisation_id") not in (None, ""):
        organisation_id = values.integer(raw.get("organisation_id"), "organisation_id", 1)
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise InvalidInput(f"organisation {organisation_id} does not exist", field="organisation_id")
        out["organisation_id"] = organisation.id
        # the organisation's region unless the record says otherwise
        if not out.get("province"):
            out["province"] = organisation.province
        if not out.get("city"):
            out["city"] = organisation.city
    elif "organisation_id" in raw:
        out["organisation_id"] = None
    return out


def list_platforms(session: Session, actor: Principal, page: int = 1, page_size: int = 50) -> Page:
    require_operator(actor, "read the records of cultivated platforms")
    check_paging(page, page_size)
    total = session.scalar(select(func.count(CultivatedPlatform.id))) or 0
    rows = session.scalars(select(CultivatedPlatform).order_by(CultivatedPlatform.recognised_on.desc(),
                                                               CultivatedPlatform.id.desc())
                           .limit(page_size).offset((page - 1) * page_size))
    return Page([platform_view(r) for r in rows], total, page, page_size)


def add_platform(session: Session, actor: Principal, raw: dict) -> dict:
    require_operator(actor, "record cultivated platforms")
    clean = _clean(session, {k: v for k, v in raw.items() if v is not None}, partial=False)
    acting_as(session, actor)
    row = CultivatedPlatform(created_by=actor.username, **{"status": "active", **clean})
    session.add(row)
    session.flush()
    return platform_view(row)


def update_platform(session: Session, actor: Principal, platform_id: int, raw: dict) -> dict:
    """Correct a record or revoke it (status revoked, with the reason in note); the audit log keeps the past."""
    require_operator(actor, "change cultivated platforms")
    row = session.get(CultivatedPlatform, platform_id)
    if row is None:
        raise NotFound(f"cultivated platform {platform_id} does not exist")
    clean = _clean(session, raw, partial=True)
    acting_as(session, actor)
    for name, value in clean.items():
        setattr(row, name, value)
    session.flush()
    return platform_view(row)
