"""Latency of a demand match (`MatchEngine.match_text(text, top_k=10)`) at 100k and 1M patents (issue #10, "Measured":
p95 ≤ 200 ms at 1M).

Store, per size, built exactly as bench/search_scale.py builds it (its functions are reused, not copied):
- corpus: bench/corpus.py's generator — real titles, abstracts, applicants and IPC codes of ../shared/data scaled up
  (bench/corpus.py says how), written as Lingxi JSON Lines and imported into a fresh SQLite home through the real
  pipeline (`run_import` in a child process); the keyword index is built by `SearchService.rebuild`;
- vectors: embedding 1M patents with multilingual-e5-small takes 8–16 h on 2 cores, so (as search_scale does, default
  --vectors sample) only a sample of 600 patents is really embedded and every other patent gets a sampled real vector
  of its language plus Gaussian noise (σ 0.35, re-normalised). The HNSW index size, memory and search latency are
  real at full size; only the vectors' content is synthetic, so ranks mean nothing here — only time does;
- second-opinion vectors (USE, lingxi.matching.second_opinion) built the same way under indexes/vectors-use, so the
  matcher's USE candidates and feature run as in an installation whose embedding job has finished;
- tags: a full `run_tagging` pass (taxonomies, problem/means/effect, maturity), as `lingxi tag run --all` leaves an
  installation, so a matcher that reads tags reads a realistic amount (--no-tag skips it; at 1M it takes hours on
  2 cores). --tag-sample N tags the first N patents for real and copies their tag and annotation rows to every other
  patent in turn — as many rows as a tagged store holds, though they do not fit the other texts (like the vectors).
Each phase runs in its own process, so the peak memory (ru_maxrss) is per phase.

Queries: 300 demand-like sentences (deterministic): 75 % Chinese — one or two clauses of a real abstract, often after a
need phrase an SME engineer would write ("我们需要…", "希望解决…") — and 25 % English — 10–25 words of a real US
abstract, sometimes after "We need". Each is timed around `MatchEngine(settings, db).match_text(text, top_k=10)` in
one warm process (the engine built once, 5 warm-up calls not counted); wall time includes the query embedding.

    .venv/bin/python bench/matching_latency.py --sizes 100000,1000000 [--workdir DIR] [--queries 300] [--keep]
        [--tag-sample 10000] [--reuse-home]
Results: bench/results/matching_latency.json, merged by size (sizes can be run separately).
Needs lingxi.matching.engine; without it the match phase records "not available" and no latency is given.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_scale
from corpus import RealSamples
from import_throughput import ROOT
from search_scale import import_and_index, machine, percentiles, rusage, write_corpus

RESULTS = ROOT / "bench" / "results" / "matching_latency.json"
TARGET_P95_MS_AT_1M = 200
TOP_K = 10
CN_OPENERS = ("", "", "我们需要", "希望解决", "想找一种技术：", "我们厂现在的问题是", "求一种方案，")
EN_OPENERS = ("", "", "We need ", "We are looking for ")


def build_demands(samples: RealSamples, count: int, seed: int) -> list[str]:
    """Deterministic demand-like sentences from real abstracts (see the module doc), 20–90 characters / 10–25 words."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        if i % 4 == 3 and samples.en_abstracts:
            sentences = [s for s in rng.choice(samples.en_abstracts) if len(s.split()) >= 8 and s[0].isupper()]
            sentence = rng.choice(sentences or [rng.choice(samples.en_titles)])
            sentence = re.sub(r"^(The present (invention|disclosure)|This (invention|disclosure))\s+\w+\s+", "",
                              sentence)
            text = " ".join(sentence.split()[: rng.randint(10, 25)]).rstrip(",;.")
            opener = rng.choice(EN_OPENERS)
            text = opener + (text[:1].lower() + text[1:] if opener else text)
        else:
            clauses = [c for c in rng.choice(samples.cn_abstracts) if len(c) >= 10 and not _LIST_ITEM.match(c)]
            clause = _CN_LEAD.sub("", rng.choice(clauses)).lstrip("的，") if clauses else rng.choice(samples.cn_titles)
            parts = [p for p in clause.split("，") if p]
            text = "，".join(parts[: rng.randint(1, 3)])[:80].rstrip("，；。、：")
            text = rng.choice(CN_OPENERS) + text
        out.append(text.strip() or rng.choice(samples.cn_titles))
    return out


_LIST_ITEM = re.compile(r"^\s*[\d(（①-⑳a-zA-Z的所且和及并或]")
_CN_LEAD = re.compile(r"^(本(发明|实用新型|申请|公开)(实施例)?(公开|提供|涉及|属于|所述)?了?(一种|一个)?|所述的?|其中，?)")


# --------------------------------------------------------------------------------------------- child phases

def run_child(phase: str, home: Path, extra: list[str]) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--home", str(home), *extra]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        sys.stderr.write(process.stderr[-4000:])
        raise RuntimeError(f"phase {phase} failed with exit code {process.returncode}")
    return json.loads(process.stdout.strip().splitlines()[-1])


COPIED_COLUMNS = {
    "patent_tags": ("taxonomy_name", "taxonomy_version", "node_key", "confidence", "source", "model_version",
                    "evidence", "status", "created_at"),
    "patent_annotations": ("kind", "data", "source", "confidence", "model_version", "created_at"),
}


def phase_tag(home: Path, sample: int | None) -> dict:
    """A tagging run over every patent, or (`sample`) over the first `sample` patents, whose tag and annotation rows
    are then copied to every other patent in turn — as the vectors are sampled: the matcher reads as many rows as a
    fully tagged store holds (1M patents take hours to tag on 2 cores), though they do not fit the other texts."""
    from sqlalchemy import text

    from lingxi.db import open_database
    from lingxi.settings import load_settings
    from lingxi.tagging.jobs import run_tagging

    settings = load_settings(home)
    db = open_database(settings.resolved_database_url)
    started = time.perf_counter()
    summary = run_tagging(db, annotations=True, batch_size=1000,
                          stop_after=None if sample is None else -(-sample // 1000))
    seconds = time.perf_counter() - started
    out = {"seconds": round(seconds, 1), "patents": summary.patents,
           "patents_per_second": round(summary.patents / max(seconds, 1e-9), 1)}
    if sample is not None:
        started = time.perf_counter()
        copied = {}
        with db.engine.begin() as connection:
            low, tagged = connection.execute(text(
                "SELECT min(p.id), (SELECT max(patent_id) FROM patent_tags) FROM patents p")).one()
            span = tagged - low + 1
            for table, columns in COPIED_COLUMNS.items():
                copied[table] = connection.execute(text(
                    f"INSERT INTO {table} (patent_id, {', '.join(columns)}) "
                    f"SELECT p.id, {', '.join('s.' + column for column in columns)} "
                    f"FROM patents p JOIN {table} s ON s.patent_id = :low + ((p.id - :low) % :span) "
                    f"WHERE p.id > :tagged"), {"low": low, "span": span, "tagged": tagged}).rowcount
        out["copied"] = {"from_first_patents": span, "rows": copied,
                         "seconds": round(time.perf_counter() - started, 1),
                         "note": "tag and annotation rows of the tagged patents copied to every other patent in turn"}
    return {**out, **rusage()}


def phase_match(home: Path, queries_file: Path) -> dict:
    queries: list[str] = json.loads(queries_file.read_text(encoding="utf-8"))
    try:
        from lingxi.matching.engine import MatchEngine
    except ImportError as error:
        return {"available": False, "reason": f"not available: lingxi.matching.engine cannot be imported ({error})"}
    from lingxi.db import open_database
    from lingxi.settings import load_settings

    settings = load_settings(home)
    db = open_database(settings.resolved_database_url)
    started = time.perf_counter()
    try:
        engine = MatchEngine(settings, db)
    except Exception as error:  # noqa: BLE001 - reported, never hidden
        return {"available": False, "reason": f"MatchEngine(settings, db) failed: {error!r}",
                "traceback": traceback.format_exc()[-3000:]}
    out: dict = {"available": True, "engine_start_s": round(time.perf_counter() - started, 2)}
    started = time.perf_counter()
    try:
        engine.match_text(queries[0], top_k=TOP_K)
    except Exception:  # noqa: BLE001 - the measured loop records errors
        pass
    out["first_match_ms_cold"] = round((time.perf_counter() - started) * 1000, 1)
    for q in queries[1:6]:  # warm-up, not counted
        try:
            engine.match_text(q, top_k=TOP_K)
        except Exception:  # noqa: BLE001
            pass
    times: dict[str, list[float]] = {"all": [], "zh": [], "en": []}
    errors: dict[str, int] = {}
    returned = []
    for q in queries:
        lang = "en" if q.isascii() else "zh"
        t = time.perf_counter()
        try:
            result = engine.match_text(q, top_k=TOP_K)
        except Exception as error:  # noqa: BLE001 - counted and reported
            key = f"{type(error).__name__}: {str(error)[:160]}"
            errors[key] = errors.get(key, 0) + 1
            if "first_traceback" not in out:
                out["first_traceback"] = traceback.format_exc()[-3000:]
            continue
        ms = (time.perf_counter() - t) * 1000
        times["all"].append(ms)
        times[lang].append(ms)
        returned.append(len(getattr(result, "matches", result)))
    out["latency"] = percentiles(times["all"])
    out["latency_zh"] = percentiles(times["zh"])
    out["latency_en"] = percentiles(times["en"])
    out["queries"] = len(queries)
    out["matches_returned_median"] = sorted(returned)[len(returned) // 2] if returned else None
    out["zero_match_queries"] = sum(1 for n in returned if n == 0)
    if errors:
        out["errors"] = errors
    out["memory"] = rusage()
    return out


# --------------------------------------------------------------------------------------------- driver

def bench_size(size: int, args, samples: RealSamples, save, previous: dict | None) -> dict:
    work = Path(args.workdir)
    corpus = work / f"corpus-{size}-seed{args.seed}.jsonl"
    home = work / f"home-{size}"
    entry: dict = {"size": size, "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "complete": False,
                   "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    if args.note:
        entry["note"] = args.note
    reuse = args.reuse_home and (home / "lingxi.db").exists() and previous and previous.get("keyword_index")
    if reuse:
        for key in ("corpus", "import", "database_mb", "keyword_index", "vector_index", "second_opinion_index",
                    "tagging"):
            if key in previous:
                entry[key] = previous[key]
        entry["reused_home_from_run_started"] = previous.get("started")
    else:
        started = time.perf_counter()
        if not corpus.exists():
            description = write_corpus(corpus, size, args.seed, samples)
        else:
            description = {"records": size, "seed": args.seed, "reused_file": True,
                           "file_mb": round(corpus.stat().st_size / 2**20, 1)}
        description["generate_s"] = round(time.perf_counter() - started, 1)
        entry["corpus"] = description
        import_and_index(entry, size, corpus, home, save)
        if args.vectors != "none":
            entry["vector_index"] = search_scale.run_phase(
                "vectors", home, ["--vectors", args.vectors, "--embed-sample", str(args.embed_sample),
                                  "--seed", str(args.seed)])
            print(f"[{size:,}] vector index {json.dumps(entry['vector_index'])[:400]}", file=sys.stderr)
            save(entry)
            entry["second_opinion_index"] = search_scale.run_phase(
                "vectors", home, ["--vectors", args.vectors, "--embed-sample", str(args.embed_sample),
                                  "--seed", str(args.seed), "--vector-model", "use"])
            print(f"[{size:,}] second-opinion index {json.dumps(entry['second_opinion_index'])[:400]}",
                  file=sys.stderr)
            save(entry)
        if not args.no_tag:
            entry["tagging"] = run_child("tag", home, [] if args.tag_sample is None else
                                         ["--tag-sample", str(args.tag_sample)])
            print(f"[{size:,}] tagging {entry['tagging']}", file=sys.stderr)
            save(entry)
    queries = build_demands(samples, args.queries, args.seed)
    queries_file = work / f"demands-{size}.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    entry["query_examples"] = [q for q in queries if not q.isascii()][:4] + [q for q in queries if q.isascii()][:2]
    entry["match"] = run_child("match", home, ["--queries-file", str(queries_file)])
    match = entry["match"]
    entry["peak_memory_mb"] = {
        "import": (entry.get("import") or {}).get("peak_rss_mb"),
        "keyword_index_build": (entry.get("keyword_index") or {}).get("peak_rss_mb"),
        "vector_index_build": (entry.get("vector_index") or {}).get("peak_rss_mb"),
        "tagging": (entry.get("tagging") or {}).get("peak_rss_mb"),
        "matching": (match.get("memory") or {}).get("peak_rss_mb"),
    }
    p95 = (match.get("latency") or {}).get("p95_ms") if match.get("available") else None
    entry["target"] = {"p95_ms": TARGET_P95_MS_AT_1M, "applies_at": 1_000_000, "binding": size >= 1_000_000,
                       "measured_p95_ms": p95, "met": None if p95 is None else p95 <= TARGET_P95_MS_AT_1M}
    entry["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    entry["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    entry["complete"] = True
    save(entry)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return entry


def print_table(entry: dict) -> None:
    m = entry["match"]
    print(f"\n=== {entry['size']:,} patents")
    if not m.get("available"):
        print(f"demand match: {m.get('reason')}")
        return
    for label, key in (("all", "latency"), ("zh", "latency_zh"), ("en", "latency_en")):
        row = m.get(key) or {}
        print(f"match_text top 10, {label:<3}: n {row.get('n', 0):>4}  p50 {row.get('p50_ms', '-')} ms  "
              f"p95 {row.get('p95_ms', '-')} ms  p99 {row.get('p99_ms', '-')} ms")
    print(f"errors: {m.get('errors') or 'none'}; peak memory MB: {entry['peak_memory_mb']}")
    print(f"target p95 ≤ {TARGET_P95_MS_AT_1M} ms at 1M: {entry['target']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workdir", default=None, help="where corpora and homes go (default: a new dir under /tmp)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--vectors", choices=("sample", "full", "none"), default="sample")
    parser.add_argument("--embed-sample", type=int, default=600)
    parser.add_argument("--no-tag", action="store_true", help="skip the tagging pass")
    parser.add_argument("--tag-sample", type=int, default=None,
                        help="tag only this many patents and copy their rows to the others (see phase_tag)")
    parser.add_argument("--keep", action="store_true", help="keep each size's home")
    parser.add_argument("--reuse-home", action="store_true", help="reuse a home kept by an earlier --keep run")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--note", default=None, help="a remark stored with this size's entry (e.g. a smoke test)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:  # a child process
        result = (phase_tag(args.home, args.tag_sample) if args.phase == "tag"
                  else phase_match(args.home, args.queries_file))
        print(json.dumps(result, ensure_ascii=False))
        return

    search_scale.run_sizes(
        args, "lingxi-match-latency-", 14,  # search_scale's ~12 GB per million, plus tags
        {"benchmark": "bench/matching_latency.py", "machine": machine(),
         "store": "SQLite (WAL) + Tantivy keyword index + faiss HNSW vectors (sampled real + noise)",
         "target": f"p95 ≤ {TARGET_P95_MS_AT_1M} ms at 1M patents",
         "request": f"MatchEngine(settings, db).match_text(text, top_k={TOP_K}), wall time around the call in one "
                    "warm process"},
        bench_size, print_table)

if __name__ == "__main__":
    main()
