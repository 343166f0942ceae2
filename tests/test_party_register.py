"""The operator's organisation register (机构名录): a list's types and regions reach stored and future parties."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from lingxi.cli import app
from lingxi.db.models import Party
from lingxi.parties.cluster import PartyClusterError
from lingxi.parties.register import patents_of_parties, read_register_file, register_organisations
from lingxi.patents.importers import ImportOptions
from lingxi.patents.importing import run_import

runner = CliRunner()
REGISTER = (
    "名称,类型,省份,城市\n"
    "山西北方机械制造有限责任公司,国有企业,山西省,太原市\n"  # in the CNKI export, typed enterprise by its name
    "青峦测试重工集团有限公司,央企,,\n"  # not stored yet: a later import brings it
    "王磊,企业,,\n"  # a person
    "某研究中心,研究会,,\n"  # an unknown type
    ",高校,,\n"  # no name
    "山西北方机械制造有限责任公司 ,国有企业,山西,太原\n"  # the same organisation again
)


def _party(session, name: str) -> Party:
    return session.scalars(select(Party).where(Party.name == name)).one()


def test_register_types_stored_and_later_parties(db, shared_data, tmp_path):
    run_import(db, [shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"], ImportOptions())
    with db.sessions() as session:
        assert _party(session, "山西北方机械制造有限责任公司").party_type == "enterprise"
    path = tmp_path / "名录.csv"
    path.write_text(REGISTER, encoding="gbk")

    read = read_register_file(path)
    assert [e.line for e in read.entries] == [3, 7]  # line 2 is repeated by line 7, which is kept
    assert [line for line, _ in read.rejected] == [4, 5, 6]
    assert "person" in read.rejected[0][1] and "研究会" in read.rejected[1][1] and "no name" in read.rejected[2][1]
    assert read.notes == [(7, "the same organisation as line 2: this line is kept")]

    with db.sessions() as session, session.begin():
        result = register_organisations(session, read.entries, source=path.name)
        assert (result.new, result.changed, len(result.parties_updated)) == (2, 0, 1)
        assert len(patents_of_parties(session, result.parties_updated)) == 1
    with db.sessions() as session:
        party = _party(session, "山西北方机械制造有限责任公司")
        assert (party.party_type, party.province, party.city) == ("soe", "山西", "太原")

    # Registering the same list again changes nothing; an import brings a registered organisation in as listed.
    with db.sessions() as session, session.begin():
        again = register_organisations(session, read.entries, source=path.name)
        assert (again.new, again.changed, again.unchanged, again.parties_updated) == (0, 0, 2, [])
    records = tmp_path / "new.jsonl"
    records.write_text(json.dumps({"id": "t-1", "title": "一种重型齿轮箱", "applicants": ["青峦测试重工集团有限公司"]},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    run_import(db, [records], ImportOptions())
    with db.sessions() as session:
        assert _party(session, "青峦测试重工集团有限公司").party_type == "soe"


def test_register_reads_xlsx_and_refuses_a_list_without_names(tmp_path):
    book = Workbook()
    book.active.append(["Name", "Type", "Province"])
    book.active.append(["Xi'an Aero-Engine Corporation", "soe", "陕西"])
    book.save(tmp_path / "list.xlsx")
    (entry,) = read_register_file(tmp_path / "list.xlsx").entries
    assert (entry.party_type, entry.province) == ("soe", "陕西")

    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(PartyClusterError, match="not a readable Excel workbook"):
        read_register_file(tmp_path / "broken.xlsx")
    (tmp_path / "bad.csv").write_text("applicant,type\n浙江大学,高校\n", encoding="utf-8")
    with pytest.raises(PartyClusterError, match="no name column"):
        read_register_file(tmp_path / "bad.csv")
    (tmp_path / "names.csv").write_text("name\n浙江大学\n", encoding="utf-8")
    with pytest.raises(PartyClusterError, match="nothing to register"):
        read_register_file(tmp_path / "names.csv")


def test_cli_register_updates_the_store_and_the_search_index(tmp_path, shared_data):
    home = tmp_path / "home"
    imported = runner.invoke(app, ["import", str(shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"),
                                   "--home", str(home)])
    assert imported.exit_code == 0, imported.output
    query = ["search", "APT=soe AND AP=山西北方", "--json", "--home", str(home)]
    assert json.loads(runner.invoke(app, query).stdout)["total"] == 0
    (tmp_path / "list.csv").write_text(REGISTER, encoding="utf-8")

    result = runner.invoke(app, ["parties", "register", str(tmp_path / "list.csv"), "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["new"], answer["parties_updated"], answer["patents_reindexed"]) == (2, 1, 1)
    assert [r["line"] for r in answer["rejected"]] == [4, 5, 6]
    assert json.loads(runner.invoke(app, query).stdout)["total"] == 1

    refused = runner.invoke(app, ["parties", "register", str(tmp_path / "missing.csv"), "--home", str(home)])
    assert refused.exit_code == 2 and "not found" in refused.output
