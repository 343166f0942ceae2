"""USPTO full-text XML: patent grants and application publications.

Supported formats
- grants ``<us-patent-grant>``, ICE DTD v4.0 (2005) to v4.5 (2014 onwards);
- applications ``<us-patent-application>``, ICE DTD v4.0 to v4.4;
- applications of 2002-2004 ``<patent-application-publication>`` (pap-v16).

USPTO ships weekly files that concatenate thousands of XML documents, each with its own XML declaration
and DOCTYPE, so a weekly file is not itself well-formed XML. We cut the file into documents while
streaming it (a new document starts at every line that begins with ``<?xml``) and parse each document on
its own with lxml, without loading any DTD or touching the network. A broken document therefore costs a
single `Rejection` and the rest of the file still imports.

Conventions of the records produced here
- ``publication_number`` is the country plus the number as printed ("US08613112", "USD0656296",
  "US20130014308"); the store normalises it. ``kind_code`` is the printed kind (B2, S1, A1, ...).
- Every ``sequence`` is 0-based and follows the order of the document. Parties keep the position they
  have in the list they come from, so on a pre-2013 grant where inventors and legal representatives
  share one ``<applicants>`` list, the two roles interleave by sequence as on the document.
- Claims are listed in order, each the full text of one claim (nested claim-text included) without its
  leading number ("1. "), whitespace normalised.
- Dates in ``extra`` and ``priority_claims`` are ISO strings so those dicts serialise to JSON as they are.

Sequence listings (``<sequence-cwu>``) travel in the same weekly files but are attachments, not patent
documents: they are skipped without being parsed.
"""

from __future__ import annotations

import datetime as dt
import html.entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.records import (
    Citation,
    CitationCategory,
    Classification,
    ParsedRecord,
    ParseResult,
    PartyMention,
    PartyRole,
    PatentRecord,
    Rejection,
    SourceLocation,
)

FORMAT_NAME = "uspto-xml"

GRANT_ROOT = "us-patent-grant"
APPLICATION_ROOT = "us-patent-application"
PAP_ROOT = "patent-application-publication"
SEQUENCE_LISTING_ROOT = "sequence-cwu"

_READ_SIZE = 1 << 20  # bytes read at a time while splitting; documents are usually 5-500 KB
_DECLARATION = b"<?xml"
_NEW_DOCUMENT = b"\n<?xml"  # a declaration at the start of a line begins the next document

# One parser for all documents: no DTD, no network, no entity expansion (XXE-safe); huge_tree because
# some grants carry text nodes and tables larger than libxml2's default safety limits. Nothing here looks
# elements up by their id attribute, and a grant has hundreds (every paragraph, claim and figure): without
# collect_ids the parser no longer files each in a hash table (parsing −9 %, measured on the bench corpus).
_PARSER = etree.XMLParser(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    huge_tree=True,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
)

_SNIFF_ROOT = re.compile(
    rb"<!DOCTYPE\s+(?:us-patent-grant|us-patent-application|patent-application-publication)\b"
    rb"|<(?:us-patent-grant|us-patent-application|patent-application-publication)[\s>]"
)
_LISTING_DOCTYPE = b"<!DOCTYPE " + SEQUENCE_LISTING_ROOT.encode()
_SEQUENCE_LISTING = re.compile(rb"<!DOCTYPE\s+sequence-cwu\b|<sequence-cwu[\s>]")
_FIRST_DOC_NUMBER = re.compile(rb"<doc-number>\s*([^<\s]+)\s*</doc-number>")
_UNDEFINED_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z]")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_CLAIM_NUMBER = re.compile(r"^\d+(?:\s*-\s*\d+)?\s*\.\s*")
_IPC_SLASHED = re.compile(r"([A-H]\d\d[A-Z])\s*0*(\d+)\s*/\s*(\d+)")
_IPC_FIXED = re.compile(r"([A-H]\d\d[A-Z])(.*)")
_USPC_CLASS = re.compile(r"([A-Z]*)(\d*)$")
_SPACE_RUNS = re.compile(r"  +")
_LINE_BREAKS = re.compile(r"\n\s+")  # a line break with the blank lines and indentation after it
# The same two on UTF-8 bytes. \s in text is ASCII whitespace, U+001C-U+001F, U+0085, U+00A0, U+1680,
# U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000: here as their UTF-8 sequences (a run of the ASCII
# ones is taken in one step: matching indentation a character at a time through the alternatives was slow).
_SPACE_RUNS_UTF8 = re.compile(rb"  +")
_LINE_BREAKS_UTF8 = re.compile(
    rb"\n(?:[\t\n\x0b\x0c\r\x1c-\x1f ]++|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]"
    rb"|\xe2\x81\x9f|\xe3\x80\x80)+"
)

# USPTO renders an underscore (mostly in URLs) as a subscript em dash; PatentsView turns it back into
# "_", and so do we, on the raw bytes before parsing because that is one cheap replace per document.
_UNDERSCORE_IDIOM = b"<sub>&#x2014;</sub>"
_CLAIM_TEXT = b"<claim-text>"
_CLAIM_TEXT_OPEN = b"<claim-text"
_CLAIM_TEXT_SPACED = b"<claim-text> "
_CLAIM_TEXT_WITH_ATTRIBUTES = re.compile(rb"<claim-text[^>]")
_DESCRIPTION_START = re.compile(rb"<((?:subdoc-)?description)[\s>/]")

_CATEGORIES: dict[str, CitationCategory] = {
    "cited by examiner": "examiner",
    "cited by applicant": "applicant",
    "cited by other": "other",
    "cited by third party": "third_party",
}

# appl-type attribute of <application-reference> -> canonical document type.
_APPL_TYPES = {
    "utility": "invention",
    "design": "design",
    "plant": "plant",
    "reissue": "reissue",
    "sir": "other",  # statutory invention registration
    "defensive-publication": "other",
}
# Fallback from the first letter of the kind code when appl-type is missing.
_KIND_TYPES = {"A": "invention", "B": "invention", "S": "design", "P": "plant", "E": "reissue", "H": "other"}

# Countries USPTO writes for "no country given".
_NO_COUNTRY = {"", "unknown", "omitted", "XX", "xx"}

# ISO 8879 Greek entity names used by 2002-2004 (SGML-era) documents and missing from HTML's list.
_ISO_GREEK = dict(
    zip(
        "agr bgr ggr dgr egr zgr eegr thgr igr kgr lgr mgr ngr xgr ogr pgr rgr sgr sfgr tgr ugr phgr khgr "
        "psgr ohgr".split(),
        "αβγδεζηθικλμνξοπρσςτυφχψω",
    )
)
_ISO_GREEK.update(
    zip(
        "Agr Bgr Ggr Dgr Egr Zgr EEgr THgr Igr Kgr Lgr Mgr Ngr Xgr Ogr Pgr Rgr Sgr Tgr Ugr PHgr KHgr PSgr OHgr".split(),
        "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    )
)


class UsptoXmlImporter:
    name = FORMAT_NAME
    description = (
        "USPTO full-text XML: grant and application weekly files (ICE DTD v4.0-v4.5) "
        "and 2002-2004 application publications (pap-v16)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        """An XML declaration followed by one of the USPTO patent root elements, whatever the file is called."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return start.startswith(_DECLARATION) and _SNIFF_ROOT.search(head) is not None

    def count(self, path: Path, options: ImportOptions) -> int | None:
        """Number of XML declarations less the sequence listings, by scanning bytes (no XML parsing).

        Listings are recognised by their DOCTYPE, as USPTO ships them (a long needle is found several times
        faster than "<sequence-cwu"); this is a count for the progress bar, nothing depends on it.
        """
        declarations, listings = _count_in_file(path, (_NEW_DOCUMENT, _LISTING_DOCTYPE))
        return max(declarations - listings, 0)

    def parse(self, path: Path, options: ImportOptions) -> Iterator[ParseResult]:
        file_name = str(path)
        description = options.include_description
        with path.open("rb") as stream:
            for raw in split_documents(stream):
                result = parse_document(raw, file_name, include_description=description)
                if result is not None:
                    yield result

    def parse_spans(
        self, path: Path, options: ImportOptions, share: int, shares: int, span_bytes: int, block: int
    ) -> Iterator[list[ParseResult] | SpanEnd]:
        """One share of the file, for parse workers that split it between them by byte ranges.

        The file is cut into spans of about `span_bytes`: span c holds the documents whose first byte lies in
        [c × span_bytes, (c + 1) × span_bytes). This worker takes spans share, share + shares, … and reads only
        those (plus a newline count of the bytes before each, so lines are the file's): no process splits the
        whole file. Per span it yields lists of results of up to `block` documents, then a SpanEnd.

        Document numbers in the results count from the start of their span (the reader, taking the spans in
        file order, adds the documents of the spans before); lines are lines of the file.
        """
        file_name = str(path)
        description = options.include_description
        spans = max(1, -(-path.stat().st_size // span_bytes))
        with path.open("rb") as stream:
            position, line = 0, 1  # a position already reached, and the line it is on
            for span in range(share, spans, shares):
                start = _span_start(stream, span * span_bytes)
                end = _span_start(stream, (span + 1) * span_bytes)
                line += _newlines(stream, position, start)
                tally: list[int] = []
                stream.seek(start)
                results: list[ParseResult] = []
                bounded = _Bounded(stream, end - start)
                for raw in split_documents(bounded, first_line=line, at_file_start=start == 0, tally=tally):
                    result = parse_document(raw, file_name, include_description=description)
                    if result is not None:
                        results.append(result)
                    if raw.index % block == 0 and results:
                        yield results
                        results = []
                if results:
                    yield results
                documents, line = tally
                position = end
                yield SpanEnd(documents)


@dataclass
class SpanEnd:
    """Marks the end of a span of the file (UsptoXmlImporter.parse_spans): how many documents it held,
    sequence listings included."""

    documents: int


def _span_start(stream: BinaryIO, offset: int) -> int:
    """Where the first document starting at or after `offset` begins (the end of the file if none does)."""
    if offset <= 0:
        return 0
    stream.seek(offset - 1)  # a declaration starting at `offset` is preceded by its line break
    position, tail = offset - 1, b""
    while chunk := stream.read(1 << 16):
        found = _find_new_document(tail + chunk, 0)
        if found >= 0:
            return position - len(tail) + found + 1
        position += len(chunk)
        tail = chunk[-(len(_NEW_DOCUMENT) - 1) :]
    return stream.seek(0, 2)  # the end of the file (`offset` may lie beyond it)


def _newlines(stream: BinaryIO, start: int, end: int) -> int:
    """Line breaks in the bytes [start, end) of the file (read, counted, never split into documents)."""
    count = 0
    stream.seek(start)
    while start < end:
        chunk = stream.read(min(end - start, 8 * _READ_SIZE))
        if not chunk:
            break
        count += chunk.count(b"\n")
        start += len(chunk)
    return count


class _Bounded:
    """A read-only view of the next `size` bytes of a stream."""

    def __init__(self, stream: BinaryIO, size: int):
        self.stream, self.left = stream, size

    def read(self, size: int) -> bytes:
        data = self.stream.read(min(size, self.left)) if self.left > 0 else b""
        self.left -= len(data)
        return data


# --------------------------------------------------------------------------------------------------
# Splitting a weekly file into documents


@dataclass
class RawDocument:
    index: int  # 1-based position in the file, sequence listings included
    line: int  # 1-based line of the document's first byte (its XML declaration)
    data: bytes


def split_documents(
    stream: Any, *, first_line: int = 1, at_file_start: bool = True, tally: list[int] | None = None
) -> Iterator[RawDocument]:
    """Cut a byte stream into documents at every line starting with an XML declaration.

    Reads fixed-size chunks so a multi-gigabyte weekly file never sits in memory; only the current chunk
    and the document being assembled do. Consumed bytes are dropped once per chunk, not once per
    document, to avoid shifting a megabyte of buffer for every small document. `first_line` is the line the
    stream starts on; a stream that is not the start of a file (`at_file_start` false) keeps its leading
    bytes. When done, `tally` (if given) holds the number of documents and the line the stream ended on.
    """
    buffer = bytearray()
    start = 0  # where the current document begins in `buffer`
    search_from = 0
    line = first_line
    index = 0
    while True:
        chunk = stream.read(_READ_SIZE)
        at_end = not chunk
        if at_file_start and chunk:
            # Skip a BOM and blank lines before the first declaration so it is found like the others.
            stripped = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
            line += chunk[: len(chunk) - len(stripped)].count(b"\n")
            chunk = stripped
            at_file_start = not chunk
        if start:
            del buffer[:start]
            search_from -= start
            start = 0
        buffer += chunk
        while True:
            cut = _find_new_document(buffer, max(search_from, start))
            if cut < 0:
                break
            end = cut + 1
            # A piece starting with "<" is a document; anything else is one only if it is not blank.
            if buffer[start] == 0x3C or not buffer[start:end].isspace():
                index += 1
                with memoryview(buffer) as view:  # one copy, not two (slicing a bytearray copies)
                    data = bytes(view[start:end])
                yield RawDocument(index, line, data)
            line += buffer.count(b"\n", start, end)
            start = search_from = end
        if at_end:
            break
        # The marker may straddle two chunks: look again at the last few bytes next time.
        search_from = max(len(buffer) - len(_NEW_DOCUMENT) + 1, start)
    data = bytes(buffer[start:])
    if data and not data.isspace():
        index += 1
        yield RawDocument(index, line, data)
    if tally is not None:
        tally[:] = [index, line + data.count(b"\n")]


# The marker "\n<?xml" is found by hopping from one "?" to the next: a one-byte search runs at memory speed
# (memchr) and a USPTO document holds only a dozen "?", while bytes.find/count on the six-byte marker crawl
# through the text at a tenth of that speed (their skip table keys on "l", found in every other word).


def _find_new_document(data: bytes | bytearray, start: int) -> int:
    """data.find(b"\n<?xml", start), several times faster on USPTO text."""
    find = data.find
    mark = find(b"?", start + 2)
    while mark >= 0:
        if data[mark - 2 : mark + 4] == _NEW_DOCUMENT:
            return mark - 2
        mark = find(b"?", mark + 1)
    return -1


def _occurrences(data: bytes, needle: bytes) -> int:
    """data.count(needle), the document marker found the fast way (_find_new_document)."""
    if needle != _NEW_DOCUMENT:
        return data.count(needle)
    count, cut = 0, _find_new_document(data, 0)
    while cut >= 0:
        count, cut = count + 1, _find_new_document(data, cut + 1)
    return count


def _count_in_file(path: Path, needles: tuple[bytes, ...]) -> list[int]:
    """Occurrences of each needle in a file, chunk by chunk; the first byte counts as after a newline."""
    counts = [0] * len(needles)
    previous = b"\n"  # lets a declaration at offset 0 match "\n<?xml"
    with path.open("rb") as stream:
        first = True
        while chunk := stream.read(8 * _READ_SIZE):
            if first:  # as when splitting, a BOM or blank lines may come before the first declaration
                chunk, first = chunk.lstrip(b"\xef\xbb\xbf \t\r\n"), False
            for i, needle in enumerate(needles):
                # Matches inside the chunk, then the ones straddling the previous chunk and this one (a
                # window of 2 × (len - 1) bytes holds no match that lies wholly on one side).
                reach = len(needle) - 1
                counts[i] += _occurrences(chunk, needle) + _occurrences(previous[-reach:] + chunk[:reach], needle)
            previous = chunk
    return counts


# --------------------------------------------------------------------------------------------------
# One document


def parse_document(raw: RawDocument, file_name: str, *, include_description: bool = True) -> ParseResult | None:
    """Parse one document into a record, a rejection, or None for a sequence listing."""
    head = raw.data[:1000]
    if _SEQUENCE_LISTING.search(head):
        return None  # skipped unparsed: listings can run to many megabytes
    location = SourceLocation(file=file_name, line=raw.line, document=raw.index)
    # Without the description, its bytes (half a document) are neither prepared nor parsed; should the document
    # then fail to parse, it is parsed whole so that the error is the one the file really has.
    cut = raw.data if include_description else _without_description(raw.data)
    data, spaced = _prepared_for_parsing(cut)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if cut is raw.data:
            return _syntax_rejection(exc, raw, location)
        data, spaced = _prepared_for_parsing(raw.data)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as whole:
            return _syntax_rejection(whole, raw, location)
    try:
        if root.tag in (GRANT_ROOT, APPLICATION_ROOT):
            record = _read_ice(root, include_description, spaced)
        elif root.tag == PAP_ROOT:
            record = _read_pap(root, include_description, spaced)
        else:
            reason = f"not a USPTO patent document: root element <{root.tag}>"
            return _rejection(location, raw, reason, head)
    except Exception as exc:  # a bug or an odd document must cost one rejection, not the whole file
        return _rejection(location, raw, f"could not read document: {type(exc).__name__}: {exc}", head)
    if not record.publication_number:
        return _rejection(location, raw, "document has no publication number", head)
    location.identifier = record.publication_number
    return ParsedRecord(record, location, description_left_out=cut is not raw.data)


def _prepared_for_parsing(data: bytes) -> tuple[bytes, bool]:
    """The document's bytes as the parser gets them, and whether every claim-text now starts with a space."""
    data = data.replace(_UNDERSCORE_IDIOM, b"_")
    # Nested claim-text elements are clauses: a space at the start of each keeps one from running into the
    # text before it ("...; and</claim-text><claim-text>finding"). One replace on the bytes does for the whole
    # document what setting the text of every claim-text element would; a tag with attributes takes that path.
    # The claims come last, after the description: search and replace from the first claim-text only.
    first = data.find(_CLAIM_TEXT_OPEN)
    spaced = first < 0 or _CLAIM_TEXT_WITH_ATTRIBUTES.search(data, first) is None
    if spaced and first >= 0:
        data = data[:first] + data[first:].replace(_CLAIM_TEXT, _CLAIM_TEXT_SPACED)
    if _UNDEFINED_ENTITY.search(data):
        data = _replace_named_entities(data)
    return data, spaced


def _without_description(data: bytes) -> bytes:
    """The document less its <description> (ICE) or <subdoc-description> (pap-v16) element."""
    # The element cannot start before the first "description" of the document (its name holds one; others, in
    # the DOCTYPE or the abstract, come earlier): the pattern is tried from there on, not at every "<".
    first = data.find(b"description")
    if first < 0:
        return data
    start = _DESCRIPTION_START.search(data, max(first - len(b"<subdoc-"), 0))
    if start is None:
        return data
    close = b"</" + start.group(1) + b">"
    end = data.rfind(close)
    if end < start.start():
        return data
    return data[: start.start()] + data[end + len(close) :]


def _rejection(location: SourceLocation, raw: RawDocument, reason: str, excerpt: bytes) -> Rejection:
    location.identifier = _doc_number_in(raw.data)
    return Rejection(location, reason, _excerpt(excerpt))


def _doc_number_in(data: bytes) -> str | None:
    """The first doc-number of a document is its publication number in every supported DTD."""
    match = _FIRST_DOC_NUMBER.search(data, 0, 20000)
    return match.group(1).decode("ascii", "replace") if match else None


def _syntax_rejection(exc: etree.XMLSyntaxError, raw: RawDocument, location: SourceLocation) -> Rejection:
    doc_line = exc.lineno or 1
    file_line = raw.line + doc_line - 1
    lines = raw.data.split(b"\n", doc_line)
    bad_line = lines[doc_line - 1] if len(lines) >= doc_line else b""
    return _rejection(location, raw, f"malformed XML at line {file_line}: {exc.msg}", bad_line)


def _excerpt(data: bytes) -> str:
    return data[:200].decode("utf-8", "replace").strip()


def _replace_named_entities(data: bytes) -> bytes:
    """Turn named entities the absent DTD would define into character references lxml understands.

    Unknown names are kept visibly as text ("&foo;") rather than silently dropped.
    """

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("ascii")
        if name in ("amp", "lt", "gt", "quot", "apos"):
            return match.group(0)
        text = _ISO_GREEK.get(name) or html.entities.html5.get(name + ";")
        if text is None:
            return b"&amp;" + match.group(1) + b";"
        return "".join(f"&#{ord(char)};" for char in text).encode("ascii")

    return _NAMED_ENTITY.sub(replace, data)


# --------------------------------------------------------------------------------------------------
# Small helpers shared by both DTD families


def _clean(text: str | None) -> str | None:
    """Collapse whitespace runs to one space; None for empty text.

    Most USPTO text is already clean, so the cheap substring tests skip the costly split/join.
    """
    if not text:
        return None
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    else:
        text = text.strip()
    return text or None


def _text(element: Any) -> str | None:
    """All text inside an element (inline markup such as <i> or <sub> dropped), whitespace normalised."""
    if element is None:
        return None
    if not len(element):
        return _clean(element.text)
    # Serialising as text happens in C and is several times faster than joining itertext().
    return _clean(_to_text(element, method="text", encoding=str, with_tail=False))


_to_text = etree.tostring


def _fields(element: Any, skip: str = "") -> dict[str, str]:
    """Texts of an element's children by tag (first occurrence wins), in one pass instead of many lookups.

    This runs for every document-id, address and name of a document, so _text/_clean are inlined.
    """
    found: dict[str, str] = {}
    if element is None:
        return found
    for child in element:
        tag = child.tag
        if tag in found or tag == skip:
            continue
        text = _to_text(child, method="text", encoding=str, with_tail=False) if len(child) else child.text
        if text:
            if "\n" in text or "  " in text or "\t" in text or "\r" in text:
                text = " ".join(text.split())
            else:
                text = text.strip()
            if text:
                found[tag] = text
    return found


def _child_text(element: Any, path: str) -> str | None:
    if element is None:
        return None
    return _text(element.find(path))


def _date(value: str | None) -> dt.date | None:
    """YYYYMMDD; a 00 month or day (common in citations) means "unknown" and becomes 01."""
    if not value:
        return None
    found = _DATES.get(value, _UNSEEN)
    if found is _UNSEEN:
        found = _parse_date(value)
        if len(_DATES) < _DATES_KEPT:  # dates repeat across documents (a grant cites dozens): parse each once
            _DATES[value] = found
    return found


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]) or 1, int(value[6:]) or 1)
    except ValueError:
        return None


_DATES: dict[str, dt.date | None] = {}
_DATES_KEPT = 20_000  # a few megabytes at most
_UNSEEN = object()


def _iso(value: str | None) -> str | None:
    parsed = _date(value)
    return parsed.isoformat() if parsed else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _country(value: str | None) -> str | None:
    value = _clean(value)
    return None if value is None or value in _NO_COUNTRY else value


def _claim_texts(claim_elements: Iterable[Any], spaced: bool = False) -> list[str]:
    """One full text per claim, nested claim-text elements included, without the leading "1." number.

    `spaced`: every claim-text already starts with a space (see parse_document).
    """
    claims = []
    for claim in claim_elements:
        # Nested claim-text elements are clauses: make sure one never runs into the text before it, even
        # when the source has no line break between them ("...; and</claim-text><claim-text>finding").
        if not spaced:
            for part in claim.iter("claim-text"):
                part.text = " " + part.text if part.text else " "
        text = _text(claim)
        if text:
            claims.append(_CLAIM_NUMBER.sub("", text, count=1))
    return claims


_DESCRIPTION_BLOCKS = {"p", "heading", "paragraph"}


def _description_text(description: Any) -> str | None:
    """Description as paragraphs separated by newlines."""
    if description is None:
        return None
    # Fast path: USPTO puts every block element on a line of its own, so the text serialised in one C call
    # already holds one paragraph per line; regexes then only touch the few places that need squeezing.
    # A document whose blocks do not each end with a newline takes the block-by-block path instead.
    # (Python's regex engine is slow on patterns that start with a character class, hence the
    # substring tests and plain replaces.)
    # The squeezing runs on the UTF-8 bytes, where replaces and regexes cost a fraction of what they do on
    # text holding non-ASCII characters; _LINE_BREAKS_UTF8 matches exactly the characters \s matches in text.
    # Blank lines and indentation go first: indentation (of nested lists and tables) makes most of the runs of
    # spaces, and collapsing those one by one cost more than all the rest. The order does not change the text:
    # whatever follows a line break up to the next visible character goes either way, and the other two steps
    # touch only the spaces before it.
    data = _to_text(description, method="text", encoding="utf-8", with_tail=False)
    if data.count(b"\n") >= len(description):
        data = _LINE_BREAKS_UTF8.sub(b"\n", data)
        if b"  " in data:
            data = _SPACE_RUNS_UTF8.sub(b" ", data)
        if b" \n" in data:
            data = data.replace(b" \n", b"\n")
        return data.decode("utf-8").strip() or None
    blocks: list[str] = []
    _collect_blocks(description, blocks)
    return "\n".join(blocks) or None


def _collect_blocks(container: Any, blocks: list[str]) -> None:
    for child in container:
        tag = child.tag
        # Containers (description-of-drawings, pap-v16 sections ...) hold only block elements and whitespace.
        if tag not in _DESCRIPTION_BLOCKS and len(child) and not (child.text or "").strip():
            _collect_blocks(child, blocks)
            continue
        text = _text(child)
        if text:
            blocks.append(text)


def _doc_id(document_id: Any) -> dict[str, Any]:
    """country/number/kind/name/date (raw YYYYMMDD) of an ICE <document-id>."""
    fields = _fields(document_id)
    return {
        "country": fields.get("country"),
        "number": fields.get("doc-number"),
        "kind": fields.get("kind"),
        "name": fields.get("name"),
        "date": fields.get("date"),
    }


def _doc_type(appl_type: str | None, kind: str | None) -> str | None:
    if appl_type and appl_type in _APPL_TYPES:
        return _APPL_TYPES[appl_type]
    if kind:
        return _KIND_TYPES.get(kind[0])
    return None


class _Classifications:
    """Collects classifications, dropping duplicates and flagging the first of each scheme as main
    unless the document names a main one."""

    def __init__(self) -> None:
        self.items: list[Classification] = []
        self._seen: set[tuple[str, str]] = set()
        self._counts: dict[str, int] = {}

    def add(self, scheme: Any, code: str | None, is_main: bool = False) -> None:
        if not code or (scheme, code) in self._seen:
            return
        self._seen.add((scheme, code))
        sequence = self._counts.get(scheme, 0)
        self._counts[scheme] = sequence + 1
        self.items.append(Classification(scheme=scheme, code=code, is_main=is_main, sequence=sequence))

    def finish(self) -> list[Classification]:
        for scheme in self._counts:
            members = [c for c in self.items if c.scheme == scheme]
            mains = [c for c in members if c.is_main] or members[:1]
            for member in members:  # exactly one main per scheme
                member.is_main = member is mains[0]
        return self.items


def _ipc_from_parts(
    section: str | None, klass: str | None, subclass: str | None, group: str | None, subgroup: str | None
) -> str | None:
    """IPCR/CPC parts -> "H01M 10/0525"."""
    if not (section and klass and subclass and group):
        return None
    group_number = _int(group.strip())
    subgroup = (subgroup or "").strip() or "00"
    if group_number is None:
        return None
    return f"{section.strip()}{klass.strip().zfill(2)}{subclass.strip()} {group_number}/{subgroup.zfill(2)}"


def _ipc_from_string(value: str | None) -> str | None:
    """Printed IPC symbols: "A41B001/00" (pap-v16) or fixed columns "A45F  504" (ICE v4.0/v4.1)."""
    if not value:
        return None
    match = _IPC_SLASHED.search(value)
    if match:
        return f"{match.group(1)} {int(match.group(2))}/{match.group(3).zfill(2)}"
    match = _IPC_FIXED.search(value)
    if not match:
        return None
    rest = match.group(2)
    # After the 4-character subclass: main group right-aligned in 3 columns, then the subgroup.
    group, subgroup = rest[:3].strip(), rest[3:].strip()
    if not group.isdigit():
        return match.group(1)
    if not subgroup.isdigit():
        subgroup = "00"
    return f"{match.group(1)} {int(group)}/{subgroup.zfill(2)}"


def _uspc(value: str | None) -> str | None:
    """ICE national class "D 2703" / " 66176" / "607  3" / " 36 32 R" -> "D2/703", "66/176", "607/3", "36/32R".

    Fixed columns per the USPTO layout: class in 3 columns, subclass in 3, then an optional
    decimal or alphabetic extension ("D 32031" is D3/203.1).
    """
    if not value or not value.strip():
        return None
    extension = value[6:].replace(" ", "")
    return _uspc_join(value[:3], value[3:6].strip(), "" if extension.strip("0") == "" else extension)


def _uspc_pap(klass: str | None, subclass: str | None) -> str | None:
    """pap-v16 <uspc><class>002</class><subclass>069000</subclass> -> "2/69" (last 3 digits: decimals)."""
    if not klass:
        return None
    subclass = (subclass or "").strip()
    extension = subclass[3:]
    if extension.isdigit():  # zero-padded to three digits: "010" is .01
        extension = extension.rstrip("0")
    return _uspc_join(klass, subclass[:3], extension)


def _uspc_join(klass: str, subclass: str, extension: str) -> str | None:
    """Drop padding zeros (class "D07" -> "D7", "002" -> "2"; subclass "069" -> "69") and add the extension."""
    klass = klass.replace(" ", "")
    match = _USPC_CLASS.match(klass)
    if match:  # other shapes (e.g. "G9B") are kept as printed
        klass = f"{match.group(1)}{match.group(2).lstrip('0')}"
    if not klass:
        return None
    subclass = subclass.lstrip("0") or ("0" if subclass else "")
    if extension.isdigit():
        subclass = f"{subclass}.{extension}"
    else:
        subclass += extension
    return f"{klass}/{subclass}" if subclass else klass


# --------------------------------------------------------------------------------------------------
# ICE documents: <us-patent-grant> and <us-patent-application>, DTD v4.0 to v4.5
#
# Lookups go through `_children` maps built in one pass rather than ElementPath find()/findtext(),
# which run in Python and cost a few microseconds each: a grant needs hundreds of lookups.


def _children(element: Any) -> dict[str, Any]:
    """First child element of each tag."""
    found: dict[str, Any] = {}
    if element is not None:
        for child in element:
            if child.tag not in found:
                found[child.tag] = child
    return found


def _first(element: Any, tag: str) -> Any:
    """First child with this tag, or None (iterchildren filters in C)."""
    if element is None:
        return None
    return next(element.iterchildren(tag), None)


def _read_ice(root: Any, include_description: bool = True, claims_spaced: bool = False) -> PatentRecord:
    is_grant = root.tag == GRANT_ROOT
    parts = _children(root)
    bib = parts.get("us-bibliographic-data-grant" if is_grant else "us-bibliographic-data-application")
    if bib is None:
        raise ValueError("no bibliographic data element")
    b = _children(bib)
    publication = _doc_id(_first(b.get("publication-reference"), "document-id"))
    application_ref = b.get("application-reference")
    application = _doc_id(_first(application_ref, "document-id"))
    appl_type = application_ref.get("appl-type") if application_ref is not None else None
    number = publication["number"]
    country = publication["country"] or "US"
    kind = publication["kind"]
    publication_date = _date(publication["date"])
    claims_element = parts.get("claims")
    claims = _claim_texts(claims_element.iterchildren("claim"), claims_spaced) if claims_element is not None else []
    record = PatentRecord(
        title=_text(b.get("invention-title")) or "",
        source_format=FORMAT_NAME,
        publication_number=f"{country}{number}" if number else None,
        application_number=_application_number(application["number"], _text(b.get("us-application-series-code"))),
        country=country,
        kind_code=kind,
        doc_type=_doc_type(appl_type, kind),  # type: ignore[arg-type]
        publication_date=publication_date,
        application_date=_date(application["date"]),
        grant_date=publication_date if is_grant else None,
        abstract=_text(parts.get("abstract")),
        claims=claims,
        first_claim=claims[0] if claims else None,
        description=_description_text(parts.get("description")) if include_description else None,
        language="en",
        legal_status="granted" if is_grant else "published",
        classifications=_ice_classifications(b),
        parties=_ice_parties(b),
        citations=_ice_citations(b.get("us-references-cited", b.get("references-cited"))),
        priority_claims=_ice_priority_claims(b.get("priority-claims")),
    )
    record.extra = _ice_extra(root, b, appl_type, len(claims))
    return record


def _application_number(number: str | None, series: str | None) -> str | None:
    """Series code + serial ("29381217"); ICE numbers already carry the series, older ones may not."""
    if not number:
        return None
    number = number.replace("/", "").replace(",", "").strip()
    if len(number) == 6 and series and series.isdigit():
        return series.zfill(2) + number
    return number


_IPC_PARTS = ("section", "class", "subclass", "main-group", "subgroup")


def _ipc_of(fields: dict[str, str]) -> str | None:
    return _ipc_from_parts(*(fields.get(tag) for tag in _IPC_PARTS))


def _ice_classifications(b: dict[str, Any]) -> list[Classification]:
    found = _Classifications()
    old_ipc = b.get("classification-ipc")  # v4.0/v4.1 grants: printed IPC symbols
    if old_ipc is not None:
        for element in old_ipc:
            if element.tag in ("main-classification", "further-classification"):
                found.add("IPC", _ipc_from_string(element.text), is_main=element.tag == "main-classification")
    ipcr = b.get("classifications-ipcr")
    if ipcr is not None:
        main_given = False
        for item in ipcr.iterchildren("classification-ipcr"):
            fields = _fields(item)
            # The first symbol in position "F" is the one printed first on the patent: the main one.
            is_main = not main_given and fields.get("symbol-position") == "F"
            main_given = main_given or is_main
            found.add("IPC", _ipc_of(fields), is_main=is_main)
    cpc = b.get("classifications-cpc")
    if cpc is not None:
        for holder in cpc:  # main-cpc, further-cpc (combination sets nest deeper, hence iter())
            for item in holder.iter("classification-cpc"):
                found.add("CPC", _ipc_of(_fields(item)), is_main=holder.tag == "main-cpc")
    locarno = b.get("classification-locarno")
    if locarno is not None:
        found.add("LOCARNO", _text(_first(locarno, "main-classification")), is_main=True)
    national = b.get("classification-national")
    if national is not None:
        for element in national:
            if element.tag in ("main-classification", "further-classification"):
                found.add("USPC", _uspc(element.text), is_main=element.tag == "main-classification")
    return found.finish()


def _ice_parties(b: dict[str, Any]) -> list[PartyMention]:
    parties: list[PartyMention] = []
    container = b.get("us-parties")
    if container is not None:
        # v4.3 applications / v4.4 grants onwards (AIA): applicants and inventors are listed apart.
        lists = _children(container)
        parties += _ice_party_list(lists.get("us-applicants"), "applicant")
        parties += _ice_party_list(lists.get("inventors"), "inventor")
    else:
        container = b.get("parties")
        lists = _children(container)
        # Before AIA the inventors were the applicants ("applicant-inventor"); anyone else in the list
        # (a legal representative of a deceased inventor, say) is an applicant only.
        parties += _ice_party_list(lists.get("applicants"), None)
    parties += _ice_party_list(lists.get("agents"), "agent")
    parties += _ice_party_list(b.get("assignees"), "assignee")
    return parties


def _ice_party_list(container: Any, role: PartyRole | None) -> list[PartyMention]:
    """Parties of one list, keeping each one's position in it as its sequence; role None: pre-AIA applicants."""
    if container is None:
        return []
    parties = []
    for position, element in enumerate(container):
        if role is None:
            app_type = element.get("app-type", "applicant-inventor")
            party = _ice_party(element, "inventor" if app_type == "applicant-inventor" else "applicant", position)
        else:
            party = _ice_party(element, role, position)
        if party is not None:
            parties.append(party)
    return parties


def _ice_party(element: Any, role: PartyRole, sequence: int) -> PartyMention | None:
    # Assignees sometimes omit the <addressbook> wrapper and carry orgname/address directly.
    book = _first(element, "addressbook")
    if book is None:
        book = element
    fields = _fields(book, skip="address")
    name = _person_or_org_name(fields)
    if not name:
        return None
    address = _fields(_first(book, "address"))
    country = _country(address.get("country"))
    if country is None:
        country = _country(_text(_first(_first(element, "residence"), "country")))
    street = ", ".join(address[tag] for tag in ("address-1", "address-2", "street", "postcode") if tag in address)
    return PartyMention(
        role=role,
        name=name,
        sequence=sequence,
        country=country,
        state=address.get("state"),
        city=address.get("city"),
        address=street or None,
    )


def _person_or_org_name(fields: dict[str, str]) -> str | None:
    """An organisation's name as printed, or a person's "First Middle Last[, Suffix]"."""
    if "orgname" in fields:
        return fields["orgname"]
    name = " ".join(fields[tag] for tag in ("prefix", "first-name", "middle-name", "last-name") if tag in fields)
    suffix = fields.get("suffix")
    if name and suffix:
        name = f"{name}, {suffix}" if suffix.rstrip(".").lower() in {"jr", "sr"} else f"{name} {suffix}"
    return name or fields.get("name")


_CITATION_TAGS = (
    "citation", "us-citation", "document-id", "category", "nplcit", "classification-national",
    "classification-cpc-text", "country", "doc-number", "kind", "name", "date",
)  # fmt: skip
_DOCUMENT_FIELDS = frozenset(("country", "doc-number", "kind", "name", "date"))


def _ice_citations(container: Any) -> list[Citation]:
    """Patent and non-patent citations in document order.

    A grant may cite hundreds of documents, so this walks the subtree once in C (iter with a tag filter)
    and reads it as a stream: <citation>/<us-citation> opens an entry, the leaves of its <document-id>
    fill it, <category> sets who cited it. Country elements outside the document-id (in the class of
    the cited document) are ignored through the `in_document` flag.
    """
    if container is None:
        return []
    citations: list[Citation] = []
    entry: dict[str, Any] | None = None
    in_document = False
    for element in container.iter(*_CITATION_TAGS):
        tag = element.tag
        if tag == "citation" or tag == "us-citation":
            if entry:
                citations.append(_citation(entry, len(citations)))
            entry = {}
            in_document = False
        elif entry is None:
            continue
        elif tag in _DOCUMENT_FIELDS:
            if in_document and tag not in entry:
                # Leaves of plain text; the rare one with inline markup is serialised.
                entry[tag] = element.text if not len(element) else _text(element)
        elif tag == "document-id":
            in_document = True
        elif tag == "category":
            entry["category"] = element.text
            in_document = False
        elif tag == "nplcit":
            entry["npl"] = _text(element)
            in_document = False
        else:
            in_document = False
    if entry:
        citations.append(_citation(entry, len(citations)))
    return [citation for citation in citations if citation.number or citation.npl_text]


def _citation(entry: dict[str, Any], sequence: int) -> Citation:
    # Runs for every cited document (dozens per grant): lookups through small caches, strips inlined.
    get = entry.get
    raw_category = get("category")
    category = _CATEGORY_OF.get(raw_category)
    if category is None:
        category = _CATEGORIES.get((raw_category or "").strip().lower(), "other")
        if len(_CATEGORY_OF) < 1000:  # bounded: an odd file must not grow it without end
            _CATEGORY_OF[raw_category] = category
    if "npl" in entry:
        return Citation(sequence=sequence, category=category, npl_text=entry["npl"])
    number, country, kind, name = get("doc-number"), get("country"), get("kind"), get("name")
    return Citation(
        sequence,
        (number.strip() or None) if number else None,
        (country.strip() or None) if country else None,
        (kind.strip() or None) if kind else None,
        _date(get("date")),
        (name.strip() or None) if name else None,
        category,
    )


_CATEGORY_OF: dict[str | None, CitationCategory] = {}  # raw <category> text -> category (a handful of values)


def _strip(value: str | None) -> str | None:
    return (value.strip() or None) if value else None


def _ice_priority_claims(container: Any) -> list[dict[str, Any]]:
    if container is None:
        return []
    claims = []
    for claim in container.iterchildren("priority-claim"):
        fields = _fields(claim)
        claims.append(
            {
                "country": fields.get("country"),
                "number": fields.get("doc-number"),
                "date": _iso(fields.get("date")),
                "kind": claim.get("kind"),
            }
        )
    return claims


_RELATION_ROLES = ("parent-doc", "parent-grant-document", "parent-pct-document", "child-doc")


def _ice_related_documents(container: Any) -> list[dict[str, Any]]:
    """Continuations, divisions, reissues, provisionals and earlier publications of the same application."""
    if container is None:
        return []
    related = []
    for group in container:
        kind = group.tag
        relations = list(group.iterchildren("relation"))
        if not relations:  # us-provisional-application, related-publication: a bare document-id
            related.append({"type": kind, "relation": None, **_iso_doc_id(_first(group, "document-id"))})
            continue
        for relation in relations:
            parent = _first(relation, "parent-doc")
            holders = {
                "parent-doc": parent,
                # parent-grant-document and parent-pct-document sit inside parent-doc.
                "parent-grant-document": _first(parent, "parent-grant-document"),
                "parent-pct-document": _first(parent, "parent-pct-document"),
                "child-doc": _first(relation, "child-doc"),
            }
            for role in _RELATION_ROLES:
                holder = holders[role]
                if holder is None:
                    continue
                entry = {"type": kind, "relation": role, **_iso_doc_id(_first(holder, "document-id"))}
                status = _text(_first(holder, "parent-status"))
                if status:
                    entry["status"] = status
                related.append(entry)
    return related


def _ice_extra(root: Any, b: dict[str, Any], appl_type: str | None, claims_found: int) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "dtd_version": root.get("dtd-version"),
        "file": root.get("file"),
        "appl_type": appl_type,
        "application_series_code": _text(b.get("us-application-series-code")),
        "number_of_claims": _int(_text(b.get("number-of-claims"))) or claims_found,
    }
    related = _ice_related_documents(b.get("us-related-documents"))
    if related:
        extra["related_documents"] = related
    examiners = _examiners(b.get("examiners"))
    if examiners:
        extra["examiners"] = examiners
    assignees = b.get("assignees")
    if assignees is not None:
        types = [_text(_first(_first(a, "addressbook"), "role")) or _text(_first(a, "role")) for a in assignees]
        if any(types):
            extra["assignee_types"] = types  # USPTO codes, e.g. 02 US company, 03 foreign company
    term = _children(b.get("us-term-of-grant"))
    extension = _int(_text(term.get("us-term-extension")))
    if extension:
        extra["term_extension_days"] = extension
    if "disclaimer" in term:
        extra["terminal_disclaimer"] = True
    figures = _fields(b.get("figures"))
    if figures:
        extra["drawing_sheets"] = _int(figures.get("number-of-drawing-sheets"))
        extra["figures"] = _int(figures.get("number-of-figures"))
    pct = b.get("pct-or-regional-filing-data")
    if pct is not None:
        extra["pct_filing"] = {
            **_iso_doc_id(_first(pct, "document-id")),
            "371_date": _iso(_text(_first(_first(pct, "us-371c124-date"), "date"))),
        }
    pct_publication = b.get("pct-or-regional-publishing-data")
    if pct_publication is not None:
        extra["pct_publication"] = _iso_doc_id(_first(pct_publication, "document-id"))
    return {key: value for key, value in extra.items() if value is not None}


def _iso_doc_id(document_id: Any) -> dict[str, Any]:
    """A document-id for `extra`: JSON-friendly, date as ISO string, no empty name."""
    doc = _doc_id(document_id)
    doc["date"] = _iso(doc["date"])
    if doc["name"] is None:
        del doc["name"]
    return doc


def _examiners(container: Any) -> dict[str, str]:
    if container is None:
        return {}
    found = {}
    for element in container:
        fields = _fields(element)
        name = _person_or_org_name(fields)
        if name:
            found[element.tag.replace("-examiner", "")] = name  # "primary" / "assistant"
        if "department" in fields:
            found.setdefault("art_unit", fields["department"])
    return found


# --------------------------------------------------------------------------------------------------
# pap-v16 documents: <patent-application-publication>, applications published 2001-2004
# (rare and small: plain find() is fine here)


def _read_pap(root: Any, include_description: bool = True, claims_spaced: bool = False) -> PatentRecord:
    bib = root.find("subdoc-bibliographic-information")
    if bib is None:
        raise ValueError("no subdoc-bibliographic-information element")
    publication = _fields(bib.find("document-id"))
    number = publication.get("doc-number")
    kind = publication.get("kind-code")
    publication_date = _date(publication.get("document-date"))
    filing = _fields(bib.find("domestic-filing-data"))
    claims_element = root.find("subdoc-claims")
    claims = _claim_texts(claims_element.iterchildren("claim"), claims_spaced) if claims_element is not None else []
    record = PatentRecord(
        title=_text(bib.find("technical-information/title-of-invention")) or "",
        source_format=FORMAT_NAME,
        publication_number=f"US{number}" if number else None,
        application_number=_application_number(
            _child_text(bib, "domestic-filing-data/application-number/doc-number"),
            filing.get("application-number-series-code"),
        ),
        country="US",
        kind_code=kind,
        doc_type=_doc_type(None, kind),  # type: ignore[arg-type]
        publication_date=publication_date,
        application_date=_date(filing.get("filing-date")),
        abstract=_text(root.find("subdoc-abstract")),
        claims=claims,
        first_claim=claims[0] if claims else None,
        description=_description_text(root.find("subdoc-description")) if include_description else None,
        language="en",
        legal_status="published",
        classifications=_pap_classifications(bib.find("technical-information")),
        parties=_pap_parties(bib),
        priority_claims=_pap_priority_claims(bib),
    )
    extra: dict[str, Any] = {"dtd_version": "pap-v16", "number_of_claims": len(claims)}
    related = _pap_related_documents(bib.find("continuity-data"))
    if related:
        extra["related_documents"] = related
    correspondence = _text(bib.find("correspondence-address"))
    if correspondence:
        # The address the office writes to; usually the attorney, but not necessarily an agent.
        extra["correspondence_address"] = correspondence
    record.extra = extra
    return record


def _pap_classifications(technical: Any) -> list[Classification]:
    found = _Classifications()
    if technical is None:
        return []
    for holder in technical.iterfind("classification-ipc/*"):
        is_main = holder.tag == "classification-ipc-primary"
        for ipc in holder.iter("ipc"):
            found.add("IPC", _ipc_from_string(ipc.text), is_main=is_main)
    for holder in technical.iterfind("classification-us/*"):
        is_main = holder.tag == "classification-us-primary"
        for uspc in holder.iter("uspc"):
            found.add("USPC", _uspc_pap(uspc.findtext("class"), uspc.findtext("subclass")), is_main=is_main)
    return found.finish()


def _pap_parties(bib: Any) -> list[PartyMention]:
    parties = []
    inventors = bib.find("inventors")
    if inventors is not None:
        for position, inventor in enumerate(inventors):  # first-named-inventor, then inventor
            name = _pap_name(inventor.find("name"))
            if not name:
                continue
            residence = inventor.find("residence")
            place = residence[0] if residence is not None and len(residence) else None  # residence-us / -non-us
            place_fields = _fields(place)
            country = _country(place_fields.get("country-code"))
            if country is None and place is not None and place.tag == "residence-us":
                country = "US"
            parties.append(
                PartyMention(
                    role="inventor",
                    name=name,
                    sequence=position,
                    country=country,
                    state=place_fields.get("state"),
                    city=place_fields.get("city"),
                )
            )
    for position, assignee in enumerate(bib.iterfind("assignee")):
        name = _child_text(assignee, "organization-name") or _pap_name(assignee.find("name"))
        if name:
            address = assignee.find("address")
            parties.append(
                PartyMention(
                    role="assignee",
                    name=name,
                    sequence=position,
                    country=_country(_child_text(address, "country/country-code")),
                    state=_child_text(address, "state"),
                    city=_child_text(address, "city"),
                )
            )
    return parties


def _pap_name(name: Any) -> str | None:
    if name is None:
        return None
    fields = _fields(name)
    full = " ".join(fields[tag] for tag in ("given-name", "middle-name", "family-name") if tag in fields)
    if full and "name-suffix" in fields:
        full = f"{full} {fields['name-suffix']}"
    return full or fields.get("organization-name") or _text(name)


def _pap_priority_claims(bib: Any) -> list[dict[str, Any]]:
    claims = []
    for priority in bib.iter("foreign-priority-data"):
        claims.append(
            {
                "country": _child_text(priority, "country-code"),
                "number": _child_text(priority, "priority-application-number/doc-number"),
                "date": _iso(_child_text(priority, "filing-date")),
                "kind": "foreign",
            }
        )
    return claims


def _pap_doc_id(document_id: Any) -> dict[str, Any]:
    fields = _fields(document_id)
    return {
        "country": fields.get("country-code") or "US",
        "number": fields.get("doc-number"),
        "kind": fields.get("kind-code"),
        "date": _iso(fields.get("document-date")),
    }


def _pap_related_documents(continuity: Any) -> list[dict[str, Any]]:
    """pap-v16 continuity data mapped onto the ICE vocabulary (parent-doc, parent-grant-document, child-doc)."""
    if continuity is None:
        return []
    related = []
    for parent_child in continuity.iter("parent-child"):
        kind = parent_child.getparent().tag.removesuffix("-of")  # continuation-of -> continuation
        status = _child_text(parent_child, "parent-status")
        for tag, role in (("parent", "parent-doc"), ("parent-patent", "parent-grant-document"), ("child", "child-doc")):
            holder = parent_child.find(tag)
            if holder is None:
                continue
            entry = {"type": kind, "relation": role, **_pap_doc_id(holder.find("document-id"))}
            if role == "parent-doc" and status:
                entry["status"] = status
            related.append(entry)
    for provisional in continuity.iter("non-provisional-of-provisional"):
        for document_id in provisional.iter("document-id"):
            related.append({"type": "us-provisional-application", "relation": None, **_pap_doc_id(document_id)})
    return related
