"""A nested block (SAVEPOINT) inside a transaction is part of it on both databases: kept only if the transaction
commits. SQLite through Python's sqlite3 used to commit a savepoint opened before the first write on its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lingxi.db.models import Organisation


def _count(db, name: str) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count(Organisation.id)).where(Organisation.name == name))


def test_a_savepoint_after_reads_only_is_rolled_back_with_its_transaction(db):
    with pytest.raises(RuntimeError):
        with db.sessions() as session, session.begin():
            session.scalar(select(func.count(Organisation.id)))  # read only so far
            with session.begin_nested():
                session.add(Organisation(name="留存测试 kept only on commit", kind="enterprise"))
            raise RuntimeError("the request fails after the nested block")
    assert _count(db, "留存测试 kept only on commit") == 0


def test_a_released_savepoint_is_committed_with_its_transaction_and_a_failed_one_is_undone(db):
    with db.sessions() as session, session.begin():
        with session.begin_nested():
            session.add(Organisation(name="保存的 kept", kind="enterprise"))
        with pytest.raises(RuntimeError):
            with session.begin_nested():
                session.add(Organisation(name="撤销的 undone", kind="enterprise"))
                session.flush()
                raise RuntimeError("a bad row")
    assert _count(db, "保存的 kept") == 1
    assert _count(db, "撤销的 undone") == 0
