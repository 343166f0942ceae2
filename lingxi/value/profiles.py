"""Versioned weight profiles (权重方案): the shipped defaults, validation, saving a new version, the active ones.

A profile is data: which indicators count in each of the three dimensions (法律/技术/经济价值), with what weight,
the grade thresholds and every tunable parameter. Saving a profile of an existing name makes the next version and
never touches the older one, so every stored score still names the exact weights that made it. The newest saved
profile of a scenario is the active one for that scenario.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.db.models import ValueProfile
from lingxi.value.vocabulary import DIMENSIONS, INDICATORS

SHIPPED = Path(__file__).resolve().parent / "data" / "profiles.yaml"
INDICATOR_PROFILE = "indicators"  # the profile (and scenario) holding indicator and cohort parameters
GRADES = ("A", "B", "C")
_NAME = re.compile(r"^[a-z][a-z0-9_\-]{0,79}$")
_SCENARIO = re.compile(r"^[a-z][a-z0-9_]{0,23}$")


class ProfileError(ValueError):
    """An invalid profile; `field` names the offending place (e.g. weights.legal.indicators.claims)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Profile:
    name: str
    scenario: str
    weights: dict[str, Any] = field(default_factory=dict)
    grade_thresholds: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    title_zh: str = ""
    title_en: str = ""
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "scenario": self.scenario, "title_zh": self.title_zh,
                "title_en": self.title_en, "weights": self.weights, "grade_thresholds": self.grade_thresholds,
                "parameters": self.parameters}


@lru_cache(maxsize=1)
def _shipped_text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def shipped_profiles() -> list[Profile]:
    data = yaml.safe_load(_shipped_text())
    return [validate(item) for item in data["profiles"]]


def shipped_indicator_parameters() -> dict[str, Any]:
    return next(p.parameters for p in shipped_profiles() if p.name == INDICATOR_PROFILE)


def parse(text: str) -> dict[str, Any]:
    """A profile from YAML or JSON text (JSON is YAML)."""
    try:
        data = fields.yaml_document(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProfileError(f"not valid YAML or JSON{where}: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, dict):
        raise ProfileError("a profile must be a mapping with name, scenario, weights, grade_thresholds")
    return data


def _number(value: Any, where: str, low: float = 0.0, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ProfileError(f"{where} must be a number, got {value!r}", where)
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ProfileError(f"{where} must be {bound}, got {value!r}", where)
    return float(value)


def validate(data: dict[str, Any]) -> Profile:
    """Check a profile mapping and return it as a Profile; raises ProfileError naming the field."""
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ProfileError("name must be lower-case letters, digits, _ or -, starting with a letter", "name")
    scenario = data.get("scenario")
    if not isinstance(scenario, str) or not _SCENARIO.match(scenario):
        raise ProfileError("scenario must be lower-case letters, digits or _ (e.g. licensing, pledge, portfolio)",
                           "scenario")
    unknown = sorted(set(data) - {"name", "scenario", "title_zh", "title_en", "weights", "grade_thresholds",
                                  "parameters", "version"})
    if unknown:
        raise ProfileError(f"unknown field {unknown[0]!r}", unknown[0])
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ProfileError("parameters must be a mapping", "parameters")
    profile = Profile(name=name, scenario=scenario, title_zh=str(data.get("title_zh") or ""),
                      title_en=str(data.get("title_en") or ""), parameters=copy.deepcopy(parameters))
    if scenario == INDICATOR_PROFILE:
        if data.get("weights"):
            raise ProfileError("the indicators profile holds parameters only, no weights", "weights")
        _check_indicator_parameters(parameters)
        return profile
    weights = data.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise ProfileError("weights must map dimensions (legal, technical, economic) to {weight, indicators}",
                           "weights")
    clean: dict[str, Any] = {}
    for dim, spec in weights.items():
        where = f"weights.{dim}"
        if dim not in DIMENSIONS:
            raise ProfileError(f"unknown dimension {dim!r}: use {', '.join(DIMENSIONS)}", where)
        if not isinstance(spec, dict) or "indicators" not in spec:
            raise ProfileError(f"{where} must have weight and indicators", where)
        weight = _number(spec.get("weight", 1.0), f"{where}.weight")
        indicators = spec["indicators"]
        if not isinstance(indicators, dict) or not indicators:
            raise ProfileError(f"{where}.indicators must map indicators to weights", f"{where}.indicators")
        inner = {}
        for key, value in indicators.items():
            if key not in INDICATORS:
                raise ProfileError(f"unknown indicator {key!r} in {where}.indicators", f"{where}.indicators.{key}")
            inner[key] = _number(value, f"{where}.indicators.{key}")
        if sum(inner.values()) <= 0:
            raise ProfileError(f"{where}.indicators weights must not all be 0", f"{where}.indicators")
        clean[dim] = {"weight": weight, "indicators": inner}
    if sum(d["weight"] for d in clean.values()) <= 0:
        raise ProfileError("dimension weights must not all be 0", "weights")
    thresholds = data.get("grade_thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(GRADES):
        raise ProfileError("grade_thresholds must give A, B and C (below C is D)", "grade_thresholds")
    clean_thresholds = {g: _number(thresholds[g], f"grade_thresholds.{g}", 0, 100) for g in GRADES}
    if not clean_thresholds["A"] >= clean_thresholds["B"] >= clean_thresholds["C"]:
        raise ProfileError("grade_thresholds must satisfy A ≥ B ≥ C", "grade_thresholds")
    low = parameters.get("low_coverage", 0.5)
    _number(low, "parameters.low_coverage", 0, 1)
    profile.weights, profile.grade_thresholds = clean, clean_thresholds
    return profile


_METHODS = ("percentile", "trimmed_max", "scaled", "identity")


def _check_indicator_parameters(parameters: dict[str, Any]) -> None:
    for key, low, high in (("forward_citation_window_years", 1, 50), ("cohort_min_size", 1, None),
                           ("trim_share", 0, 0.5), ("pending_max_years", 0, 100)):
        if key in parameters:
            _number(parameters[key], f"parameters.{key}", low, high)
    methods = parameters.get("normalisation", {})
    if not isinstance(methods, dict):
        raise ProfileError("parameters.normalisation must map indicators (or default) to a method",
                           "parameters.normalisation")
    for name, method in methods.items():
        if name != "default" and name not in INDICATORS:
            raise ProfileError(f"unknown indicator {name!r}", f"parameters.normalisation.{name}")
        if method not in _METHODS:
            raise ProfileError(f"normalisation must be one of {', '.join(_METHODS)}, got {method!r}",
                               f"parameters.normalisation.{name}")
    for name in parameters.get("lower_is_better", []) or []:
        if name not in INDICATORS:
            raise ProfileError(f"unknown indicator {name!r}", "parameters.lower_is_better")


def _profile_of(row: ValueProfile) -> Profile:
    return Profile(name=row.name, scenario=row.scenario, weights=row.weights, grade_thresholds=row.grade_thresholds,
                   parameters=row.parameters, title_zh=row.title_zh, title_en=row.title_en, version=row.version)


def install_shipped(session: Session) -> int:
    """Add the shipped profiles whose names are not stored yet (as version 1); returns how many were added."""
    present = set(session.scalars(select(ValueProfile.name).distinct()))
    added = 0
    for profile in shipped_profiles():
        if profile.name not in present:
            _store(session, profile, 1, "system")
            added += 1
    if added:
        session.flush()
    return added


def _store(session: Session, profile: Profile, version: int, created_by: str) -> ValueProfile:
    row = ValueProfile(name=profile.name, version=version, scenario=profile.scenario, title_zh=profile.title_zh,
                       title_en=profile.title_en, weights=profile.weights, grade_thresholds=profile.grade_thresholds,
                       parameters=profile.parameters, created_by=created_by, is_active=True)
    session.add(row)
    return row


def save_profile(session: Session, data: dict[str, Any], created_by: str) -> tuple[ValueProfile, bool]:
    """Save as the next version of its name and make it the active profile of its scenario.

    Returns (row, created); the same content as the latest version of that name creates nothing.
    """
    install_shipped(session)
    profile = validate(data)
    latest = session.scalars(select(ValueProfile).where(ValueProfile.name == profile.name)
                             .order_by(ValueProfile.version.desc()).limit(1)).first()
    if latest is not None and latest.scenario != profile.scenario:
        raise ProfileError(f"profile {profile.name!r} is for scenario {latest.scenario!r}, not {profile.scenario!r}",
                           "scenario")
    if latest is not None and _same(latest, profile):
        return latest, False
    version = (latest.version if latest else 0) + 1
    # One active profile per scenario: the one saved last.
    session.execute(update(ValueProfile).where(ValueProfile.scenario == profile.scenario,
                                               ValueProfile.is_active.is_(True)).values(is_active=False))
    row = _store(session, profile, version, created_by)
    session.flush()
    return row, True


def _same(row: ValueProfile, profile: Profile) -> bool:
    return (row.weights == profile.weights and row.grade_thresholds == profile.grade_thresholds
            and row.parameters == profile.parameters and row.title_zh == profile.title_zh
            and row.title_en == profile.title_en and row.is_active)


def list_profiles(session: Session, all_versions: bool = False) -> list[ValueProfile]:
    install_shipped(session)
    query = select(ValueProfile).order_by(ValueProfile.scenario, ValueProfile.name, ValueProfile.version)
    rows = list(session.scalars(query))
    if all_versions:
        return rows
    latest: dict[str, ValueProfile] = {}
    for row in rows:
        latest[row.name] = row
    return list(latest.values())


def get_profile(session: Session, name: str, version: int | None = None) -> ValueProfile | None:
    install_shipped(session)
    query = select(ValueProfile).where(ValueProfile.name == name)
    if version is not None:
        query = query.where(ValueProfile.version == version)
    return session.scalars(query.order_by(ValueProfile.version.desc()).limit(1)).first()


def active_profiles(session: Session, scenarios: list[str] | None = None) -> dict[str, Profile]:
    """scenario → its active profile (the indicators profile excluded)."""
    install_shipped(session)
    rows = session.scalars(select(ValueProfile).where(ValueProfile.is_active.is_(True))
                           .order_by(ValueProfile.created_at, ValueProfile.id)).all()
    active: dict[str, Profile] = {}
    for row in rows:
        if row.scenario != INDICATOR_PROFILE and (scenarios is None or row.scenario in scenarios):
            active[row.scenario] = _profile_of(row)
    return active


def indicator_parameters(session: Session) -> tuple[dict[str, Any], int]:
    """The active indicator/cohort parameters (shipped defaults filled in for keys an edit left out), version."""
    install_shipped(session)
    row = session.scalars(select(ValueProfile).where(ValueProfile.scenario == INDICATOR_PROFILE,
                                                     ValueProfile.is_active.is_(True))
                          .order_by(ValueProfile.id.desc()).limit(1)).first()
    merged = copy.deepcopy(shipped_indicator_parameters())
    if row is not None:
        merged.update(row.parameters)
    return merged, row.version if row is not None else 0


def profile_yaml(row: ValueProfile) -> str:
    data = _profile_of(row).as_dict()
    data.pop("version")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def profile_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ValueProfile)) or 0
