"""Demand lists (需求清单): an enterprise's technology needs, their visibility and their life-cycle.

Visibility (who may read a demand), enforced here for the API, the pages and the CLI alike:

| confidentiality | operators/admins | the demand's own enterprise | other member roles | regulator |
|---|---|---|---|---|
| public 公开 | yes | yes | yes | counts only |
| operators 仅运营方可见 | yes | yes | no | counts only |
| secret 涉密 | yes | yes | no | counts only |

Operators and secret differ in what the platform may do with them on the enterprise's behalf: an operators-only
demand may be matched and its matches pushed to suppliers without naming the enterprise; a secret demand is never
shown, quoted or pushed to anyone outside the enterprise and the operators (`shareable` is False), so matching (§5)
and push use it only for the enterprise's own inbox. Mined drafts (origin "mined", not yet confirmed) are the
operators' suggestions: only operators see them until one is confirmed. An enterprise user edits only its own
demands; operators edit any.

Life-cycle: new → matched → negotiating → solved, and closed from any open state; anything else is refused (409).
Every change, the creation included, is a DemandStatusChange row: who, when, from, to and why.
"""

from __future__ import annotations

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import DEMANDS_POST, STATS_READ, require
from lingxi.db.audit import acting_as
from lingxi.db.base import utcnow
from lingxi.db.models import Demand, DemandStatusChange, Organisation
from lingxi.db.pagination import Page, paginate
from lingxi.enterprises import values
from lingxi.enterprises.access import ENTERPRISE_KINDS, is_operator, require_member, require_operator
from lingxi.enterprises.chain_nodes import check_node, classify_demand, node_names
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.parties.names import has_cjk

STATUSES = ("draft", "new", "matched", "negotiating", "solved", "closed")
OPEN_STATUSES = ("new", "matched", "negotiating")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("matched", "closed"),
    "matched": ("negotiating", "closed"),
    "negotiating": ("solved", "closed"),
    "solved": ("closed",),
    "closed": (),
    "draft": (),  # a mined draft becomes new only through confirm_draft (or is discarded)
}
MODES = ("transfer", "licence", "equity", "co_development")
MODE_SYNONYMS = {"转让": "transfer", "专利转让": "transfer", "许可": "licence", "专利许可": "licence",
                 "license": "licence", "作价入股": "equity", "入股": "equity", "股权": "equity",
                 "合作开发": "co_development", "联合开发": "co_development", "co-development": "co_development",
                 "co development": "co_development"}
CONFIDENTIALITY = ("public", "operators", "secret")
CONFIDENTIALITY_SYNONYMS = {"公开": "public", "仅运营方可见": "operators", "运营方可见": "operators",
                            "operators only": "operators", "operator-only": "operators", "涉密": "secret",
                            "保密": "secret", "confidential": "secret"}
ORIGINS = ("entered", "imported", "mined")
EDITABLE = ("title", "description", "chain_taxonomy", "chain_node", "technical_indicators", "trl_min", "trl_max",
            "budget_min", "budget_max", "preferred_mode", "deadline", "confidentiality")


# ------------------------------------------------------------------------------------------------ visibility

def may_see(actor: Principal, demand: Demand) -> bool:
    if not actor.can("organisations.directory"):
        return False
    if is_operator(actor):
        return True
    if not demand.confirmed:
        return False
    if actor.organisation_id == demand.organisation_id:
        return True
    return demand.confidentiality == "public"


def may_edit(actor: Principal, demand: Demand) -> bool:
    return is_operator(actor) or (actor.can(DEMANDS_POST) and actor.organisation_id == demand.organisation_id
                                  and demand.confirmed)


def visible_clause(actor: Principal):
    """The SQL form of may_see, for lists."""
    if is_operator(actor):
        return true()
    own = Demand.organisation_id == actor.organisation_id if actor.organisation_id is not None else false()
    return and_(Demand.confirmed.is_(True), or_(Demand.confidentiality == "public", own))


def shareable(demand: Demand) -> bool:
    """May matching/push show this demand (without the enterprise's name) to people outside it? Not when secret."""
    return demand.confirmed and demand.confidentiality != "secret"


# ------------------------------------------------------------------------------------------------ reading

def load_visible(session: Session, actor: Principal, demand_id: int) -> Demand:
    """The demand, if this actor may see it; NotFound otherwise (matching reads demands through this too)."""
    require_member(actor)
    demand = session.get(Demand, demand_id)
    if demand is None or not may_see(actor, demand):
        # Not 403: saying "exists but hidden" would leak that a confidential demand exists.
        raise NotFound(f"demand {demand_id} does not exist or is not visible to you")
    return demand


def demand_view(demand: Demand, organisation_name: str | None = None,
                names: dict | None = None) -> dict:
    node_name = (names or {}).get((demand.chain_taxonomy, demand.chain_node))
    return {
        "id": demand.id, "organisation_id": demand.organisation_id, "organisation_name": organisation_name,
        "title": demand.title, "description": demand.description, "language": demand.language,
        "chain_taxonomy": demand.chain_taxonomy, "chain_node": demand.chain_node,
        "chain_node_name": node_name[0] if node_name else None,
        "chain_node_name_en": node_name[1] if node_name else None,
        "chain_node_auto": demand.chain_node_auto, "chain_evidence": demand.chain_evidence or {},
        "technical_indicators": demand.technical_indicators or [],
        "desired_maturity": {"trl_min": demand.trl_min, "trl_max": demand.trl_max},
        "trl_min": demand.trl_min, "trl_max": demand.trl_max,
        "budget_min": demand.budget_min, "budget_max": demand.budget_max, "preferred_mode": demand.preferred_mode,
        "deadline": demand.deadline.isoformat() if demand.deadline else None,
        "confidentiality": demand.confidentiality, "status": demand.status, "origin": demand.origin,
        "confirmed": demand.confirmed, "mining_reason": demand.mining_reason or {}, "created_by": demand.created_by,
        "created_at": demand.created_at.isoformat() if demand.created_at else None,
        "updated_at": demand.updated_at.isoformat() if demand.updated_at else None,
        "shareable": shareable(demand),
    }


def get_demand(session: Session, actor: Principal, demand_id: int) -> dict:
    demand = load_visible(session, actor, demand_id)
    organisation_name = session.scalar(select(Organisation.name).where(Organisation.id == demand.organisation_id))
    view = demand_view(demand, organisation_name, node_names(session))
    view["history"] = [
        {"from_status": h.from_status, "to_status": h.to_status, "actor": h.actor, "reason": h.reason,
         "at": h.at.isoformat()}
        for h in session.scalars(select(DemandStatusChange).where(DemandStatusChange.demand_id == demand_id)
                                 .order_by(DemandStatusChange.at, DemandStatusChange.id))]
    view["may_edit"] = may_edit(actor, demand)
    view["next_statuses"] = list(TRANSITIONS.get(demand.status, ())) if view["may_edit"] else []
    return view


def list_demands(session: Session, actor: Principal, page: int = 1, page_size: int = 20, status: str | None = None,
                 chain_node: str | None = None, chain_taxonomy: str | None = None, mode: str | None = None,
                 organisation_id: int | None = None, confidentiality: str | None = None, origin: str | None = None,
                 confirmed: bool | None = True, q: str | None = None) -> Page:
    """The demands the actor may see, newest first, filtered. confirmed=None lists drafts too (operators)."""
    require_member(actor)
    statement = select(Demand).where(visible_clause(actor)).order_by(Demand.created_at.desc(), Demand.id.desc())
    if status:
        statement = statement.where(Demand.status == values.choice(status, "status", STATUSES))
    if chain_node:  # a branch finds its leaves too: pv.cell finds pv.cell.perovskite
        statement = statement.where(or_(Demand.chain_node == chain_node,
                                        Demand.chain_node.startswith(f"{chain_node}.", autoescape=True)))
    if chain_taxonomy:
        statement = statement.where(Demand.chain_taxonomy == chain_taxonomy)
    if mode:
        statement = statement.where(Demand.preferred_mode == values.choice(mode, "mode", MODES, MODE_SYNONYMS))
    if organisation_id is not None:
        statement = statement.where(Demand.organisation_id == organisation_id)
    if confidentiality:
        statement = statement.where(Demand.confidentiality == values.choice(
            confidentiality, "confidentiality", CONFIDENTIALITY, CONFIDENTIALITY_SYNONYMS))
    if origin:
        statement = statement.where(Demand.origin == values.choice(origin, "origin", ORIGINS))
    if confirmed is not None:
        statement = statement.where(Demand.confirmed.is_(confirmed))
    if q and q.strip():
        statement = statement.where(or_(Demand.title.contains(q.strip(), autoescape=True),
                                        Demand.description.contains(q.strip(), autoescape=True)))
    result = paginate(session, statement, page, page_size)
    organisations = {row.id: row.name for row in session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({d.organisation_id for d in result.items})))} if result.items else {}
    names = node_names(session)
    return result.map(lambda d: demand_view(d, organisations.get(d.organisation_id), names))


def demands_of(session: Session, actor: Principal, organisation_id: int, limit: int = 100) -> list[dict]:
    """The demands of one enterprise that the actor may see (its file page), drafts included for operators."""
    return list_demands(session, actor, page=1, page_size=limit, organisation_id=organisation_id,
                        confirmed=None).items


def demand_counts(session: Session, actor: Principal) -> dict:
    """What a regulator may read: numbers by status, chain node and mode — never a single demand."""
    require(actor, STATS_READ)
    confirmed = Demand.confirmed.is_(True)

    def counts(column) -> dict:
        rows = session.execute(select(column, func.count()).where(confirmed).group_by(column)
                               .order_by(func.count().desc()))
        return {value or "—": count for value, count in rows}

    return {"total": session.scalar(select(func.count()).select_from(Demand).where(confirmed)) or 0,
            "by_status": counts(Demand.status), "by_chain_node": counts(Demand.chain_node),
            "by_mode": counts(Demand.preferred_mode), "by_origin": counts(Demand.origin)}


# ------------------------------------------------------------------------------------------------ writing

def detect_language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "zh" if has_cjk(text) and cjk * 3 >= latin else "en"


def _indicators(value) -> list:
    """Technical indicators: a list of {name, value, unit}, or free text kept as one {name: text} item per line."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [{"name": line.strip(), "value": "", "unit": ""} for line in value.replace("；", "\n").replace(";", "\n")
                .splitlines() if line.strip()]
    if not isinstance(value, list):
        raise InvalidInput("technical_indicators must be a list of {name, value, unit} or text",
                           field="technical_indicators")
    items = []
    for index, item in enumerate(value, start=1):
        if isinstance(item, str):
            items.append({"name": item.strip(), "value": "", "unit": ""})
        elif isinstance(item, dict) and str(item.get("name") or "").strip():
            items.append({"name": str(item["name"]).strip(), "value": str(item.get("value") or "").strip(),
                          "unit": str(item.get("unit") or "").strip()})
        else:
            raise InvalidInput(f"technical indicator {index} needs a name", field="technical_indicators")
    return items


def clean(raw: dict) -> dict:
    """Validate the editable fields present in raw; InvalidInput names the first bad one."""
    cleaned: dict = {}
    for field in raw:
        if field not in EDITABLE and field not in ("organisation_id",):
            raise InvalidInput(f"unknown field {field!r}", field=field)
    if "title" in raw:
        cleaned["title"] = values.text(raw["title"], "title", 300, required=True)
    if "description" in raw:
        cleaned["description"] = values.text(raw["description"], "description") or ""
    for field in ("chain_taxonomy", "chain_node"):
        if field in raw:
            cleaned[field] = values.text(raw[field], field, 80)
    if "technical_indicators" in raw:
        cleaned["technical_indicators"] = _indicators(raw["technical_indicators"])
    for field in ("trl_min", "trl_max"):
        if field in raw:
            cleaned[field] = values.integer(raw[field], field, 1, 9)
    for field in ("budget_min", "budget_max"):
        if field in raw:
            cleaned[field] = values.yuan(raw[field], field)
    if "preferred_mode" in raw:
        cleaned["preferred_mode"] = values.choice(raw["preferred_mode"], "preferred_mode", MODES, MODE_SYNONYMS)
    if "deadline" in raw:
        cleaned["deadline"] = values.date(raw["deadline"], "deadline")
    if "confidentiality" in raw:
        cleaned["confidentiality"] = values.choice(raw["confidentiality"], "confidentiality", CONFIDENTIALITY,
                                                   CONFIDENTIALITY_SYNONYMS) or "public"
    return cleaned


def _check_ranges(demand: Demand) -> None:
    if demand.trl_min and demand.trl_max and demand.trl_min > demand.trl_max:
        raise InvalidInput("trl_min is above trl_max", field="trl_min")
    if demand.budget_min is not None and demand.budget_max is not None and demand.budget_min > demand.budget_max:
        raise InvalidInput("budget_min is above budget_max", field="budget_min")


def _apply_chain(session: Session, demand: Demand, cleaned: dict) -> None:
    """A node given by a person is checked and kept (auto off); otherwise the classifier places the demand."""
    if cleaned.get("chain_node"):
        taxonomy = cleaned.get("chain_taxonomy") or demand.chain_taxonomy or _taxonomy_of_node(cleaned["chain_node"])
        check_node(session, taxonomy, cleaned["chain_node"])
        demand.chain_taxonomy, demand.chain_node, demand.chain_node_auto = taxonomy, cleaned["chain_node"], False
        demand.chain_evidence = {"set_by": "person"}
    elif demand.chain_node_auto or "chain_node" in cleaned:  # cleared by a person: back to automatic
        found = classify_demand(session, demand.title, demand.description)
        demand.chain_node_auto = True
        demand.chain_taxonomy = found["taxonomy"] if found else None
        demand.chain_node = found["node"] if found else None
        demand.chain_evidence = {k: found[k] for k in ("confidence", "evidence", "evidence_text", "alternatives")} \
            if found else {"note": "no chain node fits the text"}


def _taxonomy_of_node(node: str) -> str:
    prefix = node.split(".", 1)[0]
    return {"pv": "chain_pv", "h2": "chain_h2", "ev": "chain_ev"}.get(prefix, prefix)


def _organisation_for(session: Session, actor: Principal, organisation_id) -> int:
    if is_operator(actor):
        if organisation_id in (None, ""):
            raise InvalidInput("choose the enterprise the demand belongs to", field="organisation_id")
        organisation_id = values.integer(organisation_id, "organisation_id", 1)
    else:
        if organisation_id not in (None, "") and values.integer(organisation_id, "organisation_id") != \
                actor.organisation_id:
            raise PermissionDenied("an enterprise posts demands for itself only", field="organisation_id")
        organisation_id = actor.organisation_id
    kind = session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id)) \
        if organisation_id else None
    if kind not in ENTERPRISE_KINDS:
        raise InvalidInput(f"organisation {organisation_id} is not an enterprise", field="organisation_id")
    return organisation_id


def _record(session: Session, demand: Demand, from_status: str | None, to_status: str, actor: str,
            reason: str) -> None:
    session.add(DemandStatusChange(demand_id=demand.id, from_status=from_status, to_status=to_status, actor=actor,
                                   reason=reason or "", at=utcnow()))


def create_demand(session: Session, actor: Principal, raw: dict, origin: str = "entered") -> dict:
    """Post a demand: an enterprise for itself, an operator for any enterprise (organisation_id)."""
    require(actor, DEMANDS_POST)
    raw = dict(raw)
    organisation_id = _organisation_for(session, actor, raw.pop("organisation_id", None))
    cleaned = clean({"title": raw.get("title"), **raw})
    demand = Demand(organisation_id=organisation_id, origin=origin, confirmed=True, status="new",
                    created_by=actor.username, chain_node_auto=True, technical_indicators=[], mining_reason={},
                    description="", confidentiality="public")
    for field, value in cleaned.items():
        if field not in ("chain_taxonomy", "chain_node"):
            setattr(demand, field, value)
    demand.language = detect_language(f"{demand.title}\n{demand.description}")
    _check_ranges(demand)
    _apply_chain(session, demand, cleaned)
    acting_as(session, actor)
    session.add(demand)
    session.flush()
    _record(session, demand, None, "new", actor.username, {"entered": "entered", "imported": "imported from Excel"}
            .get(origin, origin))
    session.flush()
    return get_demand(session, actor, demand.id)


def update_demand(session: Session, actor: Principal, demand_id: int, raw: dict) -> dict:
    demand = load_visible(session, actor, demand_id)
    if not may_edit(actor, demand):
        raise PermissionDenied("only the demand's own enterprise and operators may change it")
    if "organisation_id" in raw:
        raise InvalidInput("a demand cannot move to another enterprise", field="organisation_id")
    cleaned = clean(raw)
    text_changed = any(field in cleaned and cleaned[field] != getattr(demand, field)
                       for field in ("title", "description"))
    for field, value in cleaned.items():
        if field not in ("chain_taxonomy", "chain_node"):
            setattr(demand, field, value)
    _check_ranges(demand)
    if "chain_node" in cleaned or (text_changed and demand.chain_node_auto):
        _apply_chain(session, demand, cleaned)
    if text_changed:
        demand.language = detect_language(f"{demand.title}\n{demand.description}")
    acting_as(session, actor)
    session.flush()
    return get_demand(session, actor, demand_id)


def change_status(session: Session, actor: Principal, demand_id: int, to_status: str, reason: str = "") -> dict:
    """Move a demand along its life-cycle; a step the life-cycle does not allow is refused with Conflict (409)."""
    demand = load_visible(session, actor, demand_id)
    if not may_edit(actor, demand):
        raise PermissionDenied("only the demand's own enterprise and operators may change its status")
    target = values.choice(to_status, "status", STATUSES)
    allowed = TRANSITIONS.get(demand.status, ())
    if target not in allowed:
        raise Conflict(f"a {demand.status} demand cannot become {target}; allowed: "
                       f"{', '.join(allowed) if allowed else 'none (final)'}", field="status")
    acting_as(session, actor)
    _record(session, demand, demand.status, target, actor.username, values.text(reason, "reason") or "")
    demand.status = target
    session.flush()
    return get_demand(session, actor, demand_id)


def confirm_draft(session: Session, actor: Principal, demand_id: int, raw: dict | None = None) -> dict:
    """An operator turns a mined draft into a real demand (status new), optionally editing it first."""
    require_operator(actor, "confirm mined demands")
    demand = load_visible(session, actor, demand_id)
    if demand.confirmed or demand.status != "draft":
        raise Conflict(f"demand {demand_id} is not a draft awaiting confirmation", field="status")
    acting_as(session, actor)
    if raw:
        cleaned = clean(raw)
        for field, value in cleaned.items():
            if field not in ("chain_taxonomy", "chain_node"):
                setattr(demand, field, value)
        if "chain_node" in cleaned:
            _apply_chain(session, demand, cleaned)
    demand.confirmed, demand.status = True, "new"
    _record(session, demand, "draft", "new", actor.username, "mined draft confirmed")
    session.flush()
    return get_demand(session, actor, demand_id)


def discard_draft(session: Session, actor: Principal, demand_id: int, reason: str = "") -> dict:
    """Discarded drafts stay (closed, unconfirmed) so that mining does not suggest the same gap again."""
    require_operator(actor, "discard mined demands")
    demand = load_visible(session, actor, demand_id)
    if demand.confirmed or demand.status != "draft":
        raise Conflict(f"demand {demand_id} is not a draft awaiting confirmation", field="status")
    acting_as(session, actor)
    _record(session, demand, "draft", "closed", actor.username, reason or "mined draft discarded")
    demand.status = "closed"
    session.flush()
    return get_demand(session, actor, demand_id)
