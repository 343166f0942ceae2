"""Parse workers: the results they send equal parsing in-process, in file order, and they never outlive the importer.

Also the store's row encoding (what workers send) and the content hash, on real USPTO documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lingxi.db.models import Patent
from lingxi.patents import parse_worker
from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.uspto_xml import UsptoXmlImporter, split_documents
from lingxi.patents.importing import run_import
from lingxi.patents.normalise import prepare
from lingxi.patents.records import ParsedRecord, Rejection
from lingxi.patents.store import encode_record, load_record, record_from_rows

REPO = Path(__file__).resolve().parent.parent
FULL = ImportOptions(include_description=True)  # every field the format holds
XML_FILES = ["ipg060103.small.xml", "ipg120327.196.xml", "ipg130416.small.xml", "pa040101.two.xml"]


@pytest.fixture(scope="module")
def weekly(shared_data: Path, tmp_path_factory) -> Path:
    """A weekly-style file of several real files (sequence listings included) and one broken document."""
    folder = shared_data / "us_uspto_xml"
    documents: list[bytes] = []
    for name in XML_FILES:
        with (folder / name).open("rb") as stream:
            documents += [raw.data for raw in split_documents(stream)]
    documents[40] = documents[40].replace(b"</invention-title>", b"", 1)  # malformed: one rejection
    path = tmp_path_factory.mktemp("weekly") / "ipg-mixed.xml"
    path.write_bytes(b"".join(documents))
    return path


def in_process(path: Path, options: ImportOptions) -> list[tuple]:
    """What the importer and the store make of the file without any worker, in the workers' terms."""
    expected = []
    for result in UsptoXmlImporter().parse(path, options):
        if isinstance(result, Rejection):
            expected.append(("rejection", result))
            continue
        prepared = prepare(result.record)
        expected.append(("record", prepared.key, prepared.content_hash, encode_record(prepared), result.location))
    return expected


def from_workers(path: Path, options: ImportOptions, workers: int) -> list[tuple]:
    found = []
    with parse_worker.ParseWorkers(path, "uspto-xml", options, workers) as results:
        for item in results:
            if item[0] == "rejection":
                found.append(item)
            else:
                prepared, location = item[1], item[2]
                assert prepared.record is None  # rows only: the record is rebuilt from them when needed
                found.append(("record", prepared.key, prepared.content_hash, prepared.rows, location))
    return found


# Spans smaller than a document (many hold none), and spans of several documents.
@pytest.mark.parametrize(("workers", "span_bytes"), [(1, None), (2, 9_000), (3, 150_000)])
def test_workers_give_what_parsing_in_process_gives_in_file_order(weekly, monkeypatch, workers, span_bytes):
    monkeypatch.setattr(parse_worker, "BLOCK", 7)  # several messages per span
    if span_bytes:
        monkeypatch.setattr(parse_worker, "SPAN_BYTES", span_bytes)
    expected = in_process(weekly, FULL)
    assert len(expected) > 200 and sum(1 for item in expected if item[0] == "rejection") == 1
    assert from_workers(weekly, FULL, workers) == expected


def test_spans_cover_every_document_once(weekly):
    """However the file is cut into spans, the workers' shares together are the file's documents, in order."""
    importer, whole = UsptoXmlImporter(), list(UsptoXmlImporter().parse(weekly, FULL))
    for span_bytes in (4_000, 77_777, weekly.stat().st_size + 1):
        spans: dict[int, list] = {}
        for share in range(3):
            number, results = share, []
            for item in importer.parse_spans(weekly, FULL, share, 3, span_bytes, 5):
                if isinstance(item, list):
                    results += item
                else:
                    spans[number], number, results = (item.documents, results), number + 3, []
        found, before = [], 0
        for number in sorted(spans):
            documents, results = spans[number]
            for result in results:
                result.location.document += before
            found += results
            before += documents
        assert [r.location for r in found] == [r.location for r in whole]
        assert found == whole


def test_rejections_from_workers_say_where(weekly, monkeypatch):
    monkeypatch.setattr(parse_worker, "BLOCK", 5)
    monkeypatch.setattr(parse_worker, "SPAN_BYTES", 100_000)
    (rejection,) = [item[1] for item in from_workers(weekly, FULL, 2) if item[0] == "rejection"]
    location = rejection.location
    assert location.file == str(weekly) and location.document == 41 and location.line > 1
    assert location.identifier and rejection.reason.startswith("malformed XML at line ")


def test_without_description_nothing_else_changes(weekly):
    full = [r for r in UsptoXmlImporter().parse(weekly, FULL) if isinstance(r, ParsedRecord)]
    bare = list(UsptoXmlImporter().parse(weekly, ImportOptions(include_description=False)))
    assert sum(1 for r in bare if isinstance(r, Rejection)) == 1  # the broken document is still rejected
    bare = [r for r in bare if isinstance(r, ParsedRecord)]
    assert sum(1 for r in full if r.record.description) > 200
    assert [r.record.description for r in bare] == [None] * len(full)
    assert [dataclasses.replace(r.record, description=None) for r in full] == [r.record for r in bare]
    # Which documents had a description to leave out is known without reading it, in-process and in workers.
    had_one = [bool(r.record.description) for r in full]
    assert [r.description_left_out for r in bare] == had_one
    with parse_worker.ParseWorkers(weekly, "uspto-xml", ImportOptions(), 2) as results:
        assert [item[1].description_left_out for item in results if item[0] == "record"] == had_one


def test_rows_give_back_the_record(weekly):
    for result in UsptoXmlImporter().parse(weekly, FULL):
        if isinstance(result, ParsedRecord):
            prepared = prepare(result.record)
            assert record_from_rows(encode_record(prepared)) == prepared.record


def test_content_hash_of_a_stored_record_is_the_imported_one(db, weekly):
    summary = run_import(db, [weekly])
    assert summary.new > 200 and summary.rejected == 1
    with db.sessions() as session:
        stored = session.execute(select(Patent.id, Patent.content_hash)).all()
        for patent_id, digest in stored:
            assert prepare(load_record(session, patent_id)).content_hash == digest
    again = run_import(db, [weekly])
    assert (again.new, again.updated, again.unchanged) == (0, 0, summary.new)


def test_patents_stored_with_another_digest_formula_reimport_unchanged(db, weekly):
    """After an upgrade that changes content_hash, re-importing the same file changes nothing but the digests."""
    first = run_import(db, [weekly])
    with db.sessions() as session, session.begin():
        session.execute(update(Patent).values(content_hash="0" * 32))  # as an older formula left them
    again = run_import(db, [weekly])
    assert (again.new, again.updated, again.unchanged) == (0, 0, first.new)
    with db.sessions() as session:
        for patent_id, digest in session.execute(select(Patent.id, Patent.content_hash)).all():
            assert prepare(load_record(session, patent_id)).content_hash == digest


def test_a_changed_document_read_by_workers_updates_its_patent(db, weekly, tmp_path):
    assert parse_worker.parallel_worth_it(weekly)
    run_import(db, [weekly])
    changed = tmp_path / weekly.name
    data = weekly.read_bytes()
    start = data.index(b"<invention-title", data.index(b"<doc-number>D0656297<"))
    end = data.index(b"</invention-title>", start)
    changed.write_bytes(data[:start] + b'<invention-title id="d2e1">Better title' + data[end:])
    summary = run_import(db, [changed])
    assert (summary.new, summary.updated, summary.rejected) == (0, 1, 1)
    with db.sessions() as session:
        patent = session.execute(select(Patent).where(Patent.key == "USD656297S1")).scalar_one()
        assert patent.title == "Better title"
        assert prepare(load_record(session, patent.id)).content_hash == patent.content_hash


def test_content_hash_sees_every_field():
    from lingxi.patents.records import Citation, Classification, PartyMention, PatentRecord

    base = PatentRecord(title="A", description="x" * 500, citations=[Citation(number="1")])
    variants = [
        dataclasses.replace(base, title="B"),
        dataclasses.replace(base, description="x" * 499 + "y"),
        dataclasses.replace(base, description=None, abstract="x" * 500),  # same text, another field
        dataclasses.replace(base, citations=[Citation(number="2")]),
        dataclasses.replace(base, classifications=[Classification("IPC", "A01B 1/00")]),
        dataclasses.replace(base, parties=[PartyMention("applicant", "X")]),
        dataclasses.replace(base, extra={"a": 1}),
        dataclasses.replace(base, claims=["x" * 500]),
        dataclasses.replace(base, grant_date=dt.date(2020, 1, 7)),
        dataclasses.replace(base, citations=[Citation(number="1", date=dt.date(2020, 1, 7))]),
        dataclasses.replace(base, citations=[Citation(number="1"), Citation(number="1")]),
        dataclasses.replace(base, parties=[PartyMention("applicant", "X", country="US")]),
    ]
    digests = {record.content_hash() for record in [base, *variants]}
    assert len(digests) == len(variants) + 1
    assert PatentRecord(title="A", extra={"a": 1, "b": 2}).content_hash() == PatentRecord(
        title="A", extra={"b": 2, "a": 1}
    ).content_hash()


def test_content_hash_depends_on_values_not_on_shared_objects():
    """A parsed record shares strings (first_claim is claims[0]); one read from the database does not."""
    from lingxi.patents.records import PatentRecord

    claim = "1. A device comprising a widget."
    parsed = PatentRecord(title="A", claims=[claim, "2. The device of claim 1."], first_claim=claim)
    copy = claim[:11] + claim[11:]  # equal, another object
    stored = PatentRecord(title="A", claims=[copy, "2. The device of claim 1."], first_claim=copy[:5] + copy[5:])
    assert parsed.content_hash() == stored.content_hash()


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None  # gone


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch the workers")
@pytest.mark.parametrize("workers", [1, 2])
def test_workers_exit_when_the_importing_process_is_killed(weekly, workers):
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from lingxi.patents import parse_worker
        from lingxi.patents.importers.base import ImportOptions
        parse_worker.BUFFER_BYTES = 1  # hold nothing back: the workers block on the pipe at once
        results = parse_worker.ParseWorkers(Path({str(weekly)!r}), "uspto-xml", ImportOptions(), {workers})
        iterator = iter(results)
        next(iterator)
        print(" ".join(str(p.pid) for p in results.processes), flush=True)
        time.sleep(600)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO)
    try:
        pids = [int(pid) for pid in process.stdout.readline().split()]
        assert len(pids) == workers
        assert all(_state(pid) not in (None, "Z") for pid in pids)  # alive and blocked on a full pipe
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 20
        while any(_state(pid) not in (None, "Z") for pid in pids):
            assert time.monotonic() < deadline, "a parse worker outlived the importing process"
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in pids if "pids" in locals() else []:
            if _state(pid) not in (None, "Z"):
                os.kill(pid, signal.SIGKILL)
