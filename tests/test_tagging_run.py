"""Taxonomy versions, the resumable tagging run and the review loop, on real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lingxi.accounts.principal import Principal
from lingxi.db.models import AuditEntry, Patent, PatentAnnotation, PatentClassification, PatentTag, TaggingRun
from lingxi.errors import InvalidInput, PermissionDenied
from lingxi.tagging import service
from lingxi.tagging.jobs import run_tagging
from lingxi.tagging.store import SHIPPED, install_shipped, load_taxonomy, save_taxonomy, shipped_yaml

OPERATOR = Principal(user_id=None, username="op", role="operator")
ENTERPRISE = Principal(user_id=None, username="ent", role="enterprise")

TITLES = [
    ("一种高镍三元正极材料及其制备方法", "本发明公开了一种高镍三元正极材料，提高了锂离子电池的循环寿命。", ["H01M4/525"]),
    ("一种电动汽车充电桩", "本实用新型公开了一种充电桩，包括充电枪和壳体。", []),
    ("一种TOPCon太阳能电池及其制备方法", "隧穿氧化层钝化接触结构提高了光电转换效率。", ["H01L31/0747"]),
    ("一种质子交换膜燃料电池膜电极", "膜电极包括质子交换膜、催化层和气体扩散层。", []),
    ("一种可折叠的雨伞", "雨伞包括伞骨和伞面。", []),
]


def _add_patents(db, count: int) -> list[int]:
    with db.sessions() as session:
        ids = []
        for number in range(count):
            title, abstract, codes = TITLES[number % len(TITLES)]
            patent = Patent(key=f"T{number}", title=title, abstract=abstract, content_hash=str(number), claims=[])
            session.add(patent)
            session.flush()
            for sequence, code in enumerate(codes):
                session.add(PatentClassification(patent_id=patent.id, scheme="IPC", code=code, is_main=sequence == 0,
                                                 sequence=sequence))
            ids.append(patent.id)
        session.commit()
    return ids


def _tags(db, name: str) -> set[tuple[int, str, str]]:
    with db.sessions() as session:
        return set(session.execute(select(PatentTag.patent_id, PatentTag.node_key, PatentTag.status)
                                   .where(PatentTag.taxonomy_name == name)).all())


def test_versions_and_shipped_install(db):
    with db.sessions() as session:
        assert install_shipped(session) == list(SHIPPED)
        assert install_shipped(session) == []
        text = shipped_yaml("chain_pv")
        row, created = save_taxonomy(session, text)
        assert (row.version, created) == (1, False)  # same content: no new version
        row, created = save_taxonomy(session, text.replace("title_zh: 光伏产业链", "title_zh: 光伏产业链（本省）", 1), created_by="op")
        assert (row.version, created) == (2, True)
        assert load_taxonomy(session, "chain_pv", 1).title_zh == "光伏产业链"
        assert load_taxonomy(session, "chain_pv").title_zh == "光伏产业链（本省）"
        session.commit()


def test_tag_run_resumes_after_a_kill_and_matches_an_uninterrupted_run(db):
    _add_patents(db, 25)
    killed = run_tagging(db, ["chain_ev"], batch_size=10, annotations=False, stop_after=1)
    assert killed.patents == 10
    with db.sessions() as session:
        run = session.scalars(select(TaggingRun).where(TaggingRun.taxonomy_name == "chain_ev")).one()
        assert run.status == "running" and run.patents_done == 10
    resumed = run_tagging(db, ["chain_ev"], batch_size=10, annotations=False)
    assert resumed.taxonomies["chain_ev"]["patents"] == 15  # only what the killed run had not committed
    after_resume = _tags(db, "chain_ev")
    again = run_tagging(db, ["chain_ev"], batch_size=10, annotations=False)
    assert again.taxonomies["chain_ev"]["patents"] == 0  # nothing new: nothing re-tagged
    full = run_tagging(db, ["chain_ev"], batch_size=7, annotations=False, restart=True)
    assert full.taxonomies["chain_ev"]["patents"] == 25
    assert _tags(db, "chain_ev") == after_resume  # same tags as an uninterrupted run
    with db.sessions() as session:
        first = session.scalars(select(Patent).where(Patent.key == "T0")).one()
        tags = {t.node_key: t for t in session.scalars(select(PatentTag).where(PatentTag.patent_id == first.id))}
    assert {"ev.cathode.ncm", "ev.cathode", "ev.up"} <= set(tags)
    assert tags["ev.cathode.ncm"].source == "rule" and tags["ev.cathode.ncm"].model_version.startswith("tw1-")
    assert "IPC H01M4/525 matches node 三元正极" in tags["ev.cathode.ncm"].evidence["text"]
    with db.sessions() as session:
        umbrella_id = session.scalars(select(Patent.id).where(Patent.key == "T4")).one()
    assert not [t for t in after_resume if t[0] == umbrella_id]


def test_worker_processes_write_what_a_single_process_writes(db):
    """Large runs compute batches in forked workers; the tags, annotations and cursors must not depend on it."""
    _add_patents(db, 23)

    def stored() -> tuple[set, dict, dict]:
        with db.sessions() as session:
            tags = set(session.execute(select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key,
                                              PatentTag.confidence, PatentTag.source, PatentTag.model_version,
                                              PatentTag.status)).all())
            evidence = {(t.patent_id, t.taxonomy_name, t.node_key): t.evidence["text"]
                        for t in session.scalars(select(PatentTag))}
            notes = {(a.patent_id, a.kind): (a.data, a.confidence)
                     for a in session.scalars(select(PatentAnnotation))}
        return tags, evidence, notes

    parallel = run_tagging(db, ["chain_ev", "sei_2018"], batch_size=5, workers=2)
    assert parallel.patents == 23 and parallel.annotations == 46
    in_workers = stored()
    assert in_workers[0]
    single = run_tagging(db, ["chain_ev", "sei_2018"], batch_size=5, workers=0, restart=True)
    assert stored() == in_workers
    assert single.taxonomies == parallel.taxonomies and single.annotations == parallel.annotations
    again = run_tagging(db, ["chain_ev", "sei_2018"], batch_size=5, workers=2)
    assert again.patents == 0  # the cursors the workers' batches moved are where a single process leaves them


def test_annotations_are_stored_when_the_extractors_exist(db):
    _add_patents(db, 5)
    summary = run_tagging(db, ["chain_pv"], annotations=True)
    with db.sessions() as session:
        kinds = session.execute(select(PatentAnnotation.kind, func.count()).group_by(PatentAnnotation.kind)).all()
    assert dict(kinds) == {"pme": 5, "trl": 5} and summary.annotations == 10


def test_human_tags_survive_reruns_and_reviews_teach_the_model(db):
    ids = _add_patents(db, 10)
    run_tagging(db, ["chain_pv"], annotations=False)
    with db.sessions() as session:
        with pytest.raises(PermissionDenied):
            service.review_queue(session, ENTERPRISE, "chain_pv")
        queue = service.review_queue(session, OPERATOR, "chain_pv")
        assert queue["total"] > 0
        confidences = [abs(item["confidence"] - 0.5) for item in queue["items"]]
        assert confidences == sorted(confidences)  # most uncertain first
        topcon = session.scalars(select(PatentTag).where(PatentTag.patent_id == ids[2],
                                                         PatentTag.node_key == "pv.cell.topcon")).one()
        reviewed = service.review_tag(session, OPERATOR, topcon.id, "accept")
        assert reviewed["status"] == "accepted" and reviewed["reviewed_at"]
        # the umbrella (雨伞) is not in the PV chain; a reviewer says it belongs to PV mounting anyway
        human = service.add_human_tag(session, OPERATOR, ids[4], "chain_pv", "pv.mounting")
        with pytest.raises(InvalidInput):
            service.review_tag(session, OPERATOR, topcon.id, "correct", "no.such.node")
        session.commit()
        human_id = human.id
        audited = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "patent_tags"))
        assert audited >= 2
    before = _tags(db, "chain_pv")
    rerun = run_tagging(db, ["chain_pv"], annotations=False)
    # the reviews changed the model version, so the whole store is re-tagged …
    assert rerun.taxonomies["chain_pv"]["patents"] == 10
    after = _tags(db, "chain_pv")
    # … and what people decided is still there, unchanged
    assert (ids[2], "pv.cell.topcon", "accepted") in after and (ids[4], "pv.mounting", "accepted") in after
    with db.sessions() as session:
        assert session.get(PatentTag, human_id).source == "human"
    assert {t for t in before if t[2] != "proposed"} <= after


def test_service_permissions_and_validation(db):
    with db.sessions() as session:
        names = [t["name"] for t in service.list_taxonomies(session, ENTERPRISE)]
        assert set(SHIPPED) <= set(names)
        detail = service.get_taxonomy(session, ENTERPRISE, "sei_2018")
        assert len([n for n in detail["nodes_with_levels"] if n["level"] == 2]) == 40
        with pytest.raises(PermissionDenied):
            service.save_taxonomy(session, ENTERPRISE, shipped_yaml("chain_h2"))
        with pytest.raises(InvalidInput, match="node h2.production, field parent"):
            service.save_taxonomy(session, OPERATOR,
                                  shipped_yaml("chain_h2").replace("parent: h2.up\n", "parent: h2.nowhere\n", 1))
        saved = service.save_taxonomy(session, OPERATOR, shipped_yaml("chain_h2") + "- {key: h2.x, parent: h2.down, "
                                      "name_zh: 氢能新应用}\n")
        assert saved == {"name": "chain_h2", "version": 2, "created": True}
        demand = service.classify(session, ENTERPRISE, "chain_h2", "寻求碱性电解槽制氢技术，降低电解水能耗")
        assert "h2.production.alkaline" in {t["node"] for t in demand}


def test_the_current_classifier_is_built_once_per_version_and_review_state(db):
    from lingxi.tagging.current import current_classifier

    ids = _add_patents(db, 5)
    run_tagging(db, ["chain_pv"], annotations=False)
    with db.sessions() as session:
        first = current_classifier(session, "chain_pv")
        assert first is not None and current_classifier(session, "chain_pv") is first  # reused, not retrained
        assert current_classifier(session, "no_such_taxonomy") is None
        assert current_classifier(session, "chain_pv", use_ipc=False) is not first  # demands: no IPC codes
        # a review changes what the model learns: the next call trains a new one, and classifies with it
        human = service.add_human_tag(session, OPERATOR, ids[4], "chain_pv", "pv.mounting")
        session.flush()
        taught = current_classifier(session, "chain_pv")
        assert human.id and taught is not first
        session.commit()
        # … and the service's classify (the API and the classify form) answers from it
        results = service.classify(session, OPERATOR, "chain_pv", "一种TOPCon太阳能电池\n隧穿氧化层钝化接触")
        assert "pv.cell.topcon" in {result["node"] for result in results}
        assert current_classifier(session, "chain_pv") is taught
