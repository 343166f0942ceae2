"""VectorIndex at scale: build time, size on disk, load time, peak memory, search latency and recall vs exact.

Vectors: the real multilingual-e5-small vectors of the 3,346 real patents (bench/quality_corpus.py), scaled to N by
adding Gaussian noise to randomly chosen real vectors and re-normalising (σ 0.35 per vector norm: near copies would
make the graph search trivially easy, pure noise would make it unrealistically hard). Queries: the 56 real query
embeddings plus 144 perturbed documents. Latency is per query for one language index (`VectorIndex.search`, k=10),
without and with a 10 % id filter; the query embedding itself (~4–8 ms) is measured in bench/embedding_models.py.
Recall@10 is against exact inner-product search over the same vectors.

    .venv/bin/python bench/vector_index.py --size 100000     # each size in its own process (peak memory)
    .venv/bin/python bench/vector_index.py --size 1000000
Results are merged into bench/results/vector_index.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_corpus import corpus, embed_corpus, load_queries

from lingxi.search.vectors import VectorIndex
from lingxi.text.embedding import default_embedder

RESULTS = Path(__file__).resolve().parent / "results" / "vector_index.json"


def synthetic(base: np.ndarray, n: int, rng: np.random.Generator, sigma: float = 0.35) -> np.ndarray:
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        rows = base[rng.integers(0, len(base), m)]
        rows = rows + rng.standard_normal(rows.shape, dtype=np.float32) * (sigma / np.sqrt(base.shape[1]))
        out[start : start + m] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def percentiles(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {f"p{p}_ms": round(float(np.percentile(a, p)), 2) for p in (50, 95, 99)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    embedder = default_embedder()
    real, _ = embed_corpus(embedder, corpus())
    rng = np.random.default_rng(0)
    vectors = synthetic(real, args.size, rng)
    ids = np.arange(args.size, dtype=np.int64) + 1
    queries = np.vstack(
        [np.stack([embedder.embed_query(q["query"]) for q in load_queries()]), synthetic(real, 144, rng)]
    )

    index = VectorIndex(embedder.dim, embedder.name, embedder.version)
    start = time.perf_counter()
    for s in range(0, args.size, 50_000):
        index.add(ids[s : s + 50_000], vectors[s : s + 50_000])
        print(f"\r  built {min(s + 50_000, args.size):,}/{args.size:,}", end="", file=sys.stderr, flush=True)
    build_s = time.perf_counter() - start
    print(file=sys.stderr)

    folder = Path(tempfile.mkdtemp(prefix="lingxi-vectors-"))
    try:
        start = time.perf_counter()
        index.save(folder)
        save_s = time.perf_counter() - start
        size = sum(p.stat().st_size for p in folder.iterdir())
        del index
        start = time.perf_counter()
        index = VectorIndex.load(folder, embedder.name, embedder.version, embedder.dim)
        load_s = time.perf_counter() - start
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    exact = [set(np.argsort(-(vectors @ q))[:10] + 1) for q in queries]
    allowed = ids[rng.random(args.size) < 0.10]
    allowed_set = set(allowed.tolist())
    plain, filtered, recall, recall_f = [], [], [], []
    for q, truth in zip(queries, exact, strict=True):
        t = time.perf_counter()
        hits = index.search(q, 10)
        plain.append((time.perf_counter() - t) * 1000)
        recall.append(len(truth & {h for h, _ in hits}) / 10)
        t = time.perf_counter()
        hits = index.search(q, 10, allowed_ids=allowed)
        filtered.append((time.perf_counter() - t) * 1000)
        assert all(h in allowed_set for h, _ in hits)
        sub = allowed - 1
        truth_f = set(sub[np.argsort(-(vectors[sub] @ q))[:10]] + 1)
        recall_f.append(len(truth_f & {h for h, _ in hits}) / 10)

    entry = {
        "vectors": args.size,
        "dim": embedder.dim,
        "index": f"faiss HNSW M={index.hnsw_m} efConstruction={index.ef_construction} efSearch={index.ef_search}",
        "build_s": round(build_s, 1),
        "build_vectors_per_s": round(args.size / build_s),
        "save_s": round(save_s, 1),
        "load_s_with_checksum": round(load_s, 1),
        "size_mb": round(size / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "search": {**percentiles(plain), "recall@10_vs_exact": round(float(np.mean(recall)), 3)},
        "search_10pct_filter": {**percentiles(filtered), "recall@10_vs_exact": round(float(np.mean(recall_f)), 3)},
        "queries": len(queries),
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[str(args.size)] = entry
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(entry, indent=2))


if __name__ == "__main__":
    main()
