"""The patent store on real SQLite and PostgreSQL: idempotent, incremental, history-keeping, never losing input."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from lingxi.db.models import ImportRejection, Party, Patent, PatentParty, PatentRevision
from lingxi.patents.importing import import_parsed
from lingxi.patents.queries import collection_stats, find_patent, patent_detail
from lingxi.patents.records import (
    Citation,
    Classification,
    LegalEvent,
    ParsedRecord,
    PartyMention,
    PatentRecord,
    SourceLocation,
)


def cn_record(number="CN108982325A", **changes) -> PatentRecord:
    record = PatentRecord(
        title="地下防污屏障材料化学相容性测试装置及方法",
        source_format="test",
        publication_number=number,
        application_number="201810855386.2",
        publication_date=dt.date(2018, 12, 11),
        application_date=dt.date(2018, 7, 30),
        abstract="本发明公开了一种地下防污屏障材料化学相容性测试装置及方法。",
        claims=["1.一种地下防污屏障材料化学相容性测试装置,其特征在于：包含渗透压力室。", "2.根据权利要求1所述的装置。"],
        classifications=[Classification("IPC", "G01N 15/08", is_main=True)],
        parties=[
            PartyMention("applicant", "浙江大学"),
            PartyMention("inventor", "李育超", sequence=0),
            PartyMention("inventor", "于泽溪", sequence=1),
        ],
        legal_events=[LegalEvent(dt.date(2018, 12, 11), "PB01", "公开", "other")],
    )
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def parsed(*records: PatentRecord) -> list[ParsedRecord]:
    return [ParsedRecord(r, SourceLocation("test.jsonl", line=i)) for i, r in enumerate(records, start=1)]


def count(db, model) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_new_then_same_again_changes_nothing(db):
    first = import_parsed(db, parsed(cn_record()), source="test")
    assert (first.new, first.updated, first.unchanged, first.rejected) == (1, 0, 0, 0)
    counts = {m: count(db, m) for m in (Patent, PatentParty, Party, PatentRevision)}
    second = import_parsed(db, parsed(cn_record()), source="test")
    assert (second.new, second.updated, second.unchanged, second.rejected) == (0, 0, 1, 0)
    assert {m: count(db, m) for m in (Patent, PatentParty, Party, PatentRevision)} == counts


def test_newer_record_updates_and_keeps_history(db):
    import_parsed(db, parsed(cn_record()), source="test")
    newer = cn_record(abstract="更新后的摘要。", legal_status="granted", parties=[], claims=[])
    summary = import_parsed(db, parsed(newer), source="test")
    assert (summary.new, summary.updated) == (0, 1)
    with db.sessions() as session:
        patent = find_patent(session, "CN 108982325 A")
        detail = patent_detail(session, patent.id)
        revision = session.execute(select(PatentRevision)).scalar_one()
    assert detail["abstract"] == "更新后的摘要。"
    assert detail["legal_status"] == "granted"
    # Fields the newer record lacks keep their stored values: a partial export never erases data.
    assert [p["name"] for p in detail["parties"]] == ["浙江大学", "李育超", "于泽溪"]
    assert len(detail["claims"]) == 2
    assert set(revision.changes) == {"abstract", "legal_status"}
    assert revision.changes["abstract"]["old"].startswith("本发明公开了")
    assert detail["revisions"][0]["fields"] == ["abstract", "legal_status"]


def test_invalid_numbers_are_rejected_and_valid_records_kept(db):
    bad_check_digit = cn_record("CN108982326A", application_number="201810855386.7")
    bad_publication = cn_record("CN12AB")
    no_title = cn_record("CN108982327A", title="  ")
    summary = import_parsed(db, parsed(cn_record(), bad_check_digit, bad_publication, no_title), source="test")
    assert (summary.new, summary.rejected) == (1, 3)
    with db.sessions() as session:
        rejections = session.execute(select(ImportRejection).order_by(ImportRejection.line)).scalars().all()
    assert [(r.file, r.line) for r in rejections] == [("test.jsonl", 2), ("test.jsonl", 3), ("test.jsonl", 4)]
    assert "check digit is 7, expected 2" in rejections[0].reason
    assert "invalid publication number" in rejections[1].reason
    assert "no title" in rejections[2].reason


def test_same_patent_twice_in_one_input(db):
    summary = import_parsed(db, parsed(cn_record(), cn_record(abstract="第二版摘要。")), source="test")
    assert (summary.new, summary.updated) == (1, 1)
    assert count(db, Patent) == 1


def test_numbers_are_normalised_and_found_in_any_format(db):
    record = cn_record("cn 108982325 a", application_number="CN 201810855386")  # check digit added
    import_parsed(db, parsed(record), source="test")
    with db.sessions() as session:
        for identifier in ("CN108982325A", "108982325", "ZL201810855386.2", "201810855386.2"):
            patent = find_patent(session, identifier)
            assert patent is not None, identifier
        assert patent.key == "CN108982325A"
        assert patent.application_number == "CN201810855386.2"
        assert patent.doc_type == "invention"
        assert patent.language == "zh"
        assert patent.first_claim.startswith("1.一种地下防污屏障")


def test_records_without_number_use_their_id(db):
    record = PatentRecord(title="一种三维可调机器人零件焊接工装", external_id="481982b61009f135c2a5ccaba6864a48",
                          parties=[PartyMention("applicant", "湖北大雁玻璃钢有限公司")])
    import_parsed(db, parsed(record), source="test")
    with db.sessions() as session:
        patent = find_patent(session, "481982b61009f135c2a5ccaba6864a48")
        assert patent.key == "ID:481982b61009f135c2a5ccaba6864a48"


def test_parties_are_clustered_typed_and_located(db):
    a = cn_record(parties=[PartyMention("applicant", "Samsung Electronics Co., Ltd.")])
    b = cn_record("CN108859303A", parties=[PartyMention("applicant", "SAMSUNG ELECTRONICS CO LTD")])
    c = cn_record("CN208104517U", parties=[PartyMention("applicant", "西安交通大学")])
    import_parsed(db, parsed(a, b, c), source="test")
    with db.sessions() as session:
        parties = {p.name: p for p in session.execute(select(Party)).scalars()}
    assert len(parties) == 2
    xjtu = parties["西安交通大学"]
    assert (xjtu.party_type, xjtu.province, xjtu.city) == ("university", "陕西", "西安")
    samsung = next(p for p in parties.values() if p is not xjtu)
    assert samsung.party_type == "enterprise"
    with db.sessions() as session:
        aliases = {a.name for a in session.get(Party, samsung.id).aliases}
    assert aliases == {"Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS CO LTD"}


def test_forward_citations_and_family_are_derived(db):
    cited = cn_record()
    grant = cn_record("CN108982325B", legal_status="granted")
    citing = cn_record("CN208104517U", application_number="201820546147.4",
                       citations=[Citation(number="CN108982325A", country="CN", kind="A", category="examiner")])
    import_parsed(db, parsed(cited, grant, citing), source="test")
    with db.sessions() as session:
        detail = patent_detail(session, find_patent(session, "CN108982325A").id)
        stats = collection_stats(session)
    assert [c["key"] for c in detail["cited_by"]] == ["CN208104517U"]
    assert [f["key"] for f in detail["family"]] == ["CN108982325B"]
    assert stats["patents"] == 3
    assert stats["by_doc_type"] == {"invention": 2, "utility_model": 1}
    assert stats["by_applicant_type"] == {"university": 3}
    assert stats["by_year"] == {"2018": 3}


def test_prebuilt_reads_through_the_driver_equal_core_reads(db):
    # The patent page's and the search hits' prebuilt selects run on SQLite through the driver: every value (dates,
    # datetimes, JSON, booleans, floats) must be what SQLAlchemy's own execution returns, on SQLite and PostgreSQL
    # alike, whatever the length of an IN list
    from lingxi.db.models import PatentAnnotation, PatentTag
    from lingxi.db.prebuilt import PrebuiltSelect
    from lingxi.patents import queries
    from lingxi.search import service as search
    from lingxi.tagging import service as tagging

    cited = cn_record()
    citing = cn_record("CN208104517U", application_number="201820546147.4",
                       citations=[Citation(number="CN108982325A", country="CN", kind="A", category="examiner",
                                           date=dt.date(2017, 3, 1))])
    import_parsed(db, parsed(cited, cn_record("CN108982325B", legal_status="granted"), citing), source="test")
    import_parsed(db, parsed(cn_record(abstract="更新后的摘要。")), source="test")  # a revision
    with db.sessions() as session:
        patent = find_patent(session, "CN108982325A")
        session.add_all([
            PatentTag(patent_id=patent.id, taxonomy_name="chain", taxonomy_version=1, node_key="pv", confidence=0.75,
                      source="human", evidence={"text": "光伏", "terms": ["光伏"]}, status="accepted",
                      reviewed_at=dt.datetime(2026, 1, 2, 3, 4, 5, 678)),
            PatentTag(patent_id=patent.id, taxonomy_name="chain", taxonomy_version=1, node_key="cell",
                      confidence=0.5, source="model", model_version="m1"),
            PatentAnnotation(patent_id=patent.id, kind="trl", data={"level": 4}, source="rule", confidence=None),
        ])
        session.commit()
        connection = session.connection()
        prebuilt = [value for module in (queries, tagging, search) for value in vars(module).values()
                    if isinstance(value, PrebuiltSelect)]
        assert len(prebuilt) == 12
        read_something = set()
        other = find_patent(session, "CN208104517U")
        for one, ids in ((patent, [patent.id]), (other, [other.id, patent.id, 10**9]), (patent, [])):
            parameters = {"patent_id": one.id, "number_base": one.number_base,
                          "application_number": one.application_number, "ids": ids}  # ids: an IN list
            for select_ in prebuilt:
                wanted = {name: value for name, value in parameters.items()
                          if name in select_.statement.compile().params}
                core = [tuple(row) for row in connection.execute(select_.statement, wanted)]
                read = select_.rows(connection, wanted)
                assert read == core
                assert [list(map(type, row)) for row in read] == [list(map(type, row)) for row in core]
                if read:
                    read_something.add(id(select_))
        assert read_something == {id(select_) for select_ in prebuilt}  # the data exercises every statement
        detail = queries.patent_detail(session, patent.id)
    assert detail["revisions"][0]["fields"] == ["abstract"]
    assert detail["cited_by"][0]["key"] == "CN208104517U"
