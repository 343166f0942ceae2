"""The held-out demand set of bench/matching_quality.py: enough demands, all three groups, real distinct targets.

The file is the matching benchmark's ground truth (issue #10, "Measured"): if a line loses its target, gets the wrong
language for its group or a target appears twice, the published Recall@10/MRR@10 would silently mean something else.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from lingxi.text import detect_language

DEMANDS = Path(__file__).resolve().parents[1] / "bench" / "data" / "matching_demands.jsonl"
GROUPS = {"zh_reuse": "zh", "zh_paraphrase": "zh", "en": "en"}


def _demands() -> list[dict]:
    return [json.loads(line) for line in DEMANDS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_demand_file_has_enough_well_formed_demands_in_every_group():
    demands = _demands()
    assert len(demands) >= 60
    assert len({d["id"] for d in demands}) == len(demands)
    assert all(re.fullmatch(r"d\d{3}", d["id"]) for d in demands)
    groups = Counter(d["group"] for d in demands)
    assert set(groups) == set(GROUPS)
    assert min(groups.values()) >= 20, groups
    for d in demands:
        assert set(d) <= {"id", "group", "text", "target", "note"}, d
        assert 15 <= len(d["text"]) <= 400, d
        assert detect_language(d["text"]) == GROUPS[d["group"]], d
        assert re.fullmatch(r"[0-9a-f]{32}", d["target"]), d
    # one demand per target patent: a known-item benchmark, no target counted twice
    assert len({d["target"] for d in demands}) == len(demands)


def test_every_target_is_a_real_patent_of_the_dev_corpus(shared_data):
    titles = {}
    with (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            titles[row["id"]] = row["title"]
    for d in _demands():
        assert d["target"] in titles, d
        # the note names the target's title, so a reader can check the pairing without the corpus at hand
        assert d["note"] == f"target: {titles[d['target']]}", d


def _load_bench(name: str):
    import importlib.util
    import sys

    bench = DEMANDS.parents[1]
    sys.path.insert(0, str(bench))
    try:
        spec = importlib.util.spec_from_file_location(f"{name}_bench", bench / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(bench))


def test_quality_metrics_count_only_the_first_ten_and_ties_against_the_target():
    import numpy as np

    bench = _load_bench("matching_quality")
    # ranks 1, 2, not returned, 11: two hits in the top 10, reciprocal ranks 1 and 1/2
    assert bench.summarise([1, 2, None, 11]) == {"n": 4, "recall@10": 0.5, "mrr@10": 0.375}
    scores = np.array([0.9, 0.5, 0.5, 0.1])
    assert bench.rank_in(scores, 0) == 1
    assert bench.rank_in(scores, 2) == 3  # tied with another patent: the pessimistic rank
    assert bench.rank_in(scores, 3) == 4
