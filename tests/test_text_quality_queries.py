"""The labelled query set of bench/search_quality.py refers to real documents and covers every query kind."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from lingxi.text import detect_language

QUERIES = Path(__file__).resolve().parents[1] / "bench" / "data" / "search_quality_queries.jsonl"


def test_query_set_is_complete_and_points_at_real_patents(shared_data):
    queries = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(queries) >= 40
    assert len({q["id"] for q in queries}) == len(queries)
    kinds = Counter(q["kind"] for q in queries)
    assert kinds["cross-lingual zh->en"] >= 5 and kinds["cross-lingual en->zh"] >= 5
    cn_ids = set()
    with (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8") as f:
        cn_titles = {}
        for line in f:
            row = json.loads(line)
            cn_ids.add(row["id"])
            cn_titles[row["id"]] = row["title"]
    us_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (shared_data / "us_uspto_xml").glob("*"))
    us_text += "".join(p.read_text(encoding="utf-8") for p in (shared_data / "us_uspto_ppubs_json").glob("*"))
    for q in queries:
        assert detect_language(q["query"]) == q["query_lang"], q
        for key in q["relevant"]:
            kind, _, ident = key.partition(":")
            if kind == "cn":
                assert ident in cn_ids and cn_titles[ident] == q["target_title"], q
            else:
                core = re.sub(r"^US|[AB]\d$", "", ident)  # US07862411 → 07862411, US20230010306A1 → 20230010306
                assert kind == "us" and core in us_text, q
