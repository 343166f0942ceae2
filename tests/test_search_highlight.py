"""Highlighting's shortcuts give exactly what folding every text would: the character class of lingxi.search.highlight
is checked against the whole of Unicode, and marked snippets stay HTML-safe whatever the text holds."""

from __future__ import annotations

import random
import re

from lingxi.search.highlight import (
    _FOLD_TABLE,
    FOLDS_INTO_CJK,
    Highlighter,
    _best_window,
    _may_fold_into_cjk,
    _merge,
)

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


def test_one_term_shortcut_marks_what_the_general_path_does():
    # A lone Chinese term is found and marked with str methods (Highlighter._single); the general path (spans,
    # merge, escape) must give the same snippet for any text: back-to-back and windowed hits, HTML, control
    # characters, characters that fold into Chinese ones, and terms that can overlap themselves (no shortcut).
    rnd = random.Random(3)
    alphabet = list("光伏板啊&<>\"' a\n") + ["\x00", "\x01", "\uf9b1", "㊀", "⼀", "\U0002f800"]
    for terms in (["光伏"], ["光"], ["伏板"], ["光伏板光"], ["啊啊"], ["一种"]):
        fast = Highlighter(terms)
        general = Highlighter(terms)
        general._single = None  # the general path, as for several terms
        for _ in range(3000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 50)))
            width = rnd.choice([None, 5, 12, 30, 240])
            assert fast.mark(text, width) == general.mark(text, width), (terms, text, width)
            assert fast.spans(text) == general.spans(text), (terms, text)
    assert Highlighter(["啊啊"])._single is None  # occurrences overlap (啊啊啊): merged by the general path
    assert Highlighter(["光伏"]).mark("光伏光伏<板>") == "<mark>光伏光伏</mark>&lt;板&gt;"


def test_best_window_is_the_first_start_with_the_most_spans_inside():
    rnd = random.Random(5)
    for _ in range(2000):
        cuts = sorted(rnd.sample(range(200), rnd.choice([2, 4, 6, 10])))
        spans = _merge([(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)])
        width = rnd.randint(1, 80)
        counts = [sum(1 for s, e in spans if s >= start and e <= start + width) for start, _ in spans]
        best = spans[max(range(len(spans)), key=lambda i: (counts[i], -i))][0] if max(counts) else spans[0][0]
        expected = max(0, min(best - width // 5, 200 - width))
        assert _best_window(spans, 200, width) == (expected, min(200, expected + width))


def test_the_quick_fold_check_agrees_with_the_character_class():
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = "光伏" + chr(code) + "a"
        assert _may_fold_into_cjk(text) == bool(FOLDS_INTO_CJK.search(text)), f"U+{code:04X}"
    assert not _may_fold_into_cjk("\ud800光伏")  # a lone surrogate (bad data) is no error
