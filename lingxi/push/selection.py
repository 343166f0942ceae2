"""Which subscriptions a batch of new items matches — one pass per subscription kind, never one query per pair.

- chain node: the items' patents' tags (PatentTag, not rejected) on the node or any node below it, read in one
  query per few thousand items and looked up per subscription in memory;
- keywords: the new items' patents are indexed into a small in-memory Tantivy index (the same documents and the
  same query compiler as patent search), and each distinct query runs once against it — so the field query
  language means the same thing in a subscription as on the search page, and the main index need not be caught up;
- demand: the demand's text is embedded once and the vector kept (SubscriptionVector, re-embedded only when the
  text or the model changes); the new patents' vectors come from the semantic index when it holds them, else are
  embedded here; one matrix product (items × demands) gives every cosine, and a match is a cosine at or above
  `push_demand_min_score`.

Each subscription gets at most `push_max_per_subscription` items per run, best first.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db import Database, in_batches
from lingxi.db.models import Party, PartyAlias, PatentTag, Subscription, SubscriptionVector
from lingxi.push.demands import demand_texts
from lingxi.push.items import PushItem
from lingxi.settings import Settings

BACKGROUND_SIZE = 2_000  # stored vectors that tell where a demand's closest answers begin
BACKGROUND_MIN = 64  # fewer than this: the fixed floor alone decides


@dataclass(frozen=True)
class SubscriptionView:
    """The columns of an active subscription a run needs (10k ORM objects would cost more than the matching)."""

    id: int
    user_id: int
    organisation_id: int | None
    name: str
    kind: str
    demand_id: int | None
    taxonomy_name: str | None
    node_key: str | None
    query: str | None
    item_types: tuple[str, ...]
    email: str | None
    webhook_url: str | None


@dataclass
class Match:
    subscription: SubscriptionView
    item: PushItem
    score: float
    evidence: dict


@dataclass
class Selection:
    matches: list[Match] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def active_subscriptions(session: Session) -> list[SubscriptionView]:
    rows = session.execute(
        select(Subscription.id, Subscription.user_id, Subscription.organisation_id, Subscription.name,
               Subscription.kind, Subscription.demand_id, Subscription.taxonomy_name, Subscription.node_key,
               Subscription.query, Subscription.item_types, Subscription.email, Subscription.webhook_url)
        .where(Subscription.active.is_(True)).order_by(Subscription.id)
    )
    return [SubscriptionView(*row[:9], tuple(row.item_types or ()), row.email, row.webhook_url) for row in rows]


def select_matches(settings: Settings, db: Database, session: Session, items: list[PushItem],
                   subscriptions: list[SubscriptionView]) -> Selection:
    result = Selection()
    cap = max(1, settings.push_max_per_subscription)
    by_kind: dict[str, list[SubscriptionView]] = defaultdict(list)
    for sub in subscriptions:
        by_kind[sub.kind].append(sub)
    # items a subscription may receive: its item types, about a patent (selection reads the patent)
    wanted_types = {t for sub in subscriptions for t in sub.item_types}
    items = [item for item in items if item.item_type in wanted_types and item.patent_id is not None]
    if not items:
        return result
    stages = (("chain_node", _chain_matches), ("keywords", _keyword_matches), ("demand", _demand_matches))
    for kind, stage in stages:
        subs = by_kind.get(kind)
        if not subs:
            continue
        started = time.perf_counter()
        result.matches.extend(stage(settings, db, session, items, subs, cap, result))
        # the demand stage times its embedding parts itself: select_demand is the matching alone
        inner = sum(result.timings.get(name, 0.0) for name in ("demand_vectors", "item_vectors")) \
            if kind == "demand" else 0.0
        result.timings[f"select_{kind}"] = round(time.perf_counter() - started - inner, 4)
    return result


def _by_patent(items: list[PushItem]) -> dict[int, list[PushItem]]:
    out: dict[int, list[PushItem]] = defaultdict(list)
    for item in items:
        out[item.patent_id].append(item)
    return out


def _best(candidates: Iterable[tuple[float, PushItem, dict]], sub: SubscriptionView, cap: int) -> list[Match]:
    allowed = [(score, item, evidence) for score, item, evidence in candidates if item.item_type in sub.item_types]
    allowed.sort(key=lambda c: (-c[0], c[1].item_type, c[1].item_id))
    return [Match(sub, item, float(score), evidence) for score, item, evidence in allowed[:cap]]


# --- chain node ----------------------------------------------------------------------------------------------------

def _chain_matches(settings, db, session, items, subs, cap, result: Selection) -> list[Match]:
    from lingxi.tagging.store import load_taxonomy

    patents = _by_patent(items)
    names = sorted({sub.taxonomy_name for sub in subs if sub.taxonomy_name})
    tagged: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)  # (taxonomy, node) → {patent: confidence}
    for chunk in in_batches(sorted(patents)):
        for patent_id, taxonomy, node, confidence in session.execute(
            select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key, PatentTag.confidence)
            .where(PatentTag.patent_id.in_(chunk), PatentTag.taxonomy_name.in_(names),
                   PatentTag.status != "rejected")
        ):
            bucket = tagged[(taxonomy, node)]
            bucket[patent_id] = max(confidence, bucket.get(patent_id, 0.0))
    below: dict[tuple[str, str], set[str]] = {}  # a node and every node under it
    trees = {name: load_taxonomy(session, name) for name in names}
    matches = []
    for sub in subs:
        key = (sub.taxonomy_name, sub.node_key)
        if key not in below:
            below[key] = _subtree(trees.get(sub.taxonomy_name), sub.node_key)
        found: dict[int, tuple[float, str]] = {}
        for node in below[key]:
            for patent_id, confidence in tagged.get((sub.taxonomy_name, node), {}).items():
                if confidence > found.get(patent_id, (-1.0, ""))[0]:
                    found[patent_id] = (confidence, node)
        candidates = ((confidence, item, {"kind": "chain_node", "taxonomy": sub.taxonomy_name, "node": node,
                                          "confidence": round(confidence, 3)})
                      for patent_id, (confidence, node) in found.items() for item in patents[patent_id])
        matches.extend(_best(candidates, sub, cap))
    return matches


def _subtree(taxonomy, node_key: str | None) -> set[str]:
    if taxonomy is None or node_key not in getattr(taxonomy, "by_key", {}):
        return {node_key} if node_key else set()
    children: dict[str | None, list[str]] = defaultdict(list)
    for node in taxonomy.nodes:
        children[node.parent].append(node.key)
    out, stack = set(), [node_key]
    while stack:
        key = stack.pop()
        if key not in out:
            out.add(key)
            stack.extend(children.get(key, ()))
    return out


# --- keywords ------------------------------------------------------------------------------------------------------

def _keyword_matches(settings, db, session, items, subs, cap, result: Selection) -> list[Match]:
    import tantivy

    from lingxi.search.compile import QueryCompiler
    from lingxi.search.documents import load_documents
    from lingxi.search.keyword import build_schema
    from lingxi.search.query import QuerySyntaxError, parse_query

    patents = _by_patent(items)
    index = tantivy.Index(build_schema())  # in memory: only this run's new patents
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    for chunk in in_batches(sorted(patents)):
        for document in load_documents(session, chunk):
            writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    compiler = QueryCompiler(index.schema, lambda name: _party_ids(session, name))
    hits_of: dict[str, list[tuple[float, int]]] = {}  # subscriptions often share a query: run each once
    matches = []
    for sub in subs:
        if sub.query not in hits_of:
            try:
                query = compiler.compile(parse_query(sub.query or ""))
            except QuerySyntaxError as error:  # validated when saved; a grammar change must not stop the run
                result.notes.append(f"subscription {sub.id}: query no longer readable ({error}); skipped")
                hits_of[sub.query] = []
                continue
            found = searcher.search(query, cap * 3)  # a few more than the cap: some items may be of other types
            hits_of[sub.query] = [(float(score), searcher.doc(address)["id"][0]) for score, address in found.hits]
        candidates = ((score, item, {"kind": "keywords", "query": sub.query, "score": round(score, 3)})
                      for score, patent_id in hits_of[sub.query] for item in patents.get(patent_id, ()))
        matches.extend(_best(candidates, sub, cap))
    return matches


def _party_ids(session: Session, name: str) -> list[int]:
    """AP=… in a subscription finds every spelling of the organisation, as search does (party clusters)."""
    from lingxi.parties.names import has_cjk, looks_like_person, org_cluster_key, person_key

    name = name.strip()
    if not name:
        return []
    person = looks_like_person(name) and not has_cjk(name)
    key, kind = (person_key(name), "person") if person else (org_cluster_key(name), "organisation")
    ids = set(session.scalars(select(Party.id).where(Party.kind == kind, Party.cluster_key == key)))
    ids.update(session.scalars(select(PartyAlias.party_id).where(PartyAlias.name == name)))
    return sorted(ids)


# --- demand --------------------------------------------------------------------------------------------------------

def _demand_matches(settings, db, session, items, subs, cap, result: Selection) -> list[Match]:
    try:
        embedder = _embedder()
    except Exception as error:  # noqa: BLE001 - no model: the other kinds still push
        result.notes.append(f"demand subscriptions skipped: embedding model not available ({error})")
        return []
    started = time.perf_counter()
    demand_vectors = demand_subscription_vectors(session, embedder, subs)
    result.timings["demand_vectors"] = round(time.perf_counter() - started, 4)
    live = [sub for sub in subs if sub.id in demand_vectors]
    if not live:
        return []
    patents = _by_patent(items)
    patent_ids = sorted(patents)
    started = time.perf_counter()
    item_vectors, embedded_here, background = patent_vectors(settings, db, session, embedder, patent_ids)
    if embedded_here:
        result.notes.append(f"{embedded_here} new patents were not in the semantic index yet: embedded for this run")
    result.timings["item_vectors"] = round(time.perf_counter() - started, 4)
    matrix = np.stack([demand_vectors[sub.id] for sub in live])  # demands × dim
    scores = item_vectors @ matrix.T  # patents × demands: every cosine in one product
    thresholds = demand_thresholds(settings, matrix, background if background is not None else item_vectors)
    matches = []
    for column, sub in enumerate(live):
        rows = np.nonzero(scores[:, column] >= thresholds[column])[0]
        candidates = ((float(scores[row, column]), item,
                       {"kind": "demand", "demand_id": sub.demand_id, "cosine": round(float(scores[row, column]), 4),
                        "threshold": round(float(thresholds[column]), 4)})
                      for row in rows for item in patents[patent_ids[row]])
        matches.extend(_best(candidates, sub, cap))
    return matches


def _embedder():
    from lingxi.text.embedding import default_embedder

    return default_embedder()


def text_key(embedder, text: str) -> str:
    return hashlib.sha256(f"{embedder.name}\n{embedder.version}\n{text}".encode()).hexdigest()


def demand_subscription_vectors(session: Session, embedder, subs: list[SubscriptionView]) -> dict[int, np.ndarray]:
    """{subscription id: vector} — from the cache, embedding (and caching) only new or changed demand texts."""
    texts = demand_texts(session, {sub.demand_id for sub in subs if sub.demand_id is not None})
    wanted = {sub.id: texts[sub.demand_id] for sub in subs if sub.demand_id in texts}
    cached = {row.subscription_id: row for chunk in in_batches(sorted(wanted)) for row in session.scalars(
        select(SubscriptionVector).where(SubscriptionVector.subscription_id.in_(chunk)))}
    out: dict[int, np.ndarray] = {}
    missing: dict[str, list[int]] = defaultdict(list)  # text → subscriptions (one embedding per distinct text)
    for sub_id, text in wanted.items():
        row = cached.get(sub_id)
        if row is not None and row.text_key == text_key(embedder, text):
            out[sub_id] = np.frombuffer(row.vector, dtype=np.float32)
        else:
            missing[text].append(sub_id)
    for text, sub_ids in missing.items():
        vector = np.asarray(embedder.embed_query(text), dtype=np.float32).reshape(-1)
        key = text_key(embedder, text)
        for sub_id in sub_ids:
            out[sub_id] = vector
            row = cached.get(sub_id)
            if row is None:
                session.add(SubscriptionVector(subscription_id=sub_id, text_key=key, vector=vector.tobytes()))
            else:
                row.text_key, row.vector = key, vector.tobytes()
    session.flush()
    return out


def demand_thresholds(settings: Settings, demands: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """Per demand, the cosine a patent must reach: the fixed floor, and closer to the demand than
    `push_demand_min_percentile` % of a background sample of the store. e5 cosines are not calibrated across
    topics (a demand's typical cosine to unrelated patents ranges 0.78–0.85), so the floor alone floods broad topics;
    the percentile makes a push mean "among the store's closest answers to this demand", like a top rank in a
    match list, while the floor keeps a batch with nothing relevant from pushing its least bad patents."""
    floor = np.full(len(demands), settings.push_demand_min_score, dtype=np.float32)
    if background is None or len(background) < BACKGROUND_MIN:
        return floor
    cosines = background @ demands.T  # background × demands
    return np.maximum(floor, np.percentile(cosines, settings.push_demand_min_percentile, axis=0))


def patent_vectors(settings: Settings, db: Database, session: Session, embedder,
                   patent_ids: list[int]) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Vectors of these patents in order — the semantic index's when it has them (same model), else embedded now —
    how many had to be embedded, and a background sample of the stored vectors (None when the index is small)."""
    from lingxi.db.models import Patent
    from lingxi.search.vector_jobs import document_text, vector_manager

    vectors: dict[int, np.ndarray] = {}
    background = None
    try:
        store = vector_manager(settings.indexes_dir, db).store()
        if (store.model, store.model_version) == (embedder.name, embedder.version):
            background = _background(store)
            for index in store.indexes.values():
                for patent_id in patent_ids:
                    if patent_id not in vectors and patent_id in index:
                        vector = index.get(patent_id)
                        if vector is not None:
                            vectors[patent_id] = np.asarray(vector, dtype=np.float32)
    except Exception:  # noqa: BLE001 - an unusable vector index only means embedding here
        pass
    missing = [patent_id for patent_id in patent_ids if patent_id not in vectors]
    if missing:
        texts: dict[int, str] = {}
        for chunk in in_batches(missing):
            for row in session.execute(select(Patent.id, Patent.title, Patent.abstract).where(Patent.id.in_(chunk))):
                texts[row.id] = document_text(row.title, row.abstract)
        embedded = embedder.embed_passages([texts.get(patent_id, "") for patent_id in missing])
        for patent_id, vector in zip(missing, np.asarray(embedded, dtype=np.float32), strict=True):
            vectors[patent_id] = vector
    return np.stack([vectors[patent_id] for patent_id in patent_ids]), len(missing), background


def _background(store) -> np.ndarray | None:
    """Evenly spaced stored vectors, BACKGROUND_SIZE at most, across the language indexes (a view, then a copy)."""
    parts = []
    total = max(1, store.count)
    for index in store.indexes.values():
        every = index.vectors()
        if len(every):
            take = max(1, round(BACKGROUND_SIZE * len(every) / total))
            parts.append(every[np.linspace(0, len(every) - 1, min(take, len(every))).astype(int)].copy())
    sample = np.concatenate(parts) if parts else None
    return sample if sample is not None and len(sample) >= BACKGROUND_MIN else None
