"""USPTO Patent Public Search (PPUBS, ppubs.uspto.gov) JSON.

PPUBS answers a search with a result page (an object whose ``patents`` list holds bibliographic documents)
and a document request with full documents (HTML abstract, claims and description). A saved file is a JSON
list of documents, an object wrapping such a list, or a single document; all three are read.

Field names are PPUBS's own (``guid`` "US-11556547-B2", ``inventionTitle``, ``applicationFilingDate``,
``assigneeName`` with parallel ``assigneeCity``/``assigneeState``/``assigneeCountry``/``assigneeTypeCode``
arrays, ``cpcInventiveFlattened``, ``urpn`` cited US patents with parallel ``usRefIssueDate``/``usRefGroup``
…). Three databases share the format: ``USPAT`` (grants since 1971), ``US-PGPUB`` (pre-grant publications)
and ``USOCR`` (OCR-scanned old grants, whose title is often the placeholder "OCR SCANNED DOCUMENT" and whose
text is OCR output). "N/A" values are treated as absent.

What goes where:

- ``publication_number`` is the guid without dashes ("US11556547B2", "USPP03823P"); the kind code gives
  ``doc_type`` with the serial's prefix (D design, PP plant, RE reissue, T/H/X other). Publications of USPAT
  and USOCR are grants, so their publication date is also the ``grant_date``.
- Abstract, claims and description are plain text from the HTML (lxml): ``<br>`` become line breaks.
  Claims are split per claim, numbers removed; canceled claims ("1-19. (canceled)") are left out and listed in
  ``extra["canceled_claims"]``. The description is the cross-reference, background/summary and detailed parts.
- CPC (inventive, then additional; the main one is flagged "F" in ``cpcCurClassificationGroup``), IPC (current,
  else as published; main = primary) and USPC (main class first) are classifications, codes normalised.
  Where the file does not say which code is main (result pages), none is flagged.
- Parties: ``applicantName`` → applicant, ``assigneeName`` → assignee (``assigneeTypeCode`` and its meaning in
  ``extra["assignee_type_codes"]``/``extra["assignee_types"]``, aligned with the assignees), ``inventorsName``
  → inventor ("Last; First" becomes "First Last"), law firm and attorneys → agent; cities, states and
  countries from the parallel arrays. A result page only has ``inventorsShort`` ("Hurst; William et al."):
  the first inventor is kept and ``extra["inventors_truncated"]`` set.
- Citations: cited US patents (``urpn``, with kind, date, patentee and examiner/applicant category where
  given), foreign patent documents and non-patent literature. PPUBS dates cited documents to the month
  ("20040600"); such a date is stored as the first of the month. A document citing itself is skipped.
- Every ``sequence`` is 0-based, in document order (per role for parties, per scheme for classifications).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.column_mapping import normalise_class_code
from lingxi.patents.records import (
    Citation,
    Classification,
    ParsedRecord,
    ParseResult,
    PartyMention,
    PatentRecord,
    Rejection,
    SourceLocation,
)

FORMAT_NAME = "ppubs-json"

# Assignee type codes of the USPTO (Red Book "role" / PPUBS assigneeTypeCode). A leading "1" marks a part interest.
ASSIGNEE_TYPES = {
    "01": "unassigned",
    "02": "US company or corporation",
    "03": "foreign company or corporation",
    "04": "US individual",
    "05": "foreign individual",
    "06": "US federal government",
    "07": "foreign government",
    "08": "US county government",
    "09": "US state government",
}
OCR_TITLE_PLACEHOLDER = "OCR SCANNED DOCUMENT"
_WRAPPER_KEYS = ("patents", "docs", "documents", "results", "items", "data")
_GUID = re.compile(r"^([A-Z]{2})-([A-Z]{0,2}\d+)-([A-Z]\d?)$")
_SERIAL = re.compile(r"^[A-Z]{0,2}\d{3,11}$")
_CITED_BY = re.compile(r"cited by (examiner|applicant|third party|other)", re.IGNORECASE)
_TRAILING_CITED_BY = re.compile(r"\s*cited by (?:examiner|applicant|third party|other)\s*$", re.IGNORECASE)
_KIND = re.compile(r"^[A-Z]\d?$")
_CLAIM_LINE = re.compile(r"^(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*\.\s*(.*)$")
_CANCELED = re.compile(r"^\(?\s*(?:canceled|cancelled|deleted)\s*\)?\.?$", re.IGNORECASE)


class PpubsJsonImporter:
    name = FORMAT_NAME
    description = "USPTO Patent Public Search (ppubs.uspto.gov) JSON: result pages and full documents"

    def sniff(self, path: Path, head: bytes) -> bool:
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] not in (b"[", b"{"):
            return False
        return b'"guid"' in head and (b'"inventionTitle"' in head or b'"publicationReferenceDocumentNumber"' in head)

    def count(self, path: Path, options: ImportOptions) -> int | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data.count(b'"guid"') or None

    def parse(self, path: Path, options: ImportOptions) -> Iterator[ParseResult]:
        file = str(path)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode(options.encoding or "utf-8-sig"))
        except json.JSONDecodeError as exc:
            yield Rejection(SourceLocation(file, line=exc.lineno), f"not valid JSON: {exc.msg} (column {exc.colno})")
            return
        except (OSError, UnicodeDecodeError, LookupError) as exc:
            yield Rejection(SourceLocation(file), f"cannot read the file: {exc}")
            return
        documents = _documents(data)
        if documents is None:
            yield Rejection(
                SourceLocation(file),
                "no PPUBS documents found (expected a list of documents or an object with a 'patents' list)",
            )
            return
        for index, doc in enumerate(documents, start=1):
            location = SourceLocation(file, document=index)
            if not isinstance(doc, dict):
                yield Rejection(location, f"document is a JSON {type(doc).__name__}, not an object")
                continue
            location.identifier = _text(doc.get("guid")) or _text(doc.get("publicationReferenceDocumentNumber"))
            try:
                result = _convert(doc, location)
            except Exception as exc:  # noqa: BLE001 - bad content must become a rejection, never a crash
                result = Rejection(location, f"could not read document: {type(exc).__name__}: {exc}")
            yield result


def _documents(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if "guid" in data or "inventionTitle" in data:
        return [data]
    for key in _WRAPPER_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            nested = _documents(value)
            if nested is not None:
                return nested
    if isinstance(data.get("response"), dict):
        return _documents(data["response"])
    return None


# ----------------------------------------------------------------------------------------------------------
# One document
# ----------------------------------------------------------------------------------------------------------


def _convert(doc: dict[str, Any], location: SourceLocation) -> ParseResult:
    country, serial, kind = _number(doc)
    if serial is None:
        given = doc.get("guid") or doc.get("publicationReferenceDocumentNumber")
        return Rejection(
            location,
            f"document has no usable publication number (guid/publicationReferenceDocumentNumber {given!r})",
            _excerpt(doc),
        )
    title = _clean_title(doc.get("inventionTitle"))
    if not title:
        return Rejection(location, "document has no title (inventionTitle is empty)", _excerpt(doc))

    ppubs_type = _text(doc.get("type"))
    publication_date = _date(doc.get("datePublished"))
    doc_type = _doc_type(serial)
    if ppubs_type:
        is_grant = ppubs_type in ("USPAT", "USOCR") and doc_type != "other"
    else:  # no database named: B, E (reissue), S (design) and plant P/P2/P3 kinds are grants
        is_grant = bool(kind) and (kind[0] in "BES" or kind in ("P", "P2", "P3"))
    extra: dict[str, Any] = {}
    if ppubs_type:
        extra["ppubs_type"] = ppubs_type
    if title.upper() == OCR_TITLE_PLACEHOLDER:
        extra["title_is_placeholder"] = True

    record = PatentRecord(
        title=title,
        source_format=FORMAT_NAME,
        publication_number=f"{country}{serial}{kind or ''}",
        application_number=_text(doc.get("applicationNumber")),
        country=country,
        kind_code=kind,
        doc_type=doc_type,  # type: ignore[arg-type]
        publication_date=publication_date,
        application_date=_date(_first(doc.get("applicationFilingDate"))),
        grant_date=publication_date if is_grant else None,
        abstract=html_to_text(doc.get("abstractHtml")),
        description=_description(doc),
        language=(_text(doc.get("languageIndicator")) or "").lower() or None,
        family_id=_text(doc.get("familyIdentifierCurStr")) or _text(doc.get("familyIdentifierCur")),
        extra=extra,
    )
    canceled: list[str] = []
    record.claims = split_claims_html(doc.get("claimsHtml"), canceled)
    if canceled:
        extra["canceled_claims"] = canceled
    record.first_claim = record.claims[0] if record.claims else None
    record.classifications = _classifications(doc)
    record.parties = _parties(doc, extra)
    record.citations = _citations(doc, serial)
    record.priority_claims = _priority_claims(doc)
    _extra_fields(doc, extra)
    return ParsedRecord(record, location)


def _number(doc: dict[str, Any]) -> tuple[str, str | None, str | None]:
    guid = _text(doc.get("guid"))
    if guid:
        match = _GUID.match(guid.upper())
        if match:
            return match.group(1), match.group(2), match.group(3)
    country = (_text(doc.get("pubRefCountryCode")) or _text(doc.get("country")) or "US").upper()
    serial = _text(doc.get("publicationReferenceDocumentNumber")) or _text(doc.get("pubRefDocNumber"))
    kind = _text(_first(doc.get("kindCode")))
    if serial:
        serial = re.sub(r"[\s,/-]", "", serial).upper()
    if not serial or not _SERIAL.match(serial):
        return country, None, None
    if kind and not _KIND.match(kind.upper()):
        kind = None
    return country, serial, kind.upper() if kind else None


def _doc_type(serial: str) -> str:
    if serial.startswith("D"):
        return "design"
    if serial.startswith("PP"):
        return "plant"
    if serial.startswith("RE"):
        return "reissue"
    if serial[0] in "THX":  # defensive publications, statutory invention registrations, X-patents
        return "other"
    return "invention"


def _clean_title(value: Any) -> str | None:
    text = _text(value)
    if text and "<" in text:
        text = html_to_text(text)
    return re.sub(r"\s+", " ", text).strip() if text else None


def _description(doc: dict[str, Any]) -> str | None:
    parts = [html_to_text(doc.get(key)) for key in ("backgroundTextHtml", "briefHtml", "descriptionHtml")]
    joined = "\n".join(p for p in parts if p)
    return joined or None


# ----------------------------------------------------------------------------------------------------------
# Classifications
# ----------------------------------------------------------------------------------------------------------


def _classifications(doc: dict[str, Any]) -> list[Classification]:
    result: list[Classification] = []

    # CPC: inventive then additional; the main ("F"irst) code is flagged in cpcCurClassificationGroup.
    cpc_codes = _split(doc.get("cpcInventiveFlattened")) + _split(doc.get("cpcAdditionalFlattened"))
    if not cpc_codes:
        cpc_codes = [_first_token(c) for c in _list(doc.get("cpcInventive")) + _list(doc.get("cpcAdditional"))]
    main_cpc = None
    for group in _list(doc.get("cpcCurClassificationGroup")):
        tokens = str(group).split()
        if len(tokens) >= 5 and tokens[4] == "F":
            main_cpc = normalise_class_code(tokens[2])
            break
    _add_codes(result, "CPC", cpc_codes, main_cpc)

    # IPC: current classification when given, else as published, else the flattened list.
    primary = _list(doc.get("curIntlPatentClassificationPrimary"))
    secondary = _list(doc.get("curIntlPatentClassificationSecondary"))
    if not primary and not secondary:
        primary = _list(doc.get("intlPubClassificationPrimary"))
        secondary = _list(doc.get("intlPubClassificationSecondary"))
    ipc_codes = [_first_token(c) for c in primary + secondary] + _split(doc.get("ipcCodeFlattened"))
    main_ipc = normalise_class_code(_first_token(primary[0])) if primary else None
    _add_codes(result, "IPC", ipc_codes, main_ipc)

    # USPC: the main class "438/459" and the others; "1/1" is PPUBS's placeholder for "none".
    main_uspc = _text(doc.get("mainClassificationCode"))
    if main_uspc == "1/1":
        main_uspc = None
    uspc_codes = ([main_uspc] if main_uspc else []) + _split(doc.get("uspcFullClassificationFlattened"))
    _add_codes(result, "USPC", [c for c in uspc_codes if c != "1/1"], main_uspc, normalise=False)
    return result


def _add_codes(
    result: list[Classification], scheme: str, codes: list[str | None], main: str | None, normalise: bool = True
) -> None:
    seen: set[str] = set()
    for raw in codes:
        code = normalise_class_code(raw) if normalise else _text(raw)
        if not code or code in seen:
            continue
        sequence = len(seen)
        seen.add(code)
        result.append(Classification(scheme=scheme, code=code, is_main=code == main, sequence=sequence))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------------------
# Parties
# ----------------------------------------------------------------------------------------------------------


def _parties(doc: dict[str, Any], extra: dict[str, Any]) -> list[PartyMention]:
    parties: list[PartyMention] = []

    names = _list(doc.get("applicantName"))
    for i, name in enumerate(names):
        parties.append(_party("applicant", name, i, doc, "applicantCity", "applicantState", "applicantCountry"))

    names = _list(doc.get("assigneeName"))
    codes = _list(doc.get("assigneeTypeCode"))
    type_codes: list[str | None] = []
    for i, name in enumerate(names):
        parties.append(_party("assignee", name, i, doc, "assigneeCity", "assigneeState", "assigneeCountry"))
        type_codes.append(_na(codes[i]) if i < len(codes) else None)
    if any(type_codes):
        extra["assignee_type_codes"] = type_codes
        extra["assignee_types"] = [ASSIGNEE_TYPES.get((c or "")[-2:]) if c else None for c in type_codes]

    names = _list(doc.get("inventorsName"))
    if names:
        for i, name in enumerate(names):
            parties.append(
                _party("inventor", person_name(name), i, doc, "inventorCity", "inventorState", "inventorCountry")
            )
    else:
        short = _text(doc.get("inventorsShort"))
        if short:
            truncated = short.endswith(" et al.")
            first = short.removesuffix(" et al.").strip()
            if first:
                parties.append(PartyMention(role="inventor", name=person_name(first), sequence=0))
                if truncated:
                    extra["inventors_truncated"] = True

    seen: set[str] = set()
    for name in _list(doc.get("legalFirmName")) + _list(doc.get("attorneyName")):
        clean = person_name(name)
        if clean and clean.lower() not in seen:
            parties.append(PartyMention(role="agent", name=clean, sequence=len(seen)))
            seen.add(clean.lower())
    return [p for p in parties if p.name]


def _party(role: str, name: Any, index: int, doc: dict[str, Any], city: str, state: str, country: str) -> PartyMention:
    def at(key: str) -> str | None:
        values = _list(doc.get(key))
        return _na(values[index]) if index < len(values) else None

    return PartyMention(
        role=role,  # type: ignore[arg-type]
        name=_text(name) or "",
        sequence=index,
        country=at(country),
        state=at(state),
        city=at(city),
    )


def person_name(value: Any) -> str:
    """PPUBS writes people "Last; First" ("Henley; Francois J.") → "Francois J. Henley"; other names unchanged."""
    text = _text(value) or ""
    if text.count(";") == 1:
        last, first = (part.strip() for part in text.split(";"))
        if last and first:
            return f"{first} {last}"
        return last or first
    return text


# ----------------------------------------------------------------------------------------------------------
# Citations and priorities
# ----------------------------------------------------------------------------------------------------------


def _citations(doc: dict[str, Any], own_serial: str) -> list[Citation]:
    citations: list[Citation] = []
    own = own_serial.lstrip("0")

    numbers = _list(doc.get("urpn")) or _list(doc.get("urpnCode"))
    dates = _list(doc.get("usRefIssueDate"))
    names = _list(doc.get("usRefPatenteeName"))
    groups = _list(doc.get("usRefGroup"))
    for i, raw_number in enumerate(numbers):
        number = _na(raw_number)
        if not number:
            continue
        if re.sub(r"^([A-Z]*)0*", r"\1", number) == re.sub(r"^([A-Z]*)0*", r"\1", own):
            continue  # PPUBS lists some old documents as citing themselves
        group = str(groups[i]) if i < len(groups) and len(groups) == len(numbers) else ""
        citations.append(
            Citation(
                number=number,
                country="US",
                kind=_kind_after(group, number),
                date=_partial_date(dates[i]) if i < len(dates) and len(dates) == len(numbers) else None,
                name=_na(names[i]) if i < len(names) and len(names) == len(numbers) else None,
                category=_category(group),  # type: ignore[arg-type]
            )
        )

    numbers = _list(doc.get("foreignRefPatentNumber"))
    countries = _list(doc.get("foreignRefCountryCode"))
    dates = _list(doc.get("foreignRefPubDate"))
    groups = _list(doc.get("foreignRefGroup"))
    for i, raw_number in enumerate(numbers):
        number = _na(raw_number)
        if not number:
            continue
        group = str(groups[i]) if i < len(groups) and len(groups) == len(numbers) else ""
        citations.append(
            Citation(
                number=number,
                country=_na(countries[i]) if i < len(countries) else None,
                kind=_kind_after(group, number),
                date=_partial_date(dates[i]) if i < len(dates) else None,
                category=_category(group),  # type: ignore[arg-type]
            )
        )

    for block in _list(doc.get("otherRefPub")):
        text = html_to_text(str(block).replace("\n", " "))
        for line in (text or "").split("\n"):
            line = line.strip()
            if not line:
                continue
            category = _category(line)
            line = _TRAILING_CITED_BY.sub("", line).strip()
            if line:
                citations.append(Citation(npl_text=line, category=category))  # type: ignore[arg-type]

    for sequence, citation in enumerate(citations):
        citation.sequence = sequence
    return citations


def _kind_after(group: str, number: str) -> str | None:
    """Kind code printed after the number in a usRefGroup/foreignRefGroup entry ("US 6757670 B1 Inohara …")."""
    if not group:
        return None
    position = group.find(number)
    if position < 0:
        return None
    following = group[position + len(number) :].split()
    if following and _KIND.match(following[0]):
        return following[0]
    return None


def _category(text: str) -> str:
    match = _CITED_BY.search(text or "")
    if not match:
        return "other"
    word = match.group(1).lower()
    return {"examiner": "examiner", "applicant": "applicant", "third party": "third_party"}.get(word, "other")


def _priority_claims(doc: dict[str, Any]) -> list[dict[str, Any]]:
    countries = _list(doc.get("priorityClaimsCountry"))
    dates = _list(doc.get("priorityClaimsDate"))
    numbers = _list(doc.get("priorityClaimsDocNumber"))
    claims = []
    for i in range(max(len(countries), len(dates), len(numbers))):
        claim = {
            "country": _na(countries[i]) if i < len(countries) else None,
            "number": _na(numbers[i]) if i < len(numbers) else None,
            "date": _iso(_date(dates[i])) if i < len(dates) else None,
        }
        if any(claim.values()):
            claims.append(claim)
    return claims


def _extra_fields(doc: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, name in (("primaryExaminer", "primary_examiner"), ("assistantExaminer", "assistant_examiner")):
        values = [person_name(v) for v in _list(doc.get(key)) if _na(v)]
        if values:
            extra[name] = values[0] if len(values) == 1 else values
    number_of_claims = _text(doc.get("numberOfClaims"))
    if number_of_claims and number_of_claims.isdigit():
        extra["number_of_claims"] = int(number_of_claims)
    related = [d.isoformat() for d in (_date(v) for v in _list(doc.get("relatedApplFilingDate"))) if d]
    if related:
        extra["related_application_filing_dates"] = related
    prior = [re.sub(r"\s+", "", str(v)) for v in _list(doc.get("priorPublishedDocIdentifier")) if _na(v)]
    if prior:
        extra["prior_publications"] = prior
    pct_numbers = _list(doc.get("pctFilingNumber"))
    if pct_numbers:
        pct_dates = _list(doc.get("pctFilingDate"))
        extra["pct_filings"] = [
            {
                "number": str(n),
                "filing_date": (
                    _date(pct_dates[i]).isoformat() if i < len(pct_dates) and _date(pct_dates[i]) else None
                ),
            }
            for i, n in enumerate(pct_numbers)
        ]
    continuity = [t for t in (html_to_text(v) for v in _list(doc.get("continuityData"))) if t]
    if continuity:
        extra["continuity"] = continuity
    interest = html_to_text(_text(doc.get("governmentInterest")))
    if interest:
        extra["government_interest"] = interest


# ----------------------------------------------------------------------------------------------------------
# Text helpers
# ----------------------------------------------------------------------------------------------------------


def html_to_text(fragment: Any) -> str | None:
    """Plain text of a PPUBS HTML fragment: <br> becomes a line break, tags go, entities are decoded,
    blanks are collapsed and empty lines dropped. None when nothing is left."""
    if fragment is None:
        return None
    if isinstance(fragment, list):
        fragment = "<br />".join(str(f) for f in fragment if f)
    fragment = str(fragment)
    if not fragment.strip():
        return None
    if "<" in fragment or "&" in fragment:
        try:
            root = lxml.html.fragment_fromstring(fragment, create_parent="div")
            for br in root.iter("br"):
                br.tail = "\n" + (br.tail or "")
            text = root.text_content()
        except (ValueError, etree.ParserError):
            text = html.unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]*>", "", fragment)))
    else:
        text = fragment
    lines = (re.sub(r"[ \t\u00a0\u2002\u2003\u2009]+", " ", line).strip() for line in text.split("\n"))
    joined = "\n".join(line for line in lines if line)
    return joined or None


def split_claims_html(fragment: Any, canceled: list[str] | None = None) -> list[str]:
    """Claims HTML → one text per claim, numbers removed ("1. A method …<br />2. The method of claim 1 …").

    A claim starts on a line beginning with the next expected number; the other lines (claim elements)
    belong to the claim before them, joined with line breaks. Text before the first claim is dropped.
    Canceled claims of a publication ("1-19. (canceled)", "3. (canceled)") are left out of the list and
    their numbers appended to `canceled` when given.
    """
    text = html_to_text(fragment)
    if not text:
        return []
    claims: list[list[str]] = []
    expected = 1
    in_claim = False
    for line in text.split("\n"):
        match = _CLAIM_LINE.match(line)
        if match and int(match.group(1)) == expected:
            last = int(match.group(2)) if match.group(2) else expected
            body = match.group(3).strip()
            expected = last + 1
            if _CANCELED.match(body):
                if canceled is not None:
                    canceled.append(match.group(1) + (f"-{last}" if match.group(2) else ""))
                in_claim = False
                continue
            claims.append([body] if body else [])
            in_claim = True
        elif in_claim:
            claims[-1].append(line)
    if not claims and expected == 1:
        return [text]
    return [c for c in ("\n".join(parts).strip() for parts in claims) if c]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _na(value: Any) -> str | None:
    text = _text(value)
    return None if text in (None, "N/A", "[]", "NULL", "null") else text


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    if isinstance(value, str) and value.strip() in ("", "[]"):
        return []
    return [value]


def _first(value: Any) -> Any:
    values = _list(value)
    return values[0] if values else None


def _split(value: Any) -> list[str]:
    text = _text(value)
    return [part.strip() for part in text.split(";") if part.strip()] if text else []


def _first_token(value: Any) -> str | None:
    text = _text(value)
    return text.split()[0] if text else None


def _date(value: Any) -> dt.date | None:
    text = _text(_first(value) if isinstance(value, list) else value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _partial_date(value: Any) -> dt.date | None:
    """ "20040600" (month precision, as PPUBS prints cited documents) → 2004-06-01; no month → None."""
    text = _text(value)
    if not text or not re.fullmatch(r"\d{8}", text):
        return None
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if year == 0 or not 1 <= month <= 12:
        return None
    try:
        return dt.date(year, month, max(day, 1))
    except ValueError:
        return dt.date(year, month, 1)


def _excerpt(doc: dict[str, Any]) -> str:
    keys = ("guid", "publicationReferenceDocumentNumber", "inventionTitle", "datePublished")
    return json.dumps({k: doc.get(k) for k in keys if k in doc}, ensure_ascii=False)[:300]
