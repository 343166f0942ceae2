"""The scoring job (`lingxi value compute`): indicators for every patent, normalised per cohort, scored with the
active profile of each scenario, written in bulk.

Everything is recomputed on each run, because a cohort's ranks change whenever a patent joins it: the old rows are
deleted and the new ones inserted in one transaction, so readers see either the previous or the new results and a
second run over unchanged data writes the same values (idempotent).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import delete

from lingxi.db import Database
from lingxi.db.base import utcnow
from lingxi.db.bulk import tuple_insert
from lingxi.db.models import PatentIndicatorSet, PatentValueScore
from lingxi.value import cohorts as cohorting
from lingxi.value.indicators import NAMES, IndicatorTable, compute_indicators
from lingxi.value.profiles import active_profiles, indicator_parameters
from lingxi.value.scoring import ScenarioScores, breakdown_texts, score_profile

BATCH = 2000
Progress = Callable[[int, int], None]  # (patents just finished in this step, total steps)


@dataclass
class ScoringSummary:
    patents: int = 0
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)
    indicator_parameters_version: int = 0
    cohorts: int = 0
    cohort_levels: dict[str, int] = field(default_factory=dict)
    missing_share: dict[str, float] = field(default_factory=dict)
    seconds_indicators: float = 0.0
    seconds_scores: float = 0.0

    @property
    def seconds(self) -> float:
        return self.seconds_indicators + self.seconds_scores

    @property
    def patents_per_second(self) -> float:
        return self.patents / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"patents": self.patents, "scenarios": self.scenarios,
                "indicator_parameters_version": self.indicator_parameters_version, "cohorts": self.cohorts,
                "cohort_levels": self.cohort_levels, "missing_share": self.missing_share,
                "seconds_indicators": round(self.seconds_indicators, 3),
                "seconds_scores": round(self.seconds_scores, 3),
                "seconds": round(self.seconds, 3), "patents_per_second": round(self.patents_per_second, 1)}


@dataclass
class NormalisedTable:
    table: IndicatorTable
    cohorts: cohorting.Cohorts
    normalised: dict[str, np.ndarray]
    methods: dict[str, str]


def normalise_table(table: IndicatorTable, parameters: dict[str, Any]) -> NormalisedTable:
    groups = cohorting.assign(table.field_labels, table.filing_year, int(parameters.get("cohort_min_size", 30)))
    normalised, methods = {}, {}
    for name in NAMES:
        normalised[name], methods[name] = cohorting.normalise(name, table.values[name], groups, parameters)
    return NormalisedTable(table, groups, normalised, methods)


def run_scoring(db: Database, scenarios: list[str] | None = None, on_progress: Progress | None = None,
                as_of: dt.date | None = None) -> ScoringSummary:
    """Compute indicators of all patents, normalise per cohort, score each scenario; returns a summary."""
    summary = ScoringSummary()
    started = time.perf_counter()
    with db.sessions() as session:
        parameters, summary.indicator_parameters_version = indicator_parameters(session)
        profiles = active_profiles(session, scenarios)
        session.commit()
        if scenarios:
            unknown = sorted(set(scenarios) - set(profiles))
            if unknown:
                raise KeyError(f"no active profile for scenario {', '.join(unknown)}")
        table = compute_indicators(session, parameters, as_of)
        data = normalise_table(table, parameters)
        n = summary.patents = len(table.ids)
        steps = n * (1 + len(profiles))
        if on_progress:
            on_progress(0, steps)
        connection = session.connection()
        now = utcnow().isoformat(" ")
        connection.execute(delete(PatentIndicatorSet))
        write = _writer(connection, PatentIndicatorSet.__table__,
                        ("patent_id", "cohort", "cohort_level", "cohort_size", "raw", "normalised", "sources",
                         "computed_at"))
        rows = indicator_rows(data, now)
        for start in range(0, n, BATCH):
            write(rows[start:start + BATCH])
            if on_progress:
                on_progress(min(n, start + BATCH) - start, steps)
        summary.seconds_indicators = time.perf_counter() - started
        summary.cohorts = len(set(data.cohorts.labels))
        summary.cohort_levels = dict(Counter(data.cohorts.levels))
        summary.missing_share = {name: round(float(np.isnan(table.values[name]).mean()), 4) if n else 0.0
                                 for name in NAMES}

        started = time.perf_counter()
        query = delete(PatentValueScore)
        if scenarios:
            query = query.where(PatentValueScore.scenario.in_(list(profiles)))
        connection.execute(query)
        write = _writer(connection, PatentValueScore.__table__,
                        ("patent_id", "scenario", "profile_name", "profile_version", "score", "grade", "legal",
                         "technical", "economic", "coverage", "breakdown", "computed_at"))
        tails = [f',"cohort":{json.dumps(label, ensure_ascii=False)},"cohort_level":"{level}"}}'
                 for label, level in zip(data.cohorts.labels, data.cohorts.levels)]
        for scenario, profile in profiles.items():
            scores = score_profile(profile, data.normalised, n)
            rows = score_rows(data, scores, tails, now)
            for start in range(0, len(rows), BATCH):
                write(rows[start:start + BATCH])
                if on_progress:
                    on_progress(min(len(rows), start + BATCH) - start, steps)
            if on_progress and len(rows) < n:
                on_progress(n - len(rows), steps)
            known = ~np.isnan(scores.score)
            summary.scenarios[scenario] = {
                "profile": profile.name, "version": profile.version, "scored": int(known.sum()),
                "grades": dict(sorted(Counter(g for g in scores.grades if g is not None).items())),
                "mean_score": round(float(scores.score[known].mean()), 2) if known.any() else None,
                "mean_coverage": round(float(scores.coverage.mean()), 3) if n else None,
            }
        session.commit()
        summary.seconds_scores = time.perf_counter() - started
    return summary


def _writer(connection, table, names: tuple[str, ...]) -> Callable[[list[tuple]], None]:
    """Bulk insert of portable tuples naming every column but the id: COPY on PostgreSQL (multi-row INSERTs
    through executemany took ~3× longer there than the whole computation), TupleInsert on SQLite."""
    if connection.dialect.name != "postgresql":
        plan = tuple_insert(connection, table, names)
        return lambda rows: plan.insert(connection, rows)
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    driver = connection.connection.driver_connection  # the same transaction as the DELETE before it

    def copy(rows: list[tuple]) -> None:
        with driver.cursor() as cursor, cursor.copy(statement) as stream:
            for row in rows:
                stream.write_row(row)

    return copy


def _template(names: tuple[str, ...], number: str) -> str:
    return "{" + ",".join(f'"{name}":{number}' for name in names) + "}"


_RAW = _template(NAMES, "%.6g")
_NORMALISED = _template(NAMES, "%.4g")


def indicator_rows(data: NormalisedTable, now: str) -> list[tuple]:
    """patent_indicators rows as portable tuples; JSON written from templates (NaN → null), the sources of
    patents with the same source codes shared."""
    table = data.table
    n = len(table.ids)
    raw = [table.values[name].tolist() for name in NAMES]
    normalised = [data.normalised[name].tolist() for name in NAMES]
    codes = np.stack([table.source_codes[name] for name in NAMES], axis=1) if n else np.zeros((0, len(NAMES)))
    cache: dict[tuple, str] = {}
    rows = []
    ids = table.ids.tolist()
    sizes = data.cohorts.sizes.tolist()
    for k, (raw_values, norm_values) in enumerate(zip(zip(*raw), zip(*normalised))):
        key = (codes[k].tobytes(), table.field_basis[k], table.status[k])
        sources = cache.get(key)
        if sources is None:
            found = {name: table.source_texts[name][int(code)] for name, code in zip(NAMES, codes[k])}
            found["_field"] = table.field_basis[k]
            if table.status[k]:
                found["_status"] = table.status[k]
            sources = cache[key] = json.dumps(found, ensure_ascii=False, separators=(",", ":"))
        rows.append((ids[k], data.cohorts.labels[k], data.cohorts.levels[k], sizes[k],
                     (_RAW % raw_values).replace("nan", "null"), (_NORMALISED % norm_values).replace("nan", "null"),
                     sources, now))
    return rows


def score_rows(data: NormalisedTable, scores: ScenarioScores, tails: list[str], now: str) -> list[tuple]:
    """patent_value_scores rows of one scenario; a patent with nothing the profile uses known gets no row."""
    profile = scores.profile
    texts = breakdown_texts(scores, tails)
    dims = [_nullable(scores.dimensions[d]) if d in scores.dimensions else [None] * len(texts)
            for d in ("legal", "technical", "economic")]
    ids = data.table.ids.tolist()
    score = scores.score.tolist()
    coverage = np.round(scores.coverage, 4).tolist()
    grades = scores.grades.tolist()
    rows = []
    for k, value in enumerate(score):
        if value != value:  # no score rather than a made-up one
            continue
        rows.append((ids[k], profile.scenario, profile.name, profile.version, value, grades[k], dims[0][k], dims[1][k],
                     dims[2][k], coverage[k], texts[k], now))
    return rows


def _nullable(values: np.ndarray) -> list[float | None]:
    """Rounded to 2 decimals, NaN as None."""
    out = np.round(values, 2).astype(object)
    out[np.isnan(values)] = None
    return out.tolist()
