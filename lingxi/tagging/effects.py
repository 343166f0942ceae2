"""The controlled vocabulary of functional effects (功能效果) and the matcher that maps effect phrases onto it.

The vocabulary lives in data/effects.yaml (zh label, en label and the phrases of each term), so an operator can extend
it without code. A term matches a phrase when an "increase" verb governs one of its `*_up` nouns within a few
characters/words (提高了系统的接入效率, improves the accuracy), a "decrease" verb governs one of its `*_down` nouns
(降低了生产成本, reduces power consumption), the noun comes first and the verb after (准确率得到了很大的提高), or one of its
`*_also` phrases occurs verbatim (结构简单, low-cost). `*_problem` phrases apply to the problem statement only
(解决了…效率低的问题 → 提高效率).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

# Verbs that say "more of" / "less of" something. Why so many: abstracts vary the verb far more than the noun.
_ZH_UP = "提高|提升|增加|增强|改善|改进|优化|加强|加快|增大|保证|保障|确保|兼顾|达到|实现|具有|具备|利于|有助于|满足"
_ZH_DOWN = (
    "降低|减少|减小|减轻|减弱|节约|节省|缩短|避免|防止|消除|抑制|杜绝|克服|解决|下降|免除|省去|去除|不会|不易|无需"
)
_ZH_UP_AFTER = "提高|提升|增强|改善|增加|增大|加快|优化|得到保证|更高|更好|较高|高"
_ZH_DOWN_AFTER = "降低|减少|下降|减小|减轻|缩短|更低|更少|较低|低|小"
_ZH_GAP = r"[^，。；：,;:!?！？]{0,16}?"  # within one clause, a few characters ("提高了系统的接入效率")

_EN_UP = (
    r"improv|increas|enhanc|boost|rais|maximi[sz]|optimi[sz]|better|higher|greater|maintain|ensur|extend|"
    r"strengthen|promot|achiev|provid|high|superior|excellent|good"
)
_EN_DOWN = (
    r"reduc|decreas|lower|minimi[sz]|less|sav|cut|eliminat|avoid|prevent|mitigat|suppress|fewer|shorten|"
    r"low|limit|lessen|alleviat|inhibit|free of|without"
)
_EN_GAP = r"\W+(?:[\w-]+\W+){0,4}?"  # up to four words between verb and noun ("improves the overall accuracy")


@dataclass(frozen=True)
class EffectTerm:
    id: str
    zh: str
    en: str
    patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict, compare=False, repr=False)
    # per key, one search for any of the term's nouns/phrases, which every one of its patterns needs: most texts
    # express a few of the terms, and this rules the others out with one search instead of up to five
    prefilters: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def label(self) -> str:
        return f"{self.zh} ({self.en})"


@dataclass(frozen=True)
class EffectMatch:
    term: EffectTerm
    phrase: str  # the text that matched
    kind: str  # up / down / also / problem


def _alternatives(items: list[str]) -> str:
    return "|".join(f"(?:{item})" for item in items)


def _compile_term(raw: dict) -> EffectTerm:
    patterns: dict[str, list[re.Pattern[str]]] = {"zh": [], "en": [], "zh_problem": []}
    if raw.get("zh_up"):
        nouns = _alternatives(raw["zh_up"])
        patterns["zh"].append(re.compile(f"(?:{_ZH_UP})了?{_ZH_GAP}(?:{nouns})"))
        patterns["zh"].append(re.compile(f"(?:{nouns}){_ZH_GAP}(?:{_ZH_UP_AFTER})"))
    if raw.get("zh_down"):
        nouns = _alternatives(raw["zh_down"])
        patterns["zh"].append(re.compile(f"(?:{_ZH_DOWN})了?{_ZH_GAP}(?:{nouns})"))
        patterns["zh"].append(re.compile(f"(?:{nouns}){_ZH_GAP}(?:{_ZH_DOWN_AFTER})"))
    if raw.get("zh_also"):
        patterns["zh"].append(re.compile(_alternatives(raw["zh_also"])))
    if raw.get("zh_problem"):
        patterns["zh_problem"].append(re.compile(_alternatives(raw["zh_problem"])))
    if raw.get("en_up"):
        nouns = _alternatives(raw["en_up"])
        patterns["en"].append(re.compile(rf"\b(?:{_EN_UP})\w*{_EN_GAP}(?:{nouns})", re.IGNORECASE))
        patterns["en"].append(re.compile(rf"\b(?:{nouns})\w*\W+(?:[\w-]+\W+){{0,3}}?(?:{_EN_UP})\w*", re.IGNORECASE))
    if raw.get("en_down"):
        nouns = _alternatives(raw["en_down"])
        patterns["en"].append(re.compile(rf"\b(?:{_EN_DOWN})\w*{_EN_GAP}(?:{nouns})", re.IGNORECASE))
        patterns["en"].append(re.compile(rf"\b(?:{nouns})\w*\W+(?:[\w-]+\W+){{0,3}}?(?:{_EN_DOWN})\w*", re.IGNORECASE))
    if raw.get("en_also"):
        patterns["en"].append(re.compile(rf"\b(?:{_alternatives(raw['en_also'])})", re.IGNORECASE))
    prefilters = {}
    zh_nouns = [*raw.get("zh_up", []), *raw.get("zh_down", []), *raw.get("zh_also", [])]
    if zh_nouns:
        prefilters["zh"] = re.compile(_alternatives(zh_nouns))
    en_nouns = [*raw.get("en_up", []), *raw.get("en_down", []), *raw.get("en_also", [])]
    if en_nouns:
        prefilters["en"] = re.compile(_alternatives(en_nouns), re.IGNORECASE)
    return EffectTerm(id=raw["id"], zh=raw["zh"], en=raw["en"], patterns={k: tuple(v) for k, v in patterns.items()},
                      prefilters=prefilters)


class EffectVocabulary:
    """The loaded vocabulary: look terms up by id, match phrases onto terms."""

    def __init__(self, terms: list[EffectTerm]) -> None:
        self.terms = terms
        self._by_id = {term.id: term for term in terms}

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, term_id: str) -> EffectTerm:
        return self._by_id[term_id]

    def match(self, text: str, language: str, *, problem: bool = False) -> list[EffectMatch]:
        """Every term that `text` expresses, in vocabulary order, with the phrase that showed it.

        `problem=True` reads `text` as a problem statement: only the `zh_problem` phrases apply (a problem that says
        成本高 implies the effect 降低成本, but its other words — e.g. 提高 in 如何提高… — would mislead).
        """
        key = "zh_problem" if problem and language == "zh" else ("zh" if language == "zh" else "en")
        if problem and language != "zh":
            key = "en"  # English problem statements name the defect with the same nouns ("high cost", "noise")
        found: list[EffectMatch] = []
        for term in self.terms:
            prefilter = term.prefilters.get(key)
            if prefilter is not None and not prefilter.search(text):
                continue
            for pattern in term.patterns.get(key, ()):
                hit = pattern.search(text)
                if hit:
                    found.append(EffectMatch(term, hit.group(0), "problem" if problem else "effect"))
                    break
        return found


def _default_path() -> Path:
    return Path(str(resources.files("lingxi.tagging").joinpath("data/effects.yaml")))


@lru_cache(maxsize=4)
def load_effect_vocabulary(path: Path | None = None) -> EffectVocabulary:
    """The vocabulary from `path` (default: the shipped data/effects.yaml); cached per path."""
    data = yaml.safe_load((path or _default_path()).read_text(encoding="utf-8"))
    terms = [_compile_term(raw) for raw in data["terms"]]
    ids = [term.id for term in terms]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate effect term ids in {path or _default_path()}")
    return EffectVocabulary(terms)
