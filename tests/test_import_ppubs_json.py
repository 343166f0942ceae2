"""USPTO Patent Public Search JSON: the real 31 full documents and the 129-record result page, plus bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lingxi.patents.importers import detect_importer
from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.ppubs_json import PpubsJsonImporter, html_to_text, person_name, split_claims_html
from lingxi.patents.records import ParsedRecord, Rejection

FULL = "ppubs_doc_31_fulltext.json"
BIBLIO = "ppubs_biblio_129.json"
IMPORTER = PpubsJsonImporter()


def _parse(path: Path) -> list:
    return list(IMPORTER.parse(path, ImportOptions(include_description=True)))


@pytest.fixture(scope="module")
def ppubs_dir(shared_data: Path) -> Path:
    return shared_data / "us_uspto_ppubs_json"


@pytest.fixture(scope="module")
def full(ppubs_dir: Path) -> dict:
    return {r.record.publication_number: r for r in _parse(ppubs_dir / FULL)}


@pytest.fixture(scope="module")
def biblio(ppubs_dir: Path) -> dict:
    return {r.record.publication_number: r for r in _parse(ppubs_dir / BIBLIO)}


def test_sniff_and_count(ppubs_dir: Path, shared_data: Path) -> None:
    for name, expected in ((FULL, 31), (BIBLIO, 129)):
        path = ppubs_dir / name
        head = path.read_bytes()[:65536]
        assert IMPORTER.sniff(path, head)
        assert IMPORTER.count(path, ImportOptions()) == expected
        assert detect_importer(path).name == "ppubs-json"
    other = shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl"
    assert not IMPORTER.sniff(other, other.read_bytes()[:65536])


def test_all_160_documents_import(ppubs_dir: Path) -> None:
    results = _parse(ppubs_dir / FULL) + _parse(ppubs_dir / BIBLIO)
    assert len(results) == 160
    assert all(isinstance(r, ParsedRecord) for r in results), [r for r in results if isinstance(r, Rejection)]
    numbers = [r.record.publication_number for r in results]
    assert len(set(numbers)) == 160
    for result in results:
        record = result.record
        assert record.title and record.source_format == "ppubs-json"
        assert record.country == "US" and record.kind_code and record.publication_date
        assert record.language == "en"
        assert record.abstract is None or "<" not in record.abstract
    # the location points at the document inside the file
    first = _parse(ppubs_dir / BIBLIO)[0]
    assert first.location.document == 1 and first.location.identifier == "US-11803561-B1"
    assert first.location.file.endswith(BIBLIO)


def test_full_granted_document(full: dict) -> None:
    record = full["US11556547B2"].record
    assert (
        record.title
        == "Determination apparatus, determination method, and non-transitory computer readable storage medium"
    )
    assert (record.kind_code, record.doc_type) == ("B2", "invention")
    assert record.publication_date == dt.date(2023, 1, 17) == record.grant_date
    assert record.application_number == "17/197933"
    assert record.application_date == dt.date(2021, 3, 10)
    assert record.family_id == "1000006811750"
    assert record.abstract.startswith(
        "A determination device according to the present application has an acquisition unit"
    )
    assert record.description.startswith(
        "CROSS-REFERENCE TO RELATED APPLICATIONS\n(1) The present application claims priority"
    )
    assert "<" not in record.description
    # claims: 14, numbers removed, first claim = claim 1
    assert len(record.claims) == 14 == record.extra["number_of_claims"]
    assert record.claims[0].startswith(
        "A determination device comprising: a processor configured to: acquire a search query"
    )
    assert record.first_claim == record.claims[0]
    assert record.claims[1].startswith("The determination device according to claim 1")
    # classifications: CPC main flagged "F" in cpcCurClassificationGroup; IPC main = current primary
    cpc = [(c.code, c.is_main) for c in record.classifications if c.scheme == "CPC"]
    assert cpc == [("G06F 16/24578", False), ("G06F 16/248", False), ("G06F 16/24573", False), ("G06F 16/24575", True)]
    ipc = [(c.code, c.is_main, c.sequence) for c in record.classifications if c.scheme == "IPC"]
    assert ipc == [("G06F 16/2457", True, 0), ("G06F 16/248", False, 1)]
    assert not [c for c in record.classifications if c.scheme == "USPC"]  # "1/1" is PPUBS's "none"
    # parties with roles and locations
    parties = [(p.role, p.name, p.sequence, p.city, p.country) for p in record.parties]
    assert parties == [
        ("applicant", "Yahoo Japan Corporation", 0, "Tokyo", "JP"),
        ("assignee", "Yahoo Japan Corporation", 0, "Tokyo", "JP"),
        ("inventor", "Kota Tsubouchi", 0, "Tokyo", "JP"),
        ("inventor", "Shuji Yamaguchi", 1, "Tokyo", "JP"),
        ("inventor", "Hiroaki Taguchi", 2, "Tokyo", "JP"),
        ("agent", "Procopio, Cory, Hargreaves & Savitch LLP", 0, None, None),
    ]
    assert record.extra["assignee_type_codes"] == ["03"]
    assert record.extra["assignee_types"] == ["foreign company or corporation"]
    assert record.extra["primary_examiner"] == "Jorge A Casanova"
    assert record.extra["prior_publications"] == ["US20210357416A1"]
    assert record.priority_claims == [{"country": "JP", "number": "JP2020-050222", "date": "2020-03-19"}]
    # citations: 13 US patents, 3 JP documents, 2 non-patent references
    citations = record.citations
    assert len(citations) == 18
    assert [c.sequence for c in citations] == list(range(18))
    first = citations[0]
    assert (first.number, first.country, first.kind, first.name, first.date, first.category) == (
        "6757670",
        "US",
        "B1",
        "Inohara",
        dt.date(2004, 6, 1),
        "examiner",
    )
    jp = [c for c in citations if c.country == "JP"]
    assert [(c.number, c.kind, c.category) for c in jp] == [
        ("2011118759", "A", "applicant"),
        ("2014-006757", "A", "applicant"),
        ("2019053519", "A", "applicant"),
    ]
    npl = [c for c in citations if c.npl_text]
    assert (
        npl[0].npl_text
        == "Office Action dated Aug. 31, 2021 from counterpart JP Patent Application No. 2020-050222, 4 pages."
    )
    assert npl[0].category == "applicant" and npl[0].number is None


def test_old_grant_with_multiline_claim_and_foreign_citations(full: dict) -> None:
    record = full["US6103599A"].record
    assert record.title == "Planarizing technique for multilayered substrates"
    assert (record.kind_code, record.doc_type, record.grant_date) == ("A", "invention", dt.date(2000, 8, 15))
    assert record.application_number == "09/089931" and record.application_date == dt.date(1998, 6, 3)
    assert len(record.claims) == 28
    assert record.claims[0].split("\n")[:2] == [
        "A method for fabricating a substrate, said method comprising steps of:",
        "providing a substrate comprising a thickness of material having a non-uniform surface, said thickness of "
        "material being implant damaged and having a substantially planar interface region at a selected depth "
        "underying said non-uniform surface;",
    ]
    assert (
        record.claims[1]
        == "The method of claim 1 wherein said implant damaged thickness of material has a lower density than said "
        "substrate."
    )
    assignee = next(p for p in record.parties if p.role == "assignee")
    assert (assignee.name, assignee.city, assignee.state, assignee.country) == (
        "Silicon Genesis Corporation",
        "Los Gatos",
        "CA",
        None,
    )
    assert record.extra["assignee_types"] == ["US company or corporation"]
    assert [p.name for p in record.parties if p.role == "inventor"] == ["Francois J. Henley", "Nathan Cheung"]
    uspc = [(c.code, c.is_main) for c in record.classifications if c.scheme == "USPC"]
    assert uspc[0] == ("438/459", True) and len(uspc) == 7
    cpc_main = [c.code for c in record.classifications if c.scheme == "CPC" and c.is_main]
    assert cpc_main == ["H01L 21/30604"]
    us = [c for c in record.citations if c.country == "US"]
    assert len(us) == 33 and us[0].number == "4006340" and us[0].name == "Gorinas" and us[0].category == "other"
    foreign = [(c.number, c.country, c.date) for c in record.citations if c.country not in ("US", None)]
    assert foreign == [
        ("0 379 828", "EP", dt.date(1989, 12, 1)),
        ("0 459 177", "EP", dt.date(1991, 5, 1)),
        ("0193904", "JP", dt.date(1984, 11, 1)),
        ("2231197", "GB", dt.date(1990, 3, 1)),
    ]
    assert sum(1 for c in record.citations if c.npl_text) == 4


def test_pre_grant_publication_with_canceled_claims(full: dict) -> None:
    record = full["US20230009372A1"].record
    assert record.kind_code == "A1" and record.grant_date is None
    assert record.publication_date == dt.date(2023, 1, 12)
    assert record.extra["canceled_claims"] == ["1-19"]
    assert len(record.claims) == 21  # claims 20-40
    assert record.first_claim.startswith("A method of determining intoxication of a subject")
    assert [p.name for p in record.parties if p.role == "applicant"] == [
        "Dignity Health",
        "Arizona Board of Regents on Behalf of Arizona State University",
    ]
    assert not [p for p in record.parties if p.role == "assignee"]
    assert record.extra["related_application_filing_dates"][0] == "2019-05-31"


def test_ocr_documents(full: dict) -> None:
    plant = full["USPP03823P"].record
    assert plant.doc_type == "plant" and plant.title == "OCR SCANNED DOCUMENT"
    assert plant.extra["title_is_placeholder"] is True and plant.extra["ppubs_type"] == "USOCR"
    assert plant.citations == []  # PPUBS lists this patent as citing itself; that is dropped
    assert plant.claims[0].startswith("A new and distinct variety of plum tree")
    reissue = full["USRE28436E"].record
    assert reissue.doc_type == "reissue" and len(reissue.claims) == 9
    defensive = full["UST949002I4"].record
    assert defensive.doc_type == "other" and defensive.grant_date is None
    assert defensive.claims == [] and defensive.first_claim is None  # claimsHtml is "<claim-text/>"
    assert defensive.application_date == dt.date(1975, 7, 25)
    assert full["US4388879A"].record.title == "Apparatus for sequentially fabricating pillowcases or like products"


def test_result_page_records(biblio: dict) -> None:
    assert len(biblio) == 129
    record = biblio["US11803561B1"].record
    assert record.title == "Approximation query"
    assert record.publication_date == dt.date(2023, 10, 31) and record.application_date == dt.date(2014, 3, 31)
    assert record.abstract is None and record.claims == []
    assert [(p.role, p.name) for p in record.parties] == [
        ("applicant", "Amazon Technologies, Inc."),
        ("assignee", "Amazon Technologies, Inc."),
        ("inventor", "William Nathan John Hurst"),
    ]
    assert record.extra["inventors_truncated"] is True
    assert len(record.citations) == 35 and record.citations[0].number == "5826261"
    assert all(c.date is None and c.country == "US" for c in record.citations)
    codes = [(c.scheme, c.code, c.is_main) for c in record.classifications]
    assert codes == [
        ("CPC", "G06F 16/313", False),
        ("CPC", "G06F 16/2462", False),
        ("IPC", "G06F 16/2458", False),
        ("IPC", "G06F 16/31", False),
    ]
    assert sum(1 for r in biblio.values() if any(p.role == "assignee" for p in r.record.parties)) == 116


def test_html_helpers() -> None:
    assert html_to_text(
        '<b>1</b>. A &quot;method&quot;<br />  step  one;<br /><figref idref="D">FIG. <b>2</b></figref>'
    ) == ('1. A "method"\nstep one;\nFIG. 2')
    assert html_to_text("<claim-text/>") is None and html_to_text("") is None and html_to_text(None) is None
    claims = split_claims_html(
        "What is claimed is:<br />1. A thing comprising:<br />a part.<br />"
        "2-3. (canceled)<br />4. The thing of claim 1."
    )
    assert claims == ["A thing comprising:\na part.", "The thing of claim 1."]
    assert person_name("Henley; Francois J.") == "Francois J. Henley"
    assert person_name("Darrow Mustafa PC") == "Darrow Mustafa PC"


def _doc(**fields) -> dict:
    base = {
        "guid": "US-11111111-B1",
        "inventionTitle": "A widget",
        "datePublished": "2023-01-03T00:00:00Z",
        "kindCode": ["B1"],
    }
    base.update(fields)
    return base


def test_bad_documents_become_rejections(tmp_path: Path) -> None:
    docs = [
        _doc(),
        _doc(guid="US-22222222-B1", inventionTitle="  "),
        _doc(guid=None, publicationReferenceDocumentNumber=None),
        "not a document",
        _doc(
            guid=None, publicationReferenceDocumentNumber="33333333", kindCode=["B2"], inventionTitle="Fallback number"
        ),
    ]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"numFound": 5, "patents": docs}), encoding="utf-8")
    assert IMPORTER.sniff(path, path.read_bytes())
    results = _parse(path)
    assert [type(r).__name__ for r in results] == [
        "ParsedRecord",
        "Rejection",
        "Rejection",
        "Rejection",
        "ParsedRecord",
    ]
    assert results[1].reason == "document has no title (inventionTitle is empty)"
    assert results[1].location.document == 2 and results[1].location.identifier == "US-22222222-B1"
    assert results[2].reason.startswith("document has no usable publication number")
    assert results[3].reason == "document is a JSON str, not an object"
    assert results[4].record.publication_number == "US33333333B2"


def test_file_level_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"guid": "US-1-B1",\n "inventionTitle": }]', encoding="utf-8")
    (rejection,) = _parse(broken)
    assert isinstance(rejection, Rejection) and rejection.location.line == 2
    assert rejection.reason.startswith("not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}', encoding="utf-8")
    (rejection,) = _parse(other)
    assert "no PPUBS documents found" in rejection.reason
    single = tmp_path / "single.json"
    single.write_text(json.dumps(_doc()), encoding="utf-8")
    (result,) = _parse(single)
    assert result.record.publication_number == "US11111111B1" and result.record.grant_date == dt.date(2023, 1, 3)
