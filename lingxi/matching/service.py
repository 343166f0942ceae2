"""Matching on behalf of a user: what the API, the pages and the CLI call. Every function checks the actor's
permission (match.run) first; demands are read through their owner's confidentiality rules (matching.demands)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import MATCH_RUN, require
from lingxi.matching.engine import MatchEngine, MatchResult


def match_text(engine: MatchEngine, session: Session, actor: Principal, text: str, top_k: int = 10,
               holder_types: list[str] | None = None, region: str | None = None) -> MatchResult:
    """An ad-hoc demand text: nothing is stored; the actor's earlier feedback on the same text still counts."""
    require(actor, MATCH_RUN)
    return engine.match_text(text, top_k, holder_types, region, actor=actor, session=session)


def match_demand(engine: MatchEngine, session: Session, actor: Principal, demand_id: int, top_k: int = 10,
                 holder_types: list[str] | None = None, region: str | None = None) -> MatchResult:
    require(actor, MATCH_RUN)
    return engine.match_demand(session, actor, demand_id, top_k, holder_types, region)


def licensees(engine: MatchEngine, session: Session, actor: Principal, patent_id: int, top_k: int = 10) -> dict:
    from lingxi.matching.licensees import find_licensees

    return find_licensees(engine, session, actor, patent_id, top_k)


def give_feedback(session: Session, actor: Principal, patent_id: int, verdict: str, demand_id: int | None = None,
                  text: str | None = None, note: str | None = None) -> dict:
    from lingxi.matching.feedback import feedback_dict, record_feedback

    return feedback_dict(record_feedback(session, actor, patent_id, verdict, demand_id, text, note))
