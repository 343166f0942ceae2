"""Party name normalisation: display forms, organisation cluster keys and person keys.

Two different things come out of a raw applicant / assignee / inventor string:

* a **display form** (:func:`normalise_org_name`) — what an operator sees: NFKC (full-width → half-width),
  one bracket style, no stray quotes or punctuation, whitespace collapsed, the original language and case kept;
* a **key** (:func:`org_cluster_key`, :func:`person_key`) — what all spelling variants of one party share and
  what clustering groups on.  A key is never shown to users and may look odd ("samsung electric").

Organisation keys are built differently for Chinese and for Latin-script names:

Chinese (any CJK character in the name)
    case-folded; a trailing bracket is kept (without the brackets) when it is a place — a campus or a
    subsidiary's city: 中国石油大学(北京) ≠ 中国石油大学(华东), 哈尔滨工业大学(深圳) ≠ 哈尔滨工业大学 — and
    dropped when it is an alias or a legal form (…研究中心(中国船舶重工集团公司第七〇二研究所), …(有限合伙));
    inner brackets keep their content (腾讯科技(深圳)有限公司 = 腾讯科技深圳有限公司); punctuation and spaces go;
    中科院 → 中国科学院; 广西壮族自治区 → 广西; "省"/"市" after a province or city name go
    (深圳市华星光电 = 深圳华星光电); legal forms are stripped from the end, repeatedly (股份有限公司, 有限责任公司,
    有限公司, 公司, 株式会社 also as a prefix, 两合公司, 有限合伙 …).  **集团 is kept**: 国家电网公司 and
    国家电网有限公司 share a key, XX集团有限公司 and XX集团公司 share "XX集团", but a group is not its listed
    subsidiary (中国石油化工集团 ≠ 中国石油化工股份有限公司).  Branches (…分公司, …研究院 after a company) stay
    distinct.

Latin script
    accents removed, case-folded; "&", "+" and "and" unified (dropped); "The" dropped; dotted acronyms joined
    (L.L.C. → llc, S.p.A. → spa, N.V. → nv); apostrophes dropped (Int'l → intl); common abbreviations mapped to
    one word (Univ → university, Inst → institute, Tech → technology, Natl → national, Intl → international,
    Mfg → manufacturing, Ind./Industrial/Industries → industry, Labs → laboratory, Elec./Electrs/Electronics/
    Electric → electric, …); legal forms stripped from the end (Co., Ltd., Corp., Inc., LLC, LLP, GmbH & Co. KG,
    AG, S.A., N.V., B.V., KK, Kabushiki Kaisha — also as a prefix —, plc, Pty Ltd, S.A. de C.V. …); a bracket
    holding a legal form or alias ends the name ("Omega SA (Omega AG) (Omega Ltd.) Jakob-Stampfli-Strasse"
    → omega), any other trailing bracket is dropped ("… Inc. (USA)", "… Association (USAA)").

Electric and electronics share one word on purpose: "Elec." cannot be told apart, and two companies of the
same name that differ only by electric/electronics are far rarer than abbreviated spellings of one company.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "normalise_org_name",
    "org_cluster_key",
    "org_key_of_display",
    "person_key_of_display",
    "person_display",
    "person_key",
    "looks_like_person",
    "split_party_names",
    "has_cjk",
]

# --------------------------------------------------------------------------------------------------
# character classes

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
_CJK = _HAN + "\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af"  # Han + kana + hangul
_CJK_RE = re.compile(f"[{_CJK}]")
_HAN_ONLY_RE = re.compile(f"^[{_HAN}]+$")

_TRANSLATE = str.maketrans(
    {
        "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\t": " ",
        "\n": " ", "\r": " ",
        "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
        "【": "(", "】": ")", "〔": "(", "〕": ")", "〖": "(", "〗": ")", "[": "(", "]": ")",
        "{": "(", "}": ")", "﹙": "(", "﹚": ")", "〈": "(", "〉": ")",
        "“": None, "”": None, "„": None, "‟": None, '"': None, "「": None, "」": None,
        "『": None, "』": None, "《": None, "》": None, "«": None, "»": None, "〝": None, "〞": None,
        "‘": "'", "’": "'", "‛": "'", "`": "'", "´": "'",
        "・": "·", "•": "·", "‧": "·", "∙": "·", "⋅": "·", "･": "·",
        "–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-",
        "。": None,
    }
)

_WS_RE = re.compile(r"\s+")
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}()·])\s+|\s+(?=[{_CJK}·])")
_OPEN_SPACE_RE = re.compile(r"\(\s+")
_CLOSE_SPACE_RE = re.compile(r"\s+\)")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,;:])")
_LEAD_JUNK = " ,.;:!?、·-_*#/\\|~'"
_TRAIL_JUNK = " ,;:!?、·-_*#/\\|~"


def has_cjk(text: str) -> bool:
    """True when the text holds a Han, kana or hangul character."""
    return bool(_CJK_RE.search(text))


_ACCENTED_RE = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _strip_accents(text: str) -> str:
    if text.isascii() or not _ACCENTED_RE.search(text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_END_CHARS = frozenset(_LEAD_JUNK + _TRAIL_JUNK + "().")


def _balance_ends(s: str) -> str:
    """Drop an unmatched bracket at either end, and unwrap a name wholly inside one bracket pair."""
    if s[0] not in _END_CHARS and s[-1] not in _END_CHARS:
        return s
    changed = True
    while changed and s:
        changed = False
        if s.endswith("(") or (s.endswith(")") and s.count(")") > s.count("(")):
            s = s[:-1].rstrip()
            changed = True
        if s.startswith(")") or (s.startswith("(") and s.count("(") > s.count(")")):
            s = s[1:].lstrip()
            changed = True
        if len(s) > 2 and s[0] == "(" and s[-1] == ")" and s.find(")") == len(s) - 1:
            s = s[1:-1].strip()
            changed = True
        if s:
            t = s.lstrip(_LEAD_JUNK).rstrip(_TRAIL_JUNK)
            if t.endswith(".") and len(t) > 1 and _CJK_RE.match(t[-2]):
                t = t[:-1]
            if t != s:
                s = t
                changed = True
    return s


def normalise_org_name(name: object) -> str:
    """A clean display form of a party name, language and case kept.

    NFKC (full-width letters, digits, brackets and spaces become half-width), HTML entities decoded
    (``&amp;``, ``&#x26;``), quotes and book-title marks removed, 【】〔〕[] → (), dots unified to "·", dashes to
    "-", whitespace collapsed, no spaces next to Chinese characters, stray punctuation and unmatched brackets
    removed from the ends.  ``None`` gives "".
    """
    if name is None:
        return ""
    s = str(name)
    if "&" in s and ";" in s:
        s = html.unescape(s)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    s = " ".join(s.translate(_TRANSLATE).split())
    if not s:
        return ""
    if " " in s:
        if "(" in s or ")" in s:
            s = _OPEN_SPACE_RE.sub("(", s)
            s = _CLOSE_SPACE_RE.sub(")", s)
        if _CJK_RE.search(s):
            s = _CJK_SPACE_RE.sub("", s)
        s = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", s)
    return _balance_ends(s) if s else s


# --------------------------------------------------------------------------------------------------
# places (loaded lazily from regions to avoid an import cycle)

_PLACE_DATA: dict[str, object] = {}


def _places() -> dict[str, object]:
    if not _PLACE_DATA:
        from lingxi.parties import regions

        names = regions._admin_names()  # noqa: SLF001 - shared private table
        admin = frozenset(names["admin"])
        _PLACE_DATA["admin"] = admin
        _PLACE_DATA["admin_max"] = max(len(a) for a in admin)
        _PLACE_DATA["full_to_short"] = names["full_to_short"]
        _PLACE_DATA["full_re"] = re.compile(
            "|".join(map(re.escape, sorted(names["full_to_short"], key=len, reverse=True)))
        )
        _PLACE_DATA["all"] = frozenset(names["all"])
    return _PLACE_DATA


def _drop_admin_suffixes(s: str) -> str:
    """深圳市华星 → 深圳华星, 江苏省农业科学院 → 江苏农业科学院 (not 上海市政 / 北京市场 / 市民)."""
    places = _places()
    admin: frozenset[str] = places["admin"]  # type: ignore[assignment]
    longest: int = places["admin_max"]  # type: ignore[assignment]
    parts: list[str] = []
    last = 0
    for i, ch in enumerate(s):
        if ch not in "省市" or i < 2 or s[i + 1: i + 2] in ("政", "场", "民"):
            continue
        for length in range(min(longest, i), 1, -1):
            if s[i - length: i] in admin:
                parts.append(s[last:i])
                last = i + 1
                break
    if not parts:
        return s
    parts.append(s[last:])
    return "".join(parts)


_REGION_WORDS = frozenset({"华东", "华南", "华北", "华中", "西南", "西北", "东北", "中国", "亚太", "亚洲", "欧洲"})


def _is_place_like(text: str) -> bool:
    """A bracket content that names a place (a campus, a subsidiary's city): 北京, 武汉, 华东, 深圳市, 汕头潮南."""
    t = re.sub(r"[\s()·]", "", text)
    if not t or len(t) > 8:
        return False
    if t in _REGION_WORDS:
        return True
    places = _places()["all"]
    for n in range(min(len(t), 8), 1, -1):
        if t[:n] in places:
            rest = t[n:]
            return len(rest) <= 3 and not any(w in rest for w in ("公司", "集团", "研究", "大学"))
    return False


# --------------------------------------------------------------------------------------------------
# Chinese keys

_CN_LEGAL_SUFFIXES = tuple(
    sorted(
        {
            "有限责任合伙企业", "有限合伙企业", "普通合伙企业", "合伙企业", "有限合伙", "普通合伙",
            "有限股份两合公司", "有限及两合公司", "股份两合公司", "两合公司",
            "私人股份有限公司", "股份有限公司", "有限责任公司", "私人有限公司", "有限公司", "股份公司",
            "私人公司", "公司", "株式会社", "有限责任", "有限", "股份",
        },
        key=len,
        reverse=True,
    )
)
_CN_ABBREVIATIONS = (("中科院", "中国科学院"), ("中石化", "中国石油化工"), ("中国石化", "中国石油化工"), ("中石油", "中国石油"))
_CN_KEY_DROP_RE = re.compile(rf"[^0-9a-z{_CJK}]+")
_TRAILING_BRACKET_RE = re.compile(r"\(([^()]*)\)$")
_CN_INNER_LEGAL_RE = re.compile(r"(?:股份有限|有限责任|有限)公司")


def _cjk_key(s: str) -> str:
    s = _strip_accents(s).casefold()
    m = _TRAILING_BRACKET_RE.search(s)
    if m and m.start() > 0:
        inner = m.group(1)
        s = s[: m.start()] + (inner if _is_place_like(inner) else "")
    s = _CN_KEY_DROP_RE.sub("", s).replace("〇", "0")
    for short, full in _CN_ABBREVIATIONS:
        if short in s:
            s = s.replace(short, full)
    places = _places()
    if "自治" in s or "特别行政区" in s or "盟" in s or "地区" in s:
        s = places["full_re"].sub(lambda m: places["full_to_short"][m.group(0)], s)  # type: ignore[index]
    if "省" in s or "市" in s:
        s = _drop_admin_suffixes(s)
    if s.startswith("株式会社") and len(s) > 5:
        s = s[4:]
    changed = True
    while changed:
        changed = False
        for suffix in _CN_LEGAL_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= 2:
                s = s[: -len(suffix)]
                changed = True
                break
    if "公司" in s:  # a branch of a company: …有限公司电力科学研究院 = …公司电力科学研究院
        s = _CN_INNER_LEGAL_RE.sub("公司", s)
    return s


# --------------------------------------------------------------------------------------------------
# Latin keys

_WORD_MAP = {
    # universities and institutes
    "univ": "university", "unv": "university", "universty": "university",
    "inst": "institute", "instit": "institute", "institut": "institute",
    "tech": "technology", "techn": "technology", "technol": "technology", "technologies": "technology",
    "natl": "national", "nat": "national",
    "intl": "international", "internat": "international",
    "assn": "association", "assoc": "association", "associations": "association",
    "dept": "department", "govt": "government",
    "sci": "science", "sciences": "science", "scientific": "science",
    "res": "research", "dev": "development", "devel": "development",
    "eng": "engineering", "engr": "engineering", "engg": "engineering",
    "chem": "chemical", "chemicals": "chemical",
    "pharm": "pharmaceutical", "pharmaceuticals": "pharmaceutical",
    "med": "medical",
    "ctr": "center", "cntr": "center", "centre": "center", "centres": "center", "centers": "center",
    "lab": "laboratory", "labs": "laboratory", "laboratories": "laboratory", "labo": "laboratory",
    # industry words
    "elec": "electric", "elect": "electric", "electr": "electric", "electrs": "electric",
    "electrical": "electric", "electronic": "electric", "electronics": "electric",
    "ind": "industry", "inds": "industry", "indus": "industry", "industries": "industry",
    "industrial": "industry", "industrie": "industry",
    "mfg": "manufacturing", "mfy": "manufacturing", "manuf": "manufacturing",
    "mach": "machine", "machines": "machine", "machinery": "machine",
    "sys": "system", "systems": "system",
    "svc": "service", "svcs": "service", "services": "service",
    "prod": "product", "prods": "product", "products": "product",
    "hldg": "holding", "hldgs": "holding", "holdings": "holding",
    "grp": "group", "communications": "communication", "comms": "communication",
    "materials": "material", "matl": "material", "matls": "material",
    "solutions": "solution", "devices": "device", "instruments": "instrument", "instr": "instrument",
    "semiconductors": "semiconductor", "semicond": "semiconductor", "semicon": "semiconductor",
    "networks": "network", "innovations": "innovation", "enterprises": "enterprise",
    "motors": "motor", "bros": "brothers", "mgmt": "management", "mgt": "management",
    "co-op": "cooperative", "coop": "cooperative",
}
_DROP_WORDS = frozenset({"the", "and", "und", "et"})
_LEGAL_TOKENS = frozenset(
    {
        "co", "company", "cos", "corp", "corporation", "inc", "incorporated", "llc", "llp", "lllp", "lp",
        "ltd", "limited", "ltda", "plc", "pllc", "pc", "pa", "psc", "sc", "gmbh", "mbh", "ag", "kg", "kgaa",
        "ohg", "ug", "se", "na", "sa", "sas", "sarl", "spa", "srl", "sl", "slu", "nv", "bv", "bvba", "ab", "as",
        "asa", "oy", "oyj", "aps", "kk", "pte", "pty", "bhd", "sdn", "cv", "sab", "lpa", "gk", "sprl",
        "aktiengesellschaft", "kabushikigaisha", "kabushikikaisha", "yk",
    }
)
_LEGAL_SEQUENCES = (
    ("kabushiki", "kaisha"), ("kabushiki", "gaisha"), ("yugen", "kaisha"), ("godo", "kaisha"),
    ("sa", "de", "cv"), ("s", "de", "rl"), ("de", "cv"), ("sdn", "bhd"), ("pty", "ltd"), ("pte", "ltd"),
    ("public", "limited", "company"), ("limited", "liability", "company"), ("limited", "partnership"),
    ("societe", "anonyme"), ("societe", "par", "actions", "simplifiee"), ("naamloze", "vennootschap"),
    ("besloten", "vennootschap"), ("gesellschaft", "mit", "beschrankter", "haftung"),
    ("societa", "per", "azioni"), ("sociedad", "anonima"),
)
_LEGAL_WORDS_IN_BRACKET = _LEGAL_TOKENS | {
    "societe", "actions", "simplifiee", "anonyme", "kaisha", "aktiengesellschaft"
}
_DOTTED_ACRONYM_RE = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){2,})")
_APOSTROPHE_RE = re.compile(r"['’]")
_SPLIT_RE = re.compile(r"[\W_]+")
_BRACKET_RE = re.compile(r"\(([^()]*)\)")
_AS_RE = re.compile(r"\ba/s\b")


def _latin_brackets(s: str) -> str:
    """Brackets in a Latin-script name: legal form / alias → cut there; trailing → drop; inner → keep text."""
    for m in _BRACKET_RE.finditer(s):
        inner = set(_SPLIT_RE.split(m.group(1).casefold().replace(".", "")))
        if m.start() > 0 and inner & _LEGAL_WORDS_IN_BRACKET:
            return s[: m.start()]
    m = _BRACKET_RE.search(s)
    while m:
        tail = s[m.end():].strip(" .,;")
        if m.start() > 0 and not tail:
            s = s[: m.start()]
        else:
            s = s[: m.start()] + " " + m.group(1) + " " + s[m.end():]
        m = _BRACKET_RE.search(s)
    return s


_SEQ_FIRST = frozenset(seq[0] for seq in _LEGAL_SEQUENCES)
_SEQ_LAST = frozenset(seq[-1] for seq in _LEGAL_SEQUENCES)


def _strip_legal(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if tokens[-1] not in _SEQ_LAST and tokens[0] not in _SEQ_FIRST:
            if tokens[-1] in _LEGAL_TOKENS:
                tokens.pop()
                changed = True
            continue
        for seq in _LEGAL_SEQUENCES:
            n = len(seq)
            if len(tokens) > n and tuple(tokens[-n:]) == seq:
                del tokens[-n:]
                changed = True
                break
            if len(tokens) > n and tuple(tokens[:n]) == seq:
                del tokens[:n]
                changed = True
                break
        if not changed and len(tokens) > 1 and tokens[-1] in _LEGAL_TOKENS:
            tokens.pop()
            changed = True
    return tokens


def _latin_tokens(s: str) -> list[str]:
    s = _strip_accents(s).casefold()
    if "(" in s:
        s = _latin_brackets(s)
    s = s.replace("&", " and ").replace("+", " and ")
    if "/" in s:
        s = _AS_RE.sub("as", s)
    if "." in s:
        s = _DOTTED_ACRONYM_RE.sub(lambda m: m.group(1).replace(".", "") + " ", s)
    if "'" in s or "’" in s:
        s = _APOSTROPHE_RE.sub("", s)
    raw = [t for t in _SPLIT_RE.split(s) if t]
    tokens: list[str] = []
    letters: list[str] = []
    for t in raw:  # join runs of single letters: "r m industries" → "rm industries"
        if len(t) == 1 and t.isalpha():
            letters.append(t)
            continue
        if letters:
            tokens.append("".join(letters))
            letters = []
        tokens.append(t)
    if letters:
        tokens.append("".join(letters))
    tokens = [_WORD_MAP.get(t, t) for t in tokens if t not in _DROP_WORDS]
    if not tokens:
        return [t for t in raw if t]
    return _strip_legal(tokens)


def _latin_key(s: str) -> str:
    return " ".join(_latin_tokens(s))


def org_key_of_display(s: str) -> str:
    """:func:`org_cluster_key` of a name already passed through :func:`normalise_org_name`."""
    if not s:
        return ""
    if _CJK_RE.search(s):
        return _cjk_key(s)
    return _latin_key(s)


@lru_cache(maxsize=131072)
def org_cluster_key(name: object) -> str:
    """The key all spelling variants of one organisation share (see the module docstring for the rules)."""
    return org_key_of_display(normalise_org_name(name))


# --------------------------------------------------------------------------------------------------
# persons

_PERSON_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "dr", "mr", "mrs", "ms", "prof"})
_PERSON_DOTS_RE = re.compile(r"[·.\s]+")


def person_key(name: object) -> str:
    """One lowercase key for a person's name.

    Chinese: no inner spaces or dots (张 三 = 张三; 托马斯·L·埃文斯 = 托马斯L埃文斯).  Latin script: "Last, First M.",
    "Last; First" (USPTO) and "First M. Last" all give "last first"; middle names and initials, Jr./Sr./III
    and titles are dropped, accents removed; an all-capitals name without a comma whose last word is one letter
    ("CURTIS RUSSELL R") is read as LAST FIRST MIDDLE.
    """
    return person_key_of_display(normalise_org_name(name))


def person_key_of_display(s: str) -> str:
    """:func:`person_key` of a name already passed through :func:`normalise_org_name`."""
    if not s:
        return ""
    if _CJK_RE.search(s):
        return _PERSON_DOTS_RE.sub("", s).casefold()
    s = _strip_accents(s)
    sep = ";" if ";" in s else ("," if "," in s else None)
    if sep:
        last_part, _, given_part = s.partition(sep)
        last = [t for t in _SPLIT_RE.split(_APOSTROPHE_RE.sub("", last_part.casefold())) if t]
        given = [t for t in _SPLIT_RE.split(_APOSTROPHE_RE.sub("", given_part.casefold())) if t]
    else:
        words = [t for t in _SPLIT_RE.split(_APOSTROPHE_RE.sub("", s.casefold())) if t]
        words = [w for w in words if w not in _PERSON_SUFFIXES] or words
        if s.isupper() and len(words) >= 3 and len(words[-1]) == 1:
            last, given = words[:1], words[1:]
        elif len(words) >= 2:
            last, given = words[-1:], words[:-1]
        else:
            last, given = words, []
    last = [t for t in last if t not in _PERSON_SUFFIXES] or last
    given = [t for t in given if t not in _PERSON_SUFFIXES]
    first = given[0] if given else ""
    return f"{''.join(last)} {first}".strip()


# Words that make a Chinese name an organisation (no person is called …公司).
_CN_ORG_WORDS = (
    "公司", "集团", "大学", "学院", "学校", "研究", "中心", "医院", "银行", "工厂", "委员会", "政府", "部队",
    "股份", "实验室", "协会", "学会", "株式会社", "科技", "技术", "电子", "电器", "机械", "工业", "实业",
    "合作社", "事务所", "工作室", "设计", "有限", "国际", "控股", "国家", "中国", "企业", "基金", "联盟",
)
_CN_ORG_WORDS_RE = re.compile("|".join(_CN_ORG_WORDS))
_CN_ORG_ENDINGS = ("厂", "局", "院", "所", "社", "站", "店", "馆", "部", "处", "室", "园", "场", "队", "行", "司", "会", "校", "团")
# Short brand names that look like a surname + given name.
_CN_BRANDS = frozenset({"华为", "万科", "方正", "联想", "海尔", "美的", "小米", "格力", "百度", "腾讯", "京东",
                        "中兴", "苏宁", "国美", "长虹", "康佳", "海信", "阿里", "网易", "奇虎", "比亚迪", "吉利"})
_CN_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 西门 南宫 独孤 "
    "申屠 呼延 闻人 澹台 公冶 太史 仲孙 万俟 司空 百里 东郭 左丘".split()
)
_CN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖"
    "漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹"
    "诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由台招"
)

_EN_ORG_WORDS = frozenset(
    {
        "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "company", "co", "gmbh",
        "ag", "sa", "nv", "bv", "plc", "pllc", "pc", "pa", "lp", "kg", "spa", "srl", "sas", "ab", "oy", "kk",
        "pty", "pte", "bhd", "university", "univ", "college", "institute", "school", "academy", "laboratory",
        "laboratories", "labs", "lab", "hospital", "clinic", "center", "centre", "foundation", "association",
        "society", "group", "holdings", "holding", "international", "technologies", "technology", "systems",
        "industries", "industrial", "industry", "products", "services", "solutions", "enterprises", "partners",
        "associates", "law", "firm", "office", "offices", "bank", "trust", "fund", "government", "department",
        "ministry", "agency", "council", "board", "regents", "trustees", "commission", "authority", "america",
        "usa", "national", "global", "worldwide", "research", "development", "design", "designs", "engineering",
        "electronics", "electric", "manufacturing", "mfg", "motors", "pharmaceuticals", "pharma", "chemical",
        "energy", "networks", "software", "media", "studio", "studios", "ip", "kabushiki", "kaisha", "mbh",
        "aktiengesellschaft", "secretary", "administrator", "represented", "united", "states", "semiconductor",
        "medical", "health", "sciences", "science", "capital", "ventures", "works",
        "telecom", "communications", "instruments", "devices", "materials", "plastics", "steel", "oil",
        "resources", "organization", "organisation", "institution", "patent", "patents", "counsel", "legal",
        "societe", "sociedad", "spolka", "vennootschap", "gesellschaft", "and", "&", "of", "for", "the", "et",
        "al", "i", "y", "e", "u", "und",
    }
)
_ANY_DIGIT_RE = re.compile(r"\d")
_EN_NAME_TOKEN_RE = re.compile(r"^[^\W\d_][\w'\-.]*$")


@lru_cache(maxsize=65536)
def looks_like_person(name: object) -> bool:
    """Whether a party name is a natural person's name rather than an organisation's.

    Chinese: 2–4 Han characters starting with a common surname (4 characters only with a compound surname or
    a common one), no organisation word or ending, not a well-known short brand; or a transliterated /
    minority name with "·" (托马斯·L·埃文斯, 阿不都·热合曼).  Latin script: "Last; First" / "Last, First" /
    "First M. Last" with 2–5 alphabetic words and no organisation word (Inc, University, Law, &, of …).
    """
    return person_display(normalise_org_name(name))


def person_display(s: str) -> bool:
    """:func:`looks_like_person` of a name already passed through :func:`normalise_org_name`."""
    if not s:
        return False
    if _CJK_RE.search(s):
        if _CN_ORG_WORDS_RE.search(s) or s.endswith(_CN_ORG_ENDINGS):
            return False
        if "·" in s:
            parts = [p for p in s.split("·") if p]
            if len(parts) < 2 or len(s) > 20:
                return False
            return all(_HAN_ONLY_RE.match(p) or (len(p) <= 2 and p.isalpha() and p.isascii()) for p in parts)
        if not _HAN_ONLY_RE.match(s) or not 2 <= len(s) <= 4 or s in _CN_BRANDS:
            return False
        if s[:2] in _CN_COMPOUND_SURNAMES:
            return len(s) >= 3
        if s[0] not in _CN_SURNAMES:
            return False
        return len(s) <= 3 or s[1] in _CN_SURNAMES  # 4 characters: two surnames (黄和浩然-style) only
    if _ANY_DIGIT_RE.search(s) or "&" in s or "/" in s or "@" in s or "(" in s:
        return False
    words = [w for w in re.split(r"[\s,;]+", s) if w]
    if not 2 <= len(words) <= 5:
        return False
    for w in words:
        lw = w.casefold().strip(".")
        if lw in _EN_ORG_WORDS or not _EN_NAME_TOKEN_RE.match(w):
            return False
    return True


# --------------------------------------------------------------------------------------------------
# multi-party fields

_SPLIT_FIELD_RE = re.compile(r"\s*[;；]\s*")


def split_party_names(value: object) -> list[str]:
    """Split a Chinese multi-applicant field (``A公司;B研究所``) into names.

    Only ";" / "；" separate parties, and only when the field holds Chinese text — USPTO person names use ";"
    between last and first name ("Henley; Francois J.") and are returned whole.  "、" is not a separator: it
    also appears inside aliases (…医院(…医院、…研究所)).
    """
    if value is None:
        return []
    s = str(value).strip()
    if not s:
        return []
    if not _CJK_RE.search(s):
        return [s]
    return [p for p in _SPLIT_FIELD_RE.split(s) if p.strip()]
