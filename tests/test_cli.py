"""The `lingxi` command as an operator uses it, on the real sample files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from lingxi.cli import app

runner = CliRunner()


def lingxi(home: Path, *args: str):
    result = runner.invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result


def lingxi_json(home: Path, *args: str) -> dict:
    return json.loads(lingxi(home, *args, "--json").stdout)


def test_import_all_real_formats_then_reimport_changes_nothing(tmp_path, shared_data):
    sources = [
        shared_data / "us_uspto_xml",
        shared_data / "us_uspto_ppubs_json",
        shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.xlsx",
        shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl",
    ]
    first = lingxi_json(tmp_path, "import", *map(str, sources))
    assert first["rejected"] == 0
    assert {f["format"] for f in first["files"]} == {"uspto-xml", "ppubs-json", "spreadsheet", "lingxi-jsonl"}
    assert first["new"] + first["unchanged"] + first["updated"] == first["documents"]
    # 428 USPTO documents (18 repeat between two weekly extracts), PPUBS 160, CNKI 33, JSONL 3,117.
    assert first["new"] >= 3117 + 33 + 400
    again = lingxi_json(tmp_path, "import", *map(str, sources))
    assert (again["new"], again["updated"], again["rejected"]) == (0, 0, 0)
    assert again["unchanged"] == first["documents"]

    stats = lingxi_json(tmp_path, "stats")
    assert stats["patents"] == first["new"]
    assert stats["by_country"]["US"] > 400 and stats["by_country"]["CN"] == 33
    assert stats["by_applicant_type"]["university"] > 0
    assert stats["by_year"]["2018"] > 0


def test_patents_show_finds_a_cnki_patent_by_any_number_format(tmp_path, shared_data):
    lingxi(tmp_path, "import", str(shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"))
    for identifier in ("CN108982325A", "cn 108982325 a", "108982325"):
        detail = lingxi_json(tmp_path, "patents", "show", identifier)
        assert detail["key"] == "CN108982325A"
    assert detail["title"] == "地下防污屏障材料化学相容性测试装置及方法"
    assert detail["application_date"] == "2018-07-30"
    assert detail["publication_date"] == "2018-12-11"
    assert [p["name"] for p in detail["parties"] if p["role"] == "inventor"] == ["李育超", "于泽溪", "魏璐璐", "黄根清"]
    applicant = next(p for p in detail["parties"] if p["role"] == "applicant")
    assert (applicant["name"], applicant["party_type"], applicant["province"]) == ("浙江大学", "university", "浙江")
    assert detail["first_claim"].startswith("一种地下防污屏障材料化学相容性测试装置,其特征在于")
    table = lingxi(tmp_path, "patents", "show", "CN108982325A").stdout
    assert "地下防污屏障材料" in table


def test_patents_show_us_grant_with_citations(tmp_path, shared_data):
    lingxi(tmp_path, "import", str(shared_data / "us_uspto_xml" / "US08613112-20131224.XML"))
    detail = lingxi_json(tmp_path, "patents", "show", "US 8,613,112")
    assert detail["key"].startswith("US8613112")
    assert detail["country"] == "US" and detail["doc_type"] == "invention"
    assert detail["citations"] and detail["classifications"]


def test_descriptions_are_kept_only_when_asked_for(tmp_path, shared_data):
    grant = str(shared_data / "us_uspto_xml" / "US08613112-20131224.XML")
    first = lingxi_json(tmp_path, "import", grant)
    assert (first["new"], first["descriptions_left_out"]) == (1, 1)
    assert lingxi_json(tmp_path, "patents", "show", "US8613112")["description"] is None
    assert "--with-description" in lingxi(tmp_path / "other", "import", grant).stdout  # the table says so too

    kept = lingxi_json(tmp_path, "import", grant, "--with-description")
    assert (kept["updated"], kept["descriptions_left_out"]) == (1, 0)
    description = lingxi_json(tmp_path, "patents", "show", "US8613112")["description"]
    assert len(description) > 1000

    # Importing the file again without the option keeps the stored description: nothing changes.
    again = lingxi_json(tmp_path, "import", grant)
    assert (again["unchanged"], again["updated"], again["descriptions_left_out"]) == (1, 0, 1)
    assert lingxi_json(tmp_path, "patents", "show", "US8613112")["description"] == description


def test_bad_rows_are_reported_and_valid_rows_kept(tmp_path):
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text(
        "\n".join([
            json.dumps({"publication_number": "CN108982325A", "title": "测试装置"}, ensure_ascii=False),
            "{not json",
            json.dumps({"publication_number": "CN108859303A", "title": "隔热金属材料", "application_date": "2018-13-45"},
                       ensure_ascii=False),
            json.dumps({"publication_number": "CN208104517U", "title": "防爆滴定装置",
                        "application_number": "201820546147.9"}, ensure_ascii=False),
            json.dumps({"id": "abc", "title": "只有编号的记录"}, ensure_ascii=False),
        ]) + "\n",
        encoding="utf-8",
    )
    summary = lingxi_json(tmp_path / "home", "import", str(corpus))
    assert (summary["new"], summary["rejected"]) == (2, 3)
    with open(summary["rejection_report"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["line"] for row in rows] == ["2", "3", "4"]
    assert all(row["file"].endswith("mixed.jsonl") and row["reason"] for row in rows)
    assert "check digit" in rows[2]["reason"]


def test_unknown_file_is_rejected_not_fatal(tmp_path):
    unknown = tmp_path / "notes.bin"
    unknown.write_bytes(b"\x00\x01\x02 nothing a patent importer knows")
    summary = lingxi_json(tmp_path / "home", "import", str(unknown))
    assert summary["rejected"] == 1 and summary["new"] == 0


def test_home_from_environment_variable(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("LINGXI_HOME", str(tmp_path / "from-env"))
    result = runner.invoke(app, ["import", str(shared_data / "us_uspto_ppubs_json"), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "lingxi.db").exists()


def test_demo_loads_once(tmp_path):
    lingxi(tmp_path, "demo", "--size", "300")
    stats = lingxi_json(tmp_path, "stats")
    assert stats["patents"] == 300
    assert {"zh", "en"} <= set(stats["by_language"])
    # The demo registers its fictional organisations, so SOEs and the fictional province are recognised.
    assert {"university", "institute", "soe", "enterprise"} <= set(stats["by_applicant_type"])
    assert stats["by_province"]["青峦"] > 0
    result = lingxi(tmp_path, "demo", "--size", "300")
    assert "0 new" in result.stdout and "300 unchanged" in result.stdout


def test_first_admin_is_created_from_the_command_line(tmp_path):
    made = lingxi(tmp_path, "users", "create", "chief", "--role", "admin", "--password", "long-enough-1")
    assert made.exit_code == 0, made.output
    assert "Created user chief (admin)" in made.output
    refused = runner.invoke(app, ["users", "create", "sme-user", "--role", "enterprise", "--password",
                                  "long-enough-1", "--home", str(tmp_path)])
    assert refused.exit_code == 1 and "belongs to an organisation" in refused.output
    weak = runner.invoke(app, ["users", "set-password", "chief", "--password", "short", "--home", str(tmp_path)])
    assert weak.exit_code == 1 and "at least 8" in weak.output
    lingxi(tmp_path, "users", "set-password", "chief", "--password", "another-long-1")
    listed = lingxi(tmp_path, "users", "list")
    assert "chief" in listed.output and "admin" in listed.output
