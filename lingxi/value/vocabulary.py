"""The value indicators Lingxi computes and the three value dimensions, with their Chinese and English names.

One place for the vocabulary: profiles are validated against it, the API and the pages label with it.
"""

from __future__ import annotations

DIMENSIONS = {
    "legal": ("法律价值", "Legal value"),
    "technical": ("技术价值", "Technical value"),
    "economic": ("经济价值", "Economic value"),
}

# key → (中文, English, what it measures)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "scope": ("保护范围（IPC小类数）", "Patent scope", "distinct IPC 4-character subclasses (Lerner 1994)"),
    "family_size": ("同族规模", "Family size", "patent offices in the priority family"),
    "claims": ("权利要求数", "Claims", "number of claims"),
    "forward_citations": ("被引次数（5年）", "Forward citations (5 y)",
                          "citations received within N years of publication, family equivalents counted once"),
    "backward_citations": ("引用专利数", "Backward citations", "patent references made"),
    "npl_citations": ("引用非专利文献数", "Non-patent literature citations", "NPL references (science linkage)"),
    "generality": ("通用性", "Generality", "1 − Σ s², s = share of citations received from each IPC subclass"),
    "originality": ("原创性", "Originality", "1 − Σ s², s = share of citations made to each IPC subclass"),
    "radicalness": ("激进性", "Radicalness", "share of cited patents' IPC subclasses not among the patent's own"),
    "grant_lag_days": ("授权周期（天）", "Grant lag (days)", "days from filing to grant; shorter is better"),
    "age_years": ("专利年龄（年）", "Age (years)", "years since filing"),
    "years_in_force": ("维持年限（年）", "Years in force", "years a granted patent has been kept in force"),
    "legal_status": ("法律状态", "Legal status", "in force 1, pending 0.5, lapsed 0"),
    "remaining_term_years": ("剩余保护期（年）", "Remaining term (years)", "statutory term left"),
    "invalidation_events": ("无效宣告次数", "Invalidation events", "invalidation decisions recorded"),
    "transfer_events": ("转让次数", "Transfers", "recorded transfers of the patent right"),
    "licence_events": ("许可备案次数", "Licences", "recorded licence contracts"),
    "pledge_events": ("质押次数", "Pledges", "recorded pledge registrations"),
    "open_licence_events": ("开放许可声明", "Open licence declarations", "open licence declarations"),
    "chain_growth": ("产业链节点申请增速", "Chain-node filing growth",
                     "growth of filings on the patent's industry-chain nodes over recent years"),
    "platform_transactions": ("平台交易次数", "Platform transactions",
                              "market deals on the platform (§6), signed or later, not cancelled"),
}


def indicator_label(key: str, language: str = "zh") -> str:
    zh, en, _ = INDICATORS.get(key, (key, key, ""))
    return zh if language == "zh" else en
