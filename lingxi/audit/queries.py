"""Reading the audit log (admins only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import AUDIT_READ, require
from lingxi.db.models import AuditEntry
from lingxi.db.pagination import Page, paginate


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "at": entry.at, "actor_id": entry.actor_id, "actor_name": entry.actor_name,
        "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id, "summary": entry.summary,
        "before": entry.before, "after": entry.after,
    }


def list_audit_entries(session: Session, actor: Principal, page: int = 1, page_size: int = 50,
                       entity: str | None = None, actor_name: str | None = None,
                       entity_id: str | None = None) -> Page[dict[str, Any]]:
    require(actor, AUDIT_READ)
    statement = select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if entity_id:
        statement = statement.where(AuditEntry.entity_id == str(entity_id))
    if actor_name:
        statement = statement.where(AuditEntry.actor_name == actor_name)
    return paginate(session, statement, page, page_size).map(entry_view)
