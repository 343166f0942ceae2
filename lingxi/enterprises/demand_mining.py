"""Demand mining (需求挖掘): suggest technologies an enterprise probably lacks, as draft demands an operator confirms.

Reasoning, each step kept in the draft's `mining_reason` so the operator sees why:
1. Where the enterprise is: the chain nodes of its own patents (PatentTag rows of chain taxonomies, rejected tags
   ignored). Without tagged patents, its main products (profile) are classified onto a chain instead.
2. Who its peers are: other applicants with patents on the same nodes or their parent branches (its segment).
3. What it lacks: nodes of the same chain where peers hold patents and it holds none, weighted by how close they sit
   in the chain's structure — a sibling under the same parent (1.0: the next component of what it makes), the same
   stream (0.8), the neighbouring stream up or down the chain (0.6: what it buys or sells to), anything else (0.3) —
   times the share of peers active there, times the share of its patents in that chain (a stray tag in a foreign
   chain does not make it a player there). Ancestors and descendants of its own nodes are not gaps.
Nodes that already carry one of its demands (discarded drafts included) are not suggested again.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.base import utcnow
from lingxi.db.models import Demand, DemandStatusChange, Organisation, PatentParty, PatentTag
from lingxi.enterprises.access import require_operator
from lingxi.enterprises.chain_nodes import chain_taxonomies, classify_demand
from lingxi.enterprises.files import _enterprise, profile_of
from lingxi.enterprises.patent_links import OWNER_ROLES, enterprise_patent_ids, linked_party_ids
from lingxi.tagging import store
from lingxi.tagging.taxonomy import Taxonomy

STREAM_ORDER = {"upstream": 0, "midstream": 1, "downstream": 2}
MAX_PEERS = 200


def _chain_patents(session: Session, patent_ids: list[int], chains: list[str]) -> Counter:
    """How many of the enterprise's patents each chain tags: a stray tag in a foreign chain weighs little."""
    if not patent_ids:
        return Counter()
    rows = session.execute(
        select(PatentTag.taxonomy_name, func.count(func.distinct(PatentTag.patent_id)))
        .where(PatentTag.patent_id.in_(patent_ids), PatentTag.taxonomy_name.in_(chains),
               PatentTag.status != "rejected").group_by(PatentTag.taxonomy_name))
    return Counter({name: count for name, count in rows})


def _own_nodes(session: Session, patent_ids: list[int], chains: list[str]) -> dict[str, Counter]:
    own: dict[str, Counter] = {}
    if not patent_ids:
        return own
    rows = session.execute(select(PatentTag.taxonomy_name, PatentTag.node_key,
                                  func.count(func.distinct(PatentTag.patent_id)))
                           .where(PatentTag.patent_id.in_(patent_ids), PatentTag.taxonomy_name.in_(chains),
                                  PatentTag.status != "rejected")
                           .group_by(PatentTag.taxonomy_name, PatentTag.node_key))
    for taxonomy, node, count in rows:
        own.setdefault(taxonomy, Counter())[node] = count
    return own


def _closeness(taxonomy: Taxonomy, candidate: str, own: Counter) -> tuple[float, str, str]:
    """(weight, relation, the own node it relates to) of the closest own node, the busier one on a tie."""
    ordered = sorted(own, key=lambda node: (-own[node], node))
    best = (0.3, "same chain", ordered[0])
    for node in ordered:
        if taxonomy.node(candidate).parent == taxonomy.node(node).parent:
            return 1.0, "sibling", node
        a, b = taxonomy.effective_stream(candidate), taxonomy.effective_stream(node)
        if a and a == b and best[0] < 0.8:
            best = (0.8, "same stream", node)
        elif a in STREAM_ORDER and b in STREAM_ORDER and abs(STREAM_ORDER[a] - STREAM_ORDER[b]) == 1 and best[0] < 0.6:
            best = (0.6, "upstream" if STREAM_ORDER[a] < STREAM_ORDER[b] else "downstream", node)
    return best


def find_gaps(session: Session, organisation_id: int, limit: int = 3) -> list[dict]:
    """The suggested gaps, best first, each with its reason; nothing is stored."""
    organisation = _enterprise(session, organisation_id)
    chains = {row.name: row for row in chain_taxonomies(session)}
    patent_ids = enterprise_patent_ids(session, organisation_id)
    own = _own_nodes(session, patent_ids, list(chains))
    chain_patents = _chain_patents(session, patent_ids, list(chains))
    basis = "patents"
    if not own:
        profile = profile_of(session, organisation_id)
        if profile is None or not profile.products:
            return []
        found = classify_demand(session, organisation.name, profile.products)
        if not found:
            return []
        own = {found["taxonomy"]: Counter({found["node"]: 0})}
        basis = "products"
    own_parties = set(linked_party_ids(session, organisation_id))
    taken = set(session.execute(select(Demand.chain_taxonomy, Demand.chain_node)
                                .where(Demand.organisation_id == organisation_id)).all())
    gaps = []
    for name, own_counts in own.items():
        taxonomy = store.load_taxonomy(session, name, chains[name].version)
        tagged = {n for n in own_counts if n in taxonomy.by_key}
        related = set(tagged)
        for node in tagged:
            related.update(taxonomy.ancestors(node))
        # Its positions are the most specific nodes it has: a branch tagged only through a leaf is not a position.
        own_nodes = {n for n in tagged if not any(n in taxonomy.ancestors(other) for other in tagged)}
        if not own_nodes:
            continue
        # Peers: other owners of patents on the enterprise's own nodes or their parent branches (its segment).
        segment = own_nodes | {taxonomy.node(n).parent for n in own_nodes if taxonomy.node(n).parent}
        peer_rows = session.execute(
            select(PatentParty.party_id, func.count(func.distinct(PatentParty.patent_id)))
            .join(PatentTag, PatentTag.patent_id == PatentParty.patent_id)
            .where(PatentTag.taxonomy_name == name, PatentTag.node_key.in_(segment), PatentTag.status != "rejected",
                   PatentParty.role.in_(OWNER_ROLES))
            .group_by(PatentParty.party_id).order_by(func.count(func.distinct(PatentParty.patent_id)).desc())
            .limit(MAX_PEERS + len(own_parties)))
        peers = [party for party, _ in peer_rows if party not in own_parties][:MAX_PEERS]
        if not peers:
            continue
        activity = session.execute(
            select(PatentTag.node_key, func.count(func.distinct(PatentParty.party_id)),
                   func.count(func.distinct(PatentTag.patent_id)))
            .join(PatentParty, PatentParty.patent_id == PatentTag.patent_id)
            .where(PatentTag.taxonomy_name == name, PatentTag.status != "rejected",
                   PatentParty.party_id.in_(peers), PatentParty.role.in_(OWNER_ROLES))
            .group_by(PatentTag.node_key))
        for node, peer_count, peer_patents in activity:
            if node not in taxonomy.by_key or node in related or (name, node) in taken:
                continue
            if any(own_node in taxonomy.ancestors(node) for own_node in own_nodes):
                continue  # a finer part of what it already does is not a gap
            if taxonomy.node(node).parent is None:
                continue  # a whole stream (光伏上游) is too broad for a demand
            weight, relation, near = _closeness(taxonomy, node, Counter({n: own_counts[n] for n in own_nodes}))
            share = peer_count / len(peers)
            chain_share = chain_patents[name] / max(1, sum(chain_patents.values())) if basis == "patents" else 1.0
            gaps.append({
                "taxonomy": name, "node": node, "name_zh": taxonomy.node(node).name_zh,
                "name_en": taxonomy.node(node).name_en or taxonomy.node(node).name_zh,
                "score": round(weight * share * chain_share, 4), "ancestors": taxonomy.ancestors(node),
                "reason": {"basis": basis, "own_nodes": {k: own_counts[k] for k in sorted(own_nodes)},
                           "own_node_names": {k: taxonomy.node(k).name_zh for k in sorted(own_nodes)},
                           "own_patents": chain_patents[name] if basis == "patents" else 0,
                           "chain_share": round(chain_share, 3), "peers": len(peers), "peers_active": peer_count,
                           "peer_patents": peer_patents, "relation": relation, "related_to": near,
                           "related_to_name": taxonomy.node(near).name_zh,
                           "stream": taxonomy.effective_stream(node)},
            })
    gaps.sort(key=lambda gap: (-gap["score"], gap["taxonomy"], gap["node"]))
    chosen: list[dict] = []
    for gap in gaps:  # one suggestion per branch: 多晶硅料 and its child 硅料提纯 are one gap, the better-scored one
        if not any(c["taxonomy"] == gap["taxonomy"] and (c["node"] in gap["ancestors"] or gap["node"] in c["ancestors"])
                   for c in chosen):
            chosen.append(gap)
    return chosen[:limit]


RELATION_ZH = {"sibling": "同一环节的相邻技术", "same stream": "同一产业链环节", "upstream": "上游配套",
               "downstream": "下游应用", "same chain": "同一产业链"}


def _draft_text(gap: dict) -> tuple[str, str]:
    reason = gap["reason"]
    title = f"{gap['name_zh']}相关技术需求（需求挖掘建议）"
    if reason["basis"] == "patents":
        top = sorted(reason["own_node_names"].items(), key=lambda item: -reason["own_nodes"][item[0]])[:3]
        basis = (f"贵企业现有{reason['own_patents']}件专利，布局于" + "、".join(f"“{name}”" for _, name in top)
                 + f"等环节；“{gap['name_zh']}”与其中的“{reason['related_to_name']}”相关")
    else:
        basis = f"贵企业主营产品属于“{reason['related_to_name']}”"
    description = (f"{basis}；同链{reason['peers']}家同行中有{reason['peers_active']}家在“{gap['name_zh']}”"
                   f"（{RELATION_ZH.get(reason['relation'], reason['relation'])}）持有{reason['peer_patents']}件专利，"
                   f"而贵企业尚无布局。建议评估引进或合作开发{gap['name_zh']}相关技术。")
    return title, description


def mine_demands(session: Session, actor: Principal, organisation_id: int, limit: int = 3) -> list[dict]:
    """Store the gaps as draft demands (origin mined, unconfirmed) and return them; operators only."""
    require_operator(actor, "run demand mining")
    from lingxi.enterprises.demands import get_demand

    acting_as(session, actor)
    drafts = []
    for gap in find_gaps(session, organisation_id, limit):
        title, description = _draft_text(gap)
        demand = Demand(organisation_id=organisation_id, title=title, description=description, language="zh",
                        chain_taxonomy=gap["taxonomy"], chain_node=gap["node"], chain_node_auto=True,
                        chain_evidence={"mined": True, "score": gap["score"]}, technical_indicators=[],
                        confidentiality="operators", status="draft", origin="mined", confirmed=False,
                        mining_reason={**gap["reason"], "score": gap["score"], "node_name": gap["name_zh"],
                                       "node_name_en": gap["name_en"]},
                        created_by=actor.username)
        session.add(demand)
        session.flush()
        session.add(DemandStatusChange(demand_id=demand.id, from_status=None, to_status="draft",
                                       actor=actor.username, reason="suggested by demand mining", at=utcnow()))
        session.flush()
        drafts.append(get_demand(session, actor, demand.id))
    return drafts


def organisation_name(session: Session, organisation_id: int) -> str | None:
    return session.scalar(select(Organisation.name).where(Organisation.id == organisation_id))
