"""The search service: what the CLI, the web API, matching and navigation call.

    service = SearchService(settings, db)
    response = service.search(SearchRequest("TI=(锂电池 AND 隔膜) AND AD>=2018", page_size=20))

Modes: keyword (the field query language over the keyword index), semantic (the sentence embedded, nearest patents
in the vector indexes) and hybrid (both lists fused by reciprocal rank). `filters` is a field query that restricts
any mode (IPC=H01M AND AD>=2018). Facet counts are over the whole keyword result set, or over the candidates of a
semantic/hybrid search. Above FACET_EXACT_LIMIT hits they are estimated from a uniform sample of the result set
(the index's `bucket` field) and scaled; the response says so (`facets_approximate`, and a note).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import tantivy
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db import Database
from lingxi.db.models import Party, PartyAlias, Patent, PatentParty
from lingxi.db.prebuilt import PrebuiltSelect
from lingxi.parties.names import has_cjk, looks_like_person, org_cluster_key, person_key
from lingxi.search.compile import QueryCompiler, text_term_bounds, union
from lingxi.search.documents import claims_text
from lingxi.search.highlight import Highlighter
from lingxi.search.indexer import IndexStatus, KeywordIndexManager, Progress
from lingxi.search.keyword import SAMPLE_BUCKETS, KeywordIndex
from lingxi.search.query import And, Node, Not, Or, QuerySyntaxError, Term, parse_query, terms_of
from lingxi.search.vector_jobs import VectorIndexManager, VectorStatus, vector_manager
from lingxi.settings import Settings
from lingxi.text.segment import dictionary_changes

MODES = ("keyword", "semantic", "hybrid")
SORTS = ("relevance", "date", "date_asc")
FACETS = {  # response name → index field
    "ipc_section": "ipc_section",
    "ipc_class": "ipc_class",
    "ipc_subclass": "ipc_subclass",
    "year": "year",
    "doc_type": "doc_type",
    "applicant_type": "apt",
    "region": "prov",
    "legal_status": "ls",
    "country": "country",
}
RRF_K = 60  # the usual constant of reciprocal-rank fusion: rank 1 → 1/61, rank 10 → 1/70
CANDIDATES = 200  # per list, for semantic and hybrid
MAX_PAGE_SIZE = 200
FACET_EXACT_LIMIT = 50_000  # more keyword hits than this → facet counts from a sample (counting 800k hits took 130 ms)
FACET_SAMPLE_TARGET = 20_000  # documents to count in that sample (about; the sample is a whole number of percent)
ONE_PASS_SHARE = 16  # a query certain to match 1/this of the collection: hits and sampled facets counted at once
GUESS_SLACK = 2  # … one whose guessed hits exceed 1/this of the facet limit: a sample sized from that guess
COMPILED_QUERIES = 1024  # distinct keyword queries kept compiled (SearchService._compiled); then it starts afresh
FREE_TEXT_MAX_TERMS = 12  # hybrid's keyword half: at most this many of the sentence's words, the rarest first
FREE_TEXT_MAX_DF = 0.2  # … leaving out words in more than this share of the documents (they rank nothing)
FREE_TEXT_MAX_CHARS = 2  # … and reading at most this many rare lone Chinese characters as substrings (伞 in 雨伞)
FREE_TEXT_RARE_CHAR_DF = 0.01  # (rare: a word in at most this share of the documents)
HIGHLIGHT_FIELDS = {"title": ("TI", "TX", "TIAB"), "abstract": ("AB", "TX", "TIAB"), "claims": ("CL", "TX")}
# A page of hits is read with these two statements, built once (building them was a tenth of a search call).
_HIT_ROWS = PrebuiltSelect(
    select(Patent.id, Patent.key, Patent.publication_number, Patent.title, Patent.abstract, Patent.claims,
           Patent.first_claim, Patent.doc_type, Patent.country, Patent.application_date, Patent.publication_date)
    .where(Patent.id.in_(bindparam("ids", expanding=True))))
_HIT_APPLICANTS = PrebuiltSelect(
    select(PatentParty.patent_id, PatentParty.name)
    .where(PatentParty.patent_id.in_(bindparam("ids", expanding=True)), PatentParty.role.in_(("applicant", "assignee")))
    .order_by(PatentParty.patent_id, PatentParty.sequence, PatentParty.id))


# Threads that count hits beside the ranking thread (SearchService._keyword), shared by the process's requests.
_COUNTER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-count")
# … on a collection at least this large only: on a small one counting is cheap and the hand-over to a thread is not;
# measured on the demo data (3,000 patents) under wrk, 16 connections, 2 workers: 485 → 615 search calls/s counting
# in the request's own thread (bench/web_load.py). The cross-over between 3,000 and 1M patents is not measured.
PARALLEL_COUNT_MIN_DOCS = 100_000


class SearchError(ValueError):
    """A request the service cannot answer as asked (bad mode, sort, page); the message says why."""


@dataclass
class SearchRequest:
    query: str = ""
    mode: str = "keyword"
    filters: str | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True
    facet_size: int = 20
    highlight: bool = True


@dataclass
class SearchHit:
    patent_id: int
    publication_number: str
    title: str
    score: float
    highlights: dict[str, str] = field(default_factory=dict)
    doc_type: str | None = None
    country: str | None = None
    application_date: str | None = None
    publication_date: str | None = None
    applicants: list[str] = field(default_factory=list)
    ranks: dict[str, int] = field(default_factory=dict)  # rank in the keyword / semantic list (hybrid)


@dataclass
class SearchResponse:
    query: str
    mode: str
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    facets_approximate: bool = False  # counts estimated from a sample of a large result set, scaled up

    def as_dict(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies every value and was a tenth of a search call's time.
        return {"query": self.query, "mode": self.mode, "total": self.total, "page": self.page,
                "page_size": self.page_size, "hits": [hit.__dict__ for hit in self.hits], "facets": self.facets,
                "facets_approximate": self.facets_approximate, "took_ms": self.took_ms, "notes": self.notes}


class SearchService:
    def __init__(self, settings: Settings, db: Database):
        self.settings = settings
        self.db = db
        self.keyword = KeywordIndexManager(settings.indexes_dir, db)
        self.facet_exact_limit = FACET_EXACT_LIMIT
        self.facet_sample_target = FACET_SAMPLE_TARGET
        self._compiled_queries: dict[tuple, tuple[tantivy.Query, tantivy.Query]] = {}  # see _compiled
        self._compiled_index: KeywordIndex | None = None

    # --- index maintenance ------------------------------------------------------------------------------------

    def index_patents(self, ids: list[int]) -> int:
        self.keyword.ensure()
        return self.keyword.index_patents(ids)

    def rebuild(self, progress: Progress | None = None) -> int:
        return self.keyword.rebuild(progress)

    def check(self) -> IndexStatus:
        return self.keyword.check()

    @property
    def vectors(self) -> VectorIndexManager:
        """The vector indexes of this data directory: one manager (and one loaded store) per process."""
        return vector_manager(self.settings.indexes_dir, self.db)

    def embed(self, limit: int | None = None, progress: Progress | None = None, rebuild: bool = False) -> int:
        """Embed the patents without a vector for the current model (all of them with `rebuild`)."""
        return self.vectors.embed(limit=limit, progress=progress, rebuild=rebuild)

    def check_vectors(self, verify: bool = True) -> VectorStatus:
        return self.vectors.status(verify=verify)

    def catch_up(self) -> int:
        """Bring the index up to date after imports (the import hook calls this); rebuilds an unusable index."""
        _, notes = self.keyword.ensure(recheck_seconds=0)
        return sum(1 for _ in notes)

    # --- searching ----------------------------------------------------------------------------------------------

    def search_for(self, actor: Principal, request: SearchRequest, session: Session | None = None) -> SearchResponse:
        """Search on behalf of a signed-in user: the interfaces call this, so the permission check is never skipped."""
        require(actor, PATENTS_READ)
        return self.search(request, session)

    def search(self, request: SearchRequest, session: Session | None = None) -> SearchResponse:
        """Answer a request; raises QuerySyntaxError for an unreadable query and SearchError for a bad request.

        A caller that already holds a session (a web request) passes it, so one request never waits for a second
        database connection while holding the first (which deadlocks a busy server's connection pool).
        """
        started = time.perf_counter()
        self._validate(request)
        index, notes = self.keyword.ensure()
        with nullcontext(session) if session is not None else self.db.sessions() as session:
            # (cached: a keyword query is compiled twice, for ranking and for counting)
            compiler = QueryCompiler(index.schema, cache(lambda name: self._party_ids(session, name)))
            filters = parse_query(request.filters) if request.filters and request.filters.strip() else None
            if request.mode == "keyword":
                response = self._keyword(index, compiler, request, filters, session)
            else:
                response = self._semantic_or_hybrid(index, compiler, request, filters, session, notes)
        response.notes = notes + response.notes
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _validate(self, request: SearchRequest) -> None:
        if request.mode not in MODES:
            raise SearchError(f"mode must be one of {', '.join(MODES)}, not {request.mode!r}")
        if request.sort not in SORTS:
            raise SearchError(f"sort must be one of {', '.join(SORTS)}, not {request.sort!r}")
        if request.page < 1 or not 1 <= request.page_size <= MAX_PAGE_SIZE:
            raise SearchError(f"page must be ≥ 1 and page_size between 1 and {MAX_PAGE_SIZE}")
        if request.mode != "keyword" and not request.query.strip():
            raise SearchError(f"{request.mode} search needs a sentence to search for")

    def _keyword(self, index: KeywordIndex, compiler: QueryCompiler, request: SearchRequest,
                 filters: Node | None, session: Session) -> SearchResponse:
        node = parse_query(request.query) if request.query.strip() else None
        tree = node if filters is None else (filters if node is None else And((node, filters)))
        searcher = index.searcher()
        compiler.searcher = searcher  # document frequencies: an AND of a rare and a very common word (compile._driven)
        # Hits and facets are counted with a query matching the same documents, built for matching (fewer lists)
        query, matching = self._compiled(index, compiler, tree)
        offset = (request.page - 1) * request.page_size
        kwargs: dict[str, Any] = {}
        if request.sort != "relevance":
            kwargs["order_by_field"] = "date"
            kwargs["order"] = tantivy.Order.Desc if request.sort == "date" else tantivy.Order.Asc
        # Counting every hit (and its facets) is most of a broad query's time, and Tantivy releases the GIL: on a
        # large collection the count runs on the other core while this thread ranks the page and reads and
        # highlights its patents (1M patents, 100 keyword queries, quiet machine: p95 51 → 45 ms).
        counting = None
        if searcher.num_docs >= PARALLEL_COUNT_MIN_DOCS:
            counting = _COUNTER.submit(self._count_and_facets, searcher, matching, request, index.schema, tree)
        result = searcher.search(query, request.page_size, count=False, offset=offset, **kwargs)
        scored = [(patent_id, float(key) if request.sort == "relevance" else 0.0)
                  for (key, _), patent_id in zip(result.hits, _patent_ids(searcher, result.hits))]
        hits = self._hits(session, scored, node if request.highlight else None)
        total, facets, sample = counting.result() if counting is not None else \
            self._count_and_facets(searcher, matching, request, index.schema, tree)
        notes, approximate = [], False
        if request.facets and sample < SAMPLE_BUCKETS:
            approximate = True
            notes.append(f"facet counts are estimates: counted on a uniform {sample}% sample of the {total:,} "
                         f"hits and scaled up (exact below {self.facet_exact_limit:,} hits)")
        response = SearchResponse(request.query, "keyword", total, request.page, request.page_size, hits, facets,
                                  notes=notes)
        response.facets_approximate = approximate
        return response

    def _compiled(self, index: KeywordIndex, compiler: QueryCompiler, tree: Node | None
                  ) -> tuple[tantivy.Query, tantivy.Query]:
        """`tree`'s ranking query and its counting query, compiled once per index and collection size: the same
        queries come again and again, and compiling one (cutting its words, building Tantivy's query objects) was
        a tenth of a search call. What a compiled query matches and how it scores depend on the tree alone; the
        index's frequencies only choose how it is evaluated (compile._driven), and the size in the key has them
        chosen afresh as the collection grows, and the dictionary's changes in the key have its words cut afresh. A
        query that looked applicants up in the database (AP=) is never kept: the parties it finds change with
        imports."""
        if tree is None:
            query = tantivy.Query.all_query()
            return query, query
        if self._compiled_index is not index:  # a rebuilt index (another schema object): start afresh
            self._compiled_queries, self._compiled_index = {}, index
        key = (tree, compiler.searcher.num_docs if compiler.searcher is not None else None, dictionary_changes())
        compiled = self._compiled_queries.get(key)
        if compiled is not None:
            return compiled
        looked_up: list[str] = []

        def party_ids(name: str) -> list[int]:
            looked_up.append(name)
            return compiler.party_ids(name)

        recording = QueryCompiler(compiler.schema, party_ids, compiler.searcher)
        compiled = recording.compile(tree), recording.for_matching().compile(tree)
        if not looked_up:
            if len(self._compiled_queries) >= COMPILED_QUERIES:
                self._compiled_queries = {}
            self._compiled_queries[key] = compiled
        return compiled

    def _semantic_or_hybrid(self, index: KeywordIndex, compiler: QueryCompiler, request: SearchRequest,
                            filters: Node | None, session: Session, notes: list[str]) -> SearchResponse:
        from lingxi.search.semantic import SemanticUnavailable, semantic_search

        searcher = index.searcher()
        allowed = None
        if filters is not None:
            filter_query = compiler.compile(filters)
            count = searcher.search(filter_query, 1, count=True).count or 0
            allowed = self._ids(searcher, filter_query, count) if count else set()
        semantic: list[tuple[int, float]] = []
        per_language: dict[str, list[tuple[int, float]]] = {}
        try:
            per_language, semantic_notes = semantic_search(self.settings, self.db, request.query, CANDIDATES, allowed,
                                                           documents=searcher.num_docs, per_language=True)
            semantic = centered_merge(per_language, CANDIDATES)
            notes.extend(semantic_notes)
        except SemanticUnavailable as error:
            notes.append(f"semantic search unavailable ({error}); keyword results only")
        keyword: list[tuple[int, float]] = []
        node = None
        if request.mode == "hybrid" or not semantic:
            node, query = self._free_text_query(searcher, compiler, request.query)
            if filters is not None:
                query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                                     (tantivy.Occur.Must, compiler.compile(filters))])
            result = searcher.search(query, CANDIDATES, count=False)
            keyword = [(searcher.doc(a)["id"][0], float(s)) for s, a in result.hits]
        if request.mode == "semantic" and semantic:
            ranked, ranks = semantic, {pid: {"semantic": r} for r, (pid, _) in enumerate(semantic, 1)}
        elif semantic:
            from lingxi.search.semantic import query_language

            ranked, ranks = language_aware_fusion(keyword, per_language, query_language(request.query),
                                                  self.vectors.language_of)
        else:
            ranked, ranks = reciprocal_rank_fusion({"keyword": keyword, "semantic": semantic})
        if request.sort != "relevance":
            dates = dict(session.execute(
                select(Patent.id, Patent.publication_date).where(Patent.id.in_([pid for pid, _ in ranked]))
            ).all())
            ranked = sorted(ranked, key=lambda item: (dates.get(item[0]) is None, dates.get(item[0])),
                            reverse=request.sort == "date")
        offset = (request.page - 1) * request.page_size
        page = ranked[offset : offset + request.page_size]
        hits = self._hits(session, page, node if request.highlight else None)
        for hit in hits:
            hit.ranks = ranks.get(hit.patent_id, {})
        facets = {}
        if request.facets and ranked:
            ids = tantivy.Query.term_set_query(index.schema, "id", [pid for pid, _ in ranked])
            facets = self._facets(searcher, ids, request.facet_size)
        return SearchResponse(request.query, request.mode, len(ranked), request.page, request.page_size, hits,
                              facets)

    @staticmethod
    def _ids(searcher: tantivy.Searcher, query: tantivy.Query, count: int) -> set[int]:
        result = searcher.search(query, count, count=False)
        return {searcher.doc(address)["id"][0] for _, address in result.hits}

    def _count_and_facets(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
                          schema: tantivy.Schema, tree: Node | None = None) -> tuple[int, dict[str, list[dict]], int]:
        """The number of hits (counted without scoring them) and, if asked, the facets over them or over a
        sample of them: (total, facets, sample percent)."""
        counting = {"hits": {"value_count": {"field": "id"}}}
        if request.facets:
            at_least = hits_at_least(searcher, tree)
            if at_least > self.facet_exact_limit and ONE_PASS_SHARE * at_least >= searcher.num_docs:
                # A query matching much of the collection (一种, 方法, 装置 …) is certainly sampled: the sample's facets
                # are counted in the pass that counts the hits (a filter aggregation) instead of a second pass over
                # them — each pass walks every posting of the query's words, most of such a query's time at 1M
                # patents. Sized by the lower bound, the sample holds at least facet_sample_target documents; for a
                # word the bound is within a quarter of the true count (bench/search_scale.py's broad words), so
                # seldom many more (at worst, an OR of many disjoint common words, ONE_PASS_SHARE times more).
                sample = self._sample_percent(at_least)
                result = searcher.aggregate(query, {**counting, **_sampled_facets(sample, request.facet_size)})
                return (int(result["hits"]["value"]),
                        _facet_counts(result["sample"], SAMPLE_BUCKETS / sample), sample)
            guess = hits_guess(searcher, tree)
            if guess is not None and GUESS_SLACK * guess <= self.facet_exact_limit:
                # Probably few hits (the guess is mostly low, below): their exact facets are counted in the counting
                # pass, saving a second walk over the words' postings (an AND of common words: tens of ms at 1M).
                # Exact facets stay exact even if the count turns out above the limit (a guess far too low).
                result = searcher.aggregate(query, {**counting, **_facet_aggregation(request.facet_size)})
                return int(result["hits"]["value"]), _facet_counts(result), SAMPLE_BUCKETS
            if guess is not None and not isinstance(tree, Term) and searcher.num_docs > self.facet_exact_limit:
                # Probably broad (an AND of common words: 制备 一种 及其, 使用 方法), but no bound guarantees it: the
                # sample's facets are counted in the counting pass anyway, on a sample sized from the guess. The guess
                # is mostly low (a word's substring matches exceed its word count by ~1/4, and words in a patent come
                # together more often than by chance: 1M patents, the bench's broad queries had 1.2–4.5× their guess),
                # so the sample is mostly larger than needed: 175 ns a sampled document, against a second pass over
                # all the words' postings. They are kept if the count is sampled and the sample is at least the size
                # the count asks for; otherwise (a guess too high, or few hits: exact facets) a second pass as below.
                # (Not for one word: its count is one list, cheap to walk twice, and its guess nearly right, so a
                # sample guessed too large for a word that ends up under the limit would be counted for nothing.)
                sample = self._sample_percent(max(guess, self.facet_exact_limit + 1))
                result = searcher.aggregate(query, {**counting, **_sampled_facets(sample, request.facet_size)})
                total = int(result["hits"]["value"])
                if total > self.facet_exact_limit and sample >= self._sample_percent(total):
                    return total, _facet_counts(result["sample"], SAMPLE_BUCKETS / sample), sample
                sample = self._sample_percent(total)
                return total, self._facets(searcher, query, request.facet_size, sample, schema), sample
        counted = searcher.aggregate(query, counting)
        total = int(counted["hits"]["value"])
        if not request.facets:
            return total, {}, SAMPLE_BUCKETS
        sample = self._sample_percent(total)
        return total, self._facets(searcher, query, request.facet_size, sample, schema), sample

    def _sample_percent(self, total: int) -> int:
        """How many of the index's SAMPLE_BUCKETS to count facets on: all of them up to facet_exact_limit hits,
        else enough for about facet_sample_target documents."""
        if total <= self.facet_exact_limit:
            return SAMPLE_BUCKETS
        return max(1, min(SAMPLE_BUCKETS, -(-self.facet_sample_target * SAMPLE_BUCKETS // total)))

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query, size: int,
                sample: int = SAMPLE_BUCKETS, schema: tantivy.Schema | None = None) -> dict[str, list[dict]]:
        """Terms counts per facet field; with `sample` < SAMPLE_BUCKETS over the documents with bucket < sample only,
        each count scaled by SAMPLE_BUCKETS / sample (an estimate: a value rare in the hits may be missing)."""
        if sample < SAMPLE_BUCKETS:
            in_sample = tantivy.Query.range_query(schema, "bucket",
                                                  tantivy.FieldType.Unsigned, 0, sample - 1)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, in_sample)])
        return _facet_counts(searcher.aggregate(query, _facet_aggregation(size)), SAMPLE_BUCKETS / sample)

    def _free_text_query(self, searcher: tantivy.Searcher, compiler: QueryCompiler, sentence: str
                         ) -> tuple[Node, tantivy.Query]:
        """Hybrid's keyword half: the sentence's words as OR-ed word terms, leaving out words found in more than
        FREE_TEXT_MAX_DF of the documents and keeping the FREE_TEXT_MAX_TERMS rarest. Reading every word as a field
        query term (word phrase OR bigram substring phrase) made a sentence over a million documents cost 300 ms.
        The substring reading is kept for a Chinese word of two or more characters that the words field does not
        have (湿漉漉), when its character pairs are not common, and for at most FREE_TEXT_MAX_CHARS rare lone
        characters (伞, which the index keeps inside 雨伞): a lone character as a substring is a regex over the whole
        bigram dictionary (10–20 ms each at 100k documents); other lone characters count as words only.
        Returns the node (for highlighting) too; a sentence with no usable word falls back to _free_text_node."""
        from lingxi.search.analysis import bigram_tokens, has_cjk, word_tokens
        from lingxi.search.compile import FIELD_BOOST, TEXT_TARGETS
        from lingxi.search.query import Or, Term

        fields = TEXT_TARGETS["TX"]
        documents = max(searcher.num_docs, 1)
        limit = FREE_TEXT_MAX_DF * documents

        def as_words(token: str) -> list[tuple[tantivy.Query, float]]:
            return [(tantivy.Query.term_query(compiler.schema, f, token), FIELD_BOOST[f]) for f in fields]

        def as_substring(word: str) -> list[tuple[tantivy.Query, float]]:
            return compiler.text_leaves(Term("TX", word, True))

        # (document frequency, position, word, the word's alternatives as (query, boost)): all OR-ed in one flat
        # union, which Tantivy ranks with block-max WAND (compile.text_leaves); the scores are the nested ones
        chosen: list[tuple[int, int, str, list[tuple[tantivy.Query, float]]]] = []
        lone: list[tuple[int, int, str]] = []  # rare lone Chinese characters
        for position, word in enumerate(_free_text_words(sentence)):
            tokens = word_tokens(word)
            df = max(searcher.doc_freq(f, tokens[0]) for f in fields) if len(tokens) == 1 else 0
            if df > limit:
                continue
            if has_cjk(word) and len(word) == 1 and df <= FREE_TEXT_RARE_CHAR_DF * documents:
                lone.append((df, position, word))
            elif df:
                chosen.append((df, position, word, as_words(tokens[0])))
            elif has_cjk(word) and len(word) > 1:  # not a word of the index: a substring, unless its pairs are common
                pairs = set(bigram_tokens(word))
                pair_df = max((searcher.doc_freq(f"{f}_bg", p) for p in pairs for f in fields), default=0)
                if pair_df <= limit:
                    chosen.append((pair_df, position, word, as_substring(word)))
        lone.sort()
        for rank, (df, position, word) in enumerate(lone):
            if rank < FREE_TEXT_MAX_CHARS:
                chosen.append((df, position, word, as_substring(word)))
            elif df:
                chosen.append((df, position, word, as_words(word)))
        chosen = sorted(sorted(chosen, key=lambda item: item[:2])[:FREE_TEXT_MAX_TERMS], key=lambda item: item[1])
        if not chosen:
            node = _free_text_node(sentence)
            return node, compiler.compile(node)
        terms = tuple(Term("TX", word, True) for _, _, word, _ in chosen)
        node = terms[0] if len(terms) == 1 else Or(terms)
        return node, union([leaf for *_, leaves in chosen for leaf in leaves])

    def _hits(self, session: Session, scored: list[tuple[int, float]], node: Node | None) -> list[SearchHit]:
        if not scored:
            return []
        rows, applicants = _hit_rows(session.connection(), [pid for pid, _ in scored])
        highlighters = _highlighters(node) if node is not None else {}
        hits = []
        for patent_id, score in scored:
            row = rows.get(patent_id)
            if row is None:  # deleted from the store since indexing; the next catch-up drops it
                continue
            (_, key, publication_number, title, abstract, claims, first_claim, doc_type, country, applied,
             published) = row
            hit = SearchHit(
                patent_id=patent_id,
                publication_number=publication_number or key,
                title=title,
                score=round(score, 6),
                doc_type=doc_type,
                country=country,
                application_date=applied,
                publication_date=published,
                applicants=applicants.get(patent_id, []),
            )
            texts = {"title": title, "abstract": abstract, "claims": claims_text(claims, first_claim)}
            for name, highlighter in highlighters.items():
                marked = highlighter.mark(texts[name], width=None if name == "title" else 240)
                if marked and "<mark>" in marked:
                    hit.highlights[name] = marked
            hits.append(hit)
        return hits

    def _party_ids(self, session: Session, name: str) -> list[int]:
        """Every party whose name clusters with `name` (the party tables' cluster key), or has it as an alias."""
        name = name.strip()
        if not name:
            return []
        person = looks_like_person(name) and not has_cjk(name)
        key, kind = (person_key(name), "person") if person else (org_cluster_key(name), "organisation")
        ids = set(session.scalars(select(Party.id).where(Party.kind == kind, Party.cluster_key == key)))
        ids.update(session.scalars(select(PartyAlias.party_id).where(PartyAlias.name == name)))
        return sorted(ids)


def _patent_ids(searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]]) -> list[int]:
    """The patent ids of ranked hits, from the id column (a third of the time of reading each stored document)."""
    ids = searcher.fast_field_values("id", [address for _, address in hits])
    return [searcher.doc(address)["id"][0] if patent_id is None else patent_id
            for (_, address), patent_id in zip(hits, ids)]


def _hit_rows(connection: Connection, ids: list[int]) -> tuple[dict[int, tuple], dict[int, list[str]]]:
    """A page of hits' columns (_HIT_ROWS' order, dates as ISO text) and applicants, by patent id.

    Plain Core statements, run on SQLite through the driver (lingxi.db.prebuilt): SQLAlchemy's statement execution
    and result processing cost more than the reads themselves (demo data, 20 hits: 0.56 → 0.26 ms CPU, best of 9)."""
    parameters = {"ids": ids}
    rows = {row[0]: (*row[:9], _iso(row[9]), _iso(row[10])) for row in _HIT_ROWS.rows(connection, parameters)}
    return rows, _applicants_by_patent(_HIT_APPLICANTS.rows(connection, parameters))


def _applicants_by_patent(rows: Any) -> dict[int, list[str]]:
    applicants: dict[int, list[str]] = {}
    for patent_id, name in rows:
        names = applicants.setdefault(patent_id, [])
        if name not in names:
            names.append(name)
    return applicants


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _facet_aggregation(size: int) -> dict[str, dict]:
    """Tantivy's aggregation request for the facets: a terms count per facet field, years newest first."""
    aggregation = {name: {"terms": {"field": field, "size": size}} for name, field in FACETS.items()}
    aggregation["year"] = {"terms": {"field": "year", "size": 200, "order": {"_key": "desc"}}}
    return aggregation


def _sampled_facets(sample: int, size: int) -> dict[str, dict]:
    """The facet aggregation over the documents of buckets below `sample` only ("sample" in the result)."""
    return {"sample": {"filter": f"bucket:[0 TO {sample - 1}]", "aggs": _facet_aggregation(size)}}


def _facet_counts(result: dict, scale: float = 1.0) -> dict[str, list[dict]]:
    """The facets of an aggregation result, each count multiplied by `scale` (a sample's counts scaled up)."""
    return {name: [{"value": _facet_value(b["key"]), "count": round(int(b["doc_count"]) * scale)}
                   for b in result.get(name, {}).get("buckets", [])]
            for name in FACETS}


def hits_at_least(searcher: tantivy.Searcher, node: Node | None) -> int:
    """A lower bound of how many documents `node` matches, from the index's document frequencies (0: no bound
    known); no query at all matches every document. A plain text word matches at least the documents holding it in
    any one of its fields (compile.text_term_bounds), an OR at least its largest alternative, an AND at least the
    overlap its items' bounds force. It only sizes a sample, never decides what matches."""
    documents = searcher.num_docs
    if node is None:
        return documents
    if isinstance(node, Term):
        bounds = text_term_bounds(searcher, node)
        return bounds[0] if bounds is not None else 0
    if isinstance(node, Or):
        return max(hits_at_least(searcher, item) for item in node.items)
    if isinstance(node, And):
        if any(isinstance(item, Not) for item in node.items):
            return 0
        bounds = [hits_at_least(searcher, item) for item in node.items]
        return max(0, sum(bounds) - (len(bounds) - 1) * documents)
    return 0


def hits_guess(searcher: tantivy.Searcher, node: Node | None) -> int | None:
    """A guess of how many documents `node` matches (None: no guess): a plain text word by the documents holding
    it in its most common field, an AND or an OR as if its items were independent, kept at least hits_at_least and
    at most its rarest item's guess (an AND) or their sum (an OR). It only sizes a sample taken in the counting pass
    (_count_and_facets), which is checked against the true count before it is used."""
    documents = max(searcher.num_docs, 1)
    if node is None:
        return documents
    if isinstance(node, Term):
        bounds = text_term_bounds(searcher, node)
        return bounds[0] if bounds is not None else None
    if isinstance(node, (And, Or)):
        if any(isinstance(item, Not) for item in node.items):
            return None
        guesses = [hits_guess(searcher, item) for item in node.items]
        if any(guess is None for guess in guesses):
            return None
        shares = [guess / documents for guess in guesses]
        if isinstance(node, And):
            guess = documents * math.prod(shares)
            at_most = min(guesses)
        else:
            guess = documents * (1 - math.prod(1 - share for share in shares))
            at_most = min(documents, sum(guesses))
        return int(min(max(guess, hits_at_least(searcher, node)), at_most))
    return None


def _free_text_node(query: str) -> Node:
    """A sentence for semantic/hybrid search, read as keyword terms: its words, OR-ed (a sentence is no query)."""
    from lingxi.search.query import Or, Term

    words = _free_text_words(query)
    terms = tuple(Term("TX", w, True) for w in words) or (Term("TX", query, True),)
    return terms[0] if len(terms) == 1 else Or(terms)


def _free_text_words(query: str) -> list[str]:
    """A sentence's distinct words, in order, without punctuation and single Latin letters or digits."""
    from lingxi.search.analysis import word_tokens

    return [w for w in dict.fromkeys(word_tokens(query)) if len(w) > 1 or w.isalnum() and not w.isascii()]


def _highlighters(node: Node) -> dict[str, Highlighter]:
    positive = [(term.field, term.value) for term, is_positive in terms_of(node) if is_positive]
    highlighters = {}
    for name, fields in HIGHLIGHT_FIELDS.items():
        highlighter = Highlighter([value for field, value in positive if field in fields])
        if highlighter:
            highlighters[name] = highlighter
    return highlighters


def reciprocal_rank_fusion(lists: dict[str, list[tuple[int, float]]], k: int = RRF_K
                           ) -> tuple[list[tuple[int, float]], dict[int, dict[str, int]]]:
    """Fuse ranked lists: score(d) = Σ 1/(k + rank). Scales of BM25 and cosine never need to agree."""
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, items in lists.items():
        for rank, (patent_id, _) in enumerate(items, start=1):
            scores[patent_id] = scores.get(patent_id, 0.0) + 1.0 / (k + rank)
            ranks.setdefault(patent_id, {})[name] = rank
    fused = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return fused, ranks


def centered_merge(per_language: dict[str, list[tuple[int, float]]], limit: int) -> list[tuple[int, float]]:
    """One list from the per-language lists: each hit ordered by its cosine minus its own list's mean over the top
    CENTER_DEPTH (e5 scores same-language text higher whatever its relevance; MultilingualVectorStore.search)."""
    from lingxi.search.vectors import CENTER_DEPTH

    keyed: list[tuple[float, int, float]] = []
    for hits in per_language.values():
        if hits:
            base = sum(score for _, score in hits[:CENTER_DEPTH]) / len(hits[:CENTER_DEPTH])
            keyed.extend((score - base, patent_id, score) for patent_id, score in hits)
    keyed.sort(key=lambda item: (-item[0], item[1]))
    return [(patent_id, score) for _, patent_id, score in keyed[:limit]]


def language_aware_fusion(keyword: list[tuple[int, float]], per_language: dict[str, list[tuple[int, float]]],
                          query_lang: str, language_of: Callable[[int], str | None], k: int = RRF_K
                          ) -> tuple[list[tuple[int, float]], dict[int, dict[str, int]]]:
    """Hybrid ranking: the keyword list fused (RRF) into the semantic list of the query's own language only, then
    the languages merged as semantic search merges them (docs/semantic-search.md, "Hybrid ranking").

    A keyword index only matches the query's own language, so plain RRF lets its hits outvote every other-language
    result (zh→en Recall@10 fell from 1.00 to 0.12). Fused within the query language, the fused order takes over
    that list's cosines position by position, so the cross-language merge still compares like with like.
    Keyword hits of another language are left out; those without a vector yet (language unknown) are kept."""
    own = per_language.get(query_lang, [])
    same = [(pid, score) for pid, score in keyword if language_of(pid) in (query_lang, None)]
    fused, _ = reciprocal_rank_fusion({"keyword": same, "semantic": own}, k)
    cosines = [score for _, score in own] or [0.0]
    lists = dict(per_language)
    lists[query_lang] = [(pid, cosines[min(i, len(cosines) - 1)]) for i, (pid, _) in enumerate(fused)]
    limit = max(len(keyword), sum(len(hits) for hits in per_language.values()))
    ranked = centered_merge(lists, limit)
    ranks: dict[int, dict[str, int]] = {}
    for name, items in (("keyword", keyword), ("semantic", centered_merge(per_language, limit))):
        for rank, (pid, _) in enumerate(items, start=1):
            ranks.setdefault(pid, {})[name] = rank
    return ranked, ranks


def _facet_value(key: Any) -> Any:
    return int(key) if isinstance(key, float) and key.is_integer() else key


__all__ = [
    "QuerySyntaxError",
    "SearchError",
    "SearchHit",
    "SearchRequest",
    "SearchResponse",
    "SearchService",
    "reciprocal_rank_fusion",
]
