"""Benchmark: Tantivy vs SQLite FTS5 as the keyword index behind lingxi.search (the choice made in issue #4).

Run from the repository root::

    .venv/bin/python bench/search_backend_choice.py [copies]   # writes bench/results/search_backend_choice.json

Corpus: the real Chinese patents of ``../shared/data/cn_patents_dev`` (3,117 titles + abstracts) plus the demo
generator's 3,000 Chinese/English patents (with IPC codes, dates and applicant types), repeated ``copies`` times
(default 10, about 61,000 documents) so the indexes are past toy size. Both backends get exactly the same
pre-segmented words (rjieba) and CJK character bigrams, so the comparison is about the engines, not analysis.

Measured per backend: build time, size on disk, and p50/p95 latency of five typical searches: a Chinese word,
an English word, a Chinese phrase (bigram substring), a field query (word + IPC prefix + date range, with the
total count), and a broad query with four facet counts (IPC class, year, doc type, applicant type).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import rjieba
import tantivy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from lingxi.search.analysis import bigram_tokens, index_word_tokens as word_tokens  # noqa: E402


def corpus() -> list[dict]:
    from lingxi.demo.generator import generate_demo_records

    docs = []
    for line in (DATA / "cn_patents_dev" / "cn_patents_dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs.append({"text": f"{row['title']} {row['abstract']}", "ipc": [], "ad": 0, "doc_type": "invention",
                     "atype": "enterprise"})
    for record in generate_demo_records(size=3000):
        docs.append({
            "text": f"{record.title} {record.abstract or ''} {' '.join(record.claims[:1])}",
            "ipc": [c.code.replace(" ", "") for c in record.classifications],
            "ad": int(record.application_date.strftime("%Y%m%d")) if record.application_date else 0,
            "doc_type": record.doc_type or "unknown",
            "atype": "university" if any("大学" in p.name for p in record.parties) else "enterprise",
        })
    return docs


def prepare(docs: list[dict], copies: int) -> list[dict]:
    prepared = []
    for doc in docs:
        doc = dict(doc, words=" ".join(word_tokens(doc["text"])), bigrams=" ".join(bigram_tokens(doc["text"])))
        doc["ipc_class"] = sorted({c[:4] for c in doc["ipc"]})
        prepared.append(doc)
    return [dict(d, id=i) for i, d in enumerate(prepared * copies)]


def percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50_ms": round(statistics.median(samples) * 1000, 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 2)}


def timed(fn, repeat: int = 40) -> dict:
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def bench_tantivy(docs: list[dict], folder: Path) -> dict:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("words", tokenizer_name="whitespace")
    builder.add_text_field("bigrams", tokenizer_name="whitespace")
    for name in ("ipc", "ipc_class", "doc_type", "atype"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_integer_field("ad", indexed=True, fast=True)
    schema = builder.build()
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    for doc in docs:
        ipc = [p for code in doc["ipc"] for p in (code, code[:4])]
        document = tantivy.Document()
        document.add_unsigned("id", doc["id"])
        document.add_integer("ad", doc["ad"])
        for name, values in (("words", [doc["words"]]), ("bigrams", [doc["bigrams"]]), ("ipc", ipc),
                             ("ipc_class", doc["ipc_class"]), ("doc_type", [doc["doc_type"]]),
                             ("atype", [doc["atype"]])):
            for value in values:
                document.add_text(name, value)
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()

    def term(field, value):
        return tantivy.Query.term_query(schema, field, value)

    def phrase(field, tokens):
        return tantivy.Query.phrase_query(schema, field, tokens) if len(tokens) > 1 else term(field, tokens[0])

    def zh_word():
        searcher.search(term("words", "电池"), 20)

    def en_word():
        searcher.search(term("words", "battery"), 20)

    def zh_phrase():
        searcher.search(phrase("bigrams", bigram_tokens("复合涂层")), 20)

    def field_query():
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.boolean_query([
                (tantivy.Occur.Should, term("words", "电池")), (tantivy.Occur.Should, term("words", "battery"))])),
            (tantivy.Occur.Must, tantivy.Query.regex_query(schema, "ipc", "H01M.*")),
            (tantivy.Occur.Must, tantivy.Query.range_query(schema, "ad", tantivy.FieldType.Integer, 20180101,
                                                           29991231)),
        ])
        searcher.search(query, 20, count=True)

    aggregation = {name: {"terms": {"field": name, "size": 20}} for name in ("ipc_class", "doc_type", "atype")}
    aggregation["year"] = {"histogram": {"field": "ad", "interval": 10000}}

    def facets():
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, term("words", "方法")), (tantivy.Occur.Should, term("words", "method"))])
        searcher.search(query, 20, count=True)
        searcher.aggregate(query, aggregation)

    return {
        "build_s": round(build, 2), "size_mb": round(_size(folder) / 1e6, 1),
        "zh_word": timed(zh_word), "en_word": timed(en_word), "zh_phrase": timed(zh_phrase),
        "field_query": timed(field_query), "broad_with_facets": timed(facets, 15),
    }


def bench_fts5(docs: list[dict], folder: Path) -> dict:
    path = folder / "fts.db"
    started = time.perf_counter()
    con = sqlite3.connect(path)
    con.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE VIRTUAL TABLE fts USING fts5(words, bigrams, tokenize='unicode61 remove_diacritics 0');
        CREATE TABLE attrs(id INTEGER PRIMARY KEY, ad INTEGER, doc_type TEXT, atype TEXT);
        CREATE TABLE ipc(id INTEGER, code TEXT, class TEXT);
    """)
    con.executemany("INSERT INTO fts(rowid, words, bigrams) VALUES (?, ?, ?)",
                    ((d["id"], d["words"], d["bigrams"]) for d in docs))
    con.executemany("INSERT INTO attrs VALUES (?, ?, ?, ?)", ((d["id"], d["ad"], d["doc_type"], d["atype"]) for d in docs))
    con.executemany("INSERT INTO ipc VALUES (?, ?, ?)", ((d["id"], c, c[:4]) for d in docs for c in d["ipc"]))
    con.executescript("""
        CREATE INDEX ipc_code ON ipc(code); CREATE INDEX ipc_id ON ipc(id); CREATE INDEX attrs_ad ON attrs(ad);
        INSERT INTO fts(fts) VALUES('optimize');
    """)
    con.commit()
    build = time.perf_counter() - started

    def run(sql, *args):
        return con.execute(sql, args).fetchall()

    top = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 20"

    def zh_word():
        run(top, 'words:"电池"')

    def en_word():
        run(top, 'words:"battery"')

    def zh_phrase():
        run(top, 'bigrams:"' + " ".join(bigram_tokens("复合涂层")) + '"')

    def field_query():
        where = """FROM fts JOIN attrs ON attrs.id = fts.rowid WHERE fts MATCH ? AND attrs.ad >= 20180101
                   AND EXISTS (SELECT 1 FROM ipc WHERE ipc.id = fts.rowid AND ipc.code GLOB 'H01M*')"""
        run(f"SELECT fts.rowid {where} ORDER BY rank LIMIT 20", 'words:"电池" OR words:"battery"')
        run(f"SELECT count(*) {where}", 'words:"电池" OR words:"battery"')

    def facets():
        match = 'words:"方法" OR words:"method"'
        run(top, match)
        run("SELECT count(*) FROM fts WHERE fts MATCH ?", match)
        hits = "SELECT rowid FROM fts WHERE fts MATCH ?"
        run(f"SELECT class, count(DISTINCT id) FROM ipc WHERE id IN ({hits}) GROUP BY class", match)
        for column in ("ad / 10000", "doc_type", "atype"):
            run(f"SELECT {column}, count(*) FROM attrs WHERE id IN ({hits}) GROUP BY 1", match)

    result = {
        "build_s": round(build, 2), "size_mb": round(_size(folder) / 1e6, 1),
        "zh_word": timed(zh_word), "en_word": timed(en_word), "zh_phrase": timed(zh_phrase),
        "field_query": timed(field_query), "broad_with_facets": timed(facets, 15),
    }
    con.close()
    return result


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    docs = prepare(corpus(), copies)
    report = {"documents": len(docs), "copies": copies, "rjieba": getattr(rjieba, "__version__", "?"),
              "tantivy": tantivy.__version__, "sqlite": sqlite3.sqlite_version}
    for name, bench in (("tantivy", bench_tantivy), ("fts5", bench_fts5)):
        folder = Path(tempfile.mkdtemp(prefix=f"lingxi-bench-{name}-"))
        try:
            report[name] = bench(docs, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(name, json.dumps(report[name], indent=1))
    out = ROOT / "bench" / "results" / "search_backend_choice.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(docs):,} documents → {out}")


if __name__ == "__main__":
    main()
