"""Second stage of a match: what is known about each candidate, read with one query per kind (set-based), and the
feature values the ranking combines (all in 0…1 unless said otherwise; None = unknown, contributes nothing).

Relevance features: `semantic` (e5 cosine, centred on its language's baseline, relative to the best candidate),
`semantic_view` (the same for the demand's best-matching sentence), `keyword` (BM25 relative to the best), `concepts`
(IDF-weighted share of the demand's words present in the patent's title and abstract), `effects` (shared effect
terms of data/effects.yaml: 降低成本 in a Chinese patent meets "reduce cost" in an English demand).
Fit features: `taxonomy` (the demand's taxonomy nodes against the patent's PatentTag nodes), `maturity` (patent TRL
against the wanted TRL range), `value` (value grade, when lingxi.value grades patents), `holder` (universities,
institutes and SOEs first, as the seeds ask), `region`, `licence` (open licence 1, approved listing 0.8, neither 0,
from lingxi.market when it is installed; unknown — None, and said so — without it).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lingxi.db.models import Party, Patent, PatentAnnotation, PatentClassification, PatentParty, PatentTag

OWNER_ROLES = ("applicant", "assignee")
ANNOTATIONS = ("pme", "trl")
PREFERRED_HOLDERS = {"university": 1.0, "institute": 1.0, "soe": 0.8, "hospital": 0.5, "enterprise": 0.3,
                     "other": 0.2, "individual": 0.1, "government": 0.3}


@dataclass
class Holder:
    name: str
    party_type: str | None
    province: str | None
    city: str | None
    party_id: int | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.party_type, "province": self.province, "city": self.city,
                "party_id": self.party_id}


@dataclass
class PatentFactsRow:
    """One candidate's stored facts, as the features and the explanation read them."""

    patent_id: int
    key: str
    external_id: str | None
    publication_number: str | None
    title: str
    abstract: str
    language: str | None
    holders: list[Holder] = field(default_factory=list)
    inventors: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    tags: dict[str, dict[str, float]] = field(default_factory=dict)  # taxonomy → node → confidence
    trl: int | None = None
    effect_terms: list[str] = field(default_factory=list)
    value_grade: str | None = None
    licence: str | None = None  # open_licence | listed | none
    application: str | None = None  # "CN:201910123456.7": the A and the B of one application share it

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.abstract}"

    @property
    def folded(self) -> str:
        """The text normalised (width, Traditional → Simplified) and lower-cased, for substring tests; cached per
        patent and text, because normalising a few hundred abstracts was a tenth of a match's time."""
        return folded_text(self.patent_id, self.text)


def load_facts(session: Session, ids: list[int], tag_nodes: dict[str, dict[str, float]] | None = None,
               inventors: bool = True, annotations=ANNOTATIONS) -> dict[int, PatentFactsRow]:
    """Everything the ranking reads about these patents: `load_texts`, then `load_fit_facts` for all of them."""
    facts = load_texts(session, ids)
    load_fit_facts(session, facts, tag_nodes, inventors, annotations)
    return facts


def load_texts(session: Session, ids: list[int]) -> dict[int, PatentFactsRow]:
    """The candidates' patent rows (numbers, title, abstract, language): all the relevance features read. One
    query, whatever the number of candidates."""
    if not ids:
        return {}
    return {row.id: PatentFactsRow(row.id, row.key, row.external_id, row.publication_number, row.title or "",
                                   row.abstract or "", row.language,
                                   application=f"{row.country}:{row.application_number}"
                                   if row.application_number else None)
            for row in session.connection().execute(
                select(Patent.id, Patent.key, Patent.external_id, Patent.publication_number, Patent.title,
                       Patent.abstract, Patent.language, Patent.country, Patent.application_number)
                .where(Patent.id.in_(ids)))}


def load_fit_facts(session: Session, facts: dict[int, PatentFactsRow],
                   tag_nodes: dict[str, dict[str, float]] | None = None, inventors: bool = True,
                   annotations=ANNOTATIONS) -> None:
    """Fill in what the fit features read — holders, IPC, tags, TRL, effect terms, licence offers, value grade —
    with a fixed number of queries. A ranking can read less, which counts when the rows are not in memory (at 1M
    patents a cold read of ~400 candidates' facts took ~300 ms): `tag_nodes` (taxonomy → nodes) reads only the
    tags at those nodes, all a ranking compares; `inventors` False reads none (they rank nothing); `annotations`
    names the kinds to read ("trl" counts only against a wanted TRL range, "pme" only for a demand naming
    effects). `load_inventors` and `read_annotations` complete the matches shown."""
    if not facts:
        return
    ids = list(facts)
    connection = session.connection()
    for row in connection.execute(
        select(PatentParty.patent_id, PatentParty.role, PatentParty.name, Party.id, Party.party_type,
               Party.province, Party.city)
        .join(Party, Party.id == PatentParty.party_id)
        .where(PatentParty.patent_id.in_(ids),
               PatentParty.role.in_((*OWNER_ROLES, "inventor") if inventors else OWNER_ROLES))
        .order_by(PatentParty.patent_id, PatentParty.sequence, PatentParty.id)
    ):
        item = facts[row.patent_id]
        if row.role == "inventor":
            if row.name not in item.inventors:
                item.inventors.append(row.name)
        elif all(holder.name != row.name for holder in item.holders):
            item.holders.append(Holder(row.name, row.party_type, row.province, row.city, row.id))
    for patent_id, code in connection.execute(
        select(PatentClassification.patent_id, PatentClassification.code)
        .where(PatentClassification.patent_id.in_(ids), PatentClassification.scheme == "ipc")
        .order_by(PatentClassification.patent_id, PatentClassification.sequence)
    ):
        if code not in facts[patent_id].ipc:
            facts[patent_id].ipc.append(code)
    tags = (select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key, PatentTag.confidence)
            .where(PatentTag.patent_id.in_(ids), PatentTag.status != "rejected"))
    if tag_nodes is not None:
        wanted = [and_(PatentTag.taxonomy_name == name, PatentTag.node_key.in_(list(nodes)))
                  for name, nodes in tag_nodes.items() if nodes]
        tags = tags.where(or_(*wanted)) if wanted else None
    for patent_id, taxonomy, node, confidence in connection.execute(tags) if tags is not None else ():
        nodes = facts[patent_id].tags.setdefault(taxonomy, {})
        nodes[node] = max(nodes.get(node, 0.0), float(confidence))
    read_annotations(session, facts, annotations)
    availability = licence_availability(session, ids)
    for patent_id, item in facts.items():
        item.licence = availability.get(patent_id, "none")
    for patent_id, grade in value_grades(session, ids).items():
        facts[patent_id].value_grade = grade


def read_annotations(session: Session, facts: dict[int, PatentFactsRow], kinds=ANNOTATIONS) -> None:
    """Fill in the patents' TRL ("trl") and PME effect terms ("pme") — those two values only, not the whole
    annotation (a PME annotation holds its sentences too)."""
    if not kinds or not facts:
        return
    for patent_id, kind, level, effect_terms in session.connection().execute(
        select(PatentAnnotation.patent_id, PatentAnnotation.kind, PatentAnnotation.data["level"],
               PatentAnnotation.data["effect_terms"])
        .where(PatentAnnotation.patent_id.in_(list(facts)), PatentAnnotation.kind.in_(kinds))
    ):
        item = facts[patent_id]
        if kind == "trl" and level:
            item.trl = int(level)
        elif kind == "pme":
            item.effect_terms = list(effect_terms or [])


def load_inventors(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Patent id → its inventors' names in their order."""
    names: dict[int, list[str]] = {}
    for patent_id, name in session.connection().execute(
        select(PatentParty.patent_id, PatentParty.name)
        .where(PatentParty.patent_id.in_(ids), PatentParty.role == "inventor")
        .order_by(PatentParty.patent_id, PatentParty.sequence, PatentParty.id)
    ):
        if name not in names.setdefault(patent_id, []):
            names[patent_id].append(name)
    return names


def tagged_taxonomies(session: Session, ids: list[int]) -> dict[str, int]:
    """Taxonomy name → how many of these patents carry a tag in it (rejected tags aside)."""
    if not ids:
        return {}
    return dict(session.connection().execute(
        select(PatentTag.taxonomy_name, func.count(func.distinct(PatentTag.patent_id)))
        .where(PatentTag.patent_id.in_(ids), PatentTag.status != "rejected")
        .group_by(PatentTag.taxonomy_name)).all())


# --- licence availability and value grade (lingxi.market, lingxi.value) ----------------------------------------

LICENCE_SCORES = {"open_licence": 1.0, "listed": 0.8, "none": 0.0}
GRADE_SCORES = {"A": 1.0, "B": 0.7, "C": 0.4, "D": 0.1}


def licence_availability(session: Session, ids: list[int]) -> dict[int, str]:
    """Patent id → open_licence | listed for patents on offer now (lingxi.market.availability)."""
    from lingxi.market.availability import licence_availability as lookup

    return dict(lookup(session, ids))


def value_grades(session: Session, ids: list[int]) -> dict[int, str]:
    """Patent id → value grade letter in the licensing scenario, from lingxi.value.service.grade_of (bulk: one
    query per 5,000 ids). Patents without a score have no grade (the feature is then unknown)."""
    from lingxi.value.service import grade_of

    return grade_of(session, list(ids), "licensing")


# --- words and concepts ----------------------------------------------------------------------------------------

STOP_WORDS = frozenset("""
的 了 和 与 及 或 在 对 把 被 让 使 能 能够 可以 可 要 需要 想 想要 希望 我们 我 你 他 它 其 该 这 那 这种 那种 一种 一个 种
个 是 有 没有 不 也 都 就 还 又 很 更 最 比较 用 用于 通过 进行 实现 提供 能否 怎么 怎样 如何 什么 哪些 问题 时候 现在
目前 现有 公司 企业 工厂 我司 产品 技术 方法 装置 系统 设备 本 发明 实用新型 公开 涉及 包括 所述 一 二 三 等 上 下 中 内 外
a an the of to and or for in on at by with from as is are be we our us you it its this that these those
need needs want wants looking look find some any can could would should how what which who whose into than then
so such not no more most less very also use used using make makes made get gets device method system product
company factory problem way ways new better
""".split())


def query_terms(text: str) -> list[str]:
    """The demand's content words (segmented, no stop words, no single Latin letters or digits)."""
    from lingxi.text.segment import segment

    out = []
    for word in segment(text):
        if word in STOP_WORDS or (len(word) == 1 and (word.isascii() or not word.isalpha())) or word.isdigit():
            continue
        if word not in out:
            out.append(word)
    return out


def idf_weights(search, words: list[str]) -> dict[str, float]:
    """log(N / df) of each word in the keyword index's title/abstract fields (rare words say more)."""
    from lingxi.search.analysis import word_tokens

    index, _ = search.keyword.ensure()
    searcher = index.searcher()
    documents = max(searcher.num_docs, 1)
    weights = {}
    for word in words:
        tokens = word_tokens(word)
        df = max((searcher.doc_freq(f, tokens[0]) for f in ("ti", "ab")), default=0) if tokens else 0
        if df == 0 and len(word) > 1:
            # a word the index cut differently: its character pairs' frequency stands in
            from lingxi.search.analysis import bigram_tokens

            pairs = bigram_tokens(word)
            df = min((max(searcher.doc_freq(f"{f}_bg", p) for f in ("ti", "ab")) for p in pairs), default=0)
        weights[word] = math.log((documents + 1) / (df + 0.5)) if df or documents > 1 else 1.0
        if df > 0.2 * documents:
            weights[word] *= 0.3  # common words rank nothing (as the search service's keyword half says)
    return weights


_folded: OrderedDict[int, tuple[int, str]] = OrderedDict()
_folded_lock = threading.Lock()
FOLDED_CACHE = 100_000  # patents (≈ 60 MB of abstracts at most)


def folded_text(patent_id: int, text: str) -> str:
    from lingxi.text.normalise import normalise

    key = hash(text)
    with _folded_lock:
        cached = _folded.get(patent_id)
        if cached is not None and cached[0] == key:
            _folded.move_to_end(patent_id)
            return cached[1]
    value = normalise(text).lower()
    with _folded_lock:
        _folded[patent_id] = (key, value)
        while len(_folded) > FOLDED_CACHE:
            _folded.popitem(last=False)
    return value


def shared_terms(words: list[str], weights: dict[str, float], text: str, folded: bool = False
                 ) -> tuple[list[str], float]:
    """Words of the demand found in the patent text (substring test on the normalised text, so segmentation
    differences do not hide 电池 inside 锂电池) and their IDF-weighted share of the demand. `folded`: the text is
    normalised and lower-cased already."""
    from lingxi.text.normalise import normalise

    haystack = text if folded else normalise(text).lower()
    total = sum(weights.get(word, 1.0) for word in words) or 1.0
    found = [word for word in words if word in haystack]
    return found, sum(weights.get(word, 1.0) for word in found) / total


def taxonomy_agreement(demand_nodes: dict[str, dict[str, float]], patent_tags: dict[str, dict[str, float]],
                       depth_of) -> tuple[float | None, list[dict]]:
    """Best agreement between the demand's nodes and the patent's tags: confidence of both × node depth share
    (a shared leaf says more than a shared root). None when the demand has no node (nothing to compare)."""
    if not any(demand_nodes.values()):
        return None, []
    best, shared = 0.0, []
    for taxonomy, nodes in demand_nodes.items():
        tags = patent_tags.get(taxonomy, {})
        for node, confidence in nodes.items():
            if node in tags:
                depth, max_depth = depth_of(taxonomy, node)
                score = min(confidence, tags[node]) * (0.5 + 0.5 * depth / max(max_depth, 1))
                shared.append({"taxonomy": taxonomy, "node": node, "score": round(score, 3)})
                best = max(best, score)
    shared.sort(key=lambda item: -item["score"])
    return best, shared[:3]


def maturity_fit(trl: int | None, wanted_min: int | None, wanted_max: int | None) -> float | None:
    """1 inside the wanted TRL range; falls by a quarter per level below it, by an eighth per level above (a more
    mature technology costs more but still serves). None when either side is unknown."""
    if trl is None or (wanted_min is None and wanted_max is None):
        return None
    low = wanted_min if wanted_min is not None else 1
    high = wanted_max if wanted_max is not None else 9
    if trl < low:
        return max(0.0, 1.0 - 0.25 * (low - trl))
    if trl > high:
        return max(0.0, 1.0 - 0.125 * (trl - high))
    return 1.0


def holder_preference(holders: list[Holder]) -> tuple[float, str | None]:
    """Universities, institutes and SOEs first (the seeds' policy: their patents should flow to SMEs)."""
    best, kind = 0.0, None
    for holder in holders:
        score = PREFERRED_HOLDERS.get(holder.party_type or "other", 0.2)
        if score > best:
            best, kind = score, holder.party_type
    return best, kind


def region_fit(holders: list[Holder], region: str | None) -> float | None:
    if not region:
        return None
    from lingxi.search.fields import region_term

    wanted = region_term(region)
    for holder in holders:
        if wanted in {region_term(holder.province or ""), region_term(holder.city or "")}:
            return 1.0
    return 0.0


def group_by(items, key) -> dict:
    grouped = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped
