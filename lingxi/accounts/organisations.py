"""Organisations that own accounts, with the confidentiality rules of SPEC.md §13.

The public directory entry (name, kind, region) is visible to every member role; contacts and notes only to the
organisation's own users, operators and admins. Regulators see counts, never a single organisation's record.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import (
    ORGANISATIONS_DIRECTORY,
    ORGANISATIONS_EDIT_ALL,
    ORGANISATIONS_EDIT_OWN,
    ORGANISATIONS_READ_ALL,
    STATS_READ,
    require,
)
from lingxi.db.models import Organisation, Party
from lingxi.db.pagination import Page, paginate
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.fields import text as checked_text

# Labels in both languages are in the web messages (orgkind.*).
ORGANISATION_KINDS = ("university", "institute", "soe", "enterprise", "operations_centre", "service_agency",
                      "financial", "government")
PUBLIC_FIELDS = ("id", "name", "kind", "province", "city")
CONFIDENTIAL_FIELDS = ("credit_code", "contact_name", "contact_phone", "contact_email", "notes", "party_id")
EDITABLE_FIELDS = ("name", "kind", "province", "city") + CONFIDENTIAL_FIELDS


def public_view(organisation: Organisation) -> dict:
    return {name: getattr(organisation, name) for name in PUBLIC_FIELDS}


def full_view(organisation: Organisation) -> dict:
    view = public_view(organisation)
    view.update({name: getattr(organisation, name) for name in CONFIDENTIAL_FIELDS})
    view.update(created_at=organisation.created_at, updated_at=organisation.updated_at)
    return view


def may_see_file(actor: Principal, organisation_id: int) -> bool:
    return actor.can(ORGANISATIONS_READ_ALL) or (
        actor.organisation_id == organisation_id and actor.can(ORGANISATIONS_EDIT_OWN)
    )


def list_organisations(session: Session, actor: Principal, page: int = 1, page_size: int = 20,
                       kind: str | None = None, name: str | None = None) -> Page[dict]:
    """Operators get full files; other member roles the public directory; regulators nothing."""
    require(actor, ORGANISATIONS_DIRECTORY)
    statement = select(Organisation).order_by(Organisation.name)
    if kind:
        statement = statement.where(Organisation.kind == _kind(kind))
    if name:
        statement = statement.where(Organisation.name.contains(name.strip()))
    result = paginate(session, statement, page, page_size)
    return result.map(lambda o: full_view(o) if may_see_file(actor, o.id) else public_view(o))


def get_organisation(session: Session, actor: Principal, organisation_id: int) -> dict:
    """One organisation's file (一企一档): the organisation's own users and operators only."""
    organisation = session.get(Organisation, organisation_id)
    if not may_see_file(actor, organisation_id):
        raise PermissionDenied("an organisation's file is visible to its own users and to operators only")
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} does not exist")
    return full_view(organisation)


def create_organisation(session: Session, actor: Principal, **fields) -> Organisation:
    require(actor, ORGANISATIONS_EDIT_ALL)
    values = _clean(fields)
    _check_values(session, {"name": None, "kind": None, **values})
    organisation = Organisation(**values)
    session.add(organisation)
    session.flush()
    return organisation


def update_organisation(session: Session, actor: Principal, organisation_id: int, **fields) -> dict:
    own = actor.organisation_id == organisation_id and actor.can(ORGANISATIONS_EDIT_OWN)
    if not (own or actor.can(ORGANISATIONS_EDIT_ALL)):
        raise PermissionDenied("only the organisation's own users and operators may change its file")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} does not exist")
    values = _clean(fields)
    if "kind" in values and not actor.can(ORGANISATIONS_EDIT_ALL):
        raise PermissionDenied("only operators may change an organisation's kind", field="kind")
    _check_values(session, values, organisation_id)
    for name, value in values.items():
        setattr(organisation, name, value)
    session.flush()
    return full_view(organisation)


def organisation_counts(session: Session, actor: Principal) -> dict:
    """Aggregates a regulator may read: organisations by kind and by province."""
    require(actor, STATS_READ)

    def counts(column) -> dict:
        rows = session.execute(select(column, func.count()).group_by(column).order_by(func.count().desc()))
        return {value or "—": count for value, count in rows}

    return {"by_kind": counts(Organisation.kind), "by_province": counts(Organisation.province)}


def _check_values(session: Session, values: dict, organisation_id: int | None = None) -> None:
    """What the database would refuse, said as the user's error: a missing name or kind, a name another
    organisation has, a party that does not exist."""
    for field in ("name", "kind"):
        if field in values and not values[field]:
            raise InvalidInput(f"an organisation needs a {field}", field=field)
    if values.get("name"):
        other = session.scalar(select(Organisation.id).where(Organisation.name == values["name"]))
        if other is not None and other != organisation_id:
            raise Conflict(f"organisation {values['name']!r} exists already", field="name")
    if values.get("party_id") is not None and session.get(Party, values["party_id"]) is None:
        raise InvalidInput(f"party {values['party_id']} does not exist", field="party_id")


def _kind(kind: str) -> str:
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"unknown organisation kind {kind!r}; one of {', '.join(ORGANISATION_KINDS)}",
                           field="kind")
    return kind


def _clean(fields: dict) -> dict:
    values = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise InvalidInput(f"unknown field {name!r}", field=name)
        if isinstance(value, str):
            # Held to its column's length: SQLite would keep a longer text, PostgreSQL refuses it
            limit = getattr(Organisation.__table__.c[name].type, "length", None)
            value = checked_text(value, name, required=False, limit=limit) if limit else value.strip() or None
        values[name] = value
    if values.get("kind") is not None:
        _kind(values["kind"])
    return values
