"""The named computations behind every indicator (SPEC.md §12).

Each computation takes the request context, a Scope (year and region) and the indicator's params, and returns a
Figure: the value for that year and region AND the records that make it, so any number can be opened down to its
deals, payments, pledges, acceptances, events, pushes, operating figures, patent-product filings or cultivated
platforms. A computation whose data the platform does not keep (or has no record of for that year and region)
returns value None with the reason ("no data") — never 0, which would read as a real, failed result.

Values come in a base unit (count, yuan, percent); the indicator's unit (万元, 亿元 …) is applied by the evaluator.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from lingxi.db.models import (
    CultivatedPlatform,
    Deal,
    DealPatent,
    DealPayment,
    EnterpriseOperatingYear,
    MarketEvent,
    OpenLicenceAcceptance,
    PatentFlag,
    PatentProductFiling,
    PledgeRecord,
    PushDelivery,
    TrainingRecord,
)
from lingxi.enterprises.product_filings import COUNTED_STATUSES as FILING_COUNTED_STATUSES
from lingxi.kpi.scope import SUPPLIER_KINDS, Context, Scope
from lingxi.market.deal_states import LICENCE_KINDS

# A deal counts once it is signed and until it is cancelled (a cancelled deal never happened for the programme).
COUNTED_STATES = frozenset({"signed", "filed", "registered", "in_implementation", "closed"})
IMPLEMENTED_STATES = frozenset({"in_implementation", "closed"})  # closed only follows implementation
DECLASSIFIED_DEFENCE = "declassified_defence"


@dataclass
class Figure:
    value: Decimal | None
    records: list[tuple[str, int]] = field(default_factory=list)  # (record type, id)
    note: str = ""


@dataclass(frozen=True)
class Computation:
    key: str
    base: str  # count | yuan | percent
    label_zh: str
    label_en: str
    run: Callable[[Context, Scope, dict], Figure]


COMPUTATIONS: dict[str, Computation] = {}


def computation(key: str, base: str, label_zh: str, label_en: str):
    def register(function):
        COMPUTATIONS[key] = Computation(key, base, label_zh, label_en, function)
        return function
    return register


def mode_of(kind: str) -> str:
    if kind in LICENCE_KINDS:
        return "licence"
    return kind  # transfer | equity


def no_data(reason: str) -> Figure:
    return Figure(None, [], reason)


# --- deals of universities / institutes / SOEs with SMEs -------------------------------------------------------------

def sme_deals(ctx: Context, scope: Scope, params: dict, signed_in_year: bool = True) -> list[Deal]:
    """Counted deals of the modes asked for, supplied by a university/institute/SOE to an enterprise that was an SME
    on the signing day and lies in the programme's region (the supplier too with `supplier_in_region`)."""
    modes = frozenset(params.get("modes") or ("transfer", "licence", "equity"))
    # Several indicators ask for the same set (patents, amounts, SMEs, rate): work it out once per report.
    key = ("sme_deals", modes, bool(params.get("supplier_in_region")), scope, signed_in_year)
    if key not in ctx.memo:
        ctx.memo[key] = _sme_deals(ctx, scope, params, modes, signed_in_year)
    return ctx.memo[key]


def _sme_deals(ctx: Context, scope: Scope, params: dict, modes: frozenset, signed_in_year: bool) -> list[Deal]:
    if "counted_deals" not in ctx.memo:  # read once per report, however many indicators and years ask
        ctx.memo["counted_deals"] = list(ctx.session.scalars(
            select(Deal).where(Deal.state.in_(COUNTED_STATES), Deal.signed_on.is_not(None)).order_by(Deal.id)))
    out = []
    for deal in ctx.memo["counted_deals"]:
        if signed_in_year and deal.signed_on.year != scope.year:
            continue
        if mode_of(deal.kind) not in modes:
            continue
        supplier = ctx.organisation_named(deal.supplier_organisation_id, deal.supplier)
        buyer = ctx.organisation_named(deal.counterparty_organisation_id, deal.counterparty)
        if supplier is None or buyer is None or supplier.kind not in SUPPLIER_KINDS:
            continue
        if not ctx.is_sme_on(buyer.id, deal.signed_on):
            continue
        if not scope.covers(buyer.id, buyer.province, buyer.city):
            continue
        if params.get("supplier_in_region") and not scope.covers(supplier.id, supplier.province, supplier.city):
            continue
        out.append(deal)
    return out


def _patent_counts(ctx: Context, deal_ids: list[int]) -> dict[int, int]:
    if "patents_per_deal" not in ctx.memo:  # one grouped query per report instead of one per indicator and year
        ctx.memo["patents_per_deal"] = dict(ctx.session.execute(
            select(DealPatent.deal_id, func.count(DealPatent.id)).group_by(DealPatent.deal_id)).all())
    per_deal = ctx.memo["patents_per_deal"]
    return {deal_id: per_deal.get(deal_id, 0) for deal_id in deal_ids}


@computation("sme_received_patents", "count", "中小微企业受让/被许可专利数", "Patents received by SMEs")
def sme_received_patents(ctx: Context, scope: Scope, params: dict) -> Figure:
    deals = sme_deals(ctx, scope, params)
    counts = _patent_counts(ctx, [d.id for d in deals])
    return Figure(Decimal(sum(counts.values())), [("deal", d.id) for d in deals])


@computation("sme_contract_amount", "yuan", "合同金额", "Contract amount")
def sme_contract_amount(ctx: Context, scope: Scope, params: dict) -> Figure:
    deals = sme_deals(ctx, scope, params)
    total = sum((d.contract_amount_yuan or Decimal(0) for d in deals), Decimal(0))
    missing = sum(1 for d in deals if d.contract_amount_yuan is None)
    return Figure(total, [("deal", d.id) for d in deals],
                  f"{missing} deal(s) without a contract amount" if missing else "")


@computation("sme_received_amount", "yuan", "到账金额", "Amount received")
def sme_received_amount(ctx: Context, scope: Scope, params: dict) -> Figure:
    # Payments count in the year they arrive, whenever the deal was signed (signed in December, paid in January).
    every_year = dataclasses.replace(scope, year=0)  # one memo entry for all years of the report
    deals = {d.id for d in sme_deals(ctx, every_year, params, signed_in_year=False)}
    payments = ctx.session.execute(select(DealPayment.id, DealPayment.deal_id, DealPayment.amount_yuan).where(
        DealPayment.received_on >= scope.first_day, DealPayment.received_on <= scope.last_day)
        .order_by(DealPayment.id)).all()
    payments = [p for p in payments if p.deal_id in deals]
    return Figure(sum((p.amount_yuan for p in payments), Decimal(0)), [("payment", p.id) for p in payments])


@computation("smes_benefiting", "count", "受益中小微企业数", "SMEs benefiting")
def smes_benefiting(ctx: Context, scope: Scope, params: dict) -> Figure:
    organisations = sorted({ctx.organisation_named(d.counterparty_organisation_id, d.counterparty).id
                            for d in sme_deals(ctx, scope, params)})
    return Figure(Decimal(len(organisations)), [("organisation", o) for o in organisations])


@computation("implementation_rate", "percent", "流入专利实施率", "Implementation rate of inflowing patents")
def implementation_rate(ctx: Context, scope: Scope, params: dict) -> Figure:
    deals = sme_deals(ctx, scope, params)
    counts = _patent_counts(ctx, [d.id for d in deals])
    total = sum(counts.values())
    if not total:
        return no_data("no patent flowed into SMEs this year: a rate needs at least one")
    implemented = sum(counts[d.id] for d in deals if d.state in IMPLEMENTED_STATES)
    return Figure((Decimal(implemented) * 100 / Decimal(total)).quantize(Decimal("0.01")),
                  [("deal", d.id) for d in deals], f"{implemented} of {total} patents in implementation")


# --- pledges, open licences, defence patents -------------------------------------------------------------------------

def _pledges(ctx: Context, scope: Scope) -> list[PledgeRecord]:
    rows = ctx.session.scalars(select(PledgeRecord).where(
        PledgeRecord.registered_on >= scope.first_day, PledgeRecord.registered_on <= scope.last_day)
        .order_by(PledgeRecord.id)).all()
    return [row for row in rows if scope.covers(*ctx.region_of_name(row.pledgor))]


@computation("pledge_count", "count", "质押融资项目数", "Pledge financing projects")
def pledge_count(ctx: Context, scope: Scope, params: dict) -> Figure:
    rows = _pledges(ctx, scope)
    # One financing project may pledge several patents (one record each): a §8 pledge case or a registration
    # number groups them; a record with neither is a project of its own.
    projects = {(("case", r.application_id) if r.application_id is not None
                 else ("registration", r.registration_number) if r.registration_number else ("record", r.id))
                for r in rows}
    return Figure(Decimal(len(projects)), [("pledge", r.id) for r in rows])


@computation("pledge_amount", "yuan", "质押融资金额", "Pledge financing amount")
def pledge_amount(ctx: Context, scope: Scope, params: dict) -> Figure:
    rows = _pledges(ctx, scope)
    return Figure(sum((r.amount_yuan for r in rows), Decimal(0)), [("pledge", r.id) for r in rows])


@computation("open_licences_concluded", "count", "达成开放许可数", "Open licences concluded")
def open_licences_concluded(ctx: Context, scope: Scope, params: dict) -> Figure:
    rows = ctx.session.scalars(select(OpenLicenceAcceptance).where(
        OpenLicenceAcceptance.notified_on >= scope.first_day, OpenLicenceAcceptance.notified_on <= scope.last_day)
        .order_by(OpenLicenceAcceptance.id)).all()
    rows = [r for r in rows if scope.covers(*ctx.region_of_name(r.licensee, r.organisation_id))]
    return Figure(Decimal(len(rows)), [("acceptance", r.id) for r in rows])


@computation("declassified_defence_converted", "count", "解密国防专利转化数", "Declassified defence patents converted")
def declassified_defence_converted(ctx: Context, scope: Scope, params: dict) -> Figure:
    flagged = set(ctx.session.scalars(select(PatentFlag.patent_id).where(PatentFlag.flag == DECLASSIFIED_DEFENCE)))
    if not flagged:
        return no_data("no patent is flagged as a declassified defence patent (lingxi kpi flag PATENT)")
    # A patent counts once, in the year of its first counted deal, in the region of its receiver.
    first: dict[int, tuple[dt.date, int]] = {}
    rows = ctx.session.execute(
        select(DealPatent.patent_id, Deal.id, Deal.signed_on, Deal.counterparty_organisation_id, Deal.counterparty)
        .join(Deal, Deal.id == DealPatent.deal_id)
        .where(DealPatent.patent_id.in_(flagged), Deal.state.in_(COUNTED_STATES), Deal.signed_on.is_not(None))
        .order_by(Deal.signed_on, Deal.id))
    for patent_id, deal_id, signed_on, buyer_id, buyer_name in rows:
        if patent_id in first or not scope.covers(*ctx.region_of_name(buyer_name, buyer_id)):
            continue
        first[patent_id] = (signed_on, deal_id)
    deals = sorted({deal_id for signed_on, deal_id in first.values() if signed_on.year == scope.year})
    count = sum(1 for signed_on, _ in first.values() if signed_on.year == scope.year)
    return Figure(Decimal(count), [("deal", d) for d in deals])


# --- platform activity: pushes, events, training ---------------------------------------------------------------------

@computation("pushes", "count", "精准推送条数", "Pushes sent")
def pushes(ctx: Context, scope: Scope, params: dict) -> Figure:
    start = dt.datetime.combine(scope.first_day, dt.time.min)
    end = dt.datetime.combine(scope.last_day, dt.time.max)
    ids = ctx.session.scalars(select(PushDelivery.id).where(
        PushDelivery.created_at >= start, PushDelivery.created_at <= end).order_by(PushDelivery.id)).all()
    return Figure(Decimal(len(ids)), [("push", i) for i in ids], "counted platform-wide (a push has no region)")


def _events(ctx: Context, scope: Scope, kinds) -> list[MarketEvent]:
    query = select(MarketEvent).where(MarketEvent.held_on >= scope.first_day, MarketEvent.held_on <= scope.last_day)
    if kinds:
        query = query.where(MarketEvent.kind.in_(list(kinds)))
    return list(ctx.session.scalars(query.order_by(MarketEvent.id)))


@computation("events", "count", "对接/路演/拍卖/培训活动场次", "Events held")
def events(ctx: Context, scope: Scope, params: dict) -> Figure:
    rows = _events(ctx, scope, params.get("kinds"))
    return Figure(Decimal(len(rows)), [("event", r.id) for r in rows], "counted platform-wide (events have no region)")


@computation("trainees", "count", "培训人次", "People trained")
def trainees(ctx: Context, scope: Scope, params: dict) -> Figure:
    rows = [e for e in _events(ctx, scope, ("training",)) if e.trainees]
    records = ctx.session.scalars(select(TrainingRecord).where(
        TrainingRecord.held_on >= scope.first_day, TrainingRecord.held_on <= scope.last_day)
        .order_by(TrainingRecord.id)).all()
    records = [r for r in records if r.trainees and scope.covers(*ctx.region_of_name(None, r.organisation_id))]
    total = sum(e.trainees for e in rows) + sum(r.trainees for r in records)
    return Figure(Decimal(total), [("event", e.id) for e in rows] + [("training", r.id) for r in records])


# --- enterprises' own records: yearly operating figures, patent-product filings, cultivated platforms ---------------

OPERATING_FIGURES = {"total": "revenue_yuan", "patent_products": "patent_revenue_yuan"}


def _operating_years(ctx: Context) -> dict[int, dict[int, EnterpriseOperatingYear]]:
    """organisation id → year → its figures, read once per report."""
    if "operating_years" not in ctx.memo:
        by_org: dict[int, dict[int, EnterpriseOperatingYear]] = {}
        for row in ctx.session.scalars(select(EnterpriseOperatingYear).order_by(EnterpriseOperatingYear.id)):
            by_org.setdefault(row.organisation_id, {})[row.year] = row
        ctx.memo["operating_years"] = by_org
    return ctx.memo["operating_years"]


def _benefiting_smes(ctx: Context, scope: Scope, params: dict) -> set[int]:
    """SMEs the programme has benefited by the end of the year: receivers of a counted deal (the deal indicators'
    own set, size judged on the signing day) signed on or before that year's last day, and still SMEs at its end —
    a company that has grown large leaves the population from the year it is large. With `population: all_smes`,
    every enterprise of the region that was an SME at the year's end."""
    if params.get("population") == "all_smes":
        orgs = set()
        for organisation_id in _operating_years(ctx):
            organisation = ctx.organisation(organisation_id)
            if organisation is not None and scope.covers(organisation.id, organisation.province, organisation.city):
                orgs.add(organisation_id)
    else:
        every_year = dataclasses.replace(scope, year=0)  # one memo entry for all years of the report
        orgs = {ctx.organisation_named(d.counterparty_organisation_id, d.counterparty).id
                for d in sme_deals(ctx, every_year, params, signed_in_year=False) if d.signed_on <= scope.last_day}
    return {o for o in orgs if ctx.is_sme_on(o, scope.last_day)}


def _operating_sum(ctx: Context, scope: Scope, params: dict, attribute: str, what: str) -> Figure:
    smes = _benefiting_smes(ctx, scope, params)
    figures = _operating_years(ctx)
    rows = [figures[o][scope.year] for o in sorted(smes)
            if scope.year in figures.get(o, {}) and getattr(figures[o][scope.year], attribute) is not None]
    if not rows:
        return no_data(f"none of the {len(smes)} SME(s) benefiting by {scope.year} has reported {what} for that year"
                       if smes else f"no SME had benefited by {scope.year}")
    missing = len(smes) - len(rows)
    return Figure(sum((Decimal(getattr(r, attribute)) for r in rows), Decimal(0)),
                  [("operating_year", r.id) for r in rows],
                  f"{missing} of {len(smes)} SME(s) without {what} for {scope.year}" if missing else "")


@computation("sme_revenue", "yuan", "中小微企业营业收入", "Revenue of SMEs")
def sme_revenue(ctx: Context, scope: Scope, params: dict) -> Figure:
    # params.revenue: total (营业收入, default) | patent_products (专利产品/新产品收入)
    attribute = OPERATING_FIGURES.get(params.get("revenue") or "total", "revenue_yuan")
    return _operating_sum(ctx, scope, params, attribute,
                          "revenue" if attribute == "revenue_yuan" else "revenue from patent products")


@computation("sme_employment", "count", "中小微企业就业人数", "Employment of SMEs")
def sme_employment(ctx: Context, scope: Scope, params: dict) -> Figure:
    return _operating_sum(ctx, scope, params, "employees", "employees")


@computation("patent_product_filings", "count", "专利产品备案数", "Patent-product filings")
def patent_product_filings(ctx: Context, scope: Scope, params: dict) -> Figure:
    """Filings dated in the year, of enterprises in the region that were SMEs on the filing day (`smes_only: false`
    counts every enterprise); a revoked filing never counts."""
    rows = ctx.session.scalars(select(PatentProductFiling).where(
        PatentProductFiling.filed_on >= scope.first_day, PatentProductFiling.filed_on <= scope.last_day,
        PatentProductFiling.status.in_(FILING_COUNTED_STATUSES)).order_by(PatentProductFiling.id)).all()
    counted = []
    for row in rows:
        organisation = ctx.organisation(row.organisation_id)
        if organisation is None or not scope.covers(organisation.id, organisation.province, organisation.city):
            continue
        if params.get("smes_only", True) and not ctx.is_sme_on(organisation.id, row.filed_on):
            continue
        counted.append(row)
    if not counted:
        return no_data(f"no patent-product filing (专利产品备案) of an SME is recorded for {scope.year}")
    return Figure(Decimal(len(counted)), [("product_filing", r.id) for r in counted])


@computation("platforms_cultivated", "count", "培育运营平台、服务机构数", "Platforms and agencies cultivated")
def platforms_cultivated(ctx: Context, scope: Scope, params: dict) -> Figure:
    """Operation platforms, centres and service agencies recognised in the year (operator records with evidence),
    in the region of the record (else of its organisation); `kinds` narrows the kinds; revoked ones never count."""
    query = select(CultivatedPlatform).where(
        CultivatedPlatform.recognised_on >= scope.first_day, CultivatedPlatform.recognised_on <= scope.last_day,
        CultivatedPlatform.status == "active")
    if params.get("kinds"):
        query = query.where(CultivatedPlatform.kind.in_(list(params["kinds"])))
    counted = []
    for row in ctx.session.scalars(query.order_by(CultivatedPlatform.id)):
        organisation = ctx.organisation(row.organisation_id)
        province = row.province or (organisation.province if organisation else None)
        city = row.city or (organisation.city if organisation else None)
        if scope.covers(row.organisation_id, province, city):
            counted.append(row)
    if not counted:
        return no_data(f"no cultivated platform or service agency is recorded for {scope.year}")
    return Figure(Decimal(len(counted)), [("platform", r.id) for r in counted])


BASE_UNITS = {"count": {"件", "家", "人", "人次", "场", "条", "项", "次"}, "yuan": {"元", "万元", "亿元"},
              "percent": {"%"}}
UNIT_SCALE = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def in_unit(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return value / UNIT_SCALE.get(unit, Decimal(1))
