"""Target vs actual: every indicator of a programme, per year, computed from the records, with its status.

Status of one year's figure:
- met: the target is reached;  on_track: the current year is not over and the figure is at least the share of the
  target the elapsed part of the year calls for (cumulative targets: the share of the programme's years);
- behind: the year is over (or the share is not reached) and the target is not;
- pending: a year still to come;  no_data: the platform does not have what the indicator needs;
- no_baseline: a growth target with nothing to grow from (the year before the programme had no value);
- tracked: an indicator without a target.

Growth targets (年均增长 ≥ N%) are judged on the compound annual growth from the year before the programme started
(the baseline) to the year shown; year-on-year growth is shown beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import KPI_MANAGE, STATS_READ, require
from lingxi.db.models import (
    Deal,
    DealPatent,
    DealPayment,
    EnterpriseProfile,
    MarketEvent,
    OpenLicenceAcceptance,
    Organisation,
    PledgeRecord,
    Programme,
    ProgrammeIndicator,
    PushDelivery,
    TrainingRecord,
)
from lingxi.errors import InvalidInput
from lingxi.enterprises.kpi_records import RECORD_TYPES as OPERATING_RECORD_TYPES
from lingxi.enterprises.kpi_records import record_views as operating_record_views
from lingxi.kpi.programmes import adjustments_of, find_indicator, get_programme, programme_summary
from lingxi.kpi.registry import COMPUTATIONS, Figure, in_unit
from lingxi.kpi.scope import Context, Scope
from lingxi.market.deal_states import KINDS

STATUSES = ("met", "on_track", "behind", "pending", "no_data", "no_baseline", "no_target", "tracked")


def scope_of(programme: Programme, year: int, city: str | None = None) -> Scope:
    """The programme's region, or one city inside it (a province programme looked at city by city)."""
    members = tuple(programme.park_members or ()) if programme.region_level == "park" else None
    return Scope(year=year, province=programme.province, city=city or programme.city, park_members=members)


def compute(ctx: Context, programme: Programme, indicator: ProgrammeIndicator, year: int,
            city: str | None = None) -> Figure:
    return COMPUTATIONS[indicator.computation].run(ctx, scope_of(programme, year, city),
                                                   dict(indicator.params or {}))


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 4))


def _year_fraction(year: int, as_of: dt.date) -> float:
    if as_of.year > year:
        return 1.0
    if as_of.year < year:
        return 0.0
    days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    return ((as_of - dt.date(year, 1, 1)).days + 1) / days


def programme_report(session: Session, actor: Principal, key: str, year: int | None = None,
                     as_of: dt.date | None = None, city: str | None = None) -> dict[str, Any]:
    """Every indicator of the programme with target, computed value, adjustments, actual and status per year.

    With `city`, a province programme's figures for that city alone: targets are set for the whole region, so a
    city's figures carry no target and no status, and the region's manual adjustments are not applied."""
    require(actor, STATS_READ)
    programme = get_programme(session, actor, key)
    if year is not None and not programme.start_year <= year <= programme.end_year:
        raise InvalidInput(f"year {year} is outside {programme.start_year}–{programme.end_year}", field="year")
    as_of = as_of or dt.date.today()
    ctx = Context(session)
    adjustments: dict[tuple[int, int], list] = {}
    for row in ([] if city else adjustments_of(session, programme)):
        adjustments.setdefault((row.indicator_id, row.year), []).append(row)
    years = list(range(programme.start_year, programme.end_year + 1))
    out = []
    for indicator in programme.indicators:
        out.append(_indicator_report(ctx, programme, indicator, years, adjustments, as_of, actor, city))
    if year is not None:
        for item in out:
            item["years"] = [row for row in item["years"] if row["year"] == year]
    return {"programme": programme_summary(programme), "as_of": as_of.isoformat(), "year": year, "city": city,
            "years": [year] if year is not None else years, "indicators": out}


def _indicator_report(ctx: Context, programme: Programme, indicator: ProgrammeIndicator, years: list[int],
                      adjustments: dict, as_of: dt.date, actor: Principal, city: str | None) -> dict[str, Any]:
    baseline_year = programme.start_year - 1
    actual: dict[int, Decimal | None] = {}
    rows = []
    for year in [baseline_year, *years]:
        figure = compute(ctx, programme, indicator, year, city)
        computed = in_unit(figure.value, indicator.unit)
        adjusted = adjustments.get((indicator.id, year), [])
        delta = sum((a.delta for a in adjusted), Decimal(0))
        value = None if computed is None and not adjusted else (computed or Decimal(0)) + delta
        actual[year] = value
        rows.append({"year": year, "computed": _num(computed), "adjustment": _num(delta) if adjusted else None,
                     "adjustments": [{"id": a.id, "delta": _num(a.delta), "reason": a.reason, "author": a.author,
                                      "at": a.created_at.isoformat()} for a in adjusted],
                     "actual": _num(value), "record_count": len(figure.records), "note": figure.note})
    baseline, rows = rows[0], rows[1:]
    cumulative = Decimal(0)
    for row in rows:
        year = row["year"]
        value = actual[year]
        prior = actual.get(year - 1)
        row["growth_pct"] = _num((value - prior) * 100 / prior) if value is not None and prior else None
        base = actual[baseline_year]
        row["cagr_pct"] = (_num(Decimal(((float(value) / float(base)) ** (1 / (year - baseline_year)) - 1) * 100))
                           if value is not None and base and value >= 0 else None)
        if value is not None:
            cumulative += value
        row["cumulative"] = _num(cumulative) if value is not None else None
        row["target"] = None if city else _target_of(indicator, year)
        row["status"] = _status(indicator, programme, row, value, cumulative, as_of)
    return {"key": indicator.key, "number": indicator.number, "name_zh": indicator.name_zh,
            "name_en": indicator.name_en, "definition": indicator.definition, "unit": indicator.unit,
            "computation": indicator.computation, "params": indicator.params, "target_kind": indicator.target_kind,
            "targets": indicator.targets, "target_text": indicator.target_text,
            "baseline": {"year": baseline_year, "actual": baseline["actual"], "note": baseline["note"]},
            "years": rows, "can_drill": actor.can(KPI_MANAGE)}


def _target_of(indicator: ProgrammeIndicator, year: int) -> float | None:
    targets = indicator.targets or {}
    if indicator.target_kind == "yearly":
        return targets.get(str(year))
    if indicator.target_kind in ("growth", "rate"):
        return targets.get("min")
    if indicator.target_kind == "cumulative":
        return targets.get("total")
    return None


def _status(indicator: ProgrammeIndicator, programme: Programme, row: dict, value: Decimal | None,
            cumulative: Decimal, as_of: dt.date) -> str:
    year, kind, target = row["year"], indicator.target_kind, row["target"]
    if value is None:
        return "no_data"
    if year > as_of.year:
        return "pending"
    if kind == "none":
        return "tracked"
    if target is None:
        return "no_target"
    running = year == as_of.year
    if kind == "yearly":
        if value >= Decimal(str(target)):
            return "met"
        return "on_track" if running and value >= Decimal(str(target * _year_fraction(year, as_of))) else "behind"
    if kind == "rate":
        return "met" if value >= Decimal(str(target)) else "behind"
    if kind == "growth":
        if row["cagr_pct"] is None:
            return "no_baseline"
        if row["cagr_pct"] >= target:
            return "on_track" if running else "met"
        return "behind"
    # cumulative: the whole target by the last year, a proportional share before it
    if cumulative >= Decimal(str(target)):
        return "met"
    span = programme.end_year - programme.start_year + 1
    elapsed = (year - programme.start_year) + _year_fraction(year, as_of)
    if year < programme.end_year or running:
        return "on_track" if cumulative >= Decimal(str(target * elapsed / span)) else "behind"
    return "behind"


# --- drill-down --------------------------------------------------------------------------------------------------

def drilldown(session: Session, actor: Principal, key: str, indicator_key: str, year: int,
              city: str | None = None) -> dict[str, Any]:
    """The records behind one figure. Operators see each record; everyone else (regulators) sees aggregates only —
    how many records of which type, deals by kind — never a company's name or a contract."""
    require(actor, STATS_READ)
    programme = get_programme(session, actor, key)
    indicator = find_indicator(programme, indicator_key)
    if not programme.start_year - 1 <= year <= programme.end_year:
        raise InvalidInput(f"year {year} is outside {programme.start_year}–{programme.end_year}", field="year")
    figure = compute(Context(session), programme, indicator, year, city)
    by_type: dict[str, list[int]] = {}
    for record_type, record_id in figure.records:
        by_type.setdefault(record_type, []).append(record_id)
    out = {"programme": programme.key, "indicator": indicator.key, "name_zh": indicator.name_zh,
           "name_en": indicator.name_en, "unit": indicator.unit, "year": year, "city": city,
           "computed": _num(in_unit(figure.value, indicator.unit)), "note": figure.note,
           "counts": {t: len(ids) for t, ids in by_type.items()}}
    if "deal" in by_type:
        kinds: dict[str, int] = {}
        for kind, in session.execute(select(Deal.kind).where(Deal.id.in_(by_type["deal"]))):
            kinds[kind] = kinds.get(kind, 0) + 1
        out["deals_by_kind"] = kinds
    if not actor.can(KPI_MANAGE):
        out["records_hidden"] = True
        return out
    out["records_hidden"] = False
    out["records"] = {t: _records(session, t, ids) for t, ids in by_type.items()}
    return out


def _d(value) -> str | None:
    return None if value is None else str(value)


def _records(session: Session, record_type: str, ids: list[int]) -> list[dict[str, Any]]:
    if record_type == "deal":
        patents: dict[int, int] = {}
        for deal_id, in session.execute(select(DealPatent.deal_id).where(DealPatent.deal_id.in_(ids))):
            patents[deal_id] = patents.get(deal_id, 0) + 1
        return [{"id": d.id, "title": d.title, "kind": d.kind, "kind_zh": KINDS.get(d.kind, (d.kind,))[0],
                 "state": d.state, "supplier": d.supplier, "counterparty": d.counterparty,
                 "contract_amount_yuan": _d(d.contract_amount_yuan), "received_yuan": _d(d.received_yuan),
                 "signed_on": _d(d.signed_on), "patents": patents.get(d.id, 0), "link": f"/market/deals/{d.id}"}
                for d in session.scalars(select(Deal).where(Deal.id.in_(ids)).order_by(Deal.id))]
    if record_type == "payment":
        rows = session.execute(select(DealPayment, Deal.title).join(Deal, Deal.id == DealPayment.deal_id)
                               .where(DealPayment.id.in_(ids)).order_by(DealPayment.id))
        return [{"id": p.id, "deal_id": p.deal_id, "deal": title, "amount_yuan": _d(p.amount_yuan),
                 "received_on": _d(p.received_on), "link": f"/market/deals/{p.deal_id}"} for p, title in rows]
    if record_type == "organisation":
        sizes = dict(session.execute(select(EnterpriseProfile.organisation_id, EnterpriseProfile.size_class)
                                     .where(EnterpriseProfile.organisation_id.in_(ids))).all())
        return [{"id": o.id, "name": o.name, "province": o.province, "city": o.city, "size_now": sizes.get(o.id),
                 "link": f"/enterprises/{o.id}"}
                for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id))]
    if record_type == "pledge":
        return [{"id": r.id, "patent_id": r.patent_id, "pledgor": r.pledgor, "pledgee": r.pledgee,
                 "amount_yuan": _d(r.amount_yuan), "registered_on": _d(r.registered_on),
                 "registration_number": r.registration_number, "link": f"/patents/{r.patent_id}"}
                for r in session.scalars(select(PledgeRecord).where(PledgeRecord.id.in_(ids)).order_by(PledgeRecord.id))]
    if record_type == "acceptance":
        return [{"id": r.id, "declaration_id": r.declaration_id, "licensee": r.licensee,
                 "notified_on": _d(r.notified_on), "paid_yuan": _d(r.paid_yuan),
                 "link": f"/market/open-licences/{r.declaration_id}"}
                for r in session.scalars(select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.id.in_(ids))
                                         .order_by(OpenLicenceAcceptance.id))]
    if record_type == "event":
        return [{"id": e.id, "kind": e.kind, "title": e.title, "held_on": _d(e.held_on), "trainees": e.trainees,
                 "link": "/market/events"}
                for e in session.scalars(select(MarketEvent).where(MarketEvent.id.in_(ids)).order_by(MarketEvent.id))]
    if record_type == "training":
        return [{"id": r.id, "organisation_id": r.organisation_id, "title": r.title, "held_on": _d(r.held_on),
                 "trainees": r.trainees, "link": f"/enterprises/{r.organisation_id}"}
                for r in session.scalars(select(TrainingRecord).where(TrainingRecord.id.in_(ids))
                                         .order_by(TrainingRecord.id))]
    if record_type == "push":
        return [{"id": p.id, "item_type": p.item_type, "title": p.title, "created_at": _d(p.created_at),
                 "link": p.link}
                for p in session.scalars(select(PushDelivery).where(PushDelivery.id.in_(ids)).order_by(PushDelivery.id))]
    if record_type in OPERATING_RECORD_TYPES:  # yearly figures, patent-product filings, cultivated platforms
        return operating_record_views(session, record_type, ids)
    return [{"id": i} for i in ids]


def cities_of(session: Session, actor: Principal, key: str) -> list[str]:
    """The cities of a province programme that have organisations on the platform (for the region choice)."""
    from lingxi.kpi.scope import short_place

    require(actor, STATS_READ)
    programme = get_programme(session, actor, key)
    if programme.region_level != "province":
        return []
    rows = session.execute(select(Organisation.province, Organisation.city).where(Organisation.city.is_not(None)))
    return sorted({short_place(city) for province, city in rows
                   if short_place(province) == short_place(programme.province)})
