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
        # word → does it match: a page of hits repeats the same words many times and analysing a word is a segmenter
        # call, so one request's highlighter remembers its answers (English queries over long English claims spent
        # most of their time here: the 8 slowest of bench/search_scale.py's queries at 5k patents 833 → 161 ms)
        self._word_matches: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.cjk or self.words or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        folded = _fold(text)
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
        spans = self.spans(text)
        if width is None or len(text) <= width:
            start, end = 0, len(text)
        elif not spans:
            return None
        else:
            start, end = _best_window(spans, len(text), width)
        parts, cursor = [], start
        for span_start, span_end in spans:
            if span_end <= start or span_start >= end:
                continue
            span_start, span_end = max(span_start, start), min(span_end, end)
            parts.append(html.escape(text[cursor:span_start]))
            parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
            cursor = span_end
        parts.append(html.escape(text[cursor:end]))
        return ("…" if start > 0 else "") + "".join(parts) + ("…" if end < len(text) else "")

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


def _best_window(spans: list[tuple[int, int]], length: int, width: int) -> tuple[int, int]:
    best, best_count = spans[0][0], 0
    for start, _ in spans:
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best, best_count = start, count
    start = max(0, min(best - width // 5, length - width))
    return start, min(length, start + width)
