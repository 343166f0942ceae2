"""Response time of the value-operations reports at province scale: high-value flags, sleeping patents, the graded
catalogue with its Excel file, and one valuation.

Corpus: the fictional demo province (lingxi/demo/generator.py: parties with types and regions, legal events incl.
transfers / licences / pledges, families across CN and US) at --size patents in a fresh SQLite home, tagged with the
shipped taxonomies (SEI, chains; TRL annotations), scored (lingxi.value.jobs.run_scoring) and given the demo facts
(lingxi/value/operations_demo.py: populations, pledge amounts, awards, comparables). Each report is timed over the
whole store, as a page or API call would run it (best of --repeat runs).
Results: bench/results/value_operations.json.  Usage: python bench/value_operations.py [--size N] [--repeat R]
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

RESULTS = ROOT / "bench" / "results" / "value_operations.json"


def _best(repeat: int, run) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - started)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.demo.loader import load_demo
    from lingxi.tagging.jobs import run_tagging
    from lingxi.value.catalogue import build_catalogue
    from lingxi.value.catalogue_excel import write_catalogue
    from lingxi.value.high_value import high_value_report
    from lingxi.value.jobs import run_scoring
    from lingxi.value.operations_demo import seed_operations_demo
    from lingxi.value.sleeping import sleeping_report
    from lingxi.value.valuation import valuate

    results: dict = {"patents": args.size, "cpu_count": os.cpu_count(), "database": "SQLite (embedded default)",
                     "note": "2-core machine shared with other people's work while measured; best of "
                             f"{args.repeat} runs per report"}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/lingxi.db")
        started = time.perf_counter()
        load_demo(db, size=args.size)
        run_tagging(db)
        run_scoring(db)
        seed_operations_demo(db)
        results["setup_seconds"] = round(time.perf_counter() - started, 1)
        print(f"set up {args.size:,} demo patents in {results['setup_seconds']} s")
        with db.sessions() as session:
            seconds, report = _best(args.repeat, lambda: high_value_report(session, SYSTEM))
            results["high_value_report"] = {"seconds": round(seconds, 2), "valid_inventions": report["valid_inventions"],
                                            "high_value": report["high_value"], "by_criterion": report["by_criterion"]}
            seconds, report = _best(args.repeat, lambda: sleeping_report(session, SYSTEM))
            results["sleeping_report"] = {"seconds": round(seconds, 2), **report["process"]}
            seconds, built = _best(args.repeat, lambda: build_catalogue(session, SYSTEM))
            results["catalogue"] = {"seconds": round(seconds, 2), "rows": built["total"], "counts": built["counts"]}
            seconds, content = _best(args.repeat, lambda: write_catalogue(built))
            results["catalogue_xlsx"] = {"seconds": round(seconds, 2), "bytes": len(content)}
            seconds, _ = _best(args.repeat, lambda: build_catalogue(session, SYSTEM, chain="chain_pv"))
            results["catalogue_one_chain"] = {"seconds": round(seconds, 2)}
            patent_id = report["items"][0]["patent_id"] if report["items"] else 1
            seconds, _ = _best(args.repeat, lambda: valuate(session, SYSTEM, patent_id))
            results["valuation_one_patent"] = {"seconds": round(seconds, 3)}
        db.dispose()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for key, value in results.items():
        print(key, json.dumps(value, ensure_ascii=False))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
