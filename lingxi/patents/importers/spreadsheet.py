"""Spreadsheet exports: ``.xlsx`` workbooks and ``.csv``/``.tsv`` files, one patent per row.

Most patent databases an operations centre uses (CNIPA 专利检索, incoPat, PatSnap 智慧芽, CNKI 知网, Lens.org,
Google Patents) export a sheet with a header row. The header is matched against the presets of
:mod:`lingxi.patents.importers.column_mapping` (Chinese and English headers, compared after normalising case,
blanks and full-width brackets) and against the user's mapping file (``ImportOptions.mapping_file``)::

    # mapping.yaml
    columns:
      Name of invention: title
      Company: applicants
      Ref: extra.internal_ref
    date_format: "%d/%m/%Y"        # optional
    multi_value_separator: "|"     # optional

How a file is read:

- ``.xlsx``: the first worksheet whose header row is recognised (openpyxl read-only; Excel date cells are
  dates). ``.csv``/``.tsv``: UTF-8 with or without BOM, or GBK/GB18030 (detected with charset-normalizer,
  GB18030 as the fallback; ``ImportOptions.encoding`` forces one); the delimiter (comma, tab, semicolon) is
  taken from the header line.
- The header row is the first of the first 20 rows that maps a title column or at least two known columns
  (Google Patents puts a "search URL" line above it).
- Several applicants/inventors/IPC codes in one cell are separated by ``;`` ``；`` ``、`` (and by commas in
  Chinese cells); dates may be 2018-07-30, 2018/7/30, 2018.07.30, 20180730, 2018年7月30日 or Excel dates.
- A CNKI link (``…&filename=CN108982325A``) gives the CN publication number when no number column exists;
  the kind code gives the document type (A/B invention, U/Y utility model, S/D design) and, for granted
  kinds, the publication date is also the grant date.

Rejections (file, 1-based line/row, reason) never stop the import: a row with a broken date (the column and
value are named) or without a title is rejected; an unmapped column is reported once, on the header's line,
and ignored; an empty file or one without a recognisable header gives a single rejection. Rows that are
entirely empty are skipped silently. For CSV the line is the physical line where the row starts. Every
``sequence`` is 0-based. The full list of preset headers is in ``docs/spreadsheet-mapping.md``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.column_mapping import (
    CN_GRANT_KINDS,
    ColumnMapping,
    MappingFileError,
    cn_publication_from_url,
    detect_language,
    doc_type_from_number,
    doc_type_from_text,
    load_mapping_file,
    normalise_class_code,
    normalise_header,
    number_parts,
    parse_date_value,
    resolve_headers,
    split_claims_text,
    split_multi,
    split_names,
    strip_claim_number,
)
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

FORMAT_NAME = "spreadsheet"
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv"}
HEADER_SEARCH_ROWS = 20
GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "gb2312-80"}
EMPTY_MARKERS = {"", "-", "--", "—", "n/a", "na", "null", "none", "无"}
DATE_TARGETS = {"publication_date", "application_date", "grant_date", "priority_date"}
MULTI_TARGETS = {"applicants", "assignees", "inventors", "agents", "ipc", "cpc", "citations", "cited_by", "priority"}
COUNTRY_NAMES = {
    "中国": "CN",
    "中华人民共和国": "CN",
    "美国": "US",
    "日本": "JP",
    "韩国": "KR",
    "德国": "DE",
    "法国": "FR",
    "英国": "GB",
    "欧洲专利局": "EP",
    "欧专局": "EP",
    "世界知识产权组织": "WO",
    "台湾": "TW",
    "香港": "HK",
}
csv.field_size_limit(1 << 30)


class SpreadsheetImporter:
    name = FORMAT_NAME
    description = "Spreadsheet exports (.xlsx, .csv/.tsv in UTF-8 or GBK/GB18030) with Chinese or English headers"

    def sniff(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix in XLSX_SUFFIXES:
            return head[:4] == b"PK\x03\x04"
        if suffix not in TEXT_SUFFIXES or not head.strip():
            return False
        encoding = detect_encoding(head, truncated=True)
        text = head.decode(encoding, errors="replace")
        rows = list(_csv_rows(text, _delimiter(text, suffix), limit=HEADER_SEARCH_ROWS))
        return _find_header(rows, ColumnMapping()) is not None

    def count(self, path: Path, options: ImportOptions) -> int | None:
        try:
            if path.suffix.lower() in XLSX_SUFFIXES:
                import openpyxl

                workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
                try:
                    rows = workbook.worksheets[0].max_row if workbook.worksheets else None
                finally:
                    workbook.close()
                return max(rows - 1, 0) if rows else None
            with path.open("rb") as handle:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            return max(lines - 1, 0)
        except Exception:  # noqa: BLE001 - an estimate only
            return None

    def parse(self, path: Path, options: ImportOptions) -> Iterator[ParseResult]:
        file = str(path)
        try:
            mapping = load_mapping_file(options.mapping_file)
        except MappingFileError as exc:
            yield Rejection(SourceLocation(file), str(exc))
            return
        if path.suffix.lower() in XLSX_SUFFIXES:
            yield from self._parse_xlsx(path, file, mapping, options)
        else:
            yield from self._parse_text(path, file, mapping, options)

    # ------------------------------------------------------------------------------------------------------

    def _parse_text(
        self, path: Path, file: str, mapping: ColumnMapping, options: ImportOptions
    ) -> Iterator[ParseResult]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Rejection(SourceLocation(file), f"cannot read the file: {exc.strerror or exc}")
            return
        if not data.strip(b" \t\r\n\xef\xbb\xbf"):
            yield Rejection(SourceLocation(file), "file is empty")
            return
        encoding = options.encoding or detect_encoding(data)
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            yield Rejection(SourceLocation(file), f"cannot decode the file as {encoding}: {exc}")
            return
        if text.startswith("\ufeff"):
            text = text[1:]
        rows = _csv_rows(text, _delimiter(text, path.suffix.lower()))
        yield from _parse_rows(rows, file, mapping, options, extra={})

    def _parse_xlsx(
        self, path: Path, file: str, mapping: ColumnMapping, options: ImportOptions
    ) -> Iterator[ParseResult]:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            yield Rejection(SourceLocation(file), f"not a readable .xlsx workbook: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on broken files
            yield Rejection(SourceLocation(file), f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}")
            return
        try:
            if not workbook.worksheets:
                yield Rejection(SourceLocation(file), "file is empty (the workbook has no worksheet)")
                return
            chosen = None
            for sheet in workbook.worksheets:
                sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read what is there
                head = [
                    list(r) for _, r in zip(range(HEADER_SEARCH_ROWS), sheet.iter_rows(values_only=True), strict=False)
                ]
                if _find_header(list(enumerate(head, start=1)), mapping) is not None:
                    chosen = sheet
                    break
            sheet = chosen or workbook.worksheets[0]
            rows = ((number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1))
            extra = {"sheet": sheet.title} if len(workbook.worksheets) > 1 else {}
            yield from _parse_rows(rows, file, mapping, options, extra=extra)
        finally:
            workbook.close()


# ----------------------------------------------------------------------------------------------------------
# Rows → records
# ----------------------------------------------------------------------------------------------------------


@dataclass
class _Column:
    index: int
    header: str
    target: str


@dataclass
class _Header:
    line: int
    columns: list[_Column] = field(default_factory=list)
    unmapped: list[tuple[int, str]] = field(default_factory=list)  # (index, header)


def _find_header(rows: Sequence[tuple[int, list[Any]]], mapping: ColumnMapping) -> _Header | None:
    for line, row in rows[:HEADER_SEARCH_ROWS]:
        headers = [_cell_text(c) or "" for c in row]
        if not any(headers):
            continue
        targets = resolve_headers(headers, mapping)
        known = [t for t in targets if t and t != "ignore"]
        if "title" in known or len(known) >= 2:
            header = _Header(line=line)
            for index, (name, target) in enumerate(zip(headers, targets, strict=True)):
                if target:
                    header.columns.append(_Column(index, name, target))
                elif name:
                    header.unmapped.append((index, name))
            return header
    return None


def _parse_rows(
    rows: Iterator[tuple[int, list[Any]]],
    file: str,
    mapping: ColumnMapping,
    options: ImportOptions,
    extra: dict[str, Any],
) -> Iterator[ParseResult]:
    head: list[tuple[int, list[Any]]] = []
    try:
        for item in rows:
            head.append(item)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        yield Rejection(SourceLocation(file, line=len(head) + 1), f"not a readable CSV file: {exc}")
        return
    if not any(_cell_text(c) for _, row in head for c in row):
        yield Rejection(SourceLocation(file), "file is empty")
        return
    header = _find_header(head, mapping)
    if header is None:
        first_line, first_row = next((line, row) for line, row in head if any(_cell_text(c) for c in row))
        shown = ", ".join(repr(_cell_text(c)) for c in first_row[:8] if _cell_text(c))
        yield Rejection(
            SourceLocation(file, line=first_line),
            f"no header row with known columns found (first row: {shown}); name the columns in a mapping file",
        )
        return
    for _, name in header.unmapped:
        yield Rejection(SourceLocation(file, line=header.line), f"column {name!r} is not mapped and was ignored")
    if not any(c.target == "title" for c in header.columns):
        headers = ", ".join(repr(c.header) for c in header.columns)
        yield Rejection(
            SourceLocation(file, line=header.line),
            f"no column maps to the title (mapped columns: {headers}); add one to a mapping file",
        )
        return
    unmapped_indexes = {index for index, _ in header.unmapped}

    def remaining() -> Iterator[tuple[int, list[Any]]]:
        for line, row in head:
            if line > header.line:
                yield line, row
        yield from rows

    iterator = remaining()
    while True:
        try:
            line, row = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(SourceLocation(file), f"CSV structure error, the rest of the file was not read: {exc}")
            return
        if not any(_cell_text(c) for i, c in enumerate(row) if i not in unmapped_indexes):
            continue
        location = SourceLocation(file, line=line)
        try:
            result = _row_to_record(row, header, mapping, options, location, extra)
        except Exception as exc:  # noqa: BLE001 - never crash on content
            result = Rejection(location, f"could not read the row: {type(exc).__name__}: {exc}", _row_excerpt(row))
        yield result


_LOOKS_LIKE_PUBLICATION = re.compile(r"^[A-Za-z]{2}[-\s]?[A-Za-z]{0,2}\d{4,}")


def _row_to_record(
    row: list[Any],
    header: _Header,
    mapping: ColumnMapping,
    options: ImportOptions,
    location: SourceLocation,
    file_extra: dict[str, Any],
) -> ParseResult:
    single: dict[str, tuple[str, Any]] = {}  # target -> (header, value) of the first non-empty column
    multi: dict[str, list[Any]] = {}
    extra: dict[str, Any] = dict(file_extra)
    others: dict[str, list[str]] = {}
    for column in header.columns:
        if column.target == "ignore":
            continue
        value = row[column.index] if column.index < len(row) else None
        if _is_empty(value):
            continue
        target = column.target
        if target.startswith("extra."):
            extra[target[len("extra.") :]] = _plain(value)
        elif target in MULTI_TARGETS:
            multi.setdefault(target, []).append(value)
        elif target in single:
            others.setdefault(target, []).append(_plain(value))
        else:
            single[target] = (column.header, value)

    title = _clean_text(single.get("title", (None, None))[1])
    if title:
        title = re.sub(r"\s+", " ", title)
    publication_number = _clean_number(single.get("publication_number", (None, None))[1])
    given_id = _clean_number(single.get("id", (None, None))[1])
    external_id = _cell_text(single.get("external_id", (None, None))[1])
    if given_id:
        if publication_number is None and _LOOKS_LIKE_PUBLICATION.match(given_id):
            publication_number = given_id
        elif external_id is None:
            external_id = given_id
    url = _cell_text(single.get("url", (None, None))[1])
    if url:
        extra["url"] = url
        if publication_number is None:
            publication_number = cn_publication_from_url(url)
    location.identifier = publication_number
    if not title:
        return Rejection(location, "row has no title", _row_excerpt(row))

    dates: dict[str, dt.date | None] = {}
    for target in DATE_TARGETS:
        if target in single:
            name, value = single[target]
            try:
                dates[target] = parse_date_value(value, mapping.date_format)
            except ValueError:
                return Rejection(location, f"column {name!r} has an invalid date {_plain(value)!r}", _row_excerpt(row))

    separator = mapping.multi_value_separator
    record = PatentRecord(
        title=title,
        source_format=FORMAT_NAME,
        publication_number=publication_number,
        application_number=_clean_number(single.get("application_number", (None, None))[1]),
        external_id=external_id,
        kind_code=(_cell_text(single.get("kind_code", (None, None))[1]) or "").upper() or None,
        publication_date=dates.get("publication_date"),
        application_date=dates.get("application_date"),
        grant_date=dates.get("grant_date"),
        abstract=_clean_text(single.get("abstract", (None, None))[1]),
        first_claim=strip_claim_number(_clean_text(single.get("first_claim", (None, None))[1])),
        description=_clean_text(single.get("description", (None, None))[1]),
        language=(_cell_text(single.get("language", (None, None))[1]) or "").lower() or None,
        legal_status=_clean_text(single.get("legal_status", (None, None))[1]),
        family_id=_cell_text(single.get("family_id", (None, None))[1]),
        extra=extra,
    )

    country_text = _cell_text(single.get("country", (None, None))[1])
    if country_text:
        record.country = COUNTRY_NAMES.get(country_text, country_text.upper() if len(country_text) == 2 else None)
        if record.country is None:
            extra["country"] = country_text
    number_country, number_kind = number_parts(record.publication_number)
    if record.country is None:
        record.country = number_country or number_parts(record.application_number)[0]
        if record.country is None and (record.publication_number or record.application_number):
            record.country = (options.default_country or "").upper() or None
    if record.kind_code is None:
        record.kind_code = number_kind

    type_text = single.get("doc_type", (None, None))[1]
    record.doc_type = doc_type_from_text(type_text) or doc_type_from_number(record.country, record.kind_code)  # type: ignore[assignment]
    if type_text is not None and not doc_type_from_text(type_text):
        extra["patent_type"] = _plain(type_text)
    if (
        record.grant_date is None
        and record.country == "CN"
        and record.kind_code
        and record.kind_code[0] in CN_GRANT_KINDS
    ):
        record.grant_date = record.publication_date

    claims_text = _clean_text(single.get("claims", (None, None))[1])
    if claims_text:
        record.claims = split_claims_text(claims_text)
        if record.first_claim is None and record.claims:
            record.first_claim = record.claims[0]
    if record.language is None:
        record.language = detect_language(record.title, record.abstract)

    _parties(record, multi, single, separator)
    _classifications(record, multi, single, separator)
    for value in multi.get("citations", []):
        for number in split_multi(_plain(value), separator):
            country, kind = number_parts(number)
            record.citations.append(Citation(sequence=len(record.citations), number=number, country=country, kind=kind))
    cited_by = [n for value in multi.get("cited_by", []) for n in split_multi(_plain(value), separator)]
    if cited_by:
        extra["cited_by"] = cited_by
    _priorities(record, multi, dates.get("priority_date"), separator)
    province = _cell_text(single.get("province_code", (None, None))[1])
    if province:
        extra["province_code"] = province
    for target, values in others.items():
        extra[f"other_{target}"] = values if len(values) > 1 else values[0]
    return ParsedRecord(record, location)


def _parties(
    record: PatentRecord, multi: dict[str, list[Any]], single: dict[str, tuple[str, Any]], separator: str | None
) -> None:
    for target, role in (
        ("applicants", "applicant"),
        ("assignees", "assignee"),
        ("inventors", "inventor"),
        ("agents", "agent"),
    ):
        names: list[str] = []
        for value in multi.get(target, []):
            for name in split_names(_plain(value), separator):
                if name not in names:
                    names.append(name)
        for sequence, name in enumerate(names):
            record.parties.append(PartyMention(role=role, name=name, sequence=sequence))  # type: ignore[arg-type]
    address = _clean_text(single.get("address", (None, None))[1])
    if address:
        owner = next((p for p in record.parties if p.role in ("applicant", "assignee")), None)
        if owner is not None:
            owner.address = address
        else:
            record.extra["address"] = address


def _classifications(
    record: PatentRecord, multi: dict[str, list[Any]], single: dict[str, tuple[str, Any]], separator: str | None
) -> None:
    main = normalise_class_code(_cell_text(single.get("ipc_main", (None, None))[1]))
    ipc_codes = [main] if main else []
    for value in multi.get("ipc", []):
        ipc_codes += [normalise_class_code(c) for c in _split_codes(_plain(value), separator)]
    for scheme, codes, main_code in (
        ("IPC", ipc_codes, main or next((c for c in ipc_codes if c), None)),
        (
            "CPC",
            [normalise_class_code(c) for v in multi.get("cpc", []) for c in _split_codes(_plain(v), separator)],
            None,
        ),
    ):
        seen: set[str] = set()
        for code in codes:
            if not code or code in seen:
                continue
            record.classifications.append(
                Classification(scheme=scheme, code=code, is_main=code == main_code, sequence=len(seen))  # type: ignore[arg-type]
            )
            seen.add(code)


_CODE_SPLIT = re.compile(r"\s*(?:;;|[;；,，、|\n])\s*")


def _split_codes(value: str, separator: str | None) -> list[str]:
    parts = value.split(separator) if separator else _CODE_SPLIT.split(value)
    return [p.strip() for p in parts if p.strip()]


_PRIORITY_DATE = re.compile(r"(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?|(?<!\d)\d{8}(?!\d))")


def _priorities(
    record: PatentRecord, multi: dict[str, list[Any]], priority_date: dt.date | None, separator: str | None
) -> None:
    for value in multi.get("priority", []):
        for item in split_multi(_plain(value), separator):
            claim: dict[str, Any] = {}
            date_match = _PRIORITY_DATE.search(item)
            number = item
            if date_match:
                try:
                    claim["date"] = parse_date_value(date_match.group(1)).isoformat()  # type: ignore[union-attr]
                    number = (item[: date_match.start()] + " " + item[date_match.end() :]).strip(" ,;()（）")
                except ValueError:
                    pass
            number = re.sub(r"\s+", " ", number).strip()
            if number:
                claim["number"] = number
                claim["country"] = number_parts(number)[0]
            claim["text"] = item
            record.priority_claims.append(claim)
    if priority_date and not any(c.get("date") == priority_date.isoformat() for c in record.priority_claims):
        undated = [c for c in record.priority_claims if "date" not in c]
        if len(undated) == 1:
            undated[0]["date"] = priority_date.isoformat()
        else:
            record.priority_claims.append({"date": priority_date.isoformat()})


# ----------------------------------------------------------------------------------------------------------
# Cells, text and encodings
# ----------------------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    text = str(value).strip()
    return text or None


def _plain(value: Any) -> str:
    return _cell_text(value) or ""


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in EMPTY_MARKERS
    return False


def _clean_text(value: Any) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    cleaned = "\n".join(line for line in lines if line)
    return cleaned or None


def _clean_number(value: Any) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).strip() or None


def _row_excerpt(row: list[Any]) -> str:
    return " | ".join(_plain(c)[:40] for c in row[:6])


def detect_encoding(data: bytes, truncated: bool = False) -> str:
    """Encoding of a CSV: a BOM, then strict UTF-8, then charset-normalizer's guess, with GB18030 as the fallback.

    `truncated` means `data` is the first bytes of a longer file, so a character cut at the end is forgiven.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    import charset_normalizer

    candidates: list[str] = []
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        guess = codecs.lookup(best.encoding).name
        candidates.append("gb18030" if guess in GB_FAMILY or best.encoding in GB_FAMILY else guess)
    candidates.append("gb18030")
    sample = data if not truncated else data[:-4]
    decodable = []
    for encoding in candidates:
        try:
            sample.decode(encoding)
            decodable.append(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    if len(decodable) > 1 and decodable[0] != "gb18030":
        # Prefer GB18030 when it makes the header row recognisable and the other guess does not.
        def known_columns(encoding: str) -> int:
            text = sample.decode(encoding)
            first = next((line for line in text.splitlines() if line.strip()), "")
            return sum(1 for t in resolve_headers(re.split(r"[,\t;]", first)) if t and t != "ignore")

        if known_columns("gb18030") > known_columns(decodable[0]):
            return "gb18030"
    return decodable[0] if decodable else "gb18030"


def _delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV text with the 1-based line on which each row starts (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    count = 0
    for row in reader:
        yield start, row
        start = reader.line_num + 1
        count += 1
        if limit is not None and count >= limit:
            return


def header_targets(headers: Sequence[str], mapping: ColumnMapping | None = None) -> dict[str, str | None]:
    """Which target each header maps to (for the CLI's dry-run and for the docs)."""
    return {h: t for h, t in zip(headers, resolve_headers(list(headers), mapping), strict=True)}


__all__ = ["SpreadsheetImporter", "detect_encoding", "header_targets", "normalise_header"]
