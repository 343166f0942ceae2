"""User accounts: creation and administration (admin), login, password change."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts import principal_cache
from lingxi.accounts.passwords import hash_password, verify_password
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import USERS_MANAGE, Role, require
from lingxi.db.base import utcnow
from lingxi.db.models import Organisation, User
from lingxi.db.pagination import Page, paginate
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
# Which organisation kinds a role's account may belong to: an enterprise user belongs to its enterprise,
# a supplier user to its university, institute or SOE.
ROLE_ORGANISATION_KINDS = {
    Role.supplier: {"university", "institute", "soe"},
    Role.enterprise: {"enterprise", "soe"},
    Role.financier: {"financial"},
    Role.regulator: {"government"},
}
_DUMMY_HASH = None  # computed on first use: verifying against it keeps failed logins as slow as real ones


def principal_for(user: User, csrf_token: str | None = None) -> Principal:
    return Principal(user.id, user.username, user.role, user.organisation_id, user.display_name,
                     user.language, csrf_token)


def authenticate(session: Session, username: str, password: str) -> User | None:
    global _DUMMY_HASH
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-real-password")
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def create_user(session: Session, actor: Principal, *, username: str, password: str, role: str,
                display_name: str | None = None, organisation_id: int | None = None,
                email: str | None = None) -> User:
    require(actor, USERS_MANAGE)
    if not USERNAME.match(username or ""):
        raise InvalidInput("username: 3–80 letters, digits or _ . @ -", field="username")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"username {username!r} is taken", field="username")
    role = _role(role)
    _check_membership(session, role, organisation_id)
    user = User(username=username, display_name=display_name or username, email=email, role=role,
                organisation_id=organisation_id, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, actor: Principal, user_id: int, *, role: str | None = None,
                display_name: str | None = None, email: str | None = None, is_active: bool | None = None,
                organisation_id: int | None = None, password: str | None = None) -> User:
    require(actor, USERS_MANAGE)
    user = get_user(session, actor, user_id)
    if user.id == actor.user_id and (is_active is False or (role and role != Role.admin)):
        raise InvalidInput("an administrator cannot deactivate or demote their own account", field="role")
    if role is not None or organisation_id is not None:
        new_role = _role(role or user.role)
        new_organisation = organisation_id if organisation_id is not None else user.organisation_id
        _check_membership(session, new_role, new_organisation)
        user.role, user.organisation_id = new_role, new_organisation
    if display_name is not None:
        user.display_name = display_name
    if email is not None:
        user.email = email or None
    if is_active is not None:
        user.is_active = is_active
    if password is not None:
        user.password_hash = hash_password(password)
    session.flush()
    principal_cache.forget_all_after_commit(session)  # role, organisation or activity may have changed
    return user


def get_user(session: Session, actor: Principal, user_id: int) -> User:
    if actor.user_id != user_id:
        require(actor, USERS_MANAGE)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def list_users(session: Session, actor: Principal, page: int = 1, page_size: int = 50,
               role: str | None = None) -> Page[User]:
    require(actor, USERS_MANAGE)
    statement = select(User).order_by(User.username)
    if role:
        statement = statement.where(User.role == _role(role))
    return paginate(session, statement, page, page_size)


def change_password(session: Session, actor: Principal, current: str, new: str) -> None:
    if actor.user_id is None:
        raise PermissionDenied("the system account has no password")
    user = session.get(User, actor.user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise InvalidInput("the current password is wrong", field="current_password")
    if current == new:
        raise InvalidInput("the new password must differ from the current one", field="new_password")
    user.password_hash = hash_password(new)
    session.flush()


def set_language(session: Session, actor: Principal, language: str) -> None:
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is not None and language in ("zh", "en"):
        user.language = language


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}; one of {', '.join(Role)}", field="role") from None


def _check_membership(session: Session, role: Role, organisation_id: int | None) -> None:
    kinds = ROLE_ORGANISATION_KINDS.get(role)
    if organisation_id is None:
        if kinds:
            raise InvalidInput(f"a {role} account belongs to an organisation", field="organisation_id")
        return
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise InvalidInput(f"organisation {organisation_id} does not exist", field="organisation_id")
    if kinds and organisation.kind not in kinds:
        raise InvalidInput(
            f"a {role} account cannot belong to a {organisation.kind} organisation", field="organisation_id"
        )
