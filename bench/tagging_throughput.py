"""Throughput of a full tagging run (`lingxi tag run`) at 100k patents, no text-generation provider.

Corpus: bench/import_throughput.py's JSONL generator (real titles/abstracts of ../shared/data/cn_patents_dev scaled
up, with IPC codes), imported into a fresh SQLite home. Then, in this process:
1. every shipped taxonomy (SEI 2018, WIPO 35, three chains) in one pass, tags only;
2. a re-run with nothing new (the resumable cursor: should take ~no time);
3. every taxonomy plus problem/means/effect and TRL annotations (lingxi/tagging/pme.py, maturity.py).
Runs of this size compute in one worker process per core (lingxi/tagging/jobs.py, PARALLEL_MIN). Each step records
wall-clock patents/s, the CPU seconds of this process and its workers, and the load average; the machine is shared.
Results: bench/results/tagging_throughput.json.  Usage: python bench/tagging_throughput.py [--size N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results" / "tagging_throughput.json"


def _cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    from import_throughput import make_jsonl

    from lingxi.db import open_database
    from lingxi.patents.importing import run_import
    from lingxi.tagging.jobs import run_tagging

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_jsonl(corpus, args.size)
        db = open_database(f"sqlite:///{tmp}/lingxi.db")
        started = time.perf_counter()
        run_import(db, [corpus])
        import_seconds = time.perf_counter() - started
        print(f"imported {args.size:,} patents in {import_seconds:.0f} s")
        results = {"patents": args.size, "cpu_count": os.cpu_count(), "database": "SQLite (embedded default)",
                   "note": "2-core machine shared with other benchmarks while measured",
                   "load_average_start": [round(x, 2) for x in os.getloadavg()]}
        for label, kwargs in (("tags_only", {"annotations": False}),
                              ("rerun_nothing_new", {"annotations": False}),
                              ("tags_and_annotations", {"annotations": True, "restart": True})):
            cpu = _cpu_seconds()
            summary = run_tagging(db, **kwargs)
            cpu = _cpu_seconds() - cpu
            results[label] = {"seconds": round(summary.seconds, 1), "patents": summary.patents,
                              "patents_per_second": round(summary.patents_per_second, 1),
                              # CPU time of this process and its tagging workers: what the run costs, whatever
                              # else the shared machine runs at the time
                              "cpu_seconds": round(cpu, 1),
                              "patents_per_cpu_second": round(summary.patents / cpu, 1) if cpu else 0.0,
                              "load_average_after": [round(x, 2) for x in os.getloadavg()],
                              "tags": {k: v["tags"] for k, v in summary.taxonomies.items()},
                              "annotations": summary.annotations}
            print(label, json.dumps(results[label], ensure_ascii=False))
        db.dispose()
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
