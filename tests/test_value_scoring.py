"""§3 value scores (SQLite and PostgreSQL): the scoring job over a small store, breakdowns that add up to the score,
grades by thresholds, missing indicators redistributed, versioned profiles, bulk lookups."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select
from test_value_indicators import make_patent

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db.models import PatentIndicatorSet, PatentValueScore, ValueProfile
from lingxi.errors import InvalidInput, PermissionDenied
from lingxi.value import profiles as profile_store
from lingxi.value.jobs import run_scoring
from lingxi.value.scoring import score_profile
from lingxi.value.service import grade_of, patent_value, save_profile

ENTERPRISE = Principal(user_id=5, username="ent", role="enterprise", organisation_id=3)


@pytest.fixture
def scored(db):
    d = dt.date
    with db.sessions() as session:
        for i in range(40):
            make_patent(session, f"US{4000000 + i}", filed=d(2015 + i % 3, 1, 1 + i % 27),
                        published=d(2018, 1, 1), granted=d(2018 + i % 4, 2, 1), status="granted",
                        ipc=["H01M10/05"] + (["H02J7/00"] if i % 2 else []) + (["G06F1/16"] if i % 5 == 0 else []),
                        claims=1 + i % 20, cites=[f"US{4000000 + j}" for j in range(i % 4) if j < i], npl=i % 3,
                        events=[(d(2019, 1, 1), "grant", "grant")] + ([(d(2020, 1, 1), "licence", "licence")]
                                                                      if i % 7 == 0 else []))
        session.commit()
    summary = run_scoring(db, as_of=dt.date(2025, 1, 1))
    return db, summary


def test_every_patent_gets_indicators_and_a_score_per_scenario(scored):
    db, summary = scored
    assert summary.patents == 40
    assert set(summary.scenarios) == {"licensing", "pledge", "portfolio", "legacy_pvd"}
    assert all(info["scored"] == 40 for info in summary.scenarios.values())
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PatentIndicatorSet)) == 40
        assert session.scalar(select(func.count()).select_from(PatentValueScore)) == 160
        row = session.scalars(select(PatentIndicatorSet)).first()
        assert row.cohort.startswith("wipo:Electrical machinery, apparatus, energy|")
        assert all(v is None or 0.0 <= v <= 1.0 for v in row.normalised.values())
        # no market deal on the platform: a real 0, scored like any other value (not missing)
        assert row.raw["platform_transactions"] == 0 and row.normalised["platform_transactions"] is not None


def test_breakdown_adds_up_to_the_score_and_grades_follow_the_thresholds(scored):
    db, _ = scored
    with db.sessions() as session:
        rows = session.scalars(select(PatentValueScore)).all()
        thresholds = {p.scenario: p.grade_thresholds for p in session.scalars(select(ValueProfile))}
        for row in rows:
            contributions = [item for dim in row.breakdown["dimensions"].values()
                             for item in dim["indicators"].values() if item is not None]
            assert sum(contributions) == pytest.approx(row.score, abs=0.02)
            t = thresholds[row.scenario]
            expected = next((g for g in "ABC" if row.score >= t[g]), "D")
            assert row.grade == expected
            assert 0 <= row.score <= 100
            # an indicator the data cannot tell is listed as missing and its weight redistributed; platform deals
            # are always known (the platform's own register)
            assert "platform_transactions" not in row.breakdown["missing"]
            if row.breakdown["missing"]:
                assert row.coverage < 1.0
            for dim in row.breakdown["dimensions"].values():
                for name, item in dim["indicators"].items():
                    assert (item is None) == (name in row.breakdown["missing"])
        legacy = next(r for r in rows if r.scenario == "legacy_pvd")
        weights = {dim: part["weight"] for dim, part in legacy.breakdown["dimensions"].items()}
        assert weights == {"legal": 0.3623, "technical": 0.4664, "economic": 0.1713}


def test_missing_indicators_redistribute_their_weight_instead_of_counting_as_zero():
    profile = profile_store.validate({
        "name": "t", "scenario": "t", "grade_thresholds": {"A": 80, "B": 60, "C": 40},
        "weights": {"legal": {"weight": 1, "indicators": {"claims": 1, "scope": 1}},
                    "technical": {"weight": 1, "indicators": {"forward_citations": 1}}},
    })
    normalised = {"claims": np.array([1.0, 1.0]), "scope": np.array([np.nan, 0.0]),
                  "forward_citations": np.array([np.nan, np.nan])}
    scores = score_profile(profile, normalised, 2)
    # patent 0: only claims known → legal 100, technical missing → score 100, coverage ¼ of the weight
    assert scores.score[0] == 100.0 and np.isnan(scores.dimensions["technical"][0])
    assert scores.coverage[0] == pytest.approx(0.25)
    # patent 1: scope known as 0 → legal 50 (a real zero counts)
    assert scores.score[1] == 50.0 and scores.grades[1] == "C"


def test_editing_a_profile_saves_a_new_version_used_by_the_next_run(scored):
    db, _ = scored
    with db.sessions() as session:
        current = profile_store.get_profile(session, "licensing_default")
        data = {"name": "licensing_default", "scenario": "licensing", "title_zh": current.title_zh,
                "title_en": current.title_en, "weights": current.weights, "parameters": current.parameters,
                "grade_thresholds": {"A": 30, "B": 20, "C": 10}}
        with pytest.raises(PermissionDenied):
            save_profile(session, ENTERPRISE, data)
        saved = save_profile(session, SYSTEM, data)
        assert saved["version"] == 2 and saved["created"] and saved["is_active"]
        again = save_profile(session, SYSTEM, data)
        assert again["version"] == 2 and not again["created"]
        with pytest.raises(InvalidInput) as bad:
            save_profile(session, SYSTEM, {**data, "weights": {"legal": {"weight": 1, "indicators": {"nonsense": 1}}}})
        assert bad.value.field == "weights.legal.indicators.nonsense"
        with pytest.raises(InvalidInput) as bad:
            save_profile(session, SYSTEM, {**data, "grade_thresholds": {"A": 10, "B": 20, "C": 5}})
        assert bad.value.field == "grade_thresholds"
        with pytest.raises(InvalidInput) as bad:
            save_profile(session, SYSTEM, "weights: [unclosed")
        assert "line 1" in str(bad.value)
        session.commit()
        versions = session.scalars(select(ValueProfile).where(ValueProfile.name == "licensing_default")
                                   .order_by(ValueProfile.version)).all()
        assert [(v.version, v.is_active) for v in versions] == [(1, False), (2, True)]
    run_scoring(db, scenarios=["licensing"], as_of=dt.date(2025, 1, 1))
    with db.sessions() as session:
        rows = session.scalars(select(PatentValueScore).where(PatentValueScore.scenario == "licensing")).all()
        assert {r.profile_version for r in rows} == {2}
        assert {r.grade for r in rows} <= {"A", "B"}  # lowered thresholds
        others = session.scalars(select(PatentValueScore).where(PatentValueScore.scenario == "pledge")).all()
        assert len(others) == 40 and {r.profile_version for r in others} == {1}


def test_rerun_is_idempotent_and_lookups_answer_in_bulk(scored):
    db, _ = scored
    with db.sessions() as session:
        before = {(r.patent_id, r.scenario): (r.score, r.grade) for r in session.scalars(select(PatentValueScore))}
    run_scoring(db, as_of=dt.date(2025, 1, 1))
    with db.sessions() as session:
        after = {(r.patent_id, r.scenario): (r.score, r.grade) for r in session.scalars(select(PatentValueScore))}
        assert after == before
        ids = sorted({pid for pid, _ in after})
        grades = grade_of(session, ids + [999999], "pledge")
        assert set(grades) == set(ids) and grades[ids[0]] == after[(ids[0], "pledge")][1]
        value = patent_value(session, ENTERPRISE, ids[3])
        assert value["computed"] and set(value["scores"]) == {"licensing", "pledge", "portfolio", "legacy_pvd"}
        licensing = value["scores"]["licensing"]
        claims = licensing["dimensions"]["legal"]["indicators"]["claims"]
        assert claims["raw"] == 4 and claims["source"] == "claims text" and claims["contribution"] > 0
        # effective weights (recomputed from the profile and what is missing) add up to 1 over the known indicators
        total = sum(item["effective_weight"] or 0 for dim in licensing["dimensions"].values()
                    for item in dim["indicators"].values())
        assert total == pytest.approx(1.0, abs=0.001)
        assert sum(item["contribution"] or 0 for dim in licensing["dimensions"].values()
                   for item in dim["indicators"].values()) == pytest.approx(licensing["score"], abs=0.02)
        assert value["indicators"]["forward_citations"]["raw"] is not None


def test_indicator_parameters_are_a_versioned_profile_too(scored):
    db, _ = scored
    with db.sessions() as session:
        current = profile_store.get_profile(session, "indicators")
        parameters = {**current.parameters, "cohort_min_size": 1000}
        saved = save_profile(session, SYSTEM, {"name": "indicators", "scenario": "indicators",
                                               "parameters": parameters})
        assert saved["version"] == 2
        with pytest.raises(InvalidInput) as bad:
            save_profile(session, SYSTEM, {"name": "indicators", "scenario": "indicators",
                                           "parameters": {**parameters, "normalisation": {"claims": "magic"}}})
        assert bad.value.field == "parameters.normalisation.claims"
        session.commit()
    summary = run_scoring(db, as_of=dt.date(2025, 1, 1))
    assert summary.indicator_parameters_version == 2
    with db.sessions() as session:
        assert set(session.scalars(select(PatentIndicatorSet.cohort_level))) == {"all"}
