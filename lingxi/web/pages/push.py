"""§5 subscriptions and precise push (精准推送): the inbox, my subscriptions, the operator's push page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PUSH_MANAGE, SUBSCRIPTIONS_OWN
from lingxi.errors import InvalidInput, LingxiError
from lingxi.push import inbox, stats
from lingxi.push import subscriptions as subs
from lingxi.push.demands import followable_demands
from lingxi.push.items import ITEM_TYPES
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


# --- inbox ---------------------------------------------------------------------------------------------------------

@router.get("/inbox")
def inbox_page(request: Request, page: int = 1, unread: bool = False, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    messages = inbox.page_as_dicts(session, inbox.list_messages(session, principal, unread, page, 20))
    return render(request, "push/inbox.html", messages=messages, unread_only=unread,
                  unread=inbox.unread_count(session, principal))


@router.get("/inbox/badge")
def inbox_badge(principal: Principal = Depends(page_principal),
                session: Session = Depends(db_session, scope="function")):
    """The unread count beside the inbox link (loaded by htmx, so no page pays for it up front)."""
    count = inbox.unread_count(session, principal) if principal.can(SUBSCRIPTIONS_OWN) else 0
    return HTMLResponse(f'<span class="badge" id="inbox-unread">{count}</span>' if count else "")


@router.post("/inbox/{message_id}/open")
def inbox_open(message_id: int, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    message = inbox.mark_read(session, principal, message_id)
    return RedirectResponse(message.link or "/inbox", 303)


@router.post("/inbox/{message_id}/read")
def inbox_read(message_id: int, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    inbox.mark_read(session, principal, message_id)
    return RedirectResponse("/inbox", 303)


@router.post("/inbox/read-all")
def inbox_read_all(principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    inbox.mark_all_read(session, principal)
    return RedirectResponse("/inbox", 303)


# --- subscriptions ---------------------------------------------------------------------------------------------------

def _chain_nodes(session: Session) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
    """[(taxonomy, title, [(node key, name, level)])] of the industry chains, for the chain-node choice."""
    from lingxi.tagging.store import list_versions, load_taxonomy

    latest = {row.name: row for row in list_versions(session) if row.kind == "chain"}
    out = []
    for name, row in sorted(latest.items()):
        taxonomy = load_taxonomy(session, name)
        out.append((name, row.title_zh, [(n.key, n.name_zh, n.level) for n in taxonomy.nodes]))
    return out


def _form_context(session: Session, principal: Principal) -> dict:
    return {"demands": followable_demands(session, principal), "chains": _chain_nodes(session),
            "item_types": ITEM_TYPES, "kinds": subs.KINDS, "is_operator": principal.can(PUSH_MANAGE)}


async def _input_from_form(request: Request) -> subs.SubscriptionInput:
    form = await request.form()
    chain = str(form.get("chain_node") or "")
    taxonomy, _, node = chain.partition("::")
    demand = str(form.get("demand_id") or "").strip()
    user = str(form.get("user_id") or "").strip()
    try:
        demand_id = int(demand) if demand else None
        user_id = int(user) if user else None
    except ValueError:
        raise InvalidInput("demand and user must be numbers", field="demand_id") from None
    return subs.SubscriptionInput(
        name=str(form.get("name") or "").strip() or None, kind=str(form.get("kind") or ""), demand_id=demand_id,
        taxonomy=taxonomy or None, node=node or None, query=str(form.get("query") or ""),
        item_types=[str(v) for v in form.getlist("item_types")], email=str(form.get("email") or ""),
        webhook_url=str(form.get("webhook_url") or ""), webhook_secret=str(form.get("webhook_secret") or ""),
        user_id=user_id)


@router.get("/subscriptions")
def subscriptions_page(request: Request, page: int = 1, all: bool = False,
                       principal: Principal = Depends(page_principal),
                       session: Session = Depends(db_session, scope="function")):
    found = subs.list_subscriptions(session, principal, page, 50, everyone=all)
    return render(request, "push/subscriptions.html", subscriptions=found.map(subs.as_dict), everyone=all,
                  form={"item_types": ["patent"]}, **_form_context(session, principal))


@router.post("/subscriptions")
async def subscription_create(request: Request, principal: Principal = Depends(page_principal),
                              session: Session = Depends(db_session, scope="function")):
    try:
        data = await _input_from_form(request)
        with session.begin_nested():
            row = await run_in_threadpool(subs.create_subscription, session, principal, data)
    except LingxiError as error:
        if error.code == "permission_denied":
            raise
        found = subs.list_subscriptions(session, principal, 1, 50)
        return render(request, "push/subscriptions.html", status_code=422, subscriptions=found.map(subs.as_dict),
                      everyone=False, error=error.message, error_field=error.field,
                      form=dict(await request.form()) | {"item_types": (await request.form()).getlist("item_types")},
                      **_form_context(session, principal))
    return RedirectResponse(f"/subscriptions/{row.id}?created=1", 303)


@router.get("/subscriptions/{subscription_id}")
def subscription_page(request: Request, subscription_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    row = subs.get_subscription(session, principal, subscription_id)
    return render(request, "push/subscription.html", sub=subs.as_dict(row, reveal_secret=True),
                  created=request.query_params.get("created"), saved=request.query_params.get("saved"),
                  **_form_context(session, principal))


@router.post("/subscriptions/{subscription_id}")
async def subscription_save(request: Request, subscription_id: int, principal: Principal = Depends(page_principal),
                            session: Session = Depends(db_session, scope="function")):
    try:
        data = await _input_from_form(request)
        data.user_id = None
        with session.begin_nested():
            await run_in_threadpool(subs.update_subscription, session, principal, subscription_id, data)
    except LingxiError as error:
        if error.code in ("permission_denied", "not_found"):
            raise
        row = subs.get_subscription(session, principal, subscription_id)
        return render(request, "push/subscription.html", status_code=422, sub=subs.as_dict(row, reveal_secret=True),
                      error=error.message, error_field=error.field, **_form_context(session, principal))
    return RedirectResponse(f"/subscriptions/{subscription_id}?saved=1", 303)


@router.post("/subscriptions/{subscription_id}/active")
async def subscription_active(request: Request, subscription_id: int, principal: Principal = Depends(page_principal),
                              session: Session = Depends(db_session, scope="function")):
    active = (await request.form()).get("active") == "1"
    if active:
        subs.update_subscription(session, principal, subscription_id, subs.SubscriptionInput(active=True))
    else:
        subs.deactivate_subscription(session, principal, subscription_id)
    return RedirectResponse(f"/subscriptions/{subscription_id}", 303)


# --- operators: runs, delivery log, counts -------------------------------------------------------------------------

@router.get("/push")
def push_page(request: Request, page: int = 1, status: str | None = None,
              principal: Principal = Depends(page_principal),
              session: Session = Depends(db_session, scope="function")):
    runs = stats.list_runs(session, principal, 1, 10)
    log = stats.list_deliveries(session, principal, page, 30, channel_status=status or None)
    return render(request, "push/operations.html", runs=runs, log=log, status=status or "",
                  counts=stats.push_counts(session, principal), ran=request.query_params.get("ran"))


@router.post("/push/run")
async def push_run(request: Request, principal: Principal = Depends(page_principal)):
    from lingxi.push.runner import run_push

    report = await run_in_threadpool(run_push, request.app.state.settings, request.app.state.db, principal, "page")
    return RedirectResponse(f"/push?ran={report.run_id}", 303)
