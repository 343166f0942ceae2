"""Text analysis for the keyword index: the same functions cut documents at index time and terms at query time.

Two token streams per text field:
* words — lingxi.text.segment: Chinese words (rjieba with the patent-term dictionary; at index time with the
  dictionary sub-words of long words, so 电池 finds 锂离子电池), Latin words lower-cased. Good ranking, but a
  term is only found when both sides cut it the same way.
* bigrams — overlapping pairs of CJK characters (a lone character stands alone). A phrase query over bigrams is an
  exact substring search, so an unsegmented or differently segmented term (池隔 inside 锂电池隔膜) is still found.
Tokens never contain whitespace: the index joins them with spaces and splits them again (tantivy "whitespace").
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

from lingxi.text.normalise import normalise as _text_normalise
from lingxi.text.segment import segment, segment_for_index

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_IS_CJK = re.compile(f"[{_CJK}]")


def normalise(text: str) -> str:
    """Full-width → half-width, Traditional → Simplified, one case: what both index and query see."""
    return _text_normalise(text).lower()


@lru_cache(maxsize=1)
def analyzer_version() -> str:
    """Recorded in the index manifest: an index cut by another analyzer or dictionary must be rebuilt."""
    dictionary = resources.files("lingxi.text").joinpath("data/patent_terms.txt").read_bytes()
    return f"segment-dict-{hashlib.sha1(dictionary).hexdigest()[:10]}+bigrams-1"


def index_word_tokens(text: str | None) -> list[str]:
    return segment_for_index(text) if text else []


def word_tokens(text: str | None) -> list[str]:
    """Query-side words (precise cut), the order a phrase needs."""
    return segment(text) if text else []


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(normalise(text))


def bigram_tokens(text: str | None) -> list[str]:
    if not text:
        return []
    tokens: list[str] = []
    for run in cjk_runs(text):
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens += [run[i : i + 2] for i in range(len(run) - 1)]
    return tokens


def has_cjk(text: str) -> bool:
    return bool(_IS_CJK.search(text))
