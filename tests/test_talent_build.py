"""Inventor disambiguation into talents, on real SQLite and PostgreSQL, through the normal import pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lingxi.accounts.principal import Principal
from lingxi.db.models import PatentParty, Talent, TalentMention
from lingxi.errors import NotFound, PermissionDenied
from lingxi.patents.importing import import_parsed
from lingxi.patents.records import Classification, ParsedRecord, PartyMention, PatentRecord, SourceLocation
from lingxi.talent.build import build_talents
from lingxi.talent.disambiguation import Mention, cluster_mentions, link_threshold
from lingxi.talent.queries import collaboration_network, list_talents, talent_profile

OPERATOR = Principal(user_id=None, username="op", role="operator")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")
ENTERPRISE = Principal(user_id=None, username="ent", role="enterprise")

UNI = "青峦大学"
COMPANY = "云川新能源科技有限公司"
OTHER = "北辰电子股份有限公司"


def _record(n: int, year: int, applicant: str, inventors: list[str], ipc: str) -> PatentRecord:
    return PatentRecord(
        title=f"一种测试装置{n}", publication_number=f"CN1100{n:05d}A", country="CN", kind_code="A",
        doc_type="invention", application_date=dt.date(year, 3, 1), publication_date=dt.date(year + 1, 3, 1),
        language="zh", classifications=[Classification("IPC", ipc, True, 0)],
        parties=[PartyMention("applicant", applicant, 1)]
        + [PartyMention("inventor", name, i) for i, name in enumerate(inventors, start=1)])


RECORDS = [
    # 王伟 (a common name) at the university, battery lab, always with 李强
    _record(1, 2015, UNI, ["王伟", "李强", "陈静"], "H01M 4/525"),
    _record(2, 2016, UNI, ["李强", "王伟"], "H01M 10/0525"),
    _record(3, 2018, UNI, ["王伟", "李强", "周敏"], "H01M 4/36"),
    # another 王伟 at an electronics company: no shared co-inventor, applicant or field
    _record(4, 2017, OTHER, ["王伟", "赵敏"], "G06F 3/041"),
    _record(5, 2019, OTHER, ["赵敏", "王伟"], "G06F 3/044"),
    # 欧阳澈 (rare) moves from the university to the company, keeping a co-inventor
    _record(6, 2014, UNI, ["欧阳澈", "司马青"], "H01M 8/10"),
    _record(7, 2020, COMPANY, ["欧阳澈", "司马青"], "H01M 8/02"),
]


@pytest.fixture
def store(db):
    parsed = (ParsedRecord(r, SourceLocation("test", document=i)) for i, r in enumerate(RECORDS, start=1))
    summary = import_parsed(db, parsed, source="test")
    assert summary.rejected == 0
    return db


def test_homonyms_split_and_a_move_joined(store):
    result = build_talents(store, OPERATOR)
    assert result["mentions"] == 16
    with store.sessions() as session:
        talents = {(t.name, t.main_affiliation): t for t in session.scalars(select(Talent))}
        wang = [t for (name, _), t in talents.items() if name == "王伟"]
        assert sorted(t.patent_count for t in wang) == [2, 3]  # two people named 王伟
        assert {t.main_affiliation for t in wang} == {UNI, OTHER}
        ouyang = [t for (name, _), t in talents.items() if name == "欧阳澈"]
        assert len(ouyang) == 1 and ouyang[0].patent_count == 2  # one person who changed employer
        assert (ouyang[0].first_year, ouyang[0].last_year) == (2014, 2020)
        # every inventor mention is in exactly one talent
        inventors = session.scalar(select(func.count()).select_from(PatentParty).where(PatentParty.role == "inventor"))
        assert session.scalar(select(func.count()).select_from(TalentMention)) == inventors
        ouyang_id, wang_uni = ouyang[0].id, next(t.id for t in wang if t.main_affiliation == UNI)

        profile = talent_profile(session, REGULATOR, ouyang_id)
        assert [a["year"] for a in profile["affiliations"]] == [2014, 2020]
        assert profile["affiliations"][0]["organisations"][0]["name"] == UNI
        assert profile["affiliations"][1]["organisations"][0]["name"] == COMPANY
        assert profile["fields"][0]["code"] == "H01M"
        assert [c["name"] for c in profile["collaborators"]] == ["司马青"]

        network = collaboration_network(session, ENTERPRISE, wang_uni)
        names = {n["id"]: n["name"] for n in network["nodes"]}
        li = next(i for i, n in names.items() if n == "李强")
        assert {"source": min(wang_uni, li), "target": max(wang_uni, li), "weight": 3} in network["edges"]

        top = list_talents(session, REGULATOR, order="output", page_size=3)
        assert top["items"][0]["patents"] == 3 and top["total"] == len(talents)
        with pytest.raises(NotFound):
            talent_profile(session, REGULATOR, 999_999)

    # rebuilding is idempotent
    again = build_talents(store, OPERATOR)
    assert again["talents"] == result["talents"]


def test_build_needs_operator(store):
    with pytest.raises(PermissionDenied):
        build_talents(store, ENTERPRISE)


def test_common_names_need_more_evidence():
    assert link_threshold(3) < link_threshold(64) < link_threshold(512)
    # two mentions of a very common name sharing only a field are kept apart; a rare one is joined
    a = Mention(1, "王伟", 1, 2015, fields=frozenset({"H01M"}), region="青峦省/青峦市")
    b = Mention(2, "王伟", 2, 2016, fields=frozenset({"H01M"}), region="青峦省/青峦市")
    assert len(cluster_mentions([a, b], {"王伟": 400})) == 2
    assert len(cluster_mentions([a, b], {"王伟": 2})) == 1
    # the same name twice on one patent is two people
    c = Mention(3, "王伟", 1, 2015, fields=frozenset({"H01M"}))
    assert len(cluster_mentions([a, c], {"王伟": 2})) == 2


def _publication(number: str, kind: str, application: str | None, year: int, inventors: list[str],
                 applicant: str = UNI, tag: str | None = None) -> PatentRecord:
    granted = kind == "B"
    return PatentRecord(
        title=f"一种储能电池{number}", publication_number=f"CN{number}{kind}", country="CN", kind_code=kind,
        doc_type="invention", application_number=application, application_date=dt.date(year, 5, 1),
        publication_date=dt.date(year + (3 if granted else 1), 5, 1),
        grant_date=dt.date(year + 3, 5, 1) if granted else None, language="zh",
        classifications=[Classification("IPC", "H01M 10/052", True, 0)],
        parties=[PartyMention("applicant", applicant, 1)]
        + [PartyMention("inventor", name, i) for i, name in enumerate(inventors, start=1)])


def test_a_and_b_publication_count_as_one_patent(db):
    from lingxi.db.models import Patent, PatentTag, PatentValueScore
    from lingxi.graph.dashboard import dashboard

    # one application published twice (A, then its grant B), plus a second invention and a lone record with no
    # application number; 柳如烟 and 岑参 are on all three inventions
    records = [
        _publication("115000001", "A", "CN202110000001.6", 2021, ["柳如烟", "岑参"]),
        _publication("115000001", "B", "CN202110000001.6", 2021, ["柳如烟", "岑参"]),
        _publication("115000002", "A", "CN202110000002.0", 2021, ["柳如烟", "岑参"]),
        _publication("115000003", "A", None, 2022, ["柳如烟", "岑参"]),
    ]
    parsed = (ParsedRecord(r, SourceLocation("test", document=i)) for i, r in enumerate(records, start=1))
    assert import_parsed(db, parsed, source="test").rejected == 0
    with db.sessions() as session:
        ids = {key: pid for key, pid in session.execute(select(Patent.key, Patent.id)).all()}
        scores = {"CN115000001A": (40.0, "C"), "CN115000001B": (80.0, "A"), "CN115000002A": (60.0, "B"),
                  "CN115000003A": (20.0, "D")}
        for key, (score, grade) in scores.items():
            session.add(PatentValueScore(patent_id=ids[key], scenario="licensing", profile_name="t",
                                         profile_version=1, score=score, grade=grade))
        for key in ("CN115000001A", "CN115000001B"):  # both publications tagged into the chain
            session.add(PatentTag(patent_id=ids[key], taxonomy_name="chain_ev", taxonomy_version=1,
                                  node_key="battery", confidence=1.0, status="accepted", source="rule"))
        session.commit()
    build_talents(db, OPERATOR)
    with db.sessions() as session:
        liu = session.scalars(select(Talent).where(Talent.name == "柳如烟")).one()
        # three inventions, not four publications; value per invention = its best publication (B's 80, not A's 40)
        assert liu.patent_count == 3
        assert liu.value_total == 80.0 + 60.0 + 20.0
        assert liu.value_score == round(160.0 / 3, 2)
        assert liu.grade_counts == {"A": 1, "B": 1, "D": 1}
        assert liu.fields == [["H01M", 3]]
        assert session.scalar(select(func.count()).select_from(TalentMention)
                              .where(TalentMention.talent_id == liu.id)) == 4  # every publication still linked

        profile = talent_profile(session, REGULATOR, liu.id)
        assert profile["patent_count"] == 3
        assert sorted(p["number"] for p in profile["patents"]) == sorted(scores)  # all four publications listed
        groups = {i["application"]: sorted(p["number"] for p in i["publications"]) for i in profile["inventions"]}
        assert groups == {"CN202110000001.6": ["CN115000001A", "CN115000001B"],
                          "CN202110000002.0": ["CN115000002A"], None: ["CN115000003A"]}
        assert {a["year"]: a["organisations"][0]["patents"] for a in profile["affiliations"]} == {2021: 2, 2022: 1}
        assert profile["chain_nodes"] == [{"taxonomy": "chain_ev", "node": "battery", "patents": 1}]
        assert profile["collaborators"][0]["name"] == "岑参" and profile["collaborators"][0]["shared_patents"] == 3

        network = collaboration_network(session, REGULATOR, liu.id)
        assert [e["weight"] for e in network["edges"]] == [3]

        chain = list_talents(session, REGULATOR, chain="chain_ev")
        assert {i["name"]: i["chain_patents"] for i in chain["items"]} == {"柳如烟": 1, "岑参": 1}
        assert list_talents(session, REGULATOR)["items"][0]["patents"] == 3

        board = dashboard(session, REGULATOR, chain="chain_ev")
        assert {t["name"]: t["patents"] for t in board["top_talents"]} == {"柳如烟": 1, "岑参": 1}

        # navigation's inventor analysis already counts applications: the same three
        from lingxi.navigation.analyses import run_analyses
        from lingxi.navigation.scope import parse_scope

        inventors = run_analyses(session, parse_scope("all"), ("inventors",))["inventors"]
        assert {p["name"]: p["applications"] for p in inventors["top_inventors"]} == {"柳如烟": 3, "岑参": 3}
        assert inventors["teams"][0]["applications"] == 3


def test_the_invention_key_is_the_same_in_python_and_in_sql(db):
    """Navigation groups rows into inventions in Python, talent counts them in SQL: one key, two spellings."""
    from lingxi.db.models import Patent
    from lingxi.patents.inventions import invention_key, invention_key_sql

    from lingxi.patents.numbers import cn_check_digit

    serial = "201910000001"
    records = [
        PatentRecord(title="有申请号", publication_number="CN110099901A", country="CN", kind_code="A",
                     application_number=f"CN{serial}.{cn_check_digit(serial)}", language="zh"),
        PatentRecord(title="无申请号", publication_number="CN110099902A", country="CN", kind_code="A", language="zh"),
    ]
    parsed = (ParsedRecord(r, SourceLocation("test", document=i)) for i, r in enumerate(records, start=1))
    assert import_parsed(db, parsed, source="test").rejected == 0
    with db.sessions() as session:
        rows = session.execute(select(Patent.application_number, Patent.key, invention_key_sql())).all()
    assert len(rows) == 2
    for application_number, key, in_sql in rows:
        assert in_sql == invention_key(application_number, key)
    assert {in_sql for _, _, in_sql in rows} == {f"CN{serial}.{cn_check_digit(serial)}", "CN110099902A"}
