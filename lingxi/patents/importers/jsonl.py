"""Lingxi JSON Lines: one JSON object per line whose keys are the PatentRecord fields.

The schema is documented in ``docs/jsonl-schema.md``. In short: ``title`` is required, every other field is
optional; dates are ``"YYYY-MM-DD"``; ``parties``/``classifications``/``citations``/``legal_events`` are lists
of objects shaped like the dataclasses in :mod:`lingxi.patents.records`; and a few shorthands make
hand-written or converted files easy:

- ``applicant``/``applicants``, ``assignee``/``assignees``, ``inventor``/``inventors``, ``agent``/``agents``:
  a string or a list of strings (a string may hold several names separated by ``;`` or ``；``)
- ``ipc``/``cpc``: a list of codes or one string separated by ``;`` ``,`` ``；`` (the first IPC is the main one)
- ``citations`` may list plain publication numbers as strings
- ``id``: the source's own id, stored as ``external_id``

Unknown keys are kept under ``extra["unknown_fields"]``. A line that is not valid JSON, has no title, a
broken date or a value of the wrong type is rejected with its 1-based line number; the next lines go on.

:func:`record_to_json_line` writes a record back in this schema (used by exporters and the demo generator).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.column_mapping import (
    doc_type_from_number,
    doc_type_from_text,
    has_cjk,
    normalise_class_code,
    number_parts,
    split_claims_text,
)
from lingxi.patents.records import (
    Citation,
    CitationCategory,
    Classification,
    ClassificationScheme,
    DocType,
    LegalEvent,
    ParsedRecord,
    ParseResult,
    PartyMention,
    PartyRole,
    PatentRecord,
    Rejection,
    SourceLocation,
)

FORMAT_NAME = "lingxi-jsonl"
SUFFIXES = {".jsonl", ".ndjson", ".jl"}

DOC_TYPES = set(get_args(DocType))
PARTY_ROLES = set(get_args(PartyRole))
SCHEMES = set(get_args(ClassificationScheme))
CITATION_CATEGORIES = set(get_args(CitationCategory))

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEMICOLONS = re.compile(r"\s*[;；]\s*")
_CODE_SEPARATORS = re.compile(r"\s*[;；,，]\s*")


class LineError(ValueError):
    """A line that cannot become a record; the message is the rejection reason."""


class LingxiJsonLinesImporter:
    name = FORMAT_NAME
    description = "Lingxi JSON Lines: one patent per line, keys named like the record fields (docs/jsonl-schema.md)"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = _first_line(head)
        if first is None or not first.startswith(b"{"):
            return False
        if path.suffix.lower() in SUFFIXES:
            return True
        # Another extension (.json, .txt): accept only a complete first line that is an object with a title.
        if b"\n" not in head.lstrip():
            return False
        try:
            obj = json.loads(first)
        except ValueError:
            return False
        return isinstance(obj, dict) and "title" in obj

    def count(self, path: Path, options: ImportOptions) -> int | None:
        try:
            lines = 0
            last = b"\n"
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            return lines + (0 if last == b"\n" else 1)
        except OSError:
            return None

    def parse(self, path: Path, options: ImportOptions) -> Iterator[ParseResult]:
        file = str(path)
        encoding = options.encoding or "utf-8"
        default_country = (options.default_country or "").upper() or None
        decode = json.JSONDecoder().decode
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Rejection(SourceLocation(file), f"cannot read the file: {exc.strerror or exc}")
            return
        with handle:
            for line_number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    text = raw.decode(encoding)
                except (UnicodeDecodeError, LookupError) as exc:
                    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
                    yield Rejection(
                        SourceLocation(file, line=line_number),
                        f"line is not valid {encoding} text: {reason}",
                        _excerpt(raw),
                    )
                    continue
                if line_number == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                try:
                    obj = decode(text)
                except ValueError as exc:
                    reason = (
                        f"invalid JSON: {exc.msg} (column {exc.colno})"
                        if isinstance(exc, json.JSONDecodeError)
                        else f"invalid JSON: {exc}"
                    )
                    yield Rejection(SourceLocation(file, line=line_number), reason, _excerpt(raw))
                    continue
                if not isinstance(obj, dict):
                    yield Rejection(
                        SourceLocation(file, line=line_number),
                        f"line is a JSON {_type_name(obj)}, not an object",
                        _excerpt(raw),
                    )
                    continue
                try:
                    record = record_from_dict(obj, default_country)
                except LineError as exc:
                    identifier = obj.get("publication_number") or obj.get("id") or obj.get("external_id")
                    location = SourceLocation(
                        file, line=line_number, identifier=str(identifier) if identifier else None
                    )
                    yield Rejection(location, str(exc), _excerpt(raw))
                    continue
                except Exception as exc:  # noqa: BLE001 - never crash on content
                    yield Rejection(
                        SourceLocation(file, line=line_number),
                        f"could not read the line: {type(exc).__name__}: {exc}",
                        _excerpt(raw),
                    )
                    continue
                identifier = record.publication_number or record.external_id
                yield ParsedRecord(record, SourceLocation(file, line=line_number, identifier=identifier))


# ----------------------------------------------------------------------------------------------------------
# Reading one object
# ----------------------------------------------------------------------------------------------------------


def record_from_dict(obj: dict[str, Any], default_country: str | None = None) -> PatentRecord:
    """Build a PatentRecord from one JSON object of the schema; raise LineError with the reason when invalid."""
    title = obj.get("title")
    if title is None:
        raise LineError("missing title")
    if not isinstance(title, str):
        raise LineError(f"title must be a string, got {_type_name(title)}")
    title = title.strip()
    if not title:
        raise LineError("title is empty")
    record = PatentRecord(title=title, source_format=FORMAT_NAME)
    unknown: dict[str, Any] = {}
    pending_parties: list[PartyMention] = []
    for key, value in obj.items():
        if key == "title" or value is None:
            continue
        handler = _HANDLERS.get(key)
        if handler is None:
            unknown[key] = value
            continue
        handler(record, key, value, pending_parties)
    if pending_parties:
        record.parties.extend(pending_parties)
    if unknown:
        record.extra = dict(record.extra)
        record.extra["unknown_fields"] = unknown
    _fill_derived(record, default_country)
    return record


def _fill_derived(record: PatentRecord, default_country: str | None) -> None:
    if record.publication_number:
        country, kind = number_parts(record.publication_number)
        if record.country is None:
            record.country = country or default_country
        if record.kind_code is None:
            record.kind_code = kind
    elif record.country is None and record.application_number:
        record.country = number_parts(record.application_number)[0] or default_country
    if record.doc_type is None:
        record.doc_type = doc_type_from_number(record.country, record.kind_code)  # type: ignore[assignment]
    if record.language is None:
        record.language = "zh" if has_cjk(record.title) else "en"


def _string(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if not isinstance(value, str):
        raise LineError(f"{key} must be a string, got {_type_name(value)}")
    setattr(record, key, value.strip() or None)


def _identifier(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    text = _id_text(key, value)
    if key == "id":
        if record.external_id is None:
            record.external_id = text
        else:
            record.extra = {**record.extra, "id": text}
        return
    if key == "external_id" and record.external_id is not None:  # "id" came first
        record.extra = {**record.extra, "id": record.external_id}
    setattr(record, key, text)


def _id_text(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise LineError(f"{key} must be a string, got {_type_name(value)}")
    return str(value).strip() or None


def _date_field(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    setattr(record, key, parse_iso_date(key, value))


def parse_iso_date(key: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise LineError(f'{key} must be a date string "YYYY-MM-DD", got {_type_name(value)} {value!r}')
    text = value.strip()
    if not _ISO_DATE.match(text):
        raise LineError(f"{key} {value!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError as exc:
        raise LineError(f"{key} {value!r} is not a valid date ({exc})") from None


def _doc_type(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if not isinstance(value, str):
        raise LineError(f"doc_type must be a string, got {_type_name(value)}")
    text = value.strip()
    if not text:
        return
    doc_type = text if text in DOC_TYPES else doc_type_from_text(text)
    if doc_type is None:
        raise LineError(f"doc_type {value!r} is not one of {', '.join(sorted(DOC_TYPES))}")
    record.doc_type = doc_type  # type: ignore[assignment]


def _claims(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if isinstance(value, str):
        record.claims = split_claims_text(value)
        return
    record.claims = [c.strip() for c in _string_list(key, value) if c.strip()]


def _classifications(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    items = _object_list(key, value)
    result = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        scheme = item.get("scheme", "IPC")
        if scheme not in SCHEMES:
            raise LineError(f"{where}.scheme {scheme!r} is not one of {', '.join(sorted(SCHEMES))}")
        code = _required_str(where, item, "code")
        if scheme in ("IPC", "CPC"):
            code = normalise_class_code(code) or code
        result.append(
            Classification(
                scheme=scheme,
                code=code,
                is_main=_bool(where, item, "is_main"),
                sequence=_int(where, item, "sequence"),
            )
        )
    record.classifications = result + [c for c in record.classifications if c not in result]


def _class_shorthand(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    scheme = key.upper()
    codes = _CODE_SEPARATORS.split(value.strip()) if isinstance(value, str) else _string_list(key, value)
    existing = {(c.scheme, c.code) for c in record.classifications}
    sequence = sum(1 for c in record.classifications if c.scheme == scheme)
    for raw in codes:
        code = normalise_class_code(raw)
        if not code or (scheme, code) in existing:
            continue
        existing.add((scheme, code))
        main = scheme == "IPC" and sequence == 0
        record.classifications.append(Classification(scheme=scheme, code=code, is_main=main, sequence=sequence))  # type: ignore[arg-type]
        sequence += 1


def _parties_field(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    result = []
    for index, item in enumerate(_object_list(key, value)):
        where = f"{key}[{index}]"
        role = item.get("role")
        if role not in PARTY_ROLES:
            raise LineError(f"{where}.role {role!r} is not one of {', '.join(sorted(PARTY_ROLES))}")
        result.append(
            PartyMention(
                role=role,
                name=_required_str(where, item, "name"),
                sequence=_int(where, item, "sequence"),
                country=_optional_str(where, item, "country"),
                state=_optional_str(where, item, "state"),
                city=_optional_str(where, item, "city"),
                address=_optional_str(where, item, "address"),
            )
        )
    record.parties = result + record.parties


_SHORTHAND_ROLES = {
    "applicant": "applicant",
    "applicants": "applicant",
    "assignee": "assignee",
    "assignees": "assignee",
    "inventor": "inventor",
    "inventors": "inventor",
    "agent": "agent",
    "agents": "agent",
}


def _party_shorthand(record: PatentRecord, key: str, value: Any, pending: list[PartyMention]) -> None:
    role = _SHORTHAND_ROLES[key]
    if isinstance(value, str):
        value = value.strip()
        if ";" in value or "；" in value:
            names = [n for n in _SEMICOLONS.split(value) if n]
        else:
            names = [value] if value else []
    else:
        names = [n.strip() for n in _string_list(key, value) if n.strip()]
    sequence = sum(1 for p in pending if p.role == role)
    for name in names:
        pending.append(PartyMention(role=role, name=name, sequence=sequence))  # type: ignore[arg-type]
        sequence += 1


def _citations(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if not isinstance(value, list):
        raise LineError(f"{key} must be a list, got {_type_name(value)}")
    result = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if isinstance(item, str):
            if item.strip():
                result.append(Citation(sequence=len(result), number=item.strip()))
            continue
        if not isinstance(item, dict):
            raise LineError(f"{where} must be an object or a publication number string, got {_type_name(item)}")
        category = item.get("category", "other")
        if category not in CITATION_CATEGORIES:
            raise LineError(f"{where}.category {category!r} is not one of {', '.join(sorted(CITATION_CATEGORIES))}")
        result.append(
            Citation(
                sequence=_int(where, item, "sequence"),
                number=_optional_str(where, item, "number"),
                country=_optional_str(where, item, "country"),
                kind=_optional_str(where, item, "kind"),
                date=parse_iso_date(f"{where}.date", item.get("date")),
                name=_optional_str(where, item, "name"),
                category=category,
                npl_text=_optional_str(where, item, "npl_text"),
            )
        )
    record.citations = result


def _legal_events(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    result = []
    for index, item in enumerate(_object_list(key, value)):
        where = f"{key}[{index}]"
        event_class = item.get("event_class", "other")
        if not isinstance(event_class, str):
            raise LineError(f"{where}.event_class must be a string, got {_type_name(event_class)}")
        result.append(
            LegalEvent(
                date=parse_iso_date(f"{where}.date", item.get("date")),
                code=_optional_str(where, item, "code"),
                description=_optional_str(where, item, "description"),
                event_class=event_class,
            )
        )
    record.legal_events = result


def _priority_claims(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    result = []
    for index, item in enumerate(_object_list(key, value)):
        claim = dict(item)
        if claim.get("date") is not None:
            claim["date"] = parse_iso_date(f"{key}[{index}].date", claim["date"]).isoformat()  # type: ignore[union-attr]
        result.append(claim)
    record.priority_claims = result


def _extra(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if not isinstance(value, dict):
        raise LineError(f"extra must be an object, got {_type_name(value)}")
    record.extra = {**value, **record.extra}


def _source_format(record: PatentRecord, key: str, value: Any, _parties: list[PartyMention]) -> None:
    if isinstance(value, str) and value and value != FORMAT_NAME:
        record.extra = {**record.extra, "original_source_format": value}


Handler = Callable[[PatentRecord, str, Any, list[PartyMention]], None]
_HANDLERS: dict[str, Handler] = {
    **{
        k: _string
        for k in ("country", "kind_code", "abstract", "first_claim", "description", "language", "legal_status")
    },
    **{k: _identifier for k in ("publication_number", "application_number", "external_id", "family_id", "id")},
    **{k: _date_field for k in ("publication_date", "application_date", "grant_date")},
    **{k: _party_shorthand for k in _SHORTHAND_ROLES},
    "doc_type": _doc_type,
    "claims": _claims,
    "classifications": _classifications,
    "ipc": _class_shorthand,
    "cpc": _class_shorthand,
    "parties": _parties_field,
    "citations": _citations,
    "legal_events": _legal_events,
    "priority_claims": _priority_claims,
    "extra": _extra,
    "source_format": _source_format,
}


def _string_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"{key} must be a list of strings, got {_type_name(value)}")
    return value


def _object_list(key: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise LineError(f"{key} must be a list of objects, got {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise LineError(f"{key}[{index}] must be an object, got {_type_name(item)}")
    return value


def _required_str(where: str, item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{where}.{name} must be a non-empty string, got {_type_name(value)}")
    return value.strip()


def _optional_str(where: str, item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and name in ("number",):
        return str(value)
    if not isinstance(value, str):
        raise LineError(f"{where}.{name} must be a string, got {_type_name(value)}")
    return value.strip() or None


def _int(where: str, item: dict[str, Any], name: str) -> int:
    value = item.get(name, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"{where}.{name} must be an integer, got {_type_name(value)}")
    return value


def _bool(where: str, item: dict[str, Any], name: str) -> bool:
    value = item.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise LineError(f"{where}.{name} must be true or false, got {_type_name(value)}")
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _first_line(head: bytes) -> bytes | None:
    for line in head.lstrip(b"\xef\xbb\xbf").splitlines():
        if line.strip():
            return line.strip()
    return None


def _excerpt(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace").rstrip()


# ----------------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------------


def record_to_json_line(record: PatentRecord) -> str:
    """One line of Lingxi JSON Lines for a record (no trailing newline); the inverse of the importer.

    Empty values are left out, dates are written "YYYY-MM-DD", ``source_format`` is not written (the
    importer that reads the line sets its own). Reading the line back gives an equal record, except that
    values the importer derives (country and kind from the number, language) are filled in where the record
    had none, and dates inside ``extra`` come back as strings.
    """
    data: dict[str, Any] = {}
    for name, value in record.to_dict().items():
        if name == "source_format" or value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, list):
            value = [_compact(item) for item in value]
        data[name] = value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _compact(item: Any) -> Any:
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if v is not None}
    return item


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
