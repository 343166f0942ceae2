"""A synthetic patent corpus of any size, scaled from the real samples in ../shared/data (never copied into the repo).

    from corpus import RealSamples, write_corpus
    write_corpus(Path("/tmp/corpus-1m.jsonl"), 1_000_000, seed=42)   # Lingxi JSON Lines (docs/jsonl-schema.md)

How a record is made (deterministic for a given seed and size):
- Language: Chinese with probability 0.8, English 0.2 (`en_share`).
- Chinese texts come from the 3,117 real cn_patents_dev records (title, applicant, abstract) and the 33 CNKI records
  (first claims): the title is a real title, chosen with a Zipf-like popularity (s = 0.6: some technologies are filed
  far more often than others); the abstract is that title's real abstract (first sentence kept, each later sentence
  kept with p 0.7) plus 0–2 sentences from other real abstracts; 1–4 claims put "一种<title>，其特征在于，" /
  "根据权利要求1所述的…" before sentences of the own abstract or the real CNKI first claims — so the texts are real
  Chinese and words co-occur as in real patents, but each patent's combination is new.
- English texts come from the USPTO XML and Public Search JSON documents (parsed by Lingxi's own importers): real
  titles, abstracts recombined the same way, the document's own real claims; real inventor names recombined.
- Applicants: real names (Chinese: cn_patents_dev applicants; English: USPTO assignees) with a Zipf distribution
  (s = 1.1), so a few organisations hold many patents and most hold a handful — what AP= queries meet in practice.
- IPC: 1–4 codes per patent, subclasses Zipf-distributed over the real IPC scheme (reference/all_ipc.csv) with
  the subclasses most common in Chinese filings (H01M, G06F, H01L, A61K, …) at the head, groups/subgroups real.
- Dates: filing years 2005–2023 growing ~12 %/year (as Chinese filings did), publication 6–18 months later, grant
  2–4 years after filing for granted kinds. Kinds: CN A 55 %, B 20 %, U 25 %; US B2/B1/A1. Numbers are valid and
  unique (CN application numbers with their check digit), legal status 有效/实质审查/失效/… by kind.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import json
import random
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_throughput import GIVEN, SHARED, SURNAMES  # the existing scaler's name pools and data location

TOP_SUBCLASSES = ["H01M", "G06F", "H01L", "A61K", "G01N", "C08L", "B01J", "C04B", "H04L", "G06N", "C22C", "B23K",
                  "C02F", "A61B", "H02J", "B65G", "C25B", "G06Q", "H04N", "F16K", "B25J", "C23C", "C12N", "G01R"]
CN_STATUS = {"A": [("实质审查", 0.45), ("公开", 0.15), ("驳回", 0.15), ("撤回", 0.25)],
             "B": [("有效", 0.70), ("失效", 0.25), ("权利转移", 0.05)],
             "U": [("有效", 0.55), ("失效", 0.45)]}
US_STATUS = {"B2": [("Active", 0.8), ("Expired", 0.2)], "B1": [("Active", 0.8), ("Expired", 0.2)],
             "A1": [("Pending", 0.7), ("Abandoned", 0.3)]}
_CN_SENTENCE = re.compile(r"(?<=[。；;])")
_EN_SENTENCE = re.compile(r"(?<=[.;])\s+")


def _zipf_cdf(n: int, s: float = 1.1) -> list[float]:
    weights = [1.0 / (rank ** s) for rank in range(1, n + 1)]
    total = sum(weights)
    return list(itertools.accumulate(w / total for w in weights))


def _pick(rng: random.Random, items: list, cdf: list[float]):
    return items[min(bisect.bisect_left(cdf, rng.random()), len(items) - 1)]


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    x, acc = rng.random(), 0.0
    for value, weight in choices:
        acc += weight
        if x < acc:
            return value
    return choices[-1][0]


def _ipc_text(code14: str) -> str:
    """all_ipc.csv's 14-character code (A01B0001020000) → A01B 1/02."""
    group = int(code14[4:8])
    sub = code14[8:].rstrip("0")
    return f"{code14[:4]} {group}/{sub.ljust(2, '0')}"


@dataclass
class RealSamples:
    """The real texts and names every synthetic record is made from."""

    cn_titles: list[str] = field(default_factory=list)
    cn_abstracts: list[list[str]] = field(default_factory=list)  # each title's own abstract sentences, same order
    cn_sentences: list[str] = field(default_factory=list)
    cn_claim_sentences: list[str] = field(default_factory=list)
    cn_applicants: list[str] = field(default_factory=list)
    cnki_inventors: list[str] = field(default_factory=list)
    en_titles: list[str] = field(default_factory=list)
    en_abstracts: list[list[str]] = field(default_factory=list)
    en_sentences: list[str] = field(default_factory=list)
    en_claims: list[list[str]] = field(default_factory=list)  # each title's own claims (may be empty)
    en_assignees: list[str] = field(default_factory=list)
    en_first_names: list[str] = field(default_factory=list)
    en_last_names: list[str] = field(default_factory=list)
    ipc_groups: dict[str, list[str]] = field(default_factory=dict)  # subclass → real group/subgroup codes

    @classmethod
    def load(cls, shared: Path = SHARED) -> RealSamples:
        self = cls()
        self._load_chinese(shared)
        self._load_english(shared)
        self._load_ipc(shared)
        return self

    def _load_chinese(self, shared: Path) -> None:
        applicants: dict[str, int] = {}
        with (shared / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                title, abstract = row["title"].strip(), (row.get("abstract") or "").strip()
                if not title or not abstract:
                    continue
                sentences = [s.strip() for s in _CN_SENTENCE.split(abstract) if len(s.strip()) > 4]
                if not sentences:
                    continue
                self.cn_titles.append(title)
                self.cn_abstracts.append(sentences)
                self.cn_sentences += sentences
                name = (row.get("applicant") or "").strip()
                if name:
                    applicants[name] = applicants.get(name, 0) + 1
        # most frequent real applicants first, so the Zipf head is the organisations that really file most
        self.cn_applicants = sorted(applicants, key=lambda n: (-applicants[n], n))
        with (shared / "cn_cnki_export" / "MaterialChemistry_18_19.csv").open(encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                for key, value in row.items():
                    if not value:
                        continue
                    if key in ("first_claim", "主权项", "权利要求"):
                        self.cn_claim_sentences += [s.strip() for s in _CN_SENTENCE.split(value) if len(s.strip()) > 4]
                    elif key in ("inventors", "发明人"):
                        self.cnki_inventors += [n.strip() for n in re.split(r"[;；,，]", value) if n.strip()]
        self.cn_claim_sentences += self.cn_sentences[:: 7]

    def _load_english(self, shared: Path) -> None:
        from lingxi.patents.importers import ImportOptions, detect_importer

        seen: set[str] = set()
        assignees: dict[str, int] = {}
        first, last = set(), set()
        for folder in ("us_uspto_xml", "us_uspto_ppubs_json"):
            for path in sorted((shared / folder).iterdir()):
                if not path.is_file():
                    continue
                try:
                    importer = detect_importer(path)
                except ValueError:  # a file no importer reads (e.g. a README)
                    continue
                for result in importer.parse(path, ImportOptions(include_description=False)):
                    record = getattr(result, "record", None)
                    if record is None or not record.title:
                        continue
                    number = record.publication_number or record.application_number or record.title
                    if number in seen:
                        continue
                    seen.add(number)
                    for party in record.parties:
                        if party.role in ("applicant", "assignee") and not _looks_like_person(party.name):
                            assignees[party.name] = assignees.get(party.name, 0) + 1
                        elif party.role == "inventor":
                            parts = party.name.replace(",", " ").split()
                            if len(parts) >= 2:
                                last.add(parts[0] if "," in party.name else parts[-1])
                                first.add(parts[1] if "," in party.name else parts[0])
                    if not record.abstract:
                        continue
                    sentences = [s.strip() for s in _EN_SENTENCE.split(record.abstract.strip()) if len(s) > 10]
                    if not sentences:
                        continue
                    self.en_titles.append(record.title.strip())
                    self.en_abstracts.append(sentences)
                    self.en_sentences += sentences
                    claims = [c for c in record.claims if c] or ([record.first_claim] if record.first_claim else [])
                    self.en_claims.append(claims[:5])
        self.en_assignees = sorted(assignees, key=lambda n: (-assignees[n], n))
        self.en_first_names, self.en_last_names = sorted(first), sorted(last)

    def _load_ipc(self, shared: Path) -> None:
        with (shared / "reference" / "all_ipc.csv").open(encoding="utf-8") as f:
            for line in f:
                code = line.split("\t", 1)[0].strip()
                if len(code) == 14 and code[4:8].isdigit():
                    self.ipc_groups.setdefault(code[:4], []).append(_ipc_text(code))


def _looks_like_person(name: str) -> bool:
    words = name.replace(",", " ").split()
    return 1 < len(words) <= 3 and not any(w.rstrip(".").lower() in _ORG_WORDS for w in words)


_ORG_WORDS = {"inc", "corp", "corporation", "company", "co", "ltd", "llc", "gmbh", "ag", "kk", "plc", "university",
              "limited", "technologies", "technology", "systems", "group", "sa", "bv", "institute", "labs"}


class CorpusGenerator:
    """Yields Lingxi JSON Lines records; record i depends only on (seed, i) and the real samples."""

    def __init__(self, samples: RealSamples, seed: int = 42, en_share: float = 0.2):
        self.s = samples
        self.seed = seed
        self.en_share = en_share
        order = random.Random(seed)
        rest = sorted(set(samples.ipc_groups) - set(TOP_SUBCLASSES))
        order.shuffle(rest)
        self.subclasses = [c for c in TOP_SUBCLASSES if c in samples.ipc_groups] + rest
        self.cdf_subclass = _zipf_cdf(len(self.subclasses), 1.05)
        self.cdf_cn_title = _zipf_cdf(len(samples.cn_titles), 0.6)
        self.cdf_en_title = _zipf_cdf(len(samples.en_titles), 0.6)
        self.cdf_cn_app = _zipf_cdf(len(samples.cn_applicants), 1.1)
        self.cdf_en_app = _zipf_cdf(len(samples.en_assignees), 1.1)
        years = list(range(2005, 2024))
        self.years = years
        self.cdf_year = list(itertools.accumulate(w / sum(1.12 ** (y - 2005) for y in years)
                                                 for w in (1.12 ** (y - 2005) for y in years)))
        # title popularity: a shuffled order, so popular titles are not simply the file's first lines
        self.cn_title_order = list(range(len(samples.cn_titles)))
        order.shuffle(self.cn_title_order)
        self.en_title_order = list(range(len(samples.en_titles)))
        order.shuffle(self.en_title_order)

    @cached_property
    def _date(self):
        import datetime as dt

        return dt.date, dt.timedelta

    def record(self, i: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + i)
        if rng.random() < self.en_share and self.s.en_titles:
            return self._english(i, rng)
        return self._chinese(i, rng)

    def _dates(self, rng: random.Random, granted: bool) -> tuple:
        date, delta = self._date
        year = _pick(rng, self.years, self.cdf_year)
        filed = date(year, 1, 1) + delta(days=rng.randrange(365))
        published = filed + delta(days=rng.randrange(180, 540))
        grant = filed + delta(days=rng.randrange(730, 1460)) if granted else None
        return filed, published, grant

    def _ipc(self, rng: random.Random) -> list[str]:
        codes = []
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4))):
            subclass = _pick(rng, self.subclasses, self.cdf_subclass)
            codes.append(rng.choice(self.s.ipc_groups[subclass]))
        return list(dict.fromkeys(codes))

    def _chinese(self, i: int, rng: random.Random) -> dict:
        s = self.s
        t = self.cn_title_order[_pick(rng, range(len(s.cn_titles)), self.cdf_cn_title)]
        title = s.cn_titles[t]
        kind = _weighted(rng, [("A", 0.55), ("B", 0.20), ("U", 0.25)])
        filed, published, granted = self._dates(rng, kind != "A")
        type_digit = "2" if kind == "U" else "1"
        app = f"{filed.year}{type_digit}{i % 10_000_000:07d}"
        from lingxi.patents.numbers import cn_check_digit

        own = s.cn_abstracts[t]
        kept = [own[0], *(x for x in own[1:] if rng.random() < 0.7)]
        abstract = "".join(kept + [rng.choice(s.cn_sentences) for _ in range(rng.randint(0, 2))])
        stem = title.removeprefix("一种")
        claims = [f"一种{stem}，其特征在于，" + rng.choice(own)]
        claims += [f"根据权利要求1所述的{stem}，其特征在于，"
                   + (rng.choice(own) if rng.random() < 0.5 else rng.choice(s.cn_claim_sentences))
                   for _ in range(rng.randint(0, 3))]
        applicants = [_pick(rng, s.cn_applicants, self.cdf_cn_app)]
        if rng.random() < 0.15:
            applicants.append(_pick(rng, s.cn_applicants, self.cdf_cn_app))
        inventors = [rng.choice(s.cnki_inventors) if s.cnki_inventors and rng.random() < 0.1
                     else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                     for _ in range(rng.randint(1, 5))]
        prefix = {"A": "1", "B": "1", "U": "2"}[kind]
        return {
            "publication_number": f"CN{prefix}{i:08d}{kind}",
            "application_number": f"{app}.{cn_check_digit(app)}",
            "application_date": filed.isoformat(),
            "publication_date": (granted if kind == "B" else published).isoformat(),
            "grant_date": granted.isoformat() if granted else None,
            "title": title,
            "abstract": abstract,
            "claims": claims,
            "applicants": list(dict.fromkeys(applicants)),
            "inventors": list(dict.fromkeys(inventors)),
            "ipc": self._ipc(rng),
            "legal_status": _weighted(rng, CN_STATUS[kind]),
        }

    def _english(self, i: int, rng: random.Random) -> dict:
        s = self.s
        t = self.en_title_order[_pick(rng, range(len(s.en_titles)), self.cdf_en_title)]
        kind = _weighted(rng, [("B2", 0.6), ("B1", 0.1), ("A1", 0.3)])
        filed, published, granted = self._dates(rng, kind != "A1")
        own = s.en_abstracts[t]
        kept = [own[0], *(x for x in own[1:] if rng.random() < 0.7)]
        abstract = " ".join(kept + [rng.choice(s.en_sentences) for _ in range(rng.randint(0, 2))])
        claims = s.en_claims[t] or rng.choice(s.en_claims)
        number = f"US{20_000_000 + i:08d}{kind}" if kind != "A1" else f"US{2_030_000_000 + i}A1"
        inventors = [f"{rng.choice(s.en_first_names)} {rng.choice(s.en_last_names)}" for _ in range(rng.randint(1, 4))
                     ] if s.en_first_names and s.en_last_names else []
        return {
            "publication_number": number,
            "application_number": f"{30 + i // 1_000_000}/{i % 1_000_000:06d}",
            "application_date": filed.isoformat(),
            "publication_date": (granted or published).isoformat(),
            "grant_date": granted.isoformat() if granted else None,
            "title": s.en_titles[t],
            "abstract": abstract,
            "claims": list(claims),
            "applicants": [_pick(rng, s.en_assignees, self.cdf_en_app)] if s.en_assignees else [],
            "inventors": list(dict.fromkeys(inventors)),
            "ipc": self._ipc(rng),
            "language": "en",
            "legal_status": _weighted(rng, US_STATUS[kind]),
        }


def write_corpus(path: Path, count: int, seed: int = 42, samples: RealSamples | None = None,
                 en_share: float = 0.2) -> dict:
    """Write `count` records as JSON Lines; returns a description (counts by language, file size)."""
    generator = CorpusGenerator(samples or RealSamples.load(), seed, en_share)
    languages = {"zh": 0, "en": 0}
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = generator.record(i)
            languages["en" if record.get("language") == "en" else "zh"] += 1
            out.write(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False) + "\n")
    s = generator.s
    return {"records": count, "seed": seed, "languages": languages, "file_mb": round(path.stat().st_size / 2**20, 1),
            "real_sources": {"cn_titles": len(s.cn_titles), "cn_abstract_sentences": len(s.cn_sentences),
                             "cnki_claim_sentences": len(s.cn_claim_sentences) - len(s.cn_sentences[::7]),
                             "cn_applicants": len(s.cn_applicants), "en_titles": len(s.en_titles),
                             "en_abstract_sentences": len(s.en_sentences), "en_claim_sets": sum(1 for c in s.en_claims if c),
                             "en_assignees": len(s.en_assignees), "ipc_subclasses": len(s.ipc_groups)}}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic corpus scaled from the real samples.")
    parser.add_argument("output", type=Path)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(json.dumps(write_corpus(args.output, args.count, args.seed), ensure_ascii=False, indent=2))
