"""Spreadsheet exports: the real CNKI export (.xlsx and .csv), generated CSV/XLSX in the usual encodings and
header styles, the user mapping file, and every rejection case."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from lingxi.patents.importers import detect_importer
from lingxi.patents.importers.base import ImportOptions
from lingxi.patents.importers.column_mapping import (
    MappingFileError,
    load_mapping_file,
    normalise_class_code,
    normalise_header,
    parse_date_value,
    resolve_headers,
    split_claims_text,
)
from lingxi.patents.importers.spreadsheet import SpreadsheetImporter, detect_encoding
from lingxi.patents.records import ParsedRecord, Rejection

IMPORTER = SpreadsheetImporter()
CNKI_CSV = "MaterialChemistry_18_19.csv"
CNKI_XLSX = "MaterialChemistry_18_19.xlsx"


def _parse(path: Path, **options) -> list:
    return list(IMPORTER.parse(path, ImportOptions(**options)))


def _records(results: list) -> list:
    return [r.record for r in results if isinstance(r, ParsedRecord)]


def _rejections(results: list) -> list:
    return [r for r in results if isinstance(r, Rejection)]


def _write_csv(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# ----------------------------------------------------------------------------------------------------------
# The real CNKI export
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cnki(shared_data: Path) -> dict[str, list]:
    folder = shared_data / "cn_cnki_export"
    return {name: _parse(folder / name) for name in (CNKI_CSV, CNKI_XLSX)}


def test_cnki_export_imports_without_rejections(cnki: dict, shared_data: Path) -> None:
    for name, results in cnki.items():
        path = shared_data / "cn_cnki_export" / name
        assert IMPORTER.sniff(path, path.read_bytes()[:65536])
        assert detect_importer(path).name == "spreadsheet"
        assert len(results) == 33 and not _rejections(results), name


def test_cnki_first_record(cnki: dict) -> None:
    result = cnki[CNKI_XLSX][0]
    record = result.record
    assert (result.location.line, result.location.identifier) == (2, "CN108982325A")
    assert record.title == "地下防污屏障材料化学相容性测试装置及方法"
    assert record.publication_number == "CN108982325A"
    assert (record.country, record.kind_code, record.doc_type) == ("CN", "A", "invention")
    assert record.application_date == dt.date(2018, 7, 30)
    assert record.publication_date == dt.date(2018, 12, 11)
    assert record.grant_date is None  # an A publication is not a grant
    assert [(p.role, p.name, p.sequence) for p in record.parties] == [
        ("applicant", "浙江大学", 0),
        ("inventor", "李育超", 0),
        ("inventor", "于泽溪", 1),
        ("inventor", "魏璐璐", 2),
        ("inventor", "黄根清", 3),
    ]
    assert record.abstract.startswith("本发明公开了一种地下防污屏障材料化学相容性测试装置及方法。")
    assert record.first_claim.startswith(
        "一种地下防污屏障材料化学相容性测试装置,其特征在于：包含渗透压力室(1)"
    )  # "1." removed
    assert record.language == "zh"
    assert record.extra == {
        "source": "中国专利",
        "url": "https://kns.cnki.net/kcms/detail/detail.aspx?dbcode=SCPD&dbname=SCPD201901&filename=CN108982325A",
    }


def test_cnki_kinds_applicants_and_inventors(cnki: dict) -> None:
    records = {r.publication_number: r for r in _records(cnki[CNKI_CSV])}
    utility = records["CN208104517U"]
    assert utility.doc_type == "utility_model" and utility.grant_date == utility.publication_date == dt.date(
        2018, 11, 16
    )
    granted = records["CN105367415B"]
    assert granted.doc_type == "invention" and granted.grant_date == dt.date(2018, 2, 13)
    assert granted.application_date == dt.date(2015, 11, 13)
    assert [p.name for p in granted.parties if p.role == "applicant"] == [
        "航天资源循环科技有限公司",
        "中国科学院过程工程研究所",
    ]
    assert len([p for p in records["CN105385897B"].parties if p.role == "inventor"]) == 15
    assert [p.name for p in records["CN104205376B"].parties if p.role == "inventor"] == [
        "托马斯·L·埃文斯",
        "克里斯托弗·卢克·海因",
    ]
    assert records["CN108774510A"].abstract.endswith("x为Eu2+的掺杂含量,0")  # trailing CR/LF and blanks stripped
    kinds = {}
    for record in records.values():
        kinds[record.kind_code] = kinds.get(record.kind_code, 0) + 1
    assert kinds == {"A": 15, "U": 12, "B": 6}


def test_cnki_xlsx_and_csv_give_the_same_records(cnki: dict) -> None:
    """Same 33 records from both files. The only differences are in the source text itself: where the .xlsx
    (as exported) has '#' for a character CNKI's page lost (e.g. "760#820℃", "Ca10#x#zYZ"), whoever made the
    .csv wrote a blank. The importer keeps each file's text as it is."""
    from_csv = [r.record for r in cnki[CNKI_CSV]]
    from_xlsx = [r.record for r in cnki[CNKI_XLSX]]
    assert len(from_csv) == len(from_xlsx) == 33
    text_differences = 0
    for a, b in zip(from_csv, from_xlsx, strict=True):
        left, right = a.to_dict(), b.to_dict()
        for field in ("abstract", "first_claim"):
            if left[field] != right[field]:
                text_differences += 1
                assert left[field] == right[field].replace("#", " ")
            left.pop(field), right.pop(field)
        assert left == right
    assert text_differences == 19


# ----------------------------------------------------------------------------------------------------------
# Generated files: encodings and header styles
# ----------------------------------------------------------------------------------------------------------

CHINESE_HEADER = [
    "序号",
    "公开（公告）号",
    "标题",
    "申请号",
    "申请日",
    "公开(公告)日",
    "申请(专利权)人",
    "发明人",
    "IPC分类号",
    "主分类号",
    "摘要",
    "主权项",
    "法律状态",
    "专利类型",
    "优先权",
    "代理机构",
    "地址",
    "国省代码",
    "引证专利",
    "被引证专利",
]
CHINESE_ROW = [
    "1",
    "CN109888888B",
    "一种锂离子电池负极材料及其制备方法",
    "CN201810123456.7",
    "2018/7/30",
    "2020年3月3日",
    "宁德时代新能源科技股份有限公司;清华大学",
    "张三；李四、王五",
    "H01M4/36;H01M4/583",
    "H01M4/583",
    "本发明公开了一种负极材料。",
    "1.一种锂离子电池负极材料，其特征在于……",
    "授权",
    "发明",
    "CN201710000001.X 2017-01-03",
    "北京集佳知识产权代理有限公司",
    "福建省宁德市蕉城区",
    "35",
    "CN1234567A;US7654321B2",
    "CN112222222A",
]


def _check_chinese_record(record) -> None:
    assert record.title == "一种锂离子电池负极材料及其制备方法"
    assert record.publication_number == "CN109888888B" and record.application_number == "CN201810123456.7"
    assert (record.country, record.kind_code, record.doc_type) == ("CN", "B", "invention")
    assert record.application_date == dt.date(2018, 7, 30)
    assert record.publication_date == record.grant_date == dt.date(2020, 3, 3)
    parties = [(p.role, p.name, p.sequence) for p in record.parties]
    assert parties == [
        ("applicant", "宁德时代新能源科技股份有限公司", 0),
        ("applicant", "清华大学", 1),
        ("inventor", "张三", 0),
        ("inventor", "李四", 1),
        ("inventor", "王五", 2),
        ("agent", "北京集佳知识产权代理有限公司", 0),
    ]
    assert record.parties[0].address == "福建省宁德市蕉城区"
    assert [(c.scheme, c.code, c.is_main) for c in record.classifications] == [
        ("IPC", "H01M 4/583", True),
        ("IPC", "H01M 4/36", False),
    ]
    assert record.abstract == "本发明公开了一种负极材料。"
    assert record.first_claim == "一种锂离子电池负极材料，其特征在于……"
    assert record.legal_status == "授权"
    assert record.priority_claims == [
        {"date": "2017-01-03", "number": "CN201710000001.X", "country": "CN", "text": "CN201710000001.X 2017-01-03"}
    ]
    assert [(c.number, c.country, c.kind) for c in record.citations] == [
        ("CN1234567A", "CN", "A"),
        ("US7654321B2", "US", "B2"),
    ]
    assert record.extra == {"cited_by": ["CN112222222A"], "province_code": "35"}
    assert record.language == "zh"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_chinese_headers_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = _write_csv(tmp_path / f"cnipa-{encoding}.csv", [CHINESE_HEADER, CHINESE_ROW], encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert IMPORTER.sniff(path, path.read_bytes()[:65536])
    expected = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}[encoding]
    assert detect_encoding(path.read_bytes()) == expected
    results = _parse(path)
    assert not _rejections(results)  # 序号 is a known column (ignored), the BOM does not spoil 序号
    (record,) = _records(results)
    _check_chinese_record(record)


def test_gb18030_characters_outside_gbk(tmp_path: Path) -> None:
    rows = [["标题", "申请人", "发明人"], ["一种𠮷祥物摆件", "示例科技有限公司", "李䶮;张㐀"]]
    path = _write_csv(tmp_path / "gb18030.csv", rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("gbk")
    (record,) = _records(_parse(path))
    assert record.title == "一种𠮷祥物摆件"
    assert [p.name for p in record.parties if p.role == "inventor"] == ["李䶮", "张㐀"]
    # the encoding option overrides detection: GBK cannot read this file, GB18030 can
    (rejection,) = _parse(path, encoding="gbk")
    assert rejection.reason.startswith("cannot decode the file as gbk")
    assert _records(_parse(path, encoding="gb18030"))[0].title == "一种𠮷祥物摆件"


def test_patsnap_style_english_headers(tmp_path: Path) -> None:
    rows = [
        [
            "Publication Number",
            "Title",
            "Abstract",
            "Applicants",
            "Current Assignee",
            "Inventors",
            "Application Number",
            "Application Date",
            "Publication Date",
            "IPC",
            "CPC",
            "Legal Status",
            "Priority Date",
            "Patent Type",
        ],
        [
            "US11556547B2",
            "Determination apparatus",
            "A determination device…",
            "Yahoo Japan Corporation",
            "LY Corporation",
            "Tsubouchi, Kota; Yamaguchi, Shuji",
            "US17/197933",
            "2021.03.10",
            "20230117",
            "G06F16/2457 | G06F16/248",
            "G06F16/24575",
            "Active",
            "2020-03-19",
            "Granted Patent",
        ],
    ]
    path = _write_csv(tmp_path / "patsnap.csv", rows)
    results = _parse(path)
    assert not _rejections(results)
    (record,) = _records(results)
    assert record.publication_number == "US11556547B2" and (record.country, record.kind_code) == ("US", "B2")
    assert record.application_date == dt.date(2021, 3, 10) and record.publication_date == dt.date(2023, 1, 17)
    assert [(p.role, p.name) for p in record.parties] == [
        ("applicant", "Yahoo Japan Corporation"),
        ("assignee", "LY Corporation"),
        ("inventor", "Tsubouchi, Kota"),
        ("inventor", "Yamaguchi, Shuji"),  # commas stay inside English names
    ]
    assert [(c.scheme, c.code, c.is_main) for c in record.classifications] == [
        ("IPC", "G06F 16/2457", True),
        ("IPC", "G06F 16/248", False),
        ("CPC", "G06F 16/24575", False),
    ]
    assert record.legal_status == "Active" and record.priority_claims == [{"date": "2020-03-19"}]
    assert record.doc_type is None and record.extra["patent_type"] == "Granted Patent"
    assert record.language == "en"


def test_google_patents_export_with_search_line(tmp_path: Path) -> None:
    rows = [
        ["search URL:", "https://patents.google.com/?q=(battery)"],
        [
            "id",
            "title",
            "assignee",
            "inventor/author",
            "priority date",
            "filing/creation date",
            "publication date",
            "grant date",
            "result link",
            "representative figure link",
        ],
        [
            "US-7654321-B2",
            "Battery pack",
            "Acme Corp",
            "Jane Doe, John Roe",
            "2005-01-02",
            "2006-01-02",
            "2010-02-02",
            "2010-02-02",
            "https://patents.google.com/patent/US7654321B2/en",
            "https://example.org/fig.png",
        ],
        [
            "CN-108982325-A",
            "地下防污屏障材料化学相容性测试装置及方法",
            "浙江大学",
            "李育超,于泽溪",
            "2018-07-30",
            "2018-07-30",
            "2018-12-11",
            "",
            "https://patents.google.com/patent/CN108982325A/zh",
            "",
        ],
    ]
    path = _write_csv(tmp_path / "gp.csv", rows)
    assert IMPORTER.sniff(path, path.read_bytes())
    results = _parse(path)
    assert not _rejections(results)
    us, cn = _records(results)
    assert [r.location.line for r in results] == [3, 4]
    assert us.publication_number == "US-7654321-B2" and (us.country, us.kind_code) == ("US", "B2")
    assert us.grant_date == dt.date(2010, 2, 2) and us.application_date == dt.date(2006, 1, 2)
    assert [(p.role, p.name) for p in us.parties] == [("assignee", "Acme Corp"), ("inventor", "Jane Doe, John Roe")]
    assert us.extra["url"] == "https://patents.google.com/patent/US7654321B2/en"
    assert us.extra["representative_figure"] == "https://example.org/fig.png"
    assert (cn.country, cn.doc_type) == ("CN", "invention")
    assert [p.name for p in cn.parties if p.role == "inventor"] == ["李育超", "于泽溪"]  # Chinese cell: comma splits


def test_lens_style_export(tmp_path: Path) -> None:
    rows = [
        [
            "#",
            "Jurisdiction",
            "Kind",
            "Display Key",
            "Lens ID",
            "Publication Date",
            "Publication Year",
            "Title",
            "Applicants",
            "Inventors",
            "IPCR Classifications",
            "Simple Family Size",
        ],
        [
            "1",
            "US",
            "B2",
            "US 11556547 B2",
            "055-316-012-633-31X",
            "2023-01-17",
            "2023",
            "Determination apparatus",
            "YAHOO JAPAN CORP",
            "TSUBOUCHI KOTA;;YAMAGUCHI SHUJI",
            "G06F16/2457;;G06F16/248",
            "3",
        ],
    ]
    path = _write_csv(tmp_path / "lens.csv", rows)
    results = _parse(path)
    assert not _rejections(results)
    (record,) = _records(results)
    assert (record.publication_number, record.country, record.kind_code) == ("US 11556547 B2", "US", "B2")
    assert record.external_id == "055-316-012-633-31X"
    assert [p.name for p in record.parties if p.role == "inventor"] == ["TSUBOUCHI KOTA", "YAMAGUCHI SHUJI"]
    assert [c.code for c in record.classifications] == ["G06F 16/2457", "G06F 16/248"]
    assert record.extra == {"publication_year": "2023", "family_size": "3"}


def test_xlsx_with_excel_dates_numbers_and_errors(tmp_path: Path) -> None:
    rows = [
        ["标题", "申请号", "申请日", "公开日", "申请人", "发明人"],
        ["一种电池", 201810123456, dt.datetime(2018, 7, 30), dt.date(2019, 1, 4), "甲公司", "张三;李四"],
        [None, None, None, None, None, None],
        ["一种电机", "CN201810000002.2", "2018.07.31", 43466, "乙公司", None],
        ["一种电容", None, "2018-13-45", None, "丙公司", None],
        [None, "CN201810000004.4", "2018-08-01", None, "丁公司", None],
        ["一种电阻", None, "20180802", "2018年8月2日", "戊公司", None],
    ]
    path = _write_xlsx(tmp_path / "list.xlsx", rows)
    assert IMPORTER.sniff(path, path.read_bytes()[:65536])
    assert IMPORTER.count(path, ImportOptions()) == 6
    results = _parse(path)
    assert [(type(r).__name__, r.location.line) for r in results] == [
        ("ParsedRecord", 2),
        ("ParsedRecord", 4),
        ("Rejection", 5),
        ("Rejection", 6),
        ("ParsedRecord", 7),
    ]
    battery, motor, resistor = _records(results)
    assert battery.application_number == "201810123456"  # a number cell, written without ".0"
    assert battery.application_date == dt.date(2018, 7, 30) and battery.publication_date == dt.date(2019, 1, 4)
    assert motor.application_date == dt.date(2018, 7, 31) and motor.publication_date == dt.date(
        2019, 1, 1
    )  # Excel serial
    assert resistor.application_date == dt.date(2018, 8, 2) == resistor.publication_date
    broken_date, no_title = _rejections(results)
    assert broken_date.reason == "column '申请日' has an invalid date '2018-13-45'"
    assert broken_date.location.file == str(path)
    assert no_title.reason == "row has no title"


# ----------------------------------------------------------------------------------------------------------
# User mapping file
# ----------------------------------------------------------------------------------------------------------

CUSTOM_ROWS = [
    ["Name of invention", "Company", "Filed on", "Ref", "Tags", "Inventor(s)"],
    ["Smart grid relay", "Acme Power|Beta Grid", "30/07/2018", "R-17", "energy", "Wang Fang|Li Lei"],
]


def test_user_mapping_file_yaml(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "custom.csv", CUSTOM_ROWS)
    assert not IMPORTER.sniff(path, path.read_bytes())  # nothing known without the mapping
    (rejection,) = _parse(path)
    assert rejection.location.line == 1 and rejection.reason.startswith("no header row with known columns found")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n"
        "  Name of invention: title\n"
        "  company: applicants\n"  # matched after normalisation
        "  Filed on: application_date\n"
        "  Ref: extra.internal_ref\n"
        "  Tags: ignore\n"
        "date_format: '%d/%m/%Y'\n"
        "multi_value_separator: '|'\n",
        encoding="utf-8",
    )
    assert load_mapping_file(mapping).columns["company"] == "applicants"
    results = _parse(path, mapping_file=mapping)
    (unmapped,) = _rejections(results)  # "Inventor(s)" is not in the mapping nor the presets
    assert unmapped.reason == "column 'Inventor(s)' is not mapped and was ignored" and unmapped.location.line == 1
    (record,) = _records(results)
    assert record.title == "Smart grid relay"
    assert record.application_date == dt.date(2018, 7, 30)
    assert [p.name for p in record.parties] == ["Acme Power", "Beta Grid"]
    assert record.extra == {"internal_ref": "R-17"}


def test_user_mapping_file_json_and_errors(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "custom.csv", CUSTOM_ROWS)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": {
                    "Name of invention": "title",
                    "Inventor(s)": "inventors",
                    "Company": "applicants",
                    "Filed on": "ignore",
                    "Ref": "ignore",
                    "Tags": "ignore",
                },
                "multi_value_separator": "|",
            }
        ),
        encoding="utf-8",
    )
    results = _parse(path, mapping_file=mapping)
    assert not _rejections(results)
    (record,) = _records(results)
    assert [p.name for p in record.parties if p.role == "inventor"] == ["Wang Fang", "Li Lei"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  Name of invention: headline\n", encoding="utf-8")
    (rejection,) = _parse(path, mapping_file=bad)
    assert "maps to 'headline', which is not a target" in rejection.reason
    with pytest.raises(MappingFileError):
        load_mapping_file(tmp_path / "missing.yaml")
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(MappingFileError, match="needs a 'columns' object"):
        load_mapping_file(not_mapping)


# ----------------------------------------------------------------------------------------------------------
# Rejections
# ----------------------------------------------------------------------------------------------------------


def test_unmapped_column_is_reported_once_and_rows_still_import(tmp_path: Path) -> None:
    rows = [["标题", "申请日", "xyz", "内部备注"]] + [[f"专利{i}", "2018-07-30", "foo", "bar"] for i in range(5)]
    path = _write_csv(tmp_path / "extra-columns.csv", rows)
    results = _parse(path)
    rejections = _rejections(results)
    assert [(r.location.line, r.reason) for r in rejections] == [
        (1, "column 'xyz' is not mapped and was ignored"),
        (1, "column '内部备注' is not mapped and was ignored"),
    ]
    assert [r.title for r in _records(results)] == [f"专利{i}" for i in range(5)]
    assert [r.location.line for r in results if isinstance(r, ParsedRecord)] == [2, 3, 4, 5, 6]


def test_broken_dates_and_missing_titles_in_csv(tmp_path: Path) -> None:
    rows = [
        ["标题", "申请日", "公开日"],
        ["好的一行", "2018-07-30", "2018.12.11"],
        ["日期坏了", "2018-02-30", ""],
        ["", "2018-07-30", ""],
        ["公开日坏了", "2018-07-30", "明天"],
        ["多行\n标题", "2018/7/30", ""],
        ["最后一行", "2018年7月30日", "20181211"],
    ]
    path = _write_csv(tmp_path / "errors.csv", rows)
    results = _parse(path)
    summary = [(type(r).__name__, r.location.line, getattr(r, "reason", None)) for r in results]
    assert summary == [
        ("ParsedRecord", 2, None),
        ("Rejection", 3, "column '申请日' has an invalid date '2018-02-30'"),
        ("Rejection", 4, "row has no title"),
        ("Rejection", 5, "column '公开日' has an invalid date '明天'"),
        ("ParsedRecord", 6, None),  # this row spans lines 6-7 (a quoted line break) …
        ("ParsedRecord", 8, None),  # … so the next row starts on line 8
    ]
    assert _records(results)[1].title == "多行 标题"
    assert all(r.location.file == str(path) for r in results)


def test_empty_files(tmp_path: Path) -> None:
    for name, content in (("empty.csv", b""), ("bom-only.csv", b"\xef\xbb\xbf\r\n"), ("blank.csv", b",,,\n,,\n")):
        path = tmp_path / name
        path.write_bytes(content)
        (rejection,) = _parse(path)
        assert rejection.reason == "file is empty", name
        assert not IMPORTER.sniff(path, content)
    empty_xlsx = _write_xlsx(tmp_path / "empty.xlsx", [])
    (rejection,) = _parse(empty_xlsx)
    assert rejection.reason == "file is empty"
    header_only = _write_csv(tmp_path / "header-only.csv", [["标题", "申请号"]])
    assert _parse(header_only) == []


def test_files_that_cannot_be_used(tmp_path: Path) -> None:
    no_title = _write_csv(tmp_path / "no-title.csv", [["申请号", "申请日"], ["CN201810123456.7", "2018-07-30"]])
    (rejection,) = _parse(no_title)
    assert rejection.location.line == 1 and rejection.reason.startswith("no column maps to the title")
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    (rejection,) = _parse(fake)
    assert rejection.reason.startswith("not a readable .xlsx workbook")
    not_zip = tmp_path / "text.xlsx"
    not_zip.write_text("标题\n", encoding="utf-8")
    assert not IMPORTER.sniff(not_zip, not_zip.read_bytes())


def test_tab_and_semicolon_delimiters(tmp_path: Path) -> None:
    tsv = _write_csv(tmp_path / "list.tsv", [["标题", "申请人"], ["一种装置", "甲公司;乙公司"]], delimiter="\t")
    (record,) = _records(_parse(tsv))
    assert [p.name for p in record.parties] == ["甲公司", "乙公司"]
    semicolon = _write_csv(
        tmp_path / "semi.csv",
        [["Title", "Applicants", "Publication Date"], ["Gadget", "Acme", "2020-01-02"]],
        delimiter=";",
    )
    (record,) = _records(_parse(semicolon))
    assert (record.title, record.parties[0].name, record.publication_date) == ("Gadget", "Acme", dt.date(2020, 1, 2))


# ----------------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------------


def test_header_normalisation_and_presets() -> None:
    assert (
        normalise_header("公开（公告）号：") == normalise_header("公开(公告)号") == normalise_header(" 公开 (公告) 号 ")
    )
    assert normalise_header("Publication Number") == normalise_header("publication_number") == "publicationnumber"
    headers = [
        "公开（公告）号",
        "申请(专利权)人",
        "当前权利人",
        "设计人",
        "主分类号",
        "首项权利要求",
        "权利要求书",
        "当前法律状态",
        "被引证专利",
        "Application Date",
        "priority date",
        "result link",
        "发明名称",
        "授权公告日",
    ]
    assert resolve_headers(headers) == [
        "publication_number",
        "applicants",
        "assignees",
        "inventors",
        "ipc_main",
        "first_claim",
        "claims",
        "legal_status",
        "cited_by",
        "application_date",
        "priority_date",
        "url",
        "title",
        "publication_date",
    ]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2018-07-30", dt.date(2018, 7, 30)),
        ("2018/7/30", dt.date(2018, 7, 30)),
        ("2018.07.30", dt.date(2018, 7, 30)),
        ("20180730", dt.date(2018, 7, 30)),
        ("2018年7月30日", dt.date(2018, 7, 30)),
        ("2018-07-30 00:00:00", dt.date(2018, 7, 30)),
        (dt.datetime(2018, 7, 30, 12, 0), dt.date(2018, 7, 30)),
        (43311, dt.date(2018, 7, 30)),
        (20180730, dt.date(2018, 7, 30)),
        ("", None),
        (None, None),
    ],
)
def test_date_forms(value, expected) -> None:
    assert parse_date_value(value) == expected


@pytest.mark.parametrize("value", ["2018-02-30", "30/07/2018", "yesterday", "2018-7", True])
def test_invalid_dates(value) -> None:
    with pytest.raises(ValueError):
        parse_date_value(value)


def test_code_and_claim_helpers() -> None:
    assert normalise_class_code("H01M10/0525") == "H01M 10/0525"
    assert normalise_class_code("G06Q010/04") == "G06Q 10/04"
    assert normalise_class_code("A01B0001020000") == "A01B 1/02"
    assert normalise_class_code("h01l 21/70 (2006.01)") == "H01L 21/70"
    claims = split_claims_text("1.一种装置，温度为 2.5 ℃。2.根据权利要求1所述的装置。3、根据权利要求2所述的装置。")
    assert claims == ["一种装置，温度为 2.5 ℃。", "根据权利要求1所述的装置。", "根据权利要求2所述的装置。"]
    assert split_claims_text("一种装置") == ["一种装置"]


def test_claims_column_is_split(tmp_path: Path) -> None:
    rows = [["标题", "权利要求书"], ["一种装置", "1.一种装置，包括A。2.根据权利要求1所述的装置，还包括B。"]]
    (record,) = _records(_parse(_write_csv(tmp_path / "claims.csv", rows)))
    assert record.claims == ["一种装置，包括A。", "根据权利要求1所述的装置，还包括B。"]
    assert record.first_claim == "一种装置，包括A。"
