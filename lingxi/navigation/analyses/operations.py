"""Transfer, licence and pledge activity (运营活动): legal events recorded on the patents, deals made on the
platform's market (lingxi/market) and pledge registrations (PledgeRecord), per year and in total."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import Deal, DealPatent, PledgeRecord
from lingxi.navigation.analyses.frame import Frame
from lingxi.navigation.scope import Resolved

EVENT_CLASSES = ("transfer", "licence", "pledge", "open_licence", "invalidation", "litigation", "lapse")
EVENT_LABELS = {"transfer": "转让", "licence": "许可", "pledge": "质押", "open_licence": "开放许可",
                "invalidation": "无效", "litigation": "诉讼", "lapse": "失效"}


def operations(session: Session, frame: Frame, scope: Resolved) -> dict:
    events = Counter(c for _, c, _ in frame.events)
    per_year: dict[int, Counter] = defaultdict(Counter)
    for _, event_class, year in frame.events:
        if year and event_class in ("transfer", "licence", "pledge", "open_licence"):
            per_year[year][event_class] += 1
    active = {key for key, c, _ in frame.events if c in ("transfer", "licence", "pledge", "open_licence")}
    deals = Counter()
    amounts = defaultdict(Decimal)
    for kind, state, amount in session.execute(
            select(Deal.kind, Deal.state, Deal.contract_amount_yuan)
            .where(Deal.id.in_(select(DealPatent.deal_id).where(scope.where(DealPatent.patent_id))),
                   Deal.state != "cancelled", Deal.state != "draft")):
        deals[kind] += 1
        amounts[kind] += amount or Decimal(0)
    pledge_count, pledge_amount, pledged = session.execute(
        select(func.count(PledgeRecord.id), func.coalesce(func.sum(PledgeRecord.amount_yuan), 0),
               func.count(func.distinct(PledgeRecord.patent_id)))
        .where(scope.where(PledgeRecord.patent_id))).one()
    return {"events": {c: events.get(c, 0) for c in EVENT_CLASSES},
            "per_year": [{"year": y, **{c: per_year[y].get(c, 0) for c in ("transfer", "licence", "pledge",
                                                                             "open_licence")}}
                         for y in sorted(per_year)],
            "operated_applications": len(active),
            "operated_share": round(len(active) / len(frame.apps), 4) if frame.apps else 0.0,
            "deals": [{"kind": k, "count": deals[k], "amount_yuan": float(amounts[k])} for k in sorted(deals)],
            "pledges": {"records": int(pledge_count), "patents": int(pledged), "amount_yuan": float(pledge_amount)}}
