"""IPC patterns as concordance tables write them, matched against a patent's codes.

Forms understood (all compared on the canonical code of lingxi.search.fields.normalise_class_code):
  H01M            a subclass: every code in it
  H01M10, H01M10/00   a main group: every subgroup of it
  H01M10/052      a subgroup and the subgroups numbered below it (H01M10/0525): the usual digit-prefix reading
                  of the IPC's dot hierarchy, as concordance tables are applied in practice
  G06F40*, H01M10/05*, H04N3/%   wildcards (CNIPA writes *, WIPO's table writes SQL's %)
Exclusions ("(不含 …)" in the CNIPA table) use the same forms and veto a match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingxi.search.fields import normalise_class_code


def canonical_pattern(pattern: str) -> str:
    text = re.sub(r"\s+", "", pattern.replace("%", "*")).upper()
    if "*" in text:
        head, star, _ = text.partition("*")
        # zero padding inside the head (H01M010/*) must go, like normalise_class_code does for codes
        head = re.sub(r"^([A-H]\d{2}[A-Z])0+(\d)", r"\1\2", head)
        return head + "*"
    return normalise_class_code(text)


@lru_cache(maxsize=20000)
def pattern_regex(pattern: str) -> re.Pattern:
    text = canonical_pattern(pattern)
    if "*" in text:
        return re.compile("^" + re.escape(text[:-1]) + ".*$")
    main, slash, sub = text.partition("/")
    if slash:
        if not sub.strip("0"):  # H01M10/00: the whole main group
            return re.compile("^" + re.escape(main) + "(/.*)?$")
        return re.compile("^" + re.escape(text) + r"\d*$")
    if re.fullmatch(r"[A-H]\d{2}[A-Z]\d+", main):  # H01M10: a main group
        return re.compile("^" + re.escape(main) + "(/.*)?$")
    return re.compile("^" + re.escape(main) + ".*$")  # section, class or subclass


def matches(code: str, pattern: str) -> bool:
    return bool(pattern_regex(pattern).match(normalise_class_code(code)))


def first_match(code: str, patterns: list[str], exclusions: list[str]) -> str | None:
    """The first pattern that matches `code`, or None (also when an exclusion vetoes it)."""
    canonical = normalise_class_code(code)
    for exclusion in exclusions:
        if pattern_regex(exclusion).match(canonical):
            return None
    for pattern in patterns:
        if pattern_regex(pattern).match(canonical):
            return pattern
    return None
