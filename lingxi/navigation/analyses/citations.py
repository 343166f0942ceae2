"""Citation network analysis (引证网络分析) of a scope: the citation graph among the scope's applications plus the
applications in the store that they cite or that cite them (one step out), read as one directed graph of knowledge
flow, cited → citing.

Nodes are applications (an A and its B publication are one node, as everywhere in the frame). The figures:
  * size: nodes and edges, split into in-scope / outside, and which citations come from outside the scope;
  * most-cited applications of the scope (in-degree = distinct citing applications in the store) with their holders;
  * the main path: Search Path Count (SPC) traversal weights (Hummon & Doreian 1989; Batagelj 2003) on the
    time-ordered DAG, and the global main path (Liu & Lu 2012): the source-to-sink path with the largest sum of SPC;
  * citation flows among the scope's top applicants (an org × org table: row cites column) and the self-citation
    share (citing and cited application share their first applicant).

Time order and cycles: a node's position is (filing year, application key). CN application serials are handed out
in filing order within a year, so the key breaks same-year ties in (nearly) filing order and always the same way.
An edge is kept for the main path only when the cited node comes before the citing one in that order, which makes
the graph acyclic by construction; a citation against time (a later filing cited by an earlier one, or a citation
loop) is dropped from the main path and counted. SPC takes one forward pass (N⁻, paths from the sources) and one
backward pass (N⁺, paths to the sinks) over the edges, SPC(u→v) = N⁻(u)·N⁺(v), path counts as floats; the passes
and the main-path dynamic programme run group by group (filing year, then depth among same-year links) with numpy,
so 100k applications and 280k links take a fraction of a second. The chart keeps the main path and the most-cited
nodes (at most DISPLAY_NODES, PER_YEAR a year) with x = filing year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import chain

import numpy as np
from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.models import Party, Patent, PatentCitation, PatentParty
from lingxi.navigation.analyses.frame import Frame
from lingxi.navigation.scope import Resolved
from lingxi.patents.inventions import invention_key

DISPLAY_NODES = 60  # nodes drawn in the network chart: the main path first, then the most-cited
PER_YEAR = 6  # most-cited nodes drawn per filing year besides the main path
TOP_APPLICANTS = 8  # rows/columns of the citation-flow table


def _outside_nodes(session: Session, pids: list[int]) -> dict[int, tuple]:
    """Attributes of the out-of-scope patents linked to the scope, and their first applicant."""
    connection = session.connection()
    found: dict[int, tuple] = {}
    first: dict[int, int] = {}
    for part in in_batches(pids):
        for pid, key, app_no, day, pub, title in connection.execute(
                select(Patent.id, Patent.key, Patent.application_number, Patent.application_date,
                       Patent.publication_number, Patent.title).where(Patent.id.in_(part))):
            found[pid] = (invention_key(app_no, key), day.year if day else None, pub, title)
        for pid, party_id in connection.execute(
                select(PatentParty.patent_id, PatentParty.party_id)
                .where(PatentParty.patent_id.in_(part), PatentParty.role == "applicant")
                .order_by(PatentParty.patent_id, PatentParty.sequence)):
            first.setdefault(pid, party_id)
    names = {}
    ids = sorted(set(first.values()))
    for part in in_batches(ids):
        names.update((pid, name) for pid, name in connection.execute(
            select(Party.id, Party.name).where(Party.id.in_(part))))
    return {pid: (*attrs, first.get(pid), names.get(first.get(pid))) for pid, attrs in found.items()}


def citation_network(session: Session, frame: Frame, scope: Resolved, top: int = 15,
                     display: int = DISPLAY_NODES, top_applicants: int = TOP_APPLICANTS) -> dict:
    connection = session.connection()
    # every store-to-store citation touching the scope, as (citing patent, cited patent). Two index-driven halves
    # (the scope citing, the scope cited) rather than one OR, which made SQLite scan every citation of the store
    # whatever the scope's size; the `all` scope needs no filter at all. Read from the DBAPI cursor: plain tuples
    # of two integers, where building 300k Row objects cost more than the query itself at 100k patents.
    pairs_query = (select(PatentCitation.patent_id, Patent.id)
                   .join(Patent, Patent.number_base == PatentCitation.cited_base))
    if scope.scope.kind == "all" and scope.ids is None:
        statement = pairs_query
    else:
        statement = union_all(pairs_query.where(scope.where(PatentCitation.patent_id)),
                              pairs_query.where(scope.where(Patent.id)))
    result = connection.execute(statement)
    rows = result.cursor.fetchall()
    result.close()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows))
    citing_pid, cited_pid = flat[0::2], flat[1::2]

    # node ids: the scope's applications first (frame order), then outside applications in key order
    keys: list[str] = list(frame.apps)
    index = {k: i for i, k in enumerate(keys)}
    scope_n = len(keys)
    pids = np.fromiter(frame.app_of.keys(), dtype=np.int64, count=len(frame.app_of))
    top_pid = int(max(pids.max(initial=0), flat.max(initial=0)))
    node_of = np.full(top_pid + 1, -1, dtype=np.int64)  # patent id → node
    node_of[pids] = np.fromiter(map(index.__getitem__, frame.app_of.values()), dtype=np.int64, count=len(pids))
    outside_pids = np.unique(flat[node_of[flat] < 0]).tolist()
    outside = _outside_nodes(session, outside_pids) if outside_pids else {}
    outside_keys = sorted({a[0] for a in outside.values()} - index.keys())
    for k in outside_keys:
        index[k] = len(keys)
        keys.append(k)
    years: list[int | None] = [frame.apps[k].year for k in keys[:scope_n]] + [None] * len(outside_keys)
    info: dict[int, tuple] = {}  # outside node → (publication, title, first applicant id, name)
    for pid in outside_pids:
        key, year, pub, title, party, name = outside[pid]
        i = index[key]
        node_of[pid] = i
        if i >= scope_n and (years[i] is None or (year is not None and year < years[i])):
            years[i] = year
        if i not in info or (pub and not info[i][0]):
            info[i] = (pub, title, party, name)
    n = len(keys)
    width = max(n, 1)  # pair encoding base (an empty scope has no nodes)

    # distinct application-level edges cited → citing, without an application citing itself (B citing its A)
    src, dst = node_of[cited_pid], node_of[citing_pid]
    keep = src != dst
    pairs = np.sort(src[keep] * width + dst[keep])  # sort + neighbour test: numpy's hash-based unique was 20× slower
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    src, dst = pairs // width, pairs % width  # sorted by (cited, citing): deterministic
    in_scope_src, in_scope_dst = src < scope_n, dst < scope_n
    internal = int(np.count_nonzero(in_scope_src & in_scope_dst))
    from_outside = int(np.count_nonzero(~in_scope_dst & in_scope_src))  # outside applications citing the scope
    to_outside = int(np.count_nonzero(in_scope_dst & ~in_scope_src))  # the scope citing outside applications
    indegree = np.bincount(src, minlength=n)  # times cited (distinct citing applications)
    outdegree = np.bincount(dst, minlength=n)
    cited_by_scope = np.bincount(src[in_scope_dst], minlength=n)

    # every node's position in key order, then in (year, key) order: the tie-breaks of every ranking below
    by_key = np.array(sorted(range(n), key=keys.__getitem__), dtype=np.int64)
    key_rank = np.empty(n, dtype=np.int64)
    key_rank[by_key] = np.arange(n)
    year_arr = np.array([-1 if y is None else y for y in years], dtype=np.int64)
    rank_order = by_key[np.argsort(year_arr[by_key], kind="stable")]
    spc = _main_path(n, src, dst, year_arr, rank_order)

    # first applicant of every node (-1: none known), for holders, flows and self-citations
    first = np.array([listed[0] if listed else -1 for listed in map(frame.applicants.get, keys[:scope_n])]
                     + [info[i][2] if i in info and info[i][2] is not None else -1 for i in range(scope_n, n)],
                     dtype=np.int64)

    def node_row(i: int) -> dict:
        if i < scope_n:
            app = frame.apps[keys[i]]
            pub, title = app.publication_number, app.title
            holders = [frame.parties[p][0] for p in frame.applicants.get(keys[i], [])[:2]]
        else:
            pub, title, _, name = info.get(i, (None, keys[i], None, None))
            holders = [name] if name else []
        return {"key": keys[i], "publication_number": pub or keys[i], "title": title, "year": years[i],
                "holders": holders, "in_scope": i < scope_n, "cited": int(indegree[i]), "citing": int(outdegree[i])}

    def most(candidates: np.ndarray, count: int) -> list[int]:
        """The most-cited of the candidates, ties in key order."""
        order = np.lexsort((key_rank[candidates], -indegree[candidates]))[:count]
        return candidates[order].tolist()

    most_cited = []
    for i in most(np.flatnonzero(indegree[:scope_n]), top):
        row = node_row(i)
        row["cited_in_scope"] = int(cited_by_scope[i])
        most_cited.append(row)

    # citation flows among the scope's top applicants (by applications in scope, first applicant)
    counts = Counter(first[:scope_n][first[:scope_n] >= 0].tolist())
    leaders = [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], frame.parties[kv[0]][0]))[:top_applicants]]
    citing_party, cited_party = first[dst], first[src]
    known_mask = (citing_party >= 0) & (cited_party >= 0)
    known = int(np.count_nonzero(known_mask))
    self_cites = int(np.count_nonzero(known_mask & (citing_party == cited_party)))
    flows = np.zeros((len(leaders), len(leaders)), dtype=np.int64)
    if leaders:
        lead = np.array(leaders, dtype=np.int64)
        order = np.argsort(lead)
        a = np.searchsorted(lead, citing_party, sorter=order).clip(0, len(lead) - 1)
        b = np.searchsorted(lead, cited_party, sorter=order).clip(0, len(lead) - 1)
        a, b = order[a], order[b]
        hit = known_mask & (lead[a] == citing_party) & (lead[b] == cited_party)
        np.add.at(flows, (a[hit], b[hit]), 1)
    flow_rows = [{"name": frame.parties[p][0], "cites": flows[j].tolist(), "total": int(flows[j].sum()),
                  "self": int(flows[j, j])} for j, p in enumerate(leaders)]

    # the chart: main path nodes, then the most-cited in the whole network, capped; time-ordered coordinates
    path_nodes = spc["path"]
    linked = np.flatnonzero((indegree + outdegree) > 0)
    on_path = set(path_nodes)
    chosen = list(path_nodes)
    per_year: Counter = Counter()
    for i in most(linked, len(linked)):  # the most-cited, at most PER_YEAR a year so later years show too
        if len(chosen) >= max(display, len(path_nodes)):
            break
        if i not in on_path and per_year[years[i]] < PER_YEAR:
            per_year[years[i]] += 1
            chosen.append(i)
    path_edges = set(zip(path_nodes, path_nodes[1:]))
    shown = np.zeros(n, dtype=bool)
    shown[chosen] = True
    mask = shown[src] & shown[dst]
    graph_nodes = []
    for i in sorted(chosen, key=lambda i: (years[i] if years[i] is not None else -1, keys[i])):
        row = node_row(i)
        graph_nodes.append({"id": keys[i], "label": row["publication_number"], "title": row["title"],
                            "year": years[i], "holder": row["holders"][0] if row["holders"] else None,
                            "cited": row["cited"], "in_scope": row["in_scope"], "main": i in on_path})
    _place(graph_nodes)
    graph_edges = [{"source": keys[s], "target": keys[d], "main": (s, d) in path_edges}
                   for s, d in zip(src[mask].tolist(), dst[mask].tolist())]

    received = int(np.count_nonzero(in_scope_src))  # citations received by scope applications
    forward = sum(frame.forward.values())  # citing documents, counted like key patents' column
    cited = sum(1 for c in frame.forward.values() if c)
    return {
        "backward": frame.backward, "forward": forward, "cited_applications": cited,
        "cited_share": round(cited / scope_n, 4) if scope_n else 0.0,
        "mean_forward": round(forward / scope_n, 3) if scope_n else 0.0,
        "nodes": n, "scope_nodes": int(np.count_nonzero((indegree[:scope_n] + outdegree[:scope_n]) > 0)),
        "outside_nodes": n - scope_n, "edges": int(len(src)), "internal_edges": internal,
        "from_outside": from_outside, "to_outside": to_outside, "received": received,
        "outside_share": round(from_outside / received, 4) if received else None,
        "self_citations": self_cites, "self_share": round(self_cites / known, 4) if known else None,
        "most_cited": most_cited,
        "main_path": [{**node_row(i), "spc_in": spc["weights"].get((p, i)) if p is not None else None}
                      for p, i in zip([None] + path_nodes[:-1], path_nodes)],
        "main_path_spc": spc["total"], "paths": spc["paths"], "dag_edges": spc["dag_edges"],
        "dropped_edges": spc["dropped"],
        "key_routes": [{"from": node_row(s)["publication_number"], "to": node_row(d)["publication_number"],
                        "from_year": years[s], "to_year": years[d], "spc": w,
                        "weight": round(w / spc["paths"], 4) if spc["paths"] else None}
                       for (s, d), w in spc["top_edges"]],
        "flows": {"applicants": [r["name"] for r in flow_rows], "rows": flow_rows},
        "graph": {"nodes": graph_nodes, "edges": graph_edges, "shown": len(graph_nodes), "total": n},
    }


def _main_path(n: int, src: np.ndarray, dst: np.ndarray, years: np.ndarray, rank_order: np.ndarray,
               top_edges: int = 8) -> dict:
    """SPC weights on the time-ordered DAG and the global main path (max total SPC, source to sink).

    rank_order: node ids in time order ((year, key)); an edge is kept only if it runs forward in that order. The
    passes run group by group over a topological grouping — filing year, then within a year the longest chain of
    same-year links — so each group is a few vectorised operations instead of a Python step per edge."""
    rank = np.empty(n, dtype=np.int64)
    rank[rank_order] = np.arange(n)
    forward = rank[src] < rank[dst]
    dropped = int(len(src) - np.count_nonzero(forward))
    s, d = src[forward], dst[forward]
    if not len(s):
        return {"path": [], "weights": {}, "total": 0.0, "paths": 0.0, "dag_edges": 0, "dropped": dropped,
                "top_edges": []}
    # group = (year, depth among same-year links); every kept edge goes to a strictly later group
    same = years[s] == years[d]
    depth = np.zeros(n, dtype=np.int64)
    s_same, d_same = s[same], d[same]
    while len(s_same):
        deeper = depth.copy()
        np.maximum.at(deeper, d_same, depth[s_same] + 1)
        if np.array_equal(deeper, depth):
            break
        depth = deeper
    _, year_index = np.unique(years, return_inverse=True)
    group = year_index.reshape(-1) * (int(depth.max()) + 1) + depth

    has_in = np.zeros(n, dtype=bool)
    has_in[d] = True
    has_out = np.zeros(n, dtype=bool)
    has_out[s] = True

    def slices(by: np.ndarray):
        """Edge positions ordered by the group of `by`, cut at group boundaries."""
        order = np.argsort(group[by], kind="stable")
        cuts = np.flatnonzero(np.diff(group[by][order])) + 1
        return np.split(order, cuts)

    into = slices(d)  # ascending groups of the citing end
    minus = np.where(has_in, 0.0, 1.0)  # N⁻: paths from any source to the node
    for e in into:
        np.add.at(minus, d[e], minus[s[e]])
    plus = np.where(has_out, 0.0, 1.0)  # N⁺: paths from the node to any sink
    for e in reversed(slices(s)):
        np.add.at(plus, s[e], plus[d[e]])
    weight = minus[s] * plus[d]  # SPC of each kept edge

    # global main path: best[v] = max over in-edges of best[u] + SPC(u→v); ties to the earliest predecessor
    best = np.zeros(n)
    back = np.full(n, -1, dtype=np.int64)
    earliest = np.full(n, n, dtype=np.int64)  # rank of the best predecessor; a node is reached in one group only
    for e in into:
        candidate = best[s[e]] + weight[e]
        np.maximum.at(best, d[e], candidate)
        hit = candidate == best[d[e]]
        reached = d[e][hit]
        np.minimum.at(earliest, reached, rank[s[e][hit]])
        back[reached] = rank_order[earliest[reached]]
    sinks = np.flatnonzero(has_in & ~has_out)
    paths = float(minus[sinks].sum())  # every source-to-sink path ends in exactly one sink
    end = int(sinks[np.lexsort((rank[sinks], -best[sinks]))[0]])
    path = [end]
    while back[path[-1]] >= 0:
        path.append(int(back[path[-1]]))
    path.reverse()
    ranked = np.lexsort((rank[d], rank[s], -weight))[:top_edges].tolist()
    return {"path": path,
            "weights": {(a, b): float(minus[a] * plus[b]) for a, b in zip(path, path[1:])},
            "total": float(best[end]), "paths": paths, "dag_edges": int(len(s)), "dropped": dropped,
            "top_edges": [((int(s[e]), int(d[e])), float(weight[e])) for e in ranked]}


def _place(nodes: list[dict]) -> None:
    """Time-ordered layout shared by the ECharts and matplotlib drawings: x = filing year, the main path on the
    middle line, other nodes of a year stacked above and below it (alternating, most-cited nearest)."""
    known = [node["year"] for node in nodes if node["year"] is not None]
    undated = (min(known) - 1) if known else 0  # a node without a filing year sits left of the earliest
    per_year: dict[int, list[dict]] = defaultdict(list)
    for node in nodes:
        per_year[node["year"] if node["year"] is not None else undated].append(node)
    for year, group in per_year.items():
        main = [m for m in group if m["main"]]
        rest = sorted((m for m in group if not m["main"]), key=lambda m: (-m["cited"], m["id"]))
        for j, m in enumerate(main):  # several main-path nodes in one year share it left to right
            m["x"], m["y"] = year + round(j * 0.8 / len(main), 3), 0.0
        for j, m in enumerate(rest, 1):
            step = (j + 1) // 2
            m["x"], m["y"] = year, float(step if j % 2 else -step)
