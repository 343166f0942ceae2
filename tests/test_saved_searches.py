"""Saved searches (已保存检索) in the service layer, on the real SQLite and PostgreSQL over 200 indexed demo patents:
create / list / rename / change / delete with their checks, who may see and change what, the audit log, the
operator's demo saved searches, and `saved:ID` navigation scopes resolving to exactly the saved query's patents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lingxi.accounts.principal import SYSTEM
from lingxi.accounts.users import principal_for
from lingxi.db import open_database
from lingxi.db.audit import acting_as
from lingxi.db.models import AuditEntry, SavedSearch, User
from lingxi.demo.loader import load_demo
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.navigation import service as navigation
from lingxi.navigation.scope import Scope, resolve
from lingxi.search import saved
from lingxi.search.demo import seed_demo
from lingxi.search.hooks import index_updater
from lingxi.search.service import MAX_PAGE_SIZE, SearchRequest, SearchService
from lingxi.settings import Settings


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    home = tmp_path_factory.mktemp(f"saved-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'lingxi.db'}"
        yield from _store(home, url)
    else:
        postgres = request.getfixturevalue("module_postgres_url")
        yield from _store(home, postgres)


def _store(home, url):
    settings = Settings(home=home, database_url=url)
    settings.ensure_home()
    db = open_database(url)
    load_demo(db, size=200, on_finished=index_updater(settings, db))
    yield db, SearchService(settings, db)
    db.dispose()


def actor_of(session, username: str):
    principal = principal_for(session.scalar(select(User).where(User.username == username)))
    acting_as(session, principal)
    return principal


def every_hit(search: SearchService, query: str, filters: str | None = None, mode: str = "keyword") -> set[int]:
    ids, page = set(), 1
    while True:
        response = search.search(SearchRequest(query, mode=mode, filters=filters, page=page,
                                               page_size=MAX_PAGE_SIZE, facets=False, highlight=False))
        ids.update(hit.patent_id for hit in response.hits)
        if page * MAX_PAGE_SIZE >= response.total:
            return ids
        page += 1


def test_create_list_rename_change_delete_with_audit(store):
    db, _ = store
    with db.sessions() as session, session.begin():
        me = actor_of(session, "enterprise")
        row = saved.create_saved_search(session, me, saved.SavedSearchInput(
            name="  电池   检索 ", query="TI=(电池)", filters="AD>=2015", sort="date"))
        assert (row.name, row.mode, row.filters, row.sort, row.user_id) == ("电池 检索", "keyword", "AD>=2015",
                                                                          "date", me.user_id)
        second = saved.create_saved_search(session, me, saved.SavedSearchInput(name="语义", query="提高电池寿命",
                                                                               mode="semantic"))
        listed = saved.list_saved_searches(session, me)
        assert {r.id for r in listed.items} == {row.id, second.id} and listed.total == 2
        saved.rename_saved_search(session, me, row.id, "电池（新）")
        saved.update_saved_search(session, me, row.id, saved.SavedSearchInput(filters="", mode="hybrid"))
        assert (row.name, row.filters, row.mode, row.query) == ("电池（新）", None, "hybrid", "TI=(电池)")
        saved.delete_saved_search(session, me, second.id)
        assert session.get(SavedSearch, second.id) is None
        entries = session.execute(select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor_name)
                                  .where(AuditEntry.entity == "saved_searches").order_by(AuditEntry.id)).all()
        assert ("create", str(row.id), "enterprise") in entries
        assert ("update", str(row.id), "enterprise") in entries
        assert ("delete", str(second.id), "enterprise") in entries
        saved.delete_saved_search(session, me, row.id)


@pytest.mark.parametrize("data, field", [
    (saved.SavedSearchInput(name="", query="TI=(电池)"), "name"),
    (saved.SavedSearchInput(name="x" * 201, query="TI=(电池)"), "name"),
    (saved.SavedSearchInput(name="坏检索式", query="TI=(电池"), "query"),
    (saved.SavedSearchInput(name="坏字段", query="XX=电池"), "query"),
    (saved.SavedSearchInput(name="坏筛选", query="TI=(电池)", filters="AD>="), "filters"),
    (saved.SavedSearchInput(name="空的", query="  "), "query"),
    (saved.SavedSearchInput(name="空语义", query="", mode="semantic"), "query"),
    (saved.SavedSearchInput(name="方式", query="TI=(电池)", mode="fuzzy"), "mode"),
    (saved.SavedSearchInput(name="排序", query="TI=(电池)", sort="random"), "sort"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(store, data, field):
    db, _ = store
    with db.sessions() as session, session.begin():
        me = actor_of(session, "supplier")
        before = saved.list_saved_searches(session, me).total
        with pytest.raises(InvalidInput) as error:
            saved.create_saved_search(session, me, data)
        assert error.value.field == field
        assert saved.list_saved_searches(session, me).total == before


def test_names_are_unique_per_user_and_a_failed_change_keeps_the_row(store):
    db, _ = store
    with db.sessions() as session, session.begin():
        me, other = actor_of(session, "broker"), actor_of(session, "financier")
        first = saved.create_saved_search(session, me, saved.SavedSearchInput(name="同名", query="TI=(电池)"))
        saved.create_saved_search(session, other, saved.SavedSearchInput(name="同名", query="TI=(电池)"))  # theirs
        second = saved.create_saved_search(session, me, saved.SavedSearchInput(name="另一个", query="TI=(光伏)"))
        with pytest.raises(Conflict) as clash:
            saved.create_saved_search(session, me, saved.SavedSearchInput(name="同名", query="TI=(膜)"))
        assert clash.value.field == "name"
        with pytest.raises(Conflict):
            saved.rename_saved_search(session, me, second.id, "同名")
        with pytest.raises(InvalidInput):
            saved.update_saved_search(session, me, first.id, saved.SavedSearchInput(name="改了", query="TI=("))
        assert (first.name, first.query) == ("同名", "TI=(电池)")
        session.rollback()


def test_only_the_owner_changes_operators_read_everyone_else_is_refused(store):
    db, search = store
    with db.sessions() as session, session.begin():
        owner, stranger, operator = (actor_of(session, name) for name in ("enterprise", "supplier", "operator"))
        regulator = actor_of(session, "regulator")
        row = saved.create_saved_search(session, owner, saved.SavedSearchInput(name="我的", query="TI=(电池)"))
        for attempt in (lambda a: saved.get_saved_search(session, a, row.id),
                        lambda a: saved.run_saved_search(session, a, search, row.id),
                        lambda a: saved.rename_saved_search(session, a, row.id, "他的"),
                        lambda a: saved.delete_saved_search(session, a, row.id)):
            for someone in (stranger, regulator):
                with pytest.raises(PermissionDenied):
                    attempt(someone)
        assert row.id not in {r.id for r in saved.list_saved_searches(session, stranger).items}
        with pytest.raises(PermissionDenied):
            saved.list_saved_searches(session, stranger, everyone=True)
        # operators see and run everyone's but do not change them
        assert saved.get_saved_search(session, operator, row.id) is row
        _, response = saved.run_saved_search(session, operator, search, row.id)
        assert response.total > 0
        assert row.id in {r.id for r in saved.list_saved_searches(session, operator, everyone=True,
                                                                   page_size=200).items}
        with pytest.raises(PermissionDenied):
            saved.delete_saved_search(session, operator, row.id)
        with pytest.raises(NotFound):
            saved.get_saved_search(session, owner, 987654)
        with pytest.raises(InvalidInput):  # the command line's system user owns nothing
            saved.create_saved_search(session, SYSTEM, saved.SavedSearchInput(name="系统", query="TI=(电池)"))
        session.rollback()


def test_demo_gives_the_operator_saved_searches_once(store):
    db, search = store
    assert seed_demo(db) == 2 and seed_demo(db) == 0
    with db.sessions() as session:
        operator = actor_of(session, "operator")
        mine = saved.list_saved_searches(session, operator).items
        assert len([r for r in mine if r.name in {"钙钛矿/叠层光伏电池", "氢燃料电池电堆（2020 年以来）"}]) == 2
        for row in mine:
            assert saved.run_saved_search(session, operator, search, row.id)[1].total > 0


def test_saved_scope_is_exactly_the_saved_querys_patents(store):
    db, search = store
    with db.sessions() as session, session.begin():
        owner, stranger = actor_of(session, "enterprise"), actor_of(session, "supplier")
        keyword = saved.create_saved_search(session, owner, saved.SavedSearchInput(
            name="范围", query="TIAB=(电池 OR 光伏)", filters="AD>=2018"))
        hybrid = saved.create_saved_search(session, owner, saved.SavedSearchInput(
            name="范围混合", query="钙钛矿电池的稳定性", mode="hybrid"))
        expected = every_hit(search, "TIAB=(电池 OR 光伏)", "AD>=2018")
        assert 0 < len(expected) < len(every_hit(search, "TIAB=(电池 OR 光伏)"))  # the filters count
        resolved = resolve(session, Scope("saved", str(keyword.id)), search)
        assert set(resolved.ids) == expected
        assert set(resolve(session, Scope("saved", str(hybrid.id)), search).ids) == \
            every_hit(search, "钙钛矿电池的稳定性", mode="hybrid")
        analysis = navigation.analyse(session, owner, f"saved:{keyword.id}", ("trends",), search=search)
        assert analysis["scope"]["patents"] == len(expected)
        with pytest.raises(PermissionDenied):
            navigation.analyse(session, stranger, f"saved:{keyword.id}", ("trends",), search=search)
        with pytest.raises(PermissionDenied):  # nor as the benchmark of their own analysis
            navigation.analyse(session, stranger, "all", ("trends",), {"benchmark": f"saved:{keyword.id}"}, search)
        with pytest.raises(NotFound) as missing:
            navigation.analyse(session, owner, "saved:987654", ("trends",), search=search)
        assert "saved:987654" in missing.value.message
        session.rollback()
