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
    _prepared: _Prepared | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.abstract, self.claims) if part)

    def prepared(self) -> _Prepared:
        """The normalised text every taxonomy's keyword rules read, worked out once per document."""
        if self._prepared is None:
            title = normalise(self.title or "").lower()
            body = normalise("\n".join(p for p in (self.abstract, self.claims) if p)).lower()
            self._prepared = _Prepared(title, body)
        return self._prepared


class _Prepared:
    __slots__ = ("title", "body", "text", "_heads")

    def __init__(self, title: str, body: str):
        self.title, self.body = title, body
        self.text = title + "\n" + body
        self._heads: set[str] | None = None

    def heads(self) -> set[str]:
        """Every two-character substring: a keyword can only be present if its first two characters are."""
        if self._heads is None:
            text = self.text
            self._heads = {text[i:i + 2] for i in range(len(text) - 1)}
        return self._heads


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
        # One substring test per keyword and text was most of a run's time (≈250 keywords × 5 taxonomies per
        # patent): keywords are grouped by their first two characters, and only the groups whose head occurs in
        # the text are tested. Same hits, same first positions as testing every keyword.
        self._by_head: dict[str, list[tuple[str, list[str]]]] = {}
        self._short: list[tuple[str, list[str]]] = []  # one-character keywords have no two-character head
        for keyword, nodes in self.zh:
            if len(keyword) >= 2:
                self._by_head.setdefault(keyword[:2], []).append((keyword, nodes))
            else:
                self._short.append((keyword, nodes))
        self._heads = frozenset(self._by_head)
        self.en = en
        words = sorted(en, key=len, reverse=True)
        self.en_pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b") if words else None

    def find(self, title: str, body: str, prepared: _Prepared | None = None) -> list[tuple[str, str, bool]]:
        """(keyword, node key, found in title) for every keyword present."""
        if prepared is None:
            prepared = _Prepared(title, body)
        text = prepared.text
        hits = []
        candidates = [group for head in self._heads.intersection(prepared.heads()) for group in self._by_head[head]]
        for keyword, nodes in candidates + self._short:
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
        self._ipc_cache: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # raw code → (canonical, matches)
        self._ancestors = {node.key: taxonomy.ancestors(node.key) for node in taxonomy.nodes}

    @property
    def model_version(self) -> str:
        return self.model.version

    def _ipc_nodes(self, raw: str) -> tuple[str, list[tuple[str, str]]]:
        """(canonical code, [(node key, pattern)]) for a code as stored; cached because codes repeat a lot."""
        cached = self._ipc_cache.get(raw)
        if cached is None:
            code = normalise_class_code(raw)
            found = []
            for node in self._ipc_rules:
                pattern = first_match(code, node.ipc_patterns, node.ipc_exclusions)
                if pattern:
                    found.append((node.key, pattern))
            cached = (code, found)
            if len(self._ipc_cache) < 200_000:
                self._ipc_cache[raw] = cached
        return cached

    def rule_hits(self, document: Document) -> list[tuple[str, str, dict | str, float]]:
        """(node key, where, what, default confidence) for every IPC and keyword rule that fires: where is
        ipc_main / ipc_other (what: {code, pattern}) or title / body (what: the keyword)."""
        hits: list[tuple[str, str, dict | str, float]] = []
        if self.use_ipc:
            for position, raw in enumerate(document.ipc_codes):
                code, found = self._ipc_nodes(raw)
                for key, pattern in found:
                    hits.append((key, "ipc_main", {"code": code, "pattern": pattern}, IPC_MAIN) if position == 0
                                else (key, "ipc_other", {"code": code, "pattern": pattern}, IPC_OTHER))
        prepared = document.prepared()
        for keyword, key, in_title in self._keywords.find(prepared.title, prepared.body, prepared):
            hits.append((key, "title", keyword, KEYWORD_TITLE) if in_title else (key, "body", keyword, KEYWORD_BODY))
        return hits

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

        learned = self.model.rule_confidence  # rules whose reviews showed them more or less reliable
        for key, where, item, confidence in self.rule_hits(document):
            if learned:
                confidence = learned.get((key, where, item["pattern"] if where.startswith("ipc") else item),
                                         confidence)
            if where.startswith("ipc"):
                add(key, confidence, "ipc", item)
            else:
                add(key, confidence, "keywords", item)
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


def text_document(text: str) -> Document:
    """Free text (a demand, a query) as a document without IPC codes: its first line the title, the rest the body."""
    lines = text.strip().split("\n", 1)
    return Document(title=lines[0], abstract=lines[1] if len(lines) > 1 else "")
