"""Time to build a full industry-planning navigation report (产业规划类专利导航) over 100k patents: the analyses
(target ≤ 10 s) and the rendering (HTML, PDF, Word) measured separately.

Corpus: bench/value_throughput.py's 100k synthetic CN grants (real titles/abstracts of ../shared/data/cn_patents_dev,
citations inside the corpus, transfer/licence/pledge/lapse events, real applicant names), plus 1–4 inventors per
patent drawn from small per-applicant pools (so co-inventor teams exist), chain_pv tags on ~40 % of the patents and
PME effect annotations on ~60 % written directly as rows (running `lingxi tag run` at 100k takes minutes, see
tagging_throughput.json), then value scores (`run_scoring`). The report's scope is `all` (every patent) with the
chain_pv breakdown and the benchmark `all`, so every analysis reads all 100k patents.
Results: bench/results/navigation_report.json.   Usage: python bench/navigation_report.py [--size N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results" / "navigation_report.json"
EFFECTS = [("improve_efficiency", "提高效率"), ("reduce_cost", "降低成本"), ("improve_quality", "提高质量"),
           ("improve_stability", "提高稳定性"), ("improve_safety", "提高安全性"), ("save_energy", "节能"),
           ("simplify", "简化结构"), ("extend_life", "延长寿命")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def add_inventors(path: Path) -> None:
    rng = random.Random(3)
    pools: dict[str, list[str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            record = json.loads(line)
            applicant = record["applicants"][0]
            pool = pools.setdefault(applicant, [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                                                for _ in range(rng.randint(3, 12))])
            record["inventors"] = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def add_annotations(url: str) -> int:
    from sqlalchemy import select

    from lingxi.db import open_database
    from lingxi.db.bulk import tuple_insert
    from lingxi.db.models import Patent, PatentAnnotation

    db = open_database(url)
    rng = random.Random(9)
    with db.sessions() as session:
        ids = session.scalars(select(Patent.id)).all()
        now = dt.datetime.now().isoformat(" ")
        rows = []
        for pid in ids:
            if rng.random() < 0.6:
                picked = rng.sample(EFFECTS, rng.randint(1, 3))
                data = {"effect_terms": [e for e, _ in picked],
                        "effect_labels": [{"id": e, "zh": zh, "en": e} for e, zh in picked]}
                rows.append((pid, "pme", json.dumps(data, ensure_ascii=False), "rule", "pme-1", now))
        connection = session.connection()
        plan = tuple_insert(connection, PatentAnnotation.__table__,
                            ("patent_id", "kind", "data", "source", "model_version", "created_at"))
        for start in range(0, len(rows), 5000):
            plan.insert(connection, rows[start:start + 5000])
        session.commit()
    db.dispose()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the database in this directory and reuse it next time")
    args = parser.parse_args()
    from value_throughput import add_chain_tags, make_corpus

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.navigation import service
    from lingxi.navigation.document import build_document
    from lingxi.navigation.outputs import report_record
    from lingxi.navigation.render_docx import render_docx
    from lingxi.navigation.render_html import render_html
    from lingxi.navigation.render_pdf import render_pdf
    from lingxi.patents.importing import run_import
    from lingxi.value.jobs import run_scoring

    results = {"patents": args.size, "cpu_count": os.cpu_count(), "target_analyses_seconds": 10,
               "report": "industry (产业规划), scope all, taxonomy chain_pv, benchmark all, 12 analyses",
               "note": "2-core machine shared with other helpers while measured; SQLite (embedded default); "
                       "analyses = scope resolution + loading the scope's rows + every analysis of the report type; "
                       "rendering timed per format from the stored figures (charts drawn once, shared by PDF/Word)"}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{tmp}/lingxi.db"
        if not (tmp / "built").exists():
            corpus = Path(scratch) / "corpus.jsonl"
            started = time.perf_counter()
            make_corpus(corpus, args.size)
            add_inventors(corpus)
            db = open_database(url)
            run_import(db, [corpus])
            db.dispose()
            results["chain_tags"] = add_chain_tags(url)
            results["pme_annotations"] = add_annotations(url)
            db = open_database(url)
            run_scoring(db)
            db.dispose()
            results["build_seconds"] = round(time.perf_counter() - started, 1)
            (tmp / "built").write_text(json.dumps(results))
            print(f"corpus built in {results['build_seconds']} s", flush=True)
        else:
            results.update({k: v for k, v in json.loads((tmp / "built").read_text()).items()
                            if k in ("chain_tags", "pme_annotations", "build_seconds")})
        db = open_database(url)
        runs = []
        results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        for _ in range(3):
            with db.sessions() as session, session.begin():
                t = time.perf_counter()
                row = service.create_report(session, SYSTEM, "industry", "all", {"taxonomy": "chain_pv"})
                seconds = time.perf_counter() - t
                runs.append({"seconds": round(seconds, 2), "analyses_ms": row.analyses_ms,
                             "patents": row.patent_count, "applications": row.analyses["scope"]["applications"]})
                record = report_record(row)
            print(runs[-1], flush=True)
        results["analyses_runs"] = runs
        results["analyses_seconds_median"] = sorted(r["seconds"] for r in runs)[1]
        with db.sessions() as session:
            from lingxi.navigation.analyses import run_analyses
            from lingxi.navigation.scope import parse_scope

            breakdown = run_analyses(session, parse_scope("all"), taxonomy="chain_pv")["timings_ms"]
        results["analyses_breakdown_ms"] = breakdown
        rendering = {}
        doc = build_document(record, "zh")
        t = time.perf_counter()
        html = render_html(doc, standalone=True)
        rendering["html_seconds"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        pdf = render_pdf(doc)
        rendering["pdf_seconds_including_charts"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        docx = render_docx(doc)
        rendering["docx_seconds_charts_reused"] = round(time.perf_counter() - t, 2)
        rendering["charts"] = sum(len(s["charts"]) for s in doc["sections"])
        rendering["bytes"] = {"html": len(html.encode()), "pdf": len(pdf), "docx": len(docx)}
        results["rendering"] = rendering
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        db.dispose()
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
