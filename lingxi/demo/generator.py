"""Deterministic generator of the demo data set: patents of the fictional province 青峦省 (see catalogue.py).

`generate_demo_records(seed, size)` returns exactly `size` PatentRecords, the same for the same seed (one
random.Random(seed), no clock, no global random state). About three quarters are Chinese CN documents, one quarter
English US documents; filing years run from 2008 to 2025 with growth, and everything is as of DEMO_CUTOFF.

Numbers are valid in format but cannot collide with real documents:
- CN application numbers: year + type digit (1 invention, 2 utility model, 3 design) + a 7-digit serial that starts
  with 9 + the GB/T check digit, e.g. "CN202119004217.7". Real yearly serials never reach 9,000,000.
- CN publication numbers: "CN9" + type digit + 4 digits (days since 2008-01-01 of the publication date) + a 3-digit
  counter + kind (A application, B grant — same serial as its A —, U utility model, S design). Real CN publication
  numbers start with 1 (inventions), 2 (utility models) or 3 (designs), never 9.
- US pre-grant publications: "US" + year + "09" + day of year (3 digits) + counter (2 digits) + "A1"; real yearly
  serials stay below 0,500,000, these are 0,9xx,xxx. US patents: "US19" + 4 + 2 digits + "B1"/"B2"; real US patent
  numbers are around 12 million in 2025, these are 19 million.
- US application numbers use the series code 99, which the USPTO has never assigned: "US99" + 6 digits.

The story the data tells: universities and institutes file many inventions that mostly sleep (a minority is
transferred, licensed, pledged or offered under open licence, more so after the 2021 conversion programme); SMEs file
utility models and pledge patents for loans; SOEs file across their group; some inventions are also filed in the US
with a Chinese priority; citations concentrate on a few key patents of each node.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from lingxi.dates import add_months
from lingxi.demo.catalogue import (
    BANKS,
    CHAIN_BY_KEY,
    CHAIN_OF_NODE,
    CHAINS,
    CITY_BY_NAME,
    CN_AGENCIES,
    DEMO_DATASET_LABEL,
    DEMO_PROVINCE,
    DEMO_REGION_CODE,
    FOREIGN_FIRST,
    FOREIGN_LAST,
    GENERIC_EFFECTS,
    GIVEN_CHARS,
    JOURNALS_EN,
    JOURNALS_ZH,
    NODE_BY_KEY,
    ORG_BY_KEY,
    ORGANISATIONS,
    SURNAMES,
    US_AGENCIES,
    UTILITY_MODEL_FORMS,
    Chain,
    Node,
    Organisation,
    Term,
    Topic,
    applicant_type_of,
)
from lingxi.patents.numbers import cn_check_digit
from lingxi.patents.records import Citation, Classification, LegalEvent, PartyMention, PatentRecord

__all__ = [
    "DEMO_CUTOFF",
    "DEMO_DATASET_LABEL",
    "DEMO_PROVINCE",
    "DEMO_SOURCE_FORMAT",
    "demo_summary",
    "generate_demo_records",
]

DEMO_CUTOFF = dt.date(2025, 10, 31)  # the data set is "as of" this day: nothing is dated later
DEMO_SOURCE_FORMAT = "demo"
FIRST_YEAR, LAST_YEAR = 2008, 2025
EN_SHARE = 0.25  # share of English (US) records
_EPOCH = dt.date(2008, 1, 1)
_OPEN_LICENCE_START = dt.date(2022, 6, 1)  # open-licence declarations exist from the 2021 Patent Law on
_PROGRAMME_START = 2019  # conversion programmes push university transfers and licences from here on

_KIND_TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}
# Share of (invention, utility model, design) among CN filings by applicant type.
_CN_TYPE_MIX = {
    "university": (0.85, 0.13, 0.02),
    "institute": (0.80, 0.18, 0.02),
    "soe": (0.58, 0.34, 0.08),
    "enterprise": (0.40, 0.48, 0.12),
    "hospital": (0.30, 0.60, 0.10),
    "individual": (0.22, 0.58, 0.20),
}
_GRANT_RATE_CN = {"university": 0.68, "institute": 0.65, "soe": 0.62, "enterprise": 0.52, "hospital": 0.5, "individual": 0.3}
_TEAM_SIZE = {
    "university": (4, 8),
    "institute": (3, 7),
    "soe": (3, 7),
    "enterprise": (2, 5),
    "hospital": (3, 5),
    "individual": (1, 2),
    "foreign": (2, 5),
}
_INVENTOR_COUNT = {  # weights for 1..6 inventors
    "university": (1, 2, 4, 4, 3, 2),
    "institute": (1, 3, 4, 3, 2, 1),
    "soe": (2, 3, 4, 3, 2, 1),
    "enterprise": (4, 4, 3, 2, 1, 0.5),
    "hospital": (2, 3, 3, 2, 1, 0.5),
    "individual": (6, 2, 1, 0, 0, 0),
    "foreign": (3, 4, 3, 2, 1, 0.5),
}


# ----------------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _next_weekday(day: dt.date, weekdays: tuple[int, ...]) -> dt.date:
    """The first day on or after `day` falling on one of `weekdays` (Monday = 0)."""
    for offset in range(7):
        candidate = day + dt.timedelta(days=offset)
        if candidate.weekday() in weekdays:
            return candidate
    return day


def _cn_gazette(day: dt.date) -> dt.date:
    return _next_weekday(day, (1, 4))  # CNIPA gazettes appear on Tuesdays and Fridays


def _us_pgpub(day: dt.date) -> dt.date:
    return _next_weekday(day, (3,))  # Thursdays


def _us_grant(day: dt.date) -> dt.date:
    return _next_weekday(day, (1,))  # Tuesdays


def _fmt(day: dt.date) -> str:
    return day.isoformat()


# ----------------------------------------------------------------------------------------------------------------
# English helpers
# ----------------------------------------------------------------------------------------------------------------

_VOWEL_LETTER_SOUND = set("AEFHILMNORSX")


def _a(phrase: str) -> str:
    """Phrase with its indefinite article ("a", "an"), unless it already has one."""
    first = phrase.split(" ", 1)[0]
    if first.lower() in ("a", "an", "the"):
        return phrase
    head = first.split("-", 1)[0].split("/", 1)[0]
    if head[:1].isdigit():
        article = "an" if head[:1] == "8" else "a"
    elif head.isupper() or head[1:2].isupper():  # acronym or single letter: read as letter names
        article = "an" if head[0].upper() in _VOWEL_LETTER_SOUND else "a"
    elif head.lower().startswith(("uni", "use", "one", "eu")):
        article = "a"
    elif head.lower().startswith(("hour", "honest")):
        article = "an"
    else:
        article = "an" if head[:1].lower() in "aeiou" else "a"
    return f"{article} {phrase}"


def _bare(phrase: str) -> str:
    """Phrase without a leading article."""
    for article in ("a ", "an ", "the "):
        if phrase.startswith(article):
            return phrase[len(article):]
    return phrase


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _join_en(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _join_zh(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


# ----------------------------------------------------------------------------------------------------------------
# Working structures
# ----------------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Team:
    org: str
    node: str
    members: list[str]  # Chinese names (or English names for foreign companies)
    favourite_topic: int  # index into the node's topics: a team keeps working on the same things
    favourite_product: int
    patents: int = 0


@dataclass(eq=False)
class _Claim:
    subject_zh: str
    subject_en: str
    independent: bool
    features_zh: list[str]
    features_en: list[str]
    ref: _Claim | None = None
    preamble_zh: str | None = None  # an independent claim that refers to another (…如权利要求1所述的…)
    preamble_en: str | None = None
    template_zh: str | None = None  # a free-form claim (use, pharmaceutical composition); "{ref}" = referred claim
    template_en: str | None = None


@dataclass(eq=False)
class _Structure:
    """How a product of one topic is described: claim features, dependent features and abstract wording."""

    focus: Term = ("", "")
    features_zh: list[str] = field(default_factory=list)
    features_en: list[str] = field(default_factory=list)
    dependents: list[tuple[str, str]] = field(default_factory=list)
    utility_dependents: list[tuple[str, str]] = field(default_factory=list)
    extra_claims: list[tuple[str, str]] = field(default_factory=list)
    abstract_zh: str = ""
    abstract_en: str = ""
    abstract_en_inline: str = ""


@dataclass(eq=False)
class _Content:
    chain: Chain
    node: Node
    doc_type: str
    title_zh: str = ""
    title_en: str = ""
    abstract_zh: str = ""
    abstract_en: str = ""
    claims: list[_Claim] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    locarno: str | None = None


@dataclass(eq=False)
class _Family:
    index: int
    jurisdiction: str  # CN | US
    doc_type: str  # invention | utility_model | design
    chain: str
    node: str
    orgs: list[str]  # applicant organisation keys, first is the lead
    filing: dt.date
    pub_a: dt.date | None = None  # CN A / US A1
    grant: dt.date | None = None  # CN B, U, S / US B
    decision: str = "pending"  # granted | rejected | withdrawn | pending
    decision_date: dt.date | None = None
    parent: _Family | None = None  # the CN family a US family claims priority from
    fitness: float = 1.0
    cited: int = 0
    # filled later
    family_id: str = ""
    application_number: str = ""
    serial_a: str | None = None
    number_a: str | None = None
    number_b: str | None = None
    kind_b: str | None = None
    content: _Content | None = None
    printed_applicants: list[PartyMention] = field(default_factory=list)
    inventors: list[PartyMention] = field(default_factory=list)
    agent: PartyMention | None = None
    first_applicant: str = ""

    @property
    def record_count(self) -> int:
        return int(self.pub_a is not None) + int(self.grant is not None)

    def first_publication(self) -> dt.date | None:
        dates = [d for d in (self.pub_a, self.grant) if d is not None]
        return min(dates) if dates else None


# ----------------------------------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------------------------------


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.teams: dict[tuple[str, str], list[_Team]] = {}
        self.all_names: list[tuple[str, str]] = []  # (name, org) of every inventor created, for homonyms
        self.pinyin = {c: p for c, p in GIVEN_CHARS}
        self.surname_pinyin = {s: p for s, p, _ in SURNAMES}
        self.surnames = [s for s, _, _ in SURNAMES]
        self.surname_weights = list(_cumulative([w for _, _, w in SURNAMES]))
        self.given_chars = [c for c, _ in GIVEN_CHARS]
        self.addresses = _addresses()
        self.cn_orgs = [o for o in ORGANISATIONS if o.kind != "foreign"]
        self.foreign_orgs = [o for o in ORGANISATIONS if o.kind == "foreign"]
        self.org_index = {o.key: i for i, o in enumerate(ORGANISATIONS)}
        self.app_serials: dict[tuple[int, str], int] = {}
        self.pub_counters: Counter = Counter()
        self.registration_counters: Counter = Counter()
        self.candidates: dict[tuple[str, str, int], tuple[list[Organisation], list[float]]] = {}

    # -- planning -------------------------------------------------------------------------------------------------

    def plan(self, size: int) -> list[_Family]:
        families: list[_Family] = []
        total = en = 0
        attempts = 0
        while total < size:
            attempts += 1
            if attempts > size * 50:
                raise RuntimeError("demo generator could not fill the requested size")
            share = en / total if total else EN_SHARE
            p_us = min(0.6, max(0.03, 0.2 + (EN_SHARE - share) * 3))
            if self.rng.random() < p_us:
                family = self._plan_foreign(len(families))
                new = [family]
            else:
                family = self._plan_cn(len(families))
                new = [family]
                lead = ORG_BY_KEY[family.orgs[0]]
                if family.doc_type == "invention" and family.record_count and self.rng.random() < lead.abroad * 4:
                    counterpart = self._plan_counterpart(len(families) + 1, family)
                    if counterpart.record_count:
                        new.append(counterpart)
            for item in new:
                count = item.record_count
                if count == 0 or total + count > size:
                    continue
                families.append(item)
                total += count
                if item.jurisdiction == "US":
                    en += count
        families.sort(key=lambda f: (f.filing, f.index))
        return families

    def _year(self, growth: float) -> int:
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        weights = [growth ** (y - FIRST_YEAR) for y in years]
        return self.rng.choices(years, weights=weights)[0]

    def _filing_date(self, year: int) -> dt.date:
        start = dt.date(year, 1, 2)
        end = min(dt.date(year, 12, 30), DEMO_CUTOFF - dt.timedelta(days=30))
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _pick_node(self, chain: Chain, allowed: tuple[str, ...] = ()) -> Node:
        nodes = [n for n in chain.nodes if not allowed or n.key in allowed] or list(chain.nodes)
        return self.rng.choices(nodes, weights=[n.weight for n in nodes])[0]

    def _plan_cn(self, index: int) -> _Family:
        rng = self.rng
        year = self._year(1.16)
        chain = rng.choices(CHAINS, weights=[c.weight for c in CHAINS])[0]
        node = self._pick_node(chain)
        cache_key = (chain.key, node.key, year)
        if cache_key not in self.candidates:
            candidates = [
                o
                for o in self.cn_orgs
                if chain.key in o.chains and o.founded <= year and (not o.nodes or node.key in o.nodes)
            ]
            if not candidates:
                candidates = [o for o in self.cn_orgs if o.kind == "university" and chain.key in o.chains]
            self.candidates[cache_key] = (candidates, list(_cumulative([self._node_weight(o, chain) for o in candidates])))
        candidates, cum_weights = self.candidates[cache_key]
        lead = rng.choices(candidates, cum_weights=cum_weights)[0]
        orgs = [lead.key] + self._co_applicants(lead, chain.key, node.key, year)
        mix = _CN_TYPE_MIX[lead.kind]
        if lead.um_share is not None:
            mix = (1 - lead.um_share - 0.02, lead.um_share, 0.02)
        doc_type = rng.choices(("invention", "utility_model", "design"), weights=mix)[0]
        if doc_type == "design" and not node.designs:
            doc_type = "utility_model"
        if doc_type == "utility_model" and not any(t.form in UTILITY_MODEL_FORMS for t in node.topics):
            doc_type = "invention"  # utility models protect structures only
        family = _Family(index, "CN", doc_type, chain.key, node.key, orgs, self._filing_date(year))
        self._cn_timeline(family, lead.kind)
        family.fitness = self._fitness(family, lead.kind)
        return family

    def _node_weight(self, org: Organisation, chain: Chain) -> float:
        """An organisation's weight on one node of a chain: its chain volume spread over the nodes it works on."""
        if not org.nodes:
            return org.chains[chain.key]
        total = sum(n.weight for n in chain.nodes)
        share = sum(n.weight for n in chain.nodes if n.key in org.nodes) / total
        return org.chains[chain.key] / max(share, 1e-6)

    def _co_applicants(self, lead: Organisation, chain: str, node: str, year: int) -> list[str]:
        rng = self.rng

        def pool(kinds: tuple[str, ...], exclude: set[str]) -> list[Organisation]:
            return [
                o
                for o in self.cn_orgs
                if o.kind in kinds
                and o.key not in exclude
                and chain in o.chains
                and o.founded <= year
                and (not o.nodes or node in o.nodes)
            ]

        def pick(kinds: tuple[str, ...], exclude: set[str]) -> str | None:
            options = pool(kinds, exclude)
            if not options:
                return None
            return rng.choices(options, weights=[o.chains[chain] for o in options])[0].key

        r = rng.random()
        partner: str | None = None
        taken = {lead.key}
        if lead.kind == "university":
            if r < 0.16:
                partner = pick(("enterprise", "soe"), taken)
            elif r < 0.21:
                partner = pick(("university", "institute"), taken)
        elif lead.kind == "institute":
            if r < 0.14:
                partner = pick(("enterprise", "soe"), taken)
            elif r < 0.18:
                partner = pick(("university",), taken)
        elif lead.kind == "soe":
            related = [o.key for o in self.cn_orgs if (o.parent == lead.key or lead.parent == o.key) and o.founded <= year]
            if r < 0.14 and related:
                partner = rng.choice(related)
            elif r < 0.22:
                partner = pick(("university", "institute"), taken)
        elif lead.kind == "enterprise":
            if lead.spinoff_of and r < 0.25:
                partner = lead.spinoff_of
            elif r < 0.09:
                partner = pick(("university", "institute"), taken)
            elif r < 0.12:
                partner = pick(("enterprise",), taken)
        elif lead.kind == "hospital":
            if r < 0.35:
                partner = rng.choice(["qlmu", "qlu"])
        elif lead.kind == "individual":
            if r < 0.15:
                partner = pick(("enterprise",), taken)
        out = [partner] if partner else []
        if out and rng.random() < 0.06:
            third = pick(("enterprise", "institute", "university"), taken | set(out))
            if third:
                out.append(third)
        return out

    def _fitness(self, family: _Family, kind: str) -> float:
        rng = self.rng
        if rng.random() < 0.04:
            value = rng.uniform(8.0, 20.0)  # key patents of their node
        else:
            value = rng.paretovariate(2.0)
        if family.doc_type == "utility_model":
            value *= 0.4
        if kind in ("university", "institute", "soe", "foreign"):
            value *= 1.3
        return value

    def _cn_timeline(self, family: _Family, kind: str) -> None:
        rng = self.rng
        filing = family.filing
        if family.doc_type == "utility_model":
            grant = _cn_gazette(filing + dt.timedelta(days=rng.randint(170, 380)))
            if grant <= DEMO_CUTOFF:
                family.grant, family.decision, family.decision_date = grant, "granted", grant
            return
        if family.doc_type == "design":
            grant = _cn_gazette(filing + dt.timedelta(days=rng.randint(110, 300)))
            if grant <= DEMO_CUTOFF:
                family.grant, family.decision, family.decision_date = grant, "granted", grant
            return
        if rng.random() < 0.3:  # early publication on request
            pub = filing + dt.timedelta(days=rng.randint(100, 300))
        else:
            pub = add_months(filing, 18) + dt.timedelta(days=rng.randint(0, 10))
        pub = _cn_gazette(pub)
        if pub > DEMO_CUTOFF:
            return
        family.pub_a = pub
        grant_rate = _GRANT_RATE_CN[kind]
        r = rng.random()
        if r < grant_rate:
            decision = filing + dt.timedelta(days=rng.randint(730, 1460))
            decision = _cn_gazette(max(decision, pub + dt.timedelta(days=56)))
            outcome = "granted"
        elif r < grant_rate + (1 - grant_rate) * 0.45:
            decision = max(filing + dt.timedelta(days=rng.randint(900, 1640)), pub + dt.timedelta(days=90))
            outcome = "rejected"
        else:
            decision = max(filing + dt.timedelta(days=rng.randint(640, 1200)), pub + dt.timedelta(days=60))
            outcome = "withdrawn"
        if decision <= DEMO_CUTOFF:
            family.decision, family.decision_date = outcome, decision
            if outcome == "granted":
                family.grant = decision

    def _plan_foreign(self, index: int) -> _Family:
        rng = self.rng
        lead = rng.choices(self.foreign_orgs, weights=[sum(o.chains.values()) for o in self.foreign_orgs])[0]
        chain_key = rng.choices(list(lead.chains), weights=list(lead.chains.values()))[0]
        node = self._pick_node(CHAIN_BY_KEY[chain_key])
        year = self._year(1.07)
        family = _Family(index, "US", "invention", chain_key, node.key, [lead.key], self._filing_date(year))
        self._us_timeline(family, priority=family.filing, grant_rate=0.72)
        family.fitness = self._fitness(family, "foreign")
        return family

    def _plan_counterpart(self, index: int, parent: _Family) -> _Family:
        orgs = [k for k in parent.orgs if ORG_BY_KEY[k].name_en]
        filing = parent.filing + dt.timedelta(days=self.rng.randint(300, 364))
        family = _Family(index, "US", "invention", parent.chain, parent.node, orgs, filing, parent=parent)
        if filing > DEMO_CUTOFF or not orgs:
            return family
        self._us_timeline(family, priority=parent.filing, grant_rate=0.6)
        family.fitness = parent.fitness
        return family

    def _us_timeline(self, family: _Family, priority: dt.date, grant_rate: float) -> None:
        rng = self.rng
        filing = family.filing
        published = rng.random() >= 0.08  # a few applicants ask for non-publication
        pub = _us_pgpub(max(add_months(priority, 18), filing + dt.timedelta(days=60)) + dt.timedelta(days=rng.randint(0, 14)))
        if published and pub <= DEMO_CUTOFF:
            family.pub_a = pub
        r = rng.random()
        if r < grant_rate:
            decision = filing + dt.timedelta(days=rng.randint(640, 1460))
            if family.pub_a:
                decision = max(decision, family.pub_a + dt.timedelta(days=60))
            decision = _us_grant(decision)
            outcome = "granted"
        else:
            decision = filing + dt.timedelta(days=rng.randint(700, 1300))
            if family.pub_a:
                decision = max(decision, family.pub_a + dt.timedelta(days=60))
            outcome = "withdrawn"  # abandoned
        if decision <= DEMO_CUTOFF:
            family.decision, family.decision_date = outcome, decision
            if outcome == "granted":
                family.grant = decision

    # -- numbers --------------------------------------------------------------------------------------------------

    def assign_numbers(self, families: list[_Family]) -> None:
        for position, family in enumerate(families, start=1):
            family.family_id = family.parent.family_id if family.parent else f"LXDEMO-F{position:06d}"
            if family.jurisdiction == "CN":
                self._cn_numbers(family)
            else:
                self._us_numbers(family)

    def _cn_numbers(self, family: _Family) -> None:
        year, type_digit = family.filing.year, _KIND_TYPE_DIGIT[family.doc_type]
        serial = self.app_serials.get((year, type_digit), 9_000_000 + self.rng.randint(0, 4000))
        serial += self.rng.randint(1, 37)
        self.app_serials[(year, type_digit)] = serial
        digits = f"{year}{type_digit}{serial:07d}"
        family.application_number = f"CN{digits}.{cn_check_digit(digits)}"
        if family.doc_type == "invention":
            family.serial_a = self._cn_serial(type_digit, family.pub_a)
            family.number_a = f"CN{family.serial_a}A"
            if family.grant:
                family.number_b, family.kind_b = f"CN{family.serial_a}B", "B"
        else:
            kind = "U" if family.doc_type == "utility_model" else "S"
            family.number_b, family.kind_b = f"CN{self._cn_serial(type_digit, family.grant)}{kind}", kind

    def _cn_serial(self, type_digit: str, day: dt.date) -> str:
        days = (day - _EPOCH).days
        self.pub_counters[("CN", type_digit, days)] += 1
        counter = self.pub_counters[("CN", type_digit, days)]
        return f"9{type_digit}{days:04d}{counter:03d}"

    def _us_numbers(self, family: _Family) -> None:
        self.app_serials[("US", "99")] = self.app_serials.get(("US", "99"), 900_000) + self.rng.randint(1, 29)
        family.application_number = f"US99{self.app_serials[('US', '99')]:06d}"
        if family.pub_a:
            day = family.pub_a
            self.pub_counters[("US", "A", day)] += 1
            doy = day.timetuple().tm_yday
            family.number_a = f"US{day.year}09{doy:03d}{self.pub_counters[('US', 'A', day)]:02d}A1"
        if family.grant:
            days = (family.grant - _EPOCH).days
            self.pub_counters[("US", "B", days)] += 1
            family.kind_b = "B2" if family.pub_a else "B1"
            family.number_b = f"US19{days:04d}{self.pub_counters[('US', 'B', days)]:02d}{family.kind_b}"

    # -- people ---------------------------------------------------------------------------------------------------

    def _chinese_name(self) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        if rng.random() < 0.33:
            given = rng.choice(self.given_chars)
        else:
            first = rng.choice(self.given_chars)
            second = rng.choice(self.given_chars)
            while second == first:
                second = rng.choice(self.given_chars)
            given = first + second
        return surname + given

    def pinyin_name(self, name: str) -> str:
        for length in (2, 1):
            surname = name[:length]
            if surname in self.surname_pinyin and (length == 1 or len(name) > 2):
                given = "".join(self.pinyin.get(c, "") for c in name[length:])
                return f"{_cap(given)} {_cap(self.surname_pinyin[surname])}"
        return name

    def _new_member(self, org: Organisation) -> str:
        rng = self.rng
        if org.kind == "foreign":
            country = org.country if org.country in FOREIGN_FIRST else "US"
            return f"{rng.choice(FOREIGN_FIRST[country])} {rng.choice(FOREIGN_LAST[country])}"
        if self.all_names and rng.random() < 0.03:
            # a deliberate homonym: the same name at another organisation (a different person)
            name, other = rng.choice(self.all_names)
            if other != org.key:
                return name
        name = self._chinese_name()
        self.all_names.append((name, org.key))
        return name

    def _team(self, org: Organisation, node: Node) -> _Team:
        rng = self.rng
        teams = self.teams.setdefault((org.key, node.key), [])
        max_teams = 3 if org.kind in ("university", "soe") else 2 if org.kind == "institute" else 1
        if not teams or (len(teams) < max_teams and teams[-1].patents >= 12 and rng.random() < 0.15):
            low, high = _TEAM_SIZE[org.kind]
            members: list[str] = []
            if org.kind == "individual":
                members.append(org.name)
            if org.spinoff_of:  # the founder comes from the university team of the same chain
                founders = [t for (k, n), ts in self.teams.items() if k == org.spinoff_of for t in ts
                            if CHAIN_OF_NODE[n] == CHAIN_OF_NODE[node.key]]
                if founders:
                    members.append(founders[0].members[0])
            target = rng.randint(low, high)
            while len(members) < target:
                candidate = self._new_member(org)
                if candidate not in members:
                    members.append(candidate)
            if not members:
                members.append(self._new_member(org))
            teams.append(_Team(org.key, node.key, members, rng.randrange(len(node.topics)), rng.randrange(6)))
        return rng.choices(teams, weights=[1 + t.patents ** 0.5 for t in teams])[0]

    def _inventors(self, family: _Family, node: Node) -> tuple[list[str], _Team]:
        rng = self.rng
        lead = ORG_BY_KEY[family.orgs[0]]
        team = self._team(lead, node)
        team.patents += 1
        if lead.kind not in ("individual",) and len(team.members) < 12 and rng.random() < 0.12:
            newcomer = self._new_member(lead)
            if newcomer not in team.members:
                team.members.append(newcomer)
        weights = _INVENTOR_COUNT[lead.kind]
        count = rng.choices(range(1, 7), weights=weights)[0]
        count = min(count, len(team.members))
        if rng.random() < 0.8:
            chosen = [team.members[0]] + rng.sample(team.members[1:], count - 1)
        else:
            chosen = rng.sample(team.members, count)
        for partner_key in family.orgs[1:]:
            partner = ORG_BY_KEY[partner_key]
            if partner.kind != "individual" and rng.random() < 0.6 and len(chosen) < 6:
                partner_team = self._team(partner, node)
                extra = [m for m in rng.sample(partner_team.members, min(2, len(partner_team.members))) if m not in chosen]
                chosen.extend(extra[: 6 - len(chosen)])
        return chosen, team

    # -- content --------------------------------------------------------------------------------------------------

    def _param(self, topic: Topic, avoid: str | None = None) -> tuple[str, str]:
        """A rendered numeric feature; `avoid` (a rendered one) asks for a different parameter."""
        rng = self.rng
        options = [p for p in topic.params if avoid is None or not avoid.startswith(p.zh.split("{")[0])]
        param = rng.choice(options or topic.params)
        low, high = param.low, param.high
        span = high - low
        integer = float(low).is_integer() and float(high).is_integer()
        lo = low + span * rng.uniform(0.0, 0.4)
        hi = low + span * rng.uniform(0.6, 1.0)
        if integer:
            step = 10 if span >= 500 else 5 if span >= 100 else 1
            lo_s, hi_s = str(int(round(lo / step) * step)), str(int(round(hi / step) * step))
            if lo_s == hi_s:
                lo_s, hi_s = str(int(low)), str(int(high))
        else:
            digits = 2 if span < 1 else 1
            lo_s, hi_s = f"{lo:.{digits}f}", f"{hi:.{digits}f}"
            if lo_s == hi_s:
                lo_s, hi_s = f"{low:.{digits}f}", f"{high:.{digits}f}"
        return param.zh.format(lo=lo_s, hi=hi_s), param.en.format(lo=lo_s, hi=hi_s)

    def _amount(self, low: float, high: float, digits: int = 1) -> tuple[str, str]:
        """A range inside [low, high], e.g. ("0.5", "2.5")."""
        rng = self.rng
        a = rng.uniform(low, low + (high - low) * 0.45)
        b = rng.uniform(low + (high - low) * 0.55, high)
        fmt = (lambda v: f"{v:.{digits}f}") if digits else (lambda v: str(int(round(v))))
        return fmt(a), fmt(b)

    def _topics_for(self, node: Node, doc_type: str) -> list[Topic]:
        if doc_type == "utility_model":
            return [t for t in node.topics if t.form in UTILITY_MODEL_FORMS]
        return list(node.topics)

    def compose(self, family: _Family, team: _Team | None) -> _Content:
        rng = self.rng
        chain, node = CHAIN_BY_KEY[family.chain], NODE_BY_KEY[family.node]
        content = _Content(chain, node, family.doc_type)
        if family.doc_type == "design":
            self._compose_design(content)
            return content
        topics = self._topics_for(node, family.doc_type)
        favourite = node.topics[team.favourite_topic] if team else None
        if favourite is not None and favourite in topics and rng.random() < 0.6:
            topic = favourite
            product = topic.products[team.favourite_product % len(topic.products)]
        else:
            topic = rng.choice(topics)
            product = rng.choice(topic.products)
        content.ipc = self._ipc(chain, node, topic)
        form = topic.form
        utility = family.doc_type == "utility_model"
        methods = topic.methods or node.methods
        method = rng.choice(methods)

        # style of the title (what is claimed)
        if utility:
            style = "component" if form in ("layer", "assembly") and rng.random() < 0.35 else "product"
        elif form in ("layer", "assembly"):
            style = rng.choices(("product", "product_method", "method", "component"), weights=(0.3, 0.3, 0.25, 0.15))[0]
        elif form == "system":
            style = rng.choices(("product", "product_method", "method", "system_method"), weights=(0.3, 0.15, 0.3, 0.25))[0]
        elif form == "material":
            style = rng.choices(("product", "product_method", "method"), weights=(0.25, 0.25, 0.5))[0]
        elif form in ("compound", "biologic"):
            style = rng.choices(("product", "product_method", "product_use"), weights=(0.35, 0.35, 0.3))[0]
        else:  # coating, composition, alloy, kit
            style = rng.choices(("product", "product_method", "method"), weights=(0.35, 0.4, 0.25))[0]
        adjective = None
        if form in ("layer", "assembly", "system", "coating", "composition") and rng.random() < 0.35:
            adjective = rng.choice(chain.adjectives)

        # the claimed subject matter
        pz, pe = product
        adj_pz = (adjective[0] if adjective else "") + pz
        adj_pe = (adjective[1] + " " if adjective else "") + pe
        structure = self._structure(topic, product, utility)
        focus = structure.focus
        if style == "product":
            title_zh, title_en = f"一种{adj_pz}", _cap(adj_pe)
            core_zh, core_en = adj_pz, _a(adj_pe)
        elif style == "product_method":
            if form in ("compound", "biologic"):
                title_zh, title_en = f"一种{pz}及其制备方法和应用", f"{_cap(pe)} and preparation method and use thereof"
                core_zh, core_en = f"{pz}及其制备方法和应用", f"{_a(pe)} and a preparation method and use thereof"
            else:
                title_zh, title_en = f"一种{adj_pz}及其{method[0]}", f"{_cap(adj_pe)} and {method[1]} thereof"
                core_zh, core_en = f"{adj_pz}及其{method[0]}", f"{_a(adj_pe)} and {_a(method[1])} thereof"
        elif style == "product_use":
            title_zh, title_en = f"一种{pz}及其应用", f"{_cap(pe)} and use thereof"
            core_zh, core_en = f"{pz}及其应用", f"{_a(pe)} and use thereof"
        elif style == "method":
            title_zh, title_en = f"一种{pz}的{method[0]}", f"{_cap(method[1])} for {_a(pe)}"
            core_zh, core_en = f"{pz}的{method[0]}", f"{_a(method[1])} for {_a(pe)}"
        elif style == "system_method":
            material = rng.choice(topic.materials)
            title_zh = f"一种基于{material[0]}的{pz}{method[0]}"
            title_en = f"{_cap(method[1])} for {_a(pe)} based on {_bare(material[1])}"
            core_zh, core_en = f"基于{material[0]}的{pz}{method[0]}", f"{_a(method[1])} for {_a(pe)} based on {material[1]}"
        else:  # component: the title names the improved part and the product that has it
            title_zh, title_en = f"一种{focus[0]}及具有其的{pz}", f"{_cap(focus[1])} and {pe} having the same"
            core_zh, core_en = f"{focus[0]}及具有其的{pz}", f"{_a(focus[1])} and {_a(pe)} having the same"
        content.title_zh, content.title_en = title_zh, title_en

        has_structure = style in ("product", "product_method", "component", "product_use")
        has_method = style in ("product_method", "method", "system_method") and not (
            form in ("compound", "biologic") and style == "product_method" and rng.random() < 0.3
        )
        k = rng.choice((3, 3, 4)) if len(topic.steps) >= 4 else min(3, len(topic.steps))
        step_idx = sorted(rng.sample(range(len(topic.steps)), k))
        steps = [topic.steps[i] for i in step_idx]
        problem = rng.choice(topic.problems)
        effects = rng.sample(topic.effects, 2) + ([rng.choice(GENERIC_EFFECTS)] if rng.random() < 0.25 else [])
        use = rng.choice(topic.uses) if topic.uses else None
        param_zh, param_en = self._param(topic)

        # abstract
        subject = "本实用新型" if utility else "本发明"
        if rng.random() < 0.3:
            lead_zh = f"{subject}涉及{chain.field_zh}技术领域，具体涉及一种{core_zh}"
        else:
            lead_zh = f"{subject}公开了一种{core_zh}"
        body_zh = ""
        if has_structure:
            body_zh += "，" + structure.abstract_zh
        if has_method:
            steps_zh = "；".join(s[0] for s in steps)
            body_zh += (f"；所述{method[0]}包括以下步骤：{steps_zh}" if has_structure else f"，包括以下步骤：{steps_zh}")
        if use is not None:
            body_zh += f"，可用于制备{use[0]}的药物"
        optional_zh = f"，其中{param_zh}" if rng.random() < 0.5 else ""
        closing_zh = f"。{subject}解决了现有技术中{problem[0]}的问题，{'，'.join(e[0] for e in effects)}。"
        abstract_zh = lead_zh + body_zh + optional_zh + closing_zh
        if len(abstract_zh) > 300 and optional_zh:
            optional_zh = ""
            abstract_zh = lead_zh + body_zh + closing_zh
        if len(abstract_zh) > 300:
            closing_zh = f"。{subject}{'，'.join(e[0] for e in effects[:2])}。"
            abstract_zh = lead_zh + body_zh + closing_zh
        if len(abstract_zh) > 300:
            abstract_zh = abstract_zh[:298].rstrip("，；、") + "。"
        if len(abstract_zh) < 100:
            extra = "结构简单，成本低廉" if utility or form in ("layer", "assembly") else "工艺简单，易于实现"
            abstract_zh = abstract_zh[:-1] + f"，且{extra}，便于推广应用。"
        if len(abstract_zh) < 100:
            abstract_zh = abstract_zh[:-1] + f"，在{chain.field_zh}领域具有广阔的应用前景。"
        content.abstract_zh = abstract_zh

        foreign = ORG_BY_KEY[family.orgs[0]].kind == "foreign"
        plural = " and " in _bare(core_en).split(" for ")[0] and style in ("product_method", "component")
        if foreign:
            sentences = [f"{_cap(core_en)} {'are' if plural else 'is'} provided."]
            if has_structure:
                sentences.append(_cap(structure.abstract_en) + ".")
            if has_method:
                sentences.append(f"The method includes {'; '.join(s[1] for s in steps)}.")
            if use is not None:
                sentences.append(f"It can be used in the manufacture of a medicament for {use[1]}.")
            sentences.append(f"This addresses {problem[1]}. It {_join_en([e[1] for e in effects])}.")
        else:
            first = f"The invention discloses {core_en}"
            if has_structure:
                first += ", " + structure.abstract_en_inline
            sentences = [first + "."]
            if has_method:
                sentences.append(f"The method comprises the following steps: {'; '.join(s[1] for s in steps)}.")
            if use is not None:
                sentences.append(f"The {_bare(pe)} can be used to prepare a medicament for {use[1]}.")
            if optional_zh:
                sentences.append(_cap(param_en) + ".")
            sentences.append(
                f"The invention solves the problem of {problem[1]} in the prior art, and {_join_en([e[1] for e in effects])}."
            )
        content.abstract_en = " ".join(sentences)

        # claims
        target = rng.randint(3, 8 if utility else 10)
        claims: list[_Claim] = []
        if has_structure:
            subj_zh, subj_en = (pz, pe) if style == "component" else (adj_pz, adj_pe)
            main = _Claim(subj_zh, subj_en, True, list(structure.features_zh), list(structure.features_en))
            claims.append(main)
            dependents = [(param_zh, param_en)] + structure.dependents
            if utility:
                dependents += structure.utility_dependents
            if len(topic.params) > 1:
                dependents.append(self._param(topic, avoid=param_zh))
            budget = max(1, target - 1 - (3 if has_method else 0) - len(structure.extra_claims))
            for feature_zh, feature_en in dependents[:budget]:
                ref = main if rng.random() < 0.7 or len(claims) == 1 else rng.choice(claims)
                claims.append(_Claim(subj_zh, subj_en, False, [feature_zh], [feature_en], ref=ref))
        if has_method:
            step_zh = [f"S{i}、{s[0]}" for i, s in enumerate(steps, start=1)]
            step_en = [f"S{i}, {s[1]}" for i, s in enumerate(steps, start=1)]
            if has_structure:
                method_claim = _Claim(
                    f"{pz}的{method[0]}", f"{method[1]} of the {pe}", True,
                    ["包括以下步骤：" + "；".join(step_zh)], ["comprising the following steps: " + "; ".join(step_en)],
                    preamble_zh=f"一种如权利要求1所述的{pz}的{method[0]}",
                    preamble_en=f"A {method[1]} of the {pe} according to claim 1",
                )
            else:
                method_claim = _Claim(
                    core_zh, _bare(core_en), True,
                    ["包括以下步骤：" + "；".join(step_zh)], ["comprising the following steps: " + "; ".join(step_en)],
                )
            claims.append(method_claim)
            unused = [s for s in topic.steps if s not in steps]
            method_dependents = [(f"步骤S2中，{param_zh}", f"in step S2, {param_en}")]
            if unused:
                further = rng.choice(unused)
                method_dependents.append(
                    (f"步骤S{len(steps)}之后还包括：{further[0]}", f"after step S{len(steps)}, the method further comprises {further[1]}")
                )
            if len(topic.params) > 1:
                param2_zh, param2_en = self._param(topic, avoid=param_zh)
                method_dependents.append((f"步骤S1中，{param2_zh}", f"in step S1, {param2_en}"))
            if form == "system":
                technique = rng.choice(topic.materials)
                j = rng.randint(2, len(steps))
                method_dependents.append((f"步骤S{j}中，采用{technique[0]}", f"in step S{j}, {_bare(technique[1])} is used"))
                method_dependents.append(("还包括将处理结果存储并上传至服务器的步骤", "the method further comprises storing the results and uploading them to a server"))
            else:
                method_dependents.append(("还包括对所得产品进行性能检测的步骤", "the method further comprises testing the performance of the obtained product"))
            if topic.pairs:
                part, material = rng.choice(topic.pairs)
                made = "制成" if form in ("layer", "assembly") else "形成"
                made_en = "is made of" if form in ("layer", "assembly") else "is formed of"
                method_dependents.append((f"所述{part[0]}采用{material[0]}{made}", f"the {part[1]} {made_en} {material[1]}"))
            for feature_zh, feature_en in method_dependents[: max(2, target - len(claims) - len(structure.extra_claims))]:
                claims.append(_Claim(method_claim.subject_zh, method_claim.subject_en, False, [feature_zh], [feature_en], ref=method_claim))
        if has_structure and claims:
            for template_zh, template_en in structure.extra_claims:
                claims.append(_Claim(pz, pe, True, [], [], ref=claims[0], template_zh=template_zh, template_en=template_en))
        if not claims:  # e.g. a system_method title on a system topic
            claims.append(_Claim(core_zh, _bare(core_en), True, [structure.abstract_zh], [structure.abstract_en_inline]))
        while len(claims) < 3:  # a narrower, preferred range of a parameter
            head = claims[0] if claims[0].template_zh is None else next(c for c in claims if c.template_zh is None)
            feature_zh, feature_en = self._param(topic)
            claims.insert(1, _Claim(head.subject_zh, head.subject_en, False, [feature_zh], [feature_en], ref=head))
        content.claims = claims[:10]
        return content

    def _structure(self, topic: Topic, product: Term, utility: bool) -> _Structure:
        """Independent-claim features, dependent features and abstract wording for the topic's form."""
        rng = self.rng
        form = topic.form
        pz, pe = product
        out = _Structure()
        n_parts = 4 if len(topic.parts) >= 4 and rng.random() < 0.4 else 3
        if form in ("layer", "assembly", "system", "biologic"):
            pair = rng.choice(topic.pairs) if topic.pairs else None
            idx = set(rng.sample(range(len(topic.parts)), min(n_parts, len(topic.parts))))
            if pair is not None:
                idx.add(topic.parts.index(pair[0]))
                while len(idx) > n_parts:
                    removable = [i for i in idx if topic.parts[i] != pair[0]]
                    idx.discard(rng.choice(removable))
            parts = [topic.parts[i] for i in sorted(idx)]
            out.focus = pair[0] if pair is not None else parts[0]
            p1, p2, p3 = parts[0], parts[1], parts[2]
            names_zh, names_en = _join_zh([p[0] for p in parts]), _join_en([_a(p[1]) for p in parts])
            if form == "layer":
                relation_zh = f"所述{p2[0]}位于所述{p1[0]}与所述{p3[0]}之间"
                relation_en = f"the {p2[1]} is located between the {p1[1]} and the {p3[1]}"
                out.features_zh = [f"包括依次层叠设置的{names_zh}", relation_zh]
                out.features_en = [f"comprising {names_en} stacked in sequence", f"wherein {relation_en}"]
                out.abstract_zh = f"包括依次层叠设置的{names_zh}"
                out.abstract_en = f"it comprises {names_en} stacked in sequence"
                out.abstract_en_inline = f"comprising {names_en} stacked in sequence"
            elif form == "assembly":
                relation_zh = f"所述{p2[0]}设置于所述{p1[0]}上，所述{p3[0]}与所述{p2[0]}相连"
                relation_en = f"the {p2[1]} is arranged on the {p1[1]}, and the {p3[1]} is connected to the {p2[1]}"
                out.features_zh = [f"包括{names_zh}", relation_zh]
                out.features_en = [f"comprising {names_en}", f"wherein {relation_en}"]
                out.abstract_zh = f"包括{names_zh}，{relation_zh}"
                out.abstract_en = f"it comprises {names_en}; {relation_en}"
                out.abstract_en_inline = f"comprising {names_en}; {relation_en}"
            elif form == "system":
                technique = rng.choice(topic.materials)
                relation_zh = f"所述{p1[0]}与所述{p2[0]}连接，所述{p2[0]}与所述{p3[0]}通信连接"
                relation_en = f"the {p1[1]} is connected to the {p2[1]}, and the {p2[1]} communicates with the {p3[1]}"
                out.features_zh = [f"包括{names_zh}", relation_zh, f"所述{pz}采用{technique[0]}"]
                out.features_en = [f"comprising {names_en}", f"wherein {relation_en}", f"the {pe} uses {technique[1]}"]
                out.abstract_zh = f"包括{names_zh}，{relation_zh}，采用{technique[0]}"
                out.abstract_en = f"it comprises {names_en}; {relation_en}, and it uses {technique[1]}"
                out.abstract_en_inline = f"comprising {names_en}; {relation_en}, using {technique[1]}"
                others = [m for m in topic.materials if m != technique]
                if others:
                    other = rng.choice(others)
                    out.dependents.append((f"所述{pz}还采用{other[0]}", f"the {pe} further uses {other[1]}"))
            else:  # biologic: domains connected in sequence, identified by sequence listings
                seq = rng.randint(1, 12)
                relation_zh = f"所述{p1[0]}的氨基酸序列如SEQ ID NO:{seq}所示"
                relation_en = f"the amino acid sequence of the {p1[1]} is shown in SEQ ID NO: {seq}"
                out.features_zh = [f"包括依次连接的{names_zh}", relation_zh]
                out.features_en = [f"comprising {names_en} connected in sequence", f"wherein {relation_en}"]
                out.abstract_zh = f"包括依次连接的{names_zh}"
                out.abstract_en = f"it comprises {names_en} connected in sequence"
                out.abstract_en_inline = f"comprising {names_en} connected in sequence"
                out.dependents.append((f"所述{p2[0]}的氨基酸序列如SEQ ID NO:{seq + 1}所示", f"the amino acid sequence of the {p2[1]} is shown in SEQ ID NO: {seq + 1}"))
                out.dependents.append((f"所述{p3[0]}的编码核苷酸序列如SEQ ID NO:{seq + 2}所示", f"the {p3[1]} is encoded by the nucleotide sequence shown in SEQ ID NO: {seq + 2}"))
            if pair is not None and form in ("layer", "assembly"):
                clause_zh, clause_en = f"所述{pair[0][0]}采用{pair[1][0]}制成", f"the {pair[0][1]} is made of {pair[1][1]}"
                out.features_zh.append(clause_zh)
                out.features_en.append(clause_en)
                out.abstract_zh += f"，{clause_zh}" if form == "layer" else ""
                if form == "layer":
                    out.abstract_en += f"; {clause_en}"
                    out.abstract_en_inline += f"; {clause_en}"
                others = [p for p in topic.pairs if p != pair and p[0] in parts]
                if others:
                    other = rng.choice(others)
                    out.dependents.append((f"所述{other[0][0]}采用{other[1][0]}制成", f"the {other[0][1]} is made of {other[1][1]}"))
            elif form in ("layer", "assembly"):
                out.features_zh.append(f"所述{p1[0]}与所述{p3[0]}固定连接")
                out.features_en.append(f"the {p1[1]} is fixedly connected to the {p3[1]}")
            extra_parts = [p for p in topic.parts if p not in parts]
            if extra_parts and form in ("layer", "assembly"):
                p4 = rng.choice(extra_parts)
                if form == "layer":
                    out.dependents.append((f"所述{p3[0]}远离所述{p1[0]}的一侧还设有{p4[0]}", f"{_a(p4[1])} is further provided on a side of the {p3[1]} facing away from the {p1[1]}"))
                else:
                    out.dependents.append((f"还包括{p4[0]}，所述{p4[0]}与所述{p1[0]}连接", f"it further comprises {_a(p4[1])} connected to the {p1[1]}"))
            if form == "system" and extra_parts:
                p4 = rng.choice(extra_parts)
                out.dependents.append((f"还包括{p4[0]}，所述{p4[0]}与所述{p2[0]}连接", f"it further comprises {_a(p4[1])} connected to the {p2[1]}"))
            if form in ("assembly", "layer"):
                out.utility_dependents.append((f"所述{p2[0]}与所述{p1[0]}可拆卸连接", f"the {p2[1]} is detachably connected to the {p1[1]}"))
            if form == "biologic" and topic.uses:
                use = rng.choice(topic.uses)
                out.extra_claims.append((f"权利要求{{ref}}所述的{pz}在制备用于{use[0]}的药物中的应用。",
                                         f"Use of the {pe} according to claim {{ref}} in the manufacture of a medicament for {use[1]}."))
        elif form == "coating":
            core, coat = topic.parts[0], topic.parts[1]
            pairs = [p for p in topic.pairs if p[0] == coat] or list(topic.pairs)
            pair = rng.choice(pairs)
            out.focus = coat
            out.features_zh = [f"包括{core[0]}和包覆于所述{core[0]}表面的{coat[0]}", f"所述{pair[0][0]}由{pair[1][0]}形成"]
            out.features_en = [f"comprising {_a(core[1])} and {_a(coat[1])} covering a surface of the {core[1]}", f"wherein the {pair[0][1]} is formed of {pair[1][1]}"]
            out.abstract_zh = "，".join(out.features_zh)
            out.abstract_en = f"it comprises {_a(core[1])} and {_a(coat[1])} covering the {core[1]}, the {pair[0][1]} being formed of {pair[1][1]}"
            out.abstract_en_inline = f"comprising {_a(core[1])} and {_a(coat[1])} covering the {core[1]}, the {pair[0][1]} being formed of {pair[1][1]}"
            if len(topic.parts) > 2:
                mid = topic.parts[2]
                out.dependents.append((f"所述{core[0]}与所述{coat[0]}之间还设有{mid[0]}", f"{_a(mid[1])} is further provided between the {core[1]} and the {coat[1]}"))
            others = [p for p in topic.pairs if p != pair and p[0] != pair[0]]
            if others:
                other = rng.choice(others)
                out.dependents.append((f"所述{other[0][0]}由{other[1][0]}形成", f"the {other[0][1]} is formed of {other[1][1]}"))
        elif form in ("composition", "kit"):
            count = min(len(topic.materials), rng.choice((3, 3, 4)))
            if form == "composition":  # the first material of a composition topic is its base (resin, solvent…)
                chosen_idx = [0] + rng.sample(range(1, len(topic.materials)), count - 1)
            else:
                chosen_idx = rng.sample(range(len(topic.materials)), count)
            ingredients = [topic.materials[i] for i in sorted(chosen_idx)]
            out.focus = ingredients[0]
            if form == "composition":
                amounts = [("100", "100")] + [self._amount(0.1, 8.0) for _ in ingredients[1:]]
                parts_zh = [f"{m[0]}{a if a == b else f'{a}～{b}'}份" for m, (a, b) in zip(ingredients, amounts)]
                parts_en = [f"{a if a == b else f'{a} to {b}'} parts of {m[1]}" for m, (a, b) in zip(ingredients, amounts)]
                out.features_zh = [f"按质量份计，包括以下原料：{'、'.join(parts_zh)}"]
                out.features_en = [f"comprising, in parts by mass, {_join_en(parts_en)}"]
                out.abstract_zh = out.features_zh[0]
                out.abstract_en = f"it comprises, in parts by mass, {_join_en(parts_en)}"
                out.abstract_en_inline = out.features_en[0]
                rest = [m for m in topic.materials if m not in ingredients]
                if rest:
                    m = rng.choice(rest)
                    a, b = self._amount(0.1, 3.0)
                    out.dependents.append((f"还包括{m[0]}{a}～{b}份", f"it further comprises {a} to {b} parts of {m[1]}"))
                if topic.uses:
                    use = rng.choice(topic.uses)
                    out.extra_claims.append((f"权利要求{{ref}}所述的{pz}在制备用于{use[0]}的药物中的应用。",
                                             f"Use of the {pe} according to claim {{ref}} in the manufacture of a medicament for {use[1]}."))
            else:
                out.features_zh = [f"包括{_join_zh([m[0] for m in ingredients])}"]
                out.features_en = [f"comprising {_join_en([m[1] for m in ingredients])}"]
                out.abstract_zh = out.features_zh[0]
                out.abstract_en = f"it comprises {_join_en([m[1] for m in ingredients])}"
                out.abstract_en_inline = out.features_en[0]
                rest = [m for m in topic.materials if m not in ingredients]
                if rest:
                    m = rng.choice(rest)
                    out.dependents.append((f"还包括{m[0]}", f"it further comprises {m[1]}"))
        elif form == "alloy":
            count = min(len(topic.materials), rng.choice((3, 4, 5)))
            elements = [topic.materials[i] for i in sorted(rng.sample(range(len(topic.materials)), count))]
            ranges = [self._amount(0.5, 12.0) for _ in elements]
            base = topic.base or ("余量", "balance")
            parts_zh = [f"{e[0]}{a}～{b}%" for e, (a, b) in zip(elements, ranges)]
            parts_en = [f"{a} to {b}% of {e[1]}" for e, (a, b) in zip(elements, ranges)]
            out.focus = elements[0]
            out.features_zh = [f"按质量百分比计，包括以下组分：{'、'.join(parts_zh)}，余量为{base[0]}及不可避免的杂质"]
            out.features_en = [f"comprising, by mass percentage, {_join_en(parts_en)}, the balance being {base[1]} and unavoidable impurities"]
            out.abstract_zh = out.features_zh[0]
            out.abstract_en = "it comprises, by mass percentage, " + _join_en(parts_en) + f", the balance being {base[1]}"
            out.abstract_en_inline = out.features_en[0]
            i = rng.randrange(len(elements))
            a, b = ranges[i]
            lo, hi = float(a), float(b)
            na, nb = f"{lo + (hi - lo) * 0.25:.1f}", f"{lo + (hi - lo) * 0.75:.1f}"
            out.dependents.append((f"按质量百分比计，所述{elements[i][0]}的含量为{na}～{nb}%", f"the content of {elements[i][1]} is {na} to {nb}% by mass"))
        elif form == "material":
            m1, m2 = rng.sample(topic.materials, 2)
            steps = [topic.steps[i] for i in sorted(rng.sample(range(len(topic.steps)), 3))]
            out.focus = m1
            out.features_zh = [f"以{m1[0]}和{m2[0]}为原料，通过包括以下步骤的方法制备得到：{'；'.join(s[0] for s in steps)}"]
            out.features_en = [f"prepared from {m1[1]} and {m2[1]} by a method comprising: {'; '.join(s[1] for s in steps)}"]
            out.abstract_zh = f"以{m1[0]}和{m2[0]}为原料，经{_join_zh([s[0] for s in steps[:2]])}等步骤制得"
            out.abstract_en = f"it is prepared from {m1[1]} and {m2[1]} by {' and '.join(s[1] for s in steps[:2])}"
            out.abstract_en_inline = f"prepared from {m1[1]} and {m2[1]} by {' and '.join(s[1] for s in steps[:2])}"
        elif form == "compound":
            subs = list(topic.materials)
            r1 = rng.sample(subs, 3)
            r2 = rng.sample(subs, 3)
            out.focus = r1[0]
            out.features_zh = ["所述化合物具有式(I)所示结构或其药学上可接受的盐", f"式(I)中，R1选自{'、'.join(s[0] for s in r1[:2])}或{r1[2][0]}",
                               f"R2选自{'、'.join(s[0] for s in r2[:2])}或{r2[2][0]}"]
            out.features_en = ["having a structure shown in formula (I) or a pharmaceutically acceptable salt thereof",
                               f"wherein in formula (I), R1 is selected from {r1[0][1]}, {r1[1][1]} or {r1[2][1]}",
                               f"R2 is selected from {r2[0][1]}, {r2[1][1]} or {r2[2][1]}"]
            out.abstract_zh = "所述化合物具有式(I)所示结构"
            out.abstract_en = "the compound has the structure of formula (I)"
            out.abstract_en_inline = "having the structure of formula (I)"
            out.dependents.append((f"R1为{r1[0][0]}", f"R1 is {r1[0][1]}"))
            out.dependents.append((f"所述化合物选自化合物1至化合物{rng.randint(12, 86)}中的任意一种", "the compound is selected from the compounds listed in Table 1"))
            out.extra_claims.append(("一种药物组合物，其特征在于，包括权利要求{ref}所述的" + pz + "和药学上可接受的辅料。",
                                     "A pharmaceutical composition, comprising the " + pe + " according to claim {ref} and a pharmaceutically acceptable excipient."))
            if topic.uses:
                use = rng.choice(topic.uses)
                out.extra_claims.append((f"权利要求{{ref}}所述的{pz}在制备用于{use[0]}的药物中的应用。",
                                         f"Use of the {pe} according to claim {{ref}} in the manufacture of a medicament for {use[1]}."))
        return out

    def _compose_design(self, content: _Content) -> None:
        rng = self.rng
        item_zh, item_en, locarno = rng.choice(content.node.designs)
        content.locarno = locarno
        content.title_zh, content.title_en = item_zh, _cap(item_en)
        content.abstract_zh = (
            f"1．本外观设计产品的名称：{item_zh}。"
            f"2．本外观设计产品的用途：本外观设计产品用于{content.chain.field_zh}领域，作为{content.node.name}相关产品使用。"
            f"3．本外观设计产品的设计要点：在于形状{rng.choice(('', '与图案的结合', '与色彩的结合'))}。"
            f"4．最能表明设计要点的图片或照片：{rng.choice(('立体图1', '主视图', '立体图'))}。"
            f"5．省略视图：{rng.choice(('后视图与主视图对称，省略后视图', '仰视图为使用时不常见部位，省略仰视图', '左视图与右视图对称，省略左视图'))}。"
        )
        content.abstract_en = f"Ornamental design for {_a(item_en)}."

    def _ipc(self, chain: Chain, node: Node, topic: Topic) -> list[str]:
        rng = self.rng
        main = topic.ipc[0] if rng.random() < 0.5 else rng.choice(topic.ipc)
        codes = [main]
        extra = rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 1))[0]
        siblings = [n for n in chain.nodes if n.key != node.key]
        for _ in range(extra * 4):
            if len(codes) >= 1 + extra:
                break
            r = rng.random()
            if r < 0.7:
                pool = topic.ipc
            elif r < 0.9 or not siblings:
                pool = node.ipc
            else:
                pool = rng.choice(siblings).ipc
            code = rng.choice(pool)
            if code not in codes:
                codes.append(code)
        return codes

    # -- parties --------------------------------------------------------------------------------------------------

    def printed_name(self, org: Organisation, year: int, english: bool) -> str:
        rng = self.rng
        if english and org.kind != "foreign":
            if org.variants_en and rng.random() < 0.25:
                return rng.choice(org.variants_en)
            return org.name_en or org.name
        if org.kind == "foreign":
            if org.variants_en and rng.random() < 0.2:
                return rng.choice(org.variants_en)
            return org.name
        name = org.name_in(year)
        if org.variants and rng.random() < 0.12:
            return rng.choice(org.variants)
        return name

    def org_party(self, org: Organisation, role: str, sequence: int, year: int, english: bool) -> PartyMention:
        name = self.printed_name(org, year, english)
        if org.kind == "foreign":
            return PartyMention(role, name, sequence, country=org.country, state=org.state, city=org.city)
        city = CITY_BY_NAME[org.city]
        if english:
            return PartyMention(role, name, sequence, country="CN", state="Qingluan", city=city.name_en)
        return PartyMention(role, name, sequence, country="CN", state=DEMO_PROVINCE, city=org.city, address=self.addresses[org.key])

    def _agent(self, family: _Family) -> PartyMention | None:
        rng = self.rng
        lead = ORG_BY_KEY[family.orgs[0]]
        if family.jurisdiction == "US":
            name = US_AGENCIES[self.org_index[lead.key] % len(US_AGENCIES)]
            return PartyMention("agent", name, 1, country="US")
        if lead.kind == "individual" and rng.random() < 0.5:
            return None
        if rng.random() < 0.04:
            return None
        local = [a for a in CN_AGENCIES if a[1] == lead.city] or list(CN_AGENCIES)
        preferred = local[self.org_index[lead.key] % len(local)]
        agency = preferred if rng.random() < 0.85 else rng.choice(CN_AGENCIES)
        return PartyMention("agent", agency[0], 1, country="CN", state=DEMO_PROVINCE, city=agency[1])

    # -- legal life -----------------------------------------------------------------------------------------------

    def _registration(self, letter: str, day: dt.date) -> str:
        self.registration_counters[(letter, day.year)] += 1
        return f"{letter}{day.year}{DEMO_REGION_CODE}{self.registration_counters[(letter, day.year)] + 100:07d}"

    def _sme_for(self, chain: str, node: str, year: int, exclude: set[str]) -> Organisation | None:
        options = [
            o
            for o in self.cn_orgs
            if o.kind == "enterprise" and chain in o.chains and o.founded <= year and o.key not in exclude
        ]
        if not options:
            return None
        weights = [(3.0 if node in o.nodes else 1.0) * o.chains[chain] for o in options]
        return self.rng.choices(options, weights=weights)[0]

    def cn_legal_life(self, family: _Family, content: _Content) -> tuple[str, list[LegalEvent], list[PartyMention]]:
        """Events after grant of a CN patent; returns (status, events, assignee parties)."""
        rng = self.rng
        grant = family.grant
        assert grant is not None
        main_class = f"IPC(主分类)：{content.ipc[0]} " if content.ipc else f"LOC(主分类)：{content.locarno} "
        title_label = {"invention": "发明名称", "utility_model": "实用新型名称", "design": "使用外观设计的产品名称"}[family.doc_type]
        basics = f"{title_label}：{content.title_zh} 申请日：{_fmt(family.filing)} 授权公告日：{_fmt(grant)}"
        events = [LegalEvent(grant, "GR01", "授权", "grant")]
        owners = [ORG_BY_KEY[k] for k in family.orgs]
        owner_names = [p.name for p in family.printed_applicants]
        assignees: list[PartyMention] = []
        if family.doc_type == "invention":
            term_end = _add_years(family.filing, 20)
        elif family.doc_type == "utility_model":
            term_end = _add_years(family.filing, 10)
        else:
            term_end = _add_years(family.filing, 15 if family.filing >= dt.date(2021, 6, 1) else 10)
        transferred = licensed = 0
        pledged_until: dt.date | None = None
        pledges = 0
        open_declared: dt.date | None = None
        open_accepted = 0
        status = "granted"
        window_start = grant
        k = 1
        while True:
            anniversary = _add_years(family.filing, k)
            k += 1
            if anniversary <= grant:
                continue
            window_end = min(anniversary, term_end, DEMO_CUTOFF)
            if window_end <= window_start:
                break
            year = window_start.year
            kind = owners[0].kind
            span = (window_end - window_start).days

            def when() -> dt.date:
                return window_start + dt.timedelta(days=rng.randint(1, max(1, span)))

            # transfer of the patent right
            p_transfer = {"university": 0.012, "institute": 0.012, "hospital": 0.01, "soe": 0.008, "enterprise": 0.008, "individual": 0.05}[kind]
            if kind in ("university", "institute") and year >= _PROGRAMME_START:
                p_transfer = 0.04
            if not transferred and rng.random() < p_transfer:
                day = when()
                new = self._sme_for(family.chain, family.node, day.year, {o.key for o in owners})
                if new is not None:
                    new_name = new.name_in(day.year)
                    old = "；".join(owner_names)
                    events.append(
                        LegalEvent(
                            day,
                            "TR01",
                            f"专利权的转移 {main_class}登记生效日：{_fmt(day)} 变更事项：专利权人 变更前权利人：{old} "
                            f"变更后权利人：{new_name} 变更事项：地址 变更前权利人：{self.addresses[owners[0].key]} "
                            f"变更后权利人：{self.addresses[new.key]}",
                            "transfer",
                        )
                    )
                    owners, owner_names = [new], [new_name]
                    assignees = [
                        PartyMention("assignee", new_name, 1, country="CN", state=DEMO_PROVINCE, city=new.city, address=self.addresses[new.key])
                    ]
                    transferred = 1
                    kind = new.kind
            # licence recorded with CNIPA
            p_licence = {"university": 0.01, "institute": 0.012, "hospital": 0.01, "soe": 0.008, "enterprise": 0.004, "individual": 0.02}[kind]
            if kind in ("university", "institute") and year >= _PROGRAMME_START:
                p_licence = 0.028
            if licensed < 2 and rng.random() < p_licence:
                day = when()
                licensee = self._sme_for(family.chain, family.node, day.year, {o.key for o in owners})
                if licensee is not None:
                    licence_kind = rng.choices(("普通许可", "独占许可", "排他许可"), weights=(7, 2, 1))[0]
                    events.append(
                        LegalEvent(
                            day,
                            "EE01",
                            f"专利实施许可合同备案的生效 {main_class}合同备案号：{self._registration('X', day)} "
                            f"让与人：{'；'.join(owner_names)} 受让人：{licensee.name_in(day.year)} {basics} "
                            f"许可种类：{licence_kind} 备案日期：{_fmt(day)}",
                            "licence",
                        )
                    )
                    licensed += 1
            # pledge financing
            p_pledge = {"university": 0.002, "institute": 0.002, "hospital": 0.0, "soe": 0.006, "enterprise": 0.02, "individual": 0.01}[kind]
            if kind == "enterprise" and year >= 2016:
                p_pledge = 0.05
            if pledges < 2 and (pledged_until is None or pledged_until < window_start) and rng.random() < p_pledge:
                day = when()
                number = self._registration("Y", day)
                bank = rng.choice(BANKS)
                events.append(
                    LegalEvent(
                        day,
                        "PE01",
                        f"专利权质押合同登记的生效 {main_class}登记号：{number} 登记生效日：{_fmt(day)} "
                        f"出质人：{'；'.join(owner_names)} 质权人：{bank} {basics}",
                        "pledge",
                    )
                )
                pledges += 1
                release = day + dt.timedelta(days=rng.randint(330, 1100))
                pledged_until = release
                if release <= DEMO_CUTOFF and release < term_end and rng.random() < 0.75:
                    events.append(
                        LegalEvent(
                            release,
                            "PC01",
                            f"专利权质押合同登记的注销 {main_class}授权公告日：{_fmt(grant)} 申请日：{_fmt(family.filing)} "
                            f"登记号：{number} 出质人：{'；'.join(owner_names)} 质权人：{bank} 解除日：{_fmt(release)}",
                            "pledge",
                        )
                    )
            # open licence declarations (from the 2021 Patent Law on)
            if open_declared is None and window_end >= _OPEN_LICENCE_START and kind in ("university", "institute", "soe", "hospital"):
                if rng.random() < (0.07 if kind != "soe" else 0.03):
                    day = max(when(), _OPEN_LICENCE_START)
                    if day <= window_end:
                        fee = rng.choice(
                            (
                                f"一次性支付{rng.choice((3, 5, 8, 10, 20))}万元",
                                f"按年支付，每年{rng.choice((1, 2, 3, 5))}万元",
                                f"按产品销售额的{rng.choice(('1', '1.5', '2', '3'))}%提成",
                                f"先使用后付费：首年免费，次年起每年{rng.choice((1, 2, 3))}万元",
                            )
                        )
                        events.append(
                            LegalEvent(
                                day,
                                None,
                                f"专利开放许可声明 专利权人：{'；'.join(owner_names)} {basics} 许可使用费：{fee} "
                                f"支付方式：银行转账 许可期限：自许可合同生效之日起至专利权期限届满之日止",
                                "open_licence",
                            )
                        )
                        open_declared = day
            elif open_declared is not None and open_declared < window_start and open_accepted < 3 and rng.random() < 0.25:
                day = when()
                licensee = self._sme_for(family.chain, family.node, day.year, {o.key for o in owners})
                if licensee is not None:
                    events.append(
                        LegalEvent(
                            day,
                            None,
                            f"开放许可实施合同备案 许可人：{'；'.join(owner_names)} 被许可人：{licensee.name_in(day.year)} "
                            f"{basics} 许可种类：开放许可 备案日期：{_fmt(day)}",
                            "licence",
                        )
                    )
                    open_accepted += 1
            # rare partial invalidation of enterprise patents
            if kind == "enterprise" and rng.random() < 0.003:
                day = when()
                events.append(
                    LegalEvent(day, "IP01", f"专利权的无效宣告 {main_class}{basics} 无效宣告决定：宣告专利权部分无效，在修改后的权利要求基础上继续维持有效", "invalidation")
                )
            if window_end < anniversary:  # reached the term end or the cut-off
                break
            # annual fee due on the anniversary
            age = anniversary.year - family.filing.year
            base = {"university": (0.04, 0.12, 0.15), "institute": (0.04, 0.1, 0.13), "hospital": (0.06, 0.14, 0.18),
                    "soe": (0.03, 0.06, 0.08), "enterprise": (0.06, 0.11, 0.14), "individual": (0.2, 0.25, 0.3)}[kind]
            p_lapse = base[0] if age <= 4 else base[1] if age <= 8 else base[2]
            if family.doc_type != "invention":
                p_lapse *= 1.5
            if transferred or licensed or pledges:
                p_lapse *= 0.45
            if pledged_until is not None and pledged_until >= anniversary:
                p_lapse = 0.0
            if rng.random() < p_lapse:
                events.append(
                    LegalEvent(
                        anniversary,
                        "CF01",
                        f"未缴年费专利权终止 {main_class}申请日：{_fmt(family.filing)} 授权公告日：{_fmt(grant)} 终止日期：{_fmt(anniversary)}",
                        "lapse",
                    )
                )
                status = "lapsed"
                break
            window_start = anniversary
        if status == "granted" and term_end <= DEMO_CUTOFF:
            events.append(
                LegalEvent(
                    term_end,
                    "CX01",
                    f"专利权有效期届满 {main_class}申请日：{_fmt(family.filing)} 授权公告日：{_fmt(grant)} 期满终止日期：{_fmt(term_end)}",
                    "lapse",
                )
            )
            status = "expired"
        events.sort(key=lambda e: (e.date, e.event_class))
        return status, events, assignees

    def us_legal_life(self, family: _Family) -> tuple[str, list[LegalEvent], list[PartyMention]]:
        rng = self.rng
        grant = family.grant
        assert grant is not None
        events = [LegalEvent(grant, None, "授权 / Patented case", "grant")]
        assignees: list[PartyMention] = []
        lead = ORG_BY_KEY[family.orgs[0]]
        if lead.kind == "foreign" and rng.random() < 0.05:
            day = grant + dt.timedelta(days=rng.randint(60, 2000))
            others = [o for o in self.foreign_orgs if o.key != lead.key and family.chain in o.chains]
            if day <= DEMO_CUTOFF and others:
                new = rng.choice(others)
                events.append(
                    LegalEvent(
                        day,
                        None,
                        f"权利转让登记 / Assignment of assignors interest — assignor: {lead.name}; assignee: {new.name}; "
                        f"reel/frame {rng.randint(90000, 99999):06d}/{rng.randint(1, 9999):04d} (fictional)",
                        "transfer",
                    )
                )
                assignees.append(PartyMention("assignee", new.name, 2, country=new.country, state=new.state, city=new.city))
        status = "granted"
        risks = (0.1, 0.2, 0.35) if lead.kind == "foreign" else (0.2, 0.35, 0.5)
        for years, risk in zip((4, 8, 12), risks):
            day = _add_years(grant, years)
            if day > DEMO_CUTOFF:
                break
            if rng.random() < risk:
                events.append(
                    LegalEvent(day, None, "因未缴纳维持费失效 / Patent expired for failure to pay maintenance fees", "lapse")
                )
                status = "lapsed"
                break
        events.sort(key=lambda e: (e.date, e.event_class))
        return status, events, assignees

    # -- citations ------------------------------------------------------------------------------------------------

    def _cite_number(self, cited: _Family, before: dt.date) -> tuple[str, str, str, dt.date]:
        """(number, country, kind, date) of the cited family's document published before `before`."""
        options = []
        if cited.number_a and cited.pub_a and cited.pub_a < before:
            options.append((cited.number_a, "A" if cited.jurisdiction == "CN" else "A1", cited.pub_a))
        if cited.number_b and cited.grant and cited.grant < before:
            options.append((cited.number_b, cited.kind_b or "B", cited.grant))
        number, kind, date = options[-1] if len(options) == 1 or self.rng.random() < 0.5 else options[0]
        return number, cited.jurisdiction, kind, date


def _cumulative(values: list[float]):
    total = 0.0
    for v in values:
        total += v
        yield total


def _addresses() -> dict[str, str]:
    """A fixed street address per organisation (part of the fictional world, independent of the seed)."""
    rng = random.Random("lingxi-demo-addresses")
    out = {}
    for org in ORGANISATIONS:
        if org.kind == "foreign":
            continue
        city = CITY_BY_NAME[org.city]
        district = rng.choice(city.districts)
        road = rng.choice(city.roads)
        out[org.key] = f"{DEMO_PROVINCE}{city.name}{district}{road}{rng.randint(1, 399)}号"
    return out


# ----------------------------------------------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------------------------------------------


def generate_demo_records(seed: int = 20261121, size: int = 3000) -> list[PatentRecord]:
    """Exactly `size` demo patent records of the fictional province 青峦省, identical for identical seeds."""
    if size <= 0:
        return []
    gen = _Generator(seed)
    families = gen.plan(size)
    gen.assign_numbers(families)
    rng = gen.rng

    records: list[PatentRecord] = []
    # Citation pools: families become citable once their first document is published.
    pending: list[tuple[dt.date, int, _Family]] = []
    by_node: dict[str, list[_Family]] = {}
    by_chain: dict[str, list[_Family]] = {}
    citable: list[_Family] = []

    for family in families:
        while pending and pending[0][0] < family.filing:
            _, _, ready = heapq.heappop(pending)
            by_node.setdefault(ready.node, []).append(ready)
            by_chain.setdefault(ready.chain, []).append(ready)
            citable.append(ready)

        node = NODE_BY_KEY[family.node]
        year = family.filing.year
        english = family.jurisdiction == "US"
        # content and inventors (a US family with a CN priority reuses its parent's)
        if family.parent is not None and family.parent.content is not None:
            family.content = family.parent.content
            inventors = [gen.pinyin_name(p.name) for p in family.parent.inventors]
        else:
            names, team = gen._inventors(family, node)
            family.content = gen.compose(family, team)
            inventors = names
        lead = ORG_BY_KEY[family.orgs[0]]
        family.printed_applicants = [
            gen.org_party(ORG_BY_KEY[key], "applicant", i, year, english) for i, key in enumerate(family.orgs, start=1)
        ]
        family.first_applicant = family.printed_applicants[0].name
        if english and lead.kind == "foreign":
            country = lead.country
            family.inventors = [PartyMention("inventor", n, i, country=country) for i, n in enumerate(inventors, start=1)]
        elif english:
            city = CITY_BY_NAME[lead.city].name_en
            family.inventors = [PartyMention("inventor", n, i, country="CN", city=city) for i, n in enumerate(inventors, start=1)]
        else:
            family.inventors = [PartyMention("inventor", n, i, country="CN") for i, n in enumerate(inventors, start=1)]
        family.agent = gen._agent(family)

        # backward citations
        examiner_cites: list[Citation] = []
        applicant_cites: list[Citation] = []
        if family.doc_type != "design" and citable:
            if english:
                n_examiner, n_applicant = rng.choice((1, 2, 3, 4, 5, 6, 8)), rng.choice((0, 0, 1, 2, 3, 5))
            elif family.doc_type == "invention":
                n_examiner = rng.choices((0, 1, 2, 3, 4, 5), weights=(1.5, 2, 3, 3, 2, 1))[0]
                n_applicant = rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
            else:
                n_examiner, n_applicant = 0, rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
            chosen: list[_Family] = []
            cumulative: dict[int, list[float]] = {}  # weights of each pool, computed once per citing family
            for _ in range(n_examiner + n_applicant):
                r = rng.random()
                pool = by_node.get(family.node) if r < 0.75 else by_chain.get(family.chain) if r < 0.97 else citable
                pool = pool or citable
                if id(pool) not in cumulative:
                    cumulative[id(pool)] = list(_cumulative([c.fitness * (1.0 + 0.8 * c.cited) for c in pool]))
                for _attempt in range(4):  # preferential attachment: often-cited patents attract more citations
                    pick = rng.choices(pool, cum_weights=cumulative[id(pool)])[0]
                    if pick is not family.parent and all(pick is not c for c in chosen):
                        chosen.append(pick)
                        break
            for position, cited in enumerate(chosen):
                number, country, kind, date = gen._cite_number(cited, family.filing)
                citation = Citation(
                    number=number,
                    country=country,
                    kind=kind,
                    date=date,
                    name=cited.first_applicant,
                    category="examiner" if position < n_examiner else "applicant",
                )
                (examiner_cites if position < n_examiner else applicant_cites).append(citation)
                cited.cited += 1
        npl: list[Citation] = []
        if family.doc_type == "invention" and rng.random() < (0.3 if english else 0.08):
            for _ in range(rng.choice((1, 1, 2))):
                npl.append(_npl_citation(gen, family, english))

        first_pub = family.first_publication()
        if first_pub is not None and family.doc_type != "design":
            heapq.heappush(pending, (first_pub, family.index, family))

        records.extend(_family_records(gen, family, examiner_cites, applicant_cites, npl))

    return records


def _npl_citation(gen: _Generator, family: _Family, english: bool) -> Citation:
    rng = gen.rng
    node = NODE_BY_KEY[family.node]
    year = max(2000, family.filing.year - rng.randint(1, 6))
    product = rng.choice(node.products)
    volume, issue = year - 1978, rng.randint(1, 12)
    page = rng.randint(1, 180)
    if english:
        author = gen.pinyin_name(gen._chinese_name()).split(" ")
        text = (
            f"{author[-1]} {author[0][0]}., et al., \"Recent progress in {product[1]}s\", "
            f"{rng.choice(JOURNALS_EN)}, {year}, vol. {volume}, no. {issue}, pp. {page}-{page + rng.randint(5, 14)}."
        )
    else:
        text = (
            f"{gen._chinese_name()}，{gen._chinese_name()}，等. {product[0]}研究进展[J]. {rng.choice(JOURNALS_ZH)}，"
            f"{year}，{volume}({issue})：{page}-{page + rng.randint(5, 14)}."
        )
    return Citation(npl_text=text, category="examiner" if rng.random() < 0.6 else "applicant")


def _numbered(citations: list[Citation]) -> list[Citation]:
    out = []
    for i, c in enumerate(citations, start=1):
        out.append(Citation(i, c.number, c.country, c.kind, c.date, c.name, c.category, c.npl_text))
    return out


def _render_claims(claims: list[_Claim], english: bool) -> list[str]:
    number = {id(c): i for i, c in enumerate(claims, start=1)}
    out = []
    for i, claim in enumerate(claims, start=1):
        if claim.template_zh:
            ref = number[id(claim.ref)] if claim.ref is not None else 1
            text = (claim.template_en if english else claim.template_zh).format(ref=ref)
            out.append(f"{i}. {text}" if english else f"{i}.{text}")
            continue
        if english:
            if claim.independent:
                head = claim.preamble_en or _a(claim.subject_en)
                features = claim.features_en
                body = features[0] if len(features) == 1 else ", ".join(features[:-1]) + ", and " + features[-1]
                out.append(f"{i}. {_cap(head)}, {body}.")
            else:
                out.append(f"{i}. The {claim.subject_en} according to claim {number[id(claim.ref)]}, wherein {claim.features_en[0]}.")
        else:
            if claim.independent:
                head = claim.preamble_zh or f"一种{claim.subject_zh}"
                out.append(f"{i}.{head}，其特征在于，{'；'.join(claim.features_zh)}。")
            else:
                out.append(f"{i}.根据权利要求{number[id(claim.ref)]}所述的{claim.subject_zh}，其特征在于：{claim.features_zh[0]}。")
    return out


def _granted_claims(claims: list[_Claim], rng: random.Random) -> list[_Claim]:
    """Claims as granted: often the feature of claim 2 is folded into claim 1 during examination."""
    if len(claims) < 4 or claims[1].independent or claims[1].ref is not claims[0] or rng.random() < 0.45:
        return claims
    first, second = claims[0], claims[1]
    merged = _Claim(first.subject_zh, first.subject_en, True, first.features_zh + second.features_zh,
                    first.features_en + second.features_en, preamble_zh=first.preamble_zh, preamble_en=first.preamble_en)
    mapping = {id(first): merged, id(second): merged}
    out = [merged]
    for claim in claims[2:]:
        copy = _Claim(claim.subject_zh, claim.subject_en, claim.independent, claim.features_zh, claim.features_en,
                      ref=claim.ref, preamble_zh=claim.preamble_zh, preamble_en=claim.preamble_en,
                      template_zh=claim.template_zh, template_en=claim.template_en)
        mapping[id(claim)] = copy
        out.append(copy)
    for claim in out:
        if claim.ref is not None:
            claim.ref = mapping[id(claim.ref)]
    return out


def _family_records(
    gen: _Generator,
    family: _Family,
    examiner: list[Citation],
    applicant: list[Citation],
    npl: list[Citation],
) -> list[PatentRecord]:
    rng = gen.rng
    content = family.content
    assert content is not None
    english = family.jurisdiction == "US"
    chain, node = content.chain, content.node
    extra = {"demo": True, "dataset": DEMO_DATASET_LABEL, "demo_chain": chain.key, "demo_node": node.key}
    if content.locarno:
        classifications = [Classification("LOCARNO", content.locarno, True, 1)]
    else:
        classifications = [Classification("IPC", code, i == 0, i + 1) for i, code in enumerate(content.ipc)]
        if english:
            cpc = list(content.ipc)
            for tag in chain.cpc_tags[:1]:
                if rng.random() < 0.6:
                    cpc.append(tag)
            classifications += [Classification("CPC", code, i == 0, i + 1) for i, code in enumerate(cpc)]
    title = content.title_en if english else content.title_zh
    abstract = content.abstract_en if english else content.abstract_zh
    claims_a = _render_claims(content.claims, english) if content.claims else []
    granted = _granted_claims(content.claims, rng) if content.claims else []
    claims_b = _render_claims(granted, english) if granted else []
    priority = []
    if family.parent is not None:
        priority = [{"country": "CN", "number": family.parent.application_number, "date": _fmt(family.parent.filing)}]

    # legal life
    if family.grant is not None:
        if english:
            status, events_b, assignees = gen.us_legal_life(family)
        else:
            status, events_b, assignees = gen.cn_legal_life(family, content)
    else:
        status, events_b, assignees = ("published" if family.decision == "pending" else family.decision), [], []
    events_a: list[LegalEvent] = []
    if family.pub_a is not None and not english:
        main = content.ipc[0]
        events_a.append(LegalEvent(family.pub_a, "PB01", "发明专利申请公布", "other"))
        exam = _cn_gazette(max(family.pub_a, family.filing + dt.timedelta(days=rng.randint(90, 600))))
        if exam < (family.decision_date or DEMO_CUTOFF) and exam <= DEMO_CUTOFF:
            events_a.append(LegalEvent(exam, "SE01", f"实质审查的生效 IPC(主分类)：{main} 申请日：{_fmt(family.filing)}", "other"))
        if family.decision == "rejected":
            events_a.append(
                LegalEvent(family.decision_date, "RJ01", f"发明专利申请公布后的驳回 IPC(主分类)：{main} 申请公布日：{_fmt(family.pub_a)}", "other")
            )
        elif family.decision == "withdrawn":
            events_a.append(
                LegalEvent(family.decision_date, "WD01", f"发明专利申请公布后的视为撤回 IPC(主分类)：{main} 申请公布日：{_fmt(family.pub_a)}", "other")
            )
    elif family.pub_a is not None and english and family.decision == "withdrawn":
        events_a.append(LegalEvent(family.decision_date, None, "放弃 / Abandoned — failure to respond to an office action", "other"))

    base_parties = list(family.printed_applicants)
    people = list(family.inventors) + ([family.agent] if family.agent else [])
    grant_date = family.grant
    records = []
    common = dict(
        source_format=DEMO_SOURCE_FORMAT,
        application_number=family.application_number,
        country=family.jurisdiction,
        doc_type=family.doc_type,
        application_date=family.filing,
        language="en" if english else "zh",
        family_id=family.family_id,
        priority_claims=priority,
    )
    if family.pub_a is not None:
        kind = "A1" if english else "A"
        cites = [] if english else applicant  # a CN application lists the documents its background discusses
        records.append(
            PatentRecord(
                title=title,
                publication_number=family.number_a,
                kind_code=kind,
                publication_date=family.pub_a,
                grant_date=grant_date,
                abstract=abstract,
                claims=claims_a,
                first_claim=claims_a[0] if claims_a else None,
                legal_status=status,
                classifications=[Classification(c.scheme, c.code, c.is_main, c.sequence) for c in classifications],
                parties=base_parties + people,
                citations=_numbered(cites + ([] if english else [c for c in npl if c.category == "applicant"])),
                legal_events=events_a,
                extra=dict(extra),
                **common,
            )
        )
    if family.grant is not None:
        claims = claims_b if family.doc_type == "invention" else claims_a
        records.append(
            PatentRecord(
                title=title,
                publication_number=family.number_b,
                kind_code=family.kind_b,
                publication_date=family.grant,
                grant_date=family.grant,
                abstract=abstract,
                claims=claims,
                first_claim=claims[0] if claims else None,
                legal_status=status,
                classifications=[Classification(c.scheme, c.code, c.is_main, c.sequence) for c in classifications],
                parties=base_parties + [PartyMention(a.role, a.name, a.sequence, a.country, a.state, a.city, a.address) for a in assignees]
                + ([PartyMention("assignee", base_parties[0].name, 1, base_parties[0].country, base_parties[0].state, base_parties[0].city)]
                   if english and not any(a.sequence == 1 for a in assignees) else [])
                + people,
                citations=_numbered(examiner + applicant + npl),
                legal_events=events_b,
                extra=dict(extra),
                **common,
            )
        )
    return records


def demo_summary(records: list[PatentRecord]) -> dict:
    """Counts of a demo data set: by chain, kind, doc type, language, applicant type, filing year and status."""

    def counted(values) -> dict:
        return dict(sorted(Counter(values).items(), key=lambda kv: str(kv[0])))

    def first_applicant(record: PatentRecord) -> str:
        for party in record.parties:
            if party.role == "applicant":
                return party.name
        return ""

    def applicant_type(record: PatentRecord) -> str:
        name = first_applicant(record)
        kind = applicant_type_of(name)
        if kind == "unknown" and name and any(o.kind == "individual" and o.name == name for o in ORGANISATIONS):
            kind = "individual"
        return kind

    chain_names = {c.key: c.name for c in CHAINS}
    return {
        "records": len(records),
        "families": len({r.family_id for r in records}),
        "applications": len({r.application_number for r in records}),
        "by_chain": counted(chain_names.get(r.extra.get("demo_chain"), "?") for r in records),
        "by_node": counted(r.extra.get("demo_node") for r in records),
        "by_kind": counted(r.kind_code for r in records),
        "by_doc_type": counted(r.doc_type for r in records),
        "by_language": counted(r.language for r in records),
        "by_country": counted(r.country for r in records),
        "by_applicant_type": counted(applicant_type(r) for r in records),
        "by_filing_year": counted(r.application_date.year for r in records if r.application_date),
        "by_legal_status": counted(r.legal_status for r in records),
        "legal_events": counted(e.event_class for r in records for e in r.legal_events),
        "citations": sum(1 for r in records for c in r.citations if c.number),
        "npl_citations": sum(1 for r in records for c in r.citations if c.npl_text),
    }


def _main() -> None:  # python -m lingxi.demo.generator [size] [seed]
    import json
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261121
    start = time.perf_counter()
    records = generate_demo_records(seed=seed, size=size)
    elapsed = time.perf_counter() - start
    summary = demo_summary(records)
    summary["seconds"] = round(elapsed, 3)
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    _main()
