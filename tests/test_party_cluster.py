"""Party clustering: merge rules, CSV round trip through the CLI, errors, and a quality floor."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingxi.parties.cli import app
from lingxi.parties.cluster import ClusteredName, PartyClusterError, cluster_csv, cluster_names, read_names_csv

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _clusters(names: list[str]) -> list[str]:
    return [c.cluster_id for c in cluster_names((str(i), n) for i, n in enumerate(names))]


def _load_bench():
    spec = importlib.util.spec_from_file_location("party_clustering_bench", REPO / "bench" / "party_clustering.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------------
# merge rules


@pytest.mark.parametrize(
    "names",
    [
        ["Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS CO LTD"],
        ["国家电网公司", "国家电网有限公司"],
        ["General Electric Company", "General Electtric Company"],  # a typo, from the USPTO data
        ["Schwegman, Lundberg & Woessner, P.A.", "Schwegman, Lunberg & Woessner, P.A."],
        ["Magellan Group Ltd", "Megellan Group Ltd"],
        ["Hultquist, PLLC", "Hulquist, PLLC"],
        ["Pure Storage, Inc.", "PureStorage Inc"],  # spacing only
        ["北京航空航天大学", "北京航天航空大学"],  # a transposition in a long Chinese name
        ["中国科学院长春光学精密机械与物理研究所", "中国科学院长春光学精密机械和物理研究所"],
        ["Henley; Francois J.", "Francois J. Henley", "HENLEY FRANCOIS J"],
        ["MODUS OPERANDI, INC.", "Modus Operandi"],  # reads as a person alone, but the organisation is in the list
    ],
)
def test_variants_merge(names):
    assert len(set(_clusters(names))) == 1


@pytest.mark.parametrize(
    "names",
    [
        ["西安交通大学", "西南交通大学"],
        ["华南理工大学", "华南农业大学", "华南师范大学"],
        ["江苏大学", "江南大学"],
        ["中国电子科技集团公司第五十二研究所", "中国电子科技集团公司第五十四研究所"],
        ["中国科学院物理研究所", "中国科学院化学研究所"],
        ["武汉华星光电技术有限公司", "深圳市华星光电技术有限公司", "惠州市华星光电技术有限公司"],
        ["Samsung Electronics Co., Ltd.", "Samsung Electro-Mechanics Co., Ltd.", "Samsung Display Co., Ltd."],
        [
            "The United States of America as represented by the Secretary of the Army",
            "The United States of America as represented by the Secretary of the Navy",
        ],
        ["Micron Technology, Inc.", "Macron Technology, Inc."],  # a different word, not a typo
        ["Canon Inc.", "Canyon Inc."],  # too short a word to call it a typo
        ["Zins; David M.", "Zins; Wayne A"],
        ["Acme 2000 Corp.", "Acme 3000 Corp."],
    ],
)
def test_distinct_organisations_stay_apart(names):
    assert len(set(_clusters(names))) == len(names)


def test_cluster_output_fields_and_stability():
    rows = [("7", "国家电网公司"), ("3", "国家电网有限公司"), ("9", "国家电网有限公司"), ("5", "王磊"), ("6", "  ")]
    out = cluster_names(rows)
    assert [c.id for c in out] == ["7", "3", "9", "5", "6"]
    assert all(isinstance(c, ClusteredName) for c in out)
    grid = out[0]
    assert grid.cluster_id == out[1].cluster_id == out[2].cluster_id
    assert grid.normalised_name == "国家电网有限公司"  # the most frequent display form
    assert grid.type == "soe"
    assert out[3].type == "individual" and out[3].cluster_id != grid.cluster_id
    assert out[4].cluster_id == "" and out[4].type == "other"
    # the id is a digest of the key: the same in another list, in another order, with other row ids
    again = cluster_names([("a", "王磊"), ("b", "国家电网有限公司")])
    assert again[1].cluster_id == grid.cluster_id and again[0].cluster_id == out[3].cluster_id


def test_display_name_prefers_mixed_case_on_ties():
    out = cluster_names([("1", "SAMSUNG ELECTRONICS CO LTD"), ("2", "Samsung Electronics Co., Ltd.")])
    assert {c.normalised_name for c in out} == {"Samsung Electronics Co., Ltd."}


# --------------------------------------------------------------------------------------------------
# CSV and CLI


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


SAMPLE = (
    "id,name\n"
    "1,国家电网公司\n"
    "2,国家电网有限公司\n"
    '3,"Samsung Electronics Co., Ltd."\n'
    "4,SAMSUNG ELECTRONICS CO LTD\n"
    "5,西安交通大学\n"
    "6,西南交通大学\n"
    "7,腾讯科技（深圳）有限公司\n"
    "8,腾讯科技(深圳)有限公司\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_cli_cluster_round_trip(tmp_path, encoding):
    src = _write(tmp_path / "names.csv", SAMPLE, encoding)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["cluster", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "clusters" in result.output and "8" in result.output
    rows = _read_output(out)
    assert list(rows[0]) == ["id", "name", "cluster_id", "normalised_name", "type"]
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 9)]
    assert rows[0]["name"] == "国家电网公司"  # the input name is kept as written
    by_id = {r["id"]: r for r in rows}
    assert by_id["1"]["cluster_id"] == by_id["2"]["cluster_id"]
    assert by_id["3"]["cluster_id"] == by_id["4"]["cluster_id"]
    assert by_id["5"]["cluster_id"] != by_id["6"]["cluster_id"]
    assert by_id["7"]["cluster_id"] == by_id["8"]["cluster_id"]
    assert by_id["3"]["normalised_name"] == "Samsung Electronics Co., Ltd."
    assert by_id["5"]["type"] == "university" and by_id["1"]["type"] == "soe" and by_id["3"]["type"] == "enterprise"
    assert len({r["cluster_id"] for r in rows}) == 5


def test_cli_cluster_without_bom_and_extra_columns(tmp_path):
    src = _write(tmp_path / "in.csv", "Name\tsource\tID\n华为技术有限公司\tcnipa\tA1\n华为技术 有限公司\tcnki\tA2\n", "utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["cluster", str(src), "-o", str(out), "--no-bom"])
    assert result.exit_code == 0, result.output
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read_output(out)
    assert [r["id"] for r in rows] == ["A1", "A2"] and rows[0]["cluster_id"] == rows[1]["cluster_id"]


def test_cli_missing_column_is_a_clear_error(tmp_path):
    src = _write(tmp_path / "bad.csv", "id,applicant\n1,浙江大学\n", "utf-8")
    result = runner.invoke(app, ["cluster", str(src), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "missing column name" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("kind", ["missing", "directory", "binary", "empty"])
def test_cli_unreadable_input_is_a_clear_error(tmp_path, kind):
    src = tmp_path / "x.csv"
    if kind == "directory":
        src.mkdir()
    elif kind == "binary":
        src.write_bytes(b"\xff\xfe\x00\x81\x00\xfe" * 50)
    elif kind == "empty":
        src.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(src), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code == 2, result.output
    assert "Error" in result.output and "Traceback" not in result.output


def test_cluster_csv_api(tmp_path):
    src = _write(tmp_path / "names.csv", SAMPLE, "gbk")
    summary = cluster_csv(src, tmp_path / "out.csv")
    assert (summary.names, summary.distinct_names, summary.clusters, summary.encoding) == (8, 8, 5, "gbk")
    with pytest.raises(PartyClusterError, match="not found"):
        read_names_csv(tmp_path / "nope.csv")


def test_cli_describe():
    result = runner.invoke(app, ["describe", "西安交通大学", "Henley; Francois J."])
    assert result.exit_code == 0, result.output
    assert "university" in result.output and "陕西" in result.output and "person" in result.output


# --------------------------------------------------------------------------------------------------
# quality floor on the labelled set (tests/fixtures/party_name_labels.csv, built from the real data)


def test_labelled_set_shape(fixtures_dir):
    with (fixtures_dir / "party_name_labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["name", "entity"]
    assert len(rows) >= 400
    assert len({r["entity"] for r in rows}) >= 100
    assert len({r["name"] for r in rows}) == len(rows)


def test_quality_floor_on_labelled_set():
    bench = _load_bench()
    quality = bench.evaluate(bench.load_labels())
    # measured (see bench/results/party_clustering.json): all B3 F1 0.962, within-script B3 F1 0.991,
    # pairwise precision 1.000; the floors sit a little below so that a regression fails
    assert quality["all"]["bcubed"]["f1"] >= 0.95
    assert quality["within_script"]["bcubed"]["f1"] >= 0.98
    assert quality["within_script"]["pairwise"]["f1"] >= 0.95
    assert quality["spelling"]["bcubed"]["f1"] >= 0.99
    assert quality["all"]["pairwise"]["precision"] >= 0.99
    assert quality["all"]["bcubed"]["precision"] >= 0.99


def test_metrics_helpers():
    bench = _load_bench()
    truth = ["a", "a", "b", "b"]
    assert bench.bcubed(truth, ["x", "x", "y", "y"])["f1"] == 1.0
    assert bench.pairwise(truth, ["x", "y", "z", "w"])["recall"] == 0.0
    merged = bench.bcubed(truth, ["x", "x", "x", "x"])
    assert merged["recall"] == 1.0 and merged["precision"] == 0.5


# --------------------------------------------------------------------------------------------------
# the real applicant list (skips when ../shared/data is absent)


def test_real_chinese_applicants_cluster(shared_data):
    names = []
    with (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8") as fh:
        names = [json.loads(line)["applicant"] for line in fh]
    out = cluster_names((str(i), n) for i, n in enumerate(names))
    cid = {c.name: c.cluster_id for c in out}
    assert cid["国家电网公司"] == cid["国家电网有限公司"]
    assert cid["LG 电子株式会社"] == cid["LG电子株式会社"]
    assert cid["株式会社LG化学"] == cid["LG化学株式会社"]
    assert cid["上海和辉光电有限公司"] == cid["上海和辉光电股份有限公司"]
    assert cid["西安交通大学"] != cid["西南交通大学"]
    assert cid["中国石油大学(北京)"] != cid["中国石油大学(华东)"]
    assert cid["武汉华星光电技术有限公司"] != cid["武汉华星光电半导体显示技术有限公司"]
    distinct = len(set(names))
    clusters = len({c.cluster_id for c in out})
    assert distinct - 40 <= clusters < distinct  # a few real variants merge, nothing collapses


# --------------------------------------------------------------------------------------------------
# against a data directory: the names the store knows, the store's types, --home on every command

CNKI_NAMES = "id,name\n1,浙江大学\n2,浙江大学 \n3,ZHEJIANG UNIVERSITY\n4,一家不存在的科技有限公司\n5,李育超\n"


def _imported_cnki(db, shared_data):
    from lingxi.patents.importers import ImportOptions
    from lingxi.patents.importing import run_import

    run_import(db, [shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"], ImportOptions())


def test_clustered_names_take_the_stored_parties_and_types(db, shared_data):
    from sqlalchemy import update

    from lingxi.db.models import Party
    from lingxi.parties.stored import find_stored_parties, with_stored_parties

    _imported_cnki(db, shared_data)
    with db.sessions() as session:
        zju = find_stored_parties(session, [("organisation", "浙江大学")])[("organisation", "浙江大学")]
        assert (zju.name, zju.party_type, zju.province) == ("浙江大学", "university", "浙江") and zju.patents >= 1
        # A type the name does not reveal (a registered list, an operator's correction) is the store's to give.
        session.execute(update(Party).where(Party.id == zju.id).values(party_type="institute"))
        session.commit()
        rows = [tuple(line.split(",")) for line in CNKI_NAMES.splitlines()[1:]]
        clustered = {c.id: c for c in with_stored_parties(session, cluster_names(rows))}
    assert clustered["1"].party_id == clustered["2"].party_id == zju.id
    assert clustered["1"].type == clustered["2"].type == "institute"
    assert clustered["3"].party_id is None and clustered["3"].type == "university"  # another script, another cluster
    assert clustered["4"].party_id is None and clustered["4"].type == "enterprise"
    # An inventor of the file: inventors are stored per organisation, so a name alone picks none of them.
    assert clustered["5"].party_id is None and clustered["5"].type == "individual"


def test_cli_cluster_and_describe_with_a_home(tmp_path, shared_data):
    from lingxi.cli import app as lingxi_app

    home = tmp_path / "home"
    imported = runner.invoke(lingxi_app, ["import", str(shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"),
                                          "--home", str(home)])
    assert imported.exit_code == 0, imported.output
    src = _write(tmp_path / "names.csv", CNKI_NAMES, "utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["cluster", str(src), "--output", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "names of stored parties" in result.output
    rows = _read_output(out)
    assert list(rows[0]) == ["id", "name", "cluster_id", "normalised_name", "type", "party_id"]
    assert rows[0]["party_id"] and rows[0]["party_id"] == rows[1]["party_id"]
    assert rows[3]["party_id"] == ""

    described = runner.invoke(app, ["describe", "浙江大学", "一家不存在的科技有限公司", "--home", str(home), "--json"])
    assert described.exit_code == 0, described.output
    zju, unknown = json.loads(described.stdout)
    assert (zju["type"], zju["province"]) == ("university", "浙江")
    assert zju["stored_party"]["id"] == int(rows[0]["party_id"]) and zju["stored_party"]["patents"] >= 1
    assert unknown["stored_party"] is None


def test_every_command_takes_a_home():
    import typer.main

    from lingxi.cli import app as lingxi_app

    def commands(group, context, path: str):
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if hasattr(command, "list_commands"):  # a group (Typer ships its own click classes)
                yield from commands(command, context, f"{path} {name}")
            else:
                yield f"{path} {name}", command

    root = typer.main.get_command(lingxi_app)
    found = list(commands(root, root.context_class(root), "lingxi"))
    assert len(found) > 40
    lacking = [path for path, command in found if not any("--home" in getattr(p, "opts", ()) for p in command.params)]
    assert lacking == []
