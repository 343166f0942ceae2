"""Technical problem / technical means / functional effect (技术问题/技术手段/功能效果) and essential features (必要特征).

Rule-based on the cue phrases patent drafting uses, for Chinese and English abstracts and first claims:

- problem: zh 解决了…问题 / 克服…不足 / 针对…缺陷 / 目的在于… / 旨在…; en "object of the invention is to …",
  "to solve/overcome/address …", "problem(s) of/with …", "drawback(s) of …";
- means: the sentence that describes the construction or steps (zh 包括/包含/由…组成/设有/采用/通过/步骤; en comprising /
  includes / having / by …), with the boilerplate opening (本发明公开了一种…，) removed;
- effects: clauses stating a result (zh 提高了/降低了/延长了/避免/便于/具有…的优点/有益效果; en thereby / improves /
  reduces / prevents / so that …), and `effect_terms`: those effects normalised onto the controlled vocabulary of
  data/effects.yaml (lingxi.tagging.effects) so a technology–effect matrix can count them;
- essential features: the characterising part of the first independent claim (其特征在于 / characterized in that /
  wherein / comprising) cut into feature phrases.

Pure functions, no database: `extract_pme(title, abstract, first_claim, language=None) -> PME`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lingxi.tagging.effects import EffectVocabulary, load_effect_vocabulary
from lingxi.text.normalise import to_simplified
from lingxi.text.segment import detect_language

MAX_PHRASE = 200  # keep stored phrases readable; a "means" is a summary, not the claim


@dataclass
class PME:
    problem: str | None
    means: str | None
    effects: list[str] = field(default_factory=list)
    effect_terms: list[str] = field(default_factory=list)  # ids of data/effects.yaml terms
    essential_features: list[str] = field(default_factory=list)
    language: str = "und"
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        # written out rather than dataclasses.asdict, whose recursive deep copy cost more than the extraction
        data = {"problem": self.problem, "means": self.means, "effects": list(self.effects),
                "effect_terms": list(self.effect_terms), "essential_features": list(self.essential_features),
                "language": self.language, "evidence": list(self.evidence)}
        vocabulary = load_effect_vocabulary()
        data["effect_labels"] = [
            {"id": term_id, "zh": vocabulary[term_id].zh, "en": vocabulary[term_id].en} for term_id in self.effect_terms
        ]
        return data


# --- shared helpers ------------------------------------------------------------------------------------------------

_ZH_SENTENCE = re.compile(r"(?<=[。！？!?])")
_ZH_CLAUSE = re.compile(r"[，,；;：:]")
_EN_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(])")
_EN_CLAUSE = re.compile(r"[;,]\s+|\s+(?=(?:thereby|whereby|so that|such that|so as to|in order to)\b)", re.IGNORECASE)
_REFERENCE_NUMERAL = re.compile(r"\s*[（(]\s*\d+[a-zA-Z]?(?:\s*[,，、]\s*\d+[a-zA-Z]?)*\s*[)）]")
_CLAIM_NUMBER = re.compile(r"^\s*(?:权利要求)?\s*1\s*[.．、:：]\s*")


def _clip(text: str | None, limit: int = MAX_PHRASE) -> str | None:
    if not text:
        return None
    text = text.strip(" ，,；;：:。.")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _zh_sentences(text: str) -> list[str]:
    return [s.strip() for s in _ZH_SENTENCE.split(text) if s.strip()]


def _en_sentences(text: str) -> list[str]:
    return [s.strip() for s in _EN_SENTENCE.split(text) if s.strip()]


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


# --- Chinese -------------------------------------------------------------------------------------------------------

_ZH_PROBLEM = [
    (
        "解决了…问题",
        re.compile(r"解决了?(?:现有技术中?|目前|现有|传统)?(?:存在的)?(.{2,90}?)(?:的|等)?(?:技术)?(?:问题|难题)"),
    ),
    (
        "克服/针对…不足",
        re.compile(
            r"(?:克服|针对|鉴于|改善|弥补)了?(?:现有技术中?|目前|现有|传统)?(.{2,90}?)(?:的|等)?(?:不足|缺陷|缺点|弊端|问题|局限)"
        ),
    ),
    ("目的在于…", re.compile(r"(?:目的|宗旨|任务)(?:在于|是|为)(?:提供|克服|解决)?(.{2,100}?)[。；;]")),
    ("旨在…", re.compile(r"旨在(?:提供|克服|解决)?(.{2,90}?)[，。；,;]")),
    ("存在…问题", re.compile(r"存在(?:着)?(.{2,60}?)(?:的|等)(?:问题|缺陷|不足)")),
]
# A sentence that describes construction or steps.
_ZH_MEANS_STRONG = re.compile(r"包括|包含|由.{0,30}(?:组成|构成|制成)|设有|设置有|安装有|步骤|原料|按重量|技术方案")
_ZH_MEANS_WEAK = re.compile(r"采用|通过|利用|基于|使用")
_ZH_OPENING = re.compile(
    r"^(?:本(?:发明|实用新型|申请|公开|外观设计)(?:实施例)?(?:公开|提供|涉及|提出|属于|是)了?|其技术方案要点是[:：]?)"
    r"[^，,。]*?[，,：:]"
)
# Verbs and frames that state a result; a clause with one of them (in an effect sentence) is an effect.
_ZH_EFFECT_CUE = re.compile(
    r"提高|提升|增加|增强|改善|改进|优化|加强|加快|降低|减少|减小|减轻|节约|节省|延长|缩短|简化|避免|防止|消除|杜绝|"
    r"保证|确保|保障|便于|方便|易于|有利于|有助于|有效|解放|实现了|达到了|优点|优势|有益效果|效果|好处|"
    r"结构简单|结构合理|成本低|高效|节能|环保|稳定性|可靠|耐用|美观|快速|准确|精确|灵活|便捷|舒适|舒服|轻便|"
    r"更加|较好|较强|良好|优异|优良|优越|作用|(?:率|性|度|能力|效果|性能|质量)(?:高|好|强|佳|优|低|小)|具有(?:高|低|良好|优异|较好|较高|较强|很好|更好)"
)
# Where a sentence is the invention talking about itself or a consequence — effects live there.
_ZH_EFFECT_CONTEXT = re.compile(
    r"本(?:发明|实用新型|申请|方法|装置|系统|产品|技术|公开)|该(?:发明|实用新型|装置|方法|系统|设备|结构|材料|产品|工艺)|"
    r"从而|进而|使得|以便|因此|由此|能够|可以|有效|大大|显著|极大|具有|有益效果|优点|优势|提高了|降低了|减少了|"
    r"延长了|避免了|解决了|实现了|改善了|提升了|增强了|简化了|节约了|节省了|此(?:方法|装置|系统|结构)|该[^，。,]{0,10}?(?:具有|能够|可以|更加|可)|更加|展现"
)
_ZH_RESULT_PERFECT = re.compile(r"(?:提高|提升|降低|减少|延长|避免|改善|增强|简化|节约|节省|解决)了")
_ZH_RESULT_WORDS = re.compile(r"(?:提高|提升|降低|减少|延长|避免|改善|增强|简化|节约|节省)了|效果|优点|优势|更加|更好")
# clauses that look like effects but name the invention or announce a list (涉及一种…, 具有以下优点)
_ZH_NOT_AN_EFFECT = re.compile(
    r"^(?:解决|克服)|^(?:涉及|公开|提供|提出)了?(?:一种|一类)|以下(?:优点|有益效果)|如下(?:优点|有益效果)|^一种"
)
_ZH_ADVANTAGE_LIST = re.compile(r"具有(.{2,80}?)(?:的|等)(?:优点|优势|特点|效果|有益效果|好处|功能)")
_ZH_EFFECT_LEAD = re.compile(
    r"^(?:并且|同时|从而|进而|因而|因此|由此|由于|并|且|而且|还|也|即|使得|使|以便|能够|可以|可|有效地?|大大|显著|"
    r"本(?:发明|实用新型|申请)(?:的)?(?:方法|装置)?|该(?:装置|方法|系统|设备)|具有|实现了?)+"
)
_ZH_CHARACTERISED = re.compile(r"其(?:特征|特点)(?:在于|是)[:：,，]?")
_ZH_BODY = re.compile(r"(?:包括|包含|含有|由|具有)[:：]")


def _zh_problem(text: str) -> tuple[str | None, str | None]:
    for cue, pattern in _ZH_PROBLEM:
        hit = pattern.search(text)
        if hit:
            phrase = hit.group(1).strip("，,：: 的")
            if len(phrase) >= 2:
                return _clip(phrase), cue
    return None, None


def _zh_means(sentences: list[str]) -> tuple[str | None, str | None]:
    for pattern, label in ((_ZH_MEANS_STRONG, "construction/steps"), (_ZH_MEANS_WEAK, "采用/通过")):
        for sentence in sentences:
            hit = pattern.search(sentence)
            if not hit or _zh_is_effect_sentence(sentence) and pattern is _ZH_MEANS_STRONG and "包括" not in sentence:
                continue
            body = _ZH_OPENING.sub("", sentence, count=1) or sentence
            # an opening that only names the field (涉及…技术领域) leaves the construction for the next clause
            body = re.sub(r"^[^，,。]*?技术领域[，,。]", "", body) or body
            return _clip(body), f"{label}: {hit.group(0)}"
    if sentences:  # no construction cue: what follows the opening of the first sentence is the means
        body = _ZH_OPENING.sub("", sentences[0], count=1)
        if body and body != sentences[0]:
            return _clip(body), "first sentence"
    return None, None


def _zh_is_effect_sentence(sentence: str, last: bool = False) -> bool:
    # the closing sentence of an abstract is where drafters put the effects, even without 本发明/从而
    return bool((last or _ZH_EFFECT_CONTEXT.search(sentence)) and _ZH_EFFECT_CUE.search(sentence))


def _zh_effects(sentences: list[str]) -> list[str]:
    effects: list[str] = []
    for index, sentence in enumerate(sentences):
        if not _zh_is_effect_sentence(sentence, last=index == len(sentences) - 1 and index > 0):
            continue
        opening = index == 0 and len(sentences) > 1
        if opening and _ZH_MEANS_STRONG.search(sentence) and not _ZH_RESULT_PERFECT.search(sentence):
            continue  # the opening sentence (本发明公开了一种…，包括…) is construction unless a result verb is explicit
        if opening:
            sentence = _ZH_OPENING.sub("", sentence, count=1)  # 本发明涉及一种减摩节能轴承，… names, it does not claim
        for listed in _ZH_ADVANTAGE_LIST.finditer(sentence):
            effects.extend(p.strip() for p in re.split(r"[、，,]|以及|和|及", listed.group(1)) if len(p.strip()) >= 2)
        sentence = _ZH_ADVANTAGE_LIST.sub("", sentence)
        started = False
        for clause in _ZH_CLAUSE.split(sentence.rstrip("。！？!?")):
            clause = clause.strip()
            if not clause:
                continue
            means_led = clause.startswith(("通过", "利用", "采用")) and not _ZH_RESULT_WORDS.search(clause)
            if (
                _ZH_EFFECT_CUE.search(clause)
                and not means_led
                or started
                and len(clause) <= 30
                and _ZH_EFFECT_CUE.search(clause)
            ):
                started = True
                cleaned = _ZH_EFFECT_LEAD.sub("", clause).strip()
                cleaned = re.sub(r"^[（(]?\d+[)）.、]\s*", "", cleaned)  # enumerations: （2）制备得到的…
                if len(cleaned) >= 2 and not _ZH_NOT_AN_EFFECT.search(cleaned):
                    effects.append(_clip(cleaned, 80))
            elif "通过" in clause and _ZH_EFFECT_CUE.search(clause):
                # 通过A的配合，能够…提高了工作效率: the effect is after the last comma; the means clause is skipped
                continue
    return _dedupe(effects)


def _zh_features(claim: str) -> tuple[list[str], str | None]:
    claim = _CLAIM_NUMBER.sub("", to_simplified(claim))
    claim = _REFERENCE_NUMERAL.sub("", claim)
    hit = _ZH_CHARACTERISED.search(claim)
    how = "其特征在于"
    if hit:
        part = claim[hit.end() :]
    else:
        body = _ZH_BODY.search(claim) or re.search(r"包括|包含", claim)
        if not body:
            return [], None
        part, how = claim[body.end() :], body.group(0)
    part = part.strip(" ，,：:。")
    pieces = [p.strip(" ，,：:。") for p in re.split(r"[；;]|。(?=.)", part)]
    if len(pieces) == 1:  # no semicolons: the features are comma-separated clauses
        pieces = [p.strip(" ，,：:。") for p in re.split(r"[，,](?=[^，,]{6,})", part)]
    features = []
    for piece in pieces:
        piece = re.sub(r"^(?:所述|其中|并且|且|和|以及)[,，]?", "", piece).strip()
        if len(piece) >= 2:
            features.append(_clip(piece, 160))
    return _dedupe(features), how


# --- English -------------------------------------------------------------------------------------------------------

_EN_PROBLEM = [
    (
        "object of the invention",
        re.compile(
            r"(?:object|aim|purpose|goal)s? of (?:the )?(?:present )?(?:invention|disclosure)\s+(?:is|are)\s+to\s+(.{5,200}?)[.;]",
            re.IGNORECASE,
        ),
    ),
    (
        "to solve/overcome",
        re.compile(
            r"\bto (?:solve|overcome|address|alleviate|mitigate|eliminate|remedy)\s+(.{5,160}?)(?:[.;,]|$)",
            re.IGNORECASE,
        ),
    ),
    (
        "problem of/with",
        re.compile(r"\bproblems? (?:of|with|associated with|in|that)\s+(.{5,160}?)(?:[.;,]|$)", re.IGNORECASE),
    ),
    (
        "drawback/disadvantage",
        re.compile(
            r"\b(?:drawbacks?|disadvantages?|shortcomings?|deficienc(?:y|ies)|limitations?) (?:of|in|with)\s+(.{5,160}?)(?:[.;,]|$)",
            re.IGNORECASE,
        ),
    ),
    ("need for", re.compile(r"\b(?:there is|exists) a need (?:for|to)\s+(.{5,160}?)(?:[.;]|$)", re.IGNORECASE)),
]
_EN_MEANS = re.compile(
    r"\b(?:compris\w*|includ\w*|consist\w* of|having|has|contains?|containing|uses?|using|by)\b", re.IGNORECASE
)
_EN_EFFECT_CUE = re.compile(
    r"\b(?:improv|increas|enhanc|reduc|decreas|lower|minimi[sz]|maximi[sz]|prevent|avoid|eliminat|extend|sav|"
    r"facilitat|simplif|ensur|allow|enabl|permit|mitigat|suppress|inhibit|protect|boost|shorten|speed|accelerat)\w*"
    r"|\b(?:advantage|benefit|efficien|reliab|accura|cost[- ]effective|low[- ]cost|inexpensive|compact)\w*",
    re.IGNORECASE,
)
_EN_EFFECT_CONTEXT = re.compile(
    r"\b(?:thereby|whereby|so that|such that|so as to|in order to|resulting in|results in|which|that|allow\w*|"
    r"enabl\w*|permit\w*|advantage\w*|benefit\w*|effective\w*|(?:the |this )?(?:invention|disclosure|method|system|"
    r"device|apparatus|arrangement|configuration|design)|can|may)\b",
    re.IGNORECASE,
)
_EN_EFFECT_LEAD = re.compile(
    r"^(?:and |thereby |whereby |so that |such that |so as to |in order to |which |resulting in |results in |to |"
    r"further |also |thus |hence |this |it )+",
    re.IGNORECASE,
)
_EN_PURPOSE = re.compile(
    r"\bfor (?:improving|increasing|enhancing|reducing|decreasing|lowering|minimi[sz]ing|preventing|avoiding|"
    r"eliminating|extending|simplifying)\b[^,;.]{3,120}",
    re.IGNORECASE,
)
_EN_CHARACTERISED = re.compile(r"characteri[sz]ed (?:in that|by)\s*:?|the improvement compris\w*\s*:?", re.IGNORECASE)
_EN_BODY = re.compile(
    r"\b(?:compris\w*|includ\w*|consist\w* of|having)(?:,?\s+the)?(?:\s+(?:following\s+)?steps?(?:\s+of)?)?\s*:",
    re.IGNORECASE,
)


def _en_problem(text: str) -> tuple[str | None, str | None]:
    for cue, pattern in _EN_PROBLEM:
        hit = pattern.search(text)
        if hit:
            return _clip(hit.group(1)), cue
    return None, None


def _en_means(sentences: list[str]) -> tuple[str | None, str | None]:
    for sentence in sentences:
        hit = _EN_MEANS.search(sentence)
        if hit:
            return _clip(sentence, 300), f"construction: {hit.group(0)}"
    return (_clip(sentences[0], 300), "first sentence") if sentences else (None, None)


def _en_effects(sentences: list[str]) -> list[str]:
    effects: list[str] = []
    for sentence in sentences:
        for purpose in _EN_PURPOSE.finditer(sentence):
            effects.append(_clip(purpose.group(0)[4:], 120))
        if not (_EN_EFFECT_CONTEXT.search(sentence) and _EN_EFFECT_CUE.search(sentence)):
            continue
        for clause in _EN_CLAUSE.split(sentence.rstrip(".")):
            hit = _EN_EFFECT_CUE.search(clause)
            if not hit:
                continue
            # keep the clause from its result verb on, unless a consequence frame starts it ("thereby reducing …")
            if not re.match(r"\s*(?:thereby|whereby|so that|such that|so as to|in order to)\b", clause, re.IGNORECASE):
                clause = clause[hit.start() :]
            cleaned = _EN_EFFECT_LEAD.sub("", clause.strip()).strip()
            if len(cleaned) >= 6 and not re.match(r"(?:compris|includ)", cleaned, re.IGNORECASE):
                effects.append(_clip(cleaned, 120))
    return _dedupe(effects)


def _en_features(claim: str) -> tuple[list[str], str | None]:
    claim = _CLAIM_NUMBER.sub("", claim)
    claim = _REFERENCE_NUMERAL.sub("", claim)
    hit = _EN_CHARACTERISED.search(claim)
    how = "characterized in that"
    if hit:
        part = claim[hit.end() :]
    else:
        body = _EN_BODY.search(claim) or re.search(r"\b(?:compris\w*|includ\w*)\b", claim, re.IGNORECASE)
        if not body:
            return [], None
        part, how = claim[body.end() :], body.group(0).rstrip(": ")
    pieces: list[str] = []
    for piece in re.split(r";\s*(?:and\s+)?|\n+", part):
        # a "wherein" clause is its own feature: it is usually the part that distinguishes the invention
        pieces.extend(re.split(r",?\s+(?=wherein\b)", piece))
    features = []
    for piece in pieces:
        piece = re.sub(r"^(?:and|or)\s+", "", piece.strip(" ,.:;"), flags=re.IGNORECASE).strip()
        if len(piece) >= 4:
            features.append(_clip(piece, 200))
    return _dedupe(features), how


# --- entry point ---------------------------------------------------------------------------------------------------


def essential_features(first_claim: str | None, language: str | None = None) -> list[str]:
    """Feature phrases of the first independent claim's characterising part (or of its body after "comprising")."""
    if not first_claim:
        return []
    language = language or _language(first_claim)
    return (_zh_features if language == "zh" else _en_features)(first_claim)[0]


def _language(text: str) -> str:
    detected = detect_language(text)
    return "zh" if detected == "zh" else "en"


def extract_pme(
    title: str | None,
    abstract: str | None,
    first_claim: str | None = None,
    language: str | None = None,
    *,
    vocabulary: EffectVocabulary | None = None,
) -> PME:
    """Problem, means, effects (raw and normalised), essential features and the evidence for each."""
    vocabulary = vocabulary or load_effect_vocabulary()
    title, abstract, first_claim = title or "", abstract or "", first_claim or ""
    language = language or _language(f"{title} {abstract} {first_claim}")
    evidence: list[str] = []
    if language == "zh":
        text = to_simplified(abstract)
        sentences = _zh_sentences(text)
        problem, problem_cue = _zh_problem(text)
        means, means_cue = _zh_means(sentences)
        effects = _zh_effects(sentences)
        features, features_cue = _zh_features(first_claim) if first_claim else ([], None)
        if not means and features:
            means, means_cue = _clip("；".join(features)), "first claim characterising part"
    else:
        text = re.sub(r"\s+", " ", abstract).strip()
        sentences = _en_sentences(text)
        problem, problem_cue = _en_problem(text)
        means, means_cue = _en_means(sentences)
        effects = _en_effects(sentences)
        features, features_cue = _en_features(first_claim) if first_claim else ([], None)
    if problem:
        evidence.append(f"problem: cue {problem_cue!r}")
    if means:
        evidence.append(f"means: {means_cue}")
    terms: list[str] = []
    for effect in effects:
        for hit in vocabulary.match(effect, language):
            if hit.term.id not in terms:
                terms.append(hit.term.id)
                evidence.append(f"effect term {hit.term.id} ({hit.term.zh}): {hit.phrase!r}")
    if problem:
        for hit in vocabulary.match(problem, language, problem=True):
            if hit.term.id not in terms:
                terms.append(hit.term.id)
                evidence.append(f"effect term {hit.term.id} ({hit.term.zh}) from the problem: {hit.phrase!r}")
    if features:
        evidence.append(f"essential features: {len(features)} from the first claim after {features_cue!r}")
    return PME(
        problem=problem,
        means=means,
        effects=effects,
        effect_terms=terms,
        essential_features=features,
        language=language,
        evidence=evidence,
    )
