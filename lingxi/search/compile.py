"""Query syntax tree → Tantivy query.

Text terms match either the words field (a phrase of the term's words, which ranks well) or, for Chinese, the
bigram field (a phrase of character pairs = an exact substring, which finds what segmentation split differently).
Codes, numbers and dates are filters: they score zero, so ranking comes from the text the operator typed.

Two shapes are chosen for speed only, never changing what matches or how it scores: a term's (and an OR's)
alternatives form one flat OR (text_leaves, union), and with the index's frequencies at hand an AND's very common
word is matched beside its rarest one (QueryCompiler._driven).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tantivy
from tantivy import Occur, Query

from lingxi.patents.numbers import InvalidNumber, parse_application_number, parse_publication_number
from lingxi.search.analysis import cjk_runs, has_cjk, normalise, word_tokens
from lingxi.search.fields import (
    canonical_applicant_type,
    canonical_doc_type,
    class_query_term,
    date_bounds,
    legal_status_query_term,
    normalise_class_code,
    region_term,
)
from lingxi.search.query import And, Node, Not, Or, Range, Term

TEXT_TARGETS = {"TI": ("ti",), "AB": ("ab",), "CL": ("cl",), "TX": ("ti", "ab", "cl"), "TIAB": ("ti", "ab"),
                "AP": ("ap",), "IN": ("inv",)}
# Title words weigh more than abstract words, abstract more than claims (claims repeat the abstract's terms).
FIELD_BOOST = {"ti": 3.0, "ab": 1.5, "cl": 1.0, "ap": 1.0, "inv": 1.0}
_LATIN_TOKEN = re.compile(r"[^\W_]+")


# An AND's word found in this many times (× its alternatives) more documents than the AND's rarest word is matched
# beside the rare one (QueryCompiler._driven). 100k patents: 一种 茶杯 ranked 8× faster; 来源于 玉米 一个 (一个 in
# 9,331+ documents beside 来源于's ≤ 491 × 6 alternatives) is left alone, where the rewrite cost twice as much.
DRIVEN_RATIO = 4


class QueryCompiler:
    """`searcher` (optional) lets an AND of a rare and a very common word be matched from the rare one (_driven).
    `matching_only`: the query only has to match the same documents (counting them, facets), not to score them."""

    def __init__(self, schema: tantivy.Schema, party_ids: Callable[[str], list[int]] | None = None,
                 searcher: tantivy.Searcher | None = None, matching_only: bool = False):
        self.schema = schema
        self.party_ids = party_ids or (lambda name: [])
        self.searcher = searcher
        self.matching_only = matching_only

    def for_matching(self) -> QueryCompiler:
        """A compiler of queries that match what this one's match, built for counting rather than ranking."""
        return QueryCompiler(self.schema, self.party_ids, self.searcher, matching_only=True)

    def compile(self, node: Node) -> Query:
        query = self._node(node)
        return query if query is not None else Query.empty_query()

    # --- boolean structure -----------------------------------------------------------------------------------

    def _node(self, node: Node) -> Query | None:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Not):
            inner = self._node(node.item)
            if inner is None:
                return None
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, inner)])
        if isinstance(node, And):
            driver = self._driver(node.items)
            clauses = []
            for position, item in enumerate(node.items):
                if isinstance(item, Not):
                    inner = self._node(item.item)
                    if inner is not None:
                        clauses.append((Occur.MustNot, inner))
                else:
                    query = None
                    if driver is not None and position != driver[0]:
                        query = self._driven(item, driver[1], driver[2])
                    if query is None:
                        query = driver[1] if driver is not None and position == driver[0] else self._node(item)
                    clauses.append((Occur.Must, query if query is not None else Query.empty_query()))
            if not any(occur == Occur.Must for occur, _ in clauses):
                clauses.append((Occur.Must, Query.all_query()))
            return Query.boolean_query(clauses)
        if isinstance(node, Or):
            leaves = self._or_leaves(node)
            return union(leaves) if leaves else None
        raise TypeError(f"unknown query node {node!r}")

    def _or_leaves(self, node: Or) -> list[tuple[Query, float]]:
        """An OR's alternatives as one flat list (boost, query): text terms and nested ORs give their leaves."""
        leaves: list[tuple[Query, float]] = []
        for item in node.items:
            if isinstance(item, Or):
                leaves += self._or_leaves(item)
            elif isinstance(item, Term) and item.field in TEXT_TARGETS and item.field != "AP":
                leaves += self.text_leaves(item)
            else:
                query = self._node(item)
                if query is not None:
                    leaves.append((query, 1.0))
        return leaves

    def _driver(self, items: tuple[Node, ...]) -> tuple[int, Query, int] | None:
        """The AND's rarest plain word, (position, its query, at most how many documents it matches), if any."""
        if self.searcher is None:
            return None
        best = None
        for position, item in enumerate(items):
            bounds = text_term_bounds(self.searcher, item) if isinstance(item, Term) else None
            if bounds is not None and (best is None or bounds[1] < best[1]):
                best = (position, bounds[1])
        if best is None:
            return None
        query = self._node(items[best[0]])
        return (best[0], query, best[1]) if query is not None else None

    def _driven(self, item: Node, driver: Query, driver_at_most: int) -> Query | None:
        """A word of an AND that is far more common than the AND's rarest word (一种 beside 茶杯), as the OR of its
        alternatives each intersected with the rare word (scoring zero there): the same documents and the same
        scores as the word's own OR, which the AND intersects with the rare word anyway. Tantivy intersects a single
        posting list with a rare one by skipping through it, but an OR (a union of six posting lists) by walking all
        of it: 一种 茶杯 was ranked, counted and faceted by walking 一种 three times. None: leave the item as it is."""
        bounds = text_term_bounds(self.searcher, item) if isinstance(item, Term) else None
        if bounds is None:
            return None
        leaves = self.text_leaves(item)
        # The rare word is then matched once per alternative: worth it only if the common word is far larger
        if bounds[0] < DRIVEN_RATIO * len(leaves) * max(driver_at_most, 1):
            return None
        rare = Query.const_score_query(driver, 0.0)
        return union([(Query.boolean_query([(Occur.Must, _boosted(leaf, boost)), (Occur.Must, rare)]), 1.0)
                      for leaf, boost in leaves])

    # --- leaves ------------------------------------------------------------------------------------------------

    def _term(self, term: Term) -> Query | None:
        field = term.field
        if field in TEXT_TARGETS:
            text = self._text(term)
            if field == "AP":
                return self._applicant(term, text)
            return text
        if field in ("PN", "AN"):
            return self._filter(self._number(term))
        if field in ("IPC", "CPC"):
            return self._filter(self._classification(term))
        return self._filter(self._code(term))

    def _text(self, term: Term) -> Query | None:
        leaves = self.text_leaves(term)
        return union(leaves) if leaves else None

    def text_leaves(self, term: Term) -> list[tuple[Query, float]]:
        """A text term's alternatives, field by field (words reading, substring reading), each with its field's
        boost. Kept flat — one OR of (boosted) term and phrase queries rather than an OR of per-field ORs — because
        Tantivy ranks a flat OR of plain terms with block-max WAND (skipping blocks that cannot reach the top hits)
        and a nested one by scoring every match. The score is the same sum either way."""
        value = term.value.rstrip("*") if term.wildcard else term.value
        leaves = []
        for field in TEXT_TARGETS[term.field]:
            leaves += [(query, FIELD_BOOST[field]) for query in self._text_in_field(field, value, term.wildcard)]
        return leaves

    def _text_in_field(self, field: str, value: str, wildcard: bool) -> list[Query]:
        """The queries any of which matches `value` in `field` (OR-ed by the caller)."""
        words = word_tokens(value)
        if wildcard and words and not has_cjk(words[-1]):
            # batter* → the last word as a prefix over the words dictionary
            last = Query.regex_query(self.schema, field, re.escape(words[-1]) + ".*")
            by_words = self._phrase(field, words[:-1], last) if len(words) > 1 else last
        else:
            by_words = self._phrase(field, words) if words else None
        alternatives = [by_words] if by_words is not None else []
        runs = cjk_runs(value)
        if not runs:
            return alternatives
        # Substring fallback: every Chinese run as a bigram phrase, every Latin word as a word.
        latin = [w for w in words if not has_cjk(w)]
        if len(runs) == 1 and not latin:
            by_bigrams = self._bigram_alternatives(f"{field}_bg", runs[0])
            if self.matching_only and words == runs:
                # One Chinese word: wherever the index has the word, the text has its characters, so its character
                # pairs (the substring reading) match every document the word does; counting 一种 walks three
                # posting lists instead of six (tests: test_counting_query_matches_what_the_ranked_one_does)
                return by_bigrams
            return alternatives + by_bigrams
        parts = [self._bigram_phrase(f"{field}_bg", run) for run in runs]
        parts += [Query.term_query(self.schema, field, w) for w in latin]
        return alternatives + [Query.boolean_query([(Occur.Must, p) for p in parts])]

    def _phrase(self, field: str, words: list[str], last: Query | None = None) -> Query:
        if last is not None:  # a phrase ending in a prefix: approximate as all words present plus the prefix
            clauses = [(Occur.Must, Query.term_query(self.schema, field, w)) for w in words]
            return Query.boolean_query(clauses + [(Occur.Must, last)])
        if len(words) == 1:
            return Query.term_query(self.schema, field, words[0])
        return Query.phrase_query(self.schema, field, words)

    def _bigram_phrase(self, field: str, run: str) -> Query:
        alternatives = self._bigram_alternatives(field, run)
        return alternatives[0] if len(alternatives) == 1 else Query.boolean_query(
            [(Occur.Should, q) for q in alternatives])

    def _bigram_alternatives(self, field: str, run: str) -> list[Query]:
        """A Chinese run as a substring: the phrase of its character pairs; one character alone, or as either half
        of a pair."""
        if len(run) == 1:
            char = re.escape(run)
            return [Query.term_query(self.schema, field, run), Query.regex_query(self.schema, field, f"{char}."),
                    Query.regex_query(self.schema, field, f".{char}")]
        pairs = [run[i : i + 2] for i in range(len(run) - 1)]
        if len(pairs) == 1:
            return [Query.term_query(self.schema, field, pairs[0])]
        return [Query.phrase_query(self.schema, field, pairs)]

    def _applicant(self, term: Term, text: Query | None) -> Query | None:
        """AP: every party whose name clusters with the value (all its spellings), or the value in the names."""
        ids = [] if term.wildcard else self.party_ids(term.value)
        if not ids:
            return text
        by_party = self._filter(Query.term_set_query(self.schema, "ap_party", ids))
        if text is None:
            return by_party
        return Query.boolean_query([(Occur.Should, Query.boost_query(text, 1.0)), (Occur.Should, by_party)])

    def _number(self, term: Term) -> Query:
        value = normalise(term.value).upper().replace(" ", "")
        if term.wildcard:
            stem = re.sub(r"[\s,/\-_.]", "", value.rstrip("*"))
            field = "pn" if term.field == "PN" else "an"
            stem = re.sub(r"^ZL", "CN", stem)
            return Query.regex_query(self.schema, field, re.escape(stem) + ".*")
        terms = set()
        if term.field == "PN":
            for country in (None, "CN", "US"):
                try:
                    number = parse_publication_number(term.value, country)
                except InvalidNumber:
                    continue
                terms.add(number.key if number.kind else number.base)
            terms.add(value)
            if not value.startswith("ID:"):
                terms.add(f"ID:{value}")
            return Query.term_set_query(self.schema, "pn", sorted(terms))
        for country in (None, "CN", "US"):
            try:
                number = parse_application_number(term.value, country)
            except InvalidNumber:
                continue
            terms.add(f"{number.country}{number.serial}")
        terms.add(value)
        return Query.term_set_query(self.schema, "an", sorted(terms))

    def _classification(self, term: Term) -> Query:
        field = term.field.lower()
        if term.wildcard:
            stem = normalise_class_code(term.value.rstrip("*"))
            return Query.regex_query(self.schema, field, re.escape(stem) + ".*")
        return Query.term_query(self.schema, field, class_query_term(term.value))

    def _code(self, term: Term) -> Query:
        value = term.value.strip()
        field = term.field
        if field == "KIND":
            doc_type = canonical_doc_type(value)
            if doc_type:
                return Query.term_query(self.schema, "doc_type", doc_type)
            return Query.term_query(self.schema, "kind", value.upper())
        if field == "CO":
            return Query.term_query(self.schema, "country", value.upper())
        if field == "LS":
            return Query.term_query(self.schema, "ls", legal_status_query_term(value))
        if field == "APT":
            return Query.term_query(self.schema, "apt", canonical_applicant_type(value) or value.lower())
        if field == "LANG":
            return Query.term_query(self.schema, "lang", value.lower())
        place = region_term(value)
        if field == "PROV":
            return Query.term_query(self.schema, "prov", place)
        if field == "CITY":
            return Query.term_query(self.schema, "city", place)
        return Query.boolean_query([
            (Occur.Should, Query.term_query(self.schema, "prov", place)),
            (Occur.Should, Query.term_query(self.schema, "city", place)),
        ])

    def _range(self, node: Range) -> Query:
        low, high, include_low, include_high = 0, 99_991_231, True, True
        if node.low is not None:
            first, last = date_bounds(node.low)
            low, include_low = (first, True) if node.low_inclusive else (last, False)
        if node.high is not None:
            first, last = date_bounds(node.high)
            high, include_high = (last, True) if node.high_inclusive else (first, False)
        query = Query.range_query(self.schema, node.field.lower(), tantivy.FieldType.Integer, low, high,
                                  include_lower=include_low, include_upper=include_high)
        return self._filter(query)

    @staticmethod
    def _filter(query: Query) -> Query:
        return Query.const_score_query(query, 0.0)


def text_term_bounds(searcher: tantivy.Searcher, term: Term) -> tuple[int, int] | None:
    """(at least, at most) how many documents a one-word text term matches, from the index's document frequencies
    of the term queries it compiles to (text_leaves): at least as many as its most frequent one, at most their sum
    (a bigram phrase: its rarest pair), capped at the collection. None for anything else (phrases of several words,
    wildcards, AP). Frequencies still count deleted documents until segments merge: after many updates the lower
    bound can be a little high, so it only ever decides how a query is evaluated, never what it matches."""
    if term.field not in TEXT_TARGETS or term.field == "AP" or term.wildcard:
        return None
    words = word_tokens(term.value)
    if len(words) != 1:
        return None
    word, runs, documents = words[0], cjk_runs(term.value), searcher.num_docs
    fields = TEXT_TARGETS[term.field]
    frequencies = [searcher.doc_freq(field, word) for field in fields]
    at_least, at_most = max(frequencies), sum(frequencies)
    if runs:
        if runs != [word]:
            return None
        if len(word) == 1:  # a lone character also matches as half of any pair (a regex)
            at_most = documents
        else:
            pairs = [word[i : i + 2] for i in range(len(word) - 1)]
            by_pairs = [min(searcher.doc_freq(f"{field}_bg", pair) for pair in pairs) for field in fields]
            at_most += sum(by_pairs)
            if len(pairs) == 1:
                at_least = max(at_least, *by_pairs)
    return min(at_least, documents), min(at_most, documents)


def _boosted(query: Query, boost: float) -> Query:
    return query if boost == 1.0 else Query.boost_query(query, boost)


def union(leaves: list[tuple[Query, float]]) -> Query:
    """OR of the (query, boost) leaves, each boosted (a boost of 1 left out); one leaf alone is itself, none matches
    nothing."""
    queries = [_boosted(query, boost) for query, boost in leaves]
    if len(queries) < 2:
        return queries[0] if queries else Query.empty_query()
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def latin_words(text: str) -> list[str]:
    return _LATIN_TOKEN.findall(text)
