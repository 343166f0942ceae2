"""The real-data corpus the semantic-search quality benchmarks run on (read from ../shared/data, never copied).

Chinese: every record of cn_patents_dev (title + abstract). English: every USPTO XML and Public Search JSON document
with an abstract, parsed by Lingxi's own importers, de-duplicated by publication number. Documents are keyed by a
stable string key: `cn:<id>` for cn_patents_dev, `us:<publication number>` for US documents — the labelled queries
in bench/data/search_quality_queries.jsonl refer to those keys.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(os.environ.get("LINGXI_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@dataclass
class Doc:
    key: str
    lang: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}" if self.lang == "en" else f"{self.title}。{self.abstract}"


def chinese_docs() -> list[Doc]:
    path = SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl"
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            docs.append(Doc(f"cn:{row['id']}", "zh", row["title"].strip(), (row.get("abstract") or "").strip()))
    return docs


def english_docs() -> list[Doc]:
    from lingxi.patents.importers import ImportOptions, detect_importer

    seen: dict[str, Doc] = {}
    for folder in ("us_uspto_xml", "us_uspto_ppubs_json"):
        for path in sorted((SHARED / folder).iterdir()):
            importer = detect_importer(path)
            for result in importer.parse(path, ImportOptions()):
                record = getattr(result, "record", None)
                if record is None or not record.abstract or not record.title:
                    continue
                number = record.publication_number or record.application_number
                key = f"us:{number}"
                if key not in seen:
                    seen[key] = Doc(key, "en", record.title.strip(), record.abstract.strip())
    return list(seen.values())


def corpus() -> list[Doc]:
    return chinese_docs() + english_docs()


QUERIES = Path(__file__).resolve().parent / "data" / "search_quality_queries.jsonl"


def load_queries() -> list[dict]:
    with QUERIES.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def metrics(ranked_keys: list[str], relevant: list[str], k: int = 10) -> dict[str, float]:
    """Recall@k, nDCG@k (binary relevance) and reciprocal rank of one ranked list."""
    import math

    rel = set(relevant)
    top = ranked_keys[:k]
    hits = [i for i, key in enumerate(top) if key in rel]
    dcg = sum(1 / math.log2(i + 2) for i in hits)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(rel), k)))
    first = next((i for i, key in enumerate(ranked_keys) if key in rel), None)
    return {
        "recall@10": len(hits) / len(rel),
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "mrr": 1 / (first + 1) if first is not None else 0.0,
    }


def summarise(per_query: list[tuple[dict, dict]]) -> dict:
    """Mean metrics over all queries and per query kind."""
    groups: dict[str, list[dict]] = {"all": []}
    for query, m in per_query:
        groups["all"].append(m)
        groups.setdefault(query["kind"], []).append(m)
    return {
        name: {"n": len(ms), **{key: round(sum(m[key] for m in ms) / len(ms), 3) for key in ms[0]}}
        for name, ms in groups.items()
    }


def cache_dir() -> Path:
    import tempfile

    path = Path(os.environ.get("LINGXI_BENCH_CACHE", Path(tempfile.gettempdir()) / "lingxi-bench-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def embed_corpus(embedder, docs: list[Doc], progress: bool = True):
    """Passage vectors for the corpus, cached per model version (re-running a benchmark does not re-embed)."""
    import hashlib
    import sys
    import time

    import numpy as np

    digest = hashlib.sha1("\n".join(d.key + d.text for d in docs).encode()).hexdigest()[:10]
    name = f"{embedder.name}-{embedder.version}".replace("/", "_")
    path = cache_dir() / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path), None
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        if progress:
            rate = done / (time.perf_counter() - start)
            print(f"\r  {embedder.name}: {done}/{total} passages, {rate:.1f}/s", end="", file=sys.stderr, flush=True)

    vectors = embedder.embed_passages([d.text for d in docs], progress=report)
    seconds = time.perf_counter() - start
    if progress:
        print(file=sys.stderr)
    np.save(path, vectors)
    return vectors, seconds
