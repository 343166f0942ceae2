"""Programmes as data: create one from YAML (or an Excel sheet in the same shape), list, read, adjust, flag patents.

A programme file names its region and years and, per indicator, the computation that yields it and its targets:

    target: {kind: yearly, values: {2021: 1200, 2022: 1500}}   # ≥ the value each year
    target: {kind: growth, min: 30}                             # annual growth ≥ 30 %
    target: {kind: rate, min: 85}                               # a percentage ≥ 85 each year
    target: {kind: cumulative, total: 100}                      # ≥ 100 in all by the last year
    target: {kind: none}                                        # tracked, no target
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import KPI_MANAGE, STATS_READ, require
from lingxi.db.models import IndicatorAdjustment, Patent, PatentFlag, Programme, ProgrammeIndicator
from lingxi.errors import Conflict, InvalidInput, NotFound
from lingxi.kpi.registry import BASE_UNITS, COMPUTATIONS, DECLASSIFIED_DEFENCE

TEMPLATES = Path(__file__).resolve().parent / "data"
TARGET_KINDS = ("yearly", "growth", "rate", "cumulative", "none")
REGION_LEVELS = ("province", "city", "park")
FLAGS = {DECLASSIFIED_DEFENCE: ("解密国防专利", "Declassified defence patent")}


def template_paths() -> list[Path]:
    return sorted(TEMPLATES.glob("*.yaml"))


def parse_programme(text: str, where: str = "programme") -> dict[str, Any]:
    """Read and check a programme file; every error names the indicator and the field."""
    try:
        data = fields.yaml_document(text)
    except yaml.YAMLError as error:
        raise InvalidInput(f"{where}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: a programme is a mapping with key, name, region, years and indicators")
    return check_programme(data, where)


def check_programme(data: dict, where: str = "programme") -> dict[str, Any]:
    key = str(data.get("key") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", key):
        raise InvalidInput(f"{where}: key must be 1–80 letters, digits, '-', '_' or '.'", field="key")
    name = str(data.get("name") or "").strip()
    if not name:
        raise InvalidInput(f"{where}: name is required", field="name")
    region = data.get("region") or {}
    level = region.get("level")
    if level not in REGION_LEVELS:
        raise InvalidInput(f"{where}: region.level must be one of {', '.join(REGION_LEVELS)}", field="region")
    if level == "province" and not region.get("province"):
        raise InvalidInput(f"{where}: a province programme needs region.province", field="region")
    if level == "city" and not region.get("city"):
        raise InvalidInput(f"{where}: a city programme needs region.city", field="region")
    if level == "park" and not region.get("park"):
        raise InvalidInput(f"{where}: a park programme needs region.park (and members: organisation ids)",
                           field="region")
    years = data.get("years")
    if (not isinstance(years, list) or len(years) != 2 or not all(isinstance(y, int) for y in years)
            or not 1990 <= years[0] <= years[1] <= 2100):
        raise InvalidInput(f"{where}: years must be [first, last], e.g. [2021, 2023]", field="years")
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        raise InvalidInput(f"{where}: indicators must be a non-empty list", field="indicators")
    seen = set()
    checked = []
    for position, item in enumerate(indicators, start=1):
        checked.append(_check_indicator(item, position, years, f"{where}: indicator {position}"))
        if checked[-1]["key"] in seen:
            raise InvalidInput(f"{where}: indicator key {checked[-1]['key']!r} appears twice", field="indicators")
        seen.add(checked[-1]["key"])
    members = region.get("members") or []
    if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
        raise InvalidInput(f"{where}: region.members must be a list of organisation ids", field="region")
    return {"key": key, "name": name, "name_en": data.get("name_en"), "source": data.get("source"),
            "region_level": level, "province": region.get("province"), "city": region.get("city"),
            "park": region.get("park"), "park_members": members, "start_year": years[0], "end_year": years[1],
            "indicators": checked}


def _number(value, where: str, field: str) -> float:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{where}: {field} must be a number, got {value!r}", field=field) from None


def _check_indicator(item, position: int, years: list[int], where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where}: must be a mapping")
    key = str(item.get("key") or position).strip()
    where = f"{where} ({key})"
    name_zh = str(item.get("name_zh") or "").strip()
    if not name_zh:
        raise InvalidInput(f"{where}: name_zh is required", field="name_zh")
    computation = item.get("computation")
    if computation not in COMPUTATIONS:
        raise InvalidInput(f"{where}: unknown computation {computation!r}; one of {', '.join(sorted(COMPUTATIONS))}",
                           field="computation")
    unit = str(item.get("unit") or "").strip()
    base = COMPUTATIONS[computation].base
    if unit not in BASE_UNITS[base]:
        raise InvalidInput(f"{where}: unit {unit!r} does not fit {computation} ({', '.join(sorted(BASE_UNITS[base]))})",
                           field="unit")
    target = item.get("target") or {"kind": "none"}
    kind = target.get("kind")
    if kind not in TARGET_KINDS:
        raise InvalidInput(f"{where}: target.kind must be one of {', '.join(TARGET_KINDS)}", field="target")
    targets: dict[str, float] = {}
    text = str(target.get("text") or "")
    if kind == "yearly":
        values = target.get("values") or {}
        if not isinstance(values, dict) or not values:
            raise InvalidInput(f"{where}: a yearly target needs values: {{year: value}}", field="target")
        for year, value in values.items():
            if not str(year).isdigit() or not years[0] <= int(year) <= years[1]:
                raise InvalidInput(f"{where}: target year {year} is outside the programme's years", field="target")
            targets[str(int(year))] = _number(value, where, "target")
        text = text or " / ".join(f"≥ {_plain(v)}" for _, v in sorted(targets.items()))
    elif kind in ("growth", "rate"):
        targets["min"] = _number(target.get("min"), where, "target.min")
        text = text or (f"年均增长 ≥ {_plain(targets['min'])}%" if kind == "growth" else f"≥ {_plain(targets['min'])}%")
    elif kind == "cumulative":
        targets["total"] = _number(target.get("total"), where, "target.total")
        text = text or f"累计 ≥ {_plain(targets['total'])} {unit}"
    params = item.get("params") or {}
    if not isinstance(params, dict):
        raise InvalidInput(f"{where}: params must be a mapping", field="params")
    return {"key": key, "number": str(item.get("number") or key), "position": position, "name_zh": name_zh,
            "name_en": str(item.get("name_en") or name_zh), "definition": str(item.get("definition") or ""),
            "unit": unit, "computation": computation, "params": params, "target_kind": kind, "targets": targets,
            "target_text": text[:200]}


def _plain(value: float) -> str:
    return f"{value:g}"


def create_programme(session: Session, actor: Principal, data: dict, replace: bool = False) -> Programme:
    """Store a checked programme; an existing key is a conflict unless `replace` (its adjustments go with it)."""
    require(actor, KPI_MANAGE)
    existing = session.scalar(select(Programme).where(Programme.key == data["key"]))
    if existing is not None:
        if not replace:
            raise Conflict(f"programme {data['key']!r} exists already", field="key")
        session.delete(existing)
        session.flush()
    programme = Programme(**{k: v for k, v in data.items() if k != "indicators"}, created_by=actor.username)
    programme.indicators = [ProgrammeIndicator(**item) for item in data["indicators"]]
    session.add(programme)
    session.flush()
    return programme


def install_templates(session: Session, actor: Principal) -> list[str]:
    """Add the shipped programme templates that are not there yet (idempotent)."""
    added = []
    for path in template_paths():
        data = parse_programme(path.read_text(encoding="utf-8"), path.name)
        if session.scalar(select(Programme.id).where(Programme.key == data["key"])) is None:
            create_programme(session, actor, data)
            added.append(data["key"])
    return added


def list_programmes(session: Session, actor: Principal) -> list[dict[str, Any]]:
    require(actor, STATS_READ)
    rows = session.scalars(select(Programme).options(selectinload(Programme.indicators)).order_by(Programme.id))
    return [programme_summary(p) for p in rows]


def programme_summary(p: Programme) -> dict[str, Any]:
    return {"id": p.id, "key": p.key, "name": p.name, "name_en": p.name_en, "source": p.source,
            "region_level": p.region_level, "province": p.province, "city": p.city, "park": p.park,
            "start_year": p.start_year, "end_year": p.end_year, "indicators": len(p.indicators)}


def get_programme(session: Session, actor: Principal, key: str) -> Programme:
    require(actor, STATS_READ)
    query = select(Programme).options(selectinload(Programme.indicators))
    programme = session.scalar(query.where(Programme.key == key))
    if programme is None and str(key).isdigit():
        programme = session.scalar(query.where(Programme.id == int(key)))
    if programme is None:
        programme = session.scalar(query.where(Programme.name == key))
    if programme is None:
        raise NotFound(f"no programme {key!r}", field="programme")
    return programme


def find_indicator(programme: Programme, key: str) -> ProgrammeIndicator:
    for indicator in programme.indicators:
        if indicator.key == key:
            return indicator
    raise NotFound(f"programme {programme.key} has no indicator {key!r}", field="indicator")


def add_adjustment(session: Session, actor: Principal, programme_key: str, indicator_key: str, year: int,
                   delta, reason: str) -> IndicatorAdjustment:
    """Record a manual correction next to the computed value (never instead of it); a reason is required."""
    require(actor, KPI_MANAGE)
    programme = get_programme(session, actor, programme_key)
    indicator = find_indicator(programme, indicator_key)
    if not programme.start_year - 1 <= int(year) <= programme.end_year:
        raise InvalidInput(f"year {year} is outside {programme.start_year}–{programme.end_year}", field="year")
    if not (reason or "").strip():
        raise InvalidInput("an adjustment needs a reason", field="reason")
    try:
        amount = Decimal(str(delta))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"delta must be a number, got {delta!r}", field="delta") from None
    row = IndicatorAdjustment(indicator_id=indicator.id, year=int(year), delta=amount, reason=reason.strip(),
                              author=actor.username)
    session.add(row)
    session.flush()
    return row


def adjustments_of(session: Session, programme: Programme) -> list[IndicatorAdjustment]:
    ids = [i.id for i in programme.indicators]
    return list(session.scalars(select(IndicatorAdjustment).where(IndicatorAdjustment.indicator_id.in_(ids))
                                .order_by(IndicatorAdjustment.id))) if ids else []


def flag_patent(session: Session, actor: Principal, patent_id: int, flag: str = DECLASSIFIED_DEFENCE,
                since: dt.date | None = None, note: str | None = None) -> PatentFlag:
    require(actor, KPI_MANAGE)
    if flag not in FLAGS:
        raise InvalidInput(f"unknown flag {flag!r}; one of {', '.join(FLAGS)}", field="flag")
    if session.get(Patent, patent_id) is None:
        raise NotFound(f"no patent {patent_id}", field="patent_id")
    row = session.scalar(select(PatentFlag).where(PatentFlag.patent_id == patent_id, PatentFlag.flag == flag))
    if row is None:
        row = PatentFlag(patent_id=patent_id, flag=flag, since=since, note=note, recorded_by=actor.username)
        session.add(row)
        session.flush()
    return row
