"""`lingxi search` and `lingxi index` as an operator uses them; `lingxi import` leaves the index up to date."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from lingxi.cli import app

runner = CliRunner()


def run(home, *args):
    return runner.invoke(app, [*args, "--home", str(home)])


def test_import_then_search_check_rebuild_and_syntax_errors(tmp_path, shared_data):
    imported = run(tmp_path, "import", str(shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"), "--json")
    assert imported.exit_code == 0, imported.output
    check = run(tmp_path, "index", "check", "--json")
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["state"] == "ok"  # the import hook indexed it

    found = run(tmp_path, "search", "PN=CN108982325A", "--json")
    assert found.exit_code == 0, found.output
    answer = json.loads(found.stdout)
    assert answer["total"] == 1 and answer["hits"][0]["title"] == "地下防污屏障材料化学相容性测试装置及方法"
    table = run(tmp_path, "search", "TI=测试装置", "--limit", "3")
    assert table.exit_code == 0 and "1 patents" in table.stdout and "CN108982325A" in table.stdout

    bad = run(tmp_path, "search", "TI=(测试 AND")
    assert bad.exit_code == 2
    assert "position 10" in bad.output and "Traceback" not in bad.output
    bad_json = run(tmp_path, "search", "XX=1", "--json")
    assert bad_json.exit_code == 2 and json.loads(bad_json.stdout)["position"] == 0

    shutil.rmtree(tmp_path / "indexes" / "keyword")
    missing = run(tmp_path, "index", "check")
    assert missing.exit_code == 1 and "missing" in missing.stdout
    rebuilt = run(tmp_path, "index", "rebuild")
    assert rebuilt.exit_code == 0 and "33 patents" in rebuilt.stdout
    assert run(tmp_path, "index", "check").exit_code == 0


def test_demo_command_leaves_the_index_up_to_date(tmp_path):
    result = run(tmp_path, "demo", "--size", "200")
    assert result.exit_code == 0, result.output
    assert json.loads(run(tmp_path, "index", "check", "--json").stdout)["state"] == "ok"
    answer = json.loads(run(tmp_path, "search", "电池 AND KIND=发明", "--json").stdout)
    assert answer["total"] > 0 and answer["facets"]["doc_type"] == [{"value": "invention", "count": answer["total"]}]
