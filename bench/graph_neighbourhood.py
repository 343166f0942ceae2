"""Knowledge-graph neighbourhood query latency (§11) on a store with ~1M edges.

The synthetic store is bulk-inserted straight into the tables the graph reads (no import pipeline: only the rows
matter): N patents; organisations with Zipf-like sizes (a few hubs own thousands of patents); 1–2 owners per patent
(ownership edges); 3 inventors per patent, each a talent (patent_parties + talent_mentions: inventorship edges, plus
one affiliation edge per talent); 5 citations per patent to earlier patents (citation edges, joined through
number_base like real ones). Then, in this process, `lingxi.graph.explore.neighbours` (limit 50, every type) on
random patents, organisations (weighted like the data: hubs come up often) and talents, and `shortest_path`
between random organisation pairs (max depth 4). Reports p50/p95/p99 and the edge counts.
Results: bench/results/graph_neighbourhood.json.
Usage: python bench/graph_neighbourhood.py [--patents 100000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "graph_neighbourhood.json"


def build_store(db, patents: int, seed: int = 7) -> dict:
    from sqlalchemy import text

    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 21)
    orgs = max(200, patents // 20)
    talents = patents * 3 // 5  # each talent on ~5 patents
    counts = {}
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO parties (id, kind, cluster_key, name, party_type, created_at, updated_at) "
                       "VALUES (:id, :kind, :key, :name, :type, :now, :now)"),
                  [{"id": i, "kind": "organisation", "key": f"org{i}", "name": f"机构{i}",
                    "type": "university" if i % 10 == 0 else "enterprise", "now": now} for i in range(1, orgs + 1)]
                  + [{"id": orgs + i, "kind": "person", "key": f"p{i}", "name": f"人{i}", "type": "person", "now": now}
                     for i in range(1, talents + 1)])
        c.execute(text("INSERT INTO patents (id, key, title, claims, priority_claims, extra, source_format, "
                       "content_hash, created_at, updated_at, publication_number, number_base, country, "
                       "application_date) VALUES (:id, :key, :title, '[]', '[]', '{}', 'bench', :id, :now, :now, "
                       ":number, :base, 'CN', :day)"),
                  [{"id": i, "key": f"CN{i}", "title": f"专利{i}", "now": now, "number": f"CN{100000000 + i}A",
                    "base": f"CN{100000000 + i}", "day": dt.date(2000 + i * 24 // patents, 1, 1)}
                   for i in range(1, patents + 1)])
        weights = [1 / (k ** 0.9) for k in range(1, orgs + 1)]
        owners = rng.choices(range(1, orgs + 1), weights=weights, k=patents * 2)
        rows, mentions, pp_id = [], [], 0
        talent_org: dict[int, int] = {}
        for pid in range(1, patents + 1):
            first = owners[2 * pid - 2]
            for seq, org in enumerate([first] + ([owners[2 * pid - 1]] if rng.random() < 0.5 else [])):
                pp_id += 1
                rows.append({"id": pp_id, "patent_id": pid, "party_id": org, "role": "applicant", "name": f"机构{org}",
                             "sequence": seq})
            for seq in range(3):
                tid = rng.randrange(1, talents + 1)
                talent_org.setdefault(tid, first)
                pp_id += 1
                rows.append({"id": pp_id, "patent_id": pid, "party_id": orgs + tid, "role": "inventor",
                             "name": f"人{tid}", "sequence": seq})
                mentions.append({"talent_id": tid, "patent_party_id": pp_id, "patent_id": pid, "score": 1.0})
        c.execute(text("INSERT INTO patent_parties (id, patent_id, party_id, role, name, sequence) "
                       "VALUES (:id, :patent_id, :party_id, :role, :name, :sequence)"), rows)
        counts["ownership"] = sum(1 for r in rows if r["role"] == "applicant")
        c.execute(text("INSERT INTO talents (id, party_id, name, name_key, patent_count, fields, value_total, "
                       "grade_counts, name_frequency, created_at, updated_at, main_affiliation_party_id) VALUES "
                       "(:id, :party, :name, :name, 5, '[]', 0, '{}', 1, :now, :now, :org)"),
                  [{"id": t, "party": orgs + t, "name": f"人{t}", "now": now, "org": talent_org.get(t)}
                   for t in range(1, talents + 1)])
        counts["affiliation"] = len(talent_org)
        c.execute(text("INSERT INTO talent_mentions (talent_id, patent_party_id, patent_id, score) "
                       "VALUES (:talent_id, :patent_party_id, :patent_id, :score)"), mentions)
        counts["inventorship"] = len(mentions)
        cites = []
        for pid in range(2, patents + 1):
            for seq in range(5):
                cited = rng.randrange(max(1, pid - 20000), pid)
                cites.append({"patent_id": pid, "sequence": seq, "base": f"CN{100000000 + cited}"})
        c.execute(text("INSERT INTO patent_citations (patent_id, sequence, cited_base, category, country) "
                       "VALUES (:patent_id, :sequence, :base, 'examiner', 'CN')"), cites)
        counts["citation"] = len(cites)
    with db.engine.begin() as c:
        c.execute(text("ANALYZE"))
    counts["total"] = sum(counts.values())
    return {"orgs": orgs, "talents": talents, "edges": counts, "owner_weights": weights}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--postgres", default=None, metavar="URL",
                        help="also run on PostgreSQL, in a fresh schema of this database (dropped afterwards), "
                             "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    runs = [run(args, None)]
    if args.postgres:
        import uuid

        from sqlalchemy import create_engine, text

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            separator = "&" if "?" in args.postgres else "?"
            runs.append(run(args, f"{args.postgres}{separator}options=-csearch_path%3D{schema}"))
        finally:
            with admin.connect() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    result = {"runs": runs, "machine": f"{platform.machine()} {platform.python_version()} (2 shared cores)"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


def run(args, database_url: str | None) -> dict:
    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.graph.explore import neighbours, shortest_path

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'graph.db'}"
        db = open_database(url)
        started = time.perf_counter()
        store = build_store(db, args.patents)
        build_seconds = time.perf_counter() - started
        rng = random.Random(11)
        timings: dict[str, list[float]] = {"patent": [], "org": [], "person": []}
        sizes: list[int] = []
        orgs = rng.choices(range(1, store["orgs"] + 1), weights=store["owner_weights"], k=args.samples)
        with db.sessions() as session:
            neighbours(session, SYSTEM, "patent:1")  # warm the connection and statement caches
            for i in range(args.samples):
                for node_type, node in (("patent", f"patent:{rng.randrange(1, args.patents + 1)}"),
                                        ("org", f"org:{orgs[i]}"),
                                        ("person", f"person:{rng.randrange(1, store['talents'] + 1)}")):
                    t0 = time.perf_counter()
                    result = neighbours(session, SYSTEM, node, limit=50)
                    timings[node_type].append((time.perf_counter() - t0) * 1000)
                    sizes.append(len(result["nodes"]))
            paths, found, lengths = [], 0, []
            for _ in range(30):
                a, b = rng.sample(range(1, store["orgs"] + 1), 2)
                t0 = time.perf_counter()
                result = shortest_path(session, SYSTEM, f"org:{a}", f"org:{b}", max_depth=4)
                paths.append((time.perf_counter() - t0) * 1000)
                if result["found"]:
                    found += 1
                    lengths.append(result["length"])
        db.dispose()
    every = [v for vs in timings.values() for v in vs]
    result = {
        "store": {"database": url.split(":")[0], "patents": args.patents, "organisations": store["orgs"],
                  "talents": store["talents"], "edges": store["edges"], "build_seconds": round(build_seconds, 1)},
        "neighbours_limit_50": {
            "queries": len(every), "mean_neighbours": round(statistics.mean(sizes), 1),
            "p50_ms": round(percentile(every, 0.5), 2), "p95_ms": round(percentile(every, 0.95), 2),
            "p99_ms": round(percentile(every, 0.99), 2),
            "by_type_p95_ms": {k: round(percentile(v, 0.95), 2) for k, v in timings.items()}},
        "shortest_path_org_org_depth_4": {
            "queries": len(paths), "found": found, "lengths": {str(k): lengths.count(k) for k in sorted(set(lengths))},
            "p50_ms": round(percentile(paths, 0.5), 1), "p95_ms": round(percentile(paths, 0.95), 1)},
    }
    return result


if __name__ == "__main__":
    main()
