"""Accounts, organisations, credentials and the audit log at the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lingxi.accounts import credentials
from lingxi.accounts import organisations as orgs
from lingxi.accounts.principal import SYSTEM
from lingxi.accounts.users import authenticate, change_password, create_user, principal_for, update_user
from lingxi.db.audit import REDACTED, acting_as
from lingxi.db.models import AuditEntry, User
from lingxi.errors import Conflict, InvalidInput, PermissionDenied


@pytest.fixture
def world(db):
    """Two enterprises, a university, an operations centre, and one account of each role."""
    with db.sessions() as session, session.begin():
        acting_as(session, SYSTEM)
        ids = {}
        for name, kind in (("甲企业", "enterprise"), ("乙企业", "enterprise"), ("某大学", "university"),
                           ("运营中心", "operations_centre"), ("知识产权局", "government")):
            ids[name] = orgs.create_organisation(session, SYSTEM, name=name, kind=kind, province="青峦省",
                                                 contact_phone="0999-1234567", notes=f"{name}的保密备注").id
        accounts = {
            "ent_a": ("enterprise", ids["甲企业"]), "ent_b": ("enterprise", ids["乙企业"]),
            "uni": ("supplier", ids["某大学"]), "oper": ("operator", ids["运营中心"]),
            "reg": ("regulator", ids["知识产权局"]), "root": ("admin", None),
        }
        users = {}
        for username, (role, organisation_id) in accounts.items():
            user = create_user(session, SYSTEM, username=username, password="secret-pass", role=role,
                               organisation_id=organisation_id)
            users[username] = principal_for(user)
    return db, ids, users


def test_password_login_uses_argon2_and_refuses_wrong_or_inactive(world):
    db, _, users = world
    with db.sessions() as session, session.begin():
        stored = session.scalar(select(User.password_hash).where(User.username == "ent_a"))
        assert stored.startswith("$argon2id$")
        assert authenticate(session, "ent_a", "secret-pass") is not None
        assert authenticate(session, "ent_a", "wrong-pass") is None
        assert authenticate(session, "nobody", "secret-pass") is None
        update_user(session, users["root"], users["ent_b"].user_id, is_active=False)
        assert authenticate(session, "ent_b", "secret-pass") is None


def test_password_change_checks_the_current_password(world):
    db, _, users = world
    with db.sessions() as session, session.begin():
        with pytest.raises(InvalidInput) as wrong:
            change_password(session, users["uni"], "not-it", "new-secret-1")
        assert wrong.value.field == "current_password"
        with pytest.raises(InvalidInput):
            change_password(session, users["uni"], "secret-pass", "short")
        change_password(session, users["uni"], "secret-pass", "new-secret-1")
        assert authenticate(session, "uni", "new-secret-1") is not None


def test_only_admins_manage_users_and_membership_follows_the_role(world):
    db, ids, users = world
    with db.sessions() as session, session.begin():
        with pytest.raises(PermissionDenied):
            create_user(session, users["oper"], username="newuser1", password="secret-pass", role="operator")
        with pytest.raises(Conflict):
            create_user(session, users["root"], username="ent_a", password="secret-pass", role="admin")
        with pytest.raises(InvalidInput) as no_org:
            create_user(session, users["root"], username="newuser2", password="secret-pass", role="enterprise")
        assert no_org.value.field == "organisation_id"
        with pytest.raises(InvalidInput):  # an enterprise user cannot belong to a university
            create_user(session, users["root"], username="newuser3", password="secret-pass", role="enterprise",
                        organisation_id=ids["某大学"])
        with pytest.raises(InvalidInput):
            update_user(session, users["root"], users["root"].user_id, role="operator")


def test_enterprise_reads_and_changes_only_its_own_file(world):
    db, ids, users = world
    ent_a = users["ent_a"]
    with db.sessions() as session, session.begin():
        own = orgs.get_organisation(session, ent_a, ids["甲企业"])
        assert own["notes"] == "甲企业的保密备注"
        with pytest.raises(PermissionDenied):
            orgs.get_organisation(session, ent_a, ids["乙企业"])
        with pytest.raises(PermissionDenied):
            orgs.update_organisation(session, ent_a, ids["乙企业"], notes="改别人的")
        with pytest.raises(PermissionDenied):  # kind is the operators' call
            orgs.update_organisation(session, ent_a, ids["甲企业"], kind="university")
        orgs.update_organisation(session, ent_a, ids["甲企业"], contact_name="许航")
        directory = orgs.list_organisations(session, ent_a, page_size=50).items
        other = next(o for o in directory if o["id"] == ids["乙企业"])
        assert set(other) == set(orgs.PUBLIC_FIELDS)  # no contacts, no notes of another enterprise
        operator_view = orgs.get_organisation(session, users["oper"], ids["乙企业"])
        assert operator_view["notes"] == "乙企业的保密备注"


def test_regulator_sees_aggregates_only(world):
    db, ids, users = world
    reg = users["reg"]
    with db.sessions() as session, session.begin():
        with pytest.raises(PermissionDenied):
            orgs.list_organisations(session, reg)
        with pytest.raises(PermissionDenied):
            orgs.get_organisation(session, reg, ids["甲企业"])
        counts = orgs.organisation_counts(session, reg)
        assert counts["by_kind"]["enterprise"] == 2 and counts["by_province"]["青峦省"] == 5


def test_api_tokens_are_hashed_and_revocable(world):
    db, _, users = world
    with db.sessions() as session, session.begin():
        secret, token = credentials.create_api_token(session, users["uni"], "nightly sync")
        assert secret.startswith("lx_") and token.token_hash != secret and secret not in token.token_hash
        assert credentials.principal_from_token(session, secret).username == "uni"
        with pytest.raises(Exception):
            credentials.revoke_api_token(session, users["ent_a"], token.id)  # not theirs
        credentials.revoke_api_token(session, users["uni"], token.id)
        assert credentials.principal_from_token(session, secret) is None


def test_login_sessions_carry_a_csrf_token_and_end_on_logout(world):
    db, _, _ = world
    with db.sessions() as session, session.begin():
        user = session.scalar(select(User).where(User.username == "oper"))
        cookie = credentials.open_login_session(session, user)
        principal = credentials.principal_from_session(session, cookie)
        assert principal.username == "oper" and len(principal.csrf_token) >= 32
        credentials.close_login_session(session, cookie)
        assert credentials.principal_from_session(session, cookie) is None


def test_every_change_is_audited_with_actor_before_and_after(world):
    db, ids, users = world
    with db.sessions() as session, session.begin():
        acting_as(session, users["ent_a"])
        orgs.update_organisation(session, users["ent_a"], ids["甲企业"], contact_phone="0999-7654321")
    with db.sessions() as session, session.begin():
        acting_as(session, users["root"])
        update_user(session, users["root"], users["uni"].user_id, display_name="技术转移办", password="another-1")
    with db.sessions() as session:
        change = session.scalars(select(AuditEntry).where(AuditEntry.entity == "organisations",
                                                          AuditEntry.action == "update")).one()
        assert change.actor_name == "ent_a" and change.actor_id == users["ent_a"].user_id
        assert change.entity_id == str(ids["甲企业"])
        assert change.before == {"contact_phone": "0999-1234567"}
        assert change.after == {"contact_phone": "0999-7654321"}
        user_change = session.scalars(select(AuditEntry).where(AuditEntry.entity == "users",
                                                               AuditEntry.action == "update")).one()
        assert user_change.after["display_name"] == "技术转移办"
        assert user_change.after["password_hash"] == REDACTED and user_change.before["password_hash"] == REDACTED
        created = session.scalars(select(AuditEntry).where(AuditEntry.entity == "users",
                                                           AuditEntry.action == "create")).all()
        assert len(created) == 6 and all(e.actor_name == "system" for e in created)
        assert all(e.after["password_hash"] == REDACTED for e in created)
