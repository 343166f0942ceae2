"""A plain BM25 (k1 1.2, b 0.75) over lingxi.text segmentation, for the quality benchmarks.

A stand-in for the keyword mode: documents are tokenised with `segment_for_index`, queries with `segment`, exactly
as lingxi.search's keyword index does, and scored with the textbook Okapi BM25 formula over one title+abstract field.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from lingxi.text import segment, segment_for_index


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths = []
        for doc, text in enumerate(texts):
            tokens = segment_for_index(text)
            self.lengths.append(len(tokens))
            for term, tf in Counter(tokens).items():
                self.postings[term].append((doc, tf))
        self.n = len(texts)
        self.avg = sum(self.lengths) / max(self.n, 1)

    def search(self, query: str, k: int = 100) -> list[tuple[int, float]]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(segment(query)):
            posting = self.postings.get(term)
            if not posting:
                continue
            idf = math.log(1 + (self.n - len(posting) + 0.5) / (len(posting) + 0.5))
            for doc, tf in posting:
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[doc] / self.avg)
                scores[doc] += idf * tf * (self.k1 + 1) / norm
        return sorted(scores.items(), key=lambda item: -item[1])[:k]


def rrf(lists: list[list[tuple[int, float]]], k: int = 60, limit: int = 100) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion (Cormack et al. 2009) of ranked lists."""
    fused: dict[int, float] = defaultdict(float)
    for hits in lists:
        for rank, (doc, _) in enumerate(hits, 1):
            fused[doc] += 1 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])[:limit]
