"""Monetary valuation (GB/T 42748): income, cost and market approaches as ranges with every assumption listed."""

from __future__ import annotations

import pytest
from value_ops_builders import TODAY, party, patent

from lingxi.accounts.principal import Principal
from lingxi.errors import InvalidInput, NotFound
from lingxi.value import records
from lingxi.value.valuation import present_value, valuate

OPERATOR = Principal(user_id=None, username="op", role="operator")


def test_income_and_cost_ranges_with_assumptions_and_no_comparables(db):
    with db.sessions() as session:
        uni = party(session, "青峦大学", "university")
        row = patent(session, uni, filed_years_ago=10, ipc=("H01M4/525",))
        result = valuate(session, OPERATOR, row.id, today=TODAY)
        income, cost, market = (result["approaches"][k] for k in ("income", "cost", "market"))
        assert income["available"] and income["low"] < income["mid"] < income["high"]
        assert cost["available"] and cost["low"] < cost["mid"] < cost["high"]
        assert cost["obsolescence"] == pytest.approx(0.5, abs=0.01)  # 10 of 20 years used
        assert cost["mid"] == pytest.approx(400_000 * 0.5, rel=0.01)
        assert market["available"] is False and market["note"].startswith("no comparables")
        names = {a["name"]: a for a in result["assumptions"]}
        assert {"market_size_yuan", "royalty_rate", "patent_share", "discount_rate", "economic_life_years",
                "remaining_term_years", "reproduction_cost_yuan"} <= set(names)
        assert names["royalty_rate"]["source"].startswith("default parameter")
        assert names["remaining_term_years"]["value"] == pytest.approx(10, abs=0.05)
        # mid = royalty relief over 70 % of the 10 remaining years at 12 %
        annual = 100_000_000 * 0.03 * 0.33
        assert income["mid"] == pytest.approx(present_value(annual, 0.12, 7.0), rel=0.01)
        assert result["range"]["low"] == min(income["low"], cost["low"])
        assert result["range"]["approaches"] == ["income", "cost"]


def test_given_parameters_and_comparables(db):
    with db.sessions() as session:
        uni = party(session, "青峦大学", "university")
        row = patent(session, uni, filed_years_ago=10, ipc=("H01M4/525",))
        other = patent(session, uni)
        for price in (1_000_000, 2_000_000, 3_000_000):
            records.add_comparable(session, OPERATOR, "H01M", "licence", price, "2025-03-01", "平台成交", other.id)
        records.add_comparable(session, OPERATOR, "C01B", "transfer", 9_000_000, "2025-03-01", "平台成交")
        result = valuate(session, OPERATOR, row.id, {"royalty_rate": 0.02, "economic_life_years": 5,
                                                     "comparable_adjustment": 1}, today=TODAY)
        market = result["approaches"]["market"]
        assert market["available"] and len(market["comparables"]) == 3
        assert (market["low"], market["mid"], market["high"]) == (1_500_000, 2_000_000, 2_500_000)
        names = {a["name"]: a for a in result["assumptions"]}
        assert names["royalty_rate"] == {"name": "royalty_rate", "value": [0.02] * 3, "source": "given"}
        assert names["economic_life_years"]["source"] == "given"
        income = result["approaches"]["income"]
        assert income["low"] == pytest.approx(present_value(50_000_000 * 0.02 * 0.2, 0.15, 5), rel=1e-6)


def test_lapsed_patents_and_bad_input(db):
    with db.sessions() as session:
        uni = party(session, "青峦大学", "university")
        lapsed = patent(session, uni, status="lapsed")
        result = valuate(session, OPERATOR, lapsed.id, today=TODAY)
        assert "not in force" in result["notes"][0]
        assert result["approaches"]["income"]["high"] == 0 and result["approaches"]["cost"]["high"] == 0
        with pytest.raises(InvalidInput) as bad:
            valuate(session, OPERATOR, lapsed.id, {"royalty_rate": 2})
        assert bad.value.field == "royalty_rate"
        with pytest.raises(InvalidInput):
            valuate(session, OPERATOR, lapsed.id, {"discount_rate": [0.1, 0.2]})
        with pytest.raises(InvalidInput):
            valuate(session, OPERATOR, lapsed.id, {"magic": 1})
        with pytest.raises(NotFound):
            valuate(session, OPERATOR, 999999)


def test_cli_valuate_and_high_value_json(tmp_path):
    import json
    import subprocess
    import sys

    from lingxi.db import open_database

    home = tmp_path / "home"
    home.mkdir()
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    with db.sessions() as session:
        uni = party(session, "青峦大学", "university")
        row = patent(session, uni, filed_years_ago=12)
        key = row.key
        session.commit()
    db.dispose()
    run = [sys.executable, "-m", "lingxi.cli", "value"]
    done = subprocess.run([*run, "valuate", key, "--home", str(home), "--set", "royalty_rate=0.01,0.02,0.03",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["number"] == key and answer["range"]["low"] <= answer["range"]["high"]
    assert {"name": "royalty_rate", "value": [0.01, 0.02, 0.03], "source": "given"} in answer["assumptions"]
    missing = subprocess.run([*run, "valuate", "CN1B", "--home", str(home)], capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 1 and "not found" in missing.stderr
    flagged = subprocess.run([*run, "high-value", "--home", str(home), "--json"], capture_output=True, text=True,
                             timeout=120)
    assert flagged.returncode == 0, flagged.stderr
    assert json.loads(flagged.stdout)["by_criterion"]["maintained"] == 1
