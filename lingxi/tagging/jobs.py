"""`lingxi tag run`: tag every patent with every chosen taxonomy, resumably, in one pass over the store.

Each (taxonomy version, model version) has a TaggingRun row whose `last_patent_id` moves forward with each
committed batch. A killed run resumes after the last committed batch; a later run with the same taxonomy and model
only visits patents imported since. A review changes the model version (it trains on reviews), so the next run
re-tags everything with the improved model. `--all` starts every cursor from zero.

Re-tagging replaces only machine proposals (status "proposed"); tags a person accepted, corrected, rejected or
added stay, and a node a reviewer already decided for a patent is never proposed again for it.

Patents are read and tags written in batches (one SELECT per batch for patents, one for their IPC codes, one DELETE
and one INSERT per taxonomy), and each patent's text is segmented once for all taxonomies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from lingxi.db import Database
from lingxi.db.audit import record_event
from lingxi.db.base import utcnow
from lingxi.db.models import Patent, PatentAnnotation, PatentClassification, PatentTag, TaggingRun
from lingxi.tagging.classifier import Classifier, Document
from lingxi.tagging.store import SHIPPED, background_sample, install_shipped, list_versions, load_taxonomy, \
    patent_text, trained_model
from lingxi.text.segment import segment

ANNOTATIONS = "_annotations"  # the cursor of the problem/means/effect + maturity pass


@dataclass
class TagRunSummary:
    taxonomies: dict[str, dict] = field(default_factory=dict)  # name → {version, model_version, patents, tags}
    patents: int = 0
    seconds: float = 0.0
    annotations: int = 0

    @property
    def patents_per_second(self) -> float:
        return self.patents / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {"taxonomies": self.taxonomies, "patents": self.patents, "seconds": round(self.seconds, 3),
                "patents_per_second": round(self.patents_per_second, 1), "annotations": self.annotations}


@dataclass
class _Lane:
    """One taxonomy's share of the pass: its classifier and its cursor."""
    classifier: Classifier
    run_id: int
    cursor: int
    patents: int = 0
    tags: int = 0


def _annotators():
    """The problem/means/effect and maturity extractors (lingxi/tagging/pme.py, maturity.py), when present."""
    try:
        from lingxi.tagging.maturity import PatentFacts, estimate_trl
        from lingxi.tagging.pme import extract_pme
    except ImportError:  # hook: a build without them still tags
        return None
    return extract_pme, estimate_trl, PatentFacts


def _run_row(session: Session, name: str, version: int, model_version: str, restart: bool) -> TaggingRun:
    row = None
    if not restart:
        row = session.scalars(select(TaggingRun).where(
            TaggingRun.taxonomy_name == name, TaggingRun.taxonomy_version == version,
            TaggingRun.model_version == model_version).order_by(TaggingRun.id.desc()).limit(1)).first()
    if row is None:
        row = TaggingRun(taxonomy_name=name, taxonomy_version=version, model_version=model_version)
        session.add(row)
        session.flush()
    row.status = "running"
    return row


def run_tagging(db: Database, names: list[str] | None = None, *, restart: bool = False, batch_size: int = 1000,
                annotations: bool = True, on_total: Callable[[int], None] | None = None,
                on_advance: Callable[[int], None] | None = None, stop_after: int | None = None) -> TagRunSummary:
    """Tag patents with the named taxonomies (default: every installed one) and, optionally, annotate them.

    `stop_after` ends the pass after that many batches (tests use it to simulate a kill between commits)."""
    started = time.perf_counter()
    summary = TagRunSummary()
    with db.sessions() as session:
        install_shipped(session)
        session.commit()
        if not names:
            names = [row.name for row in list_versions(session)] or list(SHIPPED)
        background = background_sample(session)
        lanes: list[_Lane] = []
        for name in names:
            taxonomy = load_taxonomy(session, name)
            if taxonomy is None:
                raise KeyError(f"no taxonomy named {name!r} (see `lingxi taxonomy list`)")
            classifier = Classifier(taxonomy, trained_model(session, taxonomy, background))
            run = _run_row(session, name, taxonomy.version, classifier.model_version, restart)
            lanes.append(_Lane(classifier, run.id, run.last_patent_id))
        annotators = _annotators() if annotations else None
        annotation_lane = None
        if annotators is not None:
            run = _run_row(session, ANNOTATIONS, 0, "pme+trl-1", restart)
            annotation_lane = [run.id, run.last_patent_id]
        session.commit()
        start = min([lane.cursor for lane in lanes] + ([annotation_lane[1]] if annotation_lane else []))
        total = session.scalar(select(func.count(Patent.id)).where(Patent.id > start)) or 0
        if on_total:
            on_total(total)
    cursor, batches = start, 0
    while True:
        with db.sessions() as session:
            patents = session.execute(
                select(Patent.id, Patent.title, Patent.abstract, Patent.first_claim, Patent.language,
                       Patent.doc_type, Patent.kind_code, Patent.grant_date, Patent.application_date,
                       Patent.legal_status)
                .where(Patent.id > cursor).order_by(Patent.id).limit(batch_size)).all()
            if not patents:
                break
            ids = [p.id for p in patents]
            codes: dict[int, list[str]] = {}
            for patent_id, code in session.execute(
                    select(PatentClassification.patent_id, PatentClassification.code)
                    .where(PatentClassification.patent_id.in_(ids), PatentClassification.scheme.in_(("IPC", "CPC")))
                    .order_by(PatentClassification.patent_id, PatentClassification.is_main.desc(),
                              PatentClassification.sequence)):
                codes.setdefault(patent_id, []).append(code)
            documents = {p.id: Document(p.title or "", p.abstract or "", p.first_claim or "", codes.get(p.id, []))
                         for p in patents}
            tokens = {p.id: segment(documents[p.id].text) for p in patents}
            for lane in lanes:
                todo = [p.id for p in patents if p.id > lane.cursor]
                if todo:
                    written = _tag_batch(session, lane, todo, documents, tokens)
                    lane.tags += written
                    lane.patents += len(todo)
                    lane.cursor = ids[-1]
                    session.execute(update(TaggingRun).where(TaggingRun.id == lane.run_id).values(
                        last_patent_id=lane.cursor, patents_done=TaggingRun.patents_done + len(todo),
                        tags_written=TaggingRun.tags_written + written))
            if annotation_lane is not None:
                todo = [p for p in patents if p.id > annotation_lane[1]]
                if todo:
                    summary.annotations += _annotate_batch(session, annotators, todo, documents)
                    annotation_lane[1] = ids[-1]
                    session.execute(update(TaggingRun).where(TaggingRun.id == annotation_lane[0]).values(
                        last_patent_id=ids[-1], patents_done=TaggingRun.patents_done + len(todo)))
            session.commit()
        cursor = ids[-1]
        summary.patents += len(ids)
        if on_advance:
            on_advance(len(ids))
        batches += 1
        if stop_after is not None and batches >= stop_after:
            summary.seconds = time.perf_counter() - started
            return _summarised(summary, lanes)
    with db.sessions() as session:
        run_ids = [lane.run_id for lane in lanes] + ([annotation_lane[0]] if annotation_lane else [])
        session.execute(update(TaggingRun).where(TaggingRun.id.in_(run_ids)).values(status="finished",
                                                                                      finished_at=utcnow()))
        record_event(session, "tag", "patent_tags", ",".join(names),
                     f"tagging run: {summary.patents} patents, "
                     + ", ".join(f"{lane.classifier.taxonomy.name} {lane.tags} tags" for lane in lanes))
        session.commit()
    summary.seconds = time.perf_counter() - started
    return _summarised(summary, lanes)


def _summarised(summary: TagRunSummary, lanes: list[_Lane]) -> TagRunSummary:
    for lane in lanes:
        summary.taxonomies[lane.classifier.taxonomy.name] = {
            "version": lane.classifier.taxonomy.version, "model_version": lane.classifier.model_version,
            "patents": lane.patents, "tags": lane.tags}
    return summary


def _tag_batch(session: Session, lane: _Lane, ids: list[int], documents: dict, tokens: dict) -> int:
    taxonomy = lane.classifier.taxonomy
    session.execute(delete(PatentTag).where(PatentTag.patent_id.in_(ids), PatentTag.taxonomy_name == taxonomy.name,
                                            PatentTag.status == "proposed"))
    decided = set(session.execute(select(PatentTag.patent_id, PatentTag.node_key).where(
        PatentTag.patent_id.in_(ids), PatentTag.taxonomy_name == taxonomy.name)).all())
    now = utcnow()
    rows = []
    for patent_id in ids:
        for result in lane.classifier.classify(documents[patent_id], tokens[patent_id]):
            if (patent_id, result.node_key) in decided:
                continue
            rows.append({"patent_id": patent_id, "taxonomy_name": taxonomy.name,
                         "taxonomy_version": taxonomy.version, "node_key": result.node_key,
                         "confidence": result.confidence, "source": result.source,
                         "model_version": lane.classifier.model_version,
                         "evidence": {**result.evidence, "text": result.evidence_text},
                         "status": "proposed", "created_at": now})
    if rows:
        session.execute(insert(PatentTag), rows)
    return len(rows)


def _annotate_batch(session: Session, annotators, patents, documents: dict) -> int:
    extract_pme, estimate_trl, PatentFacts = annotators
    ids = [p.id for p in patents]
    session.execute(delete(PatentAnnotation).where(PatentAnnotation.patent_id.in_(ids),
                                                   PatentAnnotation.kind.in_(("pme", "trl")),
                                                   PatentAnnotation.reviewer_id.is_(None),
                                                   PatentAnnotation.source != "human"))
    kept = set(session.execute(select(PatentAnnotation.patent_id, PatentAnnotation.kind).where(
        PatentAnnotation.patent_id.in_(ids), PatentAnnotation.kind.in_(("pme", "trl")))).all())
    now = utcnow()
    rows = []
    for patent in patents:
        document = documents[patent.id]
        if (patent.id, "pme") not in kept:
            pme = extract_pme(document.title, document.abstract, document.claims, patent.language)
            rows.append({"patent_id": patent.id, "kind": "pme", "data": pme.as_dict(), "source": "rule",
                         "confidence": None, "model_version": "pme-1", "created_at": now})
        if (patent.id, "trl") not in kept:
            facts = PatentFacts(doc_type=patent.doc_type, kind_code=patent.kind_code,
                                granted=patent.grant_date is not None or None, filing_date=patent.application_date,
                                grant_date=patent.grant_date, text=patent_text(None, document.abstract,
                                                                               document.claims))
            estimate = estimate_trl(facts)
            rows.append({"patent_id": patent.id, "kind": "trl", "data": estimate.as_dict(), "source": "rule",
                         "confidence": estimate.confidence, "model_version": "trl-1", "created_at": now})
    if rows:
        session.execute(insert(PatentAnnotation), rows)
    return len(rows)
