"""First stage of a match: bounded candidate lists from the search layer's own indexes (nothing is rebuilt here).

Two retrievers, as lingxi.search does them: the keyword index (Tantivy BM25 over segmented words, the sentence's
rarest words OR-ed — SearchService._free_text_query) and the e5 vectors (one index per language). Each returns at
most CANDIDATES patents, so the second stage (features) works on a few hundred patents whatever the corpus size.

The query is embedded once here and kept: the features compare it with the candidates' stored vectors (a candidate
found by keyword only still gets its cosine) and feedback compares judged patents with the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import tantivy

from lingxi.search.compile import QueryCompiler
from lingxi.search.query import parse_query
from lingxi.search.service import SearchService
from lingxi.search.vectors import CENTER_DEPTH

CANDIDATES = 100  # per retriever and language: bounded work per match whatever the corpus size
ID_FILTER_LIMIT = 20_000  # a filter matching more patents is not listed as ids (applied in the queries instead)
PRF_DEPTH = 3  # pseudo-relevance feedback (off by default): the query moves towards this many best hits
QUERY_VIEWS = 3  # at most this many sentences of a long demand are embedded as views of their own


@dataclass
class Candidates:
    query: str
    language: str
    keyword: dict[int, float] = field(default_factory=dict)  # patent id → BM25
    semantic: dict[int, float] = field(default_factory=dict)  # patent id → cosine (whole demand)
    view_cosines: dict[int, float] = field(default_factory=dict)  # patent id → best cosine over sentence views
    language_of: dict[int, str] = field(default_factory=dict)
    baselines: dict[str, float] = field(default_factory=dict)  # language → mean cosine of its top CENTER_DEPTH
    vector: np.ndarray | None = None
    vectors: dict[int, np.ndarray] = field(default_factory=dict)  # candidate → stored vector
    notes: list[str] = field(default_factory=list)
    keyword_words: list[str] = field(default_factory=list)  # the query words the keyword half used
    # an English demand's words translated to Chinese (lingxi.matching.translate) and the BM25 of that query
    translations: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    translated_keyword: dict[int, float] = field(default_factory=dict)
    # the demand side as the ranking analysed it (kept for the explanations)
    words: list[str] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    demand_nodes: dict[str, dict[str, float]] = field(default_factory=dict)
    demand_effects: list[str] = field(default_factory=list)
    translated_vector: np.ndarray | None = None  # the English demand's translation embedded as a Chinese query
    translated_baseline: float = 0.0
    translated_cosines: dict[int, float] = field(default_factory=dict)
    second_vector: np.ndarray | None = None  # the demand embedded by USE (lingxi.matching.second_opinion)

    @property
    def ids(self) -> list[int]:
        return list(dict.fromkeys([*self.semantic, *self.keyword, *self.translated_keyword]))


def filter_query(holder_types: list[str] | None, region: str | None) -> str | None:
    """The field query (lingxi.search.query) that restricts candidates: APT=… OR …, AND REGION=…."""
    parts = []
    if holder_types:
        parts.append("(" + " OR ".join(f"APT={_quote(value)}" for value in holder_types) + ")")
    if region and region.strip():
        parts.append(f"REGION={_quote(region.strip())}")
    return " AND ".join(parts) or None


def _quote(value: str) -> str:
    return '"' + value.replace('"', "") + '"'


def sentence_views(text: str) -> list[str]:
    """The demand's sentences (problem, wanted effect …) when it has more than one: each is embedded as well, so
    a patent that answers one part strongly is not averaged away by the rest."""
    from lingxi.tagging.pme import _en_sentences, _zh_sentences
    from lingxi.text.segment import detect_language

    splitter = _zh_sentences if detect_language(text) == "zh" else _en_sentences
    pieces = [piece.strip() for piece in splitter(text.replace("\n", "。" if detect_language(text) == "zh" else ". "))]
    pieces = [piece for piece in pieces if len(piece) >= 6]
    if len(pieces) < 2:
        return []
    return sorted(pieces, key=len, reverse=True)[:QUERY_VIEWS]


def retrieve(search: SearchService, text: str, holder_types: list[str] | None = None, region: str | None = None,
             limit: int = CANDIDATES, views: bool = True, allowed: set[int] | None = None,
             extra: set[int] | None = None, prf: float = 0.0, translated_view: bool = False) -> Candidates:
    """Both candidate lists for a demand text. `allowed` restricts to given patents; `extra` adds given patents to
    the lists (their BM25 and cosine), so they are scored exactly as they would be inside a normal ranking — what
    push needs: the baselines (best BM25, each language's mean cosine) stay those of the whole corpus."""
    from lingxi.search.semantic import query_language

    language = query_language(text)
    found = Candidates(query=text, language=language)
    index, notes = search.keyword.ensure()
    found.notes.extend(notes)
    searcher = index.searcher()
    compiler = QueryCompiler(index.schema, lambda name: [])
    restriction = filter_query(holder_types, region)
    restrict_query = compiler.compile(parse_query(restriction)) if restriction else None
    broad = None  # a filter too broad to list its ids: applied inside the keyword queries, after the vector search
    if restrict_query is not None:
        count = searcher.search(restrict_query, 1, count=True).count or 0
        if count > ID_FILTER_LIMIT and allowed is None:
            broad = restrict_query
        else:
            ids = _ids(searcher, restrict_query, count) if count else set()
            allowed = ids if allowed is None else allowed & ids
    if allowed is not None and not allowed:
        return found
    must = broad if broad is not None else (
        tantivy.Query.term_set_query(index.schema, "id", sorted(allowed)) if allowed is not None else None)

    node, query = search._free_text_query(searcher, compiler, text)
    found.keyword_words = [term.value for term in getattr(node, "items", (node,))]
    if must is not None:
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, must)])
    result = searcher.search(query, limit, count=False)
    found.keyword = {searcher.doc(address)["id"][0]: float(score) for score, address in result.hits}
    translated = _translated(found, searcher, index.schema, text, limit, must) if language == "en" else None

    _semantic(search, found, text, limit, allowed, views, over_fetch=4 if broad is not None else 1, prf=prf,
              translated_view=translated_view)
    if broad is not None and found.semantic:
        # keep the vector hits that pass the filter: one query over at most a few hundred ids
        hits = sorted(found.semantic)
        passing = _ids(searcher, tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.term_set_query(index.schema, "id", hits)),
            (tantivy.Occur.Must, broad)]), len(hits))
        for table in (found.semantic, found.view_cosines, found.vectors):
            for patent_id in [p for p in table if p not in passing]:
                del table[patent_id]
    if extra:
        ids = tantivy.Query.term_set_query(index.schema, "id", sorted(extra))
        for target, base in ((found.keyword, query), (found.translated_keyword, translated)):
            if base is None:
                continue
            restricted = tantivy.Query.boolean_query([(tantivy.Occur.Must, base), (tantivy.Occur.Must, ids)])
            for score, address in searcher.search(restricted, len(extra), count=False).hits:
                target.setdefault(searcher.doc(address)["id"][0], float(score))
        if found.vector is not None:
            try:
                vectors = stored_vectors(search.vectors, [p for p in extra if p not in found.vectors])
            except Exception:  # noqa: BLE001 - no vectors: keyword features only
                vectors = {}
            for patent_id, (stored, lang) in vectors.items():
                found.vectors[patent_id] = stored
                found.language_of[patent_id] = lang
                found.semantic.setdefault(patent_id, float(stored @ found.vector))
        for patent_id in extra:  # patents no list reached still get ranked (with zero keyword relevance)
            found.keyword.setdefault(patent_id, 0.0)
    return found


def _semantic(search: SearchService, found: Candidates, text: str, limit: int, allowed: set[int] | None,
              views: bool, over_fetch: int = 1, prf: float = 0.0, translated_view: bool = False) -> None:
    from lingxi.search.vectors import VectorIndexError

    manager = search.vectors
    try:
        store = manager.store()
        if store.count == 0:
            found.notes.append("semantic vectors not built yet (run `lingxi index embed`): keyword relevance only")
            return
        embedder = manager.embedder()
        vector = embedder.embed_query(text)
    except VectorIndexError as error:
        found.notes.append(f"semantic index unusable ({error}): keyword relevance only")
        return
    except Exception as error:  # noqa: BLE001 - no model: keyword matching still answers
        found.notes.append(f"embedding model not available ({error}): keyword relevance only")
        return
    found.vector = vector
    per_language = manager.search(vector, max(limit * over_fetch, CENTER_DEPTH), allowed, per_language=True)
    translated_hits: list[tuple[int, float]] = []
    if found.translations and "zh" in per_language:
        # an English demand's dictionary translation, embedded as a Chinese query: e5 matches Chinese to Chinese far
        # better than English to Chinese (docs/semantic-search.md), so the Chinese candidates get its cosine as the
        # feature `translated_semantic` (one more short e5 query, English demands only)
        pseudo = "、".join(words[0] for _, words in found.translations)
        found.translated_vector = embedder.embed_query(pseudo)
        if translated_view:  # … and its own nearest patents as candidates (round 1: no net gain, off by default)
            translated_hits = manager.search(found.translated_vector, max(limit * over_fetch, CENTER_DEPTH), allowed,
                                             per_language=True).get("zh", [])
            if translated_hits:
                found.translated_baseline = float(np.mean([score for _, score in translated_hits[:CENTER_DEPTH]]))
    if prf > 0:
        # pseudo-relevance feedback (Rocchio): move the query towards its best few hits and search again
        best = sorted(((score - float(np.mean([s for _, s in hits[:CENTER_DEPTH]])), pid)
                       for hits in per_language.values() for pid, score in hits[:PRF_DEPTH]), reverse=True)
        top = stored_vectors(manager, [pid for _, pid in best[:PRF_DEPTH]])
        if top:
            moved = vector + prf * np.mean([v for v, _ in top.values()], axis=0)
            vector = found.vector = moved / np.linalg.norm(moved)
            per_language = manager.search(vector, max(limit * over_fetch, CENTER_DEPTH), allowed, per_language=True)
    for lang, hits in per_language.items():
        if not hits:
            continue
        found.baselines[lang] = float(np.mean([score for _, score in hits[:CENTER_DEPTH]]))
        for patent_id, score in hits[:limit * over_fetch]:
            found.semantic[patent_id] = score
            found.language_of[patent_id] = lang
    for patent_id, _ in translated_hits[:limit * over_fetch]:
        found.semantic.setdefault(patent_id, None)  # a candidate; its cosine to the demand is read below
    # every candidate's own stored vector: keyword-only candidates get a cosine too, and feedback compares vectors
    for patent_id, (stored, lang) in stored_vectors(manager, found.ids).items():
        found.vectors[patent_id] = stored
        found.language_of.setdefault(patent_id, lang)
    for patent_id, stored in found.vectors.items():
        if found.semantic.get(patent_id) is None:
            found.semantic[patent_id] = float(stored @ vector)
        if found.translated_vector is not None and found.language_of.get(patent_id) == "zh":
            found.translated_cosines[patent_id] = float(stored @ found.translated_vector)
    found.semantic = {p: s for p, s in found.semantic.items() if s is not None}
    for lang in set(found.language_of.values()) - set(found.baselines):
        scores = [found.semantic[p] for p, key in found.language_of.items() if key == lang and p in found.semantic]
        if scores:
            found.baselines[lang] = float(np.mean(sorted(scores, reverse=True)[:CENTER_DEPTH]))
    if views:
        pieces = sentence_views(text)
        if pieces and found.vectors:
            ids = list(found.vectors)
            matrix = np.stack([found.vectors[p] for p in ids])
            best = np.full(len(ids), -1.0, dtype=np.float32)
            for piece in pieces:
                best = np.maximum(best, matrix @ embedder.embed_query(piece))
            found.view_cosines = {p: float(s) for p, s in zip(ids, best, strict=True)}


def _translated(found: Candidates, searcher: tantivy.Searcher, schema: tantivy.Schema, text: str, limit: int,
                must: tantivy.Query | None) -> tantivy.Query | None:
    """An English demand as a Chinese keyword query: each translated term one OR-group of its translations (words of
    the index, so a term no Chinese document uses costs nothing), the groups OR-ed — BM25 then rewards patents that
    hold more of the demand's terms, rare ones most."""
    from lingxi.matching.translate import translate_terms
    from lingxi.search.analysis import word_tokens
    from lingxi.search.compile import FIELD_BOOST

    fields = ("ti", "ab", "cl")
    documents = max(searcher.num_docs, 1)

    def df(word: str) -> int:
        tokens = word_tokens(word)
        return max(searcher.doc_freq(f, tokens[0]) for f in fields) if len(tokens) == 1 else 0

    terms = [(term, words) for term, words in translate_terms(text, df) if words]
    terms = [(term, words) for term, words in terms if max(df(w) for w in words) <= 0.2 * documents]
    found.translations = terms
    if not terms:
        return None
    groups = []
    for _, words in terms:
        clauses = [(tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(schema, f, word),
                                                                    FIELD_BOOST.get(f, 1.0)))
                   for word in words for f in fields]
        groups.append((tantivy.Occur.Should, tantivy.Query.boolean_query(clauses)))
    query = tantivy.Query.boolean_query(groups)
    if must is not None:
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, must)])
    result = searcher.search(query, limit, count=False)
    found.translated_keyword = {searcher.doc(address)["id"][0]: float(score) for score, address in result.hits}
    return query


def stored_vectors(manager, ids) -> dict[int, tuple[np.ndarray, str]]:
    """Patent id → (its stored e5 vector, a copy; its language index), under the store's read lock (an embedding job
    adding vectors meanwhile may reallocate the arrays). Ids without a vector are left out."""
    store = manager.store()
    out: dict[int, tuple[np.ndarray, str]] = {}
    with manager._rw.read():
        for lang, index in store.indexes.items():
            # one gather per language index (index.get per id re-wrapped the whole storage each time: ~6 ms a match)
            found = [(patent_id, slot) for patent_id in ids if patent_id not in out
                     and (slot := index._slot_of.get(int(patent_id))) is not None]
            if found:
                rows = index.vectors()[[slot for _, slot in found]]  # a copy: safe after the lock is released
                for (patent_id, _), row in zip(found, rows, strict=True):
                    out[patent_id] = (row, lang)
    return out


def _ids(searcher: tantivy.Searcher, query: tantivy.Query, count: int) -> set[int]:
    result = searcher.search(query, count, count=False)
    return {searcher.doc(address)["id"][0] for _, address in result.hits}
