"""Search quality on the real data, through the real SearchService: Recall@10 / nDCG@10 / MRR for keyword, semantic
and hybrid search side by side.

Store: a SQLite data directory built with Lingxi's own importers (`run_import`) from ../shared/data: every record of
cn_patents_dev (3,117 Chinese patents, title + abstract), the USPTO XML files and the USPTO Public Search JSON files
(English; those without an abstract are indexed and embedded by their title). The keyword index is Lingxi's Tantivy
index, the vectors are embedded by Lingxi's embedding job (`SearchService.embed`, multilingual-e5-small) — exactly
what `lingxi import` + `lingxi index embed` give an operator. The data directory is kept in $LINGXI_BENCH_CACHE
(default /tmp/lingxi-bench-cache), so a re-run does not re-import or re-embed.

Queries: the 56 labelled queries of bench/data/search_quality_queries.jsonl (how they were written:
bench/data/README.md): 20 zh and 18 en lay paraphrases of one target patent, 8 zh→en and 10 en→zh cross-lingual.
One relevant patent per query (known-item search), so Recall@10 is the share of queries whose patent is in the
first ten. Query keys (`cn:<cn_patents_dev id>`, `us:<publication number>`) are found in the store by
`lingxi.patents.queries.find_patent`.

Modes (SearchRequest.mode, the query sentence as the user typed it, top 100):
- keyword: the sentence's words OR-ed over TX (title + abstract + claims) — `TX=("w1" OR "w2" …)`, the same keyword
  list hybrid fuses. Also reported: the sentence typed as is into keyword mode (the query language ANDs its words);
- semantic: the service's semantic mode (per-language vector indexes, centered merge);
- hybrid: the service's hybrid mode (keyword fused into the query language's semantic list, see
  docs/semantic-search.md); also "plain RRF" of the same two service lists, to show why it is not used;
- an extra column: the earlier BM25 stand-in over title + abstract (bench/bm25.py) on the same store texts.

    .venv/bin/python bench/search_quality.py      # writes bench/results/search_quality.json
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bm25 import BM25
from quality_corpus import SHARED, cache_dir, load_queries, metrics, summarise

from lingxi.db import open_database
from lingxi.db.models import Patent
from lingxi.patents.importing import run_import
from lingxi.patents.queries import find_patent
from lingxi.search.service import SearchRequest, SearchService, _free_text_node, reciprocal_rank_fusion
from lingxi.search.vector_jobs import document_text
from lingxi.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "search_quality.json"
DEPTH = 100


def source_files() -> list[Path]:
    files = [SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl"]
    for folder in ("us_uspto_xml", "us_uspto_ppubs_json"):
        files += sorted(p for p in (SHARED / folder).iterdir() if p.is_file())
    return files


def build_home() -> tuple[Settings, SearchService]:
    files = source_files()
    digest = hashlib.sha1("\n".join(f"{p}:{p.stat().st_size}" for p in files).encode()).hexdigest()[:10]
    home = cache_dir() / f"search-quality-home-{digest}"
    settings = Settings(home=home)
    settings.ensure_home()
    db = open_database(settings.resolved_database_url)
    service = SearchService(settings, db)
    if not (home / "imported").exists():
        start = time.perf_counter()
        run_import(db, files)
        (home / "imported").write_text("ok")
        print(f"imported in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    service.keyword.ensure()
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - start, 1e-9)
        print(f"\r  embedding {done}/{total}, {rate:.1f}/s", end="", file=sys.stderr, flush=True)

    embedded = service.embed(progress=report)
    if embedded:
        print(f"\n  embedded {embedded} patents in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return settings, service


def or_query(sentence: str) -> str:
    node = _free_text_node(sentence)
    words = [item.value for item in getattr(node, "items", (node,))]
    return "TX=(" + " OR ".join('"' + w.replace('"', " ") + '"' for w in words) + ")"


def main() -> None:
    _, service = build_home()
    queries = load_queries()
    with service.db.sessions() as session:
        target_ids = {}
        for q in queries:
            for key in q["relevant"]:
                source, _, identifier = key.partition(":")
                patent = find_patent(session, identifier if source == "us" else f"ID:{identifier}")
                if patent is None:
                    raise SystemExit(f"{q['id']}: target {key} not in the store")
                target_ids[key] = patent.id
        rows = session.execute(
            __import__("sqlalchemy").select(Patent.id, Patent.title, Patent.abstract).order_by(Patent.id)
        ).all()
    store = service.vectors.store()
    data = {
        "patents": len(rows),
        "vectors": store.count,
        "vectors_per_language": {key: index.count for key, index in store.indexes.items()},
        "queries": len(queries),
        "relevant_per_query": 1,
        "sources": [str(p.relative_to(SHARED)) for p in source_files()],
    }
    print(json.dumps(data, ensure_ascii=False), file=sys.stderr)

    def run(request: SearchRequest) -> tuple[list[int], list[str], float]:
        start = time.perf_counter()
        response = service.search(request)
        return [hit.patent_id for hit in response.hits], response.notes, (time.perf_counter() - start) * 1000

    def request(query: str, mode: str) -> SearchRequest:
        return SearchRequest(query, mode=mode, page_size=DEPTH, facets=False, highlight=False)

    for q in queries[:3]:  # warm-up: embedder sessions, index readers
        run(request(q["query"], "semantic"))
    runs: dict[str, list[list[int]]] = {}
    latency: dict[str, list[float]] = {}
    notes: set[str] = set()
    for name, build in {
        "keyword": lambda q: request(or_query(q), "keyword"),
        "keyword (sentence typed as is)": lambda q: request(q, "keyword"),
        "semantic": lambda q: request(q, "semantic"),
        "hybrid": lambda q: request(q, "hybrid"),
    }.items():
        runs[name], latency[name] = [], []
        for q in queries:
            try:
                ids, found_notes, ms = run(build(q["query"]))
            except Exception as error:  # noqa: BLE001 - e.g. a syntax error of the typed sentence: no result
                ids, found_notes, ms = [], [f"{type(error).__name__}: {error}"], 0.0
            runs[name].append(ids)
            latency[name].append(ms)
            notes.update(found_notes)
    runs["hybrid, plain RRF (not used)"] = [
        [pid for pid, _ in reciprocal_rank_fusion({"keyword": [(p, 0.0) for p in k], "semantic": [(p, 0.0) for p in s]
                                                   })[0][:DEPTH]]
        for k, s in zip(runs["keyword"], runs["semantic"], strict=True)
    ]
    bm25 = BM25([document_text(r.title, r.abstract) for r in rows])
    ids_by_position = [r.id for r in rows]
    runs["keyword, BM25 stand-in (title+abstract)"] = [
        [ids_by_position[i] for i, _ in bm25.search(q["query"], DEPTH)] for q in queries
    ]

    key_of = {pid: key for key, pid in target_ids.items()}

    def evaluate(ranked: list[list[int]]) -> dict:
        return summarise([
            (q, metrics([key_of.get(pid, str(pid)) for pid in ids], q["relevant"]))
            for q, ids in zip(queries, ranked, strict=True)
        ])

    modes = {name: evaluate(ranked) for name, ranked in runs.items()}
    report = {
        "data": data,
        "how": "real store (run_import of ../shared/data), SearchService.search per mode, top 100; "
               "queries and labels: bench/data/README.md",
        "embedder": {"name": service.vectors.embedder().name, "version": service.vectors.embedder().version},
        "modes": modes,
        "latency_ms": {name: {"p50": round(statistics.median(v), 1),
                              "p95": round(sorted(v)[int(0.95 * (len(v) - 1))], 1)}
                       for name, v in latency.items()},
        "notes_seen": sorted(notes),
        "per_query": [
            {"id": q["id"], "kind": q["kind"], "query": q["query"],
             **{f"{name}_rank": next((r + 1 for r, pid in enumerate(ranked[qi]) if key_of.get(pid) in q["relevant"]),
                                     None)
                for name, ranked in runs.items() if name in ("keyword", "semantic", "hybrid")}}
            for qi, q in enumerate(queries)
        ],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, summary in modes.items():
        row = "  ".join(f"{kind}: {s['recall@10']:.2f}/{s['ndcg@10']:.2f}" for kind, s in summary.items())
        print(f"{name:42s} {row}")
    print("latency", json.dumps(report["latency_ms"]))


if __name__ == "__main__":
    main()
