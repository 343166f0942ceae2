"""The demands (需求, lingxi.enterprises) a subscription may follow: who may see one, and the text that is matched."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ENTERPRISES_MANAGE
from lingxi.db.models import Demand
from lingxi.errors import InvalidInput


def visible_demand(session: Session, actor: Principal, demand_id: int, field: str = "demand_id") -> Demand:
    """The demand if this user may follow it: its own enterprise's, any for operators, or a public confirmed one.
    Anything else is answered as unknown, so a subscription form never reveals that a secret demand exists."""
    demand = session.get(Demand, demand_id)
    if demand is not None:
        if actor.can(ENTERPRISES_MANAGE):
            return demand
        if actor.organisation_id is not None and demand.organisation_id == actor.organisation_id:
            return demand
        if demand.confidentiality == "public" and demand.confirmed:
            return demand
    raise InvalidInput(f"demand {demand_id} does not exist or is not visible to you", field=field)


def demand_text(demand: Demand) -> str:
    """What a push run embeds for the demand: its title and description (indicators add words, not meaning)."""
    parts = [demand.title.strip(), (demand.description or "").strip()]
    return "。".join(part for part in parts if part)


def demand_texts(session: Session, demand_ids: set[int]) -> dict[int, str]:
    if not demand_ids:
        return {}
    rows = session.scalars(select(Demand).where(Demand.id.in_(demand_ids)))
    return {demand.id: demand_text(demand) for demand in rows}


def followable_demands(session: Session, actor: Principal, limit: int = 200) -> list[Demand]:
    """Demands a subscription form offers: the user's own enterprise's, or every demand for operators."""
    statement = select(Demand).where(Demand.status.notin_(("closed", "solved"))).order_by(Demand.id.desc())
    if not actor.can(ENTERPRISES_MANAGE):
        if actor.organisation_id is None:
            return []
        statement = statement.where(Demand.organisation_id == actor.organisation_id)
    return list(session.scalars(statement.limit(limit)))
