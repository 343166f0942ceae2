"""Party types — university, institute, SOE, enterprise, individual, hospital, government, other.

Rule based and explainable: :func:`explain_party_type` returns the type together with the rule that fired.

Chinese names are head-final (行政区划 + 字号 + 行业 + 组织形式): the **last** type word decides —
重庆材料研究院有限公司 is a company, 中国电子科技集团公司第五十四研究所 an institute, 中国科学院大学 a university.
Then:

* a hospital word anywhere (医院, 卫生院, 保健院 …) → hospital, unless it is a hospital-management company;
* a name containing 大学 whose last word is an institute word is a university (西安交通大学苏州研究院);
* 学院 counts only when it is not the end of 科学院 (江苏省农业科学院 is an institute);
* a government word after a company name is a branch of that company (广东电网有限责任公司佛山供电局);
* a company (or no type word at all) that matches the curated SOE list, or says 国有 / 国资, is an SOE;
* a trailing bracket that is an alias (…中心(…研究所)) is ignored; 筹备办公室 / 筹备组 are stripped
  (清华-伯克利深圳学院筹备办公室 is a university being set up);
* no type word: SOE list → soe, a person's name → individual, else other.

Latin-script names are checked in a fixed order: hospital; university (University, College, Institute of
Technology, Regents of …); strong government phrases (as represented by, Ministry, Department of, Government
of); SOE list; a legal form (Inc., Co., Ltd., GmbH …) → enterprise; institute (Institute, Research,
Laboratory, Academy); weak government words (Agency, Administration, Bureau, Commission); a person's name;
company words (Industries, Technologies, Group …) → enterprise; else other.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from lingxi.parties.names import (
    _AS_RE,
    _LEGAL_TOKENS,
    _SPLIT_RE,
    _TRAILING_BRACKET_RE,
    _is_place_like,
    has_cjk,
    normalise_org_name,
    person_display,
)

__all__ = ["PartyType", "classify_party", "explain_party_type", "is_soe_name"]


class PartyType(str, Enum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    SOE = "soe"
    ENTERPRISE = "enterprise"
    INDIVIDUAL = "individual"
    HOSPITAL = "hospital"
    GOVERNMENT = "government"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        """Chinese label used in reports: 高校, 科研院所, 国有企业, 企业, 个人, 医院, 政府, 其他."""
        return _LABELS_ZH[self]

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self]

    def __str__(self) -> str:  # "university", not "PartyType.UNIVERSITY"
        return self.value


_LABELS_ZH = {
    PartyType.UNIVERSITY: "高校",
    PartyType.INSTITUTE: "科研院所",
    PartyType.SOE: "国有企业",
    PartyType.ENTERPRISE: "企业",
    PartyType.INDIVIDUAL: "个人",
    PartyType.HOSPITAL: "医院",
    PartyType.GOVERNMENT: "政府",
    PartyType.OTHER: "其他",
}
_LABELS_EN = {
    PartyType.UNIVERSITY: "University",
    PartyType.INSTITUTE: "Research institute",
    PartyType.SOE: "State-owned enterprise",
    PartyType.ENTERPRISE: "Enterprise",
    PartyType.INDIVIDUAL: "Individual",
    PartyType.HOSPITAL: "Hospital",
    PartyType.GOVERNMENT: "Government",
    PartyType.OTHER: "Other",
}

# --------------------------------------------------------------------------------------------------
# state-owned enterprises (curated; central SOEs under SASAC, their usual short names and prefixes, and a
# selection of large provincial SOEs).  Matched on the name without spaces.

_SOE_CONTAINS = tuple(
    """
    国家电网 南方电网 中国石油天然气 中国石油集团 中国石油化工 中国石化 中国海洋石油 中海石油 中国海油
    中国航天科技 航天科技集团 中国航天科工 航天科工集团 中国运载火箭技术研究院 中国空间技术研究院
    中国航空工业 中航工业 中国航发 中国航空发动机 中国船舶 中船重工 中船集团 中国兵器 兵器工业集团 兵器装备集团
    中国电子科技 中国电科 中国电子信息产业 中国中车 中国北车 中国南车 中国建筑 中国建材 中国中铁 中国铁建
    中国铁道建筑 中国交建 中国交通建设 中国移动 中国电信 中国联通 中国联合网络通信 中国铁塔 中国华能 中国大唐
    中国华电 国家电投 国家电力投资 国家能源投资 国家能源集团 中国长江三峡 三峡集团 中国三峡 中国核工业 中国核电
    中国广核 中广核 中国宝武 宝武集团 宝武钢铁 宝山钢铁 宝钢 武汉钢铁 鞍钢 鞍山钢铁 攀钢 攀枝花钢铁 本钢
    马钢 马鞍山钢铁 太钢 太原钢铁 中国五矿 中国冶金科工 中国铝业 西南铝业 中国商飞 中国商用飞机
    中国一汽 中国第一汽车 一汽解放 东风汽车 中国中化 中国化工 中化集团 中国有色 中国稀土 中国黄金 中国盐业
    中国节能 中国通用技术 中国机械工业 国机集团 中国一重 哈尔滨电气 东方电气 中国电气装备 中国能源建设 中国能建
    中国葛洲坝 中国电力建设 中国电建 中国电力工程顾问 中国化学工程 中国煤炭科工 中国中煤 中国信科
    中国信息通信科技 大唐移动 电信科学技术研究院 中国华润 招商局 中国保利 保利集团 中粮 中国诚通 中国国新
    中国钢研 钢铁研究总院 有研科技 北京有色金属研究总院 中国建筑科学研究院 中国铁道科学研究院 中国电力科学研究院
    中国南方航空 中国国际航空 中国东方航空 中国种子集团 中国安能 中国广电 中国农业发展集团 中国物流集团
    陕西延长石油 延长石油 陕西煤业化工 陕煤 西安航天 山东能源 兖矿 山东钢铁 河钢 河北钢铁 首钢 北京汽车
    上海汽车集团 广州汽车集团 上海电气 海螺集团 安徽海螺 铜陵有色 江西铜业 潍柴 徐工 徐州工程机械 太原重工
    包钢 包头钢铁 酒泉钢铁 酒钢 华菱 柳州钢铁 内蒙古电力 山西建筑工程集团 山西建投 北京建工 上海建工 北京城建
    四川长虹 安阳钢铁 江苏核电 北京京能 浙江能源 浙能 广东能源集团 江苏国信 山西焦煤 晋能 开滦 冀中能源
    淮南矿业 淮北矿业 中国平煤神马 平煤神马 河南能源 郑州煤矿机械 广西柳工 广西玉柴 长安汽车
    """.split()
)
# Short abbreviations only trusted at the start of a name.
_SOE_PREFIXES = tuple(
    "国网 中车 中建 中铁 中交 中冶 中核 中航 中船 中电科 中海油 中石化 中石油 神华 五矿 一汽 国电 华能 华电 大唐 "
    "华润 中铝 中煤 北汽 上汽 广汽 东风柳州 东风本田 东风日产 东风商用车".split()
)
_GRID_RE = re.compile(
    r"^(?:北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|"
    r"海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|深圳|广州)(?:省|市|壮族自治区|自治区)?电网"
)
_SOE_EN_RE = re.compile(
    r"\b(?:state grid|china southern power grid|sinopec|china petroleum (?:and|&) chemical|petrochina|"
    r"china national petroleum|cnooc|china national offshore oil|china mobile|china telecom(?:munications)?|"
    r"china unicom|china united network communications|crrc|comac|commercial aircraft corporation of china|"
    r"china aerospace science|aviation industry corporation of china|avic|china state shipbuilding|"
    r"china shipbuilding|china electronics technology group|china state construction|china railway|"
    r"china communications construction|baoshan iron (?:and|&) steel|baosteel|china baowu|ansteel|angang|"
    r"china huaneng|china datang|china huadian|state power investment|china three gorges|"
    r"china national nuclear|china general nuclear|cgn power|china minmetals|aluminum corporation of china|"
    r"chinalco|china faw|dongfeng motor|sinochem|chemchina|china national chemical|china energy investment|"
    r"china north industries|norinco)\b"
)


def is_soe_name(name: str) -> bool:
    """Whether a name belongs to the curated SOE list (or says 国有 / 国资)."""
    s = normalise_org_name(name)
    if has_cjk(s):
        return _is_soe_cjk(s.replace(" ", ""))
    return bool(_SOE_EN_RE.search(s.casefold()))


_SOE_CONTAINS_RE = re.compile("|".join(sorted(_SOE_CONTAINS + ("国有", "国资"), key=len, reverse=True)))


def _is_soe_cjk(s: str) -> bool:
    return s.startswith(_SOE_PREFIXES) or bool(_SOE_CONTAINS_RE.search(s)) or bool(_GRID_RE.match(s))


# --------------------------------------------------------------------------------------------------
# Chinese rules

_CN_HOSPITAL_RE = re.compile(
    r"(?:医院|卫生院|保健院|妇幼保健|疗养院|诊所|门诊部|卫生服务中心)(?!管理|投资|设备|用品|器械|科技|信息|服务|建设)"
)
_CN_PATTERNS: tuple[tuple[PartyType, re.Pattern[str]], ...] = (
    (PartyType.UNIVERSITY, re.compile(r"大学(?!生)|(?<!科)学院|学校|研究生院|高等专科|专科学校|大学校|党校")),
    (
        PartyType.INSTITUTE,
        re.compile(
            r"研究院|研究所|研究室|研究.{0,4}中心|研发中心|科学院|工程院|实验室|设计院|规划院|植物园|试验站|观测站|"
            r"研究会|研究组织"
        ),
    ),
    (
        PartyType.GOVERNMENT,
        re.compile(
            r"人民政府|政府|委员会|管委会|局|厅|部队|办公室|海关|法院|检察院|人民银行|"
            r"(?:教育|科学技术|科技|工业和信息化|交通运输|农业农村|农业|水利|自然资源|生态环境|环境保护|国防|公安|"
            r"卫生|商务|财政|住房和城乡建设|民政|司法|外交|应急管理|文化和旅游|文化|人力资源和社会保障|"
            r"退役军人事务|铁道|国土资源|信息产业)部$"
        ),
    ),
    (
        PartyType.ENTERPRISE,
        re.compile(
            r"有限公司|有限责任|公司|株式会社|厂|企业|合伙|工作室|商行|经营部|门市部|服务部|设计部|事业部|营业部|"
            r"销售部|合作社|事务所|集团|店|工贸|商贸|实业|控股|两合"
        ),
    ),
)
_GROUP_TYPES = {f"g{i}": party_type for i, (party_type, _) in enumerate(_CN_PATTERNS)}
# One scan for all type words; alternatives are ordered so that at one position the longer / more specific
# word wins (研究所 before 所-less words, 有限公司 before 公司 …); matches do not overlap.
_CN_TYPE_RE = re.compile("|".join(f"(?P<g{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(_CN_PATTERNS)))
_CN_COMPANY_RE = re.compile(r"公司|株式会社|集团")
_PREPARATORY_RE = re.compile(r"(?:筹备办公室|筹备组|筹建处|筹备处|筹建办公室)$")


def _cjk_head(s: str) -> str:
    s = s.replace(" ", "")
    m = _TRAILING_BRACKET_RE.search(s)
    if m and m.start() > 0 and not _is_place_like(m.group(1)):
        s = s[: m.start()]
    return _PREPARATORY_RE.sub("", s) or s


def _explain_cjk(s: str) -> tuple[PartyType, str]:
    head = _cjk_head(s)
    m = _CN_HOSPITAL_RE.search(head)
    if m:
        return PartyType.HOSPITAL, f"hospital word {m.group(0)!r}"
    best: tuple[int, PartyType, str, int] | None = None
    for m in _CN_TYPE_RE.finditer(head):  # the last type word wins
        best = (m.end(), _GROUP_TYPES[m.lastgroup], m.group(0), m.start())  # type: ignore[index]
    if best is None:
        if _is_soe_cjk(head):
            return PartyType.SOE, "curated SOE name"
        if person_display(head):
            return PartyType.INDIVIDUAL, "a person's name (surname + 1–3 characters, no organisation word)"
        return PartyType.OTHER, "no type word"
    _end, party_type, word, start = best
    if party_type in (PartyType.INSTITUTE, PartyType.UNIVERSITY) and re.search(r"大学(?!生)", head):
        why = "last type word '大学'" if word == "大学" else f"contains 大学 (last type word {word!r})"
        return PartyType.UNIVERSITY, why
    if party_type is PartyType.GOVERNMENT and _CN_COMPANY_RE.search(head[:start]):
        party_type, word = PartyType.ENTERPRISE, f"{word} of a company"
    if party_type is PartyType.ENTERPRISE:
        if _is_soe_cjk(head):
            return PartyType.SOE, f"company word {word!r} + curated SOE name"
        return PartyType.ENTERPRISE, f"last type word {word!r}"
    return party_type, f"last type word {word!r}"


# --------------------------------------------------------------------------------------------------
# Latin-script rules

_EN_HOSPITAL_RE = re.compile(r"\b(?:hospitals?|medical cent(?:er|re)|clinics?|infirmary|hopital|krankenhaus)\b")
_EN_UNIVERSITY_RE = re.compile(
    r"\b(?:universit(?:y|ies|e|at|aet|a|eit|ad)|universidad|college|polytechnic|politecnico|"
    r"institute of technology|school of|board of regents|regents of|trustees of|hochschule|ecole)\b"
)
_EN_GOV_STRONG_RE = re.compile(
    r"\b(?:as represented by|government of|ministry|department of|secretary of|administrator of|"
    r"national aeronautics and space administration|commonwealth of|city of|county of|republic of|"
    r"bureau of|agency for|european commission)\b|^(?:united states|state of)\b"
)
_EN_INSTITUTE_RE = re.compile(
    r"\b(?:institutes?|institut|research|laborator(?:y|ies)|labs?|academy|academie|akademie|recherches?|"
    r"forschung\w*|fraunhofer|max planck|cnrs|csiro|centre national|center for)\b"
)
_EN_GOV_WEAK_RE = re.compile(r"\b(?:agency|administration|bureau|commission|authority|office of)\b")
_EN_COMPANY_WORDS_RE = re.compile(
    r"\b(?:industries|industry|industrial|technologies|technology|group|holdings?|systems|electronics|"
    r"electric|motors|products|international|enterprises?|manufacturing|trading|telecom|pharmaceuticals?|"
    r"solutions|software|semiconductors?|chemicals?|corp|co|societe|sociedad|spolka|vennootschap|gesellschaft|"
    r"patents?|jewell?ery|apparel|foods?|\w+\.com)\b"
)
_EN_PARTNERSHIP_RE = re.compile(
    r"\b(?:law firm|law offices?|law group|patent agency|patent attorneys?|associates|partners|ip|ipr|\w+ law|"
    r"\w+ and \w+)\b"
)
_EN_LEGAL_SEQ_RE = re.compile(
    r"\b(?:kabushiki kaisha|sa de cv|pty ltd|sdn bhd|besloten vennootschap|naamloze vennootschap|"
    r"societe anonyme|societe par actions|gesellschaft mit|spolka|sociedad anonima)\b"
)


def _explain_latin(s: str) -> tuple[PartyType, str]:
    low = " ".join(s.casefold().replace("&", " and ").split())
    if m := _EN_HOSPITAL_RE.search(low):
        return PartyType.HOSPITAL, f"hospital word {m.group(0)!r}"
    if m := _EN_UNIVERSITY_RE.search(low):
        return PartyType.UNIVERSITY, f"university word {m.group(0)!r}"
    if m := _EN_GOV_STRONG_RE.search(low):
        return PartyType.GOVERNMENT, f"government phrase {m.group(0)!r}"
    if m := _SOE_EN_RE.search(low):
        return PartyType.SOE, f"curated SOE name {m.group(0)!r}"
    tokens = {t for t in _SPLIT_RE.split(_AS_RE.sub("as", low.replace(".", ""))) if t}
    legal = tokens & _LEGAL_TOKENS
    if legal or _EN_LEGAL_SEQ_RE.search(low):
        return PartyType.ENTERPRISE, f"legal form {sorted(legal)[0] if legal else 'kabushiki kaisha'!r}"
    if m := _EN_INSTITUTE_RE.search(low):
        return PartyType.INSTITUTE, f"institute word {m.group(0)!r}"
    if m := _EN_PARTNERSHIP_RE.search(low):
        return PartyType.ENTERPRISE, f"firm / partnership {m.group(0)!r}"
    if m := _EN_GOV_WEAK_RE.search(low):
        return PartyType.GOVERNMENT, f"government word {m.group(0)!r}"
    if person_display(s):
        return PartyType.INDIVIDUAL, "a person's name (no organisation word)"
    if m := _EN_COMPANY_WORDS_RE.search(low):
        return PartyType.ENTERPRISE, f"company word {m.group(0)!r}"
    return PartyType.OTHER, "no type word"


@lru_cache(maxsize=65536)
def explain_party_type(name: object) -> tuple[PartyType, str]:
    """The party type of a name and the rule that decided it."""
    return explain_display(normalise_org_name(name))


def explain_display(s: str) -> tuple[PartyType, str]:
    """:func:`explain_party_type` of a name already passed through :func:`normalise_org_name`."""
    if not s:
        return PartyType.OTHER, "empty name"
    if has_cjk(s):
        return _explain_cjk(s)
    return _explain_latin(s)


def classify_party(name: object) -> PartyType:
    """Rule-based party type of a Chinese or English name (see :func:`explain_party_type` for the reason)."""
    return explain_party_type(name)[0]
