"""Navigation reports as a service for the CLI, the API and the pages: run the analyses a report type needs over a
scope, store them with the scope, settings and data version in a NavigationReport row, and read them back.

Reading analyses and reports needs patents.read (the figures are aggregates of public patent data plus counts of
deals and pledges, no confidential record). A report is rendered from its stored figures, so its HTML, PDF and Word
files are the same whenever they are made; `regenerate` reruns the analyses with the recorded scope and settings and
says whether the figures came out identical (they do unless the data version moved).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import (
    ImportJob,
    NavigationReport,
    Patent,
    PatentAnnotation,
    PatentTag,
    TaxonomyVersion,
    ValueProfile,
)
from lingxi.db.pagination import Page, paginate
from lingxi.errors import InvalidInput, NotFound
from lingxi.navigation.analyses import ALL_SECTIONS, run_analyses
from lingxi.navigation.report_types import TYPES, report_type
from lingxi.navigation.scope import parse_scope, saved_search

SETTING_KEYS = ("benchmark", "taxonomy", "value_scenario", "as_of", "top", "title")
SCENARIOS = ("licensing", "pledge", "portfolio", "legacy_pvd")


def clean_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The settings a report records, checked: unknown keys and bad values are refused, naming the key."""
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(SETTING_KEYS))
    if unknown:
        raise InvalidInput(f"unknown report setting(s) {', '.join(unknown)}; allowed: {', '.join(SETTING_KEYS)}")
    out: dict[str, Any] = {"benchmark": (settings.get("benchmark") or "all").strip(),
                           "taxonomy": (settings.get("taxonomy") or None),
                           "value_scenario": settings.get("value_scenario") or "licensing",
                           "as_of": settings.get("as_of") or None, "top": int(settings.get("top") or 15)}
    parse_scope(out["benchmark"], "setting benchmark")
    if out["value_scenario"] not in SCENARIOS:
        raise InvalidInput(f"setting value_scenario must be one of {', '.join(SCENARIOS)}")
    if out["as_of"]:
        try:
            out["as_of"] = dt.date.fromisoformat(str(out["as_of"])).isoformat()
        except ValueError:
            raise InvalidInput(f"setting as_of {settings['as_of']!r} is not a date (YYYY-MM-DD)") from None
    if not 1 <= out["top"] <= 100:
        raise InvalidInput("setting top must be between 1 and 100")
    if settings.get("title"):
        out["title"] = str(settings["title"])[:300]
    return out


def data_version(session: Session) -> dict[str, Any]:
    """Which data the figures describe: patent and annotation counts, the last import, active value profiles and
    the latest taxonomy versions."""
    profiles = sorted(f"{name}@{version}" for name, version in session.execute(
        select(ValueProfile.name, ValueProfile.version).where(ValueProfile.is_active.is_(True))))
    taxonomies = sorted(f"{name}@{version}" for name, version in session.execute(
        select(TaxonomyVersion.name, func.max(TaxonomyVersion.version)).group_by(TaxonomyVersion.name)))
    return {"patents": session.execute(select(func.count(Patent.id))).scalar_one(),
            "last_import_job": session.execute(select(func.max(ImportJob.id))).scalar(),
            "last_patent_update": str(session.execute(select(func.max(Patent.updated_at))).scalar() or ""),
            "tags": session.execute(select(func.count(PatentTag.id))).scalar_one(),
            # a review changes figures without changing the count: count the reviewed tags too
            "tags_reviewed": session.execute(select(func.count(PatentTag.id))
                                             .where(PatentTag.status != "proposed")).scalar_one(),
            "annotations": session.execute(select(func.count(PatentAnnotation.id))).scalar_one(),
            "value_profiles": profiles, "taxonomies": taxonomies}


def figures_hash(analyses: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(analyses, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def analyse(session: Session, actor: Principal, scope_text: str, sections: tuple[str, ...] | None = None,
            settings: dict[str, Any] | None = None, search=None) -> dict[str, Any]:
    """The analyses of a scope without storing a report (GET /api/navigation/analyses)."""
    require(actor, PATENTS_READ)
    sections = tuple(sections or ALL_SECTIONS)
    bad = [s for s in sections if s not in ALL_SECTIONS]
    if bad:
        raise InvalidInput(f"unknown analysis section(s) {', '.join(bad)}; choose from {', '.join(ALL_SECTIONS)}")
    settings = clean_settings(settings)
    scope = parse_scope(scope_text)
    _may_use(session, actor, scope, settings["benchmark"])
    return _run(session, scope, sections, settings, search)


def _may_use(session: Session, actor: Principal, scope, benchmark: str | None = None) -> None:
    """A saved search is its owner's: others (but operators and admins) may not run or reveal it — as the scope
    or as the benchmark."""
    from lingxi.search.saved import get_saved_search

    for candidate in (scope, parse_scope(benchmark, "setting benchmark") if benchmark else None):
        if candidate is not None and candidate.kind == "saved":
            saved_search(session, int(candidate.value))  # a missing id: NotFound naming the scope
            get_saved_search(session, actor, int(candidate.value))


def _run(session, scope, sections, settings, search) -> dict[str, Any]:
    return run_analyses(session, scope, sections, benchmark_scope=parse_scope(settings["benchmark"], "benchmark"),
                        taxonomy=settings["taxonomy"], value_scenario=settings["value_scenario"],
                        as_of=dt.date.fromisoformat(settings["as_of"]) if settings["as_of"] else None,
                        search=search, top=settings["top"])


def create_report(session: Session, actor: Principal, type_key: str, scope_text: str,
                  settings: dict[str, Any] | None = None, search=None, regenerated_from: int | None = None
                  ) -> NavigationReport:
    require(actor, PATENTS_READ)
    kind = report_type(type_key)
    scope = parse_scope(scope_text)
    settings = clean_settings(settings)
    _may_use(session, actor, scope, settings["benchmark"])
    analyses = _run(session, scope, tuple(s for s in kind.sections if s not in ("scope", "recommendations")),
                    settings, search)
    if not settings["as_of"]:
        settings["as_of"] = analyses["scope"]["as_of"]  # pinned, so a regeneration marks the same lag years
    timings = analyses.pop("timings_ms")
    title = settings.get("title") or f"{analyses['scope']['label_zh']} {kind.zh}报告"
    row = NavigationReport(report_type=kind.key, title=title, scope=scope.text, benchmark=settings["benchmark"],
                           settings=settings, data_version=data_version(session) | _saved_searches(session, scope,
                                                                                                   settings),
                           analyses=analyses,
                           figures_hash=figures_hash(analyses), patent_count=analyses["scope"]["patents"],
                           analyses_ms=int(timings["total"]), regenerated_from=regenerated_from,
                           created_by=actor.username)
    session.add(row)
    session.flush()
    return row


def _saved_searches(session: Session, scope, settings: dict[str, Any]) -> dict[str, Any]:
    """The definitions of the saved searches a report analyses: an owner may change one later, and a regeneration
    then says so (changed_data: saved_searches) instead of silently describing other patents."""
    used = [s for s in (scope, parse_scope(settings["benchmark"], "benchmark") if settings["benchmark"] else None)
            if s is not None and s.kind == "saved"]
    if not used:
        return {}
    definitions = {}
    for candidate in used:
        saved = saved_search(session, int(candidate.value))
        definitions[str(saved.id)] = {"query": saved.query, "mode": saved.mode, "filters": saved.filters,
                                      "sort": saved.sort}
    return {"saved_searches": definitions}


def regenerate(session: Session, actor: Principal, report_id: int, search=None) -> dict[str, Any]:
    """Rerun a report from its recorded type, scope and settings; say whether figures and data version match."""
    old = get_report(session, actor, report_id)
    new = create_report(session, actor, old.report_type, old.scope, old.settings, search, regenerated_from=old.id)
    return {"report": report_summary(new), "identical": new.figures_hash == old.figures_hash,
            "data_changed": new.data_version != old.data_version,
            "changed_data": sorted(k for k in set(new.data_version) | set(old.data_version)
                                   if new.data_version.get(k) != old.data_version.get(k))}


def get_report(session: Session, actor: Principal, report_id: int) -> NavigationReport:
    require(actor, PATENTS_READ)
    row = session.get(NavigationReport, report_id)
    if row is None:
        raise NotFound(f"navigation report {report_id} not found")
    return row


def list_reports(session: Session, actor: Principal, page: int = 1, page_size: int = 20) -> Page:
    require(actor, PATENTS_READ)
    return paginate(session, select(NavigationReport).order_by(NavigationReport.id.desc()), page, page_size) \
        .map(report_summary)


def report_summary(row: NavigationReport) -> dict[str, Any]:
    kind = TYPES[row.report_type]
    return {"id": row.id, "type": row.report_type, "type_zh": kind.zh, "type_en": kind.en, "title": row.title,
            "scope": row.scope, "benchmark": row.benchmark, "settings": row.settings,
            "data_version": row.data_version, "figures_hash": row.figures_hash, "patents": row.patent_count,
            "analyses_ms": row.analyses_ms, "regenerated_from": row.regenerated_from, "created_by": row.created_by,
            "created_at": row.created_at.isoformat(timespec="seconds") if row.created_at else None}
