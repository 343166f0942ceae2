"""Column mapping for spreadsheet exports, and the small value parsers the loose-format importers share.

A patent export (CNIPA, incoPat, PatSnap 智慧芽, CNKI, Lens.org, Google Patents or an operator's own sheet)
is a header row and one row per patent. Each header is normalised (case, whitespace, full-width brackets
and colons) and looked up in :data:`PRESET_COLUMNS`; anything else can be mapped by a **user mapping file**.

User mapping file (YAML or JSON; ``ImportOptions.mapping_file``)::

    columns:                      # header as written in the file -> target (required)
      专利名称(中文): title
      My Applicant Column: applicants
      Internal ref: extra.internal_ref     # keep the value under record.extra["internal_ref"]
      Download: ignore                     # drop the column without a warning
    date_format: "%d/%m/%Y"       # optional strptime format, tried before the built-in date forms
    multi_value_separator: "|"    # optional; separates several applicants/inventors/IPC codes in a cell

User columns take precedence over the presets. Targets are listed in :data:`TARGETS`; ``extra.<key>`` and
``ignore`` are always allowed. A header that maps to nothing is reported once (not per row) and ignored.
See ``docs/spreadsheet-mapping.md`` for the full list of preset headers.

The value helpers at the bottom (dates, multi-value cells, IPC/CPC code normalisation, claim splitting,
language detection, CN publication numbers in CNKI URLs) are also used by the JSON Lines and PPUBS
importers, so every importer normalises these values the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lingxi.patents.numbers import CN_KIND_DOC_TYPE, GRANT_KINDS_CN

# ----------------------------------------------------------------------------------------------------------
# Targets a column can map to
# ----------------------------------------------------------------------------------------------------------

TARGETS: dict[str, str] = {
    "title": "title 标题/名称 (required)",
    "publication_number": "publication number 公开(公告)号",
    "application_number": "application number 申请号",
    "external_id": "an id of the source database (used when there is no publication number)",
    "id": 'a publication number when the value looks like one (Google Patents "US-7654321-B2"), else an external id',
    "country": "country code 国别",
    "kind_code": "kind code 文献类型代码 (A, B, U, B2 …)",
    "doc_type": "patent type 专利类型 (发明/实用新型/外观设计, invention/utility model/design)",
    "publication_date": "publication date 公开(公告)日",
    "application_date": "application (filing) date 申请日",
    "grant_date": "grant date 授权日",
    "priority_date": "earliest priority date 优先权日",
    "priority": "priority claims 优先权 (numbers and dates)",
    "abstract": "abstract 摘要",
    "first_claim": "first (independent) claim 主权项/首项权利要求",
    "claims": "all claims 权利要求书 (split into single claims)",
    "description": "description 说明书",
    "language": "language code (zh, en …); detected from the title when absent",
    "legal_status": "legal status 法律状态",
    "family_id": "family id 同族号",
    "applicants": "applicants 申请人 (several separated by ; or ；)",
    "assignees": "assignees / patentees / current owners 专利权人/当前权利人",
    "inventors": "inventors 发明人/设计人",
    "agents": "patent agency or agents 代理机构/代理人",
    "address": "address of the first applicant 地址",
    "province_code": "province code 国省代码 (kept in extra)",
    "ipc": "IPC codes 分类号 (first one is taken as the main class)",
    "ipc_main": "main IPC code 主分类号",
    "cpc": "CPC codes",
    "citations": "cited patents 引证专利 (backward citations)",
    "cited_by": "citing patents 被引证专利 (forward citations, kept in extra)",
    "url": "link to the document (kept in extra; a CNKI link also yields the CN publication number)",
    "ignore": "drop the column silently",
}

# ----------------------------------------------------------------------------------------------------------
# Header normalisation and presets
# ----------------------------------------------------------------------------------------------------------


def normalise_header(header: Any) -> str:
    """Canonical header for lookup: NFKC (full-width → ASCII), lower case, no blanks/_/-, no trailing colon."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    text = re.sub(r"[\s_\-]+", "", text)
    return text.rstrip(":.")


_PRESET_SOURCE: dict[str, Sequence[str]] = {
    "title": [
        "标题",
        "名称",
        "专利名称",
        "发明名称",
        "发明创造名称",
        "实用新型名称",
        "外观设计名称",
        "题名",
        "中文标题",
        "标题(中文)",
        "名称(中文)",
        "title",
        "titles",
        "patent title",
        "invention title",
        "title (english)",
        "title(original)",
        "original title",
        "标题(原文)",
    ],
    "publication_number": [
        "公开(公告)号",
        "公开号",
        "公告号",
        "授权公告号",
        "公开公告号",
        "公布号",
        "申请公布号",
        "文献号",
        "专利号",
        "publication number",
        "publication no",
        "publication numbers",
        "patent number",
        "patent no",
        "pub number",
        "pub. number",
        "pub no",
        "display key",
        "document number",
    ],
    "application_number": [
        "申请号",
        "申请号码",
        "专利申请号",
        "application number",
        "application no",
        "application numbers",
        "appl. number",
        "application id",
    ],
    "external_id": ["lens id", "patsnap id", "incopat id", "记录号"],
    "id": ["id"],
    "country": ["国家", "国别", "受理局", "公开国别", "jurisdiction", "country", "publication country", "country code"],
    "kind_code": ["文献类型", "文献代码", "kind", "kind code", "publication kind"],
    "doc_type": ["专利类型", "类型", "专利种类", "patent type", "document type", "type", "publication type"],
    "publication_date": [
        "公开(公告)日",
        "公开日",
        "公告日",
        "授权公告日",
        "公开公告日",
        "公布日",
        "申请公布日",
        "publication date",
        "pub date",
        "date published",
        "published date",
        "publication date (earliest)",
    ],
    "application_date": [
        "申请日",
        "申请日期",
        "申请时间",
        "application date",
        "filing date",
        "filing/creation date",
        "date filed",
        "app date",
    ],
    "grant_date": ["授权日", "授权日期", "grant date", "date granted", "issue date"],
    "priority_date": [
        "优先权日",
        "最早优先权日",
        "priority date",
        "earliest priority date",
        "earliest priority",
    ],
    "priority": ["优先权", "优先权号", "优先权信息", "priority", "priority number", "priority numbers", "priorities"],
    "abstract": ["摘要", "中文摘要", "摘要(中文)", "abstract", "abstracts", "abstract (english)"],
    "first_claim": [
        "主权项",
        "首项权利要求",
        "独立权利要求",
        "第一权利要求",
        "first claim",
        "main claim",
        "independent claim",
    ],
    "claims": ["权利要求书", "权利要求", "claims", "claim"],
    "description": ["说明书", "全文", "description", "full text"],
    "language": ["语言", "language", "lang"],
    "legal_status": [
        "法律状态",
        "当前法律状态",
        "简单法律状态",
        "专利有效性",
        "有效性",
        "legal status",
        "simple legal status",
        "current legal status",
        "status",
    ],
    "family_id": ["同族号", "简单同族id", "family id", "simple family id", "inpadoc family id", "docdb family id"],
    "applicants": [
        "申请(专利权)人",
        "申请人",
        "申请人名称",
        "第一申请人",
        "原始申请(专利权)人",
        "标准化申请(专利权)人",
        "applicant",
        "applicants",
        "applicant name",
        "applicants name",
        "original assignee",
        "original assignees",
        "original applicant",
    ],
    "assignees": [
        "专利权人",
        "当前权利人",
        "当前申请(专利权)人",
        "当前专利权人",
        "受让人",
        "assignee",
        "assignees",
        "current assignee",
        "current assignees",
        "owner",
        "owners",
        "patent owner",
    ],
    "inventors": [
        "发明人",
        "设计人",
        "发明(设计)人",
        "发明人/设计人",
        "发明人姓名",
        "inventor",
        "inventors",
        "inventor/author",
        "inventor name",
        "inventors name",
    ],
    "agents": [
        "代理机构",
        "代理人",
        "专利代理机构",
        "agency",
        "agent",
        "agents",
        "attorney",
        "attorney/agent",
        "law firm",
    ],
    "address": ["地址", "申请人地址", "专利权人地址", "address", "applicant address"],
    "province_code": ["国省代码", "申请人国省代码", "省市代码", "province code"],
    "ipc": [
        "ipc",
        "ipc分类号",
        "分类号",
        "国际分类号",
        "ipc分类",
        "ipc codes",
        "ipc classification",
        "ipcr classifications",
        "ipc classifications",
        "ipcr",
        "international classification",
    ],
    "ipc_main": ["主分类号", "ipc主分类", "ipc主分类号", "main ipc", "ipc main", "main classification", "ipc (main)"],
    "cpc": ["cpc", "cpc分类号", "cpc classifications", "cpc classification", "cpc codes"],
    "citations": [
        "引证专利",
        "引用专利",
        "引证文献",
        "cited patents",
        "citations",
        "cited references",
        "cites",
        "backward citations",
        "patent citations",
    ],
    "cited_by": ["被引证专利", "被引用专利", "施引专利", "citing patents", "cited by", "forward citations"],
    "url": ["链接", "原文链接", "result link", "url", "link", "patent link", "lens url"],
    "extra.representative_figure": ["representative figure link"],
    "extra.publication_year": ["publication year", "公开年"],
    "extra.cited_by_count": [
        "被引证次数",
        "被引用次数",
        "cited by patent count",
        "cited by count",
        "forward citation count",
    ],
    "extra.family_size": ["同族数量", "simple family size", "extended family size", "family size"],
    "extra.npl_citations": ["npl citations", "非专利引证文献"],
    "ignore": ["#", "序号", "no", "no.", "下载", "download", "has full text", "sequence count"],
}

PRESET_COLUMNS: dict[str, str] = {}
for _target, _headers in _PRESET_SOURCE.items():
    for _header in _headers:
        PRESET_COLUMNS.setdefault(normalise_header(_header), _target)

# CNKI pages scraped with a web-scraper browser extension name their columns after the page's CSS classes
# (the real export in shared/data has them). These words are too generic to map in every file, so they
# apply only when a header row looks like such a scrape (at least two of the tell-tale names present).
CNKI_SCRAPE_COLUMNS: dict[str, str] = {
    "author": "inventors",
    "com": "applicants",
    "public": "extra.source",
    "sql": "application_date",
    "quote": "publication_date",
    "href": "url",
    "chdivsummary": "abstract",
    "claimtext": "first_claim",
    "download": "ignore",
    "source": "extra.source",
}
_CNKI_TELLTALES = {"chdivsummary", "claimtext", "sql", "quote", "com", "href"}
# Columns of the tidied CNKI export (CSV) that are not in the general presets.
PRESET_COLUMNS.setdefault("source", "extra.source")
PRESET_COLUMNS.setdefault("cnkiurl", "url")


# ----------------------------------------------------------------------------------------------------------
# User mapping file
# ----------------------------------------------------------------------------------------------------------


class MappingFileError(ValueError):
    """The user mapping file cannot be used; the message says why."""


@dataclass
class ColumnMapping:
    """Header → target overrides from the user, plus value parsing options."""

    columns: dict[str, str] = field(default_factory=dict)  # normalised header -> target
    date_format: str | None = None
    multi_value_separator: str | None = None


def is_valid_target(target: str) -> bool:
    return target in TARGETS or (target.startswith("extra.") and len(target) > len("extra."))


def load_mapping_file(path: Path | None) -> ColumnMapping:
    """Read a YAML or JSON mapping file (see the module docstring); raise MappingFileError when unusable."""
    if path is None:
        return ColumnMapping()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingFileError(f"cannot read mapping file {path}: {exc.strerror or exc}") from exc
    try:
        if Path(path).suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml  # PyYAML also reads JSON

            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a clear message
        raise MappingFileError(f"mapping file {path} is not valid YAML/JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise MappingFileError(f'mapping file {path} needs a \'columns\' object: {{"My Header": "title", …}}')
    columns: dict[str, str] = {}
    for header, target in data["columns"].items():
        if not isinstance(target, str) or not is_valid_target(target.strip()):
            known = ", ".join(TARGETS)
            raise MappingFileError(
                f"mapping file {path}: column {header!r} maps to {target!r}, which is not a target "
                f"(use one of {known}, or extra.<name>)"
            )
        columns[normalise_header(header)] = target.strip()
    date_format = data.get("date_format")
    separator = data.get("multi_value_separator")
    if date_format is not None and not isinstance(date_format, str):
        raise MappingFileError(f'mapping file {path}: date_format must be a string such as "%d/%m/%Y"')
    if separator is not None and (not isinstance(separator, str) or not separator):
        raise MappingFileError(f"mapping file {path}: multi_value_separator must be a non-empty string")
    return ColumnMapping(columns=columns, date_format=date_format, multi_value_separator=separator)


def resolve_headers(headers: Sequence[Any], mapping: ColumnMapping | None = None) -> list[str | None]:
    """Target of every header (None when unmapped), user mapping first, then the CNKI scrape names, then presets."""
    mapping = mapping or ColumnMapping()
    normalised = [normalise_header(h) for h in headers]
    cnki_scrape = len(_CNKI_TELLTALES.intersection(normalised)) >= 2
    targets: list[str | None] = []
    for norm in normalised:
        target = mapping.columns.get(norm)
        if target is None and cnki_scrape:
            target = CNKI_SCRAPE_COLUMNS.get(norm)
        if target is None:
            target = PRESET_COLUMNS.get(norm)
        targets.append(target)
    return targets


# ----------------------------------------------------------------------------------------------------------
# Value parsers shared by the importers
# ----------------------------------------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date_value(value: Any, date_format: str | None = None) -> dt.date | None:
    """A date from a cell: 2018-07-30, 2018/7/30, 2018.07.30, 20180730, 2018年7月30日, Excel dates and serials.

    Returns None for an empty value and raises ValueError (with the reason) for anything that is not a date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a serial with a time of day
        number = int(value)
        if 19000101 <= number <= 21001231:
            return parse_date_value(str(number))
        if 1 <= number <= 80000:  # Excel serial day number (1900 date system)
            return EXCEL_EPOCH + dt.timedelta(days=number)
        raise ValueError(f"number {value} is not a date")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if date_format:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            pass
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)  # raises ValueError for 2018-02-30
    raise ValueError("not a recognised date form")


_MULTI_SPLIT = re.compile(r"\s*(?:;;|[;；\n]|\s\|\s)\s*")
_NAME_SPLIT = re.compile(r"\s*(?:;;|[;；、\n]|\s\|\s)\s*")
_NAME_SPLIT_WITH_COMMA = re.compile(r"\s*(?:;;|[;；,，、\n]|\s\|\s)\s*")


def split_multi(value: Any, separator: str | None = None) -> list[str]:
    """Split a multi-value cell on ; ； ;; | and newlines (or on the user's separator); drop empty parts."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value).strip()
    if not text:
        return []
    parts = text.split(separator) if separator else _MULTI_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


def split_names(value: Any, separator: str | None = None) -> list[str]:
    """Split applicants/inventors: ; ； 、 always; ASCII/full-width commas only when the cell is Chinese.

    "Apple Inc., Cupertino" and "Smith, John" must stay whole, while "李育超,于泽溪" is two people.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value).strip()
    if not text:
        return []
    if separator:
        parts = text.split(separator)
    elif has_cjk(text):
        parts = _NAME_SPLIT_WITH_COMMA.split(text)
    else:
        parts = _NAME_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


_CLASS_CODE = re.compile(r"^([A-HY])\s*(\d{2})\s*([A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})")
_CLASS_CODE_WIPO = re.compile(r"^([A-HY])(\d{2})([A-Z])(\d{4})(\d{6})$")  # A01B0001020000 = A01B 1/02


def normalise_class_code(code: Any) -> str | None:
    """IPC/CPC code in the usual printed form, e.g. "H01M10/0525" → "H01M 10/0525"; None when empty.

    Also reads the 14-character WIPO form and zero-padded groups ("G06Q010/04"); a trailing version date
    ("H01L21/70 20060101") or parenthesised note is dropped. Codes that do not look like IPC/CPC are
    returned cleaned but otherwise unchanged (e.g. a bare subclass "G06F").
    """
    if code is None:
        return None
    text = unicodedata.normalize("NFKC", str(code)).strip().upper()
    if not text:
        return None
    wipo = _CLASS_CODE_WIPO.match(text)
    if wipo:
        section, cls, sub, group, subgroup = wipo.groups()
        subgroup = subgroup.rstrip("0")
        subgroup = subgroup.ljust(2, "0")
        return f"{section}{cls}{sub} {int(group)}/{subgroup}"
    match = _CLASS_CODE.match(text)
    if match:
        section, cls, sub, group, subgroup = match.groups()
        return f"{section}{cls}{sub} {int(group)}/{subgroup}"
    return re.sub(r"\s+", " ", text)


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def has_cjk(text: str | None) -> bool:
    return bool(text) and _CJK.search(text) is not None  # type: ignore[arg-type]


def detect_language(*texts: str | None) -> str | None:
    """ "zh" when the text has CJK ideographs, "en" when it has Latin letters, None when there is nothing to tell."""
    joined = " ".join(t for t in texts if t)
    if not joined.strip():
        return None
    if has_cjk(joined):
        return "zh"
    return "en" if re.search(r"[A-Za-z]", joined) else None


_CLAIM_START = re.compile(r"(?:^|(?<=[\s。．.;；:：]))(\d{1,3})\s*[.．、]\s*(?=[^\d\s])")


def split_claims_text(text: str | None) -> list[str]:
    """Split a claims block ("1.一种…。2.根据权利要求1所述…") into single claims, numbers removed.

    A claim starts where the next expected number (1, 2, 3 …) is followed by "." "．" or "、" at the start
    or after whitespace/sentence punctuation, so "权利要求1所述" or "0.5 mm" never start a claim. Text that
    has no numbered claims comes back as one claim.
    """
    if not text or not text.strip():
        return []
    text = text.strip()
    starts: list[tuple[int, int]] = []  # (start of number, start of claim text)
    expected = 1
    for match in _CLAIM_START.finditer(text):
        if int(match.group(1)) == expected:
            starts.append((match.start(), match.end()))
            expected += 1
    if not starts or len(text[: starts[0][0]].strip()) > 60:
        return [text]  # no numbered claims, or a long text that merely contains "1." somewhere
    claims = []
    for index, (_, body_start) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        claim = text[body_start:end].strip()
        if claim:
            claims.append(claim)
    return claims or [text]


def strip_claim_number(text: str | None) -> str | None:
    """ "1.一种…" → "一种…" (first claims are printed with or without their number)."""
    if text is None:
        return None
    stripped = re.sub(r"^\s*1\s*[.．、]\s*(?=\S)", "", text).strip()
    return stripped or None


_CN_NUMBER_IN_URL = re.compile(r"(?:filename|FileName|fileName)=(CN\d{7,9}[A-Z]\d?)", re.IGNORECASE)


def cn_publication_from_url(url: str | None) -> str | None:
    """The CN publication number in a CNKI detail URL ("…&filename=CN108982325A" → "CN108982325A")."""
    if not url:
        return None
    match = _CN_NUMBER_IN_URL.search(url)
    return match.group(1).upper() if match else None


_DOC_TYPE_WORDS: list[tuple[str, str]] = [
    ("实用新型", "utility_model"),
    ("外观", "design"),
    ("发明", "invention"),
    ("utility", "utility_model"),
    ("design", "design"),
    ("plant", "plant"),
    ("reissue", "reissue"),
    ("invention", "invention"),
]


def doc_type_from_text(value: Any) -> str | None:
    """专利类型 / patent type text → DocType (发明 invention, 实用新型 utility_model, 外观设计 design)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    for word, doc_type in _DOC_TYPE_WORDS:
        if word in text:
            return doc_type
    return None


def first_present(values: Iterable[Any]) -> Any:
    for value in values:
        if value not in (None, "", []):
            return value
    return None


CN_GRANT_KINDS = GRANT_KINDS_CN

_NUMBER_COUNTRY = re.compile(r"^([A-Z]{2})(?=[A-Z]{0,2}\d)")
_NUMBER_KIND = re.compile(r"\d([A-Z]\d?)$")


def number_parts(number: str | None) -> tuple[str | None, str | None]:
    """(country, kind) written in a publication number: "CN108982325A" → ("CN", "A"), "108982325" → (None, None)."""
    if not number:
        return None, None
    text = re.sub(r"[\s\-_/,.]", "", unicodedata.normalize("NFKC", number)).upper()
    country = _NUMBER_COUNTRY.match(text)
    kind = _NUMBER_KIND.search(text) if country else None
    return (country.group(1) if country else None), (kind.group(1) if kind else None)


def doc_type_from_number(country: str | None, kind: str | None) -> str | None:
    """Document type implied by a CN kind code (A/B/C invention, U/Y utility model, S/D design)."""
    if country == "CN" and kind:
        return CN_KIND_DOC_TYPE.get(kind[0])
    return None
