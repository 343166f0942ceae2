"""Demands as matching reads them: through lingxi.enterprises, which owns them and their confidentiality rules
(public demands for every member, operator-only for operators and the enterprise itself, secret for the enterprise
and operators, mined drafts for operators until confirmed), so matching never shows more than demands do.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal


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


def load_demand(session: Session, actor: Principal, demand_id: int) -> DemandView:
    """The demand if the actor may see it (NotFound otherwise, also for a demand that exists but is hidden)."""
    from lingxi.db.models import Organisation
    from lingxi.enterprises.demands import load_visible

    row = load_visible(session, actor, demand_id)  # NotFound / PermissionDenied by the owner's rules
    organisation = session.get(Organisation, row.organisation_id)
    return DemandView(id=row.id, organisation_id=row.organisation_id, title=row.title or "",
                      description=row.description or "", chain_taxonomy=row.chain_taxonomy,
                      chain_node=row.chain_node, trl_min=row.trl_min, trl_max=row.trl_max,
                      region=organisation.province if organisation is not None else None,
                      confidentiality=row.confidentiality)
