"""How the KPI drill-down shows the enterprise records an indicator counts (operators only; lingxi.kpi.report
asks here for the record types below): yearly operating figures, patent-product filings, cultivated platforms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import CultivatedPlatform, EnterpriseOperatingYear, Organisation, PatentProductFiling

RECORD_TYPES = ("operating_year", "product_filing", "platform")


def _s(value) -> str | None:
    return None if value is None else str(value)


def record_views(session: Session, record_type: str, ids: list[int]) -> list[dict[str, Any]]:
    if record_type == "operating_year":
        rows = session.execute(select(EnterpriseOperatingYear, Organisation.name)
                               .join(Organisation, Organisation.id == EnterpriseOperatingYear.organisation_id)
                               .where(EnterpriseOperatingYear.id.in_(ids)).order_by(EnterpriseOperatingYear.id))
        return [{"id": r.id, "organisation": name, "year": r.year, "revenue_yuan": _s(r.revenue_yuan),
                 "patent_revenue_yuan": _s(r.patent_revenue_yuan), "employees": r.employees,
                 "link": f"/enterprises/{r.organisation_id}#operating"} for r, name in rows]
    if record_type == "product_filing":
        rows = session.execute(select(PatentProductFiling, Organisation.name)
                               .join(Organisation, Organisation.id == PatentProductFiling.organisation_id)
                               .where(PatentProductFiling.id.in_(ids)).order_by(PatentProductFiling.id))
        return [{"id": r.id, "product_name": r.product_name, "organisation": name, "filing_number": r.filing_number,
                 "filed_on": _s(r.filed_on), "status": r.status, "patents": len(r.patent_numbers or []),
                 "link": f"/enterprises/{r.organisation_id}#product-filings"} for r, name in rows]
    if record_type == "platform":
        return [{"id": r.id, "name": r.name, "platform_kind": r.kind, "province": r.province, "city": r.city,
                 "recognised_on": _s(r.recognised_on), "recognised_by": r.recognised_by, "evidence": r.evidence,
                 "link": "/cultivated-platforms"}
                for r in session.scalars(select(CultivatedPlatform).where(CultivatedPlatform.id.in_(ids))
                                         .order_by(CultivatedPlatform.id))]
    raise ValueError(f"not an enterprise record type: {record_type}")
