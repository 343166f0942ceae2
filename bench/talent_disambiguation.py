"""Inventor disambiguation quality (§10): pairwise precision and recall on a labelled set.

How the labelled set is built: the demo generator (lingxi/demo/generator.py) creates every inventor as a member of a
research team of one organisation and deliberately reuses ~3 % of names at other organisations (homonyms, a
different person); Chinese names are drawn from real surname/given-name frequencies, so common names (王伟, 张伟 …)
also collide by chance. This script wraps the generator's `_inventors` step to record, for every inventor it puts
on a patent family, the organisation whose team the person belongs to; the true identity of a mention is
(name, that organisation). (Two people drawn with the same name into the same organisation count as one —
the labels cannot tell them apart; US family members of CN families carry the pinyin of the parent's names and
count as the same people as the parent's inventors, so cross-script pairs are true pairs no name block can find.)
The clustering is lingxi.talent.disambiguation — the code `lingxi talent build` runs — on mentions made the same
way the build makes them (name keys from lingxi.parties, applicants, IPC subclasses, region, filing year).

Figures: pairwise precision = correct same-person pairs / predicted pairs; recall = correct / true pairs
(all pairs of mentions, REFERENCE.md §5 convention; no sampling correction is needed because every mention is
labelled). Reported next to a name-only baseline (every same-name mention is one person) and PatentsView's
published 0.914 / 0.964. Results: bench/results/talent_disambiguation.json.
Usage: python bench/talent_disambiguation.py [--size 6000] [--seed 20261121]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "talent_disambiguation.json"


def labelled_records(size: int, seed: int):
    from lingxi.demo import generator as g

    truth: dict[int, list[str]] = {}
    original_inventors = g._Generator._inventors
    original_records = g._family_records

    def inventors(self, family, node):
        names, team = original_inventors(self, family, node)
        orgs = []
        for name in names:
            org = family.orgs[0] if name in team.members else None
            if org is None:
                for key in family.orgs[1:]:
                    if any(name in t.members for t in self.teams.get((key, node.key), [])):
                        org = key
                        break
            orgs.append(org or family.orgs[0])
        truth[id(family)] = orgs
        return names, team

    def family_records(gen, family, *args, **kwargs):
        records = original_records(gen, family, *args, **kwargs)
        source = family.parent if family.parent is not None and id(family) not in truth else family
        base = source.inventors if source is not family else None
        orgs = truth.get(id(source), [])
        for record in records:
            inv = [p for p in record.parties if p.role == "inventor"]
            labels = []
            for i, _ in enumerate(inv):
                org = orgs[i] if i < len(orgs) else "?"
                person = base[i].name if base is not None and i < len(base) else inv[i].name
                labels.append(f"{org}|{person}")
            record.extra["_truth"] = labels
        return records

    g._Generator._inventors = inventors
    g._family_records = family_records
    try:
        return g.generate_demo_records(seed=seed, size=size)
    finally:
        g._Generator._inventors = original_inventors
        g._family_records = original_records


def mentions_of(records):
    from lingxi.parties.identity import describe_party
    from lingxi.talent.disambiguation import Mention

    mentions, labels = [], {}
    next_id = 0
    for pid, record in enumerate(records):
        inventors = [p for p in record.parties if p.role == "inventor"]
        keys = [describe_party(p.name, "inventor").key for p in inventors]
        applicants = [describe_party(p.name, "applicant") for p in record.parties if p.role in ("applicant", "assignee")]
        fields = frozenset(c.code.replace(" ", "")[:4] for c in record.classifications if c.scheme in ("IPC", "CPC"))
        region = None
        if applicants and applicants[0].province:
            region = f"{applicants[0].province}/{applicants[0].city or ''}"
        year = (record.application_date or record.publication_date).year if (record.application_date or record.publication_date) else None
        for i, key in enumerate(keys):
            next_id += 1
            mentions.append(Mention(id=next_id, name_key=key, patent_id=pid, year=year,
                                    coinventors=frozenset(k for j, k in enumerate(keys) if j != i),
                                    applicants=frozenset(a.key for a in applicants), fields=fields, region=region))
            labels[next_id] = record.extra["_truth"][i]
    return mentions, labels


def pairwise(predicted: dict[int, object], truth: dict[int, str]) -> dict:
    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    tp = pairs(Counter((predicted[m], truth[m]) for m in truth))
    pred = pairs(Counter(predicted[m] for m in truth))
    true = pairs(Counter(truth.values()))
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "true_pairs": true, "predicted_pairs": pred, "correct_pairs": tp}


def evaluate(size: int, seed: int) -> dict:
    from lingxi.talent.disambiguation import cluster_mentions

    started = time.perf_counter()
    records = labelled_records(size, seed)
    mentions, truth = mentions_of(records)
    generated = time.perf_counter() - started
    frequency = Counter(m.name_key for m in mentions)
    started = time.perf_counter()
    clusters = cluster_mentions(mentions, frequency)
    seconds = time.perf_counter() - started
    predicted = {m.id: c_id for c_id, c in enumerate(clusters) for m in c.mentions}
    by_name = {m.id: m.name_key for m in mentions}
    # the hard part: names shared by several true people
    people_per_name: dict[str, set[str]] = {}
    for m in mentions:
        people_per_name.setdefault(m.name_key, set()).add(truth[m.id])
    ambiguous = {m.id for m in mentions if len(people_per_name[m.name_key]) > 1}
    result = {
        "labelled_set": "demo generator, hidden team identities (see the module docstring)",
        "patents": len(records), "mentions": len(mentions), "name_keys": len(frequency),
        "true_people": len(set(truth.values())), "talents_found": len(clusters),
        "ambiguous_names": sum(1 for v in people_per_name.values() if len(v) > 1),
        "mentions_with_ambiguous_names": len(ambiguous),
        "lingxi": pairwise(predicted, truth),
        "name_only_baseline": pairwise(by_name, truth),
        # the ceiling of any name-blocked method: true pairs whose two mentions share a name key (cross-script
        # pinyin/汉字 pairs of CN–US families are out of reach)
        "lingxi_recall_within_name_blocks": round(
            pairwise(predicted, truth)["correct_pairs"] / pairwise(by_name, truth)["correct_pairs"], 4),
        "lingxi_on_ambiguous_names": pairwise({k: predicted[k] for k in ambiguous}, {k: truth[k] for k in ambiguous}),
        "baseline_on_ambiguous_names": pairwise({k: by_name[k] for k in ambiguous}, {k: truth[k] for k in ambiguous}),
        "patentsview_published": {"precision": 0.914, "recall": 0.964, "note": "REFERENCE.md §5, other data"},
        "clustering_seconds": round(seconds, 3), "generation_seconds": round(generated, 1),
        "seed": seed, "machine": f"{platform.machine()} {platform.python_version()}",
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=20261121, help="the corpus the weights were tuned on")
    parser.add_argument("--held-out-seed", type=int, default=7, help="a second corpus, not used for tuning")
    args = parser.parse_args()
    result = evaluate(args.size, args.seed)
    held = evaluate(args.size, args.held_out_seed)
    result["held_out"] = {k: held[k] for k in (
        "seed", "patents", "mentions", "true_people", "talents_found", "ambiguous_names", "lingxi",
        "name_only_baseline", "lingxi_recall_within_name_blocks", "lingxi_on_ambiguous_names",
        "baseline_on_ambiguous_names")}
    result["note"] = "weights and thresholds were tuned on --seed; held_out is another corpus from the same generator"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
