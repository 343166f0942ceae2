"""Saved searches (已保存检索): CPU time to save one (its query checked), list a user's, and resolve a `saved:ID`
navigation scope, against the same query as a `query:` scope — the saved search should add only its row lookup.

Corpus: the demo data set (`load_demo`, N patents, SQLite), keyword index built by the import hook; no semantic
vectors (a hybrid saved search answers from its keyword half, as a fresh install does before embedding finishes).
Results: bench/results/saved_search_scope.json.   Usage: python bench/saved_search_scope.py [--size N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "saved_search_scope.json"
QUERIES = {"narrow": ("TIAB=(钙钛矿 OR 叠层 OR TOPCon)", None),
           "broad": ("TIAB=(电池 OR 光伏 OR 燃料电池 OR 储能)", "AD>=2015")}


def cpu_ms(work, repeat: int) -> tuple[float, float, object]:
    """Median and max CPU milliseconds of `work()` over `repeat` runs (the machine is shared: CPU, not wall)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.process_time()
        result = work()
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 2), round(max(times), 2), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    load_start = os.getloadavg()

    from sqlalchemy import func, select

    from lingxi.accounts.users import principal_for
    from lingxi.db import open_database
    from lingxi.db.audit import acting_as
    from lingxi.db.models import Patent, User
    from lingxi.demo.loader import load_demo
    from lingxi.navigation.scope import Scope, resolve
    from lingxi.search import saved
    from lingxi.search.hooks import index_updater
    from lingxi.search.service import SearchService
    from lingxi.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="lingxi-bench-saved-"))
    url = f"sqlite:///{home / 'lingxi.db'}"
    settings = Settings(home=home, database_url=url)
    settings.ensure_home()
    db = open_database(url)
    load_demo(db, size=args.size, on_finished=index_updater(settings, db))
    search = SearchService(settings, db)
    search.keyword.ensure()
    figures: dict[str, dict] = {}
    with db.sessions() as session:
        patents = session.scalar(select(func.count(Patent.id)))
        owner = principal_for(session.scalar(select(User).where(User.username == "operator")))
        acting_as(session, owner)
        count = iter(range(10**6))
        median, worst, _ = cpu_ms(lambda: saved.create_saved_search(session, owner, saved.SavedSearchInput(
            name=f"bench {next(count)}", query=QUERIES["broad"][0], filters=QUERIES["broad"][1])), args.repeat)
        figures["create"] = {"cpu_ms_median": median, "cpu_ms_max": worst}
        median, worst, page = cpu_ms(lambda: saved.page_as_dicts(session, saved.list_saved_searches(session, owner)),
                                     args.repeat)
        figures["list_page_of_50"] = {"cpu_ms_median": median, "cpu_ms_max": worst, "saved_searches": page.total}
        for label, (query, filters) in QUERIES.items():
            for mode in ("keyword", "hybrid"):
                row = saved.create_saved_search(session, owner, saved.SavedSearchInput(
                    name=f"{label} {mode}", query=query, filters=filters if mode == "keyword" else None, mode=mode))
                scope = Scope("saved", str(row.id))
                median, worst, resolved = cpu_ms(lambda: resolve(session, scope, search), args.repeat)
                entry = {"query": query, "filters": row.filters, "patents": len(resolved.ids),
                         "cpu_ms_median": median, "cpu_ms_max": worst}
                if mode == "keyword":
                    text = f"({query}) AND {filters}" if filters else query
                    direct_median, direct_max, direct = cpu_ms(lambda: resolve(session, Scope("query", text), search),
                                                               args.repeat)
                    assert sorted(direct.ids) == sorted(resolved.ids)  # the same patents as the query scope
                    entry["same_query_scope_cpu_ms_median"] = direct_median
                figures[f"resolve_saved_{label}_{mode}"] = entry
        session.rollback()
    db.dispose()
    shutil.rmtree(home, ignore_errors=True)
    result = {"benchmark": "saved_search_scope", "patents": patents, "repeat": args.repeat,
              "database": "sqlite", "figures": figures,
              "load_average_start": [round(x, 2) for x in load_start],
              "load_average_end": [round(x, 2) for x in os.getloadavg()], "cpu_count": os.cpu_count()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{patents:,} demo patents (SQLite), median of {args.repeat} runs, CPU ms")
    for name, entry in figures.items():
        extra = f" · {entry['patents']:,} patents" if "patents" in entry else ""
        same = f" (query: scope {entry['same_query_scope_cpu_ms_median']})" if "same_query_scope_cpu_ms_median" \
            in entry else ""
        print(f"  {name}: {entry['cpu_ms_median']} (max {entry['cpu_ms_max']}){same}{extra}")
    print(f"load average start {result['load_average_start']} end {result['load_average_end']} → {RESULTS}")


if __name__ == "__main__":
    main()
