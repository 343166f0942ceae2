"""Open licences (开放许可, Patent Law arts. 50–52): declare, check, publish, withdraw, accept one-to-many, search.

A declaration starts as a draft that its patentee (a supplier for its own patents, or an operator) may edit; it is
published only when every rule of lingxi.market.declaration_rules passes, and a refusal names each failed rule.
Withdrawal ends new acceptances; licences already obtained stay valid (art. 50). Any number of licensees accept by
written notice and payment per the published terms (art. 51); each acceptance becomes a deal of kind open_licence,
signed and waiting to be filed (Regulations art. 87). Try-before-pay (先使用后付费) terms come from a template that
operators configure (market parameter try_before_pay_template).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.roles import MARKET_APPROVE, MARKET_POST, MARKET_TRADE, PATENTS_READ, require
from lingxi.dates import add_months
from lingxi.db.audit import acting_as
from lingxi.db.models import (
    Deal,
    DealPatent,
    DealPayment,
    DealTransition,
    OpenLicenceAcceptance,
    OpenLicenceDeclaration,
    Organisation,
    Party,
    Patent,
    PatentClassification,
    PatentParty,
    PatentTag,
)
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market import parameters as params
from lingxi.market.declaration_rules import RULES, check_declaration
from lingxi.value.facts import load_rights

EDITABLE = ("patent_number", "patentee", "payment_method", "fee_standard", "upfront_fee_yuan", "royalty_rate",
            "licence_term_years", "other_matters", "pledgee_consent", "evaluation_report")


class DeclarationRefused(InvalidInput):
    """Publication refused; `failures` lists every failed rule (code, legal basis, message, field)."""

    code = "declaration_refused"

    def __init__(self, failures):
        self.failures = [f.as_dict() for f in failures]
        text = "; ".join(f"rule {f.code} ({f.basis}): {f.message}" for f in failures)
        super().__init__(f"open-licence declaration refused — {text}", field=failures[0].field)


def _is_operator(actor) -> bool:
    return actor.can(MARKET_APPROVE)


def _holder_party_ids(session: Session, patent_id: int) -> set[int]:
    return set(session.scalars(select(PatentParty.party_id).where(
        PatentParty.patent_id == patent_id, PatentParty.role.in_(("applicant", "assignee")))))


def _check_owner(session: Session, actor, patent_id: int) -> None:
    """A supplier declares only for patents its own organisation holds; operators for anyone."""
    if _is_operator(actor):
        return
    organisation = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    if organisation is None or organisation.party_id is None or \
            organisation.party_id not in _holder_party_ids(session, patent_id):
        raise PermissionDenied(f"patent {patent_id} is not held by your organisation")


def _load(session: Session, declaration_id) -> OpenLicenceDeclaration:
    try:
        row = session.get(OpenLicenceDeclaration, int(declaration_id))
    except (TypeError, ValueError):
        raise InvalidInput(f"declaration id must be a number, got {declaration_id!r}", field="declaration_id") from None
    if row is None:
        raise NotFound(f"open-licence declaration {declaration_id} not found", field="declaration_id")
    return row


def _visible(actor, row: OpenLicenceDeclaration) -> bool:
    return row.status != "draft" or _is_operator(actor) or (
        actor.organisation_id is not None and row.organisation_id == actor.organisation_id)


def declaration_dict(row: OpenLicenceDeclaration, session: Session | None = None) -> dict[str, Any]:
    result = {
        "id": row.id, "patent_id": row.patent_id, "patent_number": row.patent_number, "patentee": row.patentee,
        "organisation_id": row.organisation_id, "payment_method": row.payment_method,
        "fee_standard": row.fee_standard, "upfront_fee_yuan": f"{row.upfront_fee_yuan:.2f}",
        "royalty_rate": str(row.royalty_rate.normalize()) if row.royalty_rate is not None else None,
        "licence_term_years": row.licence_term_years, "other_matters": row.other_matters,
        "try_before_pay": row.try_before_pay, "pledgee_consent": row.pledgee_consent,
        "evaluation_report": row.evaluation_report, "status": row.status,
        "published_on": row.published_on.isoformat() if row.published_on else None,
        "withdrawn_on": row.withdrawn_on.isoformat() if row.withdrawn_on else None,
        "version": row.version, "created_by": row.created_by,
    }
    if session is not None:
        result["acceptances"] = session.scalar(select(func.count()).select_from(OpenLicenceAcceptance)
                                               .where(OpenLicenceAcceptance.declaration_id == row.id))
        result["annual_fee_reduction"] = params.current(session)["open_licence_fee_reduction"]
    return result


def _apply(row: OpenLicenceDeclaration, values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE) - {"try_before_pay"}
    if unknown:
        raise InvalidInput(f"unknown declaration fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    for key in ("patent_number", "patentee", "payment_method"):
        if key in values:
            setattr(row, key, fields.text(values[key], key, required=False, limit=400 if key == "patentee" else 200)
                    or "")
    if "fee_standard" in values:
        row.fee_standard = fields.text(values["fee_standard"], "fee_standard", required=False, limit=4000) or ""
    if "upfront_fee_yuan" in values:
        row.upfront_fee_yuan = fields.money(values["upfront_fee_yuan"], "upfront_fee_yuan", required=False) \
            or Decimal("0.00")
    if "royalty_rate" in values:
        rate = values["royalty_rate"]
        if rate in (None, ""):
            row.royalty_rate = None
        else:
            try:
                row.royalty_rate = Decimal(str(rate))
            except Exception:
                raise InvalidInput(f"royalty_rate must be a share between 0 and 1, got {rate!r}",
                                   field="royalty_rate") from None
            if not 0 <= row.royalty_rate <= 1:
                raise InvalidInput(f"royalty_rate must be a share between 0 and 1, got {rate!r}",
                                   field="royalty_rate")
    if "licence_term_years" in values:
        row.licence_term_years = fields.integer(values["licence_term_years"], "licence_term_years", 1, 20,
                                                required=True)
    if "other_matters" in values:
        row.other_matters = fields.text(values["other_matters"], "other_matters", required=False, limit=4000)
    if "pledgee_consent" in values:
        row.pledgee_consent = bool(values["pledgee_consent"]) and values["pledgee_consent"] not in ("0", "false")
    if "evaluation_report" in values:
        row.evaluation_report = fields.text(values["evaluation_report"], "evaluation_report", required=False,
                                            limit=200)


def _try_before_pay(session: Session, value) -> dict | None:
    """None, or the operator's template with this declaration's overrides (trial length, fees, royalty)."""
    if value in (None, False, "", "0", "false"):
        return None
    template = dict(params.current(session)["try_before_pay_template"])
    if isinstance(value, dict):
        unknown = set(value) - set(template)
        if unknown:
            raise InvalidInput(f"unknown try-before-pay terms: {', '.join(sorted(unknown))}", field="try_before_pay")
        template.update(value)
    template["trial_months"] = fields.integer(template["trial_months"], "try_before_pay.trial_months", 0, 60,
                                              required=True)
    template["trial_fee_yuan"] = str(fields.money(template["trial_fee_yuan"], "try_before_pay.trial_fee_yuan"))
    template["minimum_annual_fee_yuan"] = str(fields.money(template["minimum_annual_fee_yuan"],
                                                           "try_before_pay.minimum_annual_fee_yuan"))
    return template


def create_declaration(session: Session, actor, patent_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """A draft declaration; patent number and patentee default to the register's (ZL + application number)."""
    require(actor, MARKET_POST)
    acting_as(session, actor)
    patent = session.get(Patent, int(patent_id)) if str(patent_id).isdigit() else None
    if patent is None:
        raise NotFound(f"patent {patent_id} not found", field="patent_id")
    _check_owner(session, actor, patent.id)
    right = next((r for r in load_rights(session, [patent.id]) if patent.id in r.patent_ids), None)
    application = re.sub(r"^(CN|ZL)", "", (patent.application_number or "").strip().upper())
    default_number = (f"ZL{application}" if patent.country == "CN" and application
                      else patent.publication_number or patent.key)  # 专利号 = ZL + application number
    row = OpenLicenceDeclaration(patent_id=patent.id, patent_number=default_number,
                                 patentee=right.holder_names if right else "", payment_method="", fee_standard="",
                                 upfront_fee_yuan=Decimal("0.00"), licence_term_years=0, pledgee_consent=False,
                                 organisation_id=actor.organisation_id, status="draft", created_by=actor.username)
    values = dict(values)
    row.try_before_pay = _try_before_pay(session, values.pop("try_before_pay", None))
    _apply(row, values)
    session.add(row)
    session.flush()
    return declaration_dict(row, session)


def _load_own(session: Session, actor, declaration_id, expected_version) -> OpenLicenceDeclaration:
    require(actor, MARKET_POST)
    acting_as(session, actor)
    row = _load(session, declaration_id)
    if not _is_operator(actor) and row.organisation_id != actor.organisation_id:
        raise PermissionDenied(f"declaration {row.id} belongs to another organisation")
    if expected_version is not None and int(expected_version) != row.version:
        raise Conflict(f"declaration {row.id} was changed by someone else (now version {row.version}); reload it",
                       field="expected_version")
    return row


def update_declaration(session: Session, actor, declaration_id, values: dict[str, Any],
                       expected_version=None) -> dict[str, Any]:
    row = _load_own(session, actor, declaration_id, expected_version)
    if row.status != "draft":
        raise InvalidInput(f"declaration {row.id} is {row.status}; only drafts are edited (withdraw and declare "
                           "again to change published terms)", field="status")
    values = dict(values)
    try:
        if "try_before_pay" in values:
            row.try_before_pay = _try_before_pay(session, values.pop("try_before_pay"))
        _apply(row, values)
    except Exception:
        session.expire(row)  # a refused field leaves the draft as it was, even if the caller commits
        raise
    session.flush()
    return declaration_dict(row, session)


def check(session: Session, actor, declaration_id, today: dt.date | None = None) -> dict[str, Any]:
    """Every rule with passed / failed and why, without publishing (what the form shows before submitting)."""
    require(actor, PATENTS_READ)
    row = _load(session, declaration_id)
    if not _visible(actor, row):
        raise NotFound(f"open-licence declaration {declaration_id} not found", field="declaration_id")
    failures = check_declaration(session, row, params.current(session)["advertising_words"], today or dt.date.today())
    failed = {f.code for f in failures}
    return {"declaration_id": row.id, "publishable": not failures, "failures": [f.as_dict() for f in failures],
            "rules": [{"rule": code, "basis": basis, "label_zh": zh, "passed": code not in failed}
                      for code, (basis, zh) in RULES.items()]}


def publish(session: Session, actor, declaration_id, expected_version=None,
            today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    row = _load_own(session, actor, declaration_id, expected_version)
    if row.status != "draft":
        raise InvalidInput(f"declaration {row.id} is {row.status}, not a draft", field="status")
    failures = check_declaration(session, row, params.current(session)["advertising_words"], today)
    if failures:
        raise DeclarationRefused(failures)
    row.status, row.published_on = "published", today
    session.flush()
    return declaration_dict(row, session)


def withdraw(session: Session, actor, declaration_id, expected_version=None,
             today: dt.date | None = None) -> dict[str, Any]:
    """Withdraw a published declaration; acceptances already made (licences granted) stay valid."""
    row = _load_own(session, actor, declaration_id, expected_version)
    if row.status != "published":
        raise InvalidInput(f"declaration {row.id} is {row.status}; only a published one is withdrawn", field="status")
    row.status, row.withdrawn_on = "withdrawn", today or dt.date.today()
    session.flush()
    return declaration_dict(row, session)


def accept(session: Session, actor, declaration_id, *, notified_on=None, paid_yuan=None, licensee: str | None = None,
           organisation_id: int | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """A licensee's written notice and payment per the published terms: the licence is obtained (art. 51).

    An enterprise accepts for its own organisation; an operator may record an acceptance for a named licensee.
    The acceptance opens a deal (kind open_licence, signed) whose filing deadline runs from the notice.
    """
    require(actor, MARKET_TRADE)
    acting_as(session, actor)
    today = today or dt.date.today()
    row = _load(session, declaration_id)
    if row.status != "published":
        raise InvalidInput(f"declaration {row.id} is {row.status}; only a published open licence can be accepted",
                           field="status")
    if not _is_operator(actor):
        organisation_id = actor.organisation_id
        organisation = session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            raise PermissionDenied("your account belongs to no organisation; an acceptance is made by a licensee")
        licensee = organisation.name
    elif organisation_id is not None and not licensee:
        organisation = session.get(Organisation, int(organisation_id))
        if organisation is None:
            raise NotFound(f"organisation {organisation_id} not found", field="organisation_id")
        licensee = organisation.name
    licensee = fields.text(licensee, "licensee")
    notified = fields.date(notified_on or today, "notified_on")
    if notified > today:
        raise InvalidInput(f"notified_on {notified} is in the future", field="notified_on")
    if notified < row.published_on:
        raise InvalidInput("notified_on is before the declaration was published", field="notified_on")
    trial = row.try_before_pay
    due = fields.money(trial["trial_fee_yuan"], "trial_fee_yuan") if trial else row.upfront_fee_yuan
    paid = fields.money(paid_yuan if paid_yuan not in (None, "") else due, "paid_yuan")
    if paid != due:
        raise InvalidInput(f"the published terms ask {due:.2f} yuan on acceptance"
                           f"{' (try-before-pay trial fee)' if trial else ''}; {paid:.2f} was paid", field="paid_yuan")
    exists = session.scalar(select(OpenLicenceAcceptance.id).where(
        OpenLicenceAcceptance.declaration_id == row.id, OpenLicenceAcceptance.licensee == licensee))
    if exists:
        raise Conflict(f"{licensee} has already accepted open licence {row.id} (acceptance {exists})",
                       field="licensee")
    trial_until = add_months(notified, int(trial["trial_months"])) if trial else None
    settings = params.current(session)
    deal = Deal(kind="open_licence", title=f"开放许可 {row.patent_number} → {licensee}", declaration_id=row.id,
                supplier=row.patentee, supplier_organisation_id=row.organisation_id, counterparty=licensee,
                counterparty_organisation_id=organisation_id, contract_amount_yuan=None, received_yuan=paid,
                signed_on=notified, effective_on=notified,
                licence_end=add_months(notified, 12 * row.licence_term_years),
                filing_deadline=add_months(notified, int(settings["licence_filing_months"])),
                state="signed", created_by=actor.username, implementation_evidence=[])
    session.add(deal)
    session.flush()
    session.add(DealPatent(deal_id=deal.id, patent_id=row.patent_id))
    session.add_all([
        DealTransition(deal_id=deal.id, from_state=None, to_state="draft", actor=actor.username,
                       note=f"acceptance of open licence {row.id}", details={}),
        DealTransition(deal_id=deal.id, from_state="draft", to_state="signed", actor=actor.username,
                       note="written notice and payment per the published terms (Patent Law art. 51)",
                       details={"paid_yuan": f"{paid:.2f}", "filing_deadline": deal.filing_deadline.isoformat()})])
    if paid > 0:
        session.add(DealPayment(deal_id=deal.id, amount_yuan=paid, received_on=notified,
                                note="paid on acceptance", recorded_by=actor.username))
    acceptance = OpenLicenceAcceptance(declaration_id=row.id, licensee=licensee, organisation_id=organisation_id,
                                       notified_on=notified, paid_yuan=paid, trial_until=trial_until, deal_id=deal.id)
    session.add(acceptance)
    try:
        session.flush()
    except IntegrityError:  # the same licensee accepted in another session a moment ago
        raise Conflict(f"{licensee} has already accepted open licence {row.id}", field="licensee") from None
    return {"acceptance_id": acceptance.id, "declaration_id": row.id, "licensee": licensee,
            "notified_on": notified.isoformat(), "paid_yuan": f"{paid:.2f}",
            "trial_until": trial_until.isoformat() if trial_until else None, "deal_id": deal.id,
            "filing_deadline": deal.filing_deadline.isoformat()}


def acceptances(session: Session, actor, declaration_id) -> list[dict[str, Any]]:
    require(actor, PATENTS_READ)
    row = _load(session, declaration_id)
    mine = _is_operator(actor) or (actor.organisation_id is not None and row.organisation_id == actor.organisation_id)
    query = select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.declaration_id == row.id)
    if not mine:  # a licensee sees its own acceptance, not its competitors'
        query = query.where(OpenLicenceAcceptance.organisation_id == actor.organisation_id) \
            if actor.organisation_id else query.where(OpenLicenceAcceptance.id.is_(None))
    return [{"id": a.id, "licensee": a.licensee, "notified_on": a.notified_on.isoformat(),
             "paid_yuan": f"{a.paid_yuan:.2f}", "trial_until": a.trial_until.isoformat() if a.trial_until else None,
             "deal_id": a.deal_id} for a in session.scalars(query.order_by(OpenLicenceAcceptance.id))]


def get_declaration(session: Session, actor, declaration_id) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    row = _load(session, declaration_id)
    if not _visible(actor, row):
        raise NotFound(f"open-licence declaration {declaration_id} not found", field="declaration_id")
    return declaration_dict(row, session)


def market(session: Session, actor, *, field: str | None = None, max_fee=None, holder_type: str | None = None,
           q: str | None = None, status: str = "published", page: int = 1, page_size: int = 50) -> dict[str, Any]:
    """The open-licence market: published declarations, searchable by technical field (IPC prefix or a tag node),
    fee on acceptance (at most `max_fee` yuan), holder type (university, enterprise …) and words of the title."""
    require(actor, PATENTS_READ)
    from lingxi.db.pagination import paginate

    query = select(OpenLicenceDeclaration).join(Patent, Patent.id == OpenLicenceDeclaration.patent_id)
    if status == "mine":
        mine = [OpenLicenceDeclaration.created_by == actor.username]
        if actor.organisation_id is not None:
            mine.append(OpenLicenceDeclaration.organisation_id == actor.organisation_id)
        query = query.where(or_(*mine))
    else:
        fields.choice(status, "status", ("published", "withdrawn", "draft"))
        if status == "draft" and not _is_operator(actor):
            query = query.where(OpenLicenceDeclaration.organisation_id == actor.organisation_id)
        query = query.where(OpenLicenceDeclaration.status == status)
    if field:
        code = field.strip().upper().replace(" ", "")
        query = query.where(or_(
            Patent.id.in_(select(PatentClassification.patent_id).where(
                func.replace(func.upper(PatentClassification.code), " ", "").like(f"{code}%"))),
            Patent.id.in_(select(PatentTag.patent_id).where(PatentTag.node_key == field.strip()))))
    if max_fee not in (None, ""):
        query = query.where(OpenLicenceDeclaration.upfront_fee_yuan <= fields.money(max_fee, "max_fee"))
    if holder_type:
        query = query.where(Patent.id.in_(
            select(PatentParty.patent_id).join(Party, Party.id == PatentParty.party_id)
            .where(PatentParty.role.in_(("applicant", "assignee")), Party.party_type == holder_type)))
    if q:
        query = query.where(or_(Patent.title.contains(q.strip()), OpenLicenceDeclaration.patentee.contains(q.strip())))
    result = paginate(session, query.order_by(OpenLicenceDeclaration.id.desc()), page, page_size)
    titles = dict(session.execute(select(Patent.id, Patent.title)
                                  .where(Patent.id.in_([r.patent_id for r in result.items]))).all())
    from lingxi.value.service import grade_of
    grades = grade_of(session, [r.patent_id for r in result.items])
    items = []
    for row in result.items:
        item = declaration_dict(row)
        item.update(title=titles.get(row.patent_id), grade=grades.get(row.patent_id))
        items.append(item)
    return {"items": items, "total": result.total, "page": result.page, "page_size": result.page_size,
            "pages": result.pages}
