"""Matching quality on real Chinese patents: Recall@10 and MRR@10 of a demand's target patent, for plain BM25, plain
dense retrieval and Lingxi's matcher, per demand group (issue #10, "Measured").

Corpus: every record of ../shared/data/cn_patents_dev (3,117 real Chinese patents, title + applicant + abstract),
imported into a fresh SQLite Lingxi home through the real pipeline: `run_import` (as `lingxi import`), the keyword
index (`SearchService` keyword ensure), the vectors (`SearchService.embed`, the platform's multilingual-e5-small) and a
full tagging run with annotations (`run_tagging`, as `lingxi tag run --all`) — what an operator's installation holds
after importing the file. The home lives in --workdir (default /tmp/lingxi-matchbench) and is reused by later runs
(embedding 3,117 patents on 2 cores takes minutes); --fresh builds it again.

Demands: bench/data/matching_demands.jsonl — 75 held-out demand statements, one target patent each, in three groups
(zh_reuse, zh_paraphrase, en); bench/data/README.md says how they were written (before any matcher existed, by
someone who does not work on lingxi/matching). Known-item search: the rank of the one target among all patents.

Systems, each ranking the whole corpus for the demand text as typed:
- bm25: textbook Okapi BM25 (k1 1.2, b 0.75, bench/bm25.py) over title + abstract, documents tokenised with
  lingxi.text.segment_for_index and the demand with lingxi.text.segment (rjieba + the patent-term dictionary);
- dense: the platform's embedder (`default_embedder()`, multilingual-e5-small; "query: " prefix for the demand,
  "passage: " for the patents — the vectors the platform stored), plain cosine over every patent, one list;
- lingxi: `MatchEngine(settings, db).match_text(text, top_k=10).matches` (only the first 10 are asked for, so a rank
  beyond 10 is reported as "> 10"). Missing module → "not available".
Also shown, for information only: rrf = reciprocal-rank fusion (k 60) of the bm25 and dense lists.

Target per group (issue #10): MRR@10 ≥ b + (1 − b)/2, with b the better baseline's MRR@10, and Recall@10 ≥ 0.9.

    .venv/bin/python bench/matching_quality.py [--workdir /tmp/lingxi-matchbench] [--fresh] [--no-engine]
Results: bench/results/matching_quality.json (figures, timings and every demand's ranks; ids only, no texts).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bm25 import BM25, rrf
from quality_corpus import SHARED

ROOT = Path(__file__).resolve().parent.parent
DEMANDS = ROOT / "bench" / "data" / "matching_demands.jsonl"
RESULTS = ROOT / "bench" / "results" / "matching_quality.json"
CORPUS = SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl"
GROUPS = ("zh_reuse", "zh_paraphrase", "en")
K = 10
RECALL_TARGET = 0.9


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_demands() -> list[dict]:
    with DEMANDS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --------------------------------------------------------------------------------------------- the store

def build_home(workdir: Path, fresh: bool):
    """A Lingxi home holding the dev corpus, indexed, embedded and tagged; reused when already built."""
    from lingxi.db import open_database
    from lingxi.search.service import SearchService
    from lingxi.settings import Settings

    stat = CORPUS.stat()
    digest = hashlib.sha1(f"{CORPUS}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:10]
    home = workdir / f"home-{digest}"
    if fresh and home.exists():
        shutil.rmtree(home)
    settings = Settings(home=home, database_url=None, embed_in_background=False)
    settings.ensure_home()
    db = open_database(settings.resolved_database_url)
    service = SearchService(settings, db)
    timings: dict = {}
    marker = home / "bench-prepared.json"
    if not marker.exists():
        from lingxi.patents.importing import run_import
        from lingxi.tagging.jobs import run_tagging

        started = time.perf_counter()
        summary = run_import(db, [CORPUS])
        timings["import_s"] = round(time.perf_counter() - started, 1)
        log(f"imported {CORPUS.name} in {timings['import_s']} s: {summary}")
        started = time.perf_counter()
        run_tagging(db, annotations=True)
        timings["tagging_s"] = round(time.perf_counter() - started, 1)
        log(f"tagged in {timings['tagging_s']} s")
        marker.write_text(json.dumps(timings), encoding="utf-8")
    else:
        timings = {**json.loads(marker.read_text(encoding="utf-8")), "reused_home": True}
    started = time.perf_counter()
    service.keyword.ensure()
    timings["keyword_index_ensure_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"\r  embedding {done}/{total}, {rate:.1f}/s", end="", file=sys.stderr, flush=True)

    embedded = service.embed(progress=report)
    if embedded:
        timings["embedding_s"] = round(time.perf_counter() - started, 1)
        timings["embedded_patents"] = embedded
        log(f"\n  embedded {embedded} patents in {timings['embedding_s']} s")
        prepared = json.loads(marker.read_text(encoding="utf-8"))
        marker.write_text(json.dumps({**prepared, "embedding_s": timings["embedding_s"]}), encoding="utf-8")
    return settings, db, service, home, timings


def corpus_rows(db):
    from sqlalchemy import select

    from lingxi.db.models import Patent

    with db.sessions() as session:
        return session.execute(
            select(Patent.id, Patent.key, Patent.external_id, Patent.title, Patent.abstract).order_by(Patent.id)
        ).all()


def dense_matrix(service, ids: list[int]) -> tuple[np.ndarray, dict]:
    """The platform's stored passage vectors of every patent, in `ids` order (read back from its vector store)."""
    store = service.vectors.store()
    dim = store.dim
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    missing = 0
    for row, pid in enumerate(ids):
        vector = None
        for index in store.indexes.values():
            if pid in index:
                vector = index.get(pid)
                break
        if vector is None:
            missing += 1
        else:
            matrix[row] = vector
    info = {"vectors": store.count, "per_language": {k: ix.count for k, ix in store.indexes.items()},
            "patents_without_vector": missing}
    return matrix, info


# --------------------------------------------------------------------------------------------- ranking

def rank_in(scores: np.ndarray, position: int) -> int:
    """1-based rank of `position` in a full score vector (ties count against the target: pessimistic)."""
    return int(np.sum(scores >= scores[position]))


def bm25_scores(bm25: BM25, text: str, n: int) -> np.ndarray:
    scores = np.zeros(n, dtype=np.float64)
    for doc, score in bm25.search(text, k=n):
        scores[doc] = score
    return scores


def match_ids(result, id_of_key: dict, id_of_external: dict) -> list[int | None]:
    """Patent ids of an engine result, whichever of patent_id / key / external_id a match carries."""
    matches = getattr(result, "matches", result)
    out = []
    for match in matches:
        pid = getattr(match, "patent_id", None)
        if pid is None and getattr(match, "key", None) is not None:
            pid = id_of_key.get(match.key)
        if pid is None and getattr(match, "external_id", None) is not None:
            pid = id_of_external.get(match.external_id)
        out.append(pid)
    return out


def summarise(ranks: list[int | None]) -> dict:
    """Recall@10 and MRR@10 of a list of target ranks (None = not in the list the system returned)."""
    n = len(ranks)
    hits = [r for r in ranks if r is not None and r <= K]
    return {"n": n, "recall@10": round(len(hits) / n, 3), "mrr@10": round(sum(1 / r for r in hits) / n, 3)}


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


def latency(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": round(max(ms), 1)} \
        if ms else {}


# --------------------------------------------------------------------------------------------- main

def run_engine(settings, db, demands, id_of_key, id_of_external) -> dict:
    try:
        from lingxi.matching.engine import MatchEngine
    except ImportError as error:
        return {"available": False, "reason": f"not available: lingxi.matching.engine cannot be imported ({error})"}
    try:
        engine = MatchEngine(settings, db)
    except Exception as error:  # noqa: BLE001 - report whatever stops the engine starting
        return {"available": False, "reason": f"MatchEngine(settings, db) failed: {error!r}",
                "traceback": traceback.format_exc()[-3000:]}
    ranks, ms, errors, top_ids, notes = [], [], {}, {}, {}
    try:  # warm-up (model sessions, index readers), not timed
        engine.match_text(demands[0]["text"], top_k=K)
    except Exception:  # noqa: BLE001 - the per-demand loop below records errors
        pass
    for d in demands:
        started = time.perf_counter()
        try:
            result = engine.match_text(d["text"], top_k=K)
        except Exception as error:  # noqa: BLE001 - one failing demand must not hide the others' figures
            ms.append((time.perf_counter() - started) * 1000)
            errors[d["id"]] = f"{type(error).__name__}: {error}"[:500]
            if len(errors) == 1:
                errors["first_traceback"] = traceback.format_exc()[-3000:]
            ranks.append(None)
            continue
        ms.append((time.perf_counter() - started) * 1000)
        for note in getattr(result, "notes", None) or []:
            notes[str(note)[:200]] = notes.get(str(note)[:200], 0) + 1
        ids = match_ids(result, id_of_key, id_of_external)[:K]
        top_ids[d["id"]] = ids
        target = id_of_key[f"ID:{d['target']}"]
        ranks.append(ids.index(target) + 1 if target in ids else None)
    return {"available": True, "ranks": ranks, "latency": latency(ms), "errors": errors, "notes_seen": notes,
            "top_ids": top_ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lingxi-matchbench"))
    parser.add_argument("--fresh", action="store_true", help="build the home again (import, tag, embed)")
    parser.add_argument("--no-engine", action="store_true", help="baselines only")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    started_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    demands = load_demands()

    settings, db, service, home, timings = build_home(args.workdir, args.fresh)
    rows = corpus_rows(db)
    ids = [r.id for r in rows]
    position = {pid: i for i, pid in enumerate(ids)}
    id_of_key = {r.key: r.id for r in rows}
    id_of_external = {r.external_id: r.id for r in rows if r.external_id}
    unknown = [d["id"] for d in demands if f"ID:{d['target']}" not in id_of_key]
    if unknown:
        raise SystemExit(f"demands whose target is not in the store: {unknown}")
    targets = [position[id_of_key[f"ID:{d['target']}"]] for d in demands]

    from lingxi.search.vector_jobs import document_text

    started = time.perf_counter()
    bm25 = BM25([document_text(r.title, r.abstract) for r in rows])
    timings["bm25_build_s"] = round(time.perf_counter() - started, 1)
    matrix, vector_info = dense_matrix(service, ids)
    embedder = service.vectors.embedder()
    embedder.embed_query("warm-up")

    ranks: dict[str, list[int | None]] = {"bm25": [], "dense": [], "rrf": []}
    ms: dict[str, list[float]] = {"bm25": [], "dense": []}
    for d, target in zip(demands, targets, strict=True):
        t0 = time.perf_counter()
        keyword = bm25_scores(bm25, d["text"], len(ids))
        ms["bm25"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        dense = matrix @ embedder.embed_query(d["text"])
        ms["dense"].append((time.perf_counter() - t0) * 1000)
        ranks["bm25"].append(rank_in(keyword, target) if keyword[target] > 0 else None)
        ranks["dense"].append(rank_in(dense, target))
        fused = rrf([[(int(i), float(keyword[i])) for i in np.argsort(-keyword)[:100] if keyword[i] > 0],
                     [(int(i), float(dense[i])) for i in np.argsort(-dense)[:100]]], limit=100)
        fused_docs = [doc for doc, _ in fused]
        ranks["rrf"].append(fused_docs.index(target) + 1 if target in fused_docs else None)

    engine = {"available": False, "reason": "skipped (--no-engine)"} if args.no_engine else \
        run_engine(settings, db, demands, id_of_key, id_of_external)
    if engine.get("available"):
        ranks["lingxi"] = engine["ranks"]

    def groups_of(system: str) -> dict:
        out = {}
        for group in (*GROUPS, "all"):
            chosen = [r for d, r in zip(demands, ranks[system], strict=True) if group in ("all", d["group"])]
            out[group] = summarise(chosen)
        return out

    figures = {system: groups_of(system) for system in ranks}
    verdicts = {}
    for group in (*GROUPS, "all"):
        better = max(("bm25", "dense"), key=lambda s: figures[s][group]["mrr@10"])
        b = figures[better][group]["mrr@10"]
        row = {"better_baseline": better, "b": b, "mrr@10_target": round(b + (1 - b) / 2, 3),
               "recall@10_target": RECALL_TARGET}
        if "lingxi" in figures:
            got = figures["lingxi"][group]
            row.update({"lingxi_mrr@10": got["mrr@10"], "lingxi_recall@10": got["recall@10"],
                        "met": got["mrr@10"] >= row["mrr@10_target"] and got["recall@10"] >= RECALL_TARGET})
        else:
            row["met"] = "not measured: " + engine.get("reason", "engine not available")
        verdicts[group] = row

    report = {
        "benchmark": "bench/matching_quality.py",
        "run_at": started_at,
        "corpus": {"file": str(CORPUS.relative_to(SHARED)), "patents": len(ids), **vector_info},
        "demands": {"file": "bench/data/matching_demands.jsonl", "n": len(demands),
                    "per_group": {g: sum(d["group"] == g for d in demands) for g in GROUPS}},
        "model": {"name": embedder.name, "version": embedder.version, "dim": embedder.dim},
        "systems": {
            "bm25": "Okapi BM25 k1 1.2 b 0.75 over title+abstract; lingxi.text segment_for_index / segment (rjieba)",
            "dense": "platform's stored e5 passage vectors, demand embedded with embed_query ('query: '), plain "
                     "cosine over all patents, one list",
            "rrf": "information only: reciprocal-rank fusion (k 60) of the bm25 and dense top 100",
            "lingxi": "MatchEngine(settings, db).match_text(text, top_k=10).matches",
        },
        "metric_notes": "known-item: rank of the one target among all patents; MRR@10 counts 1/rank for ranks ≤ 10, "
                        "else 0; baseline ranks are exact over the whole corpus (ties counted against the target), "
                        "lingxi ranks only within its 10 matches",
        "figures": figures,
        "targets": verdicts,
        "lingxi": {k: v for k, v in engine.items() if k not in ("ranks", "top_ids")},
        "latency_per_demand": {"bm25": latency(ms["bm25"]), "dense (query embedding + cosine)": latency(ms["dense"]),
                               **({"lingxi": engine["latency"]} if engine.get("available") else {})},
        "timings": timings,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "per_demand": [
            {"id": d["id"], "group": d["group"], "target": d["target"],
             **{f"{system}_rank": ranks[system][i] for system in ranks}}
            for i, d in enumerate(demands)
        ],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    log(f"written {args.output}")
    db.dispose()


def cell(summary: dict) -> str:
    return f"{summary['recall@10']:.2f} / {summary['mrr@10']:.3f} ({summary['n']})"


def print_table(report: dict) -> None:
    figures, verdicts = report["figures"], report["targets"]
    print(f"\nmatching quality — {report['corpus']['patents']} patents, {report['demands']['n']} demands, "
          f"model {report['model']['name']}")
    header = f"{'system':<8}" + "".join(f"{g + ' R@10/MRR@10 (n)':>30}" for g in (*GROUPS, "all"))
    print(header)
    for system, groups in figures.items():
        cells = "".join(f"{cell(s):>30}" for s in groups.values())
        print(f"{system:<8}{cells}")
    print("target: MRR@10 ≥ b + (1 − b)/2 (b = better baseline's MRR@10) and Recall@10 ≥ 0.9")
    for group, v in verdicts.items():
        got = f"lingxi {v['lingxi_mrr@10']:.3f} / R@10 {v['lingxi_recall@10']:.2f}" if "lingxi_mrr@10" in v else ""
        met = v["met"] if isinstance(v["met"], bool) else v["met"]
        print(f"  {group:<14} b={v['b']:.3f} ({v['better_baseline']}) → MRR@10 target {v['mrr@10_target']:.3f}; "
              f"{got}  met: {met}")
    if report["lingxi"].get("errors"):
        print(f"engine errors on {len([k for k in report['lingxi']['errors'] if k.startswith('d')])} demands "
              f"(see the JSON)")
    print("latency per demand:", json.dumps(report["latency_per_demand"]))


if __name__ == "__main__":
    main()
