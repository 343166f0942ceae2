"""Patent-product filings (专利产品备案): a product of the enterprise filed with the national patent-product filing
system (or another authority) as implementing the listed patents.

The programme counts them per year of filing (SPEC.md §12, Shaanxi indicator 8). The enterprise records its own
filings, operators any. Patent numbers are kept as filed; those found on the platform are linked by id too, so a
filing that names a patent the platform has not imported is still recorded and still counts.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.models import Organisation, Patent, PatentProductFiling
from lingxi.enterprises import values
from lingxi.enterprises.access import ENTERPRISE_KINDS, require_file_access, require_file_edit
from lingxi.errors import Conflict, InvalidInput, NotFound

STATUSES = ("filed", "valid", "expired", "revoked")  # 已备案 / 有效 / 已到期 / 已撤销
STATUS_SYNONYMS = {"已备案": "filed", "备案": "filed", "有效": "valid", "已到期": "expired", "到期": "expired",
                   "已撤销": "revoked", "撤销": "revoked"}
COUNTED_STATUSES = ("filed", "valid", "expired")  # a revoked filing never counted; an expired one did in its year
FIELDS = ("product_name", "patent_numbers", "filing_number", "filed_on", "authority", "status", "note")


def _enterprise(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in ENTERPRISE_KINDS:
        raise NotFound(f"enterprise {organisation_id} does not exist")
    return organisation


def _patent_ids(session: Session, numbers: list[str]) -> list[int]:
    if not numbers:
        return []
    found = session.scalars(select(Patent.id).where(or_(Patent.publication_number.in_(numbers),
                                                        Patent.application_number.in_(numbers)))
                            .order_by(Patent.id)).all()
    return list(dict.fromkeys(found))


def filing_view(row: PatentProductFiling) -> dict:
    return {"id": row.id, "organisation_id": row.organisation_id, "product_name": row.product_name,
            "patent_numbers": row.patent_numbers or [], "patent_ids": row.patent_ids or [],
            "filing_number": row.filing_number, "filed_on": row.filed_on.isoformat(), "authority": row.authority,
            "status": row.status, "note": row.note, "created_by": row.created_by}


def filings_of(session: Session, actor: Principal, organisation_id: int) -> list[dict]:
    require_file_access(actor, organisation_id)
    _enterprise(session, organisation_id)
    return [filing_view(r) for r in session.scalars(
        select(PatentProductFiling).where(PatentProductFiling.organisation_id == organisation_id)
        .order_by(PatentProductFiling.filed_on.desc(), PatentProductFiling.id.desc()))]


def _clean(raw: dict, partial: bool) -> dict:
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field {min(unknown)!r}", field=min(unknown))
    out: dict = {}
    if "product_name" in raw or not partial:
        out["product_name"] = values.text(raw.get("product_name"), "product_name", 300, required=True)
    if "patent_numbers" in raw or not partial:
        out["patent_numbers"] = [n.upper().replace(" ", "") for n in values.name_list(raw.get("patent_numbers"))]
        if not out["patent_numbers"]:
            raise InvalidInput("a patent-product filing names at least one patent", field="patent_numbers")
    if "filing_number" in raw:
        out["filing_number"] = values.text(raw.get("filing_number"), "filing_number", 80)
    if "filed_on" in raw or not partial:
        out["filed_on"] = values.date(raw.get("filed_on"), "filed_on")
        if out["filed_on"] is None:
            raise InvalidInput("filed_on is required", field="filed_on")
    if "authority" in raw:
        out["authority"] = values.text(raw.get("authority"), "authority", 200)
    if "status" in raw:
        out["status"] = values.choice(raw.get("status"), "status", STATUSES, STATUS_SYNONYMS) or "filed"
    if "note" in raw:
        out["note"] = values.text(raw.get("note"), "note")
    return out


def _check_number(session: Session, number: str | None, own_id: int | None) -> None:
    if not number:
        return
    other = session.scalar(select(PatentProductFiling.id).where(PatentProductFiling.filing_number == number))
    if other is not None and other != own_id:
        raise Conflict(f"filing number {number} is recorded already (filing {other})", field="filing_number")


def add_filing(session: Session, actor: Principal, organisation_id: int, raw: dict) -> dict:
    """Record a filing of the enterprise (its own users or operators)."""
    require_file_edit(actor, organisation_id)
    _enterprise(session, organisation_id)
    clean = _clean({k: v for k, v in raw.items() if v is not None}, partial=False)
    _check_number(session, clean.get("filing_number"), None)
    acting_as(session, actor)
    row = PatentProductFiling(organisation_id=organisation_id, created_by=actor.username,
                              patent_ids=_patent_ids(session, clean["patent_numbers"]),
                              **{"status": "filed", **clean})
    session.add(row)
    session.flush()
    return filing_view(row)


def update_filing(session: Session, actor: Principal, filing_id: int, raw: dict) -> dict:
    """Change a filing (e.g. its status when revoked); the audit log keeps what it was."""
    row = session.get(PatentProductFiling, filing_id)
    if row is None:
        raise NotFound(f"patent-product filing {filing_id} does not exist")
    require_file_edit(actor, row.organisation_id)
    clean = _clean(raw, partial=True)
    _check_number(session, clean.get("filing_number"), row.id)
    acting_as(session, actor)
    for name, value in clean.items():
        setattr(row, name, value)
    if "patent_numbers" in clean:
        row.patent_ids = _patent_ids(session, clean["patent_numbers"])
    session.flush()
    return filing_view(row)
