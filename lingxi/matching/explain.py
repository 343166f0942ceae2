"""Why a patent matches a demand, in a form a person can check: shared concepts, the passage that answers the
demand (highlighted), taxonomy nodes both sit on, IPC codes, holder type, maturity, licence availability, and the
feature contributions behind the rank, in words (Chinese and English).

Computed for the shown matches only (top k), never for every candidate.
"""

from __future__ import annotations

import re

from lingxi.search.highlight import Highlighter

LICENCE_TEXTS = {
    None: ("未知：挂牌/开放许可模块未安装", "unknown: the listing / open-licence module is not installed"),
    "open_licence": ("开放许可：可按公告条件直接取得许可", "open licence: a licence on the published terms, no negotiation"),
    "listed": ("已挂牌：可询价洽谈", "listed on the market: enquire and negotiate"),
    "none": ("未挂牌、未开放许可：需与权利人协商", "neither listed nor under open licence: negotiate with the holder"),
}


def licence_text(status: str | None) -> dict:
    zh, en = LICENCE_TEXTS.get(status, LICENCE_TEXTS[None])
    return {"status": status or "unknown", "zh": zh, "en": en}

FEATURE_WORDS = {  # feature → (Chinese, English) phrase used in "why this rank"
    "semantic": ("语义相似", "semantic similarity"),
    "semantic_view": ("需求中某一句与专利高度相似", "one sentence of the demand is very close"),
    "second_opinion": ("第二模型（USE）也判为语义相似", "a second model (USE) also finds it semantically close"),
    "translated_semantic": ("需求词典译成中文后语义相似", "semantic similarity of the demand's dictionary translation"),
    "keyword": ("关键词相关度", "keyword relevance (BM25)"),
    "concepts": ("共有概念", "shared concepts"),
    "effects": ("共同的功能效果", "shared functional effects"),
    "taxonomy": ("分类节点一致", "same taxonomy node"),
    "maturity": ("成熟度符合要求", "maturity fits the wanted TRL"),
    "value": ("价值等级", "value grade"),
    "holder": ("权利人类型（高校/院所/国企优先）", "holder type (universities, institutes, SOEs first)"),
    "region": ("地区一致", "same region"),
    "feedback": ("用户反馈", "user feedback"),
    "licence": ("许可可得性（挂牌/开放许可）", "licence availability (listed / open licence)"),
}

_ZH_SENTENCE = re.compile(r"(?<=[。！？；;!?])")
_EN_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def sentences(text: str) -> list[str]:
    if not text:
        return []
    parts = _ZH_SENTENCE.split(text)
    out = []
    for part in parts:
        out.extend(piece for piece in _EN_SENTENCE.split(part) if piece.strip())
    return [piece.strip() for piece in out if piece.strip()]


def best_passages(title: str, abstract: str, shared: list[str], weights: dict[str, float],
                  effect_phrases: list[str], limit: int = 2) -> list[dict]:
    """The abstract sentences that carry the most of the demand's (IDF-weighted) words, highlighted; with no shared
    word (a cross-lingual match), the sentence stating a shared effect, else the abstract's lead sentence."""
    highlighter = Highlighter(shared) if shared else None
    scored = []
    for position, sentence in enumerate(sentences(abstract)):
        folded = sentence.lower()
        score = sum(weights.get(word, 1.0) for word in shared if word in folded)
        if score > 0:
            scored.append((score, position, sentence))
    scored.sort(key=lambda item: (-item[0], item[1]))
    passages = []
    for score, _, sentence in scored[:limit]:
        marked = highlighter.mark(sentence, width=None) if highlighter else None
        passages.append({"field": "abstract", "text": marked or _escape(sentence), "how": "shared words",
                         "score": round(score, 2)})
    if passages:
        if highlighter and (marked_title := highlighter.mark(title, width=None)) and "<mark>" in marked_title:
            passages.insert(0, {"field": "title", "text": marked_title, "how": "shared words", "score": None})
        return passages
    for phrase in effect_phrases:
        for sentence in sentences(abstract):
            if phrase and phrase in sentence:
                marked = _escape(sentence).replace(_escape(phrase), f"<mark>{_escape(phrase)}</mark>", 1)
                return [{"field": "abstract", "text": marked, "how": "shared effect", "score": None}]
    lead = sentences(abstract)[:1] or [title]
    return [{"field": "abstract" if abstract else "title", "text": _escape(lead[0][:300]), "how": "lead sentence",
             "score": None}]


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def reasons(contributions: dict[str, float], features: dict[str, float | None], rank: int) -> list[dict]:
    """Each feature's share of the score, largest first, in words."""
    out = []
    for name, contribution in sorted(contributions.items(), key=lambda item: -abs(item[1])):
        if abs(contribution) < 0.005:
            continue
        zh, en = FEATURE_WORDS.get(name, (name, name))
        value = features.get(name)
        sign = "+" if contribution >= 0 else "−"
        out.append({"feature": name, "value": None if value is None else round(value, 3),
                    "contribution": round(contribution, 4),
                    "zh": f"{zh} {sign}{abs(contribution):.3f}", "en": f"{en} {sign}{abs(contribution):.3f}"})
    return out


def why_this_rank(rank: int, items: list[dict], unknown: list[str]) -> dict:
    top = items[:3]
    zh = f"第 {rank} 名，主要因为：" + "；".join(item["zh"] for item in top) if top else f"第 {rank} 名"
    en = f"Rank {rank}, mainly for " + "; ".join(item["en"] for item in top) if top else f"Rank {rank}"
    if unknown:
        names_zh = "、".join(FEATURE_WORDS.get(n, (n, n))[0] for n in unknown)
        names_en = ", ".join(FEATURE_WORDS.get(n, (n, n))[1] for n in unknown)
        zh += f"（未知、未计入：{names_zh}）"
        en += f" (unknown, not counted: {names_en})"
    return {"zh": zh, "en": en}
