"""Scenario scores from normalised indicators and a weight profile, vectorised over all patents.

For a dimension d (法律/技术/经济) with indicator weights w_i, only the indicators known for the patent count:
    dimension score_d = 100 · Σ w_i·n_i / Σ w_i   (sums over the known indicators)
so a missing indicator's weight is redistributed to the known ones of its dimension, never read as 0. A dimension
with nothing known is missing, and its weight is redistributed to the other dimensions the same way:
    score = Σ W_d · score_d / Σ W_d   (sums over the known dimensions).
Each indicator's contribution (W_d / ΣW) · 100 · w_i·n_i / Σw_i adds up exactly to the score. Coverage is the share
of the profile's total (normalised) weight that was known; a score under the profile's `low_coverage` is flagged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from lingxi.value.profiles import GRADES, Profile
from lingxi.value.vocabulary import DIMENSIONS


@dataclass
class ScenarioScores:
    profile: Profile
    score: np.ndarray  # NaN when nothing the profile uses is known
    dimensions: dict[str, np.ndarray]  # dimension → 0–100 or NaN
    dimension_share: dict[str, np.ndarray]  # dimension → its effective share of the score (0 when missing)
    coverage: np.ndarray
    dimension_coverage: dict[str, np.ndarray]
    contributions: dict[tuple[str, str], np.ndarray]  # (dimension, indicator) → points, NaN when missing
    effective_weights: dict[tuple[str, str], np.ndarray]
    grades: np.ndarray  # object array of "A".."D" (None where score is NaN)


def grade(score: float, thresholds: dict[str, float]) -> str:
    for letter in GRADES:
        if score >= thresholds[letter]:
            return letter
    return "D"


def score_profile(profile: Profile, normalised: dict[str, np.ndarray], n: int) -> ScenarioScores:
    total_dim_weight = sum(spec["weight"] for spec in profile.weights.values())
    weighted_sum = np.zeros(n)
    known_dim_weight = np.zeros(n)
    coverage = np.zeros(n)
    dims: dict[str, np.ndarray] = {}
    dim_cov: dict[str, np.ndarray] = {}
    parts: dict[str, tuple[np.ndarray, dict[str, tuple[float, np.ndarray]]]] = {}
    for dim in DIMENSIONS:
        spec = profile.weights.get(dim)
        if not spec:
            continue
        inner_total = sum(spec["indicators"].values())
        known_weight = np.zeros(n)
        points = np.zeros(n)
        terms = {}
        for name, w in spec["indicators"].items():
            values = normalised[name]
            known = ~np.isnan(values)
            known_weight += np.where(known, w, 0.0)
            points += np.where(known, w * np.nan_to_num(values), 0.0)
            terms[name] = (w, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            dim_score = np.where(known_weight > 0, 100.0 * points / np.where(known_weight > 0, known_weight, 1), np.nan)
        dims[dim] = dim_score
        dim_cov[dim] = known_weight / inner_total if inner_total else np.zeros(n)
        present = known_weight > 0
        weighted_sum += np.where(present, spec["weight"] * np.nan_to_num(dim_score), 0.0)
        known_dim_weight += np.where(present, spec["weight"], 0.0)
        coverage += (spec["weight"] / total_dim_weight) * dim_cov[dim]
        parts[dim] = (known_weight, terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(known_dim_weight > 0, weighted_sum / np.where(known_dim_weight > 0, known_dim_weight, 1),
                         np.nan)
    score = np.round(score, 2)  # stored with 2 decimals: grade what is stored
    shares: dict[str, np.ndarray] = {}
    contributions: dict[tuple[str, str], np.ndarray] = {}
    effective: dict[tuple[str, str], np.ndarray] = {}
    safe_total = np.where(known_dim_weight > 0, known_dim_weight, 1)
    for dim, (known_weight, terms) in parts.items():
        share = np.where(known_weight > 0, profile.weights[dim]["weight"] / safe_total, 0.0)
        shares[dim] = share
        safe_known = np.where(known_weight > 0, known_weight, 1)
        for name, (w, values) in terms.items():
            eff = np.where(np.isnan(values), np.nan, share * w / safe_known)
            effective[(dim, name)] = eff
            contributions[(dim, name)] = 100.0 * eff * values
    thresholds = profile.grade_thresholds
    grades = np.full(n, None, dtype=object)
    known = ~np.isnan(score)
    grades[known & (score < thresholds["C"])] = "D"
    grades[known & (score >= thresholds["C"])] = "C"
    grades[known & (score >= thresholds["B"])] = "B"
    grades[known & (score >= thresholds["A"])] = "A"
    return ScenarioScores(profile, score, dims, shares, coverage, dim_cov, contributions, effective, grades)


def breakdown_texts(scores: ScenarioScores, tails: list[str]) -> list[str]:
    """The stored breakdown of every patent as JSON text, built from one template per profile (json.dumps of a
    dict per patent was the slowest part of scoring 100k patents).

    {"dimensions": {dim: {"weight": nominal share of the profile, "effective_weight": share of this score after
    redistribution, "score", "coverage", "indicators": {indicator: contribution in points}}}, "coverage",
    "low_coverage", "missing": [...], "cohort", "cohort_level"}. A missing indicator's contribution is null and it
    is listed in "missing". An indicator's effective weight follows from these and the profile (dimension
    effective_weight × its weight ÷ the weights known in its dimension), so it is not stored: 100k × 4 breakdowns
    stay small and quick to write. `tails[k]` is patent k's
    ',"cohort": …, "cohort_level": …}' ending; lingxi.value.service adds raw values, sources and profile weights.
    """
    profile = scores.profile
    total = sum(spec["weight"] for spec in profile.weights.values())
    fragments, columns, used = [], [], []
    for dim, spec in profile.weights.items():
        inner = [f'"{name}":%.5g' for name in spec["indicators"]]
        fragments.append(f'"{dim}":{{"weight":{round(spec["weight"] / total, 4)},"effective_weight":%.5g,'
                         f'"score":%.5g,"coverage":%.4g,"indicators":{{{",".join(inner)}}}}}')
        columns += [scores.dimension_share[dim], scores.dimensions[dim], scores.dimension_coverage[dim]]
        for name in spec["indicators"]:
            columns.append(scores.contributions[(dim, name)])
            if name not in used:
                used.append(name)
    template = '{"dimensions":{' + ",".join(fragments) + '},"coverage":%.4g'
    assert "nan" not in template  # NaN is turned into null by text replacement below
    columns.append(scores.coverage)
    n = len(scores.score)
    mask = np.zeros(n, dtype=np.int64)
    for bit, name in enumerate(used):
        dim = next(d for d in profile.weights if (d, name) in scores.effective_weights)
        mask |= np.isnan(scores.effective_weights[(dim, name)]).astype(np.int64) << bit
    low = (scores.coverage < float(profile.parameters.get("low_coverage", 0.5))).tolist()
    missing_json: dict[int, str] = {}
    lists = [np.asarray(column, dtype=float).tolist() for column in columns]
    texts = []
    for k, (values, bits) in enumerate(zip(zip(*lists), mask.tolist())):
        missing = missing_json.get(bits)
        if missing is None:
            missing = missing_json[bits] = json.dumps(sorted(name for i, name in enumerate(used) if bits >> i & 1))
        texts.append((template % values).replace("nan", "null")
                     + (',"low_coverage":true,"missing":' if low[k] else ',"low_coverage":false,"missing":')
                     + missing + tails[k])
    return texts
