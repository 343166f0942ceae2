"""Licensee discovery, patent → enterprises (识别潜在许可实施对象): which enterprises would plausibly use a patent.

Each enterprise (an organisation of kind enterprise or SOE, with its enterprise file when it has one) is scored by
four fits, each 0…1, combined with LICENSEE_WEIGHTS:
- `portfolio`: how close its own patents are to this one (e5 cosine of stored vectors: the best one, and the mean
  of its best three), relative to the best enterprise — a company that already patents nearby can implement it;
- `products`: the patent's words found in its main products text (主营产品), IDF-weighted, plus their e5 cosine;
- `demands`: its open demands (需求) that this patent answers — the matching engine's own relevance of the patent to
  each demand the actor may see (confidential demands of others never count, so the ranking leaks nothing);
- `industry`: its GB/T 4754 industry name's words found in the patent's text and taxonomy nodes.
The enterprises considered are bounded (MAX_ENTERPRISES, the ones with a file, patents or demands first), and
every vector is read from the store or embedded once per process (products and demand texts are cached by hash).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import MATCH_RUN, ORGANISATIONS_DIRECTORY, require
from lingxi.db.models import Organisation, Patent, PatentParty
from lingxi.enterprises.access import ENTERPRISE_KINDS
from lingxi.errors import NotFound

LICENSEE_WEIGHTS = {"portfolio": 0.45, "products": 0.25, "demands": 0.20, "industry": 0.10}
MAX_ENTERPRISES = 500
OPEN_STATUSES = ("new", "matched", "negotiating", "in_negotiation")
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 20_000


@dataclass
class LicenseeMatch:
    organisation_id: int
    name: str
    kind: str
    province: str | None
    score: float
    features: dict[str, float | None] = field(default_factory=dict)
    explanation: dict = field(default_factory=dict)
    rank: int = 0

    def as_dict(self) -> dict:
        return {"rank": self.rank, "organisation_id": self.organisation_id, "name": self.name, "kind": self.kind,
                "province": self.province, "score": round(self.score, 4), "features": self.features,
                "explanation": self.explanation}


def _embed(embedder, text: str) -> np.ndarray:
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    vector = embedder.embed_query(text)
    with _cache_lock:
        _cache[key] = vector
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return vector


def find_licensees(engine, session: Session, actor: Principal, patent_id: int, top_k: int = 10) -> dict:
    """Ranked enterprises for one patent, with explanations. `engine` is a MatchEngine (indexes, model, scoring)."""
    require(actor, MATCH_RUN)
    require(actor, ORGANISATIONS_DIRECTORY)
    patent = session.get(Patent, patent_id)
    if patent is None:
        raise NotFound(f"no patent {patent_id}")
    from lingxi.db.models import Demand, EnterpriseProfile
    from lingxi.enterprises.demands import may_see
    from lingxi.matching.features import idf_weights, load_facts, query_terms, shared_terms

    organisations = session.scalars(select(Organisation).where(Organisation.kind.in_(ENTERPRISE_KINDS))
                                    .order_by(Organisation.id).limit(MAX_ENTERPRISES)).all()
    if not organisations:
        return {"patent": _patent_dict(patent), "licensees": [], "notes": ["no enterprise in the directory yet"]}
    org_ids = [org.id for org in organisations]
    profiles = {p.organisation_id: p for p in session.scalars(
        select(EnterpriseProfile).where(EnterpriseProfile.organisation_id.in_(org_ids)))}
    holdings = _holdings(session, org_ids)
    demands: dict[int, list] = {}
    for demand in session.scalars(select(Demand).where(Demand.organisation_id.in_(org_ids),
                                                       Demand.status.in_(OPEN_STATUSES))):
        if may_see(actor, demand):
            demands.setdefault(demand.organisation_id, []).append(demand)

    patent_text = f"{patent.title}\n{patent.abstract or ''}"
    facts = load_facts(session, [patent_id]).get(patent_id)
    node_names = _node_names(session, facts.tags if facts else {})
    notes: list[str] = []
    embedder, own_vector, vectors = None, None, {}
    try:
        from lingxi.matching.candidates import stored_vectors

        all_ids = {patent_id} | {p for ids in holdings.values() for p in ids}
        vectors = {p: v for p, (v, _) in stored_vectors(engine.search.vectors, all_ids).items()}
        own_vector = vectors.get(patent_id)
        embedder = engine.search.vectors.embedder()
    except Exception as error:  # noqa: BLE001 - without vectors, words still rank
        notes.append(f"semantic vectors unavailable ({error}): word overlap only")
    if own_vector is None and not notes:
        notes.append("this patent has no vector yet (embedding pending): word overlap only")

    patent_words = query_terms(patent_text)[:40]
    weights = idf_weights(engine.search, patent_words)
    results = []
    for org in organisations:
        profile = profiles.get(org.id)
        own = [p for p in holdings.get(org.id, []) if p != patent_id]
        values: dict[str, float | None] = {"portfolio": None, "products": None, "demands": None, "industry": None}
        why: dict = {}
        if own and own_vector is not None:
            sims = sorted(((float(vectors[p] @ own_vector), p) for p in own if p in vectors), reverse=True)
            if sims:
                values["portfolio"] = 0.5 * sims[0][0] + 0.5 * float(np.mean([s for s, _ in sims[:3]]))
                why["nearest_patents"] = [{"patent_id": p, "similarity": round(s, 3)} for s, p in sims[:3]]
        products = (profile.products or "").strip() if profile is not None else ""
        if products:
            shared, share = shared_terms(patent_words, weights, products)
            semantic = float(_embed(embedder, products) @ own_vector) if embedder is not None and own_vector is not None \
                else None
            values["products"] = share if semantic is None else 0.5 * share + 0.5 * _cosine_fit(semantic)
            why["products"] = {"shared_terms": shared[:8], "cosine": None if semantic is None else round(semantic, 3)}
        if demands.get(org.id):
            best, best_demand = 0.0, None
            for demand in demands[org.id]:
                text = f"{demand.title}\n{demand.description}"
                words = query_terms(text)
                _, share = shared_terms(words, idf_weights(engine.search, words), patent_text)
                semantic = float(_embed(embedder, text) @ own_vector) if embedder is not None and own_vector is not None \
                    else None
                fit = share if semantic is None else 0.5 * share + 0.5 * _cosine_fit(semantic)
                if fit > best:
                    best, best_demand = fit, demand
            values["demands"] = best
            if best_demand is not None:
                why["demand"] = {"id": best_demand.id, "title": best_demand.title, "fit": round(best, 3)}
        industry_code = profile.industry_code if profile is not None else None
        if industry_code:
            name = _industry_name(industry_code)
            if name:
                words = query_terms(name)
                haystack = patent_text + "\n" + "\n".join(node_names)
                shared, share = shared_terms(words, {w: 1.0 for w in words}, haystack)
                values["industry"] = share
                why["industry"] = {"code": industry_code, "name": name, "shared_terms": shared}
        if all(value is None for value in values.values()):
            continue
        results.append((org, values, why))

    # portfolio cosines are relative: the best enterprise's closeness is 1
    portfolio = [v["portfolio"] for _, v, _ in results if v["portfolio"] is not None]
    if portfolio:
        low, high = min(portfolio + [0.7]), max(portfolio)
        for _, values, _ in results:
            if values["portfolio"] is not None:
                values["portfolio"] = max(0.0, (values["portfolio"] - low) / max(high - low, 1e-6))
    ranked = []
    for org, values, why in results:
        contributions = {name: LICENSEE_WEIGHTS[name] * value for name, value in values.items() if value is not None}
        score = sum(contributions.values())
        reasons = [{"feature": name, "contribution": round(c, 4), "zh": f"{_WORDS[name][0]} +{c:.3f}",
                    "en": f"{_WORDS[name][1]} +{c:.3f}"} for name, c in sorted(contributions.items(),
                                                                           key=lambda item: -item[1]) if c > 0.001]
        ranked.append(LicenseeMatch(org.id, org.name, org.kind, org.province, score,
                                    {k: None if v is None else round(v, 4) for k, v in values.items()},
                                    {**why, "contributions": reasons,
                                     "why": {"zh": "；".join(r["zh"] for r in reasons[:3]) or "—",
                                             "en": "; ".join(r["en"] for r in reasons[:3]) or "—"}}))
    ranked.sort(key=lambda m: (-m.score, m.organisation_id))
    for rank, match in enumerate(ranked, 1):
        match.rank = rank
    titles = dict(session.execute(select(Patent.id, Patent.title).where(Patent.id.in_(
        {item["patent_id"] for m in ranked[:top_k] for item in m.explanation.get("nearest_patents", [])}))).all())
    for match in ranked[:top_k]:
        for item in match.explanation.get("nearest_patents", []):
            item["title"] = titles.get(item["patent_id"])
    return {"patent": _patent_dict(patent), "licensees": [m.as_dict() for m in ranked[:top_k]],
            "considered": len(organisations), "weights": LICENSEE_WEIGHTS, "notes": notes}


_WORDS = {"portfolio": ("自有专利技术相近", "its own patents are close"),
          "products": ("主营产品相关", "fits its main products"),
          "demands": ("满足其技术需求", "answers one of its demands"),
          "industry": ("所属行业相关", "fits its industry")}


def _cosine_fit(cosine: float) -> float:
    """e5 query↔passage cosines of related texts sit around 0.80–0.90: map 0.75 → 0 and 0.90 → 1."""
    return max(0.0, min(1.0, (cosine - 0.75) / 0.15))


def _holdings(session: Session, org_ids: list[int]) -> dict[int, list[int]]:
    """Organisation → ids of the patents it holds: its own party plus confirmed enterprise-patent links."""
    from lingxi.db.models import EnterprisePatentLink

    parties: dict[int, set[int]] = {}
    for org_id, party_id in session.execute(select(Organisation.id, Organisation.party_id)
                                            .where(Organisation.id.in_(org_ids), Organisation.party_id.is_not(None))):
        parties.setdefault(party_id, set()).add(org_id)
    for org_id, party_id in session.execute(select(EnterprisePatentLink.organisation_id, EnterprisePatentLink.party_id)
                                            .where(EnterprisePatentLink.organisation_id.in_(org_ids),
                                                   EnterprisePatentLink.status == "confirmed")):
        parties.setdefault(party_id, set()).add(org_id)
    holdings: dict[int, list[int]] = {}
    if not parties:
        return holdings
    for patent_id, party_id in session.execute(
        select(PatentParty.patent_id, PatentParty.party_id)
        .where(PatentParty.party_id.in_(list(parties)), PatentParty.role.in_(("applicant", "assignee")))
    ):
        for org_id in parties.get(party_id, ()):
            if patent_id not in holdings.setdefault(org_id, []):
                holdings[org_id].append(patent_id)
    return holdings


def _industry_name(code: str) -> str | None:
    from lingxi.enterprises.industries import lookup

    industry = lookup(code)
    return industry.name if industry is not None else None


def _node_names(session: Session, tags: dict[str, dict[str, float]]) -> list[str]:
    from lingxi.db.models import TaxonomyNodeRow, TaxonomyVersion

    keys = {key for nodes in tags.values() for key in nodes}
    if not keys:
        return []
    rows = session.execute(select(TaxonomyNodeRow.name_zh).join(TaxonomyVersion,
                                                                TaxonomyVersion.id == TaxonomyNodeRow.taxonomy_id)
                           .where(TaxonomyNodeRow.key.in_(keys), TaxonomyVersion.name.in_(list(tags)))).all()
    return sorted({name for (name,) in rows})


def _patent_dict(patent: Patent) -> dict:
    return {"id": patent.id, "key": patent.key, "external_id": patent.external_id,
            "publication_number": patent.publication_number, "title": patent.title}
