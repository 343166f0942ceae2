"""Browser login sessions (cookie + CSRF token) and API bearer tokens.

Only SHA-256 hashes of the secrets are stored. Secrets are 256-bit random values, so a plain hash is enough —
a slow password hash would only slow down every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lingxi.accounts import principal_cache
from lingxi.accounts.principal import Principal
from lingxi.accounts.users import principal_for
from lingxi.db.base import utcnow
from lingxi.db.models import ApiToken, LoginSession, User
from lingxi.errors import InvalidInput, NotFound

SESSION_LIFETIME = dt.timedelta(days=7)
TOKEN_PREFIX = "lx_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)  # fewer writes: "last used" to within a few minutes is enough
SESSION_CACHE_PREFIX = "session:"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- browser sessions -----------------------------------------------------------------------------------------

def open_login_session(session: Session, user: User) -> str:
    """Start a session for a user who has just logged in; returns the cookie value."""
    secret = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                             expires_at=utcnow() + SESSION_LIFETIME))
    session.execute(delete(LoginSession).where(LoginSession.expires_at < utcnow()))
    return secret


def _session_key(cookie: str) -> str:
    return SESSION_CACHE_PREFIX + _digest(cookie)  # never equal to a token's digest, whatever the secrets


def cached_session_principal(cookie: str) -> Principal | None:
    """The session's user if this process resolved the cookie moments ago, without touching the database."""
    return principal_cache.cached(_session_key(cookie))


def principal_from_session(session: Session, cookie: str) -> Principal | None:
    key = _session_key(cookie)
    if (principal := principal_cache.cached(key)) is not None:
        return principal
    now = utcnow()
    row = session.execute(
        select(User, LoginSession.csrf_token, LoginSession.expires_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _digest(cookie), LoginSession.expires_at > now, User.is_active)
    ).first()
    if row is None:
        return None
    principal = principal_for(row[0], csrf_token=row[1])
    principal_cache.remember(key, principal, valid_for=(row[2] - now).total_seconds())
    return principal


def close_login_session(session: Session, cookie: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(cookie)))
    principal_cache.forget_all_after_commit(session)


def close_all_login_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    principal_cache.forget_all_after_commit(session)


# --- API tokens ----------------------------------------------------------------------------------------------

def create_api_token(session: Session, actor: Principal, name: str) -> tuple[str, ApiToken]:
    """A new token for the actor's own account; the secret is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("give the token a name, e.g. the script that will use it", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.user_id, name=name[:120], token_hash=_digest(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    return secret, token


def cached_token_principal(secret: str) -> Principal | None:
    """The token's owner if this process resolved it moments ago, without touching the database."""
    return principal_cache.cached(_digest(secret))


def principal_from_token(session: Session, secret: str) -> Principal | None:
    digest = _digest(secret)
    if (principal := principal_cache.cached(digest)) is not None:
        return principal
    row = session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), User.is_active)
    ).first()
    if row is None:
        return None
    user, token = row
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    principal = principal_for(user)
    principal_cache.remember(digest, principal)
    return principal


def list_api_tokens(session: Session, actor: Principal) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.created_at.desc())
    return list(session.scalars(statement))


def revoke_api_token(session: Session, actor: Principal, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound(f"API token {token_id} does not exist")
    token.revoked_at = token.revoked_at or utcnow()
    session.flush()
    principal_cache.forget_all_after_commit(session)
    return token
