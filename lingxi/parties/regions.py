"""Where a party is: province and city of a Chinese organisation name (or a Chinese place in an English one).

Chinese registered names put the administrative region first (行政区划 + 字号 + 行业 + 组织形式: 西安…, 深圳市…),
or in brackets after the trade name (中芯国际集成电路制造(北京)有限公司); national bodies have none (国家电网).
:func:`detect_region` therefore trusts, in order:

1. a small table of well-known institutions whose name does not say where they are, or says it misleadingly
   (清华大学 → 北京, 中山大学 → 广州 not the city of 中山, 吉林大学 → 长春, 河北工业大学 → 天津), with a campus
   written right after the name overriding it (中国地质大学(武汉), 清华大学深圳研究生院);
2. places found by a longest-match scan over all 34 provincial-level divisions, 333 prefecture-level divisions
   and a list of county-level cities — but only where a place is expected: at the start of the name, inside
   brackets, after a national prefix (中国科学院, 国网, 中车 …), after a university / company name (a campus or a
   branch: 西安交通大学苏州研究院, …有限公司南京分公司), or written with its 省/市 suffix.  A province found first is
   completed by a city of the same province found later (广东省深圳市…);
3. a single-character province abbreviation at the very start (陕煤, 皖西学院 …) for a safe subset.

Known false friends are blocked: 中山大学 / 中山医院 (not the city 中山), 北海道 (Hokkaido), 德州仪器 (Texas
Instruments), 大理石 (marble), 朝阳区 (a Beijing district); 汶上 is a county and not 上海 (汶上海纬…); 吉林 alone is
the province and 吉林市 the city; 海南 is the province, never 海南藏族自治州; 长安 and 东方 are not places here.

For a municipality the city is the municipality itself (北京 → 北京/北京); a province-level name gives the
province only (浙江大学 → 浙江/None).  Latin-script names are matched on pinyin / English province and city names
(Tianjin University → 天津, INSPUR SUZHOU … → 江苏/苏州).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingxi.parties.data.cn_divisions import (
    CITY_PINYIN,
    COUNTY_LEVEL,
    KNOWN_INSTITUTIONS,
    PREFECTURES,
    PROVINCES,
    TAIWAN_CITIES,
)
from lingxi.parties.names import has_cjk, normalise_org_name, person_display

__all__ = ["Region", "detect_region", "region_of_display", "province_code", "PROVINCE_NAMES"]


@dataclass(frozen=True)
class Region:
    province: str  # short form: 陕西, 内蒙古, 广西, 北京
    city: str | None  # prefecture-level city (short form), the municipality itself, or None
    province_code: str  # GB/T 2260, e.g. "610000"
    county: str | None = None  # a county-level city when the name gave one (昆山 → city 苏州, county 昆山)


@dataclass(frozen=True)
class _Place:
    province: str
    city: str | None
    county: str | None
    level: str  # "province" | "city" | "county"


PROVINCE_NAMES: tuple[str, ...] = tuple(p[2] for p in PROVINCES)
_CODES = {p[2]: p[0] for p in PROVINCES}


def province_code(province: str) -> str | None:
    """GB/T 2260 code of a province short name (陕西 → 610000)."""
    return _CODES.get(province)


# --------------------------------------------------------------------------------------------------
# the alias index


def _split_entry(entry: str) -> tuple[str, str | None]:
    full, _, short = entry.partition("=")
    if short:
        return full, short
    if full.endswith(("盟", "地区", "自治州")):
        return full, None
    return full + "市", full


@lru_cache(maxsize=1)
def _index() -> dict[str, _Place]:
    aliases: dict[str, _Place] = {}
    province_aliases: set[str] = set()
    for _code, full, short, kind, _abbr, _en in PROVINCES:
        if kind in ("municipality", "sar"):
            place = _Place(short, short, None, "city")
        else:
            place = _Place(short, None, None, "province")
        for alias in {full, short}:
            aliases[alias] = place
            province_aliases.add(alias)
        if short == "内蒙古":
            aliases["内蒙古自治区"] = place
    prefecture_city: dict[str, str] = {}
    for province, entries in PREFECTURES.items():
        for entry in entries.split():
            full, short = _split_entry(entry)
            city = short or full
            place = _Place(province, city, None, "city")
            prefecture_city[full] = city
            if short:
                prefecture_city[short] = city
            aliases[full] = place
            if short and short not in province_aliases:
                aliases[short] = place
    for city in TAIWAN_CITIES.split():
        aliases[city] = aliases[city + "市"] = _Place("台湾", city, None, "city")
    for province, entries in COUNTY_LEVEL.items():
        for entry in entries.split():
            name, _, prefecture = entry.partition("=")
            city = prefecture_city.get(prefecture, prefecture)
            place = _Place(province, city, name, "county")
            for alias in (name, name + "市", name + "县", name + "区"):
                aliases.setdefault(alias, place)
    return aliases


def _admin_names() -> dict[str, object]:
    """Tables names.py uses to build keys: names that take 省/市, full → short forms, every alias."""
    index = _index()
    admin: set[str] = set()
    full_to_short: dict[str, str] = {}
    for _code, full, short, kind, _abbr, _en in PROVINCES:
        admin.add(short)
        if full != short + "省" and full != short + "市":
            full_to_short[full] = short
    full_to_short["内蒙古自治区"] = "内蒙古"
    for entries in PREFECTURES.values():
        for entry in entries.split():
            full, short = _split_entry(entry)
            if short:
                if full == short + "市":
                    admin.add(short)
                else:
                    full_to_short[full] = short
    for entries in COUNTY_LEVEL.values():
        for entry in entries.split():
            admin.add(entry.partition("=")[0])
    admin.update(TAIWAN_CITIES.split())
    return {"admin": admin, "full_to_short": full_to_short, "all": set(index)}


@lru_cache(maxsize=1)
def _first_chars() -> dict[str, tuple[int, ...]]:
    """First character of every alias → the alias lengths starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for alias in _index():
        lengths.setdefault(alias[0], set()).add(len(alias))
    return {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}


def _alias_at(s: str, i: int) -> str | None:
    """The longest place alias starting at position i of s."""
    lengths = _first_chars().get(s[i])
    if lengths:
        index = _index()
        for length in lengths:
            candidate = s[i: i + length]
            if len(candidate) == length and candidate in index:
                return candidate
    return None


# A match of the key is ignored when the name continues with one of these.
_BLOCK_AFTER: dict[str, tuple[str, ...]] = {
    "中山": ("大学", "医院", "医科", "眼科", "肿瘤", "纪念", "路", "陵", "公园"),
    "北海": ("道",),
    "德州": ("仪器",),
    "大理": ("石",),
    "朝阳": ("区", "医院", "门"),
    "白银": ("制品", "饰品"),
    "黄山": ("路",),
}
# Prefixes after which a place names the organisation's location (中国科学院大连化学物理研究所).
_NATIONAL_PREFIXES = (
    "中国科学院", "中科院", "中国农业科学院", "中国医学科学院", "中国热带农业科学院", "中国林业科学研究院",
    "中国水产科学研究院", "中国科学院大学", "国网", "国家电网", "国家电网公司", "中车", "中建", "中铁", "中交",
    "中冶", "中核", "中广核", "中海油", "中石化", "中石油", "中国石化", "中国石油", "中国移动通信集团",
    "中国电信", "中国联通", "中国电信股份有限公司", "中国电子科技集团公司", "中国航空工业集团公司", "中航",
    "中国航发", "中国兵器", "中国船舶",
    "中船重工", "中电科", "中国", "国家",
)
_BRANCH_PREFIX_ENDINGS = ("大学", "学院", "公司", "集团", "附属", "分院", "研究院")
_ABBREVIATIONS = {a: p[2] for p in PROVINCES for a in p[4]}
_SAFE_ABBREVIATIONS = frozenset("陕冀豫鄂湘粤闽赣皖浙沪渝黔滇琼")


def _accepted(s: str, start: int, alias: str) -> bool:
    if start == 0 or s[start - 1] == "(":
        return True
    if alias.endswith(("省", "市", "自治区", "自治州", "地区", "盟", "县")) and len(alias) > 2:
        return True
    head = s[:start]
    if head in _NATIONAL_PREFIXES:
        return True
    return head.endswith(_BRANCH_PREFIX_ENDINGS)


def _matches(s: str) -> list[tuple[int, str, _Place]]:
    """Places in s, leftmost-longest and non-overlapping, that sit where a place is expected."""
    index = _index()
    found = []
    i, n = 0, len(s)
    while i < n:
        alias = _alias_at(s, i)
        if alias is None:
            i += 1
            continue
        end = i + len(alias)
        blocked = alias in _BLOCK_AFTER and s[end:].startswith(_BLOCK_AFTER[alias])
        if not blocked and _accepted(s, i, alias):
            found.append((i, alias, index[alias]))
        i = end
    return found


def _place_at_start(text: str) -> _Place | None:
    t = text.lstrip("(")
    if not t:
        return None
    alias = _alias_at(t, 0)
    if alias is None or (alias in _BLOCK_AFTER and t[len(alias):].startswith(_BLOCK_AFTER[alias])):
        return None
    return _index()[alias]


def _region(place: _Place) -> Region:
    return Region(place.province, place.city, _CODES[place.province], place.county)


def _combine(first: _Place, rest: list[_Place]) -> Region:
    if first.level == "province":
        for p in rest:
            if p.province == first.province and p.level != "province":
                return _region(p)
    return _region(first)


_KNOWN_CJK_LENGTHS = sorted({len(k) for k in KNOWN_INSTITUTIONS if has_cjk(k)}, reverse=True)
_KNOWN_LATIN_RE = re.compile(
    "|".join(re.escape(k.casefold()) for k in sorted(KNOWN_INSTITUTIONS, key=len, reverse=True) if not has_cjk(k))
)
_KNOWN_LATIN = {k.casefold(): v for k, v in KNOWN_INSTITUTIONS.items() if not has_cjk(k)}


def _detect_cjk(s: str) -> Region | None:
    for length in _KNOWN_CJK_LENGTHS:
        name = s[:length]
        if len(name) == length and name in KNOWN_INSTITUTIONS:
            campus = _place_at_start(s[len(name):])
            if campus is not None and campus.level != "province":
                return _region(campus)
            province, city = KNOWN_INSTITUTIONS[name]
            return Region(province, city or None, _CODES[province])
    found = _matches(s)
    if found:
        first_start, _alias, first = found[0]
        rest = [p for _, _, p in found[1:]]
        # a campus / branch / subsidiary city written after the organisation's own name wins
        for start, _a, place in found[1:]:
            if place.level == "province":
                continue
            head = s[:start]
            if head.endswith(("(",) + _BRANCH_PREFIX_ENDINGS) and head not in _NATIONAL_PREFIXES:
                if first.level == "province" and place.province == first.province:
                    break  # 广东省…公司 + a city of 广东: just the completion below
                return _region(place)
        return _combine(first, rest)
    if s[0] in _SAFE_ABBREVIATIONS and len(s) > 2 and s[1] not in _ABBREVIATIONS:
        province = _ABBREVIATIONS[s[0]]
        return Region(province, None, _CODES[province])
    return None


@lru_cache(maxsize=1)
def _latin_table() -> tuple[re.Pattern[str], dict[str, tuple[str, str | None]]]:
    table: dict[str, tuple[str, str | None]] = {}
    for _code, _full, short, kind, _abbr, english in PROVINCES:
        for en in english:
            table[en.casefold()] = (short, short if kind in ("municipality", "sar") else None)
    for en, (province, city) in CITY_PINYIN.items():
        table[en.casefold()] = (province, city)
    pattern = re.compile(
        r"(?<![a-z])(" + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)) + r")(?![a-z])"
    )
    return pattern, table


def _detect_latin(s: str) -> Region | None:
    low = s.casefold()
    m = _KNOWN_LATIN_RE.search(low)
    if m:
        province, city = _KNOWN_LATIN[m.group(0)]
        return Region(province, city or None, _CODES[province])
    pattern, table = _latin_table()
    hits = [table[m.group(1)] for m in pattern.finditer(low)]
    if not hits:
        return None
    province, city = hits[0]
    if city is None:
        for p, c in hits[1:]:
            if p == province and c:
                city = c
                break
    return Region(province, city, _CODES[province])


@lru_cache(maxsize=65536)
def detect_region(name: object) -> Region | None:
    """Province and city of an organisation name, or None (national bodies, foreign or unplaceable names).

    >>> detect_region("西安交通大学")
    Region(province='陕西', city='西安', province_code='610000', county=None)
    """
    return region_of_display(normalise_org_name(name))


def region_of_display(s: str, *, check_person: bool = True) -> Region | None:
    """:func:`detect_region` of a name already passed through :func:`normalise_org_name`.

    ``check_person=False`` skips the person test when the caller already knows the name is an organisation.
    """
    if not s or (check_person and person_display(s)):
        return None
    if has_cjk(s):
        return _detect_cjk(s.replace(" ", ""))
    return _detect_latin(s)
