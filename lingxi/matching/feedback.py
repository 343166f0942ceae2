"""Match feedback: users mark a shown match interested / not_relevant / contacted, and later rankings listen.

Effects on a later ranking of the same demand (or the same ad-hoc text, by its hash), added to the score:
- the judged patent itself: not_relevant −1.00 (a relevance score is at most ~1: it leaves the first places), interested / contacted +0.15;
- patents very similar to a judged one (cosine of their stored e5 vectors above SIMILAR_FROM, scaled up to 1 at
  cosine 1): not_relevant −0.15 × similarity, interested / contacted +0.10 × similarity — "more like this",
  "less like this";
- verdicts the same organisation gave on the same patent for *other* demands or texts count at a fifth (an
  enterprise that found a patent irrelevant once probably still does, but a different need may differ).
The latest verdict of a user on a (context, patent) pair wins: changing one's mind replaces the effect.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import MATCH_RUN, require
from lingxi.db.audit import acting_as
from lingxi.db.models import MatchFeedback, Patent
from lingxi.db.models.matching import VERDICTS
from lingxi.errors import InvalidInput, NotFound

DIRECT = {"not_relevant": -1.00, "interested": 0.15, "contacted": 0.15}
SIMILAR = {"not_relevant": -0.15, "interested": 0.10, "contacted": 0.10}
OTHER_CONTEXT = 0.2  # weight of the organisation's verdicts on the same patent given for other demands / texts
SIMILAR_FROM = 0.92  # e5 cosine above which two patents count as "very similar" (unrelated ones of one language sit at 0.85–0.90)


def query_hash(text: str) -> str:
    """The key of an ad-hoc text: SHA-256 of its normalised form (case, spaces and width do not matter)."""
    from lingxi.text.normalise import normalise

    folded = re.sub(r"\s+", " ", normalise(text or "")).strip().lower()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass
class Verdict:
    patent_id: int
    verdict: str
    direct: bool  # given in this very context (same demand / same text)


def record_feedback(session: Session, actor: Principal, patent_id: int, verdict: str, demand_id: int | None = None,
                    text: str | None = None, note: str | None = None) -> MatchFeedback:
    """Store one verdict. A demand's feedback needs the demand to be visible to the actor."""
    require(actor, MATCH_RUN)
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}", field="verdict")
    if session.get(Patent, patent_id) is None:
        raise NotFound(f"no patent {patent_id}")
    if demand_id is None and not (text and text.strip()):
        raise InvalidInput("feedback needs the demand_id or the text the match was made for", field="demand_id")
    organisation_id = actor.organisation_id
    if demand_id is not None:
        from lingxi.matching.demands import load_demand

        demand = load_demand(session, actor, demand_id)
        organisation_id = demand.organisation_id if organisation_id is None else organisation_id
    acting_as(session, actor)
    row = MatchFeedback(user_id=actor.user_id, organisation_id=organisation_id, demand_id=demand_id,
                        query_hash=None if demand_id is not None else query_hash(text or ""),
                        patent_id=patent_id, verdict=verdict, note=(note or None))
    session.add(row)
    session.flush()
    return row


def feedback_dict(row: MatchFeedback) -> dict:
    return {"id": row.id, "patent_id": row.patent_id, "verdict": row.verdict, "demand_id": row.demand_id,
            "query_hash": row.query_hash, "organisation_id": row.organisation_id, "user_id": row.user_id,
            "note": row.note, "at": row.at.isoformat() if row.at else None}


def verdicts_for(session: Session, demand_id: int | None, text_hash: str | None,
                 organisation_id: int | None) -> list[Verdict]:
    """The verdicts that bear on a ranking: this context's (anyone's) and the organisation's elsewhere."""
    conditions = []
    if demand_id is not None:
        conditions.append(MatchFeedback.demand_id == demand_id)
    if text_hash is not None:
        conditions.append(MatchFeedback.query_hash == text_hash)
    if organisation_id is not None:
        conditions.append(MatchFeedback.organisation_id == organisation_id)
    if not conditions:
        return []
    rows = session.execute(
        select(MatchFeedback.user_id, MatchFeedback.demand_id, MatchFeedback.query_hash, MatchFeedback.patent_id,
               MatchFeedback.verdict).where(or_(*conditions)).order_by(MatchFeedback.at, MatchFeedback.id)
    ).all()
    latest: dict[tuple, Verdict] = {}
    for user_id, row_demand, row_hash, patent_id, verdict in rows:
        direct = (demand_id is not None and row_demand == demand_id) or (text_hash is not None and row_hash == text_hash)
        latest[(user_id, direct, row_demand, row_hash, patent_id)] = Verdict(patent_id, verdict, direct)
    return list(latest.values())


def adjustments(verdicts: list[Verdict], candidates: list[int], vectors: dict[int, np.ndarray],
                judged_vectors: dict[int, np.ndarray]) -> tuple[dict[int, float], dict[int, list[dict]]]:
    """Score change per candidate and the reasons (for the explanation)."""
    change: dict[int, float] = {}
    why: dict[int, list[dict]] = {}
    for verdict in verdicts:
        weight = 1.0 if verdict.direct else OTHER_CONTEXT
        if verdict.patent_id in candidates or verdict.patent_id in vectors:
            delta = DIRECT[verdict.verdict] * weight
            change[verdict.patent_id] = change.get(verdict.patent_id, 0.0) + delta
            why.setdefault(verdict.patent_id, []).append({"patent_id": verdict.patent_id, "verdict": verdict.verdict,
                                                          "direct": verdict.direct, "similarity": 1.0,
                                                          "change": round(delta, 3)})
        judged = judged_vectors.get(verdict.patent_id)
        if judged is None:
            continue
        for patent_id in candidates:
            if patent_id == verdict.patent_id or patent_id not in vectors:
                continue
            similarity = float(vectors[patent_id] @ judged)
            if similarity < SIMILAR_FROM:
                continue
            scale = (similarity - SIMILAR_FROM) / (1.0 - SIMILAR_FROM)
            delta = SIMILAR[verdict.verdict] * weight * scale
            change[patent_id] = change.get(patent_id, 0.0) + delta
            why.setdefault(patent_id, []).append({"patent_id": verdict.patent_id, "verdict": verdict.verdict,
                                                  "direct": verdict.direct, "similarity": round(similarity, 3),
                                                  "change": round(delta, 3)})
    return change, why


def list_feedback(session: Session, actor: Principal, demand_id: int | None = None, text: str | None = None
                  ) -> list[dict]:
    require(actor, MATCH_RUN)
    query = select(MatchFeedback).order_by(MatchFeedback.at.desc(), MatchFeedback.id.desc())
    if demand_id is not None:
        from lingxi.matching.demands import load_demand

        load_demand(session, actor, demand_id)
        query = query.where(MatchFeedback.demand_id == demand_id)
    elif text:
        query = query.where(MatchFeedback.query_hash == query_hash(text), MatchFeedback.user_id == actor.user_id)
    else:
        query = query.where(MatchFeedback.user_id == actor.user_id)
    return [feedback_dict(row) for row in session.scalars(query.limit(500))]
