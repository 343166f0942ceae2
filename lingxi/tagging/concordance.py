"""Import an IPC concordance table (e.g. CNIPA's 战略性新兴产业分类与国际专利分类参照关系表) as a taxonomy.

The official table is a .docx; operators turn it into a spreadsheet with one row per category:
    sei code | name | ipc patterns | exclusions | keywords
(header names are matched loosely, Chinese or English; patterns, exclusions and keywords are separated by
commas, semicolons, 、 or whitespace; "(不含 H01L31*)" inside the pattern cell is read as an exclusion). The codes'
dots give the tree: 1 → 1.1 → 1.1.2. Rows repeating a code add their patterns to it (the table often spreads one
category over many rows). The result is saved as a new version of the taxonomy, by default `sei_2018`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from lingxi.tagging.taxonomy import Taxonomy, TaxonomyError, TaxonomyNode, to_yaml

_HEADERS = {
    "code": ("sei code", "sei_code", "code", "代码", "分类代码", "编码", "序号"),
    "name": ("name", "sei name", "sei_name", "名称", "分类名称", "产业名称"),
    "ipc": ("ipc", "ipc patterns", "ipc_patterns", "国际专利分类", "ipc分类", "ipc号", "参照关系"),
    "exclusions": ("exclusions", "ipc exclusions", "ipc_exclusions", "不含", "排除"),
    "keywords": ("keywords", "关键词", "关键字", "说明"),
}
_SPLIT = re.compile(r"[,，;；、\s]+")
_SPLIT_WORDS = re.compile(r"\s*[,，;；、\n]\s*")  # keywords may contain spaces ("machine learning")
_EXCLUDED = re.compile(r"[（(]\s*不含([^）)]*)[）)]")


def _read_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        return [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TaxonomyError(path.name, ["file is neither UTF-8 nor GB18030 text"])
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    lowered = [h.strip().lower() for h in header]
    for field, names in _HEADERS.items():
        for index, value in enumerate(lowered):
            if value in names and index not in found.values():
                found[field] = index
                break
    return found


def read_concordance(path: Path, name: str = "sei_2018", title_zh: str = "战略性新兴产业分类（2018）",
                     title_en: str = "Strategic emerging industries (2018)") -> Taxonomy:
    rows = [row for row in _read_rows(path) if any(row)]
    if not rows:
        raise TaxonomyError(name, [f"{path.name}: empty file"])
    columns = _columns(rows[0])
    missing = [field for field in ("code", "name", "ipc") if field not in columns]
    if missing:
        raise TaxonomyError(name, [f"{path.name}, header: no column for {', '.join(missing)} "
                                   "(expected: sei code, name, ipc patterns, exclusions, keywords)"])
    nodes: dict[str, TaxonomyNode] = {}

    def cell(row, field):
        index = columns.get(field)
        return row[index] if index is not None and index < len(row) else ""

    for line, row in enumerate(rows[1:], start=2):
        code = cell(row, "code").rstrip(".")
        if not code:
            continue
        if not re.fullmatch(r"\d+(\.\d+)*", code):
            raise TaxonomyError(name, [f"{path.name}, line {line}, field sei code: {code!r} is not a code like 1.2.3"])
        node = nodes.get(code)
        if node is None:
            parent = code.rsplit(".", 1)[0] if "." in code else None
            node = nodes[code] = TaxonomyNode(key=code, name_zh=cell(row, "name"), parent=parent)
        elif not node.name_zh:
            node.name_zh = cell(row, "name")
        ipc_cell = cell(row, "ipc")
        for excluded in _EXCLUDED.findall(ipc_cell):
            node.ipc_exclusions += [p for p in _SPLIT.split(excluded) if p]
        node.ipc_patterns += [p for p in _SPLIT.split(_EXCLUDED.sub(" ", ipc_cell)) if p]
        node.ipc_exclusions += [p for p in _SPLIT.split(cell(row, "exclusions")) if p]
        for keyword in _SPLIT_WORDS.split(cell(row, "keywords")):
            if keyword and re.search(r"[\u4e00-\u9fff]", keyword):
                node.keywords_zh.append(keyword)
            elif keyword:
                node.keywords_en.append(keyword)
    for node in list(nodes.values()):  # a code whose parent has no row of its own gets a plain parent node
        parent = node.parent
        while parent and parent not in nodes:
            nodes[parent] = TaxonomyNode(key=parent, name_zh=parent,
                                         parent=parent.rsplit(".", 1)[0] if "." in parent else None)
            parent = nodes[parent].parent
    for node in nodes.values():
        for field in ("ipc_patterns", "ipc_exclusions", "keywords_zh", "keywords_en"):
            setattr(node, field, list(dict.fromkeys(getattr(node, field))))
    ordered = sorted(nodes.values(), key=lambda n: [int(part) for part in n.key.split(".")])
    return Taxonomy(name=name, title_zh=title_zh, title_en=title_en, kind="classification",
                    description=f"Imported from {path.name} with `lingxi taxonomy import-concordance`.",
                    nodes=ordered)


def concordance_yaml(path: Path, name: str = "sei_2018") -> str:
    from lingxi.tagging.taxonomy import from_yaml

    text = to_yaml(read_concordance(path, name))
    from_yaml(text, name)  # validate: names the node and field of any problem
    return text
