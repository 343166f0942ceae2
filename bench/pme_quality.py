"""Effect-term quality of lingxi.tagging.pme: precision / recall / F1 of the normalised effect terms against hand labels.

Labels: bench/data/pme_labels.jsonl — 42 real abstracts (30 Chinese from cn_patents_dev, rows 2001, 2038, … every 37th;
12 English from the USPTO XML samples, every 17th non-design grant/application with an abstract > 250 characters,
from the 6th). Each abstract was read in full by hand and given the effect terms of lingxi/tagging/data/effects.yaml
that it states (an effect the text claims for the invention, not a feature); labels were written before this script
was first run on them, and the rows are disjoint from the abstracts looked at while writing the rules (the first 200
rows and a few seeded samples). How: bench/data/README.md.

Micro figures count every (abstract, term) pair; "any-effect" is the share of labelled-with-effects abstracts for which
at least one predicted term is right.

    .venv/bin/python bench/pme_quality.py      # writes bench/results/pme_quality.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lingxi.patents.importers import importer_by_name
from lingxi.patents.importers.base import ImportOptions
from lingxi.tagging.pme import extract_pme

HERE = Path(__file__).resolve().parent
LABELS = HERE / "data" / "pme_labels.jsonl"
RESULTS = HERE / "results" / "pme_quality.json"
SHARED = HERE.parent.parent / "shared" / "data"


def _texts(shared: Path) -> dict[tuple[str, str], tuple[str, str]]:
    texts = {}
    for line in (shared / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        texts[("cn_patents_dev", row["id"])] = (row["title"], row["abstract"])
    importer = importer_by_name("uspto-xml")
    for path in sorted((shared / "us_uspto_xml").glob("*.xml")):
        for parsed in importer.parse(path, ImportOptions()):
            record = getattr(parsed, "record", None)
            if record is not None and record.abstract:
                texts[("us_uspto_xml", record.publication_number)] = (record.title, record.abstract)
    return texts


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def main() -> int:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED
    texts = _texts(shared)
    labels = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    counts: dict[str, list[int]] = {"all": [0, 0, 0], "zh": [0, 0, 0], "en": [0, 0, 0]}
    any_hit = {"zh": [0, 0], "en": [0, 0]}
    per_doc = []
    started = time.perf_counter()
    for label in labels:
        title, abstract = texts[(label["source"], label["id"])]
        pme = extract_pme(title, abstract, language=label["language"])
        gold, predicted = set(label["effect_terms"]), set(pme.effect_terms)
        tp, fp, fn = len(gold & predicted), len(predicted - gold), len(gold - predicted)
        for key in ("all", label["language"]):
            counts[key][0] += tp
            counts[key][1] += fp
            counts[key][2] += fn
        if gold:
            any_hit[label["language"]][1] += 1
            any_hit[label["language"]][0] += bool(gold & predicted)
        per_doc.append(
            {
                "id": label["id"],
                "language": label["language"],
                "gold": sorted(gold),
                "predicted": sorted(predicted),
                "missed": sorted(gold - predicted),
                "extra": sorted(predicted - gold),
            }
        )
    elapsed = time.perf_counter() - started
    result = {
        "labels": str(LABELS.relative_to(HERE.parent)),
        "documents": {
            "all": len(labels),
            "zh": sum(l["language"] == "zh" for l in labels),
            "en": sum(l["language"] == "en" for l in labels),
        },
        "micro": {key: _prf(*value) for key, value in counts.items()},
        "any_effect_right": {k: round(v[0] / v[1], 3) if v[1] else None for k, v in any_hit.items()},
        "ms_per_document": round(1000 * elapsed / len(labels), 2),
        "documents_detail": per_doc,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: result[k] for k in ("documents", "micro", "any_effect_right", "ms_per_document")},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
