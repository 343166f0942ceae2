"""Patent value services for the API, the pages, the CLI and the other areas (catalogue, matching, push).

Every function that answers a user takes (session, actor) and checks the permission first: reading values needs
patents.read; editing weight profiles needs value.configure (operators and admins).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, VALUE_CONFIGURE, require
from lingxi.db import in_batches
from lingxi.db.audit import acting_as
from lingxi.db.models import Patent, PatentIndicatorSet, PatentValueScore, ValueProfile
from lingxi.errors import InvalidInput, NotFound
from lingxi.value import profiles as profile_store
from lingxi.value.vocabulary import DIMENSIONS, INDICATORS

SCENARIO_LABELS = {
    "licensing": ("许可转让", "Licensing / transfer"),
    "pledge": ("质押融资", "Pledge financing"),
    "portfolio": ("分级管理", "Portfolio management"),
    "legacy_pvd": ("专利价值度（2012）", "Patent value degree (2012)"),
}


def grade_of(session: Session, patent_ids: list[int], scenario: str = "licensing") -> dict[int, str]:
    """patent id → grade (A–D) in the scenario, for the patents that have a score (bulk, no permission check:
    callers are services that already checked theirs)."""
    grades: dict[int, str] = {}
    ids = list(dict.fromkeys(int(i) for i in patent_ids))
    for part in in_batches(ids):
        for pid, grade in session.execute(
            select(PatentValueScore.patent_id, PatentValueScore.grade)
            .where(PatentValueScore.scenario == scenario, PatentValueScore.patent_id.in_(part))
        ):
            grades[pid] = grade
    return grades


def scores_of(session: Session, patent_ids: list[int], scenario: str = "licensing") -> dict[int, tuple[float, str]]:
    """patent id → (score, grade) in the scenario (bulk, like grade_of)."""
    found: dict[int, tuple[float, str]] = {}
    ids = list(dict.fromkeys(int(i) for i in patent_ids))
    for part in in_batches(ids):
        for pid, score, grade in session.execute(
            select(PatentValueScore.patent_id, PatentValueScore.score, PatentValueScore.grade)
            .where(PatentValueScore.scenario == scenario, PatentValueScore.patent_id.in_(part))
        ):
            found[pid] = (score, grade)
    return found


def patent_value(session: Session, actor: Principal, patent_id: int) -> dict[str, Any]:
    """A patent's indicators (raw, normalised, source, cohort) and its score in every scenario, each with its
    breakdown down to the indicator. `computed` is false until `lingxi value compute` has run over it."""
    require(actor, PATENTS_READ)
    patent = session.get(Patent, patent_id)
    if patent is None:
        raise NotFound(f"no patent with id {patent_id}", "patent_id")
    indicators = session.scalars(select(PatentIndicatorSet).where(PatentIndicatorSet.patent_id == patent_id)).first()
    result: dict[str, Any] = {"patent_id": patent.id, "key": patent.key, "title": patent.title,
                              "computed": indicators is not None, "indicators": {}, "scores": {}}
    if indicators is None:
        result["message"] = "value not computed yet: run `lingxi value compute` (价值尚未计算)"
        return result
    result.update({"cohort": indicators.cohort, "cohort_level": indicators.cohort_level,
                   "cohort_size": indicators.cohort_size, "field_basis": indicators.sources.get("_field"),
                   "legal_status": indicators.sources.get("_status"),
                   "computed_at": indicators.computed_at.isoformat()})
    for name, (zh, en, meaning) in INDICATORS.items():
        result["indicators"][name] = {
            "name_zh": zh, "name_en": en, "definition": meaning, "raw": indicators.raw.get(name),
            "normalised": indicators.normalised.get(name), "source": indicators.sources.get(name),
            "missing": indicators.raw.get(name) is None,
        }
    rows = session.scalars(select(PatentValueScore).where(PatentValueScore.patent_id == patent_id)
                           .order_by(PatentValueScore.scenario)).all()
    for row in rows:
        profile = profile_store.get_profile(session, row.profile_name, row.profile_version)
        result["scores"][row.scenario] = _score_dict(row, indicators, profile)
    return result


def _score_dict(row: PatentValueScore, indicators: PatentIndicatorSet, profile: ValueProfile | None) -> dict[str, Any]:
    zh, en = SCENARIO_LABELS.get(row.scenario, (row.scenario, row.scenario))
    breakdown = row.breakdown or {}
    missing = set(breakdown.get("missing") or [])
    weights = profile.weights if profile is not None else {}
    dimensions = {}
    for dim, part in (breakdown.get("dimensions") or {}).items():
        inner = (weights.get(dim) or {}).get("indicators") or {}
        inner_total = sum(inner.values()) or 1.0
        known_total = sum(w for name, w in inner.items() if name not in missing) or 1.0
        items = {}
        for name, contribution in part.get("indicators", {}).items():
            known = name not in missing and name in inner
            items[name] = {"profile_weight": round(inner[name] / inner_total, 4) if name in inner else None,
                           "effective_weight": round(part.get("effective_weight", 0) * inner[name] / known_total, 5)
                           if known else None,
                           "contribution": contribution, "missing": name in missing, "raw": indicators.raw.get(name),
                           "normalised": indicators.normalised.get(name), "source": indicators.sources.get(name)}
        dimensions[dim] = {**part, "name_zh": DIMENSIONS[dim][0], "name_en": DIMENSIONS[dim][1], "indicators": items}
    return {"scenario": row.scenario, "scenario_zh": zh, "scenario_en": en, "profile": row.profile_name,
            "profile_version": row.profile_version, "score": row.score, "grade": row.grade, "legal": row.legal,
            "technical": row.technical, "economic": row.economic, "coverage": row.coverage,
            "low_coverage": breakdown.get("low_coverage", False), "missing": sorted(missing),
            "grade_thresholds": profile.grade_thresholds if profile is not None else None,
            "dimensions": dimensions, "computed_at": row.computed_at.isoformat()}


def _profile_dict(row) -> dict[str, Any]:
    return {"name": row.name, "version": row.version, "scenario": row.scenario, "title_zh": row.title_zh,
            "title_en": row.title_en, "weights": row.weights, "grade_thresholds": row.grade_thresholds,
            "parameters": row.parameters, "is_active": row.is_active, "created_by": row.created_by,
            "created_at": row.created_at.isoformat() if row.created_at else None}


def list_profiles(session: Session, actor: Principal, all_versions: bool = False) -> list[dict[str, Any]]:
    require(actor, PATENTS_READ)
    rows = profile_store.list_profiles(session, all_versions)
    session.flush()
    return [_profile_dict(row) for row in rows]


def get_profile(session: Session, actor: Principal, name: str, version: int | None = None) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    row = profile_store.get_profile(session, name, version)
    if row is None:
        raise NotFound(f"no value profile {name!r}" + (f" version {version}" if version else ""), "name")
    return {**_profile_dict(row), "yaml": profile_store.profile_yaml(row)}


def save_profile(session: Session, actor: Principal, text_or_data: str | dict[str, Any]) -> dict[str, Any]:
    """Save a profile (YAML/JSON text or a mapping) as the next version of its name; it becomes the active profile
    of its scenario. Scores keep the version that made them until the next `lingxi value compute`."""
    require(actor, VALUE_CONFIGURE)
    acting_as(session, actor)
    try:
        data = profile_store.parse(text_or_data) if isinstance(text_or_data, str) else text_or_data
        row, created = profile_store.save_profile(session, data, created_by=actor.username)
    except profile_store.ProfileError as error:
        raise InvalidInput(str(error), error.field) from None
    return {**_profile_dict(row), "created": created}


def recompute(db, actor: Principal, scenarios: list[str] | None = None) -> dict[str, Any]:
    """Re-run the scoring job (after a profile edit); operators only. Takes seconds at 100k patents."""
    from lingxi.value.jobs import run_scoring

    require(actor, VALUE_CONFIGURE)
    try:
        return run_scoring(db, scenarios).as_dict()
    except KeyError as error:
        raise InvalidInput(str(error.args[0]), "scenario") from None
