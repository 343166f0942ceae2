"""Events (活动): matchmaking fairs, roadshows, auctions and training sessions (对接会/路演/拍卖/培训) with their
date, participants, the patents and demands presented, and outcomes (enquiries, deals). The statistics count events
and trainees by kind, for the programme KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.roles import DEALS_MANAGE, PATENTS_READ, STATS_READ, require
from lingxi.db.audit import acting_as
from lingxi.db.models import Deal, Demand, MarketEvent, Patent
from lingxi.errors import InvalidInput, NotFound

KINDS = {"matchmaking": ("对接会", "Matchmaking fair"), "roadshow": ("路演", "Roadshow"),
         "auction": ("拍卖", "Auction"), "training": ("培训", "Training")}


def _ids(session: Session, model, values, field: str) -> list[int]:
    if values in (None, "", []):
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",") if v.strip()]
    try:
        ids = list(dict.fromkeys(int(v) for v in values))
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be ids, got {values!r}", field=field) from None
    known = set(session.scalars(select(model.id).where(model.id.in_(ids))))
    if missing := [i for i in ids if i not in known]:
        raise NotFound(f"{field}: not found: {', '.join(map(str, missing))}", field=field)
    return ids


def _names(values) -> list[str]:
    if values in (None, "", []):
        return []
    if isinstance(values, str):
        values = values.replace("，", ",").replace("\n", ",").split(",")
    return [str(v).strip() for v in values if str(v).strip()]


def event_dict(row: MarketEvent) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "kind_zh": KINDS[row.kind][0], "kind_en": KINDS[row.kind][1],
            "title": row.title, "held_on": row.held_on.isoformat(), "location": row.location,
            "organiser": row.organiser, "participants": list(row.participants or []), "trainees": row.trainees,
            "patent_ids": list(row.patent_ids or []), "demand_ids": list(row.demand_ids or []),
            "enquiries": row.enquiries, "deal_ids": list(row.deal_ids or []), "outcome": row.outcome,
            "created_by": row.created_by}


def _apply(session: Session, row: MarketEvent, values: dict[str, Any]) -> None:
    if "kind" in values:
        row.kind = fields.choice(values["kind"], "kind", tuple(KINDS))
    if "title" in values:
        row.title = fields.text(values["title"], "title", limit=300)
    if "held_on" in values:
        row.held_on = fields.date(values["held_on"], "held_on")
    for key in ("location", "organiser"):
        if key in values:
            setattr(row, key, fields.text(values[key], key, required=False, limit=200))
    if "participants" in values:
        row.participants = _names(values["participants"])
    for key in ("trainees", "enquiries"):
        if key in values and values[key] not in (None, ""):
            setattr(row, key, fields.integer(values[key], key, 0, 1_000_000, required=True))
    if "patent_ids" in values:
        row.patent_ids = _ids(session, Patent, values["patent_ids"], "patent_ids")
    if "demand_ids" in values:
        row.demand_ids = _ids(session, Demand, values["demand_ids"], "demand_ids")
    if "deal_ids" in values:
        row.deal_ids = _ids(session, Deal, values["deal_ids"], "deal_ids")
    if "outcome" in values:
        row.outcome = fields.text(values["outcome"], "outcome", required=False, limit=4000)
    unknown = set(values) - {"kind", "title", "held_on", "location", "organiser", "participants", "trainees",
                             "enquiries", "patent_ids", "demand_ids", "deal_ids", "outcome"}
    if unknown:
        raise InvalidInput(f"unknown event fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])


def create_event(session: Session, actor, values: dict[str, Any]) -> dict[str, Any]:
    require(actor, DEALS_MANAGE)
    acting_as(session, actor)
    for key in ("kind", "title", "held_on"):
        if values.get(key) in (None, ""):
            raise InvalidInput(f"{key} is required", field=key)
    row = MarketEvent(participants=[], patent_ids=[], demand_ids=[], deal_ids=[], trainees=0, enquiries=0,
                      created_by=actor.username)
    _apply(session, row, dict(values))
    if row.kind != "training" and row.trainees:
        raise InvalidInput("trainees are counted for training sessions only", field="trainees")
    session.add(row)
    session.flush()
    return event_dict(row)


def update_event(session: Session, actor, event_id, values: dict[str, Any]) -> dict[str, Any]:
    """Record outcomes after the event (enquiries, deals) or correct its details."""
    require(actor, DEALS_MANAGE)
    acting_as(session, actor)
    row = session.get(MarketEvent, int(event_id)) if str(event_id).isdigit() else None
    if row is None:
        raise NotFound(f"event {event_id} not found", field="event_id")
    try:
        _apply(session, row, dict(values))
    except Exception:
        session.expire(row)  # a refused field leaves the event as it was
        raise
    session.flush()
    return event_dict(row)


def list_events(session: Session, actor, kind: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    require(actor, PATENTS_READ)
    query = select(MarketEvent).order_by(MarketEvent.held_on.desc(), MarketEvent.id.desc())
    if kind:
        query = query.where(MarketEvent.kind == fields.choice(kind, "kind", tuple(KINDS)))
    if year:
        query = query.where(MarketEvent.held_on >= dt.date(int(year), 1, 1),
                            MarketEvent.held_on <= dt.date(int(year), 12, 31))
    return [event_dict(row) for row in session.scalars(query)]


def event_stats(session: Session, actor, year: int | None = None) -> dict[str, Any]:
    """Events and trainees by kind (aggregate figures: regulators may read them)."""
    require(actor, STATS_READ)
    query = select(MarketEvent.kind, func.count(), func.coalesce(func.sum(MarketEvent.trainees), 0),
                   func.coalesce(func.sum(MarketEvent.enquiries), 0)).group_by(MarketEvent.kind)
    if year:
        query = query.where(MarketEvent.held_on >= dt.date(int(year), 1, 1),
                            MarketEvent.held_on <= dt.date(int(year), 12, 31))
    by_kind = {kind: {"events": 0, "trainees": 0, "enquiries": 0} for kind in KINDS}
    for kind, count, trainees, enquiries in session.execute(query):
        by_kind[kind] = {"events": count, "trainees": int(trainees), "enquiries": int(enquiries)}
    return {"year": year, "by_kind": by_kind, "events": sum(v["events"] for v in by_kind.values()),
            "trainees": sum(v["trainees"] for v in by_kind.values())}
