"""Benchmark: quality and speed of party-name clustering (lingxi.parties).

Run from the repository root::

    .venv/bin/python bench/party_clustering.py            # prints a report, writes bench/results/party_clustering.json

How the labelled set ``tests/fixtures/party_name_labels.csv`` (columns name,entity) was built
-----------------------------------------------------------------------------------------------
* Source names are real: Chinese applicants from ``cn_patents_dev/cn_patents_dev.jsonl`` and
  ``cn_cnki_export/*.csv``; English assignees, applicants and agents (``orgname``) from ``us_uspto_xml/*.xml``,
  ``us_patentsview_parser_golden``, and ``assigneeName`` / ``applicantName`` / ``inventorsName`` from
  ``us_uspto_ppubs_json/*.json``.  Nothing from those files is copied anywhere except these name strings.
* Where the data itself holds variants they are grouped by hand: 国家电网公司 / 国家电网有限公司,
  上海和辉光电有限公司 / …股份有限公司, 国网浙江省电力公司电力科学研究院 / 国网浙江省电力有限公司电力科学研究院,
  LG电子株式会社 / LG 电子株式会社, 株式会社LG化学 / LG化学株式会社, AMAZON TECHNOLOGIES, INC. / Amazon
  Technologies, Inc., Oblon … P.C. / L.L.P., Schwegman, Lundberg / Lunberg, Hoffmann / Hoffman & Baron,
  General Electric / Electtric, Magellan / Megellan Group, Omega SA (Omega AG) … Jakob-Stampfli-Strasse,
  United States of America as (Represented by the) Administrator of (the) NASA, Modus Operandi / MODUS
  OPERANDI, INC., and the same organisation written in Chinese and in English in different files
  (三星电子株式会社 / Samsung Electronics Co., Ltd., 苹果公司 / Apple Inc., 国际商业机器公司 / International
  Business Machines Corporation, 天津大学 / TIANJIN UNIVERSITY, 加州大学董事会 / The Regents of the University of
  California, 高丽大学校产学协力团 / Research and Business Foundation, Korea University …).
* Each entity then got realistic written variants of its real name: legal-form changes (有限公司 ↔ 股份有限公司 ↔
  有限责任公司, Co., Ltd. ↔ CO LTD ↔ Company Limited, Corporation ↔ CORP, Kabushiki Kaisha ↔ KK ↔ K.K.),
  full-width and 【】 brackets, a bracket dropped (腾讯科技深圳有限公司), 市/省 added or dropped, spaces and
  quotes, 株式会社 moved to the front, 中科院 for 中国科学院, upper case, USPTO-style abbreviations (Mfg, Ind,
  Elec., Labs, Intl, Univ.), person names as "Last; First M." / "First M. Last" / "LAST FIRST M".
* Known renames are labelled as one organisation, as they are in reality: 深圳市华星光电技术有限公司 →
  TCL华星光电技术有限公司 (2020), Matsushita Electric Industrial → Panasonic Corporation (2008), Sony Corporation →
  Sony Group Corporation (2021), dual names (中国船舶科学研究中心 = 中国船舶重工集团公司第七〇二研究所).
* Near-miss distinct organisations sharing most characters are deliberately included, each as its own entity:
  西安交通大学 / 西南交通大学, 华南理工 / 华南农业 / 华南师范大学, 江苏大学 / 江南大学, 东南 / 东北 / 西北 / 中南大学,
  中国石油大学(北京) / (华东), 哈尔滨工业大学 / (深圳) / 哈尔滨工程大学 / 哈尔滨理工大学, 中芯国际 (上海) / (北京) /
  新技术研发(上海) / 中芯集成电路(宁波), five 华星光电 companies, six 京东方 companies, six 中车 companies,
  中国电子科技集团公司第五十二 / 第五十四研究所, 中国建筑第二 / 第八工程局, ten 中国科学院 institutes, 国网 provincial
  companies and their research institutes, Samsung Electronics / Display / Electro-Mechanics, Fuji Xerox /
  Photo Film / Electric, Fujitsu Component / Media Devices, Seoul Semiconductor / Opto Device, Rockwell
  Collins / Automation, Regents of California / Michigan, Secretary of the Army / Navy / Air Force, Zins; David
  / Zins; Wayne.
* Labelling convention: a campus that files under its own name (哈尔滨工业大学(深圳), 华北电力大学(保定)) and a
  branch (…分公司, …供电局, …研究院 of a company) are their own entity; a change of legal form only is not.

The set is evaluated three ways: **all** (the labels as they are); **within-script** (each entity split into its
Chinese-script and Latin-script names — what a string clusterer can be asked to do; cross-language identity
needs an alias table); and **spelling** (within-script, without the rename / dual-name entities).

The speed test scales the real names to 100,000 by recombining real name parts (Chinese: region + trade name
+ industry + legal form taken from different real applicants; English: words of different real assignees)
into distinct organisations, each written 1–4 ways with the same kinds of variants, and clusters them all.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import platform
import random
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lingxi.parties import names as names_mod  # noqa: E402
from lingxi.parties.cluster import cluster_names  # noqa: E402
from lingxi.parties.identity import describe_party  # noqa: E402
from lingxi.parties.names import has_cjk  # noqa: E402
from lingxi.parties.regions import detect_region  # noqa: E402
from lingxi.parties.types import explain_party_type  # noqa: E402

LABELS = REPO / "tests" / "fixtures" / "party_name_labels.csv"
SHARED = Path(os.environ.get("LINGXI_SHARED_DATA", REPO.parent / "shared" / "data"))
RESULTS = REPO / "bench" / "results" / "party_clustering.json"

# Entities whose names are renames or dual names rather than spellings (excluded from the "spelling" view).
RENAMED_ENTITIES = {
    "深圳市华星光电技术有限公司",
    "Matsushita Electric Industrial Co., Ltd.",
    "索尼公司",
    "中国船舶科学研究中心",
    "北京半导体专用设备研究所",
    "United States of America, Administrator of NASA",
}


# --------------------------------------------------------------------------------------------------
# metrics


def load_labels(path: Path = LABELS) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["name"], r["entity"]) for r in csv.DictReader(fh)]


def pairwise(truth: list[str], pred: list[str]) -> dict[str, float]:
    """Pairwise precision / recall / F1 over all pairs of names."""
    def pairs(labels: list[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, lab in enumerate(labels):
            groups[lab].append(i)
        return {p for g in groups.values() for p in combinations(g, 2)}

    t, p = pairs(truth), pairs(pred)
    tp = len(t & p)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(t), "predicted_pairs": len(p)}


def bcubed(truth: list[str], pred: list[str]) -> dict[str, float]:
    """B-cubed precision / recall / F1 (averaged over names)."""
    by_true: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[str, set[int]] = defaultdict(set)
    for i, (t, p) in enumerate(zip(truth, pred)):
        by_true[t].add(i)
        by_pred[p].add(i)
    n = len(truth)
    precision = recall = 0.0
    for i in range(n):
        same = len(by_true[truth[i]] & by_pred[pred[i]])
        precision += same / len(by_pred[pred[i]])
        recall += same / len(by_true[truth[i]])
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def evaluate(labels: list[tuple[str, str]]) -> dict[str, object]:
    """Cluster the labelled names and score them in the three views described in the module docstring."""
    clustered = cluster_names((str(i), name) for i, (name, _) in enumerate(labels))
    pred = [c.cluster_id for c in clustered]
    views: dict[str, object] = {}
    script = ["cjk" if has_cjk(n) else "latin" for n, _ in labels]
    within = [f"{e}#{s}" for (_, e), s in zip(labels, script)]
    keep = [i for i, (_, e) in enumerate(labels) if e not in RENAMED_ENTITIES]
    for view, truth, idx in (
        ("all", [e for _, e in labels], list(range(len(labels)))),
        ("within_script", within, list(range(len(labels)))),
        ("spelling", within, keep),
    ):
        t = [truth[i] for i in idx]
        p = [pred[i] for i in idx]
        views[view] = {
            "names": len(t),
            "entities": len(set(t)),
            "clusters": len(set(p)),
            "pairwise": pairwise(t, p),
            "bcubed": bcubed(t, p),
        }
    # the errors, for the report
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_true: dict[str, set[str]] = defaultdict(set)
    for (name, ent), w, p in zip(labels, within, pred):
        by_pred[p].add(ent)
        by_true[w].add(p)
    merged_wrongly = sorted(
        sorted({n for (n, e), p in zip(labels, pred) if p == cid}) for cid, ents in by_pred.items() if len(ents) > 1
    )
    split = sorted(w for w, ps in by_true.items() if len(ps) > 1)
    views["false_merges"] = merged_wrongly
    views["split_within_script"] = split
    return views


# --------------------------------------------------------------------------------------------------
# 100k names from the real ones


def real_names() -> tuple[list[str], list[str]]:
    """Distinct real Chinese and English organisation names from the shared data folder."""
    cn: set[str] = set()
    en: set[str] = set()
    jsonl = SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl"
    if jsonl.exists():
        with jsonl.open(encoding="utf-8") as fh:
            for line in fh:
                cn.add(json.loads(line)["applicant"])
    for path in sorted((SHARED / "cn_cnki_export").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                cn.update(p for p in re.split(r"[;；]", row.get("applicant") or "") if p)
    for path in sorted((SHARED / "us_uspto_xml").glob("*.xml")) + sorted(
        (SHARED / "us_patentsview_parser_golden").glob("*.xml")
    ):
        text = path.read_text(encoding="utf-8", errors="replace")
        en.update(re.findall(r"<orgname>([^<]+)</orgname>", text))
    for path in sorted((SHARED / "us_uspto_ppubs_json").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = data["patents"] if isinstance(data, dict) else data
        for doc in docs:
            for field in ("assigneeName", "applicantName"):
                en.update(n for n in (doc.get(field) or []) if n and ";" not in n)
    cn = {n for n in cn if n and not names_mod.looks_like_person(n)}
    return sorted(cn), sorted(en)


_CN_LEGAL = ["有限公司", "股份有限公司", "有限责任公司", "科技有限公司", "集团有限公司"]
_CN_LEGAL_RE = re.compile(r"(股份有限公司|有限责任公司|有限公司|公司)$")


def _cn_variants(name: str, rng: random.Random, n: int) -> list[str]:
    out = [name]
    for _ in range(n - 1):
        v = name
        r = rng.random()
        if r < 0.3 and _CN_LEGAL_RE.search(v):
            v = _CN_LEGAL_RE.sub(rng.choice(["有限公司", "股份有限公司", "有限责任公司", "公司"]), v)
        elif r < 0.5:
            v = v.replace("(", "（").replace(")", "）") if "(" in v else v + " "
        elif r < 0.7:
            v = v.replace("市", "", 1) if "市" in v[:5] else " " + v
        elif r < 0.85:
            cut = rng.randrange(1, max(2, len(v) - 1))
            v = v[:cut] + " " + v[cut:]
        else:
            v = f"“{v}”"
        out.append(v)
    return out


def _en_variants(name: str, rng: random.Random, n: int) -> list[str]:
    out = [name]
    for _ in range(n - 1):
        v = name
        r = rng.random()
        if r < 0.3:
            v = v.upper().replace(".", "").replace(",", "")
        elif r < 0.5:
            v = re.sub(r"\bCorporation\b", "Corp.", v)
            v = re.sub(r"\bCompany\b", "Co.", v)
            v = re.sub(r",? Inc\.?$", " Inc", v)
            v = re.sub(r"Co\., Ltd\.", "Co Ltd", v)
        elif r < 0.65:
            v = v.replace(" & ", " and ")
        elif r < 0.8:
            v = re.sub(r"\bManufacturing\b", "Mfg.", v)
            v = re.sub(r"\bInternational\b", "Int'l", v)
            v = re.sub(r"\bTechnologies\b", "Techs", v)
            v = re.sub(r"\bLaboratories\b", "Labs", v)
        elif r < 0.9 and len(v) > 8:  # a one-letter typo
            i = rng.randrange(2, len(v) - 2)
            v = v[:i] + v[i + 1] + v[i] + v[i + 2:]
        else:
            v = v.lower()
        out.append(v)
    return out


def scaled_names(target: int = 100_000, seed: int = 20240601) -> list[tuple[str, str]]:
    """About ``target`` (id, name) rows built from the real names (see the module docstring)."""
    rng = random.Random(seed)
    cn, en = real_names()
    cn_orgs = [n for n in cn if _CN_LEGAL_RE.search(n)]
    regions = [re.match(r"^(.{2,3}?)(市|省)", n) for n in cn_orgs]
    region_words = sorted({m.group(1) + m.group(2) for m in regions if m}) or ["上海市"]
    trade, industry = [], []
    for n in cn_orgs:
        core = _CN_LEGAL_RE.sub("", n)
        core = re.sub(r"^.{2,3}?(市|省)", "", core)
        core = re.sub(r"\(.*?\)", "", core)
        if len(core) >= 4:
            trade.append(core[:2])
            industry.append(core[2:])
    en_words = [n for n in en if len(n.split()) >= 2]
    first = [n.split()[0].strip(",") for n in en_words]
    rest = [" ".join(n.split()[1:]) for n in en_words]

    rows: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add_org(variants: list[str]) -> None:
        for v in variants:
            rows.append((str(len(rows) + 1), v))

    for n in cn:
        add_org(_cn_variants(n, rng, rng.randint(1, 3)))
    for n in en:
        add_org(_en_variants(n, rng, rng.randint(1, 3)))
    while len(rows) < target:
        if rng.random() < 0.6 and trade:
            base = (
                (rng.choice(region_words) if rng.random() < 0.7 else "")
                + rng.choice(trade)
                + rng.choice(industry)
                + rng.choice(_CN_LEGAL)
            )
            if base in seen:
                continue
            seen.add(base)
            add_org(_cn_variants(base, rng, rng.choice([1, 1, 2, 2, 3, 4])))
        elif first:
            base = f"{rng.choice(first)} {rng.choice(rest)}"
            if base in seen:
                continue
            seen.add(base)
            add_org(_en_variants(base, rng, rng.choice([1, 1, 2, 2, 3, 4])))
    return rows[:target]


# --------------------------------------------------------------------------------------------------
# speed of describe_party


def _clear_caches() -> None:
    describe_party.cache_clear()
    names_mod.org_cluster_key.cache_clear()
    names_mod.looks_like_person.cache_clear()
    detect_region.cache_clear()
    explain_party_type.cache_clear()


def _real_patents() -> list[list[tuple[str, str]]]:
    """The party mentions of every real patent record in the shared folder: [(name, role), …] per patent."""
    patents: list[list[tuple[str, str]]] = []
    jsonl = SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl"
    if jsonl.exists():
        with jsonl.open(encoding="utf-8") as fh:
            patents += [[(json.loads(line)["applicant"], "applicant")] for line in fh]
    for path in sorted((SHARED / "cn_cnki_export").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                mentions = [(a, "applicant") for a in re.split(r"[;；]", row["applicant"]) if a]
                mentions += [(i, "inventor") for i in re.split(r"[;；]", row["inventors"]) if i]
                patents.append(mentions)
    for path in sorted((SHARED / "us_uspto_ppubs_json").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for doc in data["patents"] if isinstance(data, dict) else data:
            mentions = [(n, "assignee") for n in doc.get("assigneeName") or [] if n]
            mentions += [(n, "applicant") for n in doc.get("applicantName") or [] if n]
            mentions += [(n, "inventor") for n in doc.get("inventorsName") or [] if n]
            patents.append(mentions)
    return patents


def describe_speed(rows: list[tuple[str, str]]) -> dict[str, float]:
    """µs per describe_party call: never-seen organisations, never-seen inventors, cached; and a real import."""
    names = list(dict.fromkeys(n for _, n in rows))
    timings: dict[str, float] = {"distinct_names": len(names)}
    for role in ("applicant", "inventor"):
        best = float("inf")
        for _ in range(3):
            _clear_caches()
            gc.collect()
            t0 = time.perf_counter()
            for n in names:
                describe_party(n, role)
            best = min(best, (time.perf_counter() - t0) / len(names))
        timings[f"cold_us_per_call_{role}"] = best * 1e6
    t0 = time.perf_counter()
    for _ in range(3):
        for n in names:
            describe_party(n, "inventor")
    timings["cached_us_per_call"] = (time.perf_counter() - t0) / (3 * len(names)) * 1e6
    patents = _real_patents()
    mentions = sum(len(p) for p in patents)
    best = float("inf")
    for _ in range(3):
        _clear_caches()
        t0 = time.perf_counter()
        for patent in patents:
            for name, role in patent:
                describe_party(name, role)
        best = min(best, time.perf_counter() - t0)
    timings["real_patents"] = len(patents)
    timings["real_mentions"] = mentions
    timings["real_import_patents_per_s_cold_cache"] = len(patents) / best
    timings["real_import_us_per_mention_cold_cache"] = best / max(1, mentions) * 1e6
    # worst case: one never-seen organisation and four never-seen inventors on every patent
    worst = timings["cold_us_per_call_applicant"] + 4 * timings["cold_us_per_call_inventor"]
    timings["worst_case_patents_per_s_1_org_4_inventors_never_seen"] = 1e6 / worst
    return timings


def main() -> int:
    report: dict[str, object] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "labelled_set": str(LABELS.relative_to(REPO)),
    }
    labels = load_labels()
    quality = evaluate(labels)
    report["quality"] = quality
    print(f"Labelled set: {len(labels)} names, {len({e for _, e in labels})} entities")
    for view in ("all", "within_script", "spelling"):
        q = quality[view]
        pw, b3 = q["pairwise"], q["bcubed"]
        print(
            f"  {view:<14} names {q['names']:>4}  entities {q['entities']:>4}  clusters {q['clusters']:>4}  "
            f"pairwise P {pw['precision']:.3f} R {pw['recall']:.3f} F1 {pw['f1']:.3f}  "
            f"B3 P {b3['precision']:.3f} R {b3['recall']:.3f} F1 {b3['f1']:.3f}"
        )
    print(f"  false merges: {quality['false_merges'] or 'none'}")
    print(f"  entities split within a script: {quality['split_within_script'] or 'none'}")

    if not SHARED.is_dir():
        print(f"shared data not found at {SHARED}: speed test skipped")
    else:
        rows = scaled_names(100_000)
        distinct = len({n for _, n in rows})
        gc.collect()
        t0 = time.perf_counter()
        clustered = cluster_names(rows)
        seconds = time.perf_counter() - t0
        clusters = len({c.cluster_id for c in clustered if c.cluster_id})
        report["speed"] = {
            "names": len(rows),
            "distinct_names": distinct,
            "clusters": clusters,
            "cluster_seconds": seconds,
            "names_per_second": len(rows) / seconds,
        }
        print(f"Clustering {len(rows):,} names ({distinct:,} distinct) → {clusters:,} clusters in {seconds:.2f} s")
        speed = describe_speed(rows)
        report["describe_party"] = speed
        print(
            f"describe_party: never-seen organisation {speed['cold_us_per_call_applicant']:.1f} µs/call, "
            f"never-seen inventor {speed['cold_us_per_call_inventor']:.1f} µs/call, "
            f"cached {speed['cached_us_per_call']:.2f} µs/call"
        )
        print(
            f"  real records ({speed['real_patents']:,} patents, {speed['real_mentions']:,} mentions, cold cache): "
            f"{speed['real_import_patents_per_s_cold_cache']:,.0f} patents/s "
            f"({speed['real_import_us_per_mention_cold_cache']:.1f} µs/mention); worst case 1 new organisation + "
            f"4 new inventors per patent: "
            f"{speed['worst_case_patents_per_s_1_org_4_inventors_never_seen']:,.0f} patents/s"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
