"""Value normalisers shared by indexing and querying: IPC/CPC codes, dates, and the words operators use for
document types, applicant types, legal status and regions. Each function is used on both sides so a query value
and an indexed value meet on one canonical form."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from lingxi.parties.types import PartyType


# ---------------------------------------------------------------------------------------------- classification

_CLASS_CODE = re.compile(r"^([A-H])(\d{2})([A-Z])?(?:(\d{1,4})(?:/(\d{1,6}))?)?$")
_WIPO_14 = re.compile(r"^([A-H]\d{2}[A-Z])(\d{4})(\d{6})$")  # A01B0001020000 = A01B 1/02


def normalise_class_code(raw: str) -> str:
    """'H01M 10/0525', 'h01m10/0525', 'H01M0010052500' → 'H01M10/0525'; a partial code ('H01M', 'H01') as is."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    wipo = _WIPO_14.match(text)
    if wipo:
        group, subgroup = int(wipo.group(2)), wipo.group(3).rstrip("0")
        return f"{wipo.group(1)}{group}/{subgroup.ljust(2, '0')}"
    match = re.match(r"^([A-H]\d{2}[A-Z])0*(\d+)(/.*)?$", text)
    if match:  # drop zero padding of the main group: H01M010/05 → H01M10/05
        return f"{match.group(1)}{match.group(2)}{match.group(3) or ''}"
    return text


def class_hierarchy(code: str) -> list[str]:
    """Terms indexed for one code so that a query for any ancestor finds it:
    H01M10/0525 → H, H01, H01M, H01M10, H01M10/0525 (a main-group query H01M10/00 is read as H01M10)."""
    code = normalise_class_code(code)
    match = _CLASS_CODE.match(code)
    if not match:
        return [code] if code else []
    section, klass, subclass, group, subgroup = match.groups()
    terms = [section, f"{section}{klass}"]
    if subclass:
        terms.append(f"{section}{klass}{subclass}")
        if group:
            terms.append(f"{section}{klass}{subclass}{group}")
            if subgroup:
                terms.append(code)
    return terms


def class_query_term(value: str) -> str:
    """The indexed term a query code stands for: H01M10/00 (a whole main group) → H01M10."""
    code = normalise_class_code(value)
    return re.sub(r"/0+$", "", code)


# ---------------------------------------------------------------------------------------------- dates

_DATE = re.compile(r"^(\d{4})(?:[-./年]?(\d{1,2})(?:[-./月]?(\d{1,2})日?)?月?)?年?$")


class InvalidDate(ValueError):
    pass


def date_bounds(raw: str) -> tuple[int, int]:
    """A date, month or year as the first and last day it covers, as yyyymmdd integers (the index's form).

    2018 → (20180101, 20181231); 2018-05 → (20180501, 20180531); 2018-05-07, 20180507, 2018.5.7, 2018年5月7日 → one day.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    elif re.fullmatch(r"\d{6}", text):
        text = f"{text[:4]}-{text[4:]}"
    match = _DATE.match(text)
    if not match:
        raise InvalidDate(f"{raw!r} is not a date (write 2018, 2018-05 or 2018-05-07)")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if day:
            first = last = dt.date(year, int(month), int(day))
        elif month:
            first = dt.date(year, int(month), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError as error:
        raise InvalidDate(f"{raw!r} is not a date: {error}") from None
    return date_int(first), date_int(last)


def date_int(day: dt.date | None) -> int | None:
    return day.year * 10000 + day.month * 100 + day.day if day else None


# ---------------------------------------------------------------------------------------------- vocabularies

DOC_TYPES = {
    "invention": ("发明", "发明专利", "发明申请", "发明授权", "utility", "patent"),
    "utility_model": ("实用新型", "新型", "utility model", "utility-model", "um"),
    "design": ("外观设计", "外观", "设计"),
    "plant": ("植物",),
    "reissue": ("再颁",),
}

APPLICANT_TYPES = {
    PartyType.UNIVERSITY.value: ("高校", "大学", "院校", "学校", "univ"),
    PartyType.INSTITUTE.value: ("科研院所", "研究院所", "院所", "研究所", "科研机构", "research institute"),
    PartyType.SOE.value: ("国有企业", "国企", "央企", "state-owned enterprise", "state owned enterprise"),
    PartyType.ENTERPRISE.value: ("企业", "公司", "company", "firm"),
    PartyType.INDIVIDUAL.value: ("个人", "person"),
    PartyType.HOSPITAL.value: ("医院",),
    PartyType.GOVERNMENT.value: ("政府", "机关"),
    PartyType.OTHER.value: ("其他",),
}

# Legal status as exports print it, in three buckets an operator filters by; the raw value is indexed too.
LEGAL_STATUS = {
    "valid": ("有效", "授权", "granted", "in force", "active", "alive", "专利权维持"),
    "pending": ("审中", "实质审查", "公开", "published", "pending", "examination", "under examination"),
    "invalid": ("失效", "无效", "lapsed", "expired", "dead", "withdrawn", "rejected", "驳回", "撤回", "视为撤回",
                "未缴年费", "届满", "放弃", "终止", "权利终止", "避重放弃"),
}


def _lookup(table: dict[str, tuple[str, ...]], raw: str) -> str | None:
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    for canonical, synonyms in table.items():
        if value == canonical or value in synonyms:
            return canonical
    return None


def canonical_doc_type(raw: str) -> str | None:
    return _lookup(DOC_TYPES, raw)


def canonical_applicant_type(raw: str) -> str | None:
    return _lookup(APPLICANT_TYPES, raw)


def legal_status_terms(raw: str | None) -> list[str]:
    """Indexed terms for a stored status: the raw value lower-cased and its bucket when one is recognised."""
    if not raw:
        return []
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    terms = [value]
    bucket = _lookup(LEGAL_STATUS, value)
    if bucket is None:  # "专利权维持 / 有效" and other compound strings: look for a known word inside
        for canonical, synonyms in LEGAL_STATUS.items():
            if any(s in value for s in synonyms if len(s) > 1):
                bucket = canonical
                break
    if bucket and bucket != value:
        terms.append(bucket)
    return terms


def legal_status_query_term(raw: str) -> str:
    return _lookup(LEGAL_STATUS, raw) or unicodedata.normalize("NFKC", raw).strip().lower()


def region_term(raw: str) -> str:
    """Province and city names as the party tables keep them: 陕西省 → 陕西, 西安市 → 西安."""
    value = unicodedata.normalize("NFKC", raw).strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if value.endswith(suffix) and len(value) > len(suffix) + 1:
            return value[: -len(suffix)]
    return value
