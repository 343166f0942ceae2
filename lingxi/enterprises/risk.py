"""Risk indicators of an enterprise file (风险指标): what the platform's own records show, next to what operators
record by hand (EnterpriseProfile.risk_indicators, e.g. litigation or credit ratings from outside sources).

Computed, each with the numbers behind it so an operator can check it:
- pledged patents: active pledges (not released) on its patents — encumbered IP limits transfers and new loans;
- lapsed patents: share of its patents with a lapse event (fees unpaid, withdrawn) — a portfolio left to decay;
- overdue demands: open demands past their deadline — a need the platform has not served.
Levels: "high" / "medium" / "low" by fixed thresholds written next to each rule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import Demand, PatentLegalEvent, PledgeRecord

OPEN = ("new", "matched", "negotiating")


def _level(value: float, medium: float, high: float) -> str:
    return "high" if value >= high else "medium" if value >= medium else "low"


def computed_risks(session: Session, organisation_id: int, patent_ids: list[int]) -> dict:
    risks: dict[str, dict] = {}
    if patent_ids:
        pledged = session.scalar(select(func.count(func.distinct(PledgeRecord.patent_id))).where(
            PledgeRecord.patent_id.in_(patent_ids), PledgeRecord.released_on.is_(None))) or 0
        share = pledged / len(patent_ids)
        risks["pledged_patents"] = {"value": pledged, "share": round(share, 3), "level": _level(share, 0.2, 0.5),
                                    "note": "active pledges on its patents (medium ≥ 20 %, high ≥ 50 %)"}
    if patent_ids:
        lapsed = session.scalar(select(func.count(func.distinct(PatentLegalEvent.patent_id))).where(
            PatentLegalEvent.patent_id.in_(patent_ids), PatentLegalEvent.event_class == "lapse")) or 0
        share = lapsed / len(patent_ids)
        risks["lapsed_patents"] = {"value": lapsed, "share": round(share, 3), "level": _level(share, 0.3, 0.6),
                                   "note": "patents with a lapse event (medium ≥ 30 %, high ≥ 60 %)"}
    overdue = session.scalar(select(func.count()).select_from(Demand).where(
        Demand.organisation_id == organisation_id, Demand.status.in_(OPEN), Demand.confirmed.is_(True),
        Demand.deadline < dt.date.today())) or 0
    risks["overdue_demands"] = {"value": overdue, "level": _level(overdue, 1, 3),
                                "note": "open demands past their deadline (medium ≥ 1, high ≥ 3)"}
    return risks
