"""The fictional world behind Lingxi's demo data: 青峦省 (Qingluan Province), which does not exist.

Everything here is invented so that a fresh installation has a realistic province to show: eight cities, about
ninety organisations (universities, research institutes, state-owned groups, SMEs, hospitals, individuals and a
few foreign companies), six industry chains with upstream / midstream / downstream nodes, the real IPC groups
that fit each node, and the vocabulary from which the generator composes titles, abstracts and claims.

Names were chosen not to be real: no city, organisation or person here refers to an actual one, and the numbers
the generator derives are outside the ranges real offices use (see generator.py). Place names were checked against
the national division list in lingxi/parties/data/cn_divisions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEMO_PROVINCE = "青峦省"
DEMO_PROVINCE_EN = "Qingluan Province (fictional)"
DEMO_DATASET_LABEL = "灵犀演示数据（虚构省份 青峦省，非真实数据） / Lingxi demo data (fictional province)"
# GB/T 2260-style code of the fictional province; 99 is not used by any real provincial-level division.
DEMO_PROVINCE_CODE = "990000"
# Region code used in the fictional licence-filing (X…) and pledge-registration (Y…) numbers.
DEMO_REGION_CODE = "99"

Term = tuple[str, str]  # (Chinese, English)


def _terms(block: str) -> tuple[Term, ...]:
    """Parse lines of "中文|English" into (zh, en) pairs."""
    out = []
    for line in block.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        zh, en = line.split("|")
        out.append((zh.strip(), en.strip()))
    return tuple(out)


@dataclass(frozen=True)
class Param:
    """A numeric feature for a dependent claim, e.g. "所述钝化层的厚度为{lo}～{hi}nm"."""

    zh: str
    en: str
    low: float
    high: float


# --------------------------------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str  # 青峦市
    name_en: str  # Qingluan
    code: str  # fictional GB/T 2260-style code under 990000
    districts: tuple[str, ...]
    roads: tuple[str, ...]


CITIES: tuple[City, ...] = (
    City("青峦市", "Qingluan", "990100", ("高新区", "锦屏区", "青峦经济技术开发区", "明湖区"), ("锦屏路", "科创大道", "明湖东路", "翠微路", "望峦街")),
    City("云川市", "Yunchuan", "990200", ("云川高新区", "川北区", "航天城"), ("云汉路", "川流大道", "星火路", "长川街")),
    City("霁岚市", "Jilan", "990300", ("霁岚经济开发区", "岚山区", "汽车城"), ("岚山路", "霁虹大道", "启明街")),
    City("雁鸣市", "Yanming", "990400", ("雁鸣高新区", "鸣湖区"), ("鸣湖路", "雁塔北路", "清风街")),
    City("星澜市", "Xinglan", "990500", ("星澜科学城", "澜湾区", "芯谷园区"), ("澜湾大道", "芯谷一路", "星光路")),
    City("墨川市", "Mochuan", "990600", ("墨川化工园区", "墨溪区"), ("墨溪路", "化工大道", "川岸街")),
    City("鹤汀市", "Heting", "990700", ("鹤汀新区", "汀洲区"), ("汀洲路", "鹤鸣大道")),
    City("澄渊市", "Chengyuan", "990800", ("澄渊港区", "渊北区"), ("澄海路", "港湾大道")),
)
CITY_BY_NAME = {c.name: c for c in CITIES}


# --------------------------------------------------------------------------------------------------------------
# Industry chains (data/chains.txt)
# --------------------------------------------------------------------------------------------------------------

# How a topic's claims are written: see data/chains.txt.
FORMS = ("layer", "assembly", "system", "coating", "composition", "alloy", "material", "compound", "biologic", "kit")
# Forms a utility model (实用新型: shape and structure only) can protect.
UTILITY_MODEL_FORMS = ("layer", "assembly", "system")


@dataclass(frozen=True)
class Topic:
    """A coherent sub-topic of a node: products with the parts, materials and steps that go with them."""

    form: str
    ipc: tuple[str, ...]
    products: tuple[Term, ...]
    parts: tuple[Term, ...]
    materials: tuple[Term, ...]  # materials, ingredients, elements, substituents or techniques, by form
    steps: tuple[Term, ...]  # process / method steps, in their natural order
    problems: tuple[Term, ...]
    effects: tuple[Term, ...]
    params: tuple[Param, ...]
    methods: tuple[Term, ...] = ()  # method words of titles, when not the node's
    uses: tuple[Term, ...] = ()  # medical uses (compound, biologic, composition)
    base: Term | None = None  # base element of an alloy
    pairs: tuple[tuple[Term, Term], ...] = ()  # (part, material) that go together


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    name_en: str
    stage: str  # upstream | midstream | downstream
    weight: float  # relative share of the chain's patents
    methods: tuple[Term, ...]
    designs: tuple[tuple[str, str, str], ...]
    topics: tuple[Topic, ...]

    @property
    def ipc(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for t in self.topics for code in t.ipc))

    @property
    def products(self) -> tuple[Term, ...]:
        return tuple(p for t in self.topics for p in t.products)

    @property
    def parts(self) -> tuple[Term, ...]:
        return tuple(dict.fromkeys(p for t in self.topics for p in t.parts))


@dataclass(frozen=True)
class Chain:
    key: str
    name: str
    name_en: str
    field_zh: str
    field_en: str
    weight: float
    adjectives: tuple[Term, ...]
    cpc_tags: tuple[str, ...]  # Y-section CPC tags added to English (US) documents
    nodes: tuple[Node, ...]


GENERIC_EFFECTS = _terms(
    """
    降低了生产成本|reduces production cost
    提高了生产效率|improves production efficiency
    提高了产品的一致性|improves product consistency
    """
)


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(" ; ") if item.strip()]


def _term(item: str) -> Term:
    zh, en = item.split("|")
    return zh.strip(), en.strip()


def parse_chains(text: str) -> tuple[Chain, ...]:
    """Parse the chain file format described at the top of data/chains.txt."""
    chains: list[dict] = []
    node: dict | None = None
    topic: dict | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("chain "):
                key, name, name_en, field_zh, field_en, weight = (x.strip() for x in line[6:].split("|"))
                chains.append(dict(key=key, name=name, name_en=name_en, field_zh=field_zh, field_en=field_en,
                                   weight=float(weight), adjectives=(), cpc_tags=(), nodes=[]))
                node = topic = None
            elif line.startswith("node "):
                key, name, name_en, stage, weight = (x.strip() for x in line[5:].split("|"))
                node = dict(key=key, name=name, name_en=name_en, stage=stage, weight=float(weight),
                            methods=(), designs=(), topics=[])
                chains[-1]["nodes"].append(node)
                topic = None
            elif line.startswith("topic "):
                form = line[6:].strip()
                if form not in FORMS:
                    raise ValueError(f"unknown form {form!r}")
                topic = dict(form=form, ipc=(), products=(), parts=(), materials=(), steps=(), problems=(),
                             effects=(), params=(), methods=(), uses=(), base=None, pairs=())
                node["topics"].append(topic)
            else:
                field_name, _, value = line.partition(":")
                field_name = field_name.strip()
                items = _items(value)
                if topic is None and node is None:  # chain level
                    if field_name == "adjectives":
                        chains[-1]["adjectives"] = tuple(_term(i) for i in items)
                    elif field_name == "cpc":
                        chains[-1]["cpc_tags"] = tuple(items)
                    else:
                        raise ValueError(f"unexpected {field_name!r}")
                elif topic is None:  # node level
                    if field_name == "methods":
                        node["methods"] = tuple(_term(i) for i in items)
                    elif field_name == "designs":
                        node["designs"] = tuple(tuple(x.strip() for x in i.split("|")) for i in items)
                    else:
                        raise ValueError(f"unexpected {field_name!r}")
                elif field_name == "ipc":
                    topic["ipc"] = tuple(items)
                elif field_name == "param":
                    params = []
                    for item in items:
                        zh, en, bounds = item.split("|")
                        low, high = (float(x) for x in bounds.split(","))
                        params.append(Param(zh.strip(), en.strip(), low, high))
                    topic["params"] = tuple(params)
                elif field_name == "base":
                    topic["base"] = _term(items[0])
                elif field_name == "pair":
                    parts = {zh: (zh, en) for zh, en in topic["parts"]}
                    materials = {zh: (zh, en) for zh, en in topic["materials"]}
                    pairs = []
                    for item in items:
                        part, material = (x.strip() for x in item.split("="))
                        if part not in parts or material not in materials:
                            raise ValueError(f"pair {item!r} names an unknown part or material")
                        pairs.append((parts[part], materials[material]))
                    topic["pairs"] = tuple(pairs)
                elif field_name in ("product", "part", "material", "step", "problem", "effect", "method", "use"):
                    plural = {"product": "products", "part": "parts", "material": "materials", "step": "steps",
                              "problem": "problems", "effect": "effects", "method": "methods", "use": "uses"}
                    topic[plural[field_name]] = tuple(_term(i) for i in items)
                else:
                    raise ValueError(f"unexpected {field_name!r}")
        except (ValueError, IndexError, AttributeError, TypeError) as error:
            raise ValueError(f"chains.txt line {number}: {error}: {raw!r}") from None
    return tuple(
        Chain(
            **{k: v for k, v in c.items() if k != "nodes"},
            nodes=tuple(
                Node(**{k: v for k, v in n.items() if k != "topics"}, topics=tuple(Topic(**t) for t in n["topics"]))
                for n in c["nodes"]
            ),
        )
        for c in chains
    )


CHAINS: tuple[Chain, ...] = parse_chains((Path(__file__).parent / "data" / "chains.txt").read_text(encoding="utf-8"))
CHAIN_BY_KEY = {c.key: c for c in CHAINS}
NODE_BY_KEY = {n.key: n for c in CHAINS for n in c.nodes}
CHAIN_OF_NODE = {n.key: c.key for c in CHAINS for n in c.nodes}


# --------------------------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------------------------

# Applicant types, in the vocabulary the platform uses (SPEC §1), plus hospital and foreign for the demo's own counts.
ORG_KINDS = ("university", "institute", "soe", "enterprise", "hospital", "individual", "foreign")


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str  # Chinese for organisations of the province (the original name when renamed), English for foreign ones
    kind: str  # one of ORG_KINDS
    city: str | None  # fictional city (Chinese), or a fictional foreign city
    chains: dict[str, float]  # filing volume per chain (relative)
    name_en: str | None = None
    variants: tuple[str, ...] = ()  # other spellings seen on documents (Chinese)
    variants_en: tuple[str, ...] = ()  # other spellings seen on documents (English)
    soe: bool = False
    nodes: tuple[str, ...] = ()  # restrict filings to these nodes (SMEs are specialised)
    founded: int = 1990  # no filings before this year
    renamed: tuple[int, str] | None = None  # (year, new name): documents filed from that year carry the new name
    parent: str | None = None  # group company of a subsidiary
    spinoff_of: str | None = None  # university / institute a company was spun out of
    abroad: float = 0.0  # share of its invention families also filed in the US
    country: str = "CN"
    state: str | None = DEMO_PROVINCE
    um_share: float | None = None  # override of the utility-model share of its CN filings

    @property
    def current_name(self) -> str:
        return self.renamed[1] if self.renamed else self.name

    def name_in(self, year: int) -> str:
        """The name printed on documents filed in `year` (before / after a renaming)."""
        if self.renamed and year >= self.renamed[0]:
            return self.renamed[1]
        return self.name

    @property
    def all_names(self) -> tuple[str, ...]:
        names = [self.name, *self.variants]
        if self.renamed:
            names.append(self.renamed[1])
        if self.name_en:
            names.append(self.name_en)
        names.extend(self.variants_en)
        return tuple(names)


def _org(key, name, kind, city, chains, **kw) -> Organisation:
    return Organisation(key=key, name=name, kind=kind, city=city, chains=chains, **kw)


ORGANISATIONS: tuple[Organisation, ...] = (
    # --- universities ------------------------------------------------------------------------------------------
    _org("qlu", "青峦大学", "university", "青峦市", {"pv": 2.2, "h2": 1.2, "ev": 2.0, "ic": 2.0, "aero": 1.0, "bio": 1.6},
         name_en="Qingluan University", variants_en=("QINGLUAN UNIV.", "Qingluan Univ", "QINGLUAN UNIVERSITY"), abroad=0.05),
    _org("qlut", "青峦工学院", "university", "青峦市", {"pv": 2.6, "h2": 1.5, "ev": 2.6, "ic": 0.8, "aero": 0.6},
         name_en="Qingluan University of Technology", renamed=(2012, "青峦理工大学"), variants_en=("QINGLUAN UNIV OF TECHNOLOGY", "Qingluan Univ. of Tech."), abroad=0.03),
    _org("ycjtu", "云川交通大学", "university", "云川市", {"ev": 2.8, "aero": 1.6, "h2": 1.6, "ic": 0.8, "pv": 0.6},
         name_en="Yunchuan Jiaotong University", variants_en=("YUNCHUAN JIAOTONG UNIV", "Yunchuan Jiao Tong University"),
         abroad=0.04),
    _org("qlaau", "青峦航空航天大学", "university", "青峦市", {"aero": 4.5, "ic": 0.8, "ev": 0.4},
         name_en="Qingluan University of Aeronautics and Astronautics",
         variants_en=("QINGLUAN UNIV OF AERONAUTICS & ASTRONAUTICS", "Qingluan Univ. of Aeronautics and Astronautics"),
         abroad=0.03),
    _org("ymust", "雁鸣科技大学", "university", "雁鸣市", {"h2": 2.6, "pv": 1.6, "ev": 0.8},
         name_en="Yanming University of Science and Technology", variants_en=("YANMING UNIV OF SCIENCE & TECHNOLOGY",)),
    _org("xluest", "星澜电子科技大学", "university", "星澜市", {"ic": 4.4, "pv": 0.7, "ev": 0.7, "aero": 0.4},
         name_en="Xinglan University of Electronic Science and Technology",
         variants_en=("XINGLAN UNIV OF ELECTRONIC SCIENCE & TECHNOLOGY", "Xinglan Univ. of Electronic Sci. and Tech."),
         abroad=0.05),
    _org("qlmu", "青峦医科大学", "university", "青峦市", {"bio": 3.6}, name_en="Qingluan Medical University",
         variants_en=("QINGLUAN MEDICAL UNIV",)),
    _org("mcu", "墨川大学", "university", "墨川市", {"pv": 0.7, "ev": 0.9, "bio": 0.6, "h2": 0.6}, name_en="Mochuan University"),
    _org("htvtc", "鹤汀职业技术学院", "university", "鹤汀市", {"ev": 0.8, "pv": 0.6, "aero": 0.3},
         name_en="Heting Vocational and Technical College", um_share=0.75),
    # --- research institutes -----------------------------------------------------------------------------------
    _org("qlas_ne", "青峦省科学院新能源研究所", "institute", "青峦市", {"pv": 1.6, "h2": 1.8, "ev": 0.6},
         name_en="Institute of New Energy, Qingluan Academy of Sciences",
         variants=("青峦省新能源研究所", "青峦省科学院新能源所"), abroad=0.02),
    _org("qlas_mat", "青峦省科学院先进材料研究所", "institute", "青峦市", {"ev": 1.4, "aero": 1.2, "ic": 0.6, "pv": 0.4},
         name_en="Institute of Advanced Materials, Qingluan Academy of Sciences", variants=("青峦省先进材料研究所",)),
    _org("qlisc", "青峦省半导体研究所", "institute", "星澜市", {"ic": 2.2, "pv": 0.5},
         name_en="Qingluan Institute of Semiconductors", variants=("青峦省半导体研究所有限公司",)),
    _org("ych2", "云川氢能技术研究院", "institute", "云川市", {"h2": 1.8}, founded=2016,
         name_en="Yunchuan Hydrogen Energy Research Institute", renamed=(2021, "云川氢能技术研究院有限公司")),
    _org("qlspace", "青峦空间技术研究所", "institute", "青峦市", {"aero": 2.2}, name_en="Qingluan Institute of Space Technology"),
    _org("qlimm", "青峦省药物研究院", "institute", "青峦市", {"bio": 1.8}, name_en="Qingluan Institute of Materia Medica",
         variants=("青峦省药物研究院有限公司",)),
    _org("jlauto", "霁岚汽车工程研究院", "institute", "霁岚市", {"ev": 1.4}, name_en="Jilan Automotive Engineering Research Institute"),
    # --- state-owned enterprises -------------------------------------------------------------------------------
    _org("qlenergy", "青峦能源集团有限公司", "soe", "青峦市", {"pv": 1.6, "h2": 1.8, "ev": 0.3}, soe=True,
         name_en="Qingluan Energy Group Co., Ltd.", variants=("青峦能源集团公司", "青峦能源（集团）有限公司"),
         variants_en=("QINGLUAN ENERGY GROUP CO LTD", "Qingluan Energy Group Company Limited"), abroad=0.04),
    _org("qlenergy_pv", "青峦能源集团光伏科技有限公司", "soe", "雁鸣市", {"pv": 1.5}, soe=True, parent="qlenergy", founded=2011,
         name_en="Qingluan Energy Group Photovoltaic Technology Co., Ltd."),
    _org("qlaviation", "青峦航空工业集团有限公司", "soe", "青峦市", {"aero": 3.2}, soe=True,
         name_en="Qingluan Aviation Industry Group Co., Ltd.", variants=("青峦航空工业集团公司", "青峦航空工业（集团）有限公司"),
         variants_en=("QINGLUAN AVIATION INDUSTRY GROUP CO LTD",), abroad=0.05),
    _org("qlaeroengine", "青峦航空工业集团云川发动机有限公司", "soe", "云川市", {"aero": 1.6}, soe=True, parent="qlaviation",
         name_en="Qingluan Aviation Industry Group Yunchuan Engine Co., Ltd.", variants=("青峦航空工业集团云川发动机公司",)),
    _org("ycaerospace", "云川航天科技集团有限公司", "soe", "云川市", {"aero": 2.4, "ic": 0.5}, soe=True,
         name_en="Yunchuan Aerospace Science and Technology Group Co., Ltd.", variants=("云川航天科技集团公司",),
         variants_en=("YUNCHUAN AEROSPACE SCI & TECH GROUP CO LTD",), abroad=0.02),
    _org("qlauto", "青峦汽车集团有限公司", "soe", "霁岚市", {"ev": 3.4, "h2": 0.6}, soe=True,
         name_en="Qingluan Automobile Group Co., Ltd.", renamed=(2016, "青峦汽车集团股份有限公司"),
         variants=("青峦汽车集团公司",), variants_en=("QINGLUAN AUTOMOBILE GROUP CO LTD", "Qingluan Automobile Group Co Ltd"),
         abroad=0.06),
    _org("qlchem", "青峦化工集团有限责任公司", "soe", "墨川市", {"ev": 1.2, "h2": 1.0, "pv": 0.5}, soe=True,
         name_en="Qingluan Chemical Industry Group Co., Ltd.", variants=("青峦化工集团有限公司",)),
    _org("qlpower", "青峦电力投资集团有限公司", "soe", "青峦市", {"pv": 1.2, "h2": 0.5, "ev": 0.6}, soe=True,
         name_en="Qingluan Power Investment Group Co., Ltd.", variants=("青峦电力投资集团公司",)),
    _org("qlelec", "青峦电子信息集团有限公司", "soe", "星澜市", {"ic": 2.6}, soe=True,
         name_en="Qingluan Electronics and Information Group Co., Ltd.", variants=("青峦电子信息（集团）有限公司",),
         variants_en=("QINGLUAN ELECTRONICS & INFORMATION GROUP CO LTD",), abroad=0.05),
    _org("qlpharma", "青峦医药集团有限公司", "soe", "青峦市", {"bio": 2.0}, soe=True,
         name_en="Qingluan Pharmaceutical Group Co., Ltd.", variants=("青峦医药集团股份有限公司",), abroad=0.03),
    # --- SMEs (科技型中小企业) -------------------------------------------------------------------------------------
    _org("yc_jinggui", "云川晶硅科技有限公司", "enterprise", "云川市", {"pv": 1.0}, nodes=("pv_silicon",), founded=2009,
         variants=("云川市晶硅科技有限公司",)),
    _org("ql_ruiguang", "青峦睿光新能源科技有限公司", "enterprise", "青峦市", {"pv": 1.2}, nodes=("pv_cell", "pv_module"),
         founded=2012, renamed=(2019, "青峦睿光新能源科技股份有限公司"), spinoff_of="qlut"),
    _org("jl_guangmo", "霁岚光膜材料有限公司", "enterprise", "霁岚市", {"pv": 0.7}, nodes=("pv_aux",), founded=2010),
    _org("ym_yangguang", "雁鸣阳光电力科技有限公司", "enterprise", "雁鸣市", {"pv": 0.9}, nodes=("pv_inverter",), founded=2008,
         variants=("雁鸣阳光电力科技股份有限公司",)),
    _org("xl_risheng", "星澜日升智能装备有限公司", "enterprise", "星澜市", {"pv": 0.7}, nodes=("pv_plant",), founded=2014),
    _org("mc_pvglass", "墨川光伏玻璃有限公司", "enterprise", "墨川市", {"pv": 0.5}, nodes=("pv_aux",), founded=2008),
    _org("ht_qingneng", "鹤汀清能光伏科技有限公司", "enterprise", "鹤汀市", {"pv": 0.7}, nodes=("pv_module", "pv_plant"), founded=2013),
    _org("cy_xinneng", "澄渊新能源工程有限公司", "enterprise", "澄渊市", {"pv": 0.5}, nodes=("pv_plant",), founded=2015),
    _org("yc_qingtu", "云川氢途能源科技有限公司", "enterprise", "云川市", {"h2": 0.9}, nodes=("h2_station", "h2_system"), founded=2017),
    _org("ql_qingzhou", "青峦氢舟动力科技有限公司", "enterprise", "青峦市", {"h2": 1.0}, nodes=("h2_stack", "h2_system"),
         founded=2016, spinoff_of="qlut"),
    _org("ym_chuqing", "雁鸣储氢装备有限公司", "enterprise", "雁鸣市", {"h2": 0.7}, nodes=("h2_storage",), founded=2014),
    _org("ql_lvqing", "青峦绿氢电解装备有限公司", "enterprise", "青峦市", {"h2": 0.8}, nodes=("h2_electrolysis",), founded=2018,
         spinoff_of="ymust"),
    _org("mc_qingsheng", "墨川氢晟气体有限公司", "enterprise", "墨川市", {"h2": 0.5}, nodes=("h2_storage", "h2_station"), founded=2012),
    _org("jl_mea", "霁岚膜电极科技有限公司", "enterprise", "霁岚市", {"h2": 0.6}, nodes=("h2_stack",), founded=2019),
    _org("jl_liyuan", "霁岚锂源新材料有限公司", "enterprise", "霁岚市", {"ev": 1.0}, nodes=("ev_materials",), founded=2011),
    _org("mc_lidian", "墨川锂电材料股份有限公司", "enterprise", "墨川市", {"ev": 0.9}, nodes=("ev_materials", "ev_recycle"),
         founded=2009, variants=("墨川锂电材料有限公司",)),
    _org("ql_anchi", "青峦安驰电池科技有限公司", "enterprise", "青峦市", {"ev": 1.1}, nodes=("ev_pack",), founded=2013),
    _org("yc_xinneng", "云川芯能电池管理技术有限公司", "enterprise", "云川市", {"ev": 0.8}, nodes=("ev_bms",), founded=2015,
         spinoff_of="ycjtu"),
    _org("jl_qudong", "霁岚驱动电机有限公司", "enterprise", "霁岚市", {"ev": 0.8}, nodes=("ev_drive",), founded=2010),
    _org("xl_kuaichong", "星澜快充科技有限公司", "enterprise", "星澜市", {"ev": 0.8}, nodes=("ev_charging",), founded=2016),
    _org("ql_yihuan", "青峦易换能源科技有限公司", "enterprise", "青峦市", {"ev": 0.6}, nodes=("ev_charging",), founded=2019),
    _org("ht_zaisheng", "鹤汀再生资源科技有限公司", "enterprise", "鹤汀市", {"ev": 0.6}, nodes=("ev_recycle",), founded=2017),
    _org("ym_gemo", "雁鸣隔膜科技有限公司", "enterprise", "雁鸣市", {"ev": 0.6}, nodes=("ev_electrolyte",), founded=2012),
    _org("yc_gutai", "云川固态电池科技有限公司", "enterprise", "云川市", {"ev": 0.7}, nodes=("ev_electrolyte", "ev_pack"),
         founded=2018, spinoff_of="qlas_mat"),
    _org("xl_xinwei", "星澜芯微电子科技有限公司", "enterprise", "星澜市", {"ic": 1.1}, nodes=("ic_design",), founded=2013,
         spinoff_of="xluest"),
    _org("ql_tanhuagui", "青峦碳化硅半导体有限公司", "enterprise", "青峦市", {"ic": 0.9}, nodes=("ic_materials", "ic_power"),
         founded=2015, renamed=(2022, "青峦碳化硅半导体股份有限公司")),
    _org("xl_equip", "星澜半导体设备有限公司", "enterprise", "星澜市", {"ic": 0.8}, nodes=("ic_equipment",), founded=2011),
    _org("yc_fengce", "云川封测科技有限公司", "enterprise", "云川市", {"ic": 0.8}, nodes=("ic_packaging",), founded=2010),
    _org("ql_zhixin", "青峦智芯集成电路有限公司", "enterprise", "青峦市", {"ic": 0.8}, nodes=("ic_design",), founded=2017),
    _org("xl_weina", "星澜微纳加工技术有限公司", "enterprise", "星澜市", {"ic": 0.6}, nodes=("ic_fab",), founded=2014),
    _org("mc_dianzi", "墨川电子材料有限公司", "enterprise", "墨川市", {"ic": 0.6}, nodes=("ic_materials",), founded=2009),
    _org("ym_gonglv", "雁鸣功率半导体有限公司", "enterprise", "雁鸣市", {"ic": 0.7}, nodes=("ic_power",), founded=2016),
    _org("ql_yihang", "青峦翼航无人机科技有限公司", "enterprise", "青峦市", {"aero": 1.1}, nodes=("aero_uav",), founded=2014,
         spinoff_of="qlaau"),
    _org("yc_xinghe", "云川星河卫星技术有限公司", "enterprise", "云川市", {"aero": 0.7}, nodes=("aero_space",), founded=2018,
         spinoff_of="qlaau"),
    _org("ht_taihejin", "鹤汀钛合金材料有限公司", "enterprise", "鹤汀市", {"aero": 0.6}, nodes=("aero_materials",), founded=2008),
    _org("cy_fuhe", "澄渊复合材料科技有限公司", "enterprise", "澄渊市", {"aero": 0.6}, nodes=("aero_materials", "aero_structure"),
         founded=2012),
    _org("yc_lingbujian", "云川航空零部件制造有限公司", "enterprise", "云川市", {"aero": 0.7}, nodes=("aero_structure", "aero_engine"),
         founded=2008),
    _org("ym_zengcai", "雁鸣增材制造技术有限公司", "enterprise", "雁鸣市", {"aero": 0.5}, nodes=("aero_materials",), founded=2016),
    _org("xl_feikong", "星澜飞控科技有限公司", "enterprise", "星澜市", {"aero": 0.6}, nodes=("aero_uav",), founded=2015),
    _org("ql_kangyuan", "青峦康源生物医药科技有限公司", "enterprise", "青峦市", {"bio": 0.8}, nodes=("bio_drug",), founded=2012),
    _org("yc_borui", "云川博瑞生物技术有限公司", "enterprise", "云川市", {"bio": 0.7}, nodes=("bio_biologics",), founded=2015),
    _org("ql_weichuang", "青峦微创医疗器械有限公司", "enterprise", "青峦市", {"bio": 0.9}, nodes=("bio_device",), founded=2010,
         spinoff_of="qlmu"),
    _org("jl_jingzhun", "霁岚精准诊断科技有限公司", "enterprise", "霁岚市", {"bio": 0.6}, nodes=("bio_diagnostics",), founded=2016),
    _org("mc_bencao", "墨川本草制药有限公司", "enterprise", "墨川市", {"bio": 0.5}, nodes=("bio_drug",), founded=2008,
         variants=("墨川本草制药股份有限公司",)),
    _org("xl_zhiyi", "星澜智医科技有限公司", "enterprise", "星澜市", {"bio": 0.5}, nodes=("bio_device", "bio_diagnostics"),
         founded=2019),
    # --- hospitals ---------------------------------------------------------------------------------------------
    _org("qlu_hosp1", "青峦大学附属第一医院", "hospital", "青峦市", {"bio": 0.9}, nodes=("bio_device", "bio_diagnostics"),
         name_en="The First Affiliated Hospital of Qingluan University", variants=("青峦大学第一附属医院",)),
    _org("yc_hosp", "云川市人民医院", "hospital", "云川市", {"bio": 0.6}, nodes=("bio_device", "bio_diagnostics"),
         name_en="Yunchuan People's Hospital", variants=("云川人民医院",)),
    # --- individuals (inventor-applicants) ---------------------------------------------------------------------
    _org("p_zhoujg", "周建国", "individual", "云川市", {"ev": 0.3, "pv": 0.2}, nodes=("ev_charging", "pv_plant", "ev_pack")),
    _org("p_linhf", "林海峰", "individual", "青峦市", {"aero": 0.3}, nodes=("aero_uav",)),
    _org("p_chenxy", "陈秀英", "individual", "雁鸣市", {"bio": 0.3}, nodes=("bio_device",)),
    _org("p_zhaozq", "赵志强", "individual", "墨川市", {"h2": 0.2, "ev": 0.2}, nodes=("h2_station", "ev_pack")),
    _org("p_sunlp", "孙立平", "individual", "鹤汀市", {"pv": 0.3}, nodes=("pv_module", "pv_plant")),
    # --- foreign companies (English names; file US documents) --------------------------------------------------
    _org("f_northvale", "Northvale Energy Systems Inc.", "foreign", "Harbor Crest", {"pv": 2.0, "h2": 1.2},
         variants_en=("NORTHVALE ENERGY SYSTEMS, INC.", "Northvale Energy Systems, Inc."), country="US", state="CA"),
    _org("f_helioforge", "Helioforge Photonics GmbH", "foreign", "Lindenau am See", {"pv": 1.6},
         variants_en=("HELIOFORGE PHOTONICS GMBH",), country="DE", state=None),
    _org("f_kestrel", "Kestrel Aerospace Corporation", "foreign", "Redmesa", {"aero": 2.4},
         variants_en=("KESTREL AEROSPACE CORP.", "Kestrel Aerospace Corp"), country="US", state="AZ"),
    _org("f_ardent", "Ardent Cell Technologies Ltd.", "foreign", "Wexbridge", {"ev": 1.8},
         variants_en=("ARDENT CELL TECHNOLOGIES LIMITED",), country="GB", state=None),
    _org("f_lumenvale", "Lumenvale Semiconductor Corp.", "foreign", "Sable Point", {"ic": 2.6},
         variants_en=("LUMENVALE SEMICONDUCTOR CORPORATION", "Lumenvale Semiconductor Corporation"), country="US", state="TX"),
    _org("f_miyasora", "Miyasora Battery Co., Ltd.", "foreign", "Minamikaze", {"ev": 2.0},
         variants_en=("MIYASORA BATTERY CO LTD",), country="JP", state=None),
    _org("f_orenwick", "Orenwick Hydrogen AS", "foreign", "Fjellvik", {"h2": 1.8}, country="NO", state=None),
    _org("f_tavira", "Tavira Biotherapeutics Inc.", "foreign", "Bayhollow", {"bio": 1.6},
         variants_en=("TAVIRA BIOTHERAPEUTICS, INC.",), country="US", state="MA"),
    _org("f_hanseul", "Hanseul Mobility Co., Ltd.", "foreign", "Dasan-si", {"ev": 1.2, "h2": 0.6},
         variants_en=("HANSEUL MOBILITY CO LTD",), country="KR", state=None),
)
ORG_BY_KEY = {o.key: o for o in ORGANISATIONS}

# Every spelling (canonical, variants, renamed, English) → organisation key; the generator prints only these.
NAME_INDEX: dict[str, str] = {}
for _o in ORGANISATIONS:
    for _n in _o.all_names:
        NAME_INDEX.setdefault(_n, _o.key)


# Every spelling of the demo's state-owned enterprises: SOE-ness cannot be read from a name alone (集团 is not enough),
# so a platform registers such lists; this is the one for the fictional province.
DEMO_SOE_NAMES: tuple[str, ...] = tuple(n for o in ORGANISATIONS if o.soe for n in o.all_names)

# The fictional divisions, shaped like lingxi/parties/data/cn_divisions.py PROVINCES entries and (code, full name,
# short name, English name) for cities, so region detection can be taught the demo province.
DEMO_PROVINCE_ENTRY = (DEMO_PROVINCE_CODE, DEMO_PROVINCE, "青峦", "province", ("峦",), ("Qingluan",))
DEMO_CITY_ENTRIES: tuple[tuple[str, str, str, str], ...] = tuple(
    (c.code, c.name, c.name.removesuffix("市"), c.name_en) for c in CITIES
)


def organisation_for_name(name: str) -> Organisation | None:
    """The catalogue organisation a printed name belongs to (exact spelling as generated), if any."""
    key = NAME_INDEX.get(name)
    return ORG_BY_KEY.get(key) if key else None


def applicant_type_of(name: str) -> str:
    org = organisation_for_name(name)
    return org.kind if org else "unknown"


# --------------------------------------------------------------------------------------------------------------
# Agencies, banks, journals, people
# --------------------------------------------------------------------------------------------------------------

CN_AGENCIES: tuple[tuple[str, str], ...] = (
    ("青峦智信专利代理事务所（普通合伙）", "青峦市"),
    ("青峦华科知识产权代理有限公司", "青峦市"),
    ("云川创新专利代理有限公司", "云川市"),
    ("星澜汇智专利代理事务所（特殊普通合伙）", "星澜市"),
    ("雁鸣明诚知识产权代理有限公司", "雁鸣市"),
    ("墨川正源专利代理有限公司", "墨川市"),
    ("霁岚启航专利代理事务所（普通合伙）", "霁岚市"),
)
US_AGENCIES: tuple[str, ...] = (
    "Harrowgate & Quill LLP",
    "Birchmont IP Law Group PLLC",
    "Ashcombe Lyle & Partners LLP",
    "Marlow Crane Patent Attorneys",
)
# Pledgees (质权人) named in pledge registrations.
BANKS: tuple[str, ...] = (
    "青峦银行股份有限公司",
    "青峦银行股份有限公司云川分行",
    "云川农村商业银行股份有限公司",
    "星澜科技银行股份有限公司",
    "青峦科技融资担保有限公司",
)
JOURNALS_ZH: tuple[str, ...] = (
    "青峦大学学报（自然科学版）",
    "青峦理工大学学报",
    "云川交通大学学报",
    "星澜电子科技大学学报",
    "青峦省科学院院刊",
)
JOURNALS_EN: tuple[str, ...] = (
    "Journal of Qingluan University (Natural Science Edition)",
    "Qingluan Journal of Energy Materials",
    "Yunchuan Transactions on Engineering",
    "Xinglan Journal of Microelectronics",
)

# Surnames with rough relative frequencies (per mille of the population), and their pinyin.
SURNAMES: tuple[tuple[str, str, float], ...] = tuple(
    (s[0], s[1:].split(":")[0], float(s.split(":")[1]))
    for s in (
        "王wang:71 李li:70 张zhang:68 刘liu:54 陈chen:46 杨yang:31 黄huang:25 赵zhao:23 吴wu:21 周zhou:20 "
        "徐xu:17 孙sun:15 马ma:14 朱zhu:13 胡hu:13 郭guo:12 何he:12 高gao:11 林lin:11 罗luo:10 郑zheng:10 "
        "梁liang:9 谢xie:8 宋song:8 唐tang:8 许xu:7 韩han:7 冯feng:7 邓deng:7 曹cao:7 彭peng:6 曾zeng:6 "
        "肖xiao:6 田tian:6 董dong:6 袁yuan:5 潘pan:5 于yu:5 蒋jiang:5 蔡cai:5 余yu:5 杜du:5 叶ye:4 程cheng:4 "
        "苏su:4 魏wei:4 吕lv:4 丁ding:4 任ren:4 沈shen:4 姚yao:4 卢lu:4 姜jiang:4 崔cui:3 钟zhong:3 谭tan:3 "
        "陆lu:3 汪wang:3 范fan:3 金jin:3 石shi:3 廖liao:3 贾jia:3 夏xia:3 韦wei:3 付fu:3 方fang:3 白bai:3 "
        "邹zou:3 孟meng:3 熊xiong:3 秦qin:3 邱qiu:3 江jiang:3 尹yin:2 薛xue:2 闫yan:2 段duan:2 雷lei:2 "
        "侯hou:2 龙long:2 史shi:2 陶tao:2 黎li:2 贺he:2 顾gu:2 毛mao:2 郝hao:2 龚gong:2 邵shao:2 万wan:2 "
        "钱qian:2 严yan:2 武wu:2 戴dai:2 欧阳ouyang:1 上官shangguan:0.3"
    ).split()
)
# Characters of given names, with pinyin.
GIVEN_CHARS: tuple[tuple[str, str], ...] = tuple(
    (s[0], s[1:])
    for s in (
        "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 娟juan 涛tao 明ming "
        "超chao 秀xiu 霞xia 平ping 刚gang 桂gui 英ying 华hua 建jian 国guo 文wen 辉hui 玲ling 鹏peng 宇yu 浩hao "
        "凯kai 俊jun 斌bin 峰feng 波bo 龙long 飞fei 亮liang 晨chen 阳yang 鑫xin 博bo 宁ning 志zhi 海hai 新xin "
        "东dong 林lin 春chun 晓xiao 红hong 光guang 永yong 振zhen 家jia 金jin 佳jia 子zi 梓zi 雪xue 琳lin 欣xin "
        "婷ting 雨yu 思si 彤tong 涵han 睿rui 泽ze 轩xuan 一yi 天tian 昊hao 旭xu 蕾lei 颖ying 倩qian 慧hui "
        "瑞rui 立li 成cheng 德de 荣rong 兵bing 毅yi 翔xiang 晶jing 燕yan 萍ping 玉yu 兰lan 梅mei 学xue 庆qing "
        "胜sheng 宏hong 继ji 正zheng 元yuan 卫wei 锋feng 彬bin 小xiao 少shao 云yun 松song 江jiang 帆fan 楠nan "
        "悦yue 琪qi 璐lu 健jian 琦qi 冬dong 铭ming 嘉jia 欢huan 月yue 泉quan 远yuan 岩yan 雯wen 若ruo"
    ).split()
)
FOREIGN_FIRST = {
    "US": ("James", "Emily", "Michael", "Sarah", "David", "Olivia", "Daniel", "Rachel", "Andrew", "Megan", "Ethan", "Priya"),
    "GB": ("Oliver", "Charlotte", "Harry", "Amelia", "George", "Isla", "Thomas", "Grace"),
    "DE": ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Tobias", "Katrin"),
    "JP": ("Hiroshi", "Yuki", "Kenji", "Aiko", "Takumi", "Naoko", "Daisuke", "Emi"),
    "KR": ("Min-jun", "Ji-woo", "Seo-yeon", "Do-hyun", "Ha-eun", "Joon-ho"),
    "NO": ("Erik", "Ingrid", "Magnus", "Sigrid", "Lars", "Astrid"),
}
FOREIGN_LAST = {
    "US": ("Carter", "Whitaker", "Morgan", "Hughes", "Bennett", "Reyes", "Patel", "Nguyen", "Foster", "Sullivan", "Brooks", "Hayes"),
    "GB": ("Ashworth", "Pembroke", "Hollis", "Marsh", "Lowther", "Fenn", "Carrick"),
    "DE": ("Becker", "Hoffmann", "Schröder", "Krause", "Vogel", "Lindner", "Brandt"),
    "JP": ("Tanaka", "Sato", "Nakamura", "Kobayashi", "Yamamoto", "Fujii", "Morita"),
    "KR": ("Kim", "Park", "Lee", "Choi", "Jung", "Kang"),
    "NO": ("Hansen", "Johansen", "Berg", "Dahl", "Lunde", "Strand"),
}


def chain_taxonomy() -> list[dict]:
    """The demo chains as data (chain → nodes with stage, IPC patterns and keywords), e.g. to seed the taxonomy UI."""
    out = []
    for chain in CHAINS:
        out.append(
            {
                "key": chain.key,
                "name": chain.name,
                "name_en": chain.name_en,
                "nodes": [
                    {
                        "key": node.key,
                        "name": node.name,
                        "name_en": node.name_en,
                        "stage": node.stage,
                        "ipc": list(node.ipc),
                        "keywords": [zh for zh, _ in node.products] + [zh for zh, _ in node.parts[:4]],
                        "keywords_en": [en for _, en in node.products],
                    }
                    for node in chain.nodes
                ],
            }
        )
    return out
