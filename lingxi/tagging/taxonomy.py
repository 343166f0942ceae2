"""A taxonomy (分类体系) is data: a tree of nodes, each defined by IPC patterns, keywords and example texts.

The YAML form is what operators edit and what ships in lingxi/tagging/data/. `to_yaml` writes one canonical layout
(fixed key order, empty fields left out) so that load → dump → load gives the same taxonomy and dump → load → dump
the same text. `validate` reports every problem at once, each naming the node and the field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from lingxi import fields

KINDS = ("chain", "classification", "custom")
STREAMS = ("upstream", "midstream", "downstream")
STREAM_LABELS = {"upstream": ("上游", "Upstream"), "midstream": ("中游", "Midstream"),
                 "downstream": ("下游", "Downstream")}
# An IPC pattern: section, class, subclass, optional group/subgroup, with * wildcards (CNIPA writes G06F40*).
_PATTERN = re.compile(r"^[A-H](\d{0,2}|\d{2}[A-Z*]?)[0-9*]*(/[0-9*]*)?\*?$|^[A-H]\*$")
_KEY = re.compile(r"^[A-Za-z0-9_.\-]+$")


class TaxonomyError(ValueError):
    """Invalid taxonomy; `problems` lists each as "node KEY, field FIELD: what is wrong"."""

    def __init__(self, name: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"taxonomy {name!r} is invalid:\n  - " + "\n  - ".join(problems))


@dataclass
class TaxonomyNode:
    key: str
    name_zh: str
    name_en: str = ""
    parent: str | None = None
    level: int = 1  # filled in from the tree by Taxonomy.__post_init__
    stream: str | None = None  # upstream | midstream | downstream, for industry chains (上中下游)
    ipc_patterns: list[str] = field(default_factory=list)
    ipc_exclusions: list[str] = field(default_factory=list)
    keywords_zh: list[str] = field(default_factory=list)
    keywords_en: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def label(self, language: str = "zh") -> str:
        return self.name_en if language == "en" and self.name_en else self.name_zh


@dataclass
class Taxonomy:
    name: str
    title_zh: str
    title_en: str = ""
    kind: str = "custom"
    version: int | None = None  # assigned by the store; not part of the YAML
    description: str = ""
    nodes: list[TaxonomyNode] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self.by_key = {node.key: node for node in self.nodes}
        for node in self.nodes:
            node.level = self._depth(node)

    def _depth(self, node: TaxonomyNode) -> int:
        depth, seen, current = 1, {node.key}, node
        while current.parent and current.parent in self.by_key and current.parent not in seen:
            seen.add(current.parent)
            current = self.by_key[current.parent]
            depth += 1
        return depth

    def node(self, key: str) -> TaxonomyNode:
        return self.by_key[key]

    def ancestors(self, key: str) -> list[str]:
        """Parent, grandparent … of a node (a child match implies its ancestors)."""
        out, current = [], self.by_key[key].parent
        while current and current in self.by_key and current not in out:
            out.append(current)
            current = self.by_key[current].parent
        return out

    def children(self, key: str | None) -> list[TaxonomyNode]:
        return [node for node in self.nodes if node.parent == key]

    def effective_stream(self, key: str) -> str | None:
        for candidate in [key, *self.ancestors(key)]:
            if self.by_key[candidate].stream:
                return self.by_key[candidate].stream
        return None

    def content_hash(self) -> str:
        return hashlib.sha1(to_yaml(self).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------- YAML

_NODE_FIELDS = ("key", "parent", "name_zh", "name_en", "stream", "ipc_patterns", "ipc_exclusions", "keywords_zh",
                "keywords_en", "examples")
_LIST_FIELDS = ("ipc_patterns", "ipc_exclusions", "keywords_zh", "keywords_en", "examples")


def to_dict(taxonomy: Taxonomy) -> dict:
    out: dict[str, Any] = {"name": taxonomy.name, "kind": taxonomy.kind, "title_zh": taxonomy.title_zh}
    if taxonomy.title_en:
        out["title_en"] = taxonomy.title_en
    if taxonomy.description:
        out["description"] = taxonomy.description
    nodes = []
    for node in taxonomy.nodes:
        data = asdict(node)
        nodes.append({name: data[name] for name in _NODE_FIELDS if data[name] not in (None, "", [])})
    out["nodes"] = nodes
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def to_yaml(taxonomy: Taxonomy) -> str:
    return yaml.dump(to_dict(taxonomy), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def from_dict(data: Any, source: str = "taxonomy") -> Taxonomy:
    """Build and validate a taxonomy from parsed YAML; raises TaxonomyError listing every problem."""
    if not isinstance(data, dict):
        raise TaxonomyError(source, ["the file must be a mapping with name, title_zh, kind and nodes"])
    problems: list[str] = []
    name = data.get("name")
    if not isinstance(name, str) or not _KEY.match(name or ""):
        problems.append(f"field name: {name!r} must be a word of letters, digits, _ . - (e.g. chain_pv)")
    for unknown in sorted(set(data) - {"name", "kind", "title_zh", "title_en", "description", "nodes"}):
        problems.append(f"field {unknown}: unknown field")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        problems.append("field nodes: a taxonomy needs a list of at least one node")
        raw_nodes = []
    nodes = []
    for position, raw in enumerate(raw_nodes, start=1):
        node = _node_from_dict(raw, position, problems)
        if node is not None:
            nodes.append(node)
    taxonomy = Taxonomy(name=str(name or source), title_zh=str(data.get("title_zh") or ""),
                        title_en=str(data.get("title_en") or ""), kind=str(data.get("kind") or "custom"),
                        description=str(data.get("description") or ""), nodes=nodes)
    problems += validate(taxonomy)
    if problems:
        raise TaxonomyError(taxonomy.name, problems)
    return taxonomy


def _node_from_dict(raw: Any, position: int, problems: list[str]) -> TaxonomyNode | None:
    if not isinstance(raw, dict):
        problems.append(f"node #{position}: must be a mapping with key, name_zh …")
        return None
    where = f"node {raw.get('key', '#' + str(position))}"
    for unknown in sorted(set(raw) - set(_NODE_FIELDS)):
        problems.append(f"{where}, field {unknown}: unknown field")
    values: dict[str, Any] = {}
    for name in _NODE_FIELDS:
        value = raw.get(name)
        if name in _LIST_FIELDS:
            if value is None:
                value = []
            elif isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
                problems.append(f"{where}, field {name}: must be a list of strings")
                value = []
            value = [str(v) for v in value]
        elif value is not None:
            value = str(value)
        values[name] = value
    return TaxonomyNode(key=values["key"] or "", name_zh=values["name_zh"] or "", name_en=values["name_en"] or "",
                        parent=values["parent"], stream=values["stream"],
                        **{name: values[name] for name in _LIST_FIELDS})


def validate(taxonomy: Taxonomy) -> list[str]:
    problems = []
    if not taxonomy.title_zh:
        problems.append("field title_zh: missing (the Chinese title shown in the UI)")
    if taxonomy.kind not in KINDS:
        problems.append(f"field kind: {taxonomy.kind!r} is not one of {', '.join(KINDS)}")
    seen: set[str] = set()
    keys = {node.key for node in taxonomy.nodes}
    for node in taxonomy.nodes:
        where = f"node {node.key or '(no key)'}"
        if not node.key or not _KEY.match(node.key):
            problems.append(f"{where}, field key: {node.key!r} must be letters, digits, _ . - (e.g. pv_cell or 1.5)")
        elif node.key in seen:
            problems.append(f"{where}, field key: used by more than one node")
        seen.add(node.key)
        if not node.name_zh:
            problems.append(f"{where}, field name_zh: missing")
        if node.parent is not None and node.parent not in keys:
            problems.append(f"{where}, field parent: no node has key {node.parent!r}")
        if node.parent == node.key:
            problems.append(f"{where}, field parent: a node cannot be its own parent")
        if node.stream is not None and node.stream not in STREAMS:
            problems.append(f"{where}, field stream: {node.stream!r} is not one of {', '.join(STREAMS)}")
        for name in ("ipc_patterns", "ipc_exclusions"):
            for pattern in getattr(node, name):
                if not valid_pattern(pattern):
                    problems.append(f"{where}, field {name}: {pattern!r} is not an IPC pattern "
                                    "(e.g. H01M, H01M10/05*, G06F40*, H01L31/04)")
    problems += _cycles(taxonomy)
    if taxonomy.kind == "chain":
        for node in taxonomy.nodes:
            if node.parent is None and node.stream is None:
                problems.append(f"node {node.key}, field stream: a chain's top nodes need upstream, midstream or "
                                "downstream")
    return problems


def _cycles(taxonomy: Taxonomy) -> list[str]:
    problems = []
    for node in taxonomy.nodes:
        seen, current = {node.key}, node.parent
        while current is not None and current in taxonomy.by_key:
            if current in seen:
                problems.append(f"node {node.key}, field parent: the parents form a cycle through {current!r}")
                break
            seen.add(current)
            current = taxonomy.by_key[current].parent
    return problems


def valid_pattern(pattern: str) -> bool:
    from lingxi.tagging.ipc import canonical_pattern

    return bool(_PATTERN.match(canonical_pattern(pattern)))


def from_yaml(text: str, source: str = "taxonomy") -> Taxonomy:
    try:
        data = fields.yaml_document(text)
    except yaml.YAMLError as error:
        raise TaxonomyError(source, [f"not valid YAML: {error}"]) from None
    return from_dict(data, source)
