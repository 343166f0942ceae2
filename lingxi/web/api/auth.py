"""Authentication endpoints: exchange a password for an API token, manage one's tokens, change the password."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from lingxi.accounts import credentials
from lingxi.accounts.principal import Principal
from lingxi.accounts.users import authenticate, change_password, principal_for
from lingxi.db.audit import acting_as
from lingxi.errors import NotAuthenticated
from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.deps import api_principal, db_session

router = APIRouter(prefix="/api/auth", tags=["auth 认证"], responses=ERROR_RESPONSES)


class Credentials(BaseModel):
    username: str
    password: str
    token_name: str = "api"


class NewToken(BaseModel):
    token: str
    id: int
    name: str
    prefix: str


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class Me(BaseModel):
    id: int | None
    username: str
    display_name: str
    role: str
    organisation_id: int | None


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


@router.post("/token", response_model=NewToken, summary="Log in with a password and get a new API token")
def issue_token(body: Credentials, session: Session = Depends(db_session, scope="function")):
    user = authenticate(session, body.username, body.password)
    if user is None:
        raise NotAuthenticated("wrong username or password")
    principal = principal_for(user)
    acting_as(session, principal)  # no credentials came with the request: the password just proved who it is
    secret, token = credentials.create_api_token(session, principal, body.token_name)
    return NewToken(token=secret, id=token.id, name=token.name, prefix=token.prefix)


@router.get("/me", response_model=Me)
def me(principal: Principal = Depends(api_principal)):
    return Me(id=principal.user_id, username=principal.username, display_name=principal.display_name,
              role=principal.role, organisation_id=principal.organisation_id)


@router.get("/tokens", response_model=list[TokenOut])
def my_tokens(principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return credentials.list_api_tokens(session, principal)


@router.post("/tokens", response_model=NewToken, status_code=201)
def create_token(body: dict[str, str], principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")):
    secret, token = credentials.create_api_token(session, principal, body.get("name", ""))
    return NewToken(token=secret, id=token.id, name=token.name, prefix=token.prefix)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: int, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")):
    return credentials.revoke_api_token(session, principal, token_id)


@router.post("/password", status_code=204)
def password(body: PasswordChange, principal: Principal = Depends(api_principal),
             session: Session = Depends(db_session, scope="function")):
    change_password(session, principal, body.current_password, body.new_password)
    credentials.close_all_login_sessions(session, principal.user_id)
