"""Throughput of the value scoring job (`lingxi value compute`) at 100k patents: indicators + 4 scenario scores.

Corpus: 100k synthetic CN grants in Lingxi JSON Lines, with the real titles/abstracts of ../shared/data/cn_patents_dev
scaled up, and everything the indicators read: 1–20 claims, 1–3 IPC codes, backward citations to earlier patents of
the corpus (so forward citations, generality, originality and radicalness have data), NPL references, legal events
(grant, transfer, licence, pledge, lapse, invalidation), family ids and foreign priority claims. Chain tags (for the
chain-node growth indicator) are written directly as `patent_tags` rows for ~40 % of the patents instead of running
`lingxi tag run` (that takes ~6 minutes at 100k, see tagging_throughput.json); the WIPO field comes from the IPC
concordance. The import is timed separately; scoring runs twice in a fresh child process each (the second run is
the idempotent re-run), measuring seconds per phase, patents/s and the child's peak RSS.
Results: bench/results/value_throughput.json.  Usage: python bench/value_throughput.py [--size N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "value_throughput.json"
IPC_POOL = ["C22C 38/00", "B23K 9/04", "H01M 10/0525", "G01N 15/08", "C23C 4/06", "B25J 9/16", "H01L 31/18",
            "H02J 7/00", "G06F 16/35", "A61K 31/00", "C02F 1/44", "F24S 10/40", "B60L 53/00", "H01M 8/10",
            "G06N 3/08", "C01B 3/00", "E04B 1/98", "A01B 79/00", "F16H 1/28", "B01D 53/86"]
CHAIN_NODES = ["pv.up.silicon", "pv.mid.cell", "pv.mid.module", "pv.down.inverter", "ev.battery.cell",
               "ev.battery.bms", "ev.motor", "h2.production", "h2.storage", "h2.fuelcell"]


def make_corpus(path: Path, count: int) -> None:
    from lingxi.patents.numbers import cn_check_digit

    real = [json.loads(line) for line in (SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(11)
    years = [2008 + i % 15 for i in range(count)]
    by_year: dict[int, list[int]] = {}
    for i, year in enumerate(years):
        by_year.setdefault(year, []).append(i)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            base = real[i % len(real)]
            year = years[i]
            utility = i % 5 == 0
            filed = dt.date(year, 1 + i % 12, 1 + i % 28)
            granted = filed + dt.timedelta(days=rng.randint(120, 400) if utility else rng.randint(500, 1500))
            app_digits = f"{year}{'2' if utility else '1'}{i:07d}"
            earlier = [y for y in by_year if y < granted.year - 1]
            citations = []
            for n in range(rng.randint(0, 6) if earlier else 0):
                j = rng.choice(by_year[rng.choice(earlier)])
                citations.append({"sequence": n, "number": _number(j), "country": "CN", "category": "examiner"})
            citations += [{"sequence": 50 + n, "npl_text": f"Journal of Things {n}"} for n in range(rng.randint(0, 2))]
            events = [{"date": granted.isoformat(), "description": "授权", "event_class": "grant"}]
            for event_class, p in (("transfer", 0.05), ("licence", 0.03), ("pledge", 0.04), ("invalidation", 0.003)):
                if rng.random() < p:
                    events.append({"date": (granted + dt.timedelta(days=rng.randint(30, 1500))).isoformat(),
                                   "description": event_class, "event_class": event_class})
            if rng.random() < 0.2:
                events.append({"date": (granted + dt.timedelta(days=rng.randint(365, 3000))).isoformat(),
                               "description": "未缴年费专利权终止", "event_class": "lapse"})
            record = {
                "publication_number": _number(i),
                "application_number": f"{app_digits}.{cn_check_digit(app_digits)}",
                "doc_type": "utility_model" if utility else "invention",
                "application_date": filed.isoformat(),
                "publication_date": granted.isoformat(),
                "grant_date": granted.isoformat(),
                "title": base["title"],
                "abstract": base["abstract"],
                "claims": [f"根据权利要求{c}所述的装置。" for c in range(1, rng.randint(1, 20) + 1)],
                "applicants": [base["applicant"]],
                "ipc": rng.sample(IPC_POOL, rng.randint(1, 3)),
                "legal_status": "有效",
                "family_id": f"F{i}",
                "citations": citations,
                "legal_events": events,
            }
            if rng.random() < 0.1:
                record["priority_claims"] = [{"country": rng.choice(["US", "JP", "KR", "EP"]), "number": f"P{i}",
                                              "date": (filed - dt.timedelta(days=200)).isoformat()}]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _number(i: int) -> str:
    return f"CN{220000000 + i}U" if i % 5 == 0 else f"CN{110000000 + i}B"


def add_chain_tags(url: str) -> int:
    from sqlalchemy import select

    from lingxi.db import open_database
    from lingxi.db.bulk import tuple_insert
    from lingxi.db.models import Patent, PatentTag

    db = open_database(url)
    rng = random.Random(5)
    with db.sessions() as session:
        ids = session.scalars(select(Patent.id)).all()
        now = dt.datetime.now().isoformat(" ")
        rows = [(pid, "chain_pv", 1, rng.choice(CHAIN_NODES), 0.8, "rule", "{}", "proposed", now)
                for pid in ids if rng.random() < 0.4]
        connection = session.connection()
        names = ("patent_id", "taxonomy_name", "taxonomy_version", "node_key", "confidence", "source", "evidence",
                 "status", "created_at")
        plan = tuple_insert(connection, PatentTag.__table__, names)
        for start in range(0, len(rows), 5000):
            plan.insert(connection, rows[start:start + 5000])
        session.commit()
    db.dispose()
    return len(rows)


def timed_scoring(url: str) -> dict:
    code = (
        "import json,resource;from lingxi.db import open_database;from lingxi.value.jobs import run_scoring;"
        f"db=open_database({url!r});s=run_scoring(db);d=s.as_dict();"
        "r=resource.getrusage(resource.RUSAGE_SELF);d['peak_rss_mb']=round(r.ru_maxrss/1024,1);"
        "d['cpu_seconds']=round(r.ru_utime+r.ru_stime,1);print(json.dumps(d))"
    )
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL (an empty database or schema)")
    args = parser.parse_args()
    from lingxi.db import open_database
    from lingxi.patents.importing import run_import

    results = {"patents": args.size, "cpu_count": os.cpu_count(), "target_patents_per_second": 5000,
               "note": "2-core machine shared with other work while measured; scoring = indicators for every patent, "
                       "cohort normalisation, 4 scenario scores (licensing, pledge, portfolio, legacy_pvd), bulk "
                       "writes; patents_per_second = patents / (indicator seconds + score seconds)",
               "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(corpus, args.size)
        targets = [("SQLite (embedded default)", f"sqlite:///{tmp}/lingxi.db")]
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        for label, url in targets:
            db = open_database(url)
            started = time.perf_counter()
            run_import(db, [corpus])
            import_seconds = time.perf_counter() - started
            db.dispose()
            tags = add_chain_tags(url)
            print(f"{label}: imported {args.size:,} patents in {import_seconds:.0f} s; {tags:,} chain tags")
            first = timed_scoring(url)
            again = timed_scoring(url)
            run = {"database": label, "import_seconds": round(import_seconds, 1), "chain_tags": tags,
                   "first_run": first, "rerun": again}
            print(json.dumps({k: first[k] for k in ("seconds_indicators", "seconds_scores", "patents_per_second",
                                                      "peak_rss_mb")}))
            results["runs"].append(run)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
