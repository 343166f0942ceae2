"""Throughput of the §4 Excel imports and of demand mining, on the demo province in a fresh SQLite home.

1. `lingxi enterprises import`: N enterprises in one .xlsx (valid generated credit codes, GB/T 4754 classes, a bad
   row every 50th: wrong check character), then the same file again (every good row unchanged: duplicates update);
2. `lingxi enterprises demands import`: N demands in one .xlsx (titles and descriptions composed from the real
   Chinese patent titles of ../shared/data/cn_patents_dev, so chain-node classification sees real vocabulary), each
   classified onto a chain node;
3. demand mining for every demo enterprise with tagged patents.
Results: bench/results/enterprise_import.json.  Usage: python bench/enterprise_import.py [--size N] [--demo-size N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "enterprise_import.json"
SHARED = Path(os.environ.get("LINGXI_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--demo-size", type=int, default=3000)
    args = parser.parse_args()

    from sqlalchemy import select

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.db.models import Organisation
    from lingxi.demo.loader import load_demo
    from lingxi.enterprises import credit_code
    from lingxi.enterprises.demand_import import import_demands
    from lingxi.enterprises.demand_mining import find_gaps
    from lingxi.enterprises.demo import seed_demo
    from lingxi.enterprises.excel_import import import_enterprises
    from lingxi.tagging.jobs import run_tagging

    rng = random.Random(4754)
    titles = [json.loads(line)["title"] for line in (SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl")
              .read_text(encoding="utf-8").splitlines()[: args.size]]
    classes = ["3825", "3841", "3849", "3985", "2613", "3670", "3812", "4416", "3332", "2921"]
    enterprise_rows = [["企业名称", "统一社会信用代码", "省份", "城市", "行业代码", "企业规模", "主营产品"]]
    for i in range(args.size):
        code = credit_code.generate(rng, "990100")
        if i % 50 == 49:
            code = code[:17] + ("0" if code[17] != "0" else "1")  # a wrong check character
        enterprise_rows.append([f"基准测试企业{i:05d}有限公司", code, "青峦省", "青峦市", rng.choice(classes),
                                rng.choice(["小型", "中型", "微型"]), titles[i % len(titles)]])
    enterprises_xlsx = _xlsx(enterprise_rows)

    results = {"size": args.size, "demo_patents": args.demo_size, "cpu_count": os.cpu_count(),
               "database": "SQLite (embedded default)", "note": "2-core machine shared with other work while measured"}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/lingxi.db")
        load_demo(db, size=args.demo_size)
        run_tagging(db, ["chain_pv", "chain_h2", "chain_ev"], annotations=False)
        seed_demo(db)
        for label in ("enterprises_first", "enterprises_again"):
            with db.sessions() as session, session.begin():
                started = time.perf_counter()
                report = import_enterprises(session, SYSTEM, enterprises_xlsx)
                seconds = time.perf_counter() - started
            results[label] = {"rows": args.size, "seconds": round(seconds, 2),
                              "rows_per_second": round(args.size / seconds, 1), "created": report.created,
                              "updated": report.updated, "unchanged": report.unchanged,
                              "rejected": len(report.rejected)}
            print(label, results[label])
        with db.sessions() as session:
            names = list(session.scalars(select(Organisation.name).where(Organisation.name.like("基准测试企业%"))))
        demand_rows = [["企业名称", "需求名称", "需求描述", "预算", "合作方式"]]
        for i in range(args.size):
            title = titles[(i * 7) % len(titles)]
            demand_rows.append([names[i % len(names)], f"寻求{title}相关技术", f"我们希望引进{title}，解决现有产品的技术瓶颈。",
                                "50-100万", rng.choice(["许可", "转让", "合作开发"])])
        with db.sessions() as session, session.begin():
            started = time.perf_counter()
            report = import_demands(session, SYSTEM, _xlsx(demand_rows))
            seconds = time.perf_counter() - started
        results["demands"] = {"rows": args.size, "seconds": round(seconds, 2),
                              "rows_per_second": round(args.size / seconds, 1), "created": report.created,
                              "rejected": len(report.rejected)}
        print("demands", results["demands"])
        with db.sessions() as session:
            demo_ids = list(session.scalars(select(Organisation.id).where(Organisation.kind == "enterprise",
                                                                          ~Organisation.name.like("基准测试企业%"))))
            started = time.perf_counter()
            suggested = sum(len(find_gaps(session, organisation_id)) for organisation_id in demo_ids)
            seconds = time.perf_counter() - started
        results["mining"] = {"enterprises": len(demo_ids), "suggestions": suggested, "seconds": round(seconds, 2),
                             "ms_per_enterprise": round(1000 * seconds / max(1, len(demo_ids)), 1)}
        print("mining", results["mining"])
        db.dispose()
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
