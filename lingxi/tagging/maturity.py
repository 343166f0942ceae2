"""Technology maturity (成熟等级): an estimated Technology Readiness Level 1–9 with the evidence it used.

Scale. The levels are the generic NASA / ISO 16290 TRL scale:

    1 basic principles observed            6 prototype demonstrated in a relevant environment
    2 technology concept formulated        7 operational prototype (system prototype in the operational environment)
    3 proof of concept                     8 system complete and qualified
    4 validation in the laboratory         9 system proven in operation (production, commercial use)
    5 validation in a relevant environment

GB/T 22900-2022 《科学技术研究项目评价通则》 (in force 2022-10-12) also has nine technology-readiness levels; it replaced
the 2009 edition whose Annex A was a 技术就绪水平 scale. Its 2022 level texts are UNVERIFIED (REFERENCE.md §4, §6: we
hold no stored copy), so this module follows the generic scale above and does not claim GB/T 22900 conformity; the
level numbers line up one-to-one, so an operator can relabel them once the official texts are checked.

Estimate. A patent says little about maturity, so the estimate combines weak signals, each recorded as evidence:

- the kind of document: an application only proves a concept (3); a granted invention was examined (4); a utility model
  protects a concrete product structure (4); a design protects the look of a finished product (6);
- what the text claims: simulation / theory (3), experiments and measured results (4), pilot / field tests (6),
  prototypes (样机, 6), demonstration / trial operation (7), mass production / industrialisation (量产, 产业化, 8–9);
- market facts: a transfer or licence means someone wanted to use it (+1, at least 6 when granted); a pledge means a
  bank valued it (+0, evidence only unless nothing else moved); a patent kept in force ≥ 8 years after grant costs rising
  annual fees, which owners pay for technology they use (+1); ≥ 10 forward citations mark a technology others build on
  (+1 below 6 only, because citations show influence, not readiness).

The level is the strongest text or document signal, raised by the market facts, capped at 9. Confidence grows with the
number of independent signals (0.3 for the document kind alone, up to 0.85); operators can override the level.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

TRL_LABELS: dict[int, tuple[str, str]] = {
    1: ("基本原理被发现", "basic principles observed"),
    2: ("形成技术概念", "technology concept formulated"),
    3: ("概念验证", "proof of concept"),
    4: ("实验室验证", "validation in the laboratory"),
    5: ("相关环境验证", "validation in a relevant environment"),
    6: ("相关环境中的原型演示", "prototype demonstrated in a relevant environment"),
    7: ("运行环境中的原型演示", "operational prototype"),
    8: ("系统完成并通过鉴定", "system complete and qualified"),
    9: ("系统在实际运行中得到验证", "system proven in operation"),
}

# (level, label, pattern) — the strongest match in the text wins. Order inside a level does not matter.
# Why the negative look-behinds: 不需要样机 / without a prototype do not claim one.
_TEXT_CUES: list[tuple[int, str, re.Pattern[str]]] = [
    (
        9,
        "commercial use",
        re.compile(
            r"已(?:广泛)?(?:投入|应用于|用于)(?:实际)?(?:生产|市场|使用)|已实现产业化|市场销售|commercially available|in commercial (?:use|operation|production)",
            re.IGNORECASE,
        ),
    ),
    (
        8,
        "mass production",
        re.compile(
            r"量产|批量生产|批量化生产|大批量|规模化生产|大规模生产|工业化生产|产业化|工业化应用|mass[- ]produc\w*|high[- ]volume (?:production|manufactur\w*)|industrial[- ]scale (?:production|manufactur\w*)",
            re.IGNORECASE,
        ),
    ),
    (
        7,
        "demonstration / trial operation",
        re.compile(
            r"示范(?:工程|应用|线|项目)|试运行|工程应用|现场应用|挂网运行|demonstration (?:plant|project|unit|line)|trial operation|in (?:actual|real) (?:service|operation)",
            re.IGNORECASE,
        ),
    ),
    (
        6,
        "pilot / field test",
        re.compile(
            r"中试|小批量|现场试验|现场测试|工业试验|工业性试验|田间试验|临床试验|实车|pilot[- ](?:plant|scale|line|production|run|test)|field[- ]?(?:test|trial)\w*|clinical trial",
            re.IGNORECASE,
        ),
    ),
    (6, "prototype", re.compile(r"(?<!无需)(?<!不需要)样机|原型机|试制|(?<!without a )prototype", re.IGNORECASE)),
    (
        4,
        "experiments / measured results",
        re.compile(
            r"试验|实验|测试结果|检测结果|实测|实施例|experiment\w*|test results?|measured|example \d|working example",
            re.IGNORECASE,
        ),
    ),
    (
        3,
        "simulation / theory",
        re.compile(r"仿真|模拟|理论|数值计算|simulat\w*|model(?:l)?ing|theoretical", re.IGNORECASE),
    ),
]

_DOC_BASE: dict[str, tuple[int, str]] = {
    "design": (6, "design patent: protects the appearance of a finished product"),
    "utility_model": (4, "utility model: protects a concrete product structure"),
    "invention_granted": (4, "granted invention: examined and found workable"),
    "invention": (3, "invention application: a concept on paper"),
}


@dataclass
class PatentFacts:
    """What the estimate reads; every field is optional because real exports are partial."""

    doc_type: str | None = None  # invention / utility_model / design
    kind_code: str | None = None  # CN A/B/C/U/Y/S, US A/B1/B2/S/E …
    granted: bool | None = None
    filing_date: dt.date | None = None
    grant_date: dt.date | None = None
    text: str = ""  # abstract + claims (+ description when present)
    forward_citations: int | None = None
    has_transfer: bool = False
    has_licence: bool = False
    has_pledge: bool = False
    in_force: bool | None = None
    as_of: dt.date | None = None  # "today" for age computations; default: date.today()


@dataclass
class TrlEstimate:
    level: int
    confidence: float
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> tuple[str, str]:
        return TRL_LABELS[self.level]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["label_zh"], data["label_en"] = self.label
        return data


def _doc_kind(facts: PatentFacts) -> str:
    doc_type = (facts.doc_type or "").lower()
    kind = (facts.kind_code or "").upper()
    if doc_type == "design" or kind in {"S", "S1", "S2"}:
        return "design"
    if doc_type == "utility_model" or kind in {"U", "Y"}:
        return "utility_model"
    granted = facts.granted
    if granted is None and kind:
        # CN B/C and US B1/B2 are grants; A (CN, US pre-grant publication) is an application
        granted = kind.startswith(("B", "C")) or kind in {"E", "RE"}
    if granted is None and facts.grant_date:
        granted = True
    return "invention_granted" if granted else "invention"


def _text_signal(text: str) -> tuple[int, str, str] | None:
    best: tuple[int, str, str] | None = None
    for level, label, pattern in _TEXT_CUES:
        hit = pattern.search(text)
        if hit and (best is None or level > best[0]):
            best = (level, label, hit.group(0))
    return best


def estimate_trl(facts: PatentFacts) -> TrlEstimate:
    """The estimated TRL of one patent, its confidence and the evidence behind it."""
    evidence: list[str] = []
    kind = _doc_kind(facts)
    level, why = _DOC_BASE[kind]
    evidence.append(f"{why} → TRL {level}")
    signals = 1

    text_signal = _text_signal(facts.text or "")
    if text_signal:
        text_level, label, phrase = text_signal
        evidence.append(f"text mentions {label} ({phrase!r}) → TRL {text_level}")
        signals += 1
        # the text can only raise the level: a granted patent that mentions a simulation is still examined
        level = max(level, text_level)

    granted = kind != "invention"
    if facts.has_transfer or facts.has_licence:
        what = " and ".join(w for w, on in (("transfer", facts.has_transfer), ("licence", facts.has_licence)) if on)
        level = max(level + 1, 6 if granted else level + 1)
        evidence.append(f"{what} recorded: someone acquired it to use it → TRL {level}")
        signals += 1
    if facts.has_pledge:
        evidence.append("pledge recorded: a lender valued it (no level change)")
        signals += 1

    today = facts.as_of or dt.date.today()
    if facts.grant_date and facts.in_force is not False:
        years = (today - facts.grant_date).days / 365.25
        if years >= 8:
            level += 1
            evidence.append(
                f"kept in force {years:.0f} years after grant: fees paid for technology in use → TRL {min(level, 9)}"
            )
            signals += 1
        else:
            evidence.append(f"granted {years:.1f} years ago")
    elif facts.filing_date:
        evidence.append(f"filed {(today - facts.filing_date).days / 365.25:.1f} years ago")

    if facts.forward_citations is not None and facts.forward_citations >= 10:
        signals += 1
        if level < 6:
            level += 1
            evidence.append(f"{facts.forward_citations} forward citations: others build on it → TRL {level}")
        else:
            evidence.append(f"{facts.forward_citations} forward citations (influence, no level change at TRL ≥ 6)")

    level = max(1, min(level, 9))
    confidence = round(min(0.3 + 0.15 * (signals - 1), 0.85), 2)
    return TrlEstimate(level=level, confidence=confidence, evidence=evidence)
