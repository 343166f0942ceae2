"""Hits marked in titles, abstracts and claims: HTML-safe snippets with <mark>…</mark>.

Runs on the page of hits only. Chinese terms are marked as substrings (what the bigram fallback matched); Latin
words are marked where a word of the text analyses to a word of the query, so case, full-width letters and (if the
segmenter stems) inflections are marked as the index matched them.
"""

from __future__ import annotations

import html
import re
import unicodedata

from lingxi.search.analysis import cjk_runs, has_cjk, word_tokens

_WORD = re.compile(r"[^\W_]+(?:\.\d+)*")
_UNIFIED_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
# Every character that folds (_fold) into a unified CJK ideograph without being one: compatibility ideographs,
# radicals, circled/annotation/squared ideographs, Hangzhou numerals (tests/test_search_highlight.py checks the whole
# of Unicode). A text without any finds a unified-CJK term exactly where its folded copy would.
_FOLDING_IN_BMP = "\u2e80-\u2fdf\u3038-\u303a\u3190-\u319f\u3220-\u32ff\uf900-\ufaff"
_FOLDING_BEYOND_BMP = "\U0001f200-\U0001f2ff\U0002f800-\U0002fa1f"
FOLDS_INTO_CJK = re.compile(f"[{_FOLDING_IN_BMP}{_FOLDING_BEYOND_BMP}]")
# … split for speed: a class of BMP characters only is matched from a bitmap, three times faster over a text than
# the whole class (checked once per text marked); the rare text beyond the BMP is searched for the rest as well.
_FOLDS_IN_BMP = re.compile(f"[{_FOLDING_IN_BMP}]")
_FOLDS_BEYOND_BMP = re.compile(f"[{_FOLDING_BEYOND_BMP}]")


def _may_fold_into_cjk(text: str) -> bool:
    """FOLDS_INTO_CJK.search(text), faster: UTF-16 takes two units for each character beyond the BMP."""
    if _FOLDS_IN_BMP.search(text):
        return True
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text) and bool(_FOLDS_BEYOND_BMP.search(text))


class Highlighter:
    def __init__(self, terms: list[str]):
        self.cjk: list[str] = []
        self.words: set[str] = set()
        self.prefixes: list[str] = []
        for term in terms:
            wildcard = term.endswith("*")
            value = term.rstrip("*")
            self.cjk += cjk_runs(value)
            latin = [w for w in word_tokens(value) if not has_cjk(w)]
            if wildcard and latin and not has_cjk(value[-1:]):
                self.prefixes.append(latin.pop())
            self.words.update(latin)
        self.cjk = sorted(set(self.cjk), key=len, reverse=True)
        # Folding a text costs more than the rest of marking it; a Chinese query needs no folded copy of a text that
        # has nothing folding into its terms' characters (the usual case)
        self._cjk_only = not (self.words or self.prefixes) and all(_UNIFIED_CJK.fullmatch(n) for n in self.cjk)
        # One Chinese term that cannot overlap itself (the usual query: 光伏): its occurrences never overlap, and what
        # _merge makes of them is each run of back-to-back occurrences, so str methods can find and mark them (marking
        # a page of hits was a fifth of a search call's CPU, most of it finding, merging and joining spans in Python)
        self._single = self.cjk[0] if self._cjk_only and len(self.cjk) == 1 and not _overlaps_itself(self.cjk[0]) \
            else None
        # word → does it match: a page of hits repeats the same words many times and analysing a word is a segmenter
        # call, so one request's highlighter remembers its answers (English queries over long English claims spent
        # most of their time here: the 8 slowest of bench/search_scale.py's queries at 5k patents 833 → 161 ms)
        self._word_matches: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.cjk or self.words or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        unfolded = self._cjk_only and not _may_fold_into_cjk(text)
        if unfolded and self._single is not None:
            return _runs_of(self._single, text)
        folded = text if unfolded else _fold(text)
        spans = []
        for needle in self.cjk:
            start = folded.find(needle)
            while start >= 0:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + 1)
        if self.words or self.prefixes:
            for match in _WORD.finditer(folded):
                word = match.group(0)
                matched = self._word_matches.get(word)
                if matched is None:
                    matched = self._word_matches[word] = not has_cjk(word) and (
                        any(w in self.words for w in word_tokens(word))
                        or any(word.startswith(p) for p in self.prefixes))
                if matched:
                    spans.append(match.span())
        return _merge(spans)

    def mark(self, text: str | None, width: int | None = None) -> str | None:
        """The text (or, with width, the window of about `width` characters with the most hits) marked up."""
        if not text:
            return None
        whole = width is None or len(text) <= width
        single = self._single is not None and not _may_fold_into_cjk(text)
        if whole and single:
            return self._mark_single(text)
        spans = _runs_of(self._single, text) if single else self.spans(text)
        if whole:
            start, end = 0, len(text)
        elif not spans:
            return None
        else:
            start, end = _best_window(spans, len(text), width)
            if single and not any(s < start < e or s < end < e for s, e in spans):  # the window cuts no mark
                marked = self._mark_single(text[start:end])
                return ("…" if start > 0 else "") + marked + ("…" if end < len(text) else "")
        # Escaping character by character commutes with joining: the window is escaped once, with two control
        # characters standing in for the tags (dozens of html.escape calls per text were most of marking it)
        sentinels = "\x00" not in text and "\x01" not in text
        open_tag, close_tag = ("\x00", "\x01") if sentinels else ("<mark>", "</mark>")
        escape = (lambda part: part) if sentinels else html.escape
        parts, cursor = [], start
        for span_start, span_end in spans:
            if span_end <= start or span_start >= end:
                continue
            span_start, span_end = max(span_start, start), min(span_end, end)
            parts += (escape(text[cursor:span_start]), open_tag, escape(text[span_start:span_end]), close_tag)
            cursor = span_end
        parts.append(escape(text[cursor:end]))
        body = "".join(parts)
        if sentinels:
            body = html.escape(body).replace("\x00", "<mark>").replace("\x01", "</mark>")
        return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")

    def _mark_single(self, text: str) -> str:
        # html.escape changes only ASCII characters and the term is Chinese, so it is found alike in the escaped
        # text; back-to-back occurrences are one mark, as _merge makes them (the escaped text holds no "<")
        term = self._single
        return html.escape(text).replace(term, f"<mark>{term}</mark>").replace("</mark><mark>", "")

    def matches(self, text: str | None) -> bool:
        return bool(text) and bool(self.spans(text))


class _FoldTable(dict):
    """str.translate table that learns each character's fold on first sight (a few thousand distinct characters)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        self[code] = value = folded if len(folded) == 1 else char
        return value


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    """NFKC and lower case character by character, so offsets in the folded text are offsets in the original."""
    return text.translate(_FOLD_TABLE)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _runs_of(term: str, text: str) -> list[tuple[int, int]]:
    """The merged spans of a term that cannot overlap itself: its runs of back-to-back occurrences."""
    spans: list[tuple[int, int]] = []
    size = len(term)
    start = text.find(term)
    while start >= 0:
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], start + size)
        else:
            spans.append((start, start + size))
        start = text.find(term, start + size)
    return spans


def _overlaps_itself(term: str) -> bool:
    """Whether two occurrences of `term` can overlap (啊啊 in 啊啊啊): some proper prefix is also a suffix."""
    return any(term[:size] == term[-size:] for size in range(1, len(term)))


def _best_window(spans: list[tuple[int, int]], length: int, width: int) -> tuple[int, int]:
    """The window of `width` starting near the span that begins the most spans wholly inside it (the first such).
    `spans` are merged (sorted, disjoint), so their ends rise with their starts: the spans inside a window from
    spans[i] are spans[i:inside], and `inside` only moves forward."""
    best, best_count, inside = spans[0][0], 0, 0
    for i, (start, _) in enumerate(spans):
        while inside < len(spans) and spans[inside][1] <= start + width:
            inside += 1
        if inside - i > best_count:
            best, best_count = start, inside - i
    start = max(0, min(best - width // 5, length - width))
    return start, min(length, start + width)
