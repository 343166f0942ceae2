"""Latency of the finance and pool services on the demo province at its `make run` size (3,000 patents).

Loads the demo (SQLite), scores it (value seed), adds enterprises, finance and pool demo data, then times in this
process: the pledge-eligible list (general rules and the demo loan product's rules, a page of 20 with valuations),
matching the demo university's and the demo enterprise's patents against every product, recording a pool royalty
payment (split + stored allocations) and a whole-pool statement. Each figure is the median of 5 runs.
Results: bench/results/finance_pools.json.  Usage: python bench/finance_pools.py [--size N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "finance_pools.json"


def _median_ms(work, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=3000)
    args = parser.parse_args()
    from sqlalchemy import select

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.db.models import Organisation
    from lingxi.db.models.pools import PoolLicence
    from lingxi.demo.loader import load_demo
    from lingxi.enterprises.demo import seed_demo as seed_enterprises
    from lingxi.finance import institutions, matching
    from lingxi.finance.demo import seed_demo as seed_finance
    from lingxi.pools import service
    from lingxi.pools.demo import seed_demo as seed_pools
    from lingxi.value.demo import seed_demo as seed_value

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/lingxi.db")
        started = time.perf_counter()
        load_demo(db, size=args.size)
        for seed in (seed_value, seed_enterprises, seed_finance, seed_pools):
            seed(db)
        setup = time.perf_counter() - started
        results = {"patents": args.size, "cpu_count": os.cpu_count(), "database": "SQLite (embedded default)",
                   "setup_seconds": round(setup, 1), "note": "2-core machine shared with other work while measured"}
        with db.sessions() as session:
            loan = next(p for p in institutions.list_products(session, SYSTEM) if p["name"] == "科创知识产权质押贷")
            ms, listed = _median_ms(lambda: matching.eligible_patents(session, SYSTEM, min_grade="B", page_size=20))
            results["eligible_general_rules_page20"] = {"ms": ms, "eligible": listed["total"]}
            ms, listed = _median_ms(lambda: matching.eligible_patents(session, SYSTEM, product_id=loan["id"],
                                                                       page_size=20))
            results["eligible_loan_product_page20"] = {"ms": ms, "eligible": listed["total"]}
            for label, name in (("match_university", "青峦大学"), ("match_enterprise", "青峦睿光新能源科技有限公司")):
                org = session.scalar(select(Organisation.id).where(Organisation.name == name))
                ms, match = _median_ms(lambda org=org: matching.match_enterprise(session, SYSTEM, org))
                results[label] = {"ms": ms, "patents": match["patents"], "products": len(match["products"])}
        with db.sessions() as session, session.begin():
            licence = session.scalar(select(PoolLicence.id).where(PoolLicence.kind == "package"))
            ms, _ = _median_ms(lambda: service.record_payment(session, SYSTEM, licence, "12345.67", "2026-11-01"))
            results["record_payment"] = {"ms": ms}
            pool_id = service.list_pools(session, SYSTEM)[0]["id"]
            ms, statement = _median_ms(lambda: service.statements(session, SYSTEM, pool_id))
            results["statement_whole_pool"] = {"ms": ms, "members": len(statement["members"])}
        db.dispose()
    for key, value in results.items():
        print(key, value)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
