"""Subscriptions (订阅): create, change, list, deactivate — with the record rules.

An enterprise user (or any member) keeps its own subscriptions (SUBSCRIPTIONS_OWN); operators (PUSH_MANAGE) see
and change everyone's and may subscribe on behalf of a user. Every input is checked before anything is stored: a
bad e-mail address or URL, an unknown chain node, an unreadable keyword query or a demand the user may not see is
an InvalidInput naming the field.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PUSH_MANAGE, SUBSCRIPTIONS_OWN, require
from lingxi.db.models import Subscription, User
from lingxi.db.pagination import Page, paginate
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.push.demands import visible_demand
from lingxi.push.items import ITEM_TYPES
from lingxi.search.query import QuerySyntaxError, parse_query

KINDS = ("demand", "chain_node", "keywords")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


@dataclass
class SubscriptionInput:
    """What a user sends; None leaves a field unchanged on update."""

    name: str | None = None
    kind: str | None = None
    demand_id: int | None = None
    taxonomy: str | None = None
    node: str | None = None
    query: str | None = None
    item_types: list[str] | None = None
    email: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    active: bool | None = None
    user_id: int | None = None  # operators: subscribe on behalf of this user


def as_dict(row: Subscription, reveal_secret: bool = False) -> dict[str, Any]:
    return {
        "id": row.id, "user_id": row.user_id, "organisation_id": row.organisation_id, "name": row.name,
        "kind": row.kind, "demand_id": row.demand_id, "taxonomy": row.taxonomy_name, "node": row.node_key,
        "query": row.query, "item_types": list(row.item_types or []), "email": row.email,
        "webhook_url": row.webhook_url, "has_webhook_secret": bool(row.webhook_secret),
        "webhook_secret": row.webhook_secret if reveal_secret else None,
        "active": row.active, "channels": channels_of(row),
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def channels_of(row: Subscription) -> list[str]:
    return ["inbox"] + (["email"] if row.email else []) + (["webhook"] if row.webhook_url else [])


def _check_may_manage(actor: Principal, row: Subscription) -> None:
    if actor.can(PUSH_MANAGE):
        return
    require(actor, SUBSCRIPTIONS_OWN)
    if actor.user_id is None or row.user_id != actor.user_id:
        raise PermissionDenied(f"subscription {row.id} belongs to another user")


def _require_member(actor: Principal) -> None:
    if not actor.can(PUSH_MANAGE):
        require(actor, SUBSCRIPTIONS_OWN)


def get_subscription(session: Session, actor: Principal, subscription_id: int) -> Subscription:
    _require_member(actor)
    row = session.get(Subscription, subscription_id)
    if row is None:
        raise NotFound(f"subscription {subscription_id} not found")
    _check_may_manage(actor, row)
    return row


def list_subscriptions(session: Session, actor: Principal, page: int = 1, page_size: int = 50,
                       everyone: bool = False, user_id: int | None = None, active: bool | None = None) -> Page:
    """The actor's own subscriptions; operators may ask for everyone's (`everyone`) or one user's."""
    statement = select(Subscription).order_by(Subscription.id.desc())
    if everyone or (user_id is not None and user_id != actor.user_id):
        require(actor, PUSH_MANAGE)
        if user_id is not None:
            statement = statement.where(Subscription.user_id == user_id)
    else:
        require(actor, SUBSCRIPTIONS_OWN)
        statement = statement.where(Subscription.user_id == (actor.user_id if actor.user_id is not None else -1))
    if active is not None:
        statement = statement.where(Subscription.active == active)
    return paginate(session, statement, page, page_size)


def create_subscription(session: Session, actor: Principal, data: SubscriptionInput) -> Subscription:
    _require_member(actor)
    owner = _owner(session, actor, data.user_id)
    row = Subscription(user_id=owner.id, organisation_id=owner.organisation_id, item_types=["patent"], active=True)
    _apply(session, actor, row, data, creating=True)
    session.add(row)
    session.flush()
    return row


def update_subscription(session: Session, actor: Principal, subscription_id: int,
                        data: SubscriptionInput) -> Subscription:
    row = get_subscription(session, actor, subscription_id)
    if data.user_id is not None and data.user_id != row.user_id:
        raise InvalidInput("a subscription cannot change owner; create one for the other user", field="user_id")
    _apply(session, actor, row, data, creating=False)
    session.flush()
    return row


def deactivate_subscription(session: Session, actor: Principal, subscription_id: int) -> Subscription:
    """Stop pushing; the row and its delivery history stay (the yearly push counts must not shrink)."""
    row = get_subscription(session, actor, subscription_id)
    row.active = False
    session.flush()
    return row


def _owner(session: Session, actor: Principal, user_id: int | None) -> User:
    if user_id is not None and user_id != actor.user_id:
        if not actor.can(PUSH_MANAGE):
            raise PermissionDenied("only operators subscribe on behalf of another user")
        owner = session.get(User, user_id)
        if owner is None:
            raise InvalidInput(f"user {user_id} does not exist", field="user_id")
        return owner
    if actor.user_id is None:
        raise InvalidInput("a subscription needs a user to push to; give user_id", field="user_id")
    owner = session.get(User, actor.user_id)
    if owner is None:
        raise InvalidInput(f"user {actor.user_id} does not exist", field="user_id")
    return owner


def _apply(session: Session, actor: Principal, row: Subscription, data: SubscriptionInput, creating: bool) -> None:
    if data.name is not None:
        name = data.name.strip()
        if not name or len(name) > 200:
            raise InvalidInput("name must be 1–200 characters", field="name")
        row.name = name
    kind = data.kind if data.kind is not None else row.kind
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", field="kind")
    row.kind = kind
    # the owner's view of the demand decides, not the operator's who may be editing it for them
    owner_view = actor if row.user_id in (None, actor.user_id) else _principal_of(session, row.user_id)
    if kind == "demand":
        demand_id = data.demand_id if data.demand_id is not None else row.demand_id
        if demand_id is None:
            raise InvalidInput("a demand subscription needs demand_id", field="demand_id")
        demand = visible_demand(session, owner_view, demand_id)
        row.demand_id = demand.id
        row.taxonomy_name = row.node_key = row.query = None
        default_name = f"需求：{demand.title}"
    elif kind == "chain_node":
        taxonomy = (data.taxonomy if data.taxonomy is not None else row.taxonomy_name or "").strip()
        node = (data.node if data.node is not None else row.node_key or "").strip()
        node_name = _check_node(session, taxonomy, node)
        row.taxonomy_name, row.node_key = taxonomy, node
        row.demand_id = row.query = None
        default_name = f"产业链节点：{node_name}"
    else:
        query = (data.query if data.query is not None else row.query or "").strip()
        if not query:
            raise InvalidInput("a keyword subscription needs a query", field="query")
        try:
            parse_query(query)
        except QuerySyntaxError as error:
            raise InvalidInput(f"query: {error}", field="query") from None
        row.query = query
        row.demand_id = row.taxonomy_name = row.node_key = None
        default_name = f"关键词：{query[:60]}"
    if not row.name:
        row.name = default_name[:200]
    if data.item_types is not None:
        wanted = list(dict.fromkeys(t.strip() for t in data.item_types if t and t.strip()))
        unknown = [t for t in wanted if t not in ITEM_TYPES]
        if unknown or not wanted:
            raise InvalidInput(f"item_types must be a non-empty choice of {', '.join(ITEM_TYPES)}"
                               + (f"; unknown: {', '.join(unknown)}" if unknown else ""), field="item_types")
        row.item_types = wanted
    if data.email is not None:
        email = data.email.strip()
        if email and (len(email) > 200 or not EMAIL.match(email)):
            raise InvalidInput(f"not an e-mail address: {email!r}", field="email")
        row.email = email or None
    if data.webhook_url is not None:
        row.webhook_url = _check_url(data.webhook_url.strip()) or None
    if data.webhook_secret is not None and data.webhook_secret.strip():
        secret = data.webhook_secret.strip()
        if len(secret) < 16 or len(secret) > 128:
            raise InvalidInput("webhook_secret must be 16–128 characters", field="webhook_secret")
        row.webhook_secret = secret
    if row.webhook_url and not row.webhook_secret:
        row.webhook_secret = secrets.token_hex(24)  # shown to the owner once; signs every webhook body
    if data.active is not None:
        row.active = bool(data.active)


def _principal_of(session: Session, user_id: int) -> Principal:
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput(f"user {user_id} does not exist", field="user_id")
    return Principal(user.id, user.username, user.role, user.organisation_id, user.display_name)


def _check_node(session: Session, taxonomy: str, node: str) -> str:
    from lingxi.tagging.store import load_taxonomy

    if not taxonomy:
        raise InvalidInput("a chain-node subscription needs a taxonomy", field="taxonomy")
    if not node:
        raise InvalidInput("a chain-node subscription needs a node", field="node")
    loaded = load_taxonomy(session, taxonomy)
    if loaded is None:
        raise InvalidInput(f"unknown taxonomy {taxonomy!r}", field="taxonomy")
    if node not in loaded.by_key:
        raise InvalidInput(f"taxonomy {taxonomy} has no node {node!r}", field="node")
    return loaded.by_key[node].name_zh


def _check_url(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise InvalidInput(f"webhook_url must be an http(s) URL with a host, not {url!r}", field="webhook_url")
    return url


def input_from(mapping: dict[str, Any]) -> SubscriptionInput:
    """A SubscriptionInput from a dict (API body, form), ignoring unknown keys."""
    known = {f.name for f in fields(SubscriptionInput)}
    return SubscriptionInput(**{key: value for key, value in mapping.items() if key in known})
