"""Import throughput into the embedded SQLite store, with peak memory.

Corpora (written to a temporary folder, never committed):
- JSONL: N records (default 100,000) in Lingxi's JSON Lines schema, made by scaling up the 3,117 real Chinese
  records of ../shared/data/cn_patents_dev: each output record takes a real title/abstract/applicant and gets a
  valid CN publication and application number (with check digit), dates, IPC codes and inventors.
- USPTO XML: a weekly-style file concatenating M documents (default 10,000), made by repeating the real documents of
  ../shared/data/us_uspto_xml with their publication numbers rewritten so that each copy is a new patent.

Each import runs in a fresh process into a fresh SQLite home, then the same file is imported again to measure the
unchanged (idempotent) path. Peak RSS is the importing process's own and, separately, the largest of its parse
workers (lingxi.patents.parse_worker: processes that parse, normalise and build rows while the importer writes).
The USPTO file is imported with the default options, which leave full-text descriptions out, and again keeping
them (ImportOptions(include_description=True), `lingxi import --with-description`), an extra configuration; the
target applies to the default one. Results: bench/results/import_throughput.json.
Usage: python bench/import_throughput.py [--jsonl-records N] [--xml-documents M]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model  # bench/ is on the path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "import_throughput.json"
IPC_POOL = ["C22C 38/00", "B23K 9/04", "H01M 10/0525", "G01N 15/08", "C23C 4/06", "B25J 9/16", "H01L 31/18",
            "C25B 1/04", "A61K 36/00", "G06F 16/30", "F16K 17/04", "C04B 35/00"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海波宁飞鹏宇浩然子涵欣怡博文"


def make_jsonl(path: Path, count: int) -> None:
    from lingxi.patents.numbers import cn_check_digit

    real = [json.loads(line) for line in (SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            base = real[i % len(real)]
            year = 2010 + i % 15
            app_digits = f"{year}1{i:07d}"
            record = {
                "publication_number": f"CN{100000000 + i}A",
                "application_number": f"{app_digits}.{cn_check_digit(app_digits)}",
                "application_date": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "publication_date": f"{year + 1}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "title": base["title"],
                "abstract": base["abstract"],
                "applicants": [base["applicant"]],
                "inventors": ["".join(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)) for _ in range(3)],
                "ipc": rng.sample(IPC_POOL, 2),
                "legal_status": "published",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def make_uspto_weekly(path: Path, count: int) -> None:
    documents = []
    for file in sorted((SHARED / "us_uspto_xml").glob("ipg*.xml")):
        text = file.read_text(encoding="utf-8")
        documents += ["<?xml" + part for part in text.split("<?xml")[1:]]
    number = re.compile(r"(<publication-reference>\s*<document-id>\s*<country>US</country>\s*<doc-number>)([^<]+)")
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            document = documents[i % len(documents)]
            out.write(number.sub(lambda m: f"{m.group(1)}{90000000 + i:08d}", document, count=1))


def timed_import(home: Path, corpus: Path, options: dict | None = None) -> dict:
    """Run one import in a child process and return its summary plus peak RSS and CPU time."""
    code = (
        "import json,sys,resource;from pathlib import Path;from lingxi.db import open_database;"
        "from lingxi.patents.importing import run_import;from lingxi.patents.importers import ImportOptions;"
        f"db=open_database('sqlite:///{home}/lingxi.db');"
        f"s=run_import(db,[Path({str(corpus)!r})],ImportOptions(**{options or {}!r}));"
        "own,workers=resource.getrusage(resource.RUSAGE_SELF),resource.getrusage(resource.RUSAGE_CHILDREN);"
        "d=s.as_dict();d['peak_rss_mb']=own.ru_maxrss/1024;d['worker_peak_rss_mb']=workers.ru_maxrss/1024;"
        "d['cpu_seconds']={'importer':own.ru_utime+own.ru_stime,'workers':workers.ru_utime+workers.ru_stime};"
        "print(json.dumps(d))"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench(label: str, corpus: Path, documents: int, target: float | None, options: dict | None = None) -> dict:
    keys = ("seconds", "documents_per_second", "peak_rss_mb", "worker_peak_rss_mb", "cpu_seconds",
            "cpu_ms_per_document")
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as home:
        first = timed_import(Path(home), corpus, options)
        again = timed_import(Path(home), corpus, options)
    load_at_end = os.getloadavg()
    # On a shared machine wall time depends on the other load; CPU time per document (importer + parse
    # workers) is the figure to compare between runs.
    for run in (first, again):
        run["cpu_ms_per_document"] = round(sum(run["cpu_seconds"].values()) / max(run["documents"], 1) * 1000, 3)
    result = {
        "corpus": label,
        "options": options or "default",
        "documents": documents,
        "file_mb": round(corpus.stat().st_size / 2**20, 1),
        "first_import": {k: first[k] for k in ("new", "rejected", *keys)},
        "reimport_unchanged": {k: again[k] for k in ("unchanged", *keys)},
        "load_average": {"start": [round(x, 2) for x in load_at_start], "end": [round(x, 2) for x in load_at_end]},
    }
    if target is not None:
        result["target_documents_per_second"] = target
        result["meets_target"] = first["documents_per_second"] >= target
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl-records", type=int, default=100_000)
    parser.add_argument("--xml-documents", type=int, default=10_000)
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"real data not found at {SHARED}")
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    results = {"machine": f"{cores} cores ({cpu_model()})",
               "store": "SQLite (WAL)", "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "runs": []}
    with tempfile.TemporaryDirectory() as work:
        jsonl, xml = Path(work) / "corpus.jsonl", Path(work) / "ipg-weekly.xml"
        make_jsonl(jsonl, args.jsonl_records)
        results["runs"].append(bench("lingxi-jsonl (scaled from cn_patents_dev)", jsonl, args.jsonl_records, 5000))
        make_uspto_weekly(xml, args.xml_documents)
        results["runs"].append(bench("uspto-xml (scaled from us_uspto_xml)", xml, args.xml_documents, 1500))
        results["runs"].append(
            bench("uspto-xml (scaled from us_uspto_xml)", xml, args.xml_documents, None, {"include_description": True})
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
