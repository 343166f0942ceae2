"""The enterprise file (一企一档): an organisation of kind enterprise/soe plus its EnterpriseProfile, with linked
patents, demands, market deals (as a party), pledges, training records, due-diligence notes and risk indicators
gathered in one view.

The organisation's own fields (name, credit code, region, contacts, notes) stay on Organisation; the profile only adds
what an enterprise file needs beyond the directory. Access rules: lingxi/enterprises/access.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.organisations import full_view, public_view
from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.models import (
    Deal,
    DealPatent,
    DueDiligenceNote,
    EnterpriseProfile,
    Organisation,
    Patent,
    PledgeRecord,
    TrainingRecord,
)
from lingxi.db.pagination import Page, check_paging
from lingxi.enterprises import credit_code, industries, values
from lingxi.enterprises.access import (
    ENTERPRISE_KINDS,
    is_operator,
    may_read_file,
    require_file_access,
    require_file_edit,
    require_member,
    require_operator,
)
from lingxi.enterprises.patent_links import enterprise_patent_ids, list_links
from lingxi.enterprises.risk import computed_risks
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.market.deals import deal_dict, deals_query
from lingxi.value.facts import DEAL_DONE_STATES

SIZE_CLASSES = ("micro", "small", "medium", "large")  # 微型 / 小型 / 中型 / 大型 (工信部联企业〔2011〕300号)
SIZE_SYNONYMS = {"微型": "micro", "微型企业": "micro", "小型": "small", "小型企业": "small", "中型": "medium",
                 "中型企业": "medium", "大型": "large", "大型企业": "large", "小微": "small", "中小": "medium"}
ORGANISATION_FIELDS = ("name", "kind", "credit_code", "province", "city", "contact_name", "contact_phone",
                       "contact_email", "notes")
PROFILE_FIELDS = ("industry_code", "size_class", "products", "employees", "founded", "aliases", "contacts",
                  "risk_indicators")
PUBLIC_PROFILE_FIELDS = ("industry_code", "size_class", "products")  # the directory may show what a firm makes
PATENTS_SHOWN = 50
DEALS_SHOWN = 50


def clean_values(raw: dict) -> tuple[dict, dict]:
    """Split and validate input into (organisation fields, profile fields); InvalidInput names the bad field."""
    unknown = set(raw) - set(ORGANISATION_FIELDS) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    organisation: dict = {}
    for name in ORGANISATION_FIELDS:
        if name in raw:
            organisation[name] = values.text(raw[name], name, 200 if name in ("name", "contact_email") else None)
    if organisation.get("credit_code"):
        organisation["credit_code"] = credit_code.validate(organisation["credit_code"])
    if organisation.get("kind") and organisation["kind"] not in ENTERPRISE_KINDS:
        raise InvalidInput(f"an enterprise file is for kinds {', '.join(ENTERPRISE_KINDS)}", field="kind")
    profile: dict = {}
    if "industry_code" in raw:
        code = values.text(raw["industry_code"], "industry_code")
        profile["industry_code"] = industries.validate(code) if code else None
    if "size_class" in raw:
        profile["size_class"] = values.choice(raw["size_class"], "size_class", SIZE_CLASSES, SIZE_SYNONYMS)
    if "products" in raw:
        profile["products"] = values.text(raw["products"], "products")
    if "employees" in raw:
        profile["employees"] = values.integer(raw["employees"], "employees", 0, 10_000_000)
    if "founded" in raw:
        profile["founded"] = values.date(raw["founded"], "founded")
    if "aliases" in raw:
        profile["aliases"] = values.name_list(raw["aliases"])
    if "contacts" in raw:
        profile["contacts"] = _contacts(raw["contacts"])
    if "risk_indicators" in raw:
        if not isinstance(raw["risk_indicators"] or {}, dict):
            raise InvalidInput("risk_indicators must be an object {name: {value, level, note}}",
                               field="risk_indicators")
        profile["risk_indicators"] = raw["risk_indicators"] or {}
    return organisation, profile


def _contacts(value) -> list[dict]:
    if not value:
        return []
    if not isinstance(value, list):
        raise InvalidInput("contacts must be a list of {name, phone, email, role}", field="contacts")
    contacts = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise InvalidInput(f"contact {index} needs a name", field="contacts")
        contacts.append({key: str(item.get(key) or "").strip() for key in ("name", "phone", "email", "role")})
    return contacts


def profile_of(session: Session, organisation_id: int) -> EnterpriseProfile | None:
    return session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.organisation_id == organisation_id))


def _ensure_profile(session: Session, organisation_id: int) -> EnterpriseProfile:
    profile = profile_of(session, organisation_id)
    if profile is None:
        profile = EnterpriseProfile(organisation_id=organisation_id, aliases=[], contacts=[], risk_indicators={})
        session.add(profile)
    return profile


def _enterprise(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in ENTERPRISE_KINDS:
        raise NotFound(f"enterprise {organisation_id} does not exist")
    return organisation


def profile_view(profile: EnterpriseProfile | None, full: bool) -> dict:
    names = PROFILE_FIELDS if full else PUBLIC_PROFILE_FIELDS
    view = {name: (getattr(profile, name) if profile else None) for name in names}
    if full:
        view["founded"] = view["founded"].isoformat() if view["founded"] else None
        view["aliases"] = view["aliases"] or []
        view["contacts"] = view["contacts"] or []
        view["risk_indicators"] = view["risk_indicators"] or {}
        view["updated_by"] = profile.updated_by if profile else None
    industry = industries.lookup(view["industry_code"])
    view["industry_name"] = industry.name if industry else None
    return view


def enterprise_summary(organisation: Organisation, profile: EnterpriseProfile | None, actor: Principal) -> dict:
    full = may_read_file(actor, organisation.id)
    view = full_view(organisation) if full else public_view(organisation)
    view.update(profile_view(profile, full))
    if full:
        view["created_at"] = organisation.created_at.isoformat()
        view["updated_at"] = organisation.updated_at.isoformat()
    view["full"] = full
    return view


def list_enterprises(session: Session, actor: Principal, page: int = 1, page_size: int = 20, name: str | None = None,
                     industry: str | None = None, size_class: str | None = None, city: str | None = None) -> Page:
    """Operators get every file; other member roles the public profile; the regulator only counts."""
    require_member(actor)
    check_paging(page, page_size)
    statement = (select(Organisation, EnterpriseProfile)
                 .outerjoin(EnterpriseProfile, EnterpriseProfile.organisation_id == Organisation.id)
                 .where(Organisation.kind.in_(ENTERPRISE_KINDS)))
    if name:
        statement = statement.where(Organisation.name.contains(name.strip(), autoescape=True))
    if industry:
        wanted = industries.normalise(industry)
        if wanted.isalpha():  # a section (C 制造业): its codes are digits, so list them
            codes = [code for code, item in industries.industries().items() if item.section == wanted]
            statement = statement.where(EnterpriseProfile.industry_code.in_(codes))
        else:
            statement = statement.where(EnterpriseProfile.industry_code.startswith(wanted, autoescape=True))
    if size_class:
        statement = statement.where(EnterpriseProfile.size_class == values.choice(
            size_class, "size_class", SIZE_CLASSES, SIZE_SYNONYMS))
    if city:
        statement = statement.where(Organisation.city == city.strip())
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(statement.order_by(Organisation.name).limit(page_size).offset((page - 1) * page_size))
    return Page([enterprise_summary(o, p, actor) for o, p in rows], total, page, page_size)


def get_enterprise(session: Session, actor: Principal, organisation_id: int) -> dict:
    """An enterprise's record: the full one for its own users and operators, the public profile for others."""
    require_member(actor)
    organisation = _enterprise(session, organisation_id)
    return enterprise_summary(organisation, profile_of(session, organisation_id), actor)


def create_enterprise(session: Session, actor: Principal, raw: dict) -> dict:
    require_operator(actor, "create enterprise files")
    organisation_values, profile_values = clean_values({**raw, "kind": raw.get("kind") or "enterprise"})
    if not organisation_values.get("name"):
        raise InvalidInput("an enterprise needs a name", field="name")
    if session.scalar(select(Organisation.id).where(Organisation.name == organisation_values["name"])):
        raise Conflict(f"organisation {organisation_values['name']!r} exists already", field="name")
    code = organisation_values.get("credit_code")
    if code and session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise Conflict(f"an organisation with credit code {code} exists already", field="credit_code")
    acting_as(session, actor)
    organisation = Organisation(**organisation_values)
    session.add(organisation)
    session.flush()
    profile = _ensure_profile(session, organisation.id)
    for field, value in profile_values.items():
        setattr(profile, field, value)
    profile.updated_by = actor.username
    session.flush()
    return enterprise_summary(organisation, profile, actor)


def update_enterprise(session: Session, actor: Principal, organisation_id: int, raw: dict) -> dict:
    """Change fields of the file; an enterprise edits its own, operators any. Only operators change name/kind."""
    require_file_edit(actor, organisation_id)
    organisation = _enterprise(session, organisation_id)
    organisation_values, profile_values = clean_values(raw)
    for field in ("name", "kind"):
        if field in organisation_values and not is_operator(actor):
            raise PermissionDenied(f"only operators may change an enterprise's {field}", field=field)
    if "risk_indicators" in profile_values and not is_operator(actor):
        raise PermissionDenied("risk indicators are recorded by operators", field="risk_indicators")
    if organisation_values.get("name") is None and "name" in organisation_values:
        raise InvalidInput("an enterprise needs a name", field="name")
    code = organisation_values.get("credit_code")
    if code and session.scalar(select(Organisation.id).where(Organisation.credit_code == code,
                                                             Organisation.id != organisation_id)):
        raise Conflict(f"another organisation has credit code {code}", field="credit_code")
    acting_as(session, actor)
    for field, value in organisation_values.items():
        setattr(organisation, field, value)
    profile = _ensure_profile(session, organisation_id)
    for field, value in profile_values.items():
        setattr(profile, field, value)
    profile.updated_by = actor.username
    session.flush()
    return enterprise_summary(organisation, profile, actor)


def add_training(session: Session, actor: Principal, organisation_id: int, raw: dict) -> dict:
    """Record a training the enterprise's staff attended (the enterprise itself or an operator)."""
    require_file_edit(actor, organisation_id)
    _enterprise(session, organisation_id)
    record = TrainingRecord(
        organisation_id=organisation_id, title=values.text(raw.get("title"), "title", 300, required=True),
        held_on=values.date(raw.get("held_on") or raw.get("date"), "held_on") or _missing("held_on"),
        hours=values.number(raw.get("hours"), "hours") or 0.0,
        trainees=values.integer(raw.get("trainees"), "trainees") or 0,
        provider=values.text(raw.get("provider"), "provider", 200), created_by=actor.username)
    acting_as(session, actor)
    session.add(record)
    session.flush()
    return _training_view(record)


def add_due_diligence_note(session: Session, actor: Principal, organisation_id: int, title: str, body: str) -> dict:
    """Due-diligence notes are operators' working papers: only operators write and read them."""
    require_operator(actor, "write due-diligence notes")
    _enterprise(session, organisation_id)
    note = DueDiligenceNote(organisation_id=organisation_id, title=values.text(title, "title", 300, required=True),
                            body=values.text(body, "body") or "", author=actor.username)
    acting_as(session, actor)
    session.add(note)
    session.flush()
    return _note_view(note)


def _missing(field: str):
    raise InvalidInput(f"{field} is required", field=field)


def _training_view(record: TrainingRecord) -> dict:
    return {"id": record.id, "title": record.title, "held_on": record.held_on.isoformat(), "hours": record.hours,
            "trainees": record.trainees, "provider": record.provider}


def _note_view(note: DueDiligenceNote) -> dict:
    return {"id": note.id, "title": note.title, "body": note.body, "author": note.author,
            "created_at": note.created_at.isoformat()}


def _pledges(session: Session, patent_ids: list[int]) -> dict:
    if not patent_ids:
        return {"available": True, "items": []}
    rows = session.execute(select(PledgeRecord, Patent.title, Patent.publication_number)
                           .join(Patent, Patent.id == PledgeRecord.patent_id)
                           .where(PledgeRecord.patent_id.in_(patent_ids)).order_by(PledgeRecord.registered_on.desc()))
    return {"available": True, "items": [
        {"id": p.id, "patent_id": p.patent_id, "title": title, "publication_number": number, "pledgee": p.pledgee,
         "amount_yuan": float(p.amount_yuan), "registered_on": p.registered_on.isoformat(),
         "released_on": p.released_on.isoformat() if p.released_on else None} for p, title, number in rows]}


def _deals(session: Session, actor: Principal, organisation_id: int) -> dict:
    """The market deals (SPEC §6) the enterprise is a party to, as supplier or counterparty organisation, newest
    first. The market's own reading rule (lingxi.market.deals.deals_query) still applies, so the file never shows a
    deal its reader could not open at /market/deals/{id}. Parties named only in text (no organisation) cannot be
    attributed to a file safely and are left out."""
    party = or_(Deal.supplier_organisation_id == organisation_id, Deal.counterparty_organisation_id == organisation_id)
    statement = deals_query(actor).where(party)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = session.scalars(statement.limit(DEALS_SHOWN)).all()
    patents: dict[int, list[int]] = {d.id: [] for d in rows}
    numbers: dict[int, str] = {}
    if rows:
        for deal_id, patent_id, number in session.execute(
                select(DealPatent.deal_id, DealPatent.patent_id, Patent.publication_number)
                .join(Patent, Patent.id == DealPatent.patent_id)
                .where(DealPatent.deal_id.in_(list(patents))).order_by(DealPatent.id)):
            patents[deal_id].append(patent_id)
            numbers[patent_id] = number
    items = []
    for deal in rows:
        view = deal_dict(deal, patents[deal.id])
        view["role"] = "supplier" if deal.supplier_organisation_id == organisation_id else "counterparty"
        view["patent_numbers"] = [numbers.get(pid) or str(pid) for pid in patents[deal.id]]
        # exact yuan with thousands separators (Decimal, not float: the fen must survive on big contracts)
        view["contract_amount_display"] = (f"{deal.contract_amount_yuan:,.2f}"
                                           if deal.contract_amount_yuan is not None else None)
        view["received_display"] = f"{deal.received_yuan or 0:,.2f}"
        items.append(view)
    # one line for the CLI and summaries: how many, how many signed or later, their contract total (exact yuan)
    signed = statement.order_by(None).where(Deal.state.in_(DEAL_DONE_STATES)).subquery()
    done = session.execute(select(func.count(), func.sum(signed.c.contract_amount_yuan))).one()
    amount = f"{done[1] or 0:,.2f}"
    return {"available": True, "total": total, "items": items, "signed": done[0], "signed_amount_yuan": amount,
            "message_zh": f"平台交易 {total} 笔，其中已签约及以后 {done[0]} 笔，合同金额合计 ¥{amount}",
            "message_en": f"{total} platform deals, {done[0]} signed or later, contracts worth ¥{amount} in total"}


def enterprise_file(session: Session, actor: Principal, organisation_id: int) -> dict:
    """Everything the platform knows about one enterprise, for its own users and operators (一企一档)."""
    require_file_access(actor, organisation_id)
    organisation = _enterprise(session, organisation_id)
    view = enterprise_summary(organisation, profile_of(session, organisation_id), actor)
    patent_ids = enterprise_patent_ids(session, organisation_id)
    shown = session.execute(
        select(Patent.id, Patent.title, Patent.publication_number, Patent.application_date)
        .where(Patent.id.in_(patent_ids[-PATENTS_SHOWN:]))
        .order_by(Patent.application_date.desc().nulls_last(), Patent.id.desc())) if patent_ids else []
    from lingxi.enterprises.demands import demands_of  # demands import files' helpers; avoid the cycle at load

    view.update(
        patents={"total": len(patent_ids), "items": [
            {"id": pid, "title": title, "publication_number": number,
             "application_date": date.isoformat() if isinstance(date, dt.date) else None}
            for pid, title, number, date in shown]},
        links=list_links(session, actor, organisation_id),
        demands=demands_of(session, actor, organisation_id),
        deals=_deals(session, actor, organisation_id),
        pledges=_pledges(session, patent_ids),
        training=[_training_view(r) for r in session.scalars(
            select(TrainingRecord).where(TrainingRecord.organisation_id == organisation_id)
            .order_by(TrainingRecord.held_on.desc()))],
        computed_risks=computed_risks(session, organisation_id, patent_ids),
        due_diligence=[_note_view(n) for n in session.scalars(
            select(DueDiligenceNote).where(DueDiligenceNote.organisation_id == organisation_id)
            .order_by(DueDiligenceNote.created_at.desc()))] if is_operator(actor) else None,
    )
    return view
