"""Demo saved searches (已保存检索) of the operator account, so "我的检索" opens with something to run and to
analyse as a navigation scope. Idempotent: a saved search is found by owner and name."""

from __future__ import annotations

from sqlalchemy import select

from lingxi.accounts.users import principal_for
from lingxi.db import Database
from lingxi.db.audit import acting_as
from lingxi.db.models import SavedSearch, User
from lingxi.search.saved import SavedSearchInput, create_saved_search

DEMO_SAVED = (  # (username, input)
    ("operator", SavedSearchInput(name="钙钛矿/叠层光伏电池", query="TIAB=(钙钛矿 OR 叠层 OR TOPCon)", sort="date")),
    ("operator", SavedSearchInput(name="氢燃料电池电堆（2020 年以来）",
                                  query="TIAB=(燃料电池 AND (膜电极 OR 电堆 OR 双极板))", filters="AD>=2020")),
)


def seed_demo(db: Database) -> int:
    made = 0
    with db.sessions() as session, session.begin():
        for username, data in DEMO_SAVED:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or session.scalar(select(SavedSearch.id).where(SavedSearch.user_id == user.id,
                                                                           SavedSearch.name == data.name)):
                continue
            actor = principal_for(user)
            acting_as(session, actor)
            create_saved_search(session, actor, data)
            made += 1
    return made
