"""Review-driven learning must make the next run better on patents nobody reviewed, not only on the reviewed ones.

The held-back set is real: the Chinese records of the labelled dev set (bench/data/tagging_dev.jsonl, labels by the
title rules of bench/tagging_quality.py) with their text from ../shared/data/cn_patents_dev. As in the bench, 2-fold:
the labels of one half become a reviewer's decisions on the classifier's proposals (right nodes confirmed, wrong
proposals rejected), the model is retrained on them and the other half is scored. The first version of learning
raised recall a little and cut SEI precision from 0.73 to 0.56 (words learned for one material class firing on
all the others); this test fails on that.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from lingxi.tagging.classifier import Classifier, Document
from lingxi.tagging.model import HUMAN_WEIGHT, Example, train
from lingxi.tagging.store import shipped_yaml
from lingxi.tagging.taxonomy import from_yaml
from lingxi.text.segment import segment

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "bench" / "data" / "tagging_dev.jsonl"


def _fold(key: str) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2  # bench/tagging_quality.py's split


def _level2(taxonomy, keys: set[str]) -> set[str]:
    return {candidate for key in keys for candidate in [key, *taxonomy.ancestors(key)]
            if taxonomy.by_key[candidate].level == 2}


def _scores(gold: list[set[str]], predicted: list[set[str]]) -> tuple[float, float]:
    """(micro precision, micro F1)."""
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    fp = sum(len(p - g) for g, p in zip(gold, predicted))
    fn = sum(len(g - p) for g, p in zip(gold, predicted))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def dev_records(shared_data):
    rows = {}
    for line in open(shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl", encoding="utf-8"):
        row = json.loads(line)
        rows[row["id"]] = row
    labels = [json.loads(line) for line in open(DEV, encoding="utf-8")]
    records = [{**label, "title": rows[label["id"]]["title"], "abstract": rows[label["id"]]["abstract"]}
               for label in labels if label["source"] == "cn_patents_dev"]
    assert len(records) >= 1000
    labelled = {r["id"] for r in records}
    background = [frozenset(segment(row["title"] + "\n" + row["abstract"])) for key, row in rows.items()
                  if key not in labelled][:2000]
    return records, background


@pytest.mark.parametrize("dimension,names", [("sei", ["sei_2018"]), ("chain", ["chain_pv", "chain_h2", "chain_ev"])])
def test_reviews_do_not_lower_precision_on_held_back_real_patents(dev_records, dimension, names):
    records, background = dev_records
    taxonomies = [from_yaml(shipped_yaml(name)) for name in names]
    base = {t.name: train(t, [], background) for t in taxonomies}
    documents = {r["id"]: Document(r["title"], r["abstract"]) for r in records}
    tokens = {r["id"]: segment(documents[r["id"]].text) for r in records}

    def predict(models: dict, subset: list[dict]) -> list[set[str]]:
        classifiers = [Classifier(t, models[t.name]) for t in taxonomies]
        return [set().union(*(_level2(c.taxonomy, {x.node_key for x in c.classify(documents[r["id"]], tokens[r["id"]])})
                              for c in classifiers)) for r in subset]

    gold, before, after = [], [], []
    for fold in (0, 1):
        reviewed = [r for r in records if _fold(r["id"]) == fold]
        held_back = [r for r in records if _fold(r["id"]) != fold]
        proposals = predict(base, reviewed)
        models = {}
        for taxonomy in taxonomies:
            own = {n.key for n in taxonomy.nodes if n.level == 2}
            examples = []
            for record, proposed in zip(reviewed, proposals):
                positives = set(record[dimension]) & own
                negatives = (proposed & own) - positives
                if positives or negatives:
                    examples.append(Example(frozenset(tokens[record["id"]]), frozenset(positives),
                                            frozenset(negatives), HUMAN_WEIGHT, record["title"], record["abstract"]))
            models[taxonomy.name] = train(taxonomy, examples, background)
        gold += [set(r[dimension]) for r in held_back]
        before += predict(base, held_back)
        after += predict(models, held_back)
    precision_before, f1_before = _scores(gold, before)
    precision_after, f1_after = _scores(gold, after)
    assert precision_after >= precision_before, (precision_before, precision_after)
    assert f1_after >= f1_before, (f1_before, f1_after)
    assert after != before  # the reviews did change what the next run proposes
