"""`lingxi match …` on a small real corpus (SQLite): ad-hoc text, a stored demand, a JSON Lines batch answered in input
order (bad lines answered with an error object in their place), licensee discovery, and input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lingxi.cli import app
from lingxi.db import open_database
from lingxi.db.models import Demand, EnterpriseProfile, Organisation, Patent
from lingxi.search import vector_jobs

INSOLE = "029b3079b86c0644883af6748ca7c4b7"  # 一种鞋垫打孔器
ROOF = "7b0e247d38c1c9ec90abec80ebf67165"  # 一种防雨水屋顶结构
SOLAR = "b7112f4a36c7e94c4eb287a81b755215"  # 光伏支架结构
TARGETS = (INSOLE, ROOF, SOLAR)
runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("match-cli")
    lines = (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = lines[:60] + [line for line in lines[60:] if json.loads(line)["id"] in TARGETS]
    source = folder / "cn.jsonl"
    source.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    data = folder / "home"
    imported = runner.invoke(app, ["import", str(source), "--home", str(data)])  # small: embedded inline
    assert imported.exit_code == 0, imported.output
    yield data
    for manager in list(vector_jobs._managers.values()):
        manager.stop()
    vector_jobs._managers.clear()


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_match_text_prints_ranked_patents_with_ids_scores_and_explanations(home):
    result = run("match", "demand", "--text", "需要光伏支架结构，稳定性强、安装方便、部件少", "--top", "3", "--json",
                 "--home", str(home))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    first = answer["matches"][0]
    assert first["external_id"] == SOLAR and first["key"] == f"ID:{SOLAR}" and first["rank"] == 1
    assert len(answer["matches"]) == 3 and first["score"] >= answer["matches"][1]["score"]
    assert first["explanation"]["shared_concepts"] and first["explanation"]["why"]["en"].startswith("Rank 1")
    table = run("match", "demand", "--text", "鞋垫打孔机", "--home", str(home))
    assert table.exit_code == 0 and "candidates" in table.stdout and "score" in table.stdout


def test_batch_answers_every_line_in_input_order(home, tmp_path):
    lines = [{"id": "a", "text": "下大雨楼顶排水口堵了积水，想要能自动多开一个出水口的屋顶"},
             {"id": "b", "text": "工人手工给鞋垫扎孔碎屑伤眼睛，想要自动打孔的机器"},
             {"id": "c"},  # no text: an error object in its place, nothing skipped
             {"id": "d", "text": "solar panel mounting frame with few parts that is stable in strong wind"}]
    batch = tmp_path / "demands.jsonl"
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nnot json\n",
                     encoding="utf-8")
    result = run("match", "demand", "--batch", str(batch), "--top", "5", "--json", "--home", str(home))
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [answer.get("id") for answer in answers] == ["a", "b", "c", "d", None]
    assert [answer["line"] for answer in answers] == [1, 2, 3, 4, 5]
    assert answers[0]["matches"][0]["external_id"] == ROOF
    assert answers[1]["matches"][0]["external_id"] == INSOLE
    assert "text" in answers[2]["error"] and "error" in answers[4]
    assert SOLAR in [m["external_id"] for m in answers[3]["matches"][:3]]  # English demand, Chinese patent
    assert answers[0]["query"] == lines[0]["text"]


def test_match_a_stored_demand_and_find_licensees(home):
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    with db.sessions() as session:
        organisation = Organisation(name="青峦光伏安装有限公司", kind="enterprise", province="青峦省")
        session.add(organisation)
        session.flush()
        session.add(EnterpriseProfile(organisation_id=organisation.id, products="光伏支架、光伏电站安装、太阳能板支撑结构"))
        demand = Demand(organisation_id=organisation.id, title="光伏支架", description="零件少、安装快、抗风稳定的光伏板支架")
        session.add(demand)
        session.commit()
        demand_id = demand.id
        solar_id = session.scalar(select(Patent.id).where(Patent.external_id == SOLAR))
    db.dispose()
    result = run("match", "demand", "--id", str(demand_id), "--json", "--home", str(home))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["demand"]["id"] == demand_id and answer["matches"][0]["external_id"] == SOLAR
    found = run("match", "licensees", SOLAR, "--json", "--home", str(home))
    assert found.exit_code == 0, found.output
    licensees = json.loads(found.stdout)
    assert licensees["patent"]["id"] == solar_id
    assert licensees["licensees"][0]["name"] == "青峦光伏安装有限公司"
    assert licensees["licensees"][0]["features"]["products"] > 0


def test_bad_input_is_refused_with_a_message(home):
    assert run("match", "demand", "--home", str(home)).exit_code == 2
    missing = run("match", "demand", "--id", "999999", "--home", str(home))
    assert missing.exit_code == 2 and "999999" in missing.output
    assert run("match", "licensees", "CN000000000A", "--home", str(home)).exit_code == 2
    assert run("match", "demand", "--batch", str(Path("/nonexistent.jsonl")), "--home", str(home)).exit_code == 2
