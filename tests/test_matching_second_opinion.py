"""The second opinion (USE multilingual vectors) in matching, on the small real corpus of test_matching_engine
(cn_patents_dev, real e5 and USE models, SQLite and PostgreSQL): a small inline import leaves USE vectors to the
embedding job; the job (`SearchService.embed`, what `lingxi index embed` and the server run) builds them beside e5's;
a match then uses them — a feature with its contribution in the explanation, USE's own nearest patents among the
candidates — and without them the engine still ranks and says why the feature is missing."""

from __future__ import annotations

import pytest
from test_matching_engine import INSOLE, KILN, _database, small_corpus

from lingxi.db import open_database
from lingxi.matching.engine import MatchEngine
from lingxi.matching.second_opinion import FOLDER, second_opinion
from lingxi.patents.importing import run_import
from lingxi.search import vector_jobs
from lingxi.search.hooks import index_updater
from lingxi.search.service import SearchService
from lingxi.settings import Settings

INSOLE_EN = ("Our workers punch breathing holes in shoe insoles by hand; flying scraps hurt their eyes. We want a "
             "machine that drills the holes automatically.")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def imported(request, tmp_path_factory, shared_data):
    home = tmp_path_factory.mktemp(f"second-opinion-{request.param}")
    url, cleanup = _database(request.param, home)
    settings = Settings(home=home, database_url=url)
    settings.ensure_home()
    db = open_database(url)
    run_import(db, [small_corpus(shared_data, home, first=120)], on_finished=index_updater(settings, db))
    yield settings, db
    for manager in list(vector_jobs._managers.values()):
        manager.stop()
    vector_jobs._managers.clear()
    db.dispose()
    if cleanup:
        from sqlalchemy import text

        admin, schema = cleanup
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_matching_without_use_vectors_still_ranks_and_says_so(imported):
    settings, db = imported
    # the inline embedding of a small CLI import builds e5 vectors only (USE waits for the job)
    assert not (settings.indexes_dir / FOLDER / "lingxi-vectors.json").exists()
    result = MatchEngine(settings, db).match_text(INSOLE_EN, top_k=10)
    assert any("second-opinion (USE) vectors not built" in note for note in result.notes)
    assert all(match.features["second_opinion"] is None for match in result.matches)
    assert INSOLE in [match.external_id for match in result.matches]


def test_the_embedding_job_builds_use_vectors_and_matches_use_them(imported):
    settings, db = imported
    embedded = SearchService(settings, db).embed()  # e5 is up to date: the companion USE store catches up
    assert embedded == 0
    manager = second_opinion(settings.indexes_dir, db)
    status = manager.status()
    assert status.ok and status.vectors == status.store_documents > 100
    assert status.model.startswith("use-multilingual-v3")
    assert manager.embed() == 0  # nothing left: the job is incremental, as e5's is

    engine = MatchEngine(settings, db)
    result = engine.match_text(INSOLE_EN, top_k=10)
    assert not any("second-opinion" in note for note in result.notes)
    best = next(match for match in result.matches if match.external_id == INSOLE)
    assert best.rank <= 3 and best.language == "zh"
    assert best.features["second_opinion"] is not None and best.features["second_opinion"] > 0.5
    reasons = {item["feature"]: item for item in best.explanation["contributions"]}
    assert reasons["second_opinion"]["contribution"] > 0 and "USE" in reasons["second_opinion"]["zh"]
    assert sum(item["contribution"] for item in best.explanation["contributions"]) == pytest.approx(best.score,
                                                                                                      abs=0.02)
    # relevance still adds up to the same total with one more feature: the best match stays ≤ 0.95 + fit features
    assert best.score <= 0.95 + 0.28
    # off: the same ranking machinery without the feature
    plain = MatchEngine(settings, db, second_opinion=False).match_text(INSOLE_EN, top_k=10)
    assert all(match.features["second_opinion"] is None for match in plain.matches)
    kiln = engine.match_text("The refractory bricks in our cement rotary kiln are attacked by sulphur and must be "
                             "replaced often; we need a brick that resists sulphur much better.", top_k=10)
    assert KILN in [match.external_id for match in kiln.matches][:3]


def test_use_nearest_patents_join_the_candidates(imported):
    settings, db = imported
    # short lists (5 per retriever) so USE's own 20 nearest patents visibly add candidates
    with_use = MatchEngine(settings, db, candidates=5, second_opinion_depth=20).match_text(INSOLE_EN, top_k=30)
    without = MatchEngine(settings, db, candidates=5, second_opinion_depth=0).match_text(INSOLE_EN, top_k=30)
    assert with_use.candidates > without.candidates
    added = {m.patent_id for m in with_use.matches} - {m.patent_id for m in without.matches}
    assert added and all(m.features["semantic"] is not None for m in with_use.matches if m.patent_id in added)
    # push scores a given patent the same way (the second opinion included)
    target = with_use.matches[0].patent_id
    assert MatchEngine(settings, db).score_patents_against_text(INSOLE_EN, {target})[target] > 0


def test_the_use_store_follows_the_patent_store(imported):
    settings, db = imported
    from sqlalchemy import select

    from lingxi.db.models import Patent

    with db.sessions() as session:
        ids = set(session.scalars(select(Patent.id)))
    assert second_opinion(settings.indexes_dir, db).store().ids() == ids
