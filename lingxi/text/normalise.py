"""Text normalisation shared by indexing, querying and embedding.

Traditional → Simplified conversion uses the OpenCC tables shipped inside `opencc-python-reimplemented` (no download).
Its pure-Python converter costs ~0.3 ms per abstract — three times the segmentation itself — so it only runs when the
text holds at least one character that the Traditional→Simplified table would change.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values and key not in values.split():
            chars.add(key)
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional Chinese → Simplified; text without Traditional characters is returned unchanged (fast path)."""
    if _traditional_chars().isdisjoint(text):
        return text
    return _t2s().convert(text)


def normalise(text: str) -> str:
    """NFKC (full-width letters/digits → ASCII, ％ → %) then Traditional → Simplified."""
    if not text:
        return ""
    return to_simplified(unicodedata.normalize("NFKC", text))
