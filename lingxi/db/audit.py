"""Writes audit entries in the same transaction as the change they describe.

Business tables opt in by declaring `__audited__ = True`, `__audit_redact__` for secrets and `__audit_ignore__` for
bookkeeping columns (last login, last use) whose changes are not business changes. A listener on every ORM flush turns the session's new,
changed and deleted audited objects into AuditEntry rows, so no service can forget to log a change. The actor is
whoever the session is acting as (`acting_as`: anything with `user_id` and `username`, normally the signed-in
Principal); a session without one is recorded as "system". Bulk work that
bypasses the ORM (imports) records one summary event with `record_event`.
"""

from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from lingxi.db.base import utcnow
from lingxi.db.models.audit import AuditEntry

REDACTED = "***"


class _System:
    user_id = None
    username = "system"


SYSTEM = _System()


def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


def _redacted(obj) -> tuple[str, ...]:
    return getattr(type(obj), "__audit_redact__", ())


def acting_as(session: Session, actor) -> Session:
    session.info["actor"] = actor
    return session


def record_event(session: Session, action: str, entity: str, entity_id, summary: str,
                 after: dict | None = None) -> None:
    actor = session.info.get("actor", SYSTEM)
    session.execute(insert(AuditEntry), [_entry(actor, action, entity, entity_id, summary, None, after)])


@event.listens_for(Session, "after_flush")
def _log_flushed_changes(session: Session, _context) -> None:
    entries = []
    actor = session.info.get("actor", SYSTEM)
    for obj in session.new:
        if _is_audited(obj):
            entries.append(_entry(actor, "create", *_identity(obj), None, None, _snapshot(obj)))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if before or after:
                entries.append(_entry(actor, "update", *_identity(obj), None, before, after))
    for obj in session.deleted:
        if _is_audited(obj):
            entries.append(_entry(actor, "delete", *_identity(obj), None, _snapshot(obj), None))
    if entries:
        session.connection().execute(insert(AuditEntry), entries)


def _identity(obj) -> tuple[str, str]:
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)
    return obj.__tablename__, "/".join(str(part) for part in key)


def _entry(actor, action: str, entity: str, entity_id, summary, before, after) -> dict:
    return {
        "at": utcnow(), "actor_id": actor.user_id, "actor_name": actor.username, "action": action,
        "entity": entity, "entity_id": str(entity_id), "summary": summary, "before": before, "after": after,
    }


def _snapshot(obj) -> dict:
    redact = _redacted(obj)
    state = inspect(obj)
    return {
        attr.key: REDACTED if attr.key in redact else _jsonable(attr.loaded_value)
        for attr in state.attrs
        if attr.key in state.mapper.columns
    }


def _changes(obj) -> tuple[dict, dict]:
    redact = _redacted(obj)
    ignore = {"updated_at", *getattr(type(obj), "__audit_ignore__", ())}
    before, after = {}, {}
    for attr in inspect(obj).attrs:
        if attr.key not in inspect(obj).mapper.columns or attr.key in ignore:
            continue
        history = attr.history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = REDACTED if attr.key in redact else _jsonable(old)
        after[attr.key] = REDACTED if attr.key in redact else _jsonable(new)
    return before, after


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)
