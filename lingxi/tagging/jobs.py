"""`lingxi tag run`: tag every patent with every chosen taxonomy, resumably, in one pass over the store.

Each (taxonomy version, model version) has a TaggingRun row whose `last_patent_id` moves forward with each
committed batch. A killed run resumes after the last committed batch; a later run with the same taxonomy and model
only visits patents imported since. A review changes the model version (it trains on reviews), so the next run
re-tags everything with the improved model. `--all` starts every cursor from zero.

Re-tagging replaces only machine proposals (status "proposed"); tags a person accepted, corrected, rejected or
added stay, and a node a reviewer already decided for a patent is never proposed again for it.

Patents are read and tags written in batches (one SELECT per batch for patents, one for their IPC codes, one DELETE
and one INSERT per taxonomy), and each patent's text is segmented once for all taxonomies. The CPU part of a batch
(segmenting, classifying, problem/means/effect, TRL) has no database access, so a large run gives it to one forked
worker process per core while this process reads ahead and writes, in id order, one transaction per batch.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from lingxi.db import Database
from lingxi.db.audit import record_event
from lingxi.db.base import utcnow
from lingxi.db.bulk import portable_json, tuple_insert
from lingxi.db.models import Patent, PatentAnnotation, PatentClassification, PatentTag, TaggingRun
from lingxi.tagging.classifier import Classifier, Document
from lingxi.tagging.store import SHIPPED, background_sample, install_shipped, list_versions, load_taxonomy, \
    patent_text, trained_model
from lingxi.text.segment import segment

ANNOTATIONS = "_annotations"  # the cursor of the problem/means/effect + maturity pass
PARALLEL_MIN = 20_000  # patents to visit before worker processes pay for their start and the pickling


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
                on_advance: Callable[[int], None] | None = None, stop_after: int | None = None,
                workers: int | None = None) -> TagRunSummary:
    """Tag patents with the named taxonomies (default: every installed one) and, optionally, annotate them.

    `stop_after` ends the pass after that many batches (tests use it to simulate a kill between commits).
    `workers` processes compute the batches (default: one per core when PARALLEL_MIN or more patents are to be
    visited, else none: this process does everything); results are written in id order either way."""
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
    state = _Compute([lane.classifier for lane in lanes], [lane.cursor for lane in lanes],
                     annotators, annotation_lane[1] if annotation_lane else None)
    if workers is None:
        workers = _cores() if total >= PARALLEL_MIN else 0
    pool = _start_pool(state, workers) if workers > 1 else None
    in_flight: deque = deque()  # (patents, async result) of batches read ahead, in id order
    try:
        while True:
            # read ahead so that the workers compute the next batches while this process writes one
            while cursor is not None and len(in_flight) < (2 * workers if pool else 1):
                batch = _read_batch(db, cursor, batch_size)
                if not batch:
                    cursor = None
                    break
                cursor = batch[-1][0]
                in_flight.append((batch, pool.apply_async(_compute_in_worker, (batch,)) if pool else None))
            if not in_flight:
                break
            batch, pending = in_flight.popleft()
            computed = pending.get() if pending is not None else state.compute(batch)
            _write_batch(db, batch, computed, lanes, annotation_lane, summary)
            summary.patents += len(batch)
            if on_advance:
                on_advance(len(batch))
            batches += 1
            if stop_after is not None and batches >= stop_after:
                summary.seconds = time.perf_counter() - started
                return _summarised(summary, lanes)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
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


_PATENT_COLUMNS = (Patent.id, Patent.title, Patent.abstract, Patent.first_claim, Patent.language, Patent.doc_type,
                   Patent.kind_code, Patent.grant_date, Patent.application_date)


def _read_batch(db: Database, cursor: int, batch_size: int) -> list[tuple]:
    """The next patents after `cursor` as plain tuples (id … application_date, IPC/CPC codes main first)."""
    with db.sessions() as session:
        patents = session.execute(select(*_PATENT_COLUMNS).where(Patent.id > cursor).order_by(Patent.id)
                                  .limit(batch_size)).all()
        if not patents:
            return []
        codes: dict[int, list[str]] = {}
        for patent_id, code in session.execute(
                select(PatentClassification.patent_id, PatentClassification.code)
                .where(PatentClassification.patent_id.between(patents[0].id, patents[-1].id),
                       PatentClassification.scheme.in_(("IPC", "CPC")))
                .order_by(PatentClassification.patent_id, PatentClassification.is_main.desc(),
                          PatentClassification.sequence)):
            codes.setdefault(patent_id, []).append(code)
    return [(*patent, codes.get(patent.id, [])) for patent in patents]


class _Compute:
    """The CPU part of a batch — segmenting, classifying, extracting — with no database: it runs in this process
    or, for large runs, in forked workers that inherit it (lingxi/patents/parse_worker.py does the same for
    imports). Its output is rows ready to insert, so the writing process is left with the SQL."""

    def __init__(self, classifiers: list[Classifier], cursors: list[int], annotators, annotation_cursor: int | None):
        self.classifiers = classifiers
        self.cursors = cursors  # a lane only tags patents after its own cursor
        self.annotators = annotators
        self.annotation_cursor = annotation_cursor
        if annotators is not None:  # compile the effect vocabulary once, before any fork, not once per worker
            from lingxi.tagging.effects import load_effect_vocabulary

            load_effect_vocabulary()

    def compute(self, batch: list[tuple]) -> tuple[list[list[tuple]], list[tuple]]:
        """([per lane: (patent id, node key, confidence, source, evidence JSON)], annotation rows)."""
        tag_rows: list[list[tuple]] = [[] for _ in self.classifiers]
        annotation_rows: list[tuple] = []
        for patent_id, title, abstract, claim, language, doc_type, kind_code, grant_date, filing_date, codes in batch:
            document = Document(title or "", abstract or "", claim or "", codes)
            tokens = None  # each text is segmented once, for every taxonomy
            for lane, (classifier, cursor) in enumerate(zip(self.classifiers, self.cursors)):
                if patent_id <= cursor:
                    continue
                if tokens is None:
                    tokens = segment(document.text)
                rows = tag_rows[lane]
                for result in classifier.classify(document, tokens):
                    rows.append((patent_id, result.node_key, result.confidence, result.source,
                                 portable_json({**result.evidence, "text": result.evidence_text})))
            if self.annotators is not None and patent_id > self.annotation_cursor:
                extract_pme, estimate_trl, PatentFacts = self.annotators
                pme = extract_pme(document.title, document.abstract, document.claims, language)
                annotation_rows.append((patent_id, "pme", portable_json(pme.as_dict()), "rule", None, "pme-1"))
                facts = PatentFacts(doc_type=doc_type, kind_code=kind_code, granted=grant_date is not None or None,
                                    filing_date=filing_date, grant_date=grant_date,
                                    text=patent_text(None, document.abstract, document.claims))
                estimate = estimate_trl(facts)
                annotation_rows.append((patent_id, "trl", portable_json(estimate.as_dict()), "rule",
                                        estimate.confidence, "trl-1"))
        return tag_rows, annotation_rows


_WORKER_STATE: _Compute | None = None  # set in the parent just before the fork; the workers inherit it


def _compute_in_worker(batch: list[tuple]):
    return _WORKER_STATE.compute(batch)


def _start_pool(state: _Compute, workers: int):
    global _WORKER_STATE
    _WORKER_STATE = state
    try:
        return multiprocessing.get_context("fork").Pool(workers)
    finally:
        _WORKER_STATE = None  # the parent computes nothing itself; the forked children keep their copy


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _write_batch(db: Database, batch: list[tuple], computed, lanes: list[_Lane], annotation_lane,
                 summary: TagRunSummary) -> None:
    """One transaction per batch: replace the machine proposals and annotations, move every cursor."""
    tag_rows, annotation_rows = computed
    ids = [row[0] for row in batch]
    with db.sessions() as session:
        connection = session.connection()
        for lane, rows in zip(lanes, tag_rows):
            todo = [patent_id for patent_id in ids if patent_id > lane.cursor]
            if not todo:
                continue
            taxonomy = lane.classifier.taxonomy
            session.execute(delete(PatentTag).where(PatentTag.patent_id.in_(todo),
                                                    PatentTag.taxonomy_name == taxonomy.name,
                                                    PatentTag.status == "proposed"))
            # a node a person decided for a patent is never proposed again for it
            decided = set(session.execute(select(PatentTag.patent_id, PatentTag.node_key).where(
                PatentTag.patent_id.in_(todo), PatentTag.taxonomy_name == taxonomy.name)).all())
            head = (taxonomy.name, taxonomy.version)
            tail = (lane.classifier.model_version, )
            out = [(patent_id, *head, node_key, confidence, source, *tail, evidence, "proposed")
                   for patent_id, node_key, confidence, source, evidence in rows
                   if (patent_id, node_key) not in decided]
            if out:
                # rows as driver tuples (lingxi/db/bulk.py): the ORM's per-row parameter processing cost more than
                # the tagging
                tuple_insert(connection, PatentTag.__table__, _TAG_COLUMNS).insert(connection, out)
            lane.tags += len(out)
            lane.patents += len(todo)
            lane.cursor = ids[-1]
            session.execute(update(TaggingRun).where(TaggingRun.id == lane.run_id).values(
                last_patent_id=lane.cursor, patents_done=TaggingRun.patents_done + len(todo),
                tags_written=TaggingRun.tags_written + len(out)))
        if annotation_lane is not None:
            todo = [patent_id for patent_id in ids if patent_id > annotation_lane[1]]
            if todo:
                session.execute(delete(PatentAnnotation).where(PatentAnnotation.patent_id.in_(todo),
                                                               PatentAnnotation.kind.in_(("pme", "trl")),
                                                               PatentAnnotation.reviewer_id.is_(None),
                                                               PatentAnnotation.source != "human"))
                kept = set(session.execute(select(PatentAnnotation.patent_id, PatentAnnotation.kind).where(
                    PatentAnnotation.patent_id.in_(todo), PatentAnnotation.kind.in_(("pme", "trl")))).all())
                out = [row for row in annotation_rows if (row[0], row[1]) not in kept]
                if out:
                    tuple_insert(connection, PatentAnnotation.__table__, _ANNOTATION_COLUMNS).insert(connection, out)
                summary.annotations += len(out)
                annotation_lane[1] = ids[-1]
                session.execute(update(TaggingRun).where(TaggingRun.id == annotation_lane[0]).values(
                    last_patent_id=ids[-1], patents_done=TaggingRun.patents_done + len(todo)))
        session.commit()


_TAG_COLUMNS = ("patent_id", "taxonomy_name", "taxonomy_version", "node_key", "confidence", "source", "model_version",
                "evidence", "status")
_ANNOTATION_COLUMNS = ("patent_id", "kind", "data", "source", "confidence", "model_version")
