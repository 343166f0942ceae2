"""Demands as matching reads them: through lingxi.enterprises (which owns them and their confidentiality rules).

`load_demand` asks lingxi.enterprises.demands.get_demand (the owner's rules: public demands for every member,
operator-only for operators and the enterprise itself, secret for the enterprise and operators). While that module
is not there it applies the same rules itself on the Demand table, so matching never shows more than demands do.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ENTERPRISES_MANAGE, ORGANISATIONS_DIRECTORY
from lingxi.errors import NotFound


@dataclass
class DemandView:
    """What matching uses of a demand."""

    id: int
    organisation_id: int
    title: str
    description: str
    chain_taxonomy: str | None = None
    chain_node: str | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    region: str | None = None  # the enterprise's province (a preference, not a filter)
    confidentiality: str = "public"

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}".strip()

    def as_dict(self) -> dict:
        return {"id": self.id, "organisation_id": self.organisation_id, "title": self.title,
                "chain_taxonomy": self.chain_taxonomy, "chain_node": self.chain_node, "trl_min": self.trl_min,
                "trl_max": self.trl_max, "confidentiality": self.confidentiality}


def may_see(actor: Principal, organisation_id: int, confidentiality: str) -> bool:
    if actor.can(ENTERPRISES_MANAGE) or actor.organisation_id == organisation_id:
        return True
    return confidentiality == "public" and actor.can(ORGANISATIONS_DIRECTORY)


def load_demand(session: Session, actor: Principal, demand_id: int) -> DemandView:
    """The demand if the actor may see it (NotFound otherwise, also for a demand that exists but is hidden)."""
    from lingxi.db.models import Demand, Organisation

    row = None
    try:
        from lingxi.enterprises.demands import get_demand
    except ImportError:
        get_demand = None
    if get_demand is not None:
        found = get_demand(session, actor, demand_id)  # raises NotFound / PermissionDenied by the owner's rules
        row = found if isinstance(found, Demand) else session.get(Demand, demand_id)
    else:
        row = session.get(Demand, demand_id)
        if row is None:
            raise NotFound(f"no demand {demand_id}")
        if not may_see(actor, row.organisation_id, row.confidentiality):
            # as lingxi.enterprises answers: "exists but hidden" would leak that a confidential demand exists
            raise NotFound(f"demand {demand_id} does not exist or is not visible to you")
    if row is None:
        raise NotFound(f"no demand {demand_id}")
    organisation = session.get(Organisation, row.organisation_id)
    return DemandView(id=row.id, organisation_id=row.organisation_id, title=row.title or "",
                      description=row.description or "", chain_taxonomy=row.chain_taxonomy,
                      chain_node=row.chain_node, trl_min=row.trl_min, trl_max=row.trl_max,
                      region=organisation.province if organisation is not None else None,
                      confidentiality=row.confidentiality)
