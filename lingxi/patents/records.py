"""The canonical patent record every importer produces.

Importers turn their format into these plain dataclasses; the store turns them into rows. Keeping this
layer free of SQL lets importers be tested on files alone and keeps one definition of "a patent".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

PartyRole = Literal["applicant", "assignee", "inventor", "agent"]
DocType = Literal["invention", "utility_model", "design", "plant", "reissue", "other"]
ClassificationScheme = Literal["IPC", "CPC", "USPC", "LOCARNO", "FI", "OTHER"]
CitationCategory = Literal["examiner", "applicant", "third_party", "other"]


@dataclass
class PartyMention:
    """A party as written on one document: applicant, assignee (owner), inventor or agent."""

    role: PartyRole
    name: str
    sequence: int = 0
    country: str | None = None
    state: str | None = None
    city: str | None = None
    address: str | None = None


@dataclass
class Classification:
    scheme: ClassificationScheme
    code: str  # normalised, e.g. "H01M 10/0525", "D1/128", "0601"
    is_main: bool = False
    sequence: int = 0


@dataclass
class Citation:
    """A backward citation: a patent document (number set) or non-patent literature (npl_text set)."""

    sequence: int = 0
    number: str | None = None  # as written on the citing document
    country: str | None = None
    kind: str | None = None
    date: dt.date | None = None
    name: str | None = None  # first-named patentee as printed
    category: CitationCategory = "other"
    npl_text: str | None = None


@dataclass
class LegalEvent:
    date: dt.date | None
    code: str | None = None
    description: str | None = None
    # grant, lapse, transfer, licence, pledge, invalidation, open_licence, restoration, other
    event_class: str = "other"


@dataclass
class PatentRecord:
    """One patent publication as read from a source file, before it is stored."""

    title: str
    source_format: str = ""
    publication_number: str | None = None  # as given; normalised by the store
    application_number: str | None = None
    external_id: str | None = None  # a source id used when there is no publication number
    country: str | None = None
    kind_code: str | None = None
    doc_type: DocType | None = None
    publication_date: dt.date | None = None
    application_date: dt.date | None = None
    grant_date: dt.date | None = None
    abstract: str | None = None
    claims: list[str] = field(default_factory=list)
    first_claim: str | None = None
    description: str | None = None
    language: str | None = None
    legal_status: str | None = None
    family_id: str | None = None
    classifications: list[Classification] = field(default_factory=list)
    parties: list[PartyMention] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    legal_events: list[LegalEvent] = field(default_factory=list)
    priority_claims: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def content_hash(self) -> str:
        """Stable digest of the record's content, used to tell unchanged re-imports from updates.

        Equal records (e.g. one parsed from a file and the same one rebuilt from the database) give equal
        digests. Texts longer than a line (a description runs to tens of kilobytes) go into the hash as UTF-8
        bytes, never through an escaping pass; everything else as the repr of plain values (str, int, bool,
        None, dates), with the free-form dicts and lists as sorted-key JSON so their key order never matters.
        """
        digest = hashlib.sha256()
        values: list[Any] = []
        for name in _RECORD_FIELDS:
            value = getattr(self, name)
            if value.__class__ is str and len(value) > _LONG_TEXT:
                values.append(len(value))  # where it goes and how long: no two layouts hash alike
                digest.update(value.encode("utf-8", "surrogatepass"))
            elif name in _NESTED_FIELDS:
                values.append(_nested_values(value) if value else value)
            elif name in _JSON_FIELDS and value:
                values.append(_SORTED_JSON(value))
            else:
                values.append(value)
        digest.update(repr(values).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]


def _nested_values(items: list) -> list:
    try:
        return [tuple(vars(item).values()) for item in items]
    except TypeError:  # not all dataclasses (say, a dict made by hand): hash them as JSON would show them
        return [_SORTED_JSON(item) for item in items]


_LONG_TEXT = 64
# Lists of the small dataclasses above: hashed as tuples of their field values, in field order.
_NESTED_FIELDS = frozenset({"classifications", "parties", "citations", "legal_events"})
_JSON_FIELDS = frozenset({"priority_claims", "extra"})
_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(PatentRecord))


def jsonable(value: Any) -> Any:
    """A copy of nested dicts/lists with dates as ISO strings, safe for JSON columns and diffs."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return vars(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_SORTED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_default).encode


@dataclass
class SourceLocation:
    """Where in an input a record came from, so a rejection can point at it."""

    file: str
    line: int | None = None  # 1-based line of a text file or spreadsheet row
    document: int | None = None  # 1-based index of a document inside a multi-document file
    identifier: str | None = None  # e.g. the document number, when known

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.document is not None:
            parts.append(f"document {self.document}")
        if self.identifier:
            parts.append(self.identifier)
        return ", ".join(parts)


@dataclass
class ParsedRecord:
    record: PatentRecord
    location: SourceLocation
    description_left_out: bool = False  # the document had a description that the import options leave out


@dataclass
class Rejection:
    location: SourceLocation
    reason: str
    excerpt: str | None = None  # a short piece of the offending input


ParseResult = ParsedRecord | Rejection
