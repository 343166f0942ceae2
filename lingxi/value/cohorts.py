"""Cohorts (technology field × filing year) and normalisation of each indicator within its cohort.

OECD compares a patent only with patents of the same field and filing year (REFERENCE §1.4). A cohort smaller than
`cohort_min_size` gives unstable ranks, so such a patent is compared within its field (all years), and if the field
is small too, with the whole store; the patent's cohort label and level say which.

Normalisation methods, per indicator (parameter `normalisation`):
  percentile   rank within the cohort scaled to [0, 1] (lowest 0, highest 1, ties share their mean rank, a lone
               value 0.5) — the default: robust to skewed counts and comparable across indicators;
  trimmed_max  value ÷ the cohort's (1 − trim_share) quantile, capped at 1 (the KIPO PQI method: trim the top 1 %,
               scale by the cohort maximum) — used for event counts, where most patents have 0 and 0 must stay 0;
  scaled       value ÷ a fixed scale (remaining term ÷ 20 years), capped at 1;
  identity     the value itself, clipped to [0, 1] (legal status is already 1 / 0.5 / 0).
Indicators in `lower_is_better` (grant lag, invalidation events) are turned round: 1 − normalised.
Missing values stay missing (NaN) and take no part in their cohort's ranks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Cohorts:
    labels: list[str]  # per patent: "wipo:…|2019", "wipo:…|*" or "all"
    levels: list[str]  # field_year | field | all
    sizes: np.ndarray  # patents in the cohort used
    codes: np.ndarray  # int code per patent of the cohort used


def assign(fields: list[str], years: np.ndarray, min_size: int) -> Cohorts:
    n = len(fields)
    year_text = [str(int(y)) if y else "unknown" for y in years]
    full = [f"{f}|{y}" for f, y in zip(fields, year_text)]
    full_count: dict[str, int] = {}
    field_count: dict[str, int] = {}
    for label, f in zip(full, fields):
        full_count[label] = full_count.get(label, 0) + 1
        field_count[f] = field_count.get(f, 0) + 1
    labels, levels, sizes = [], [], np.zeros(n, dtype=np.int64)
    for k in range(n):
        if full_count[full[k]] >= min_size and year_text[k] != "unknown":
            labels.append(full[k])
            levels.append("field_year")
            sizes[k] = full_count[full[k]]
        elif field_count[fields[k]] >= min_size and fields[k] != "unknown":
            labels.append(f"{fields[k]}|*")
            levels.append("field")
            sizes[k] = field_count[fields[k]]
        else:
            labels.append("all")
            levels.append("all")
            sizes[k] = n
    code_of: dict[str, int] = {}
    codes = np.fromiter((code_of.setdefault(label, len(code_of)) for label in labels), dtype=np.int64, count=n)
    return Cohorts(labels, levels, sizes, codes)


def _sorted_groups(values: np.ndarray, groups: np.ndarray):
    idx = np.nonzero(~np.isnan(values))[0]
    v, g = values[idx], groups[idx]
    order = np.lexsort((v, g))
    vs, gs = v[order], g[order]
    m = len(vs)
    pos = np.arange(m)
    new_group = np.ones(m, dtype=bool)
    new_group[1:] = gs[1:] != gs[:-1]
    gid = np.cumsum(new_group) - 1
    gstart = pos[new_group][gid]
    gsize = np.bincount(gid)[gid]
    return idx[order], vs, pos, new_group, gstart, gsize


def percentile(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each value within its group, in [0, 1]; NaN stays NaN."""
    out = np.full(len(values), np.nan)
    if len(values) == 0:
        return out
    where, vs, pos, new_group, gstart, gsize = _sorted_groups(values, groups)
    if len(vs) == 0:
        return out
    new_run = new_group.copy()
    new_run[1:] |= vs[1:] != vs[:-1]
    rid = np.cumsum(new_run) - 1
    run_start = pos[new_run][rid]
    run_len = np.bincount(rid)[rid]
    rank = run_start + (run_len - 1) / 2.0 - gstart
    out[where] = np.where(gsize > 1, rank / np.maximum(gsize - 1, 1), 0.5)
    return out


def trimmed_max(values: np.ndarray, groups: np.ndarray, trim: float) -> np.ndarray:
    """value ÷ the group's (1 − trim) quantile (nearest rank; the maximum when that is 0), capped at 1."""
    out = np.full(len(values), np.nan)
    if len(values) == 0:
        return out
    where, vs, pos, new_group, gstart, gsize = _sorted_groups(values, groups)
    if len(vs) == 0:
        return out
    cap_pos = gstart + np.floor((gsize - 1) * (1.0 - trim)).astype(np.int64)
    # when the trimmed quantile is 0 (most patents never had the event), the group maximum is the scale instead,
    # so a rare event still counts
    cap = np.where(vs[cap_pos] > 0, vs[cap_pos], vs[gstart + gsize - 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(cap > 0, np.clip(vs / np.where(cap > 0, cap, 1), 0.0, 1.0), 0.0)
    out[where] = scaled
    return out


def normalise(name: str, values: np.ndarray, cohorts: Cohorts, parameters: dict[str, Any]) -> tuple[np.ndarray, str]:
    """(normalised values in [0, 1] with NaN kept, the method used)."""
    methods = parameters.get("normalisation", {})
    method = methods.get(name, methods.get("default", "percentile"))
    if method == "identity":
        out = np.clip(values, 0.0, 1.0)
    elif method == "scaled":
        scale = float(parameters.get("scale", {}).get(name, 1.0)) or 1.0
        out = np.clip(values / scale, 0.0, 1.0)
    elif method == "trimmed_max":
        out = trimmed_max(values, cohorts.codes, float(parameters.get("trim_share", 0.01)))
    else:
        method = "percentile"
        out = percentile(values, cohorts.codes)
    if name in parameters.get("lower_is_better", []):
        out = 1.0 - out
    return out, method
