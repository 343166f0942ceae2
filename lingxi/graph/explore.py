"""Exploring the knowledge graph: a node's neighbourhood and the shortest path between two nodes.

Both are a handful of set-based queries (lingxi.graph.edges); the shortest path is a bidirectional breadth-first
search that expands the smaller frontier one ring at a time, each ring one query per edge kind, so a path of length 4
between an enterprise and a university costs ~4 rounds of indexed queries instead of a walk over the whole graph.
Hubs (a taxonomy node with thousands of patents, a big applicant) are capped per ring so one query stays bounded;
taxonomy nodes are left out of paths by default because "both have a patent in the battery chain" is not a link
between two organisations.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ORGANISATIONS_READ_ALL, PATENTS_READ, require
from lingxi.db import in_batches
from lingxi.db.models import (
    Deal,
    Demand,
    FinanceProduct,
    Party,
    Patent,
    PledgeRecord,
    Talent,
    TaxonomyNodeRow,
    TaxonomyVersion,
)
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.graph.edges import CONFIDENTIAL_TYPES, EDGE_KINDS, NODE_TYPES, Edge, expand, parse_node

MAX_LIMIT = 500
MAX_DEPTH = 6
RING_CAP = 5000  # edges fetched per node type and edge kind in one ring of the path search


def visible_types(actor: Principal, wanted: list[str] | None = None) -> frozenset[str]:
    require(actor, PATENTS_READ)
    if wanted:
        unknown = [t for t in wanted if t not in NODE_TYPES]
        if unknown:
            raise InvalidInput(f"unknown node type {unknown[0]!r}; types are {', '.join(NODE_TYPES)}", field="types")
    types = frozenset(wanted or NODE_TYPES)
    if not actor.can(ORGANISATIONS_READ_ALL):
        types -= CONFIDENTIAL_TYPES
    return types


def _kinds(kinds: list[str] | None) -> frozenset[str] | None:
    if not kinds:
        return None
    unknown = [k for k in kinds if k not in EDGE_KINDS]
    if unknown:
        raise InvalidInput(f"unknown edge kind {unknown[0]!r}; kinds are {', '.join(EDGE_KINDS)}", field="kinds")
    return frozenset(kinds)


def describe_nodes(session: Session, node_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Labels for nodes, one query per type; ids that do not exist are left out."""
    by_type: dict[str, list] = defaultdict(list)
    for node_id in node_ids:
        node_type, key = parse_node(node_id)
        by_type[node_type].append(key)
    out: dict[str, dict[str, Any]] = {}

    def put(node_type: str, key, label: str, **extra) -> None:
        out[f"{node_type}:{key}"] = {"id": f"{node_type}:{key}", "type": node_type, "label": label, **extra}

    for node_type, keys in by_type.items():
        keys = list(dict.fromkeys(keys))
        for part in in_batches(keys, 500):
            if node_type == "patent":
                for pid, number, title in session.execute(
                        select(Patent.id, Patent.publication_number, Patent.title).where(Patent.id.in_(part))):
                    put("patent", pid, number or f"#{pid}", title=title)
            elif node_type == "org":
                for pid, name, party_type, province in session.execute(
                        select(Party.id, Party.name, Party.party_type, Party.province).where(Party.id.in_(part))):
                    put("org", pid, name, party_type=party_type, province=province)
            elif node_type == "person":
                for tid, name, affiliation, count in session.execute(
                        select(Talent.id, Talent.name, Talent.main_affiliation, Talent.patent_count)
                        .where(Talent.id.in_(part))):
                    put("person", tid, name, affiliation=affiliation, patents=count)
            elif node_type == "taxon":
                for key in part:
                    taxonomy, _, node = str(key).partition(":")
                    name = session.scalar(
                        select(TaxonomyNodeRow.name_zh).join(TaxonomyVersion,
                                                             TaxonomyVersion.id == TaxonomyNodeRow.taxonomy_id)
                        .where(TaxonomyVersion.name == taxonomy, TaxonomyNodeRow.key == node)
                        .order_by(TaxonomyVersion.version.desc()).limit(1))
                    put("taxon", key, name or key, taxonomy=taxonomy)
            elif node_type == "demand":
                for did, title in session.execute(select(Demand.id, Demand.title).where(Demand.id.in_(part))):
                    put("demand", did, title)
            elif node_type == "deal":
                for did, title, kind, state in session.execute(
                        select(Deal.id, Deal.title, Deal.kind, Deal.state).where(Deal.id.in_(part))):
                    put("deal", did, title, kind=kind, state=state)
            elif node_type == "pledge":
                for rid, pledgor, pledgee, number in session.execute(
                        select(PledgeRecord.id, PledgeRecord.pledgor, PledgeRecord.pledgee,
                               PledgeRecord.registration_number).where(PledgeRecord.id.in_(part))):
                    put("pledge", rid, number or f"{pledgor} → {pledgee}", pledgor=pledgor, pledgee=pledgee)
            elif node_type == "product":
                for pid, name, kind in session.execute(
                        select(FinanceProduct.id, FinanceProduct.name, FinanceProduct.kind)
                        .where(FinanceProduct.id.in_(part))):
                    put("product", pid, name, kind=kind)
    return out


def neighbours(session: Session, actor: Principal, node_id: str, *, types: list[str] | None = None,
               kinds: list[str] | None = None, limit: int = 50) -> dict[str, Any]:
    """The node and up to `limit` neighbours (of the given types, over the given edge kinds) with the edges."""
    allowed = visible_types(actor, types)
    node_type, key = parse_node(node_id)
    if node_type in CONFIDENTIAL_TYPES and not actor.can(ORGANISATIONS_READ_ALL):
        raise PermissionDenied(f"a {node_type} is the record of one organisation; your role does not read them")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    centre = describe_nodes(session, [node_id])
    if node_id not in centre:
        raise NotFound(f"node {node_id} not found")
    edges = expand(session, node_type, [key], types=allowed, kinds=_kinds(kinds), limit=limit + 1)
    seen: dict[str, Edge] = {}
    for edge in edges:
        other = edge.target if edge.source == node_id else edge.source
        if other != node_id and other not in seen:
            seen[other] = edge
    truncated = len(seen) > limit
    chosen = list(seen.items())[:limit]
    labels = describe_nodes(session, [other for other, _ in chosen])
    return {"node": centre[node_id], "nodes": [labels[o] for o, _ in chosen if o in labels],
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for o, e in chosen if o in labels],
            "truncated": truncated}


def shortest_path(session: Session, actor: Principal, source: str, target: str, *, max_depth: int = 4,
                  via: list[str] | None = None) -> dict[str, Any]:
    """One shortest path of at most `max_depth` edges; `via` limits the types of the nodes in between
    (default: every visible type but taxonomy nodes)."""
    allowed = visible_types(actor, via)
    if via is None:
        allowed -= {"taxon"}
    if not 1 <= max_depth <= MAX_DEPTH:
        raise InvalidInput(f"max_depth must be between 1 and {MAX_DEPTH}", field="max_depth")
    ends = describe_nodes(session, [source, target])
    for end in (source, target):
        if end not in ends:
            raise NotFound(f"node {end} not found")
        if parse_node(end)[0] in CONFIDENTIAL_TYPES and not actor.can(ORGANISATIONS_READ_ALL):
            raise PermissionDenied(f"{end} is the record of one organisation; your role does not read them")
    end_types = allowed | {parse_node(source)[0], parse_node(target)[0]}
    if source == target:
        return {"found": True, "length": 0, "nodes": [ends[source]], "edges": [], "explored": 1}

    # parent[node] = (previous node, edge) per side; frontiers hold the last ring
    parents = ({source: None}, {target: None})
    frontiers = ([source], [target])
    explored = 2
    meeting = None
    depth = 0
    while depth < max_depth and frontiers[0] and frontiers[1] and meeting is None:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        own, other = parents[side], parents[1 - side]
        by_type: dict[str, list] = defaultdict(list)
        for node_id in frontiers[side]:
            node_type, key = parse_node(node_id)
            by_type[node_type].append(key)
        ring = set(frontiers[side])
        next_ring: list[str] = []
        for node_type, keys in by_type.items():
            for edge in expand(session, node_type, keys, types=end_types, kinds=None, limit=RING_CAP):
                for here, there in ((edge.source, edge.target), (edge.target, edge.source)):
                    if here in ring and there not in own:  # edge lists hold both directions
                        if parse_node(there)[0] not in allowed and there not in other:
                            continue  # an end type that is not allowed in between (e.g. another taxon)
                        own[there] = (here, edge)
                        next_ring.append(there)
                        explored += 1
                        if there in other and meeting is None:
                            meeting = there
        frontiers = (next_ring, frontiers[1]) if side == 0 else (frontiers[0], next_ring)
        depth += 1
    if meeting is None:
        return {"found": False, "length": None, "nodes": [], "edges": [], "explored": explored,
                "max_depth": max_depth}
    chain_nodes, chain_edges = _walk(parents[0], meeting)
    tail_nodes, tail_edges = _walk(parents[1], meeting)
    path_nodes = list(reversed(chain_nodes)) + tail_nodes[1:]
    path_edges = list(reversed(chain_edges)) + tail_edges
    labels = describe_nodes(session, path_nodes)
    return {"found": True, "length": len(path_edges), "nodes": [labels[n] for n in path_nodes],
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in path_edges],
            "explored": explored}


def _walk(parents: dict, node: str) -> tuple[list[str], list[Edge]]:
    nodes, edges = [node], []
    while parents[node] is not None:
        previous, edge = parents[node]
        nodes.append(previous)
        edges.append(edge)
        node = previous
    return nodes, edges


def find_nodes(session: Session, actor: Principal, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Start points for the explorer: organisations, talents and patents whose name / number contains the text."""
    require(actor, PATENTS_READ)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("type part of a name or a number", field="q")
    found: list[dict[str, Any]] = []
    for pid, name, party_type in session.execute(
            select(Party.id, Party.name, Party.party_type).where(Party.kind == "organisation", Party.name.contains(text))
            .order_by(Party.name).limit(limit)):
        found.append({"id": f"org:{pid}", "type": "org", "label": name, "party_type": party_type})
    for tid, name, affiliation in session.execute(
            select(Talent.id, Talent.name, Talent.main_affiliation).where(Talent.name.contains(text))
            .order_by(Talent.patent_count.desc()).limit(limit)):
        found.append({"id": f"person:{tid}", "type": "person", "label": name, "affiliation": affiliation})
    for pid, number, title in session.execute(
            select(Patent.id, Patent.publication_number, Patent.title)
            .where(Patent.publication_number.contains(text.upper().replace(" ", ""))).limit(limit)):
        found.append({"id": f"patent:{pid}", "type": "patent", "label": number, "title": title})
    return found[: limit * 3]
