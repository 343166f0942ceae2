"""Facts operators record for value operations: awards, pledges with amounts, region populations, comparable deals.

Writes need VALUE_CONFIGURE; reads need PATENTS_READ (the facts are about public patents, not confidential files).
Input is checked field by field and a bad value is named, so the form or the API caller can fix exactly that field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.roles import PATENTS_READ, VALUE_CONFIGURE, require
from lingxi.db.models import ComparableTransaction, Patent, PatentAward, PledgeRecord, RegionPopulation
from lingxi.errors import InvalidInput, NotFound

AWARDS = {"china_patent_award": ("中国专利奖", "China Patent Award"),
          "national_sci_tech_award": ("国家科学技术奖", "National Science and Technology Award")}
DEAL_MODES = ("transfer", "licence", "equity")


def _patent(session: Session, patent_id) -> Patent:
    try:
        patent = session.get(Patent, int(patent_id))
    except (TypeError, ValueError):
        raise InvalidInput(f"patent_id must be a patent id, got {patent_id!r}", field="patent_id") from None
    if patent is None:
        raise NotFound(f"patent {patent_id} not found", field="patent_id")
    return patent


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError):
        raise InvalidInput(f"{field} must be an amount in yuan, got {value!r}", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"{field} must be zero or more, got {value!r}", field=field)
    return amount.quantize(Decimal("0.01"))


# --- awards ----------------------------------------------------------------------------------------------------

def award_dict(row: PatentAward) -> dict[str, Any]:
    return {"id": row.id, "patent_id": row.patent_id, "award": row.award, "award_zh": AWARDS[row.award][0],
            "award_en": AWARDS[row.award][1], "level": row.level, "year": row.year, "note": row.note,
            "recorded_by": row.recorded_by}


def add_award(session: Session, actor, patent_id, award: str, level: str, year, note: str | None = None) -> dict:
    require(actor, VALUE_CONFIGURE)
    patent = _patent(session, patent_id)
    if award not in AWARDS:
        raise InvalidInput(f"award must be one of {', '.join(AWARDS)}, got {award!r}", field="award")
    row = PatentAward(patent_id=patent.id, award=award, level=fields.text(level, "level", limit=40),
                      year=fields.integer(year, "year", 1985, dt.date.today().year, required=True),
                      note=fields.text(note, "note", False, 2000),
                      recorded_by=actor.username)
    session.add(row)
    session.flush()
    return award_dict(row)


def list_awards(session: Session, actor, patent_id: int | None = None) -> list[dict]:
    require(actor, PATENTS_READ)
    query = select(PatentAward).order_by(PatentAward.year.desc(), PatentAward.id)
    if patent_id is not None:
        query = query.where(PatentAward.patent_id == patent_id)
    return [award_dict(row) for row in session.execute(query).scalars()]


# --- pledges ---------------------------------------------------------------------------------------------------

def pledge_dict(row: PledgeRecord) -> dict[str, Any]:
    return {"id": row.id, "patent_id": row.patent_id, "pledgor": row.pledgor, "pledgee": row.pledgee,
            "amount_yuan": float(row.amount_yuan), "registered_on": row.registered_on.isoformat(),
            "released_on": row.released_on.isoformat() if row.released_on else None,
            "registration_number": row.registration_number, "recorded_by": row.recorded_by}


def add_pledge(session: Session, actor, patent_id, pledgor: str, pledgee: str, amount_yuan, registered_on,
               released_on=None, registration_number: str | None = None) -> dict:
    require(actor, VALUE_CONFIGURE)
    patent = _patent(session, patent_id)
    registered = fields.date(registered_on, "registered_on")
    released = fields.date(released_on, "released_on", required=False)
    if released is not None and released < registered:
        raise InvalidInput("released_on is before registered_on", field="released_on")
    row = PledgeRecord(patent_id=patent.id, pledgor=fields.text(pledgor, "pledgor"),
                       pledgee=fields.text(pledgee, "pledgee"),
                       amount_yuan=_money(amount_yuan, "amount_yuan"), registered_on=registered, released_on=released,
                       registration_number=fields.text(registration_number, "registration_number", False, 40),
                       recorded_by=actor.username)
    session.add(row)
    session.flush()
    return pledge_dict(row)


def list_pledges(session: Session, actor, patent_id: int | None = None) -> list[dict]:
    require(actor, PATENTS_READ)
    query = select(PledgeRecord).order_by(PledgeRecord.registered_on.desc(), PledgeRecord.id)
    if patent_id is not None:
        query = query.where(PledgeRecord.patent_id == patent_id)
    return [pledge_dict(row) for row in session.execute(query).scalars()]


# --- populations -----------------------------------------------------------------------------------------------

def population_dict(row: RegionPopulation) -> dict[str, Any]:
    return {"id": row.id, "province": row.province, "city": row.city, "year": row.year,
            "population": row.population}


def set_population(session: Session, actor, province: str, population, year, city: str | None = None) -> dict:
    """Create or replace the population of a province (no city) or a city for a year."""
    require(actor, VALUE_CONFIGURE)
    province = fields.text(province, "province", limit=32)
    city = fields.text(city, "city", required=False, limit=32)
    year = fields.integer(year, "year", 1949, 2100, required=True)
    people = fields.integer(population, "population", 1, 2_000_000_000, required=True)
    # NULL cities never collide in a UNIQUE constraint on PostgreSQL, so the province row is found by hand
    row = session.execute(select(RegionPopulation).where(
        RegionPopulation.province == province, RegionPopulation.year == year,
        RegionPopulation.city.is_(None) if city is None else RegionPopulation.city == city)).scalar_one_or_none()
    if row is None:
        row = RegionPopulation(province=province, city=city, year=year, population=people)
        session.add(row)
    else:
        row.population = people
    session.flush()
    return population_dict(row)


def list_populations(session: Session, actor) -> list[dict]:
    require(actor, PATENTS_READ)
    rows = session.execute(select(RegionPopulation).order_by(RegionPopulation.province, RegionPopulation.city,
                                                             RegionPopulation.year)).scalars()
    return [population_dict(row) for row in rows]


def latest_populations(session: Session) -> dict[tuple[str, str | None], tuple[int, int]]:
    """(province, city or None) → (population, year) of the latest year recorded."""
    latest: dict[tuple[str, str | None], tuple[int, int]] = {}
    for row in session.execute(select(RegionPopulation).order_by(RegionPopulation.year)).scalars():
        latest[(row.province, row.city)] = (row.population, row.year)
    return latest


# --- comparable transactions -----------------------------------------------------------------------------------

def comparable_dict(row: ComparableTransaction) -> dict[str, Any]:
    return {"id": row.id, "patent_id": row.patent_id, "field": row.field, "mode": row.mode,
            "price_yuan": float(row.price_yuan), "deal_date": row.deal_date.isoformat(), "source": row.source,
            "note": row.note, "recorded_by": row.recorded_by}


def add_comparable(session: Session, actor, field: str, mode: str, price_yuan, deal_date, source: str,
                   patent_id=None, note: str | None = None) -> dict:
    require(actor, VALUE_CONFIGURE)
    if mode not in DEAL_MODES:
        raise InvalidInput(f"mode must be one of {', '.join(DEAL_MODES)}, got {mode!r}", field="mode")
    patent = _patent(session, patent_id) if patent_id not in (None, "") else None
    field_text = fields.text(field, "field", limit=80)
    row = ComparableTransaction(patent_id=patent.id if patent else None, field=field_text.upper()
                                if len(field_text) == 4 and field_text[0].isalpha() else field_text,
                                mode=mode, price_yuan=_money(price_yuan, "price_yuan"),
                                deal_date=fields.date(deal_date, "deal_date"),
                                source=fields.text(source, "source", limit=200),
                                note=fields.text(note, "note", False, 2000), recorded_by=actor.username)
    if row.price_yuan <= 0:
        raise InvalidInput("price_yuan must be more than zero", field="price_yuan")
    session.add(row)
    session.flush()
    return comparable_dict(row)


def list_comparables(session: Session, actor, field: str | None = None) -> list[dict]:
    require(actor, PATENTS_READ)
    query = select(ComparableTransaction).order_by(ComparableTransaction.deal_date.desc())
    if field:
        query = query.where(ComparableTransaction.field == field)
    return [comparable_dict(row) for row in session.execute(query).scalars()]


def delete_record(session: Session, actor, kind: str, record_id: int) -> None:
    require(actor, VALUE_CONFIGURE)
    model = {"awards": PatentAward, "pledges": PledgeRecord, "populations": RegionPopulation,
             "comparables": ComparableTransaction}.get(kind)
    if model is None:
        raise InvalidInput(f"unknown record kind {kind!r}", field="kind")
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(f"{kind} record {record_id} not found")
    session.delete(row)
    session.flush()
