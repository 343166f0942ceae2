"""Golden test: our USPTO XML importer against the tables PatentsView's reference parser produced.

`../shared/data/us_patentsview_parser_golden/` holds one weekly-file extract (ipg120327.18.xml, 18 design
grants) and the CSV tables (no header rows) that PatentsView's parser wrote from it. We import the XML and
compare, for every patent and every table, all fields both sides have.

Where PatentsView normalises differently, the comparison normalises, not the importer:
- identifiers: PatentsView drops the first zero after the letters ("D0656296" -> "D656296",
  "08290305.5" -> "8290305.5"); we keep numbers as printed;
- dates: PatentsView leaves dates before 1900 empty (a limit of its database); a "00" day or month
  becomes 01 on both sides;
- USPC: PatentsView writes "D3/2031" where the USPTO layout means D3/203.1, which we produce;
- names: PatentsView splits a person into first/last (moving middle names to the last name); we keep
  "First Last" as printed, so we compare against "first last";
- inventors: PatentsView counts every <applicant> of a pre-2013 grant as an inventor, including the
  legal representatives of a deceased inventor; we keep those as applicants, so PatentsView's inventor
  list is compared with our inventors and applicants in document order;
- empty strings and "UNKNOWN"/"OMITTED" countries are None on our side.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.uspto_xml import UsptoXmlImporter
from lingxi.patents.records import ParsedRecord, PatentRecord

GOLDEN_DIR = "us_patentsview_parser_golden"
GOLDEN_XML = "ipg120327.18.xml"
PATENTS = [f"D{number}" for number in range(656296, 656314)]  # the 18 design grants of the extract

# Column names of the header-less tables, read off the files and PatentsView's parser.
COLUMNS = {
    "patent": ["id", "type", "number", "country", "date", "abstract", "title", "kind", "num_claims"],
    "application": ["id", "patent_id", "series_code", "number", "country", "date", "x1", "x2"],
    "claim": ["patent_id", "text", "dependent", "sequence"],
    "rawassignee": ["patent_id", "x", "location_id", "type", "name_first", "name_last", "organization",
                    "residence", "nationality", "sequence"],
    "rawinventor": ["patent_id", "x", "location_id", "name_first", "name_last", "nationality", "sequence"],
    "rawlawyer": ["x", "patent_id", "name_first", "name_last", "organization", "country", "y"],
    "rawlocation": ["id", "x", "city", "state", "country"],
    "uspatentcitation": ["patent_id", "citation_id", "date", "name", "kind", "number", "country", "category",
                         "sequence"],
    "usapplicationcitation": ["patent_id", "application_id", "date", "name", "kind", "number", "country",
                              "category", "sequence"],
    "foreigncitation": ["patent_id", "date", "name", "kind", "number", "country", "category", "sequence"],
    "otherreference": ["patent_id", "text", "sequence"],
    "uspc": ["patent_id", "mainclass", "subclass", "sequence"],
    "usreldoc": ["patent_id", "number_id", "doctype", "status", "date", "number", "kind", "country",
                 "relationship", "sequence"],
}  # fmt: skip

FIELDS = [
    "patent",
    "application",
    "claims",
    "assignees",
    "inventors",
    "lawyers",
    "us_patent_citations",
    "application_citations",
    "foreign_citations",
    "citation_tables",
    "other_references",
    "uspc",
    "related_documents",
]


# --- loading -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def golden_dir(shared_data: Path) -> Path:
    folder = shared_data / GOLDEN_DIR
    if not (folder / GOLDEN_XML).is_file():
        pytest.skip(f"golden data not found in {folder}")
    return folder


@pytest.fixture(scope="module")
def golden(golden_dir: Path) -> dict[str, dict[str, list[dict[str, str]]]]:
    """table -> patent id -> rows (file order); rawlocation is keyed by location id instead."""
    tables: dict[str, dict[str, list[dict[str, str]]]] = {}
    for table, columns in COLUMNS.items():
        rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        with (golden_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            for values in csv.reader(handle):
                row = dict(zip(columns, values, strict=True))
                key = row["id"] if table in ("patent", "rawlocation") else row["patent_id"]
                rows[key].append(row)
        tables[table] = rows
    return tables


@pytest.fixture(scope="module")
def imported(golden_dir: Path) -> dict[str, PatentRecord]:
    """Our records keyed the PatentsView way (D0656296 -> D656296)."""
    results = list(UsptoXmlImporter().parse(golden_dir / GOLDEN_XML, ImportOptions(include_description=True)))
    rejections = [result for result in results if not isinstance(result, ParsedRecord)]
    assert rejections == []
    records = {}
    for result in results:
        record = result.record
        assert record.publication_number and record.publication_number.startswith("US")
        records[pv_id(record.publication_number[2:])] = record
    return records


# --- normalisation of the comparison -----------------------------------------------------------------------


def pv_id(number: str | None) -> str:
    """PatentsView's normalize_document_identifier: drop the first zero after the leading letters."""
    return re.sub(r"([A-Z]*)0?", r"\g<1>", number or "", count=1)


def pv_date(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return "" if value.year < 1900 else value.isoformat()


def blank(value: str | None) -> str:
    """Our None is PatentsView's empty string; its 'unknown'/'omitted' countries are absent for us."""
    if value is None or value.strip().upper() in ("UNKNOWN", "OMITTED"):
        return ""
    return value


def location(golden, location_id: str) -> tuple[str, str, str]:
    (row,) = golden["rawlocation"][location_id]
    return row["city"], row["state"], row["country"]


def parties(record: PatentRecord, *roles: str):
    return sorted((p for p in record.parties if p.role in roles), key=lambda p: p.sequence)


def patent_citations(record: PatentRecord):
    """Our patent citations (NPL excluded) in order: PatentsView's sequence counts patent citations only."""
    return [c for c in sorted(record.citations, key=lambda c: c.sequence) if c.number is not None]


def citation_table(citation) -> str:
    """Which PatentsView table a citation lands in: US applications are printed as YYYY/NNNNNNN."""
    if citation.country != "US":
        return "foreigncitation"
    return "usapplicationcitation" if "/" in citation.number else "uspatentcitation"


# --- the comparisons, one per golden table ------------------------------------------------------------------


def check_patent(golden, record: PatentRecord, patent: str) -> None:
    (row,) = golden["patent"][patent]
    assert pv_id(record.publication_number[2:]) == row["number"] == row["id"]
    assert record.country == row["country"]
    assert {"invention": "utility"}.get(record.doc_type, record.doc_type) == row["type"]
    assert record.publication_date.isoformat() == row["date"]
    assert record.grant_date == record.publication_date
    assert blank(record.abstract) == row["abstract"]
    assert record.title == row["title"]
    assert record.kind_code == row["kind"]
    assert record.extra["number_of_claims"] == int(row["num_claims"]) == len(record.claims)


def check_application(golden, record: PatentRecord, patent: str) -> None:
    (row,) = golden["application"][patent]
    assert record.application_number == row["number"]
    assert record.application_date.isoformat() == row["date"]
    assert row["id"] == f"{record.application_date.year}/{record.application_number}"
    assert record.extra["application_series_code"] == row["series_code"]
    assert row["country"] == "US" == record.country


def check_claims(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["claim"][patent], key=lambda r: int(r["sequence"]))
    assert [int(r["sequence"]) for r in rows] == list(range(1, len(rows) + 1))
    assert record.claims == [r["text"] for r in rows]
    assert record.first_claim == rows[0]["text"]


def check_assignees(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["rawassignee"].get(patent, []), key=lambda r: int(r["sequence"]))
    ours = parties(record, "assignee")
    assert [p.sequence for p in ours] == [int(r["sequence"]) for r in rows]
    for party, row in zip(ours, rows, strict=True):
        expected_name = row["organization"] or f"{row['name_first']} {row['name_last']}"
        assert party.name == expected_name
        assert (blank(party.city), blank(party.state), blank(party.country)) == location(golden, row["location_id"])
    types = record.extra.get("assignee_types", [])
    assert [int(code) for code in types] == [int(r["type"]) for r in rows]


def check_inventors(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["rawinventor"][patent], key=lambda r: int(r["sequence"]))
    ours = parties(record, "inventor", "applicant")
    assert [p.sequence for p in ours] == [int(r["sequence"]) for r in rows]
    for party, row in zip(ours, rows, strict=True):
        assert party.name == f"{row['name_first']} {row['name_last']}"
        assert (blank(party.city), blank(party.state), blank(party.country)) == location(golden, row["location_id"])


def check_lawyers(golden, record: PatentRecord, patent: str) -> None:
    rows = golden["rawlawyer"].get(patent, [])
    ours = parties(record, "agent")
    assert len(ours) == len(rows)
    for party, row in zip(ours, rows, strict=True):
        expected_name = row["organization"] or f"{row['name_first']} {row['name_last']}"
        assert party.name == expected_name
        assert blank(party.country) == blank(row["country"])


def _check_citation_table(golden, record: PatentRecord, patent: str, table: str) -> None:
    rows = golden[table].get(patent, [])
    ours = patent_citations(record)
    assert sorted(int(r["sequence"]) for r in rows) == [i for i, c in enumerate(ours) if citation_table(c) == table]
    for row in rows:
        citation = ours[int(row["sequence"])]
        assert pv_id(citation.number) == row["number"]
        assert blank(citation.country) == row["country"]
        assert blank(citation.kind) == row["kind"]
        assert blank(citation.name) == row["name"]
        assert pv_date(citation.date) == row["date"]
        assert f"cited by {citation.category}" == row["category"]


def check_us_patent_citations(golden, record, patent):
    _check_citation_table(golden, record, patent, "uspatentcitation")
    for row in golden["uspatentcitation"].get(patent, []):
        assert row["citation_id"] == row["number"]


def check_application_citations(golden, record, patent):
    _check_citation_table(golden, record, patent, "usapplicationcitation")


def check_foreign_citations(golden, record, patent):
    _check_citation_table(golden, record, patent, "foreigncitation")


def check_citation_tables(golden, record: PatentRecord, patent: str) -> None:
    """Together the three tables hold every patent citation we found, each once, in our order."""
    tables = ("uspatentcitation", "usapplicationcitation", "foreigncitation")
    sequences = sorted(int(r["sequence"]) for t in tables for r in golden[t].get(patent, []))
    assert sequences == list(range(len(patent_citations(record))))


def check_other_references(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["otherreference"].get(patent, []), key=lambda r: int(r["sequence"]))
    ours = [c.npl_text for c in sorted(record.citations, key=lambda c: c.sequence) if c.npl_text]
    assert ours == [r["text"] for r in rows]
    npl_categories = [c.category for c in record.citations if c.npl_text]
    assert all(category in ("examiner", "applicant", "other") for category in npl_categories)


def check_uspc(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["uspc"][patent], key=lambda r: int(r["sequence"]))
    ours = [c for c in record.classifications if c.scheme == "USPC"]
    assert [c.sequence for c in ours] == [int(r["sequence"]) for r in rows]
    assert [c.code.replace(".", "") for c in ours] == [r["subclass"] for r in rows]
    assert [c.code.split("/")[0] for c in ours] == [r["mainclass"] for r in rows]
    assert [c.is_main for c in ours] == [i == 0 for i in range(len(rows))]


def check_related_documents(golden, record: PatentRecord, patent: str) -> None:
    rows = sorted(golden["usreldoc"].get(patent, []), key=lambda r: int(r["sequence"]))
    ours = record.extra.get("related_documents", [])
    assert len(ours) == len(rows)
    for document, row in zip(ours, rows, strict=True):
        assert document["type"].replace("-", "_") == row["doctype"]
        assert (document["relation"] or "").replace("-", "_") == row["relationship"]
        assert pv_id(document["number"]) == row["number"] == row["number_id"]
        assert blank(document.get("status")) == row["status"]
        assert pv_date(document["date"]) == row["date"]
        assert blank(document["kind"]) == row["kind"]
        assert document["country"] == row["country"]


CHECKS = {
    "patent": check_patent,
    "application": check_application,
    "claims": check_claims,
    "assignees": check_assignees,
    "inventors": check_inventors,
    "lawyers": check_lawyers,
    "us_patent_citations": check_us_patent_citations,
    "application_citations": check_application_citations,
    "foreign_citations": check_foreign_citations,
    "citation_tables": check_citation_tables,
    "other_references": check_other_references,
    "uspc": check_uspc,
    "related_documents": check_related_documents,
}


# --- tests ---------------------------------------------------------------------------------------------------


def test_every_golden_patent_is_imported(golden, imported) -> None:
    assert sorted(imported) == sorted(golden["patent"]) == PATENTS


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("patent", PATENTS)
def test_matches_patentsview(golden, imported, patent: str, field: str) -> None:
    CHECKS[field](golden, imported[patent], patent)


def test_golden_tables_are_all_covered(golden) -> None:
    """Every row of every compared table belongs to one of the 18 patents, so nothing escapes the checks."""
    for table, rows in golden.items():
        if table not in ("rawlocation",):
            assert set(rows) <= set(PATENTS), table
    assert sum(len(rows) for rows in golden["uspatentcitation"].values()) == 381
    assert sum(len(rows) for rows in golden["otherreference"].values()) == 56
