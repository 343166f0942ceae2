"""An import killed with SIGKILL at any moment can be re-run and ends with exactly the same database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from lingxi.db import open_database
from lingxi.db.models import ImportJob, Party, PartyAlias, Patent, PatentClassification, PatentParty, PatentRevision
from lingxi.patents.numbers import cn_check_digit

RECORDS = 30_000


def write_corpus(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(RECORDS):
            digits = f"2019{1 + i % 3}{i:07d}"
            record = {
                "publication_number": f"CN{110000000 + i}{'AUS'[i % 3]}",
                "application_number": f"{digits}.{cn_check_digit(digits)}",
                "application_date": f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "title": f"一种锂离子电池隔膜及其制备方法 第{i}号",
                "abstract": "本发明公开了一种锂离子电池隔膜，提高了安全性。",
                "applicants": [["西安交通大学", "陕西延长石油（集团）有限责任公司", "某某新材料科技有限公司"][i % 3]],
                "inventors": [f"张{i % 50}", f"李{i % 70}"],
                "ipc": ["H01M 50/403"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_cli(home: Path, corpus: Path, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "LINGXI_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "lingxi.cli", "import", str(corpus), "--home", str(home), "--batch-size", "500",
               "--json"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def committed_patents(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(ImportJob.new).order_by(ImportJob.id.desc()).limit(1)).scalar() or 0
    except Exception:
        return 0  # tables not created yet
    finally:
        engine.dispose()


def logical_dump(database_url: str) -> dict:
    """Database content without surrogate ids, timestamps or job numbers."""
    db = open_database(database_url)
    with db.sessions() as session:
        patents = {p.id: p.key for p in session.execute(select(Patent)).scalars()}
        parties = {p.id: (p.kind, p.cluster_key) for p in session.execute(select(Party)).scalars()}
        dump = {
            "patents": sorted(
                (p.key, p.content_hash, p.title, p.application_number, str(p.application_date))
                for p in session.execute(select(Patent)).scalars()
            ),
            "parties": sorted((p.kind, p.cluster_key, p.name, p.party_type) for p in session.execute(select(Party)).scalars()),
            "aliases": sorted((parties[a.party_id], a.name) for a in session.execute(select(PartyAlias)).scalars()),
            "mentions": sorted(
                (patents[m.patent_id], parties[m.party_id], m.role, m.name, m.sequence)
                for m in session.execute(select(PatentParty)).scalars()
            ),
            "classifications": sorted(
                (patents[c.patent_id], c.code) for c in session.execute(select(PatentClassification)).scalars()
            ),
            "revisions": session.execute(select(PatentRevision)).scalars().all(),
        }
    db.dispose()
    return dump


@pytest.mark.parametrize("kills", [2])
def test_killed_import_rerun_equals_uninterrupted(tmp_path, database_url, kills):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus)
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = run_cli(tmp_path / "reference-home", corpus, reference_url)
    assert reference.wait(timeout=300) == 0, reference.stderr.read().decode()

    for kill in range(kills):
        process = run_cli(tmp_path / "home", corpus, database_url)
        threshold = (kill + 1) * RECORDS // (kills + 2)
        deadline = time.monotonic() + 120
        while committed_patents(database_url) < threshold and process.poll() is None:
            assert time.monotonic() < deadline, "import made no progress"
            time.sleep(0.05)
        assert process.poll() is None, "import finished before it could be killed; make the corpus bigger"
        process.send_signal(signal.SIGKILL)
        process.wait()
    resumed = run_cli(tmp_path / "home", corpus, database_url)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read().decode()
    summary = json.loads(resumed.stdout.read().decode())
    assert summary["unchanged"] > 0 and summary["new"] > 0 and summary["rejected"] == 0
    assert summary["new"] + summary["unchanged"] == RECORDS

    resumed_dump, reference_dump = logical_dump(database_url), logical_dump(reference_url)
    assert len(reference_dump["patents"]) == RECORDS
    assert resumed_dump == reference_dump
    # The killed jobs say so; the run that completed them is finished.
    engine = create_engine(database_url)
    with engine.connect() as connection:
        statuses = connection.execute(select(ImportJob.status).order_by(ImportJob.id)).scalars().all()
    engine.dispose()
    assert statuses == ["interrupted"] * kills + ["finished"]
