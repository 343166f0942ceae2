"""USPTO full-text XML importer: the real files of ../shared/data/us_uspto_xml and a few documents of our own.

Expected values were read by hand from the XML files themselves.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from lingxi.patents.importers import uspto_xml
from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.uspto_xml import UsptoXmlImporter, split_documents
from lingxi.patents.records import ParsedRecord, PatentRecord, Rejection

IMPORTER = UsptoXmlImporter()
OPTIONS = ImportOptions(include_description=True)  # read everything the format holds

# Patent documents per file (sequence listings, which share the weekly files, are not documents of ours).
DOCUMENTS = {
    "US08613112-20131224.XML": 1,  # grant, DTD v4.4, pretty-printed
    "US08927386-20150106.XML": 1,  # grant, DTD v4.5, CRLF line ends, CPC
    "ipa061228.one.xml": 1,  # application, DTD v4.1
    "ipa130117.one.xml": 2,  # applications, DTD v4.3
    "ipg050104.small.xml": 25,  # grants, DTD v4.0
    "ipg060103.small.xml": 25,  # grants, DTD v4.1, + 2 sequence listings
    "ipg070102.small.xml": 25,  # grants, DTD v4.2, + 1 sequence listing
    "ipg080101.small.xml": 25,
    "ipg090106.small.xml": 25,
    "ipg100105.small.xml": 25,
    "ipg100824-hyphenated.xml": 1,
    "ipg110104.small.xml": 25,
    "ipg120103.small.xml": 25,
    "ipg120327.196.xml": 196,
    "ipg130416.small.xml": 25,  # grants, DTD v4.3, + 2 sequence listings
    "pa040101.two.xml": 1,  # application, pap-v16 (2002-2004)
}
SEQUENCE_LISTINGS = {"ipg060103.small.xml": 2, "ipg070102.small.xml": 1, "ipg130416.small.xml": 2}


@pytest.fixture(scope="module")
def uspto_dir(shared_data: Path) -> Path:
    folder = shared_data / "us_uspto_xml"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


@pytest.fixture(scope="module")
def parsed(uspto_dir: Path) -> dict[str, list]:
    """Every result of every shared file, parsed once for the module."""
    return {name: list(IMPORTER.parse(uspto_dir / name, OPTIONS)) for name in DOCUMENTS}


def records(parsed, name: str) -> list[PatentRecord]:
    return [result.record for result in parsed[name]]


def record(parsed, name: str, publication_number: str) -> PatentRecord:
    (found,) = [r for r in records(parsed, name) if r.publication_number == publication_number]
    return found


def by_role(rec: PatentRecord, role: str) -> list:
    return [p for p in rec.parties if p.role == role]


def codes(rec: PatentRecord, scheme: str) -> list[str]:
    return [c.code for c in rec.classifications if c.scheme == scheme]


def main_code(rec: PatentRecord, scheme: str) -> str:
    (main,) = [c.code for c in rec.classifications if c.scheme == scheme and c.is_main]
    return main


# --- every shared file -----------------------------------------------------------------------------------


def test_the_shared_folder_holds_exactly_these_files(uspto_dir: Path) -> None:
    assert sorted(p.name for p in uspto_dir.iterdir()) == sorted(DOCUMENTS)
    assert sum(DOCUMENTS.values()) == 428  # 424 grants, 3 ICE applications, 1 pap-v16 application


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_file_imports_without_rejection(parsed, uspto_dir: Path, name: str) -> None:
    results = parsed[name]
    rejections = [r for r in results if isinstance(r, Rejection)]
    assert rejections == []
    assert len(results) == DOCUMENTS[name]
    assert IMPORTER.count(uspto_dir / name, OPTIONS) == DOCUMENTS[name]
    for result in results:
        rec = result.record
        assert rec.source_format == "uspto-xml"
        assert rec.country == "US" and rec.language == "en"
        assert rec.publication_number.startswith("US") and rec.kind_code
        assert rec.title and rec.claims and rec.first_claim == rec.claims[0]
        assert rec.publication_date and rec.application_date and rec.application_number
        assert rec.extra["number_of_claims"] == len(rec.claims)
        assert rec.doc_type in ("invention", "design", "plant", "reissue", "other")
        assert rec.legal_status == ("granted" if rec.kind_code[0] in "BSPEH" else "published")
        assert rec.description
        assert by_role(rec, "inventor")
        assert result.location.file == str(uspto_dir / name)
        assert result.location.identifier == rec.publication_number


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_sniff_recognises_the_file_by_content(uspto_dir: Path, tmp_path: Path, name: str) -> None:
    head = (uspto_dir / name).read_bytes()[:65536]
    assert IMPORTER.sniff(uspto_dir / name, head)
    renamed = tmp_path / "no-extension"  # the name plays no part
    shutil.copyfile(uspto_dir / name, renamed)
    assert IMPORTER.sniff(renamed, renamed.read_bytes()[:65536])


def test_sniff_rejects_other_formats(shared_data: Path, tmp_path: Path) -> None:
    folders = ("us_uspto_ppubs_json", "cn_cnki_export", "cn_patents_dev")
    others = [path for folder in folders for path in (shared_data / folder).glob("*")]
    assert others
    for path in others:
        assert not IMPORTER.sniff(path, path.read_bytes()[:65536]), path
    other_xml = tmp_path / "other.xml"
    other_xml.write_bytes(b'<?xml version="1.0"?>\n<ep-patent-document id="EP1"><SDOBI/></ep-patent-document>\n')
    assert not IMPORTER.sniff(other_xml, other_xml.read_bytes())
    bom_and_blank = b"\xef\xbb\xbf\n\n" + (shared_data / "us_uspto_xml" / "pa040101.two.xml").read_bytes()[:2000]
    assert IMPORTER.sniff(tmp_path / "x", bom_and_blank)


def test_sequence_listings_are_skipped_but_counted_in_document_positions(parsed) -> None:
    results = parsed["ipg060103.small.xml"]
    # Document 13 of the file is a sequence listing, so the grant after it is document 14, at line 6658.
    after = results[12]
    assert after.record.publication_number == "US06982157"
    assert (after.location.document, after.location.line) == (14, 6658)
    assert results[-1].location.document == 27


# --- spot checks per DTD version ---------------------------------------------------------------------------


def test_grant_v40(parsed) -> None:
    rec = record(parsed, "ipg050104.small.xml", "US06836899")
    assert rec.extra["dtd_version"].startswith("v40")
    assert (rec.kind_code, rec.doc_type, rec.legal_status) == ("B1", "invention", "granted")
    assert rec.title == "Device for detachably holding an absorbent napkin across the torso"
    assert rec.application_number == "10339710"
    assert rec.application_date == dt.date(2003, 1, 9)
    assert rec.publication_date == rec.grant_date == dt.date(2005, 1, 4)
    assert len(rec.claims) == 23
    assert rec.first_claim.startswith(
        "A holding device for removably holding a napkin over the front of the body or torso of a user comprising:"
    )
    assert rec.abstract.startswith("A napkin holder formed of two pairs of magnetic securing devices")
    assert codes(rec, "IPC") == ["A45F 5/04"]  # printed "A45F  504" in the old fixed layout
    assert main_code(rec, "USPC") == "2/52"
    assert codes(rec, "USPC")[1:3] == ["2/336", "2/323"]
    (inventor,) = by_role(rec, "inventor")
    assert (inventor.name, inventor.city, inventor.state) == ("Samuel G. Glasmire", "Bath", "PA")
    assert inventor.country == "US"
    assert [p.name for p in by_role(rec, "agent")] == ["Charles A. Wilkinson"]
    assert len(rec.citations) == 39
    first = rec.citations[0]
    assert (first.number, first.country, first.kind) == ("675108", "US", "A")
    assert (first.name, first.category) == ("Perkins", "examiner")
    assert first.date == dt.date(1901, 5, 1)  # printed 19010500: an unknown day becomes the 1st
    assert rec.extra["examiners"] == {"primary": "A. Vanatta", "art_unit": "3765"}
    assert rec.extra["term_extension_days"] == 167


def test_grant_v40_priority_and_related_publication(parsed) -> None:
    rec = record(parsed, "ipg050104.small.xml", "US06836979")
    assert rec.priority_claims == [
        {"country": "IT", "number": "BG2002A000039", "date": "2002-11-27", "kind": "national"}
    ]
    assert rec.extra["related_documents"] == [
        {"type": "related-publication", "relation": None, "country": "US", "number": "20040098881", "kind": "A1",
         "date": "2004-05-27"}
    ]  # fmt: skip
    assert codes(rec, "IPC") == ["A43B 13/14", "A43B 23/00"]


def test_grant_v41_with_non_patent_literature_and_two_assignees(parsed) -> None:
    rec = record(parsed, "ipg060103.small.xml", "US06982157")
    assert rec.extra["dtd_version"].startswith("v4.1")
    assert rec.title.startswith("Drug combinations comprising (E)-7-[4-(4-fluorophenyl)-6-isopropyl")
    assert len(rec.claims) == 4
    assert len(rec.citations) == 14 and sum(1 for c in rec.citations if c.npl_text) == 7
    assert [(p.name, p.city, p.country) for p in by_role(rec, "assignee")] == [
        ("AstraZeneca AB", "London", "GB"),
        ("Shionogi & Co., Ltd.", "Osaka", "JP"),
    ]
    assert len(by_role(rec, "inventor")) == 6
    assert [c["number"] for c in rec.priority_claims] == ["9902593", "9921063", "9921064"]
    assert rec.extra["pct_filing"]["number"] == "PCT/GB00/00278"
    assert rec.extra["pct_filing"]["371_date"] == "2001-11-13"


def test_statutory_invention_registration(parsed) -> None:
    rec = record(parsed, "ipg060103.small.xml", "USH0002140")
    assert (rec.kind_code, rec.doc_type, rec.extra["appl_type"]) == ("H1", "other", "sir")
    assert rec.title == "Bio-oxidation process and apparatus"
    assert "261/DIG.70" in codes(rec, "USPC")  # "261DIG 70": a digest, not a decimal subclass


def test_grant_v42_design(parsed) -> None:
    rec = record(parsed, "ipg070102.small.xml", "USD0534340")
    assert (rec.kind_code, rec.doc_type) == ("S1", "design")
    assert rec.title == "Footwear upper"
    assert rec.claims == ["The ornamental design for footwear upper, as shown and described."]
    assert rec.abstract is None
    assert main_code(rec, "LOCARNO") == "0299"
    assert codes(rec, "USPC") == ["D2/969"]  # printed "D 2969"
    assert [p.name for p in by_role(rec, "inventor")] == ["Manon Belley", "Martin W. F. Dean"]
    (assignee,) = by_role(rec, "assignee")
    assert (assignee.name, assignee.city, assignee.state) == ("Wolverine World Wide, Inc.", "Rockford", "MI")
    assert assignee.country == "US"
    assert rec.extra["examiners"]["assistant"] == "Rashida C. McCoy"


def test_grant_v42_plant(parsed) -> None:
    rec = record(parsed, "ipg080101.small.xml", "USPP018398")
    assert (rec.kind_code, rec.doc_type) == ("P2", "plant")
    assert rec.title == "Sedum telephium plant named \u2018Beka\u2019"
    assert codes(rec, "USPC") == ["PLT/263"] and codes(rec, "IPC") == ["A01H 5/00"]
    assert rec.citations == []


def test_grant_v42_hyphenated_names(parsed) -> None:
    (rec,) = records(parsed, "ipg100824-hyphenated.xml")
    assert rec.publication_number == "US07783348"
    assert rec.title == "Stimulation device for treating osteoarthritis"
    assert [p.name for p in by_role(rec, "inventor")] == ["Jagjit Gill", "Kin-Joe Sham", "Bryan Armitage"]
    assert [p.name for p in by_role(rec, "agent")] == ["Schwegman, Lundberg & Woessner, P.A."]
    assert len(rec.claims) == 25
    assert len(rec.citations) == 86 and sum(1 for c in rec.citations if c.npl_text) == 6
    assert rec.citations[0].category == "other"  # "cited by other"
    assert codes(rec, "USPC") == ["607/3", "602/2", "600/15"]  # "607  3", "602  2", "600 15"
    assert [d["number"] for d in rec.extra["related_documents"]] == ["60927354", "60983653", "20080288035"]
    assert rec.description.startswith("CROSS-REFERENCE TO RELATED APPLICATION(S)\nThis application claims priority")


def test_grant_v43_divisional_with_aia_parties(parsed) -> None:
    rec = record(parsed, "ipg130416.small.xml", "US08418361")
    assert rec.extra["dtd_version"].startswith("v4.3")
    assert rec.title == "Method of manufacturing printed circuit board having landless via hole"
    assert (rec.application_number, rec.application_date) == ("13299685", dt.date(2011, 11, 18))
    assert len(rec.claims) == 5
    assert main_code(rec, "IPC") == "H05K 3/02"
    names = ["Suk Won Lee", "Chang Gun Oh", "Mi Sun Hwang"]
    assert [p.name for p in by_role(rec, "inventor")] == names
    assert [p.name for p in by_role(rec, "applicant")] == names  # us-applicants, listed apart from inventors
    assert [p.name for p in by_role(rec, "assignee")] == ["Samsung Electro-Mechanics Co., Ltd."]
    assert len(rec.citations) == 10 and sum(1 for c in rec.citations if c.npl_text) == 3
    parent, child = rec.extra["related_documents"][:2]
    assert (parent["type"], parent["relation"], parent["number"]) == ("division", "parent-doc", "12213975")
    assert parent["status"] == "ABANDONED"
    assert (child["relation"], child["number"]) == ("child-doc", "13299685")
    assert rec.priority_claims[0]["number"] == "10-2008-0034874"


def test_grant_v44(parsed) -> None:
    (rec,) = records(parsed, "US08613112-20131224.XML")
    assert rec.extra["dtd_version"].startswith("v4.4")
    assert rec.title == "Article of clothing particularly intended to be used along with electronic devices"
    assert (rec.publication_date, rec.application_date) == (dt.date(2013, 12, 24), dt.date(2009, 5, 25))
    assert rec.application_number == "12994775"
    assert len(rec.claims) == 5
    # Nested claim-text elements make one claim; the leading "1." is not part of the text.
    assert rec.first_claim.startswith("An article of clothing comprising: a garment (11) configured to cover")
    assert rec.first_claim.endswith("preventing the cable from being removed accidentally from the coulisse (6).")
    assert rec.claims[1] == (
        "The article of clothing according to claim 1, wherein the case (2) is made of a waterproof material."
    )
    assert codes(rec, "IPC") == ["A41D 1/04", "A41D 27/20"] and main_code(rec, "IPC") == "A41D 1/04"
    assert codes(rec, "USPC") == ["2/69", "2/115", "2/247"]
    assert [p.name for p in by_role(rec, "inventor")] == ["Massimiliano Santucci", "Domenico Santucci"]
    assert [p.name for p in by_role(rec, "agent")] == ["William J. Sapone", "Ware Fressola Maguire & Barber LLP"]
    (assignee,) = by_role(rec, "assignee")
    assert (assignee.name, assignee.city, assignee.country) == ("Massimiliano Santuccio", "Argelato (Bologna)", "IT")
    assert len(rec.citations) == 20
    assert sum(1 for c in rec.citations if c.category == "applicant") == 8
    assert sum(1 for c in rec.citations if c.category == "examiner") == 12
    assert rec.priority_claims == [{"country": "IT", "number": "BO2008A0338", "date": "2008-05-28", "kind": "national"}]
    # The source is indented: the description comes out one paragraph per line, without the indentation.
    assert rec.description.startswith("TECHNICAL FIELD\nThe present invention relates to the technical field")
    assert "  " not in rec.description and "\n " not in rec.description


def test_grant_v45_with_cpc(parsed) -> None:
    (rec,) = records(parsed, "US08927386-20150106.XML")
    assert rec.extra["dtd_version"].startswith("v4.5")
    assert rec.title == "Method for manufacturing deep-trench super PN junctions"
    assert (rec.publication_date, rec.application_date) == (dt.date(2015, 1, 6), dt.date(2012, 5, 31))
    assert len(rec.claims) == 19
    assert rec.first_claim.startswith("A method for forming a super PN junction, comprising:")
    assert main_code(rec, "CPC") == "H01L 29/66136"
    assert codes(rec, "CPC") == ["H01L 29/66136", "H01L 29/0619", "H01L 21/3065"]
    assert main_code(rec, "IPC") == "H01L 21/04"
    assert "H01L 21/3065" in codes(rec, "IPC")
    assert main_code(rec, "USPC") == "438/416"
    inventors = ["Tzong Shiann Wu", "Genyi Wang", "Leibing Yuan", "Pengpeng Wu"]
    assert [p.name for p in by_role(rec, "inventor")] == inventors
    assert [(p.name, p.city, p.country) for p in by_role(rec, "assignee")] == [
        ("CSMC Technologies FAB1 Co., Ltd.", "Wuxi", "CN"),
        ("CSMC Technologies FAB2 Co., Ltd.", "Wuxi", "CN"),
    ]
    assert len(rec.citations) == 5
    assert "\r" not in rec.description  # the file has CRLF line ends


def test_application_v41(parsed) -> None:
    (rec,) = records(parsed, "ipa061228.one.xml")
    assert rec.publication_number == "US20060288462"
    assert (rec.kind_code, rec.doc_type, rec.legal_status, rec.grant_date) == ("A1", "invention", "published", None)
    assert rec.title == "Garments composed of fabric panels incorporating edible cells"
    assert (rec.application_number, rec.application_date) == ("11197279", dt.date(2005, 8, 4))
    assert rec.publication_date == dt.date(2006, 12, 28)
    assert len(rec.claims) == 10
    assert codes(rec, "IPC") == ["A41D 31/00", "A23G 1/50"]
    assert codes(rec, "USPC") == ["2/1", "426/104"]  # printed "002001000", "426104000"
    assert [p.name for p in by_role(rec, "inventor")] == ["Yvonne Schroeder"]
    assert [p.name for p in by_role(rec, "assignee")] == ["AMERICAN EXPRESS TRAVEL RELATED SERVICES COMPANY, INC."]
    parent = rec.extra["related_documents"][0]
    assert (parent["type"], parent["number"], parent["status"]) == ("continuation-in-part", "29232669", "PENDING")


def test_applications_v43(parsed) -> None:
    first, second = records(parsed, "ipa130117.one.xml")
    assert first.publication_number == "US20130014308" and second.publication_number == "US20130014306"
    assert first.title == "TYPING-MATE" and second.title == "TACTICAL MIXED MARTIAL ARTS GLOVE"
    assert (first.application_number, first.application_date) == ("13181579", dt.date(2011, 7, 13))
    assert len(first.claims) == 12 and len(second.claims) == 14
    assert codes(first, "IPC") == ["A41D 13/08"]
    assert [p.name for p in by_role(second, "applicant")] == ["Christopher Mechling", "Nicholas Mechling"]
    assert [d["number"] for d in second.extra["related_documents"]] == ["61433841", "61473378", "61526999"]
    assert first.extra["file"] == "US20130014305A1-20130117.XML"  # as given; the number comes from the document


def test_application_pap_v16(parsed) -> None:
    (result,) = parsed["pa040101.two.xml"]
    rec = result.record
    assert rec.publication_number == "US20040000002"
    assert (rec.kind_code, rec.doc_type, rec.legal_status) == ("A1", "invention", "published")
    assert rec.extra["dtd_version"] == "pap-v16"
    assert rec.title == "Garment for preventing muscle strain"
    assert (rec.application_number, rec.application_date) == ("10189364", dt.date(2002, 6, 27))
    assert rec.publication_date == dt.date(2004, 1, 1)
    assert rec.abstract.startswith("A garment adapted for wear by persons desiring to maintain their arms")
    assert rec.claims == [
        "A garment for releasably securing a user's hands at a fixed location along the user's body, comprising: "
        "an upper portion adapted for wear on the user's upper body, said upper portion having a first attachment "
        "means; and a hand portion adapted for wear along at least one of the user's hands, said hand portion "
        "having a second attachment means; wherein said first and second attachment means are releasably "
        "engageable for securing at least one of the user's hands to the user's upper body in a desired position."
    ]
    assert codes(rec, "IPC") == ["A41B 1/00"] and codes(rec, "USPC") == ["2/69"]
    (inventor,) = by_role(rec, "inventor")
    assert (inventor.name, inventor.city, inventor.state) == ("Scott Hollander", "Tarzana", "CA")
    assert inventor.country == "US"
    assert [p.name for p in by_role(rec, "assignee")] == ["Hill-Rom Services, Inc."]
    assert [(d["relation"], d["number"]) for d in rec.extra["related_documents"]] == [
        ("parent-doc", "09919271"),
        ("parent-grant-document", "6557176"),
        ("child-doc", "10430371"),
    ]
    assert rec.description.startswith("BACKGROUND OF THE INVENTION\n[0001] 1. Field of the Invention\n")


# --- bad input -----------------------------------------------------------------------------------------------


def _first_documents(path: Path, count: int) -> list[bytes]:
    with path.open("rb") as stream:
        documents = []
        for raw in split_documents(stream):
            documents.append(raw.data)
            if len(documents) == count:
                return documents
    raise AssertionError("not enough documents")


def test_a_broken_document_costs_one_rejection(uspto_dir: Path, tmp_path: Path) -> None:
    good1, good2, good3 = _first_documents(uspto_dir / "ipg120327.196.xml", 3)
    broken = good2.replace(b"</invention-title>", b"", 1)  # an unclosed element
    weekly = tmp_path / "ipg-broken.xml"
    weekly.write_bytes(good1 + broken + good3)

    results = list(IMPORTER.parse(weekly, OPTIONS))
    assert [type(r) for r in results] == [ParsedRecord, Rejection, ParsedRecord]
    assert IMPORTER.count(weekly, OPTIONS) == 3
    first, rejection, third = results
    assert first.record.publication_number == "USD0656296"
    assert third.record.publication_number == "USD0656298"
    assert (third.location.document, third.location.line) == (3, 1 + good1.count(b"\n") + broken.count(b"\n"))
    location = rejection.location
    assert (location.file, location.document, location.identifier) == (str(weekly), 2, "D0656297")
    assert location.line == 1 + good1.count(b"\n")  # the line of its XML declaration
    assert rejection.reason.startswith("malformed XML at line ")
    assert "invention-title" in rejection.reason  # libxml2's own message
    assert rejection.excerpt


def test_a_fault_inside_a_description_left_out_costs_only_the_description(uspto_dir: Path, tmp_path: Path) -> None:
    (good,) = _first_documents(uspto_dir / "US08613112-20131224.XML", 1)
    start = good.index(b"<description")
    broken = good[:start] + good[start:].replace(b"</p>", b"</q>", 1)  # a mismatched tag in the description
    path = tmp_path / "ipg-description-fault.xml"
    path.write_bytes(broken)
    (whole,) = IMPORTER.parse(path, OPTIONS)
    assert isinstance(whole, Rejection) and whole.reason.startswith("malformed XML at line ")
    (bare,) = IMPORTER.parse(path, ImportOptions())
    assert isinstance(bare, ParsedRecord) and bare.description_left_out and bare.record.description is None
    (expected,) = IMPORTER.parse(uspto_dir / "US08613112-20131224.XML", ImportOptions())
    assert bare.record == expected.record


def test_truncated_last_document_and_junk_are_rejected(uspto_dir: Path, tmp_path: Path) -> None:
    good1, good2 = _first_documents(uspto_dir / "ipg120327.196.xml", 2)
    not_a_patent = (
        b'<?xml version="1.0"?>\n<!DOCTYPE other SYSTEM "other.dtd">\n<other><doc-number>X1</doc-number></other>\n'
    )
    no_number = b'<?xml version="1.0"?>\n<us-patent-grant><us-bibliographic-data-grant/></us-patent-grant>\n'
    weekly = tmp_path / "weekly.xml"
    weekly.write_bytes(good1 + not_a_patent + no_number + good2[: len(good2) // 2])

    results = list(IMPORTER.parse(weekly, OPTIONS))
    assert [type(r) for r in results] == [ParsedRecord, Rejection, Rejection, Rejection]
    assert "not a USPTO patent document" in results[1].reason and results[1].location.identifier == "X1"
    assert "no publication number" in results[2].reason
    assert results[3].reason.startswith("malformed XML") and results[3].location.identifier == "D0656297"
    assert [r.location.document for r in results] == [1, 2, 3, 4]


def test_undefined_named_entities_are_mapped(uspto_dir: Path, tmp_path: Path) -> None:
    """pap-v16 documents were written against DTDs defining ISO and HTML entities we do not load."""
    document = (uspto_dir / "pa040101.two.xml").read_bytes().replace(
        b"Garment for preventing muscle strain", b"Garment &ldquo;for&rdquo; 5 &mgr;m &Dgr; &bogus; strain", 1
    )
    path = tmp_path / "pap.xml"
    path.write_bytes(document)
    (result,) = IMPORTER.parse(path, OPTIONS)
    assert result.record.title == "Garment \u201cfor\u201d 5 \u03bcm \u0394 &bogus; strain"


# --- our own small documents: reissue, underscore idiom ----------------------------------------------------------

REISSUE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v42-2006-08-23.dtd" [ ]>
<us-patent-grant lang="EN" dtd-version="v4.2 2006-08-23" file="USRE043210-20120221.XML" status="PRODUCTION">
<us-bibliographic-data-grant>
<publication-reference><document-id><country>US</country><doc-number>RE043210</doc-number><kind>E1</kind>
<date>20120221</date></document-id></publication-reference>
<application-reference appl-type="reissue"><document-id><country>US</country><doc-number>12345678</doc-number>
<date>20100301</date></document-id></application-reference>
<us-application-series-code>12</us-application-series-code>
<classifications-ipcr><classification-ipcr><section>G</section><class>06</class><subclass>F</subclass>
<main-group>017</main-group><subgroup>30</subgroup><symbol-position>L</symbol-position></classification-ipcr>
<classification-ipcr><section>H</section><class>04</class><subclass>L</subclass><main-group>29</main-group>
<subgroup>06</subgroup><symbol-position>F</symbol-position></classification-ipcr></classifications-ipcr>
<classification-national><country>US</country><main-classification>707  3</main-classification>
<further-classification>D 32031</further-classification></classification-national>
<invention-title id="t1">Search <i>engine</i></invention-title>
<references-cited><citation><nplcit num="00001"><othercit>See www.example.com/a<sub>&#x2014;</sub>b.html</othercit>
</nplcit><category>cited by applicant</category></citation></references-cited>
<us-related-documents><reissue><relation><parent-doc><document-id><country>US</country>
<doc-number>7000001</doc-number><kind>B2</kind><date>20060214</date></document-id>
<parent-grant-document><document-id><country>US</country><doc-number>7000001</doc-number></document-id>
</parent-grant-document></parent-doc><child-doc><document-id><country>US</country><doc-number>12345678</doc-number>
</document-id></child-doc></relation></reissue></us-related-documents>
<parties><applicants><applicant sequence="001" app-type="applicant-inventor"><addressbook>
<last-name>Doe</last-name><first-name>Jane</first-name><address><city>Austin</city><state>TX</state>
<country>US</country></address></addressbook></applicant></applicants></parties>
</us-bibliographic-data-grant>
<abstract id="abstract"><p>A  search
 engine.</p></abstract>
<description id="description"><heading>FIELD</heading><p>Searching.</p><p>More <b>text</b>.</p></description>
<claims id="claims"><claim id="CLM-00001" num="00001"><claim-text>1. A method comprising:
<claim-text>searching; and</claim-text><claim-text>finding.</claim-text></claim-text></claim>
<claim id="CLM-00002" num="00002"><claim-text>2. The method of
<claim-ref idref="CLM-00001">claim 1</claim-ref>.</claim-text></claim></claims>
</us-patent-grant>
"""


def test_reissue_document_of_our_own(tmp_path: Path) -> None:
    path = tmp_path / "reissue"
    path.write_bytes(REISSUE)
    assert IMPORTER.sniff(path, REISSUE) and IMPORTER.count(path, OPTIONS) == 1
    (result,) = IMPORTER.parse(path, OPTIONS)
    rec = result.record
    assert (rec.publication_number, rec.kind_code, rec.doc_type) == ("USRE043210", "E1", "reissue")
    assert rec.title == "Search engine"
    assert rec.abstract == "A search engine."
    assert rec.claims == ["A method comprising: searching; and finding.", "The method of claim 1."]
    # Blocks keep their own lines even when the source puts them on one line.
    assert rec.description == "FIELD\nSearching.\nMore text."
    # The symbol in position "F" is the main IPC even when it is listed second; main groups lose padding zeros.
    assert [(c.code, c.is_main) for c in rec.classifications if c.scheme == "IPC"] == [
        ("G06F 17/30", False),
        ("H04L 29/06", True),
    ]
    assert codes(rec, "USPC") == ["707/3", "D3/203.1"]
    (citation,) = rec.citations
    assert citation.npl_text == "See www.example.com/a_b.html"  # USPTO's subscript em dash is an underscore
    assert citation.category == "applicant"
    assert [(d["type"], d["relation"], d["number"]) for d in rec.extra["related_documents"]] == [
        ("reissue", "parent-doc", "7000001"),
        ("reissue", "parent-grant-document", "7000001"),
        ("reissue", "child-doc", "12345678"),
    ]
    (inventor,) = rec.parties
    assert (inventor.role, inventor.name, inventor.city, inventor.state) == ("inventor", "Jane Doe", "Austin", "TX")



@pytest.mark.parametrize(
    "document",
    [
        REISSUE.replace(b"<claim-text>finding.", b'<claim-text id="c1">finding.', 1),  # after plain ones
        REISSUE.replace(b"<claim-text>1. A method", b'<claim-text id="c0">1. A method', 1),  # the first one
        REISSUE.replace(b"\n<claim-text>searching", b"<claim-text>searching", 1),  # no line break before a clause
    ],
)
def test_claim_clauses_never_run_together(tmp_path: Path, document: bytes) -> None:
    """Spacing clauses on the bytes, or (a claim-text with attributes anywhere) element by element, reads alike."""
    path = tmp_path / "claims.xml"
    path.write_bytes(document)
    (result,) = IMPORTER.parse(path, OPTIONS)
    assert result.record.claims == ["A method comprising: searching; and finding.", "The method of claim 1."]


def test_a_document_without_claims(tmp_path: Path) -> None:
    path = tmp_path / "no-claims.xml"
    path.write_bytes(REISSUE[: REISSUE.index(b"<claims")] + b"</us-patent-grant>\n")
    (result,) = IMPORTER.parse(path, OPTIONS)
    assert result.record.claims == [] and result.record.title == "Search engine"

# --- splitting ---------------------------------------------------------------------------------------------------


def test_splitting_does_not_depend_on_chunk_boundaries(uspto_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (uspto_dir / "ipg060103.small.xml").read_bytes()
    expected = list(split_documents(io.BytesIO(data)))
    assert len(expected) == 27
    declaration_lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.startswith(b"<?xml")]
    assert [d.line for d in expected] == declaration_lines
    for size in (5, 997, 65536):
        monkeypatch.setattr(uspto_xml, "_READ_SIZE", size)
        again = list(split_documents(io.BytesIO(data)))
        assert [(d.index, d.line, d.data) for d in again] == [(d.index, d.line, d.data) for d in expected]


@pytest.mark.parametrize(
    ("printed", "code"),
    [("D 2703", "D2/703"), (" 66176", "66/176"), ("607  3", "607/3"), (" 36 32 R", "36/32R"), ("D 32031", "D3/203.1"),
     ("D07 9", "D7/9"), ("257E21334", "257/E21.334"), ("002001000", "2/1"), ("PLT263", "PLT/263")],
)  # fmt: skip
def test_us_class_normalisation(printed: str, code: str) -> None:
    assert uspto_xml._uspc(printed) == code


@pytest.mark.parametrize(
    ("printed", "code"),
    [("A45F  504", "A45F 5/04"), ("B60R 2228", "B60R 22/28"), ("A41B001/00", "A41B 1/00"),
     ("H01L 21/027", "H01L 21/027")],
)
def test_printed_ipc_normalisation(printed: str, code: str) -> None:
    assert uspto_xml._ipc_from_string(printed) == code


def test_description_whitespace_is_squeezed_line_by_line() -> None:
    """Runs of spaces become one, a space before a line break goes, and so does everything blank after one
    (blank lines, indentation, Unicode spaces); tabs and no-break spaces inside a line stay."""
    from lxml import etree

    description = etree.fromstring(
        "<description>\n<p>Runs  of   spaces \t and a tab.  </p>\n\n    \n"
        "<ul>\n        <li>Indented   item \n</li>\n\u3000\u00a0<li>After\u00a0ideographic space.</li>\n</ul>\n"
        "<p>Last \n  </p>\n</description>"
    )
    assert uspto_xml._description_text(description) == (
        "Runs of spaces \t and a tab.\nIndented item\nAfter\u00a0ideographic space.\nLast"
    )
