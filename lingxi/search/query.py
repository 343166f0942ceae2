"""The operator's field query language (incoPat/PatSnap style), parsed into a small syntax tree.

    TI=(锂电池 AND (隔膜 OR 电解质)) AND IPC=H01M10/05* AND AP=(西安交通大学 OR 西北工业大学)
        AND AD>=2018-01-01 NOT IN=张三

A small recursive-descent parser rather than a generated one: every error names the character position and what
was expected, in words an operator understands (docs/search-query-language.md has the grammar). The tree says
nothing about the index; lingxi.search.compile turns it into index queries.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Union


class QuerySyntaxError(ValueError):
    """A query that cannot be read. `position` is the 0-based character offset, `expected` what would fit there."""

    def __init__(self, message: str, position: int, expected: str = "", query: str = ""):
        self.message, self.position, self.expected, self.query = message, position, expected, query
        text = f"{message} at position {position}"
        if expected:
            text += f": expected {expected}"
        super().__init__(text)

    def pointer(self) -> str:
        """The query with a caret under the error, for terminals."""
        return f"{self.query}\n{' ' * _display_width(self.query[: self.position])}^"

    def as_dict(self) -> dict:
        return {"error": "query syntax", "message": self.message, "position": self.position,
                "expected": self.expected, "detail": str(self)}


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# ---------------------------------------------------------------------------------------------- fields

TEXT_FIELDS = ("TI", "AB", "CL", "TX", "TIAB", "AP", "IN")
NUMBER_FIELDS = ("PN", "AN")
CLASS_FIELDS = ("IPC", "CPC")
DATE_FIELDS = ("AD", "PD", "GD")
CODE_FIELDS = ("KIND", "CO", "LS", "APT", "REGION", "PROV", "CITY", "LANG")
FIELDS = TEXT_FIELDS + NUMBER_FIELDS + CLASS_FIELDS + DATE_FIELDS + CODE_FIELDS
ALIASES = {
    "TITLE": "TI", "ABST": "AB", "ABSTRACT": "AB", "CLM": "CL", "CLAIMS": "CL", "ALL": "TX", "TA": "TIAB",
    "PA": "AP", "AS": "AP", "APPLICANT": "AP", "ASSIGNEE": "AP", "PR": "AP", "INV": "IN", "INVENTOR": "IN",
    "PUB": "PN", "APP": "AN", "IC": "IPC", "CPC-CLASS": "CPC", "APD": "AD", "PBD": "PD", "ISD": "GD",
    "KD": "KIND", "DT": "KIND", "TYPE": "KIND", "CC": "CO", "COUNTRY": "CO", "STATUS": "LS", "ATYPE": "APT",
    "AT": "APT", "PROVINCE": "PROV", "LANGUAGE": "LANG",
}
DEFAULT_FIELD = "TX"
COMPARISONS = (">=", "<=", ">", "<")


def canonical_field(name: str) -> str | None:
    upper = name.upper()
    if upper in FIELDS:
        return upper
    return ALIASES.get(upper)


# ---------------------------------------------------------------------------------------------- syntax tree

@dataclass(frozen=True)
class Term:
    """One value for one field: a word, a quoted phrase, a code or number (a trailing * is a wildcard)."""

    field: str
    value: str
    quoted: bool = False
    position: int = 0

    @property
    def wildcard(self) -> bool:
        return not self.quoted and self.value.endswith("*")


@dataclass(frozen=True)
class Range:
    """A date range; either bound may be missing. Bounds are the values as written (2018, 2018-05, 2018-05-07)."""

    field: str
    low: str | None
    high: str | None
    low_inclusive: bool = True
    high_inclusive: bool = True
    position: int = 0


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Union[Term, Range, And, Or, Not]


def terms_of(node: Node, positive: bool = True):
    """(term, is_positive) for every Term in the tree: highlighting marks only what the query looks for."""
    if isinstance(node, Term):
        yield node, positive
    elif isinstance(node, (And, Or)):
        for item in node.items:
            yield from terms_of(item, positive)
    elif isinstance(node, Not):
        yield from terms_of(node.item, not positive)


# ---------------------------------------------------------------------------------------------- lexer

@dataclass(frozen=True)
class _Token:
    kind: str  # WORD QUOTED LPAREN RPAREN LBRACKET RBRACKET OP AND OR NOT TO END
    text: str
    position: int


_QUOTES = {'"': '"', "“": "”", "「": "」", "'": "'"}
_BREAKS = set(" \t\r\n()[]=<>") | set(_QUOTES)
_KEYWORDS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "TO": "TO"}


def _fold(query: str) -> str:
    """Full-width （）＝＞ and spaces to ASCII, character by character so positions stay those the user typed."""
    out = []
    for char in query:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _tokens(query: str) -> list[_Token]:
    text = _fold(query)
    tokens, i = [], 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()[]":
            kinds = {"(": "LPAREN", ")": "RPAREN", "[": "LBRACKET", "]": "RBRACKET"}
            tokens.append(_Token(kinds[char], char, i))
            i += 1
        elif char in "=<>":
            op = text[i : i + 2] if text[i : i + 2] in (">=", "<=") else char
            tokens.append(_Token("OP", op, i))
            i += len(op)
        elif char in _QUOTES:
            end = text.find(_QUOTES[char], i + 1)
            if end < 0:
                raise QuerySyntaxError("unclosed quote", i, f"a closing {_QUOTES[char]}", query)
            if not text[i + 1 : end].strip():
                raise QuerySyntaxError("empty quotes", i, "a word or phrase between the quotes", query)
            tokens.append(_Token("QUOTED", text[i + 1 : end], i))
            i = end + 1
        else:
            start = i
            while i < len(text) and text[i] not in _BREAKS and not text[i].isspace():
                i += 1
            word = text[start:i]
            keyword = _KEYWORDS.get(word.upper())
            # Operators only as whole words: "and" in English text is an operator too, as in incoPat;
            # quote it ("and") to search for the word itself.
            tokens.append(_Token(keyword or "WORD", word, start))
    tokens.append(_Token("END", "", len(text)))
    return tokens


# ---------------------------------------------------------------------------------------------- parser

_TERM_START = "a term, a FIELD=value clause or '('"


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def _next(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def error(self, message: str, expected: str, token: _Token | None = None) -> QuerySyntaxError:
        token = token or self.token
        return QuerySyntaxError(message, token.position, expected, self.query)

    def _describe(self, token: _Token) -> str:
        return "end of query" if token.kind == "END" else f"{token.text!r}"

    def parse(self) -> Node:
        if self.token.kind == "END":
            raise self.error("empty query", _TERM_START)
        node = self.expression(DEFAULT_FIELD)
        if self.token.kind == "RPAREN":
            raise self.error("unmatched ')'", "AND, OR, NOT or end of query")
        if self.token.kind != "END":
            raise self.error(f"unexpected {self._describe(self.token)}", "AND, OR, NOT or end of query")
        return node

    def expression(self, field: str) -> Node:
        items = [self.conjunction(field)]
        while self.token.kind == "OR":
            self._next()
            items.append(self.conjunction(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self, field: str) -> Node:
        items = [self.unary(field)]
        while True:
            kind = self.token.kind
            if kind == "AND":
                self._next()
                items.append(self.unary(field))
            elif kind == "NOT":  # "A NOT B" reads as A AND NOT B
                self._next()
                items.append(Not(self.unary(field)))
            elif kind in ("WORD", "QUOTED", "LPAREN"):  # juxtaposition is AND
                items.append(self.unary(field))
            else:
                break
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, field: str) -> Node:
        if self.token.kind == "NOT":
            self._next()
            return Not(self.unary(field))
        return self.primary(field)

    def primary(self, field: str) -> Node:
        token = self.token
        if token.kind == "LPAREN":
            self._next()
            if self.token.kind == "RPAREN":
                raise self.error("empty parentheses", _TERM_START)
            node = self.expression(field)
            self._close("RPAREN", "')'", token)
            return node
        if token.kind == "WORD" and self.tokens[self.at + 1].kind == "OP":
            return self.field_clause()
        if token.kind in ("WORD", "QUOTED"):
            self._next()
            return self.value(field, token)
        if token.kind == "OP":
            raise self.error(f"{token.text!r} without a field name before it", "a field name such as TI or AD")
        if token.kind == "END":
            raise self.error("unexpected end of query", _TERM_START)
        raise self.error(f"unexpected {self._describe(token)}", _TERM_START)

    def _close(self, kind: str, label: str, opening: _Token) -> None:
        if self.token.kind != kind:
            found = self._describe(self.token)
            raise self.error(f"{opening.text!r} at position {opening.position} is not closed, found {found}",
                             f"{label}, AND, OR or NOT")
        self._next()

    def field_clause(self) -> Node:
        name_token, op_token = self._next(), self._next()
        field = canonical_field(name_token.text)
        if field is None:
            raise self.error(f"unknown field {name_token.text!r}", "one of " + ", ".join(FIELDS), name_token)
        op = op_token.text
        if field in DATE_FIELDS:
            return self.date_clause(field, op, op_token)
        if op != "=":
            raise self.error(f"{field} takes '=' only ({op!r} is for dates: AD, PD, GD)", "'='", op_token)
        token = self.token
        if token.kind == "LPAREN":
            return self.primary(field)
        if token.kind in ("WORD", "QUOTED"):
            self._next()
            return self.value(field, token)
        raise self.error(f"{field}= needs a value", "a value, a quoted phrase or '(' after '='")

    def value(self, field: str, token: _Token) -> Node:
        if field in DATE_FIELDS:  # a bare date inside AD=( … ) means that day, month or year
            return Range(field, token.text, token.text, position=token.position)
        return Term(field, token.text, token.kind == "QUOTED", token.position)

    def date_clause(self, field: str, op: str, op_token: _Token) -> Node:
        token = self.token
        if op == "=" and token.kind == "LBRACKET":
            return self.date_range(field)
        if op == "=" and token.kind == "LPAREN":
            return self.primary(field)
        if token.kind not in ("WORD", "QUOTED"):
            raise self.error(f"{field}{op} needs a date", "a date such as 2018, 2018-05 or 2018-05-07")
        self._next()
        from lingxi.search.fields import InvalidDate, date_bounds

        try:
            date_bounds(token.text)
        except InvalidDate as error:
            raise self.error(str(error), "a date such as 2018, 2018-05 or 2018-05-07", token) from None
        value = token.text
        if op == "=":
            return Range(field, value, value, position=token.position)
        if op in (">=", ">"):
            return Range(field, value, None, low_inclusive=op == ">=", position=token.position)
        return Range(field, None, value, high_inclusive=op == "<=", position=token.position)

    def date_range(self, field: str) -> Node:
        from lingxi.search.fields import InvalidDate, date_bounds

        opening = self._next()
        bounds = []
        for index in range(2):
            token = self.token
            if token.kind != "WORD":
                raise self.error(f"{field}=[…] needs two dates", "a date such as 2018 or 2018-05-07")
            try:
                date_bounds(token.text)
            except InvalidDate as error:
                raise self.error(str(error), "a date such as 2018, 2018-05 or 2018-05-07", token) from None
            bounds.append(self._next().text)
            if index == 0:
                if self.token.kind != "TO":
                    raise self.error("a range needs TO between its dates", "TO, as in AD=[2018 TO 2020]")
                self._next()
        if self.token.kind != "RBRACKET":
            raise self.error(f"'[' at position {opening.position} is not closed", "']'")
        self._next()
        return Range(field, bounds[0], bounds[1], position=opening.position)


def parse_query(query: str) -> Node:
    """Parse a query; raises QuerySyntaxError (with position and expectation) when it cannot be read."""
    return _Parser(query).parse()
