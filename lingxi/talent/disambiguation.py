"""Inventor disambiguation: which inventor mentions with the same name key are the same person.

Pure function over :class:`Mention` records, so the store build (lingxi.talent.build) and the benchmark
(bench/talent_disambiguation.py) run the very same rules.

Mentions are blocked by name key (a person Party: 王伟, "smith; john a"); inside a block they are clustered greedily
in time order against the clusters' accumulated profiles (co-inventors, applicants, IPC subclasses, region, years),
then clusters are merged while their profiles still agree. Evidence is additive: a shared co-inventor is the
strongest sign (two people who share a name *and* a collaborator are rarely two people), a shared applicant next,
a shared field and region weaker, a long gap in years counts against. The score needed to link grows with how
common the name is in the store: a rare name needs one shared fact, 王伟 with hundreds of mentions needs several —
a common Chinese name at one university is often two people in different labs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["WEIGHTS", "Cluster", "Mention", "cluster_mentions", "link_threshold"]

# Evidence weights; tuned on the demo generator's labelled identities (bench/talent_disambiguation.py).
WEIGHTS = {
    "coinventor": 3.0,  # per shared co-inventor name key, up to two
    "applicant": 2.0,  # a shared applicant (affiliation)
    "field": 1.0,  # a shared IPC subclass
    "region": 0.5,  # same city / province of the applicants
    "gap_penalty": 1.0,  # per 5 years between the closest filings of the two sides, beyond the first 5
}
BASE_THRESHOLD = 1.5


@dataclass(frozen=True)
class Mention:
    id: int  # patent_parties.id (or any unique id in the benchmark)
    name_key: str
    patent_id: int
    year: int | None = None
    coinventors: frozenset[str] = frozenset()  # name keys of the other inventors on the patent
    applicants: frozenset[str] = frozenset()  # applicant cluster keys (or party ids as text)
    fields: frozenset[str] = frozenset()  # IPC subclasses (H01M) and chain nodes
    region: str | None = None  # "province/city" of the first applicant, or the inventor's own city


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # the evidence each mention joined with (0 for the seed)
    coinventors: dict[str, int] = field(default_factory=dict)
    applicants: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)
    years: list[int] = field(default_factory=list)
    patents: set[int] = field(default_factory=set)

    def add(self, mention: Mention, score: float) -> None:
        self.mentions.append(mention)
        self.scores.append(score)
        for source, target in ((mention.coinventors, self.coinventors), (mention.applicants, self.applicants),
                               (mention.fields, self.fields)):
            for key in source:
                target[key] = target.get(key, 0) + 1
        if mention.region:
            self.regions.add(mention.region)
        if mention.year is not None:
            self.years.append(mention.year)
        self.patents.add(mention.patent_id)

    def absorb(self, other: Cluster, score: float) -> None:
        for mention, own in zip(other.mentions, other.scores):
            self.add(mention, own if own else score)


def link_threshold(name_frequency: int) -> float:
    """Evidence needed to call two same-name mentions one person: grows with the log of the name's frequency.

    A name seen ≤ 8 times needs BASE_THRESHOLD (one shared applicant, or one co-inventor, or a field and the
    region); every doubling above that adds 0.5, so a name seen 256 times needs 4.0 (a co-inventor and a field, or
    an applicant, a field and more). Tuned on the demo generator's labelled identities (docs/talent.md)."""
    if name_frequency <= 8:
        return BASE_THRESHOLD
    return BASE_THRESHOLD + 0.5 * math.log2(name_frequency / 8)


def _evidence(coinventors: Iterable[str], applicants: Iterable[str], fields: Iterable[str], regions: set[str],
              years: list[int], cluster: Cluster) -> float:
    shared_co = sum(1 for key in coinventors if key in cluster.coinventors)
    score = WEIGHTS["coinventor"] * min(shared_co, 2)
    if any(key in cluster.applicants for key in applicants):
        score += WEIGHTS["applicant"]
    if any(key in cluster.fields for key in fields):
        score += WEIGHTS["field"]
    if regions & cluster.regions:
        score += WEIGHTS["region"]
    if years and cluster.years:
        gap = min(abs(a - b) for a in set(years) for b in set(cluster.years))
        if gap > 5:
            score -= WEIGHTS["gap_penalty"] * (gap - 5) / 5
    return score


def _mention_evidence(mention: Mention, cluster: Cluster) -> float:
    if mention.patent_id in cluster.patents:
        return -math.inf  # two inventors of one patent with the same name are two people
    regions = {mention.region} if mention.region else set()
    years = [mention.year] if mention.year is not None else []
    return _evidence(mention.coinventors, mention.applicants, mention.fields, regions, years, cluster)


def _cluster_evidence(a: Cluster, b: Cluster) -> float:
    if a.patents & b.patents:
        return -math.inf
    return _evidence(a.coinventors, a.applicants, a.fields, a.regions, a.years, b)


def cluster_block(mentions: list[Mention], name_frequency: int | None = None) -> list[Cluster]:
    """Clusters of one name key's mentions."""
    threshold = link_threshold(name_frequency if name_frequency is not None else len(mentions))
    ordered = sorted(mentions, key=lambda m: (m.year if m.year is not None else 9999, m.patent_id, m.id))
    clusters: list[Cluster] = []
    for mention in ordered:
        best, best_score = None, -math.inf
        for cluster in clusters:
            score = _mention_evidence(mention, cluster)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score >= threshold:
            best.add(mention, best_score)
        else:
            seed = Cluster()
            seed.add(mention, 0.0)
            clusters.append(seed)
    # Second pass: a person seen first in two unconnected groups (say before and after a move) is joined when the
    # groups' accumulated profiles agree.
    merged = True
    while merged and len(clusters) > 1:
        merged = False
        i = 0
        while i < len(clusters):
            j = i + 1
            while j < len(clusters):
                score = _cluster_evidence(clusters[j], clusters[i])
                if score >= threshold + 1.0:  # profiles hold more facts than one mention: ask for more
                    clusters[i].absorb(clusters.pop(j), score)
                    merged = True
                else:
                    j += 1
            i += 1
    return clusters


def cluster_mentions(mentions: Iterable[Mention], name_frequency: dict[str, int] | None = None) -> list[Cluster]:
    """All clusters, block by block; `name_frequency` (mentions per name key in the whole store) sets the bar."""
    blocks: dict[str, list[Mention]] = {}
    for mention in mentions:
        blocks.setdefault(mention.name_key, []).append(mention)
    result: list[Cluster] = []
    for key, block in blocks.items():
        frequency = (name_frequency or {}).get(key, len(block))
        if len(block) == 1:
            single = Cluster()
            single.add(block[0], 0.0)
            result.append(single)
        else:
            result.extend(cluster_block(block, frequency))
    return result
