"""Search at scale: import, keyword-index build, vector-index build, query latency and peak memory at 100k and 1M.

For each size: a synthetic corpus scaled from the real samples (bench/corpus.py says how) is written as Lingxi JSON
Lines, imported into a fresh SQLite home through the real pipeline (lingxi.patents.importing.run_import, via
import_throughput.timed_import), the keyword index is built (SearchService.rebuild), the vector index is built when
semantic search code is present, and then a few hundred varied queries of each kind go through
SearchService.search(SearchRequest(...)) with the defaults the web page uses (20 hits, facets, highlights):
  keyword   single Chinese/English terms and 2–3 word queries (words of real titles)
  field     the operator's field query language: TI=(…) AND IPC=H01M10/05* AND AD>=2018, AP=…, PN=…, NOT …
  semantic  a plain sentence (a clause of a real abstract), SearchRequest(mode="semantic"), query embedding included
  hybrid    the same sentences, SearchRequest(mode="hybrid")
Every phase runs in its own process, so peak memory (ru_maxrss of the process, and of its children) is per phase.
The keyword and field queries are also timed without facets and without highlights, to show where the time goes.

Vectors: embedding every patent with the default model (multilingual-e5-small, ~15–37 passages/s on 2 cores) takes
hours at 100k and 8–16 h at 1M, so by default (--vectors sample) only a sample of the corpus is really embedded — its
throughput is measured and the full embedding time extrapolated (and reported as such) — and the vector index is filled
with vectors made from the sample's real vectors plus noise (as bench/vector_index.py does). The HNSW build, its
size, memory and every search latency are then real measurements at full size; only the vectors' content is
synthetic. --vectors full embeds everything for real; --vectors none skips vectors. If the service answers semantic
requests with "semantic search unavailable", that is recorded as such and no semantic figures are given.

    .venv/bin/python bench/search_scale.py --sizes 100000,1000000 [--workdir DIR] [--queries 300]
Results: bench/results/search_scale.json (merged by size, so sizes can be run separately).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import RealSamples, write_corpus
from import_throughput import ROOT, timed_import
from machine import cpu_model

RESULTS = ROOT / "bench" / "results" / "search_scale.json"
TARGETS_1M = {"keyword_p95_ms": 30, "semantic_p95_ms": 60, "hybrid_p95_ms": 100, "peak_memory_mb": 6 * 1024}
UNAVAILABLE = "semantic search unavailable"
EN_STOP = {"and", "the", "for", "with", "method", "methods", "system", "systems", "apparatus", "device", "devices",
           "thereof", "same", "using", "from", "having", "into", "use", "of", "a", "an", "in", "to", "on", "or", "by"}


# --------------------------------------------------------------------------------------------- helpers

def percentiles(ms: list[float]) -> dict:
    if not ms:
        return {}
    s = sorted(ms)

    def q(p: float) -> float:
        k = (len(s) - 1) * p / 100
        lo, hi = int(k), min(int(k) + 1, len(s) - 1)
        return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 2)

    return {"n": len(s), "p50_ms": q(50), "p95_ms": q(95), "p99_ms": q(99), "max_ms": round(s[-1], 2),
            "mean_ms": round(sum(s) / len(s), 2)}


def folder_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def rusage() -> dict:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_rss_mb": round(own.ru_maxrss / 1024), "children_peak_rss_mb": round(children.ru_maxrss / 1024),
            "cpu_seconds": round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 1)}


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        info["cpu"] = cpu_model()
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError, ValueError) as error:  # information only
        info["cpu_info_error"] = str(error)
    from importlib.metadata import PackageNotFoundError, version

    for package in ("tantivy", "faiss-cpu", "onnxruntime"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info


def run_phase(phase: str, home: Path, extra: list[str]) -> dict:
    """Run one phase in a fresh process (own peak memory); it prints its result as the last line of JSON."""
    command = [sys.executable, __file__, "--phase", phase, "--home", str(home), *extra]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        sys.stderr.write(process.stderr[-4000:])
        raise RuntimeError(f"phase {phase} failed with exit code {process.returncode}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def _service(home: Path):
    from lingxi.db import open_database
    from lingxi.search.service import SearchService
    from lingxi.settings import load_settings

    settings = load_settings(home)
    return settings, SearchService(settings, open_database(settings.resolved_database_url))


# --------------------------------------------------------------------------------------------- queries

def build_queries(samples: RealSamples, size: int, count: int, seed: int) -> dict[str, list[str]]:
    """Deterministic query sets from the real samples (and the generator's numbering for PN= queries)."""
    from corpus import CorpusGenerator

    from lingxi.text.segment import segment

    rng = random.Random(seed)
    generator = CorpusGenerator(samples, seed)
    zh_titles = [[w for w in segment(t) if len(w) >= 2 and not w.isascii()] for t in samples.cn_titles]
    zh_titles = [ws for ws in zh_titles if ws]
    en_titles = [[w for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", t.lower()) if w not in EN_STOP]
                 for t in samples.en_titles]
    en_titles = [ws for ws in en_titles if ws]

    def words(pool: list[list[str]], n: int) -> list[str]:
        for _ in range(50):
            title = rng.choice(pool)
            distinct = list(dict.fromkeys(title))
            if len(distinct) >= n:
                return rng.sample(distinct, n)
        return [rng.choice(rng.choice(pool))]

    keyword = []
    for i in range(count):
        kind = i % 20
        if kind < 6:
            keyword.append(words(zh_titles, 1)[0])                   # 30 % single Chinese term
        elif kind < 9:
            keyword.append(words(en_titles, 1)[0])                   # 15 % single English term
        elif kind < 16:
            keyword.append(" ".join(words(zh_titles, rng.choice((2, 3)))))   # 35 % 2–3 Chinese words
        else:
            keyword.append(" ".join(words(en_titles, rng.choice((2, 3)))))   # 20 % 2–3 English words

    def applicant(lang: str = "zh") -> str:
        from corpus import _pick

        if lang == "en":
            return _pick(rng, samples.en_assignees, generator.cdf_en_app)
        return _pick(rng, samples.cn_applicants, generator.cdf_cn_app)

    def ipc_prefix() -> str:
        from corpus import _pick

        code = rng.choice(samples.ipc_groups[_pick(rng, generator.subclasses, generator.cdf_subclass)])
        sub, group = code.split(" ")
        style = rng.random()
        if style < 0.4:
            return sub
        if style < 0.7:
            return f"{sub}{group.split('/')[0]}/*"
        return f"{sub}{group[:-1]}*" if len(group.split("/")[1]) > 2 else f"{sub}{group}"

    def number() -> str:
        record = generator.record(rng.randrange(size))
        pn = record["publication_number"]
        style = rng.random()
        if style < 0.4:
            return pn
        if style < 0.6:
            return f'"{pn[:2].lower()} {pn[2:-2 if pn[-1].isdigit() else -1]} {pn[-2:] if pn[-1].isdigit() else pn[-1]}"'.lower()
        if style < 0.8:
            return pn[:-2] if pn[-1].isdigit() else pn[:-1]   # without kind code
        return pn[:8] + "*"                                    # a number prefix

    def quote(name: str) -> str:
        return f'"{name}"' if re.search(r"[\s()=<>\"]", name) else name

    field = []
    templates = [
        lambda: f"TI=({' AND '.join(words(zh_titles, 2))}) AND IPC={ipc_prefix()} AND AD>={rng.randint(2010, 2021)}",
        lambda: f"TI={words(zh_titles, 1)[0]} AND IPC={ipc_prefix()} AND AD>={rng.randint(2012, 2021)}-01-01",
        lambda: f"AP={quote(applicant())}",
        lambda: f"AP={quote(applicant())} AND AD=[{(y := rng.randint(2008, 2018))} TO {y + rng.randint(1, 5)}]",
        lambda: f"AP=({quote(applicant())} OR {quote(applicant())}) AND KIND=发明",
        lambda: f"PN={number()}",
        lambda: f"TX={words(zh_titles, 1)[0]} NOT KIND=U",
        lambda: f"TI={words(zh_titles, 1)[0]} NOT AP={quote(applicant())}",
        lambda: f"{' AND '.join(words(zh_titles, 2))} NOT LS=失效",
        lambda: f"IPC={ipc_prefix()} AND LS=有效 AND AD>={rng.randint(2015, 2021)}",
        lambda: f"TI=({' OR '.join(words(en_titles, 2))}) AND CO=US",
        lambda: f"AB={words(zh_titles, 1)[0]} AND PD=[{(y := rng.randint(2010, 2020))} TO {y + 2}]",
        lambda: f"AP={quote(applicant('en'))} AND GD>={rng.randint(2008, 2016)}",
        lambda: f"TIAB=({words(zh_titles, 1)[0]} AND ({' OR '.join(words(zh_titles, 2))})) AND APT=企业",
    ]
    for i in range(count):
        field.append(templates[i % len(templates)]())

    sentences = []
    for i in range(count):
        if i % 4 == 3:
            own = rng.choice(samples.en_abstracts)
            text = " ".join(rng.choice(own).split()[: rng.randint(8, 20)])
        else:
            own = rng.choice(samples.cn_abstracts)
            text = re.sub(r"^(本(发明|实用新型)(公开|提供|涉及)了?(一种)?)", "", rng.choice(own))
            text = text[: rng.randint(15, 40)].rstrip("，；。、")
        sentences.append(text or rng.choice(samples.cn_titles))
    return {"keyword": keyword, "field": field, "semantic": sentences, "hybrid": list(sentences)}


# --------------------------------------------------------------------------------------------- phases (children)

def phase_index(home: Path) -> dict:
    settings, service = _service(home)
    started = time.perf_counter()
    count = service.rebuild()
    seconds = time.perf_counter() - started
    return {"documents": count, "seconds": round(seconds, 1), "documents_per_second": round(count / seconds),
            "size_mb": folder_mb(settings.indexes_dir / "keyword"), **rusage()}


def phase_vectors(home: Path, mode: str, sample: int, seed: int, model: str = "e5") -> dict:
    """Build the vector store under indexes/vectors (the layout lingxi.search.semantic reads), or with model "use"
    the matcher's second-opinion store under indexes/vectors-use (lingxi.matching.second_opinion)."""
    try:
        import numpy as np

        from lingxi.search.vectors import open_vector_store
        from lingxi.text.segment import detect_language
    except ImportError as error:
        return {"available": False, "reason": f"semantic code not importable: {error}"}
    from sqlalchemy import select

    from lingxi.db.models import Patent
    from lingxi.matching.second_opinion import SecondOpinionVectors
    from lingxi.search.vector_jobs import VectorIndexManager

    settings, service = _service(home)
    manager = (SecondOpinionVectors if model == "use" else VectorIndexManager)(settings.indexes_dir, service.db)
    started = time.perf_counter()
    try:
        embedder = manager.embedder()  # each manager's own model (e5 / USE) and folder
    except Exception as error:  # noqa: BLE001 - report whatever stops the embedder loading
        return {"available": False, "reason": f"embedder not available: {error!r}"}
    load_s = time.perf_counter() - started
    folder = manager.folder
    shutil.rmtree(folder, ignore_errors=True)
    with service.db.sessions() as session:
        rows = session.execute(select(Patent.id, Patent.language).order_by(Patent.id)).all()
    ids = np.array([r.id for r in rows], dtype=np.int64)
    langs = [r.language or "zh" for r in rows]

    def texts_of(wanted: list[int]) -> list[str]:
        """What the platform embeds for a patent (vector_jobs.document_text when present: title + abstract)."""
        try:
            from lingxi.search.vector_jobs import document_text
        except ImportError:
            def document_text(title, abstract):
                return f"{title}。{abstract or ''}"
        with service.db.sessions() as session:
            found = {
                r.id: document_text(r.title, r.abstract)
                for r in session.execute(select(Patent.id, Patent.title, Patent.abstract).where(Patent.id.in_(wanted)))}
        return [found[i] for i in wanted]

    result: dict = {"available": True, "model": embedder.name, "model_version": embedder.version,
                    "dim": embedder.dim, "model_load_s": round(load_s, 1), "documents": len(rows), "mode": mode}
    store = open_vector_store(folder, embedder)
    if mode == "full":
        started = time.perf_counter()
        for start in range(0, len(ids), 2_000):
            chunk = ids[start : start + 2_000].tolist()
            store.add_texts(chunk, texts_of(chunk), embedder)
        result["embed_and_add_s"] = round(time.perf_counter() - started, 1)
    else:
        rng = np.random.default_rng(seed)
        picked = rng.choice(len(rows), size=min(sample, len(rows)), replace=False)
        texts = texts_of([int(ids[i]) for i in picked])
        started = time.perf_counter()
        real = embedder.embed_passages(texts)
        embed_s = time.perf_counter() - started
        rate = len(texts) / embed_s
        real_langs = np.array([detect_language(t) for t in texts])
        result["embedding"] = {
            "sample_passages": len(texts), "seconds": round(embed_s, 1), "passages_per_second": round(rate, 1),
            "mean_chars": round(sum(map(len, texts)) / len(texts)),
            "extrapolated_full_embedding_s": round(len(rows) / rate),
            "extrapolated_full_embedding_h": round(len(rows) / rate / 3600, 2),
            "note": "vectors of the other documents are synthetic (a sampled document's real vector of the same "
                    "language + Gaussian noise σ 0.35, re-normalised); the full embedding time is extrapolated",
        }
        doc_langs = np.array(["en" if lang == "en" else "zh" for lang in langs])
        vectors = np.empty((len(rows), embedder.dim), dtype=np.float32)
        for lang in ("zh", "en"):
            where = np.flatnonzero(doc_langs == lang)
            base = real[real_langs == lang] if (real_langs == lang).any() else real
            for start in range(0, len(where), 100_000):
                chunk = where[start : start + 100_000]
                v = base[rng.integers(0, len(base), len(chunk))]
                v = v + rng.standard_normal(v.shape, dtype=np.float32) * (0.35 / np.sqrt(embedder.dim))
                vectors[chunk] = v / np.linalg.norm(v, axis=1, keepdims=True)
        vectors[picked] = real
        started = time.perf_counter()
        for start in range(0, len(rows), 50_000):
            store.add(ids[start : start + 50_000], vectors[start : start + 50_000], doc_langs[start : start + 50_000])
        result["hnsw_add_s"] = round(time.perf_counter() - started, 1)
        result["hnsw_vectors_per_second"] = round(len(rows) / max(result["hnsw_add_s"], 1e-9))
        del vectors
    started = time.perf_counter()
    store.save()
    result["save_s"] = round(time.perf_counter() - started, 1)
    result["manifest"] = write_vector_manifest(service, manager, embedder, store.count)
    result["size_mb"] = folder_mb(folder)
    result["per_language"] = {key: index.count for key, index in store.indexes.items()}
    if mode != "full":
        result["extrapolated_build_s"] = result["embedding"]["extrapolated_full_embedding_s"] + round(
            result["hnsw_add_s"] + result["save_s"])
    result.update(rusage())
    return result


def write_vector_manifest(service, manager, embedder, count: int) -> str:
    """The manifest lingxi.search.vector_jobs writes after a complete embedding job (store fingerprint, model, job
    watermark), so the service's semantic search (or the matcher's second opinion) accepts the vectors built here."""
    from lingxi.search.indexer import KeywordIndexManager
    from lingxi.search.vector_jobs import VectorManifest

    with service.db.sessions() as session:
        watermark, state = KeywordIndexManager._job_state(session)
    VectorManifest(embedder.name, embedder.version, manager.store_fingerprint(), watermark, state, count,
                   generation=1, complete=True).write(manager.folder)
    return f"written ({count} vectors, job watermark {watermark})"


def phase_query(home: Path, queries_file: Path) -> dict:
    from lingxi.search.service import SearchRequest

    queries: dict[str, list[str]] = json.loads(queries_file.read_text(encoding="utf-8"))
    settings, service = _service(home)
    started = time.perf_counter()
    first = service.search(SearchRequest(queries["keyword"][0]))
    out: dict = {"first_query_ms_cold": round((time.perf_counter() - started) * 1000, 1),
                 "first_query_notes": first.notes}
    for q in queries["keyword"][1:11] + queries["field"][:10]:  # warm-up, not counted
        service.search(SearchRequest(q))

    def measure(mode: str, items: list[str], **options) -> dict:
        times, totals, errors, notes = [], [], {}, {}
        for q in items:
            t = time.perf_counter()
            try:
                response = service.search(SearchRequest(q, mode=mode, **options))
            except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
                key = f"{type(error).__name__}: {str(error)[:160]}"
                errors[key] = errors.get(key, 0) + 1
                continue
            times.append((time.perf_counter() - t) * 1000)
            totals.append(response.total)
            for note in response.notes:
                key = re.sub(r"\d+", "N", note)[:200]
                notes[key] = notes.get(key, 0) + 1
        result = {**percentiles(times), "queries": len(items)}
        if totals:
            totals.sort()
            result["hits_total_median"] = totals[len(totals) // 2]
            result["hits_total_max"] = totals[-1]
            result["zero_hit_queries"] = sum(1 for t in totals if t == 0)
        if errors:
            result["errors"] = errors
        if notes:
            result["notes"] = notes
        return result

    out["keyword"] = measure("keyword", queries["keyword"])
    out["field"] = measure("keyword", queries["field"])
    breakdown_n = min(100, len(queries["keyword"]))
    out["breakdown"] = {
        "keyword_first_100": {
            "default": measure("keyword", queries["keyword"][:breakdown_n]),
            "no_facets": measure("keyword", queries["keyword"][:breakdown_n], facets=False),
            "no_highlight": measure("keyword", queries["keyword"][:breakdown_n], highlight=False),
            "neither": measure("keyword", queries["keyword"][:breakdown_n], facets=False, highlight=False),
        },
        "field_first_100": {
            "default": measure("keyword", queries["field"][:breakdown_n]),
            "no_facets": measure("keyword", queries["field"][:breakdown_n], facets=False),
            "neither": measure("keyword", queries["field"][:breakdown_n], facets=False, highlight=False),
        },
    }
    out["memory_after_keyword"] = rusage()
    for mode in ("semantic", "hybrid"):
        result = measure(mode, queries[mode])
        unavailable = sum(n for note, n in result.get("notes", {}).items() if UNAVAILABLE in note)
        result["semantic_available"] = not result.get("errors") and unavailable == 0
        if unavailable:
            # the service answered from the keyword index alone: not a semantic latency, kept apart
            result = {"semantic_available": False, "unavailable_answers": unavailable,
                      "notes": result.get("notes"), "fallback_keyword_only_latency": percentiles_from(result)}
        elif result.get("errors"):
            result = {"semantic_available": False, "errors": result["errors"], "answered": result.get("n", 0),
                      "latency_of_answered": percentiles_from(result)}
        out[mode] = result
    if not out["semantic"].get("semantic_available"):
        out["semantic_components_outside_service"] = semantic_components(settings, queries["semantic"])
    out["memory"] = rusage()
    return out


def semantic_components(settings, sentences: list[str]) -> dict:
    """When the service cannot answer semantic requests: time the parts it will consist of, called directly — the
    query embedding and the per-language HNSW search for the service's 200 candidates — clearly not the service."""
    try:
        from lingxi.search.service import CANDIDATES
        from lingxi.search.vectors import open_vector_store
        from lingxi.text.embedding import default_embedder

        embedder = default_embedder()
        started = time.perf_counter()
        store = open_vector_store(settings.indexes_dir / "vectors", embedder, verify=False)
        load_s = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        return {"measured": False, "reason": f"{type(error).__name__}: {error}"}
    if not store.count:
        return {"measured": False, "reason": "no vector index built"}
    embed_ms, search_ms, total_ms = [], [], []
    for sentence in sentences:
        t0 = time.perf_counter()
        vector = embedder.embed_query(sentence)
        t1 = time.perf_counter()
        store.search(vector, CANDIDATES)
        t2 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
    return {"measured": True, "what": "embedder.embed_query + MultilingualVectorStore.search(k=200), called "
                                      "directly; not SearchService (no hits, facets or highlights)",
            "store_load_s_without_checksum": round(load_s, 1), "vectors": store.count,
            "query_embedding": percentiles(embed_ms), "vector_search_k200": percentiles(search_ms),
            "embedding_plus_search": percentiles(total_ms)}


def percentiles_from(result: dict) -> dict:
    return {k: result[k] for k in ("n", "p50_ms", "p95_ms", "p99_ms", "max_ms") if k in result}


# --------------------------------------------------------------------------------------------- driver

def bench_size(size: int, args, samples: RealSamples, save, previous: dict | None = None) -> dict:
    """One size, phase by phase; `save(entry)` after each phase, so a run cut short keeps what it measured."""
    work = Path(args.workdir)
    corpus = work / f"corpus-{size}-seed{args.seed}.jsonl"
    home = work / f"home-{size}"
    entry: dict = {"size": size, "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "complete": False,
                   "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()
    about = corpus.with_suffix(".about.json")
    if not corpus.exists() or args.regenerate:
        description = write_corpus(corpus, size, args.seed, samples)
        about.write_text(json.dumps(description), encoding="utf-8")
    else:  # same seed and size → the same records (the generator is deterministic)
        description = json.loads(about.read_text(encoding="utf-8")) if about.exists() else {
            "records": size, "seed": args.seed, "file_mb": round(corpus.stat().st_size / 2**20, 1)}
        description["reused_file"] = True
    description["generate_s"] = round(time.perf_counter() - started, 1)
    entry["corpus"] = description
    print(f"[{size:,}] corpus {description['file_mb']} MB in {description['generate_s']} s", file=sys.stderr)

    reuse = args.reuse_home and (home / "lingxi.db").exists() and previous and previous.get("keyword_index")
    if reuse:  # --reuse-home: the database and keyword index of an earlier run (--keep), their figures from then
        for key in ("import", "database_mb", "keyword_index"):
            entry[key] = previous[key]
        entry["reused_home_from_run_started"] = previous.get("started")
        print(f"[{size:,}] reusing {home} (import and keyword index figures from {previous.get('started')})",
              file=sys.stderr)
    else:
        import_and_index(entry, size, corpus, home, save)
    return finish_size(entry, size, args, samples, home, save)


def import_and_index(entry: dict, size: int, corpus: Path, home: Path, save) -> None:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    imported = timed_import(home, corpus)
    entry["import"] = {k: imported.get(k) for k in ("new", "rejected", "seconds", "documents_per_second",
                                                     "peak_rss_mb", "worker_peak_rss_mb", "cpu_seconds")}
    entry["database_mb"] = round(sum(p.stat().st_size for p in home.glob("lingxi.db*")) / 2**20, 1)
    print(f"[{size:,}] import {entry['import']}", file=sys.stderr)
    save(entry)

    entry["keyword_index"] = run_phase("index", home, [])
    print(f"[{size:,}] keyword index {entry['keyword_index']}", file=sys.stderr)
    save(entry)


def finish_size(entry: dict, size: int, args, samples: RealSamples, home: Path, save) -> dict:
    work = Path(args.workdir)

    if args.vectors != "none":
        entry["vector_index"] = run_phase("vectors", home, ["--vectors", args.vectors, "--embed-sample",
                                                            str(args.embed_sample), "--seed", str(args.seed)])
        print(f"[{size:,}] vector index {json.dumps(entry['vector_index'])[:600]}", file=sys.stderr)
        save(entry)

    queries = build_queries(samples, size, args.queries, args.seed)
    queries_file = work / f"queries-{size}.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    entry["query_examples"] = {kind: items[:6] for kind, items in queries.items() if kind != "hybrid"}
    entry["search"] = run_phase("query", home, ["--queries-file", str(queries_file)])
    entry["peak_memory_mb"] = {
        "import": max(entry["import"].get("peak_rss_mb") or 0, 0),
        "keyword_index_build": entry["keyword_index"]["peak_rss_mb"],
        "vector_index_build": (entry.get("vector_index") or {}).get("peak_rss_mb"),
        "querying": entry["search"]["memory"]["peak_rss_mb"],
    }
    entry["targets"] = verdict(entry)
    entry["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    entry["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    entry["complete"] = True
    save(entry)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return entry


def verdict(entry: dict) -> dict:
    """The 1M targets beside this size's measurements (they apply at 1M; at other sizes they are indicative)."""
    search = entry["search"]
    peak = max(v for v in entry["peak_memory_mb"].values() if v is not None)
    rows = {
        "keyword_p95_ms": search["keyword"].get("p95_ms"),
        "semantic_p95_ms": search["semantic"].get("p95_ms") if search["semantic"].get("semantic_available") else None,
        "hybrid_p95_ms": search["hybrid"].get("p95_ms") if search["hybrid"].get("semantic_available") else None,
        "peak_memory_mb": peak,
    }
    out = {"applies_at": 1_000_000, "binding": entry["size"] >= 1_000_000}
    for key, measured in rows.items():
        out[key] = {"target": TARGETS_1M[key], "measured": measured,
                    "met": None if measured is None else measured <= TARGETS_1M[key]}
        if measured is None:
            out[key]["why_not_measured"] = "semantic search unavailable (see search.semantic / search.hybrid)"
    out["field_query_p95_ms"] = {"target": None, "measured": search["field"].get("p95_ms")}
    return out


def print_table(entry: dict) -> None:
    s, k = entry["search"], entry["keyword_index"]
    v = entry.get("vector_index") or {}
    print(f"\n=== {entry['size']:,} patents "
          f"(import {entry['import']['seconds']} s, {entry['import']['documents_per_second']}/s; "
          f"DB {entry['database_mb']} MB)")
    print(f"keyword index: build {k['seconds']} s, {k['size_mb']} MB on disk, peak RSS {k['peak_rss_mb']} MB")
    if v.get("available"):
        emb = v.get("embedding", {})
        print(f"vector index: HNSW add {v.get('hnsw_add_s')} s, {v['size_mb']} MB, peak RSS {v['peak_rss_mb']} MB; "
              f"embedding {emb.get('passages_per_second')} passages/s → full corpus ≈ "
              f"{emb.get('extrapolated_full_embedding_h')} h (extrapolated)")
    elif v:
        print(f"vector index: not built — {v.get('reason')}")
    print(f"{'query type':<10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  target p95 (1M)")
    for kind, target in (("keyword", "≤ 30"), ("field", "—"), ("semantic", "≤ 60"), ("hybrid", "≤ 100")):
        row = s[kind]
        if kind in ("semantic", "hybrid") and not row.get("semantic_available"):
            print(f"{kind:<10} {'unavailable':>26}  {target}   ({row.get('notes') or row.get('errors')})")
            continue
        print(f"{kind:<10} {row.get('p50_ms', '-'):>8} {row.get('p95_ms', '-'):>8} {row.get('p99_ms', '-'):>8}  {target}")
    parts = s.get("semantic_components_outside_service") or {}
    if parts.get("measured"):
        print(f"  semantic parts called directly (not the service): query embedding p50/p95 "
              f"{parts['query_embedding']['p50_ms']}/{parts['query_embedding']['p95_ms']} ms, HNSW k=200 "
              f"{parts['vector_search_k200']['p50_ms']}/{parts['vector_search_k200']['p95_ms']} ms, both "
              f"{parts['embedding_plus_search']['p50_ms']}/{parts['embedding_plus_search']['p95_ms']} ms")
    print(f"peak memory MB: {entry['peak_memory_mb']}  (target ≤ {TARGETS_1M['peak_memory_mb']} MB)")
    met = {key: value["met"] for key, value in entry["targets"].items() if isinstance(value, dict) and "met" in value}
    print(f"targets met: {met}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workdir", default=None, help="where corpora and homes go (default: a new dir under /tmp)")
    parser.add_argument("--queries", type=int, default=300, help="queries per type")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--vectors", choices=("sample", "full", "none"), default="sample")
    parser.add_argument("--embed-sample", type=int, default=600, help="documents really embedded (--vectors sample)")
    parser.add_argument("--regenerate", action="store_true", help="write the corpus even if the file exists")
    parser.add_argument("--keep", action="store_true", help="keep each size's home (database and indexes)")
    parser.add_argument("--reuse-home", action="store_true",
                        help="with a home kept by an earlier --keep run: skip import and keyword index build")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON (merged by size)")
    parser.add_argument("--vector-model", choices=("e5", "use"), default="e5", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:  # a child process
        if args.phase == "index":
            result = phase_index(args.home)
        elif args.phase == "vectors":
            result = phase_vectors(args.home, args.vectors, args.embed_sample, args.seed, args.vector_model)
        else:
            result = phase_query(args.home, args.queries_file)
        print(json.dumps(result, ensure_ascii=False))
        return

    run_sizes(args, "lingxi-search-scale-", 12,  # corpus ~2 GB + database ~6 GB + indexes ~3 GB per million
              {"benchmark": "bench/search_scale.py", "machine": machine(),
               "store": "SQLite (WAL) + Tantivy keyword index + faiss HNSW vectors",
               "targets_at_1M": TARGETS_1M,
               "request": "SearchService.search(SearchRequest(query, mode)) with page_size 20, facets and "
                          "highlights on (the web page's defaults); latency is wall time around the call"},
              bench_size, print_table)


def run_sizes(args, prefix: str, gb_per_million: float, header: dict, bench_size, print_table) -> None:
    """The driver the size-by-size benchmarks share: a work folder with room enough, the results JSON merged by
    size (saved after every phase, so a long run that fails keeps what it measured), and the folder removed
    unless kept."""
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    created = args.workdir is None
    args.workdir = args.workdir or tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    free_gb = shutil.disk_usage(args.workdir).free / 2**30
    need_gb = max(sizes) / 1_000_000 * gb_per_million
    print(f"workdir {args.workdir}: {free_gb:.0f} GB free, ~{need_gb:.1f} GB needed", file=sys.stderr)
    if free_gb < need_gb:
        sys.exit(f"not enough free disk under {args.workdir}: {free_gb:.0f} GB free, ~{need_gb:.0f} GB needed")
    samples = RealSamples.load()
    output: Path = args.output
    results = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
    results.update(header)
    results.setdefault("sizes", {})

    def save(entry: dict) -> None:
        results["sizes"][str(entry["size"])] = entry
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    try:
        for size in sizes:
            entry = bench_size(size, args, samples, save, results["sizes"].get(str(size)))
            print_table(entry)
            print(f"written {output}", file=sys.stderr)
    finally:
        if created and not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)

if __name__ == "__main__":
    main()
