"""What the patents are about: taxonomy-node and IPC distributions, and the technology–effect matrix (技术功效矩阵).

Matrix rows are technical means — the chain's nodes (or IPC subclasses when the scope has no chain tags); columns are
the effects the PME extractor found (lingxi/tagging/pme.py, the effect vocabulary). A cell counts applications with
both. Hot spots are cells at or above the 90th percentile of non-empty cells (and at least 3); white spaces are empty
or sparse (≤ 1) cells whose row and column are both busy (each at least the median of their totals), i.e. combinations
the field works on separately but has hardly combined — the cells worth an R&D look.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import TaxonomyNodeRow, TaxonomyVersion
from lingxi.navigation.analyses.frame import Frame


def node_names(session: Session, taxonomy: str) -> dict[str, dict]:
    latest = session.execute(select(func.max(TaxonomyVersion.id)).where(TaxonomyVersion.name == taxonomy)).scalar()
    if latest is None:
        return {}
    return {key: {"zh": zh, "en": en or zh, "level": level, "parent": parent}
            for key, zh, en, level, parent in session.execute(
                select(TaxonomyNodeRow.key, TaxonomyNodeRow.name_zh, TaxonomyNodeRow.name_en, TaxonomyNodeRow.level,
                       TaxonomyNodeRow.parent_key).where(TaxonomyNodeRow.taxonomy_id == latest))}


def main_taxonomy(frame: Frame, wanted: str | None) -> str | None:
    if wanted:
        return wanted
    counts = Counter(t for tags in frame.tags.values() for t, _ in tags)
    chains = [t for t, _ in counts.most_common() if t.startswith("chain")]
    return chains[0] if chains else (counts.most_common(1)[0][0] if counts else None)


def distribution(frame: Frame, taxonomy: str | None, names: dict[str, dict], top: int = 20) -> dict:
    nodes: Counter = Counter()
    if taxonomy:
        for tags in frame.tags.values():
            for t, node in tags:
                if t == taxonomy:
                    nodes[node] += 1
    ipc = Counter(frame.ipc.values())
    total = len(frame.apps) or 1
    tagged = sum(1 for tags in frame.tags.values() if any(t == taxonomy for t, _ in tags)) if taxonomy else 0
    return {"taxonomy": taxonomy, "tagged": tagged,
            "nodes": [{"key": k, "name_zh": names.get(k, {}).get("zh", k), "name_en": names.get(k, {}).get("en", k),
                       "level": names.get(k, {}).get("level"), "applications": c, "share": round(c / total, 4)}
                      for k, c in sorted(nodes.items(), key=lambda kv: (-kv[1], kv[0]))[:top]],
            "ipc": [{"code": k, "applications": c, "share": round(c / total, 4)}
                    for k, c in sorted(ipc.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]}


def effect_matrix(frame: Frame, taxonomy: str | None, names: dict[str, dict], rows_max: int = 12,
                  cols_max: int = 10) -> dict:
    means: dict[str, set[str]] = {}
    if taxonomy:
        for key, tags in frame.tags.items():
            picked = {node for t, node in tags if t == taxonomy and names.get(node, {}).get("level", 2) >= 2}
            if picked:
                means[key] = picked
    basis = "taxonomy"
    if len(means) < 0.2 * max(len(frame.apps), 1):
        means, basis = {key: {code} for key, code in frame.ipc.items()}, "ipc"
    row_totals: Counter = Counter(m for ms in means.values() for m in ms)
    col_totals: Counter = Counter(e for key, es in frame.effects.items() if key in means for e in es)
    rows = [m for m, _ in sorted(row_totals.items(), key=lambda kv: (-kv[1], kv[0]))[:rows_max]]
    cols = [e for e, _ in sorted(col_totals.items(), key=lambda kv: (-kv[1], kv[0]))[:cols_max]]
    if not rows or not cols:
        return {"basis": basis, "rows": [], "cols": [], "cells": [], "hot_spots": [], "white_spaces": [],
                "annotated": len(frame.effects)}
    r_index, c_index = {m: i for i, m in enumerate(rows)}, {e: j for j, e in enumerate(cols)}
    cells = np.zeros((len(rows), len(cols)), dtype=int)
    for key, ms in means.items():
        effects = frame.effects.get(key)
        if not effects:
            continue
        for m in ms:
            i = r_index.get(m)
            if i is None:
                continue
            for e in effects:
                j = c_index.get(e)
                if j is not None:
                    cells[i, j] += 1
    nonzero = cells[cells > 0]
    hot_cut = max(3, float(np.percentile(nonzero, 90))) if nonzero.size else 3
    row_busy, col_busy = cells.sum(1), cells.sum(0)
    row_cut, col_cut = float(np.median(row_busy)), float(np.median(col_busy))

    def label(m: str) -> str:
        return names.get(m, {}).get("zh", m) if basis == "taxonomy" else m

    hot, white = [], []
    for i, m in enumerate(rows):
        for j, e in enumerate(cols):
            cell = {"means": label(m), "effect": e, "applications": int(cells[i, j])}
            if cells[i, j] >= hot_cut:
                hot.append(cell)
            elif cells[i, j] <= 1 and row_busy[i] >= row_cut and col_busy[j] >= col_cut:
                white.append(cell)
    hot.sort(key=lambda c: -c["applications"])
    return {"basis": basis, "rows": [label(m) for m in rows], "cols": cols, "cells": cells.tolist(),
            "hot_spots": hot[:10], "white_spaces": white[:10], "hot_cut": hot_cut, "annotated": len(frame.effects)}
