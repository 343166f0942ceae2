"""Query syntax tree → Tantivy query.

Text terms match either the words field (a phrase of the term's words, which ranks well) or, for Chinese, the
bigram field (a phrase of character pairs = an exact substring, which finds what segmentation split differently).
Codes, numbers and dates are filters: they score zero, so ranking comes from the text the operator typed.
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


class QueryCompiler:
    def __init__(self, schema: tantivy.Schema, party_ids: Callable[[str], list[int]] | None = None):
        self.schema = schema
        self.party_ids = party_ids or (lambda name: [])

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
            clauses = []
            for item in node.items:
                if isinstance(item, Not):
                    inner = self._node(item.item)
                    if inner is not None:
                        clauses.append((Occur.MustNot, inner))
                else:
                    query = self._node(item)
                    clauses.append((Occur.Must, query if query is not None else Query.empty_query()))
            if not any(occur == Occur.Must for occur, _ in clauses):
                clauses.append((Occur.Must, Query.all_query()))
            return Query.boolean_query(clauses)
        if isinstance(node, Or):
            queries = [q for q in (self._node(item) for item in node.items) if q is not None]
            return Query.boolean_query([(Occur.Should, q) for q in queries]) if queries else None
        raise TypeError(f"unknown query node {node!r}")

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
        value = term.value.rstrip("*") if term.wildcard else term.value
        per_field = []
        for field in TEXT_TARGETS[term.field]:
            query = self._text_in_field(field, value, term.wildcard)
            if query is not None:
                per_field.append(Query.boost_query(query, FIELD_BOOST[field]))
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else Query.boolean_query([(Occur.Should, q) for q in per_field])

    def _text_in_field(self, field: str, value: str, wildcard: bool) -> Query | None:
        words = word_tokens(value)
        if wildcard and words and not has_cjk(words[-1]):
            # batter* → the last word as a prefix over the words dictionary
            last = Query.regex_query(self.schema, field, re.escape(words[-1]) + ".*")
            by_words = self._phrase(field, words[:-1], last) if len(words) > 1 else last
        else:
            by_words = self._phrase(field, words) if words else None
        runs = cjk_runs(value)
        if not runs:
            return by_words
        # Substring fallback: every Chinese run as a bigram phrase, every Latin word as a word.
        parts = [self._bigram_phrase(f"{field}_bg", run) for run in runs]
        latin = [w for w in words if not has_cjk(w)]
        parts += [Query.term_query(self.schema, field, w) for w in latin]
        by_bigrams = parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Must, p) for p in parts])
        if by_words is None:
            return by_bigrams
        return Query.boolean_query([(Occur.Should, by_words), (Occur.Should, by_bigrams)])

    def _phrase(self, field: str, words: list[str], last: Query | None = None) -> Query:
        if last is not None:  # a phrase ending in a prefix: approximate as all words present plus the prefix
            clauses = [(Occur.Must, Query.term_query(self.schema, field, w)) for w in words]
            return Query.boolean_query(clauses + [(Occur.Must, last)])
        if len(words) == 1:
            return Query.term_query(self.schema, field, words[0])
        return Query.phrase_query(self.schema, field, words)

    def _bigram_phrase(self, field: str, run: str) -> Query:
        if len(run) == 1:  # one character: alone, or as either half of a pair
            char = re.escape(run)
            return Query.boolean_query([
                (Occur.Should, Query.term_query(self.schema, field, run)),
                (Occur.Should, Query.regex_query(self.schema, field, f"{char}.")),
                (Occur.Should, Query.regex_query(self.schema, field, f".{char}")),
            ])
        pairs = [run[i : i + 2] for i in range(len(run) - 1)]
        if len(pairs) == 1:
            return Query.term_query(self.schema, field, pairs[0])
        return Query.phrase_query(self.schema, field, pairs)

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


def latin_words(text: str) -> list[str]:
    return _LATIN_TOKEN.findall(text)
