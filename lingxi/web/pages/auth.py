"""Login, logout and the user's own account: password change and API tokens."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts import credentials
from lingxi.accounts.principal import Principal
from lingxi.accounts.users import authenticate, change_password, set_language
from lingxi.db.models import Organisation, User
from lingxi.demo.accounts import DEMO_ACCOUNTS
from lingxi.errors import InvalidInput
from lingxi.web.deps import SESSION_COOKIE, CsrfFailed, db_session, optional_principal, page_principal
from lingxi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "lingxi_login_csrf"  # double-submit token: a login form posted from elsewhere is refused


def _safe_next(next_url: str | None) -> str:
    return next_url if next_url and next_url.startswith("/") and not next_url.startswith("//") else "/"


def _login_page(request: Request, session: Session, next_url: str, failed: bool = False, username: str = ""):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    demo = session.execute(
        select(User.username, User.role).where(User.username.in_(DEMO_USERNAMES)).order_by(User.id)
    ).all()
    response = render(request, "login.html", status_code=401 if failed else 200, login_csrf=token,
                      next_url=_safe_next(next_url), failed=failed, username=username, demo_accounts=demo)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


DEMO_USERNAMES = tuple(account[0] for account in DEMO_ACCOUNTS)


def _set_session_cookie(response, cookie: str) -> None:
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax",
                        max_age=int(credentials.SESSION_LIFETIME.total_seconds()))


@router.get("/login")
def login_form(request: Request, next: str = "/", session: Session = Depends(db_session, scope="function"),
               principal: Principal | None = Depends(optional_principal)):
    if principal is not None:
        return RedirectResponse(_safe_next(next), 303)
    return _login_page(request, session, next)


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), csrf_token: str = Form(""),
          next: str = Form("/"), session: Session = Depends(db_session, scope="function")):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise CsrfFailed("the login form expired; reload it and try again")
    user = authenticate(session, username, password)
    if user is None:
        return _login_page(request, session, next, failed=True, username=username)
    cookie = credentials.open_login_session(session, user)
    response = RedirectResponse(_safe_next(next), 303)
    _set_session_cookie(response, cookie)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, principal: Principal = Depends(page_principal), session: Session = Depends(db_session, scope="function")):
    credentials.close_login_session(session, request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _account_page(request: Request, session: Session, principal: Principal, **extra):
    organisation = session.get(Organisation, principal.organisation_id) if principal.organisation_id else None
    return render(request, "account.html", organisation=organisation,
                  tokens=credentials.list_api_tokens(session, principal), **extra)


@router.get("/account")
def account(request: Request, principal: Principal = Depends(page_principal), session: Session = Depends(db_session, scope="function")):
    if request.query_params.get("lang"):
        set_language(session, principal, request_language(request))
    return _account_page(request, session, principal,
                         password_changed=request.query_params.get("password_changed") == "1")


@router.post("/account/password")
def account_password(request: Request, current_password: str = Form(...), new_password: str = Form(...),
                     principal: Principal = Depends(page_principal), session: Session = Depends(db_session, scope="function")):
    try:
        change_password(session, principal, current_password, new_password)
    except InvalidInput as error:
        return _account_page(request, session, principal, password_error=error.message)
    # Other devices' sessions end; this one starts afresh so the user stays signed in here.
    credentials.close_all_login_sessions(session, principal.user_id)
    cookie = credentials.open_login_session(session, session.get(User, principal.user_id))
    response = RedirectResponse("/account?password_changed=1", 303)
    _set_session_cookie(response, cookie)
    return response


@router.post("/account/tokens")
def account_token(request: Request, name: str = Form(...), principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    secret, _ = credentials.create_api_token(session, principal, name)
    return _account_page(request, session, principal, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(token_id: int, principal: Principal = Depends(page_principal),
                         session: Session = Depends(db_session, scope="function")):
    credentials.revoke_api_token(session, principal, token_id)
    return RedirectResponse("/account", 303)
