"""Tokens for indexing and querying Chinese and English patent text.

`segment` gives the precise segmentation (use it for queries and phrase positions); `segment_for_index` adds the
dictionary sub-words of long words (锂离子电池 → 锂离子电池, 锂离子, 离子, 电池) so a query for a shorter term still
matches — index with it, query with `segment`. Both normalise first (NFKC, Traditional → Simplified), lower-case
Latin words, split them on hyphens/slashes and drop punctuation and whitespace.

Chinese is cut by `rjieba` (a Rust port of jieba: same output, ~30× faster); plain `jieba` is used only when rjieba
cannot be imported. A domain dictionary of patent terms (data/patent_terms.txt) is added at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lingxi.text.normalise import normalise

# A Latin/digit token: letters+digits runs, keeping decimals ("3.5") together. Hyphens and slashes split
# ("Li-ion" → li, ion) so "lithium-ion" and "lithium ion" index alike.
_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_LATIN = re.compile(r"[A-Za-z]")


class _Segmenter:
    """The cutter with the domain dictionary loaded; one per process (rjieba's own default is left untouched)."""

    def __init__(self) -> None:
        try:
            import rjieba

            self._jieba = rjieba.Jieba()
            self._add = lambda w, f: self._jieba.add_word(w, f, None)
            self.cut = self._jieba.cut
            self.cut_for_search = self._jieba.cut_for_search
            self.backend = "rjieba"
        except ImportError:  # pragma: no cover - rjieba wheels cover the supported platforms
            import jieba

            self._jieba = jieba.Tokenizer()
            self._add = lambda w, f: self._jieba.add_word(w, f)
            self.cut = lambda t: list(self._jieba.cut(t))
            self.cut_for_search = lambda t: list(self._jieba.cut_for_search(t))
            self.backend = "jieba"
        for term, freq in domain_terms():
            self._add(term, freq)

    def add_term(self, term: str, freq: int | None = None) -> None:
        self._add(normalise(term), freq)


def domain_terms() -> list[tuple[str, int | None]]:
    """The shipped patent-term dictionary as (term, frequency or None)."""
    text = resources.files("lingxi.text").joinpath("data/patent_terms.txt").read_text(encoding="utf-8")
    terms = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        terms.append((parts[0], int(parts[1]) if len(parts) > 1 else None))
    return terms


@lru_cache(maxsize=1)
def _segmenter() -> _Segmenter:
    return _Segmenter()


_dictionary_changes = 0


def add_terms(terms: list[str]) -> None:
    """Register extra domain terms (e.g. an operator's chain taxonomy keywords) for this process."""
    global _dictionary_changes
    seg = _segmenter()
    for term in terms:
        if term.strip():
            seg.add_term(term.strip())
    _segment_short.cache_clear()  # a new word can change how a text is cut
    _dictionary_changes += 1


def dictionary_changes() -> int:
    """How often add_terms changed this process's dictionary: what was cut before may be cut differently now."""
    return _dictionary_changes


def _tokens(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if _HAN.search(piece) and not _LATIN.search(piece):
            out.append(piece)  # punctuation never lands inside a Han word from jieba
        else:
            out.extend(m.group(0).lower() for m in _WORD.finditer(piece))
    return out


def segment(text: str) -> list[str]:
    """Precise tokens of `text`, in order: Chinese words, lower-cased Latin words and numbers; no punctuation."""
    if not text:
        return []
    if len(text) <= SHORT_TEXT:
        return list(_segment_short(text))
    return _tokens(_segmenter().cut(normalise(text)))


# A query term is cut several times per search (once per field it is looked up in, for ranking and for counting, for
# highlighting) and the same queries come again and again: short texts are cut once (a search call spent a twentieth
# of its CPU cutting its query). Long texts (documents) are cut once each anyway and are not kept.
SHORT_TEXT = 64


@lru_cache(maxsize=4096)
def _segment_short(text: str) -> tuple[str, ...]:
    return tuple(_tokens(_segmenter().cut(normalise(text))))


def segment_for_index(text: str) -> list[str]:
    """Tokens for an inverted index: like `segment`, plus dictionary sub-words of long Chinese words."""
    if not text:
        return []
    return _tokens(_segmenter().cut_for_search(normalise(text)))


def detect_language(text: str) -> str:
    """ "zh", "en", "ja", "ko" or "und" — by script counts, enough to route patent text (titles/abstracts).

    Chinese wins when Han characters are at least a fifth of the letters, because Chinese patents routinely carry
    Latin chemical formulas, units and model numbers (LiFePO4, 5G, ％C) that would otherwise outvote short titles.
    """
    if not text:
        return "und"
    han = len(_HAN.findall(text))
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    if kana and kana >= 0.1 * (han + kana):
        return "ja"
    if hangul and hangul > han:
        return "ko"
    letters = han + latin + hangul
    if letters == 0:
        return "und"
    if han and han >= 0.2 * letters:
        return "zh"
    if latin >= 0.5 * letters:
        return "en"
    return "und"
