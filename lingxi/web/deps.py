"""Request dependencies shared by the API and the pages: the database session and who is asking.

A request is authenticated by an API token (`Authorization: Bearer …`) or by the browser session cookie. Requests
that change something with the cookie must also carry the session's CSRF token (form field `csrf_token` or header
`X-CSRF-Token`); token-authenticated API calls need none, since browsers never send bearer tokens on their own.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from lingxi.accounts.credentials import (
    cached_session_principal,
    cached_token_principal,
    principal_from_session,
    principal_from_token,
)
from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.errors import NotAuthenticated, PermissionDenied

SESSION_COOKIE = "lingxi_session"
LANGUAGE_COOKIE = "lingxi_lang"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """A page needs a signed-in user: answered with a redirect to the login page."""

    def __init__(self, next_url: str):
        self.next_url = next_url


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back when it raises.

    Always depended on with scope="function", so the commit happens before the response is sent: a client that
    saw a success can rely on the change (e.g. a revoked token is refused on the very next call).

    Opened on the event loop (a new session touches no connection until its first query). Ended in a worker
    thread when commit and close may wait on the database; a request that only read from SQLite has nothing to
    wait for and ends on the loop, saving the busiest calls (search, patent pages) a hand-over to a thread.
    """
    session = request.app.state.db.sessions()
    session.begin()
    try:
        yield session
    except BaseException:
        await _end_in_thread(session, commit=False)
        raise
    if _nothing_to_wait_for(session):
        _end_session(session, commit=True)
    else:
        await _end_in_thread(session, commit=True)


def _nothing_to_wait_for(session: Session) -> bool:
    """Nothing to flush, and no connection with a write transaction open: Python's sqlite3 opens one only for a
    write, so a read-only request's commit is a no-op. Other drivers do not say; their sessions end in a thread."""
    if session.new or session.dirty or session.deleted:
        return False
    transaction = session.get_transaction()
    for connection in transaction.connections if transaction is not None else ():
        if getattr(connection.connection.dbapi_connection, "in_transaction", True):
            return False
    return True


async def _end_in_thread(session: Session, commit: bool) -> None:
    # As FastAPI ends a sync dependency: shielded from cancellation (a client gone mid-request still gets its
    # connection back to the pool), and outside the request threads' limit, so a full pool of busy threads cannot
    # keep a finished request from returning its connection.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_end_session, session, commit, limiter=anyio.CapacityLimiter(1))


def _end_session(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def optional_principal(request: Request,
                             session: Session = Depends(db_session, scope="function")) -> Principal | None:
    # Runs on the event loop: a token already seen is answered from memory, and only a lookup in the database is
    # handed to a worker thread (each hand-over costs as much as the rest of a cheap request).
    principal = None
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if credential and scheme.lower() == "bearer":
        credential = credential.strip()
        principal = cached_token_principal(credential)
        if principal is None:
            principal = await run_in_threadpool(principal_from_token, session, credential)
        if principal is None:
            raise NotAuthenticated("the API token is unknown or revoked")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = cached_session_principal(cookie)
        if principal is None:
            principal = await run_in_threadpool(principal_from_session, session, cookie)
    if principal is not None:
        acting_as(session, principal)
    request.state.principal = principal
    return principal


def index_after_import(request: Request):
    """The hook an import started from the web runs when it ends: bring the search index up to date."""
    from lingxi.search.hooks import index_updater

    return index_updater(request.app.state.settings, request.app.state.db, request.app.state.search)


async def api_principal(request: Request, principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        raise NotAuthenticated("log in or send an API token (Authorization: Bearer …)")
    await verify_csrf(request, principal)
    return principal


async def page_principal(request: Request, principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    await verify_csrf(request, principal)
    return principal


async def verify_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS or principal.csrf_token is None:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf_token")
    if not sent or not secrets.compare_digest(str(sent), principal.csrf_token):
        raise CsrfFailed("missing or wrong CSRF token; reload the page and try again")
