"""§5 subscriptions and precise push (精准推送) over the API: subscriptions, the inbox, push runs, the delivery log,
push counts."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.push import inbox, stats
from lingxi.push import subscriptions as subs
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api", tags=["push 推送"], responses=ERROR_RESPONSES)


class SubscriptionBody(BaseModel):
    name: str | None = None
    kind: Literal["demand", "chain_node", "keywords"] | None = None
    demand_id: int | None = None
    taxonomy: str | None = None
    node: str | None = None
    query: str | None = None
    item_types: list[str] | None = None
    email: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    active: bool | None = None
    user_id: int | None = None


def _page(page) -> dict[str, Any]:
    return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size,
            "pages": page.pages}


@router.get("/subscriptions", summary="My subscriptions (operators: `all=true` for everyone's, or `user_id`)")
def list_subscriptions(page: int = 1, page_size: int = 50, all: bool = False, user_id: int | None = None,
                       active: bool | None = None, principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    found = subs.list_subscriptions(session, principal, page, page_size, everyone=all, user_id=user_id, active=active)
    return _page(found.map(subs.as_dict))


@router.post("/subscriptions", status_code=201, summary="Subscribe (by demand, chain node or keywords)")
def create_subscription(body: SubscriptionBody, principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    row = subs.create_subscription(session, principal, subs.input_from(body.model_dump()))
    return subs.as_dict(row, reveal_secret=True)  # the webhook secret is shown to its owner at creation


@router.get("/subscriptions/{subscription_id}", summary="One subscription")
def get_subscription(subscription_id: int, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return subs.as_dict(subs.get_subscription(session, principal, subscription_id))


@router.patch("/subscriptions/{subscription_id}", summary="Change a subscription (only the fields sent)")
def update_subscription(subscription_id: int, body: SubscriptionBody, principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    data = subs.input_from(body.model_dump(exclude_unset=True))
    row = subs.update_subscription(session, principal, subscription_id, data)
    return subs.as_dict(row, reveal_secret=bool(data.webhook_url or data.webhook_secret))


@router.delete("/subscriptions/{subscription_id}", summary="Deactivate a subscription (its push history stays)")
def deactivate_subscription(subscription_id: int, principal: Principal = Depends(api_principal),
                            session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return subs.as_dict(subs.deactivate_subscription(session, principal, subscription_id))


@router.get("/inbox", summary="My inbox (站内信), newest first")
def list_inbox(page: int = 1, page_size: int = 20, unread: bool = False,
               principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    found = inbox.page_as_dicts(session, inbox.list_messages(session, principal, unread, page, page_size))
    return _page(found) | {"unread": inbox.unread_count(session, principal)}


@router.get("/inbox/unread-count", summary="How many of my messages are unread")
def unread_count(principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")) -> dict[str, int]:
    return {"unread": inbox.unread_count(session, principal)}


@router.post("/inbox/{message_id}/read", summary="Mark a message read (`read=false`: unread again)")
def mark_read(message_id: int, read: bool = True, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return inbox.as_dict(inbox.mark_read(session, principal, message_id, read))


@router.post("/inbox/read-all", summary="Mark every message read")
def mark_all_read(principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")) -> dict[str, int]:
    return {"marked": inbox.mark_all_read(session, principal)}


@router.get("/push/runs", summary="Push runs, newest first (operators)")
def list_runs(page: int = 1, page_size: int = 20, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return _page(stats.list_runs(session, principal, page, page_size))


@router.post("/push/runs", status_code=201, summary="Run a push now: new items to matching subscribers (operators)")
async def start_run(request: Request, principal: Principal = Depends(api_principal)) -> dict[str, Any]:
    from lingxi.push.runner import run_push

    app = request.app
    report = await run_in_threadpool(run_push, app.state.settings, app.state.db, principal, "api")
    return report.as_dict()


@router.get("/push/runs/{run_id}", summary="One push run with its counts and stage timings (operators)")
def get_run(run_id: int, principal: Principal = Depends(api_principal),
            session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return stats.get_run(session, principal, run_id)


@router.get("/push/deliveries", summary="The delivery log: each push with its channels' status (operators)")
def list_deliveries(page: int = 1, page_size: int = 50, run_id: int | None = None, user_id: int | None = None,
                    channel_status: str | None = None, principal: Principal = Depends(api_principal),
                    session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return _page(stats.list_deliveries(session, principal, page, page_size, run_id, user_id, channel_status))


@router.get("/push/stats", summary="Pushes per year, month, item type and channel (aggregate figures)")
def push_stats(year: int | None = None, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict[str, Any]:
    return stats.push_counts(session, principal, year)
