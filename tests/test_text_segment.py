"""Segmentation and language detection on real Chinese patent titles (../shared/data/cn_patents_dev)."""

from __future__ import annotations

import json

import pytest

from lingxi.text import detect_language, normalise, segment, segment_for_index
from lingxi.text.segment import add_terms


@pytest.fixture(scope="module")
def cn_titles(shared_data) -> dict[str, str]:
    titles = {}
    with (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            titles[row["title"]] = row["abstract"]
    return titles


def test_real_titles_segment_into_words(cn_titles):
    title = "一种水性隔热反射涂料及其制备方法"
    assert title in cn_titles  # a real title from the sample
    assert segment(title) == ["一种", "水性", "隔热", "反射", "涂料", "及其", "制备", "方法"]


def test_every_real_title_segments_losslessly_apart_from_punctuation(cn_titles):
    # whatever the cut, the tokens put together again are the title without punctuation/whitespace (lower-cased)
    for title in list(cn_titles)[:500]:
        tokens = segment(title)
        assert tokens, title
        assert all(token.strip() for token in tokens)
        joined = "".join(tokens)
        kept = "".join(ch for ch in normalise(title).lower() if ch.isalnum())
        assert joined == kept, title


def test_domain_terms_stay_whole_and_index_adds_subwords():
    assert "锂离子电池" in segment("一种锂离子电池隔膜的制备方法")
    assert "静电纺丝" in segment("采用静电纺丝技术制备纳米纤维")
    indexed = segment_for_index("一种锂离子电池隔膜")
    assert {"锂离子电池", "锂离子", "电池", "隔膜"} <= set(indexed)


def test_added_terms_change_segmentation():
    assert "灵犀专利池" not in segment("加入灵犀专利池的企业")
    add_terms(["灵犀专利池"])
    assert "灵犀专利池" in segment("加入灵犀专利池的企业")


def test_traditional_input_gives_simplified_tokens():
    assert segment("鋰離子電池隔膜的製備方法") == segment("锂离子电池隔膜的制备方法")
    assert segment("一種風力發電裝置") == segment("一种风力发电装置")


def test_english_lower_cased_and_punctuation_dropped():
    assert segment("A Lithium-ion Battery, with LiFePO4 cathode (3.5 V)!") == [
        "a",
        "lithium",
        "ion",
        "battery",
        "with",
        "lifepo4",
        "cathode",
        "3.5",
        "v",
    ]


def test_full_width_and_mixed_script():
    assert segment("基于ＬＥＤ的５Ｇ模块") == ["基于", "led", "的", "5g", "模块"]
    assert segment("") == [] and segment("，。！") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("一种耐磨、抗粘钢复合涂层、制备方法及应用", "zh"),
        ("基于LiFePO4的正极材料", "zh"),
        ("焊材成分：0.02～0.04％C，16～19％Cr，1.2～1.6％Mn，余量为Fe", "zh"),
        ("鋰離子電池隔膜", "zh"),
        ("Step-down converter maintaining stable operation at start up", "en"),
        ("リチウムイオン電池の製造方法", "ja"),
        ("리튬 이온 전지", "ko"),
        ("12345 / 678", "und"),
        ("", "und"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_real_abstracts_are_detected_as_chinese(cn_titles):
    abstracts = list(cn_titles.values())[:300]
    assert sum(detect_language(a) == "zh" for a in abstracts) == len(abstracts)
