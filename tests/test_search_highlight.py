"""Highlighting's shortcuts give exactly what folding every text would: the character class of lingxi.search.highlight
is checked against the whole of Unicode, and marked snippets stay HTML-safe whatever the text holds."""

from __future__ import annotations

import re

from lingxi.search.highlight import _FOLD_TABLE, FOLDS_INTO_CJK, Highlighter

UNIFIED = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def test_every_character_folding_into_a_chinese_character_is_known():
    missing = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = _FOLD_TABLE[code]
        if UNIFIED.match(char):
            assert folded == char, f"U+{code:04X} is a unified ideograph but folds to {folded!r}"
        elif UNIFIED.match(folded) and not FOLDS_INTO_CJK.match(char):
            missing.append(f"U+{code:04X}")
    assert not missing, f"fold into unified CJK but FOLDS_INTO_CJK misses them: {missing}"


def test_compatibility_forms_are_still_marked():
    marker = Highlighter(["光伏"])
    # U+F9B1 (a compatibility form of 鈴) is not 光; ㊀ (circled 一) folds to 一 — neither breaks the match beside it
    assert marker.mark("\uf9b1光伏板") == "\uf9b1<mark>光伏</mark>板"
    one = Highlighter(["一种"])
    assert one.mark("㊀种电池") == "<mark>㊀种</mark>电池"  # found through the folded copy, marked in the original
    assert one.mark("⼀种") == "<mark>⼀种</mark>"  # KANGXI RADICAL ONE


def test_marks_are_html_safe_whatever_the_text_holds():
    marker = Highlighter(["电池"])
    assert marker.mark('<b>"电池"</b> & \'x\'') == \
        "&lt;b&gt;&quot;<mark>电池</mark>&quot;&lt;/b&gt; &amp; &#x27;x&#x27;"
    assert marker.mark("a\x00<电池>\x01") == "a\x00&lt;<mark>电池</mark>&gt;\x01"  # control characters kept as they were
    window = marker.mark("前" * 300 + "<电池>" + "后" * 300, width=20)
    assert window.startswith("…") and window.endswith("…") and "&lt;<mark>电池</mark>&gt;" in window
    latin = Highlighter(["battery"])
    assert latin.mark("Ｂattery <packs>") == "<mark>Ｂattery</mark> &lt;packs&gt;"
