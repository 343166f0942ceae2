"""Navigation analyses over a scope (SPEC.md §9, REFERENCE.md §2.2): load the scope once, then compute the sections a
report type needs. Pure reads; the figures come back as plain JSON-ready dicts."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import Patent
from lingxi.navigation.analyses import applicants as applicant_analyses
from lingxi.navigation.analyses import benchmark, fields, lifecycle, operations, patents, trends
from lingxi.navigation.analyses.citations import citation_network
from lingxi.navigation.analyses.frame import load_frame
from lingxi.navigation.scope import Scope, display_value, resolve

ALL_SECTIONS = ("trends", "lifecycle", "geography", "applicants", "applicant_types", "fields", "matrix",
                "key_patents", "citations", "inventors", "operations", "strengths")


def store_as_of(session: Session) -> dt.date:
    """The data's own date: the latest publication in the store (not today, so a rerun gives the same figures)."""
    return session.execute(select(func.max(Patent.publication_date))).scalar() or dt.date(2000, 1, 1)


def run_analyses(session: Session, scope: Scope, sections: tuple[str, ...] = ALL_SECTIONS, *,
                 benchmark_scope: Scope | None = None, taxonomy: str | None = None,
                 value_scenario: str = "licensing", as_of: dt.date | None = None, search=None,
                 top: int = 15) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    resolved = resolve(session, scope, search)
    frame = load_frame(session, resolved, value_scenario)
    timings["load"] = time.perf_counter() - started
    as_of = as_of or store_as_of(session)
    taxonomy = fields.main_taxonomy(frame, taxonomy or (scope.value if scope.kind in ("chain", "node") else None))
    names = fields.node_names(session, taxonomy) if taxonomy else {}
    out: dict[str, Any] = {"scope": {"text": scope.text, "label_zh": scope.label("zh", display_value(session, scope, "zh")),
                                     "label_en": scope.label("en", display_value(session, scope, "en")),
                                     "patents": frame.patent_count, "applications": len(frame.apps),
                                     "applicants": len({p for ps in frame.applicants.values() for p in ps}),
                                     "taxonomy": taxonomy, "as_of": as_of.isoformat(),
                                     "value_scenario": value_scenario,
                                     "benchmark": (benchmark_scope or Scope("all")).text}}
    lag_from = trends.incomplete_from(as_of)

    def timed(name, fn, *args, **kwargs):
        t = time.perf_counter()
        out[name] = fn(*args, **kwargs)
        timings[name] = time.perf_counter() - t

    wanted = set(sections)
    if "trends" in wanted:
        timed("trends", trends.trends, frame, as_of)
    if "lifecycle" in wanted:
        timed("lifecycle", lifecycle.lifecycle, frame, lag_from)
    if "geography" in wanted:
        timed("geography", applicant_analyses.geography, frame)
    if wanted & {"applicants", "applicant_types"}:
        timed("applicants", applicant_analyses.applicants, frame, top=max(top, 20))
    if "fields" in wanted:
        timed("fields", fields.distribution, frame, taxonomy, names)
    if "matrix" in wanted:
        timed("matrix", fields.effect_matrix, frame, taxonomy, names)
    if "key_patents" in wanted:
        timed("key_patents", patents.key_patents, frame, top)
    if "citations" in wanted:
        timed("citations", citation_network, session, frame, resolved, top)
    if "inventors" in wanted:
        timed("inventors", patents.inventor_teams, frame)
    if "operations" in wanted:
        timed("operations", operations.operations, session, frame, resolved)
    if "strengths" in wanted:
        bench = resolve(session, benchmark_scope or Scope("all"), search)
        timed("strengths", benchmark.strengths, session, resolved, bench, taxonomy, names)
    out["timings_ms"] = {k: round(v * 1000, 1) for k, v in timings.items()}
    out["timings_ms"]["total"] = round((time.perf_counter() - started) * 1000, 1)
    return out
