"""A user's inbox (站内信): read, count unread, mark read. Strictly personal: nobody reads another user's inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import SUBSCRIPTIONS_OWN, require
from lingxi.db.base import utcnow
from lingxi.db.models import InboxMessage, PushDelivery
from lingxi.db.pagination import Page, paginate
from lingxi.errors import NotFound, PermissionDenied


def as_dict(message: InboxMessage) -> dict[str, Any]:
    return {"id": message.id, "title": message.title, "body": message.body, "link": message.link,
            "item_type": message.item_type, "item_id": message.item_id, "delivery_id": message.delivery_id,
            "created_at": message.created_at.isoformat() if message.created_at else None,
            "read_at": message.read_at.isoformat() if message.read_at else None}


def page_as_dicts(session: Session, page: Page) -> Page:
    """A page of messages as dicts, each with `match_link` when a demand subscription brought it: the demand's
    match results (/matching?demand_id=…), where the pushed patent can be compared with the other candidates."""
    ids = [m.delivery_id for m in page.items if m.delivery_id]
    demands: dict[int, int] = {}
    if ids:
        for delivery_id, reason in session.execute(select(PushDelivery.id, PushDelivery.reason)
                                                   .where(PushDelivery.id.in_(ids))):
            found = [r.get("evidence", {}).get("demand_id") for r in (reason or {}).get("subscriptions", [])
                     if r.get("kind") == "demand"]
            if found and found[0]:
                demands[delivery_id] = found[0]

    def convert(message: InboxMessage) -> dict[str, Any]:
        data = as_dict(message)
        demand_id = demands.get(message.delivery_id)
        data["match_link"] = f"/matching?demand_id={demand_id}" if demand_id else None
        return data

    return page.map(convert)


def _me(actor: Principal) -> int:
    require(actor, SUBSCRIPTIONS_OWN)
    if actor.user_id is None:
        raise PermissionDenied("the inbox belongs to a signed-in user")
    return actor.user_id


def list_messages(session: Session, actor: Principal, unread_only: bool = False, page: int = 1,
                  page_size: int = 20) -> Page:
    statement = select(InboxMessage).where(InboxMessage.user_id == _me(actor))
    if unread_only:
        statement = statement.where(InboxMessage.read_at.is_(None))
    return paginate(session, statement.order_by(InboxMessage.id.desc()), page, page_size)


def unread_count(session: Session, actor: Principal) -> int:
    return session.scalar(select(func.count(InboxMessage.id)).where(
        InboxMessage.user_id == _me(actor), InboxMessage.read_at.is_(None))) or 0


def get_message(session: Session, actor: Principal, message_id: int) -> InboxMessage:
    me = _me(actor)
    message = session.get(InboxMessage, message_id)
    if message is None:
        raise NotFound(f"message {message_id} not found")
    if message.user_id != me:
        raise PermissionDenied(f"message {message_id} is in another user's inbox")
    return message


def mark_read(session: Session, actor: Principal, message_id: int, read: bool = True) -> InboxMessage:
    message = get_message(session, actor, message_id)
    message.read_at = (message.read_at or utcnow()) if read else None
    session.flush()
    return message


def mark_all_read(session: Session, actor: Principal) -> int:
    result = session.execute(update(InboxMessage).where(InboxMessage.user_id == _me(actor),
                                                        InboxMessage.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
