"""Matching on the tuning set (bench/data/matching_tuning.jsonl, written by the matching developer — NOT the held-out
benchmark demands of bench/matching_quality.py): MRR@10 and Recall@10 of the target patent per group, for the engine
and for plain BM25 and plain dense retrieval, over a data directory that holds cn_patents_dev (imported, embedded
and tagged).

    LINGXI_HOME=/tmp/h4home .venv/bin/python bench/matching_tuning.py [--search-queries] [--no-second-opinion] [--weights '{"concepts": 0.3}'] [--cross-weights '{"keyword": 0.3}'] [--views]

Writes bench/results/matching_tuning.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from lingxi.db import open_database
from lingxi.db.models import Patent
from lingxi.matching.candidates import retrieve
from lingxi.matching.engine import MatchEngine
from lingxi.search.service import SearchService
from lingxi.settings import load_settings

ROOT = Path(__file__).resolve().parent


def metrics(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {"n": len(ranks), "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 3),
            "recall@10": round(sum(1 for r in ranks if r and r <= 10) / n, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--weights", default="{}")
    parser.add_argument("--cross-weights", default="{}")
    parser.add_argument("--translated-view", action="store_true",
                        help="embed an English demand's dictionary translation as a Chinese query too")
    parser.add_argument("--prf", type=float, default=0.0, help="pseudo-relevance feedback weight (0 = off)")
    parser.add_argument("--search-queries", action="store_true",
                        help="also the search benchmark's lay queries with a cn_patents_dev target (extra groups)")
    parser.add_argument("--views", action="store_true", help="embed the demand's sentences as extra views")
    parser.add_argument("--second-opinion-depth", type=int, default=None, help="USE's nearest patents as candidates")
    parser.add_argument("--no-second-opinion", action="store_true",
                        help="without USE's second opinion (the vectors must be built for it to count: "
                             "`lingxi index embed`)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "matching_tuning.json")
    args = parser.parse_args()
    settings = load_settings(args.home)
    db = open_database(settings.resolved_database_url)
    search = SearchService(settings, db)
    engine = MatchEngine(settings, db, search, weights=json.loads(args.weights), views=args.views,
                         cross_weights=json.loads(args.cross_weights), prf=args.prf,
                         translated_view=args.translated_view, second_opinion=not args.no_second_opinion,
                         **({} if args.second_opinion_depth is None else {"second_opinion_depth": args.second_opinion_depth}))
    demands = [json.loads(line) for line in (ROOT / "data" / "matching_tuning.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    if args.search_queries:
        # the search benchmark's lay queries whose target is a cn_patents_dev patent (not the held-out matching set)
        for line in (ROOT / "data" / "search_quality_queries.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row["relevant"][0].startswith("cn:") and row["target_lang"] == "zh":
                demands.append({"id": row["id"], "group": "sq_zh" if row["query_lang"] == "zh" else "sq_en",
                                "target": row["relevant"][0][3:], "text": row["query"]})
    with db.sessions() as session:
        ids = dict(session.execute(select(Patent.external_id, Patent.id)).all())
        corpus = session.query(Patent).count()
    for warm_up in ("预热", "warm up"):  # load models, indexes and the dictionary outside the timings
        engine.match_text(warm_up, top_k=1)
    ranks: dict[str, dict[str, list]] = {}
    latencies = []
    misses = []
    for demand in demands:
        target = ids.get(demand["target"])
        started = time.perf_counter()
        result = engine.match_text(demand["text"], top_k=10)
        latencies.append((time.perf_counter() - started) * 1000)
        order = [m.patent_id for m in result.matches]
        found = retrieve(search, demand["text"], views=False)
        bm25 = sorted(found.keyword, key=lambda p: -found.keyword[p])[:10]
        dense = [p for p, _ in search.vectors.search(found.vector, 10)] if found.vector is not None else []
        group = ranks.setdefault(demand["group"], {"engine": [], "bm25": [], "dense": []})
        for name, ranking in (("engine", order), ("bm25", bm25), ("dense", dense)):
            group[name].append(ranking.index(target) + 1 if target in ranking else None)
        if target not in order[:3]:
            misses.append({"id": demand["id"], "group": demand["group"],
                           "rank": order.index(target) + 1 if target in order else None})
    report = {"corpus": corpus, "demands": len(demands), "weights": engine.weights, "cross_weights": engine.cross_weights, "views": args.views,
              "second_opinion": not args.no_second_opinion,
              "groups": {g: {name: metrics(r) for name, r in lists.items()} for g, lists in ranks.items()},
              "all": {name: metrics([r for lists in ranks.values() for r in lists[name]])
                      for name in ("engine", "bm25", "dense")},
              "latency_ms": {"p50": round(statistics.median(latencies), 1),
                             "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1)},
              "not_in_top3": misses}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "weights"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
