"""Multi-label classification of a patent (or any text, e.g. a demand) into a taxonomy, with confidence and evidence.

Three kinds of evidence, combined per node as independent signals (noisy-or):
- IPC rules: a code matching a node's patterns and none of its exclusions (0.9 for the main/first code, 0.8 other);
- keyword rules over the title (0.55 per keyword) and abstract/claims (0.3), always, so text-only records work;
- the learned token-weight model (lingxi/tagging/model.py), which reviews teach.
A node at or above THRESHOLD is a tag; a child's tag implies its ancestors (each gets at least the child's
confidence, with "via" evidence). Source is "rule" when an IPC or keyword rule fired, "model" otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lingxi.search.fields import normalise_class_code
from lingxi.tagging.ipc import first_match
from lingxi.tagging.model import TokenWeightModel, train
from lingxi.tagging.taxonomy import Taxonomy
from lingxi.text.normalise import normalise
from lingxi.text.segment import segment

THRESHOLD = 0.5
IPC_MAIN, IPC_OTHER = 0.9, 0.8
KEYWORD_TITLE, KEYWORD_BODY = 0.55, 0.3


@dataclass
class Document:
    title: str = ""
    abstract: str = ""
    claims: str = ""
    ipc_codes: list[str] = field(default_factory=list)  # main code first

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.abstract, self.claims) if part)


@dataclass
class TagResult:
    node_key: str
    name_zh: str
    confidence: float
    source: str  # rule | model
    evidence: dict

    @property
    def evidence_text(self) -> str:
        return describe_evidence(self.name_zh, self.evidence)

    def as_dict(self) -> dict:
        return {"node": self.node_key, "name": self.name_zh, "confidence": round(self.confidence, 3),
                "source": self.source, "evidence": self.evidence, "evidence_text": self.evidence_text}


def describe_evidence(name: str, evidence: dict) -> str:
    """"IPC H01M10/0525 matches node 锂离子电池; keywords 正极材料, 循环寿命; model 钙钛矿 +4.1"."""
    parts = []
    if evidence.get("ipc"):
        codes = ", ".join(item["code"] for item in evidence["ipc"])
        parts.append(f"IPC {codes} matches node {name}")
    if evidence.get("keywords"):
        parts.append("keywords " + ", ".join(evidence["keywords"]))
    if evidence.get("model"):
        tokens = ", ".join(f"{token} {weight:+.1f}" for token, weight in evidence["model"]["tokens"])
        parts.append(f"model p={evidence['model']['p']:.2f} ({tokens})")
    if evidence.get("via"):
        parts.append("via " + ", ".join(evidence["via"]))
    return "; ".join(parts) or f"node {name}"


class _KeywordIndex:
    """Every keyword of a taxonomy once, with the nodes it belongs to: one pass over a text finds them all.

    Chinese keywords are substring tests (segmentation must not decide whether 锂离子电池 is present); English
    keywords are one alternation matched on whole words ("cell" must not fire inside "cellulose")."""

    def __init__(self, taxonomy: Taxonomy):
        zh: dict[str, list[str]] = {}
        en: dict[str, list[str]] = {}
        for node in taxonomy.nodes:
            for keyword in node.keywords_zh:
                if keyword.strip():
                    zh.setdefault(normalise(keyword).lower(), []).append(node.key)
            for keyword in node.keywords_en:
                if keyword.strip():
                    en.setdefault(normalise(keyword).lower(), []).append(node.key)
        self.zh = sorted(zh.items())
        self.en = en
        words = sorted(en, key=len, reverse=True)
        self.en_pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b") if words else None

    def find(self, title: str, body: str) -> list[tuple[str, str, bool]]:
        """(keyword, node key, found in title) for every keyword present."""
        text = title + "\n" + body
        hits = []
        for keyword, nodes in self.zh:
            position = text.find(keyword)
            if position >= 0:
                hits.extend((position, keyword, node, position < len(title)) for node in nodes)
        if self.en_pattern is not None and _LATIN.search(text):
            seen = set()
            for match in self.en_pattern.finditer(text):
                keyword = match.group(0)
                if keyword in seen:
                    continue
                seen.add(keyword)
                hits.extend((match.start(), keyword, node, match.start() < len(title)) for node in self.en[keyword])
        hits.sort()  # evidence lists keywords in the order the text has them
        return [(keyword, node, in_title) for _, keyword, node, in_title in hits]


_LATIN = re.compile(r"[a-z]")


class Classifier:
    """A taxonomy compiled for fast classification; build once per run, reuse for every patent."""

    def __init__(self, taxonomy: Taxonomy, model: TokenWeightModel | None = None, threshold: float = THRESHOLD,
                 use_ipc: bool = True):
        self.taxonomy = taxonomy
        self.model = model or train(taxonomy)
        self.threshold = threshold
        self.use_ipc = use_ipc
        self._keywords = _KeywordIndex(taxonomy)
        self._ipc_rules = [node for node in taxonomy.nodes if node.ipc_patterns]
        self._ipc_cache: dict[str, list[tuple[str, str]]] = {}
        self._ancestors = {node.key: taxonomy.ancestors(node.key) for node in taxonomy.nodes}

    @property
    def model_version(self) -> str:
        return self.model.version

    def _ipc_nodes(self, code: str) -> list[tuple[str, str]]:
        cached = self._ipc_cache.get(code)
        if cached is None:
            cached = []
            for node in self._ipc_rules:
                pattern = first_match(code, node.ipc_patterns, node.ipc_exclusions)
                if pattern:
                    cached.append((node.key, pattern))
            if len(self._ipc_cache) < 200_000:
                self._ipc_cache[code] = cached
        return cached

    def classify(self, document: Document, tokens: list[str] | None = None) -> list[TagResult]:
        signals: dict[str, list[float]] = {}
        evidence: dict[str, dict] = {}

        def add(key: str, confidence: float, kind: str, item) -> None:
            signals.setdefault(key, []).append(confidence)
            entry = evidence.setdefault(key, {})
            if kind == "model":
                entry["model"] = item
            else:
                entry.setdefault(kind, []).append(item)

        if self.use_ipc:
            for position, raw in enumerate(document.ipc_codes):
                code = normalise_class_code(raw)
                for key, pattern in self._ipc_nodes(code):
                    add(key, IPC_MAIN if position == 0 else IPC_OTHER, "ipc", {"code": code, "pattern": pattern})
        title = normalise(document.title or "").lower()
        body = normalise("\n".join(p for p in (document.abstract, document.claims) if p)).lower()
        for keyword, key, in_title in self._keywords.find(title, body):
            add(key, KEYWORD_TITLE if in_title else KEYWORD_BODY, "keywords", keyword)
        rule_fired = set(signals)
        if tokens is None:
            tokens = segment(document.text)
        for key, (probability, why) in self.model.score(tokens).items():
            add(key, probability, "model", {"p": round(probability, 3),
                                            "tokens": [[t, round(w, 2)] for t, w in why]})
        results: dict[str, TagResult] = {}
        for key, values in signals.items():
            miss = 1.0
            for value in values:
                miss *= 1.0 - max(0.0, min(value, 0.99))
            confidence = 1.0 - miss
            if confidence >= self.threshold:
                node = self.taxonomy.by_key[key]
                results[key] = TagResult(key, node.name_zh, round(confidence, 4),
                                         "rule" if key in rule_fired else "model", evidence[key])
        for key in sorted(results, key=lambda k: -results[k].confidence):
            child = results[key]
            for ancestor in self._ancestors[key]:
                current = results.get(ancestor)
                if current is None:
                    node = self.taxonomy.by_key[ancestor]
                    results[ancestor] = TagResult(ancestor, node.name_zh, child.confidence, child.source,
                                                  {"via": [key]})
                else:
                    current.evidence.setdefault("via", [])
                    if key not in current.evidence["via"]:
                        current.evidence["via"].append(key)
                    current.confidence = max(current.confidence, child.confidence)
        return sorted(results.values(), key=lambda r: (-r.confidence, r.node_key))


def classify_text(taxonomy: Taxonomy, text: str, model: TokenWeightModel | None = None) -> list[TagResult]:
    """Classify free text (a demand, a query) the way a patent without IPC codes is classified."""
    lines = text.strip().split("\n", 1)
    document = Document(title=lines[0], abstract=lines[1] if len(lines) > 1 else "")
    return Classifier(taxonomy, model).classify(document)
