"""The field query language: what it reads, and where and why it refuses."""

from __future__ import annotations

import pytest

from lingxi.search.fields import class_hierarchy, date_bounds, normalise_class_code
from lingxi.search.query import And, Not, Or, QuerySyntaxError, Range, Term, parse_query


def test_the_issue_example_parses_into_fields_and_boolean_structure():
    tree = parse_query("TI=(锂电池 AND (隔膜 OR 电解质)) AND IPC=H01M10/05* AND AP=(西安交通大学 OR 西北工业大学) "
                       "AND AD>=2018-01-01 NOT IN=张三")
    assert isinstance(tree, And)
    title, ipc, applicants, date, inventor = tree.items
    assert title == And((Term("TI", "锂电池", position=4),
                         Or((Term("TI", "隔膜", position=13), Term("TI", "电解质", position=19)))))
    assert ipc.field == "IPC" and ipc.value == "H01M10/05*" and ipc.wildcard
    assert [t.value for t in applicants.items] == ["西安交通大学", "西北工业大学"]
    assert date == Range("AD", "2018-01-01", None, position=78)
    assert inventor == Not(Term("IN", "张三", position=96))


def test_bare_terms_quotes_aliases_and_full_width_punctuation():
    tree = parse_query('lithium "ion battery" ti＝（电池） pa=华为 AD=[2018 TO 2020]')
    assert tree.items[0] == Term("TX", "lithium", position=0)
    assert tree.items[1] == Term("TX", "ion battery", quoted=True, position=8)
    assert tree.items[2] == Term("TI", "电池", position=26)
    assert tree.items[3].field == "AP"
    assert tree.items[4] == Range("AD", "2018", "2020", position=39)
    assert parse_query("a or b") == Or((Term("TX", "a", position=0), Term("TX", "b", position=5)))


@pytest.mark.parametrize(
    ("query", "position", "expected"),
    [
        ("TI=(锂电池 AND", 11, "a term"),
        ("TI=(锂电池 AND 隔膜", 14, "')'"),
        ("XX=abc", 0, "one of TI"),
        ("TI>=abc", 2, "'='"),
        ("AD>=20x8", 4, "a date"),
        ('TI="abc', 3, "closing"),
        ("a )", 2, "end of query"),
        ("( )", 2, "a term"),
        ("AD=[2018 2019]", 9, "TO"),
        ("=abc", 0, "field name"),
        ("TI=", 3, "a value"),
        ("", 0, "a term"),
    ],
)
def test_syntax_errors_say_where_and_what_was_expected(query, position, expected):
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert raised.value.position == position
    assert expected in raised.value.expected
    assert f"at position {position}" in str(raised.value)
    assert raised.value.pointer().splitlines()[0] == query


def test_class_codes_and_dates_normalise_to_one_form():
    assert normalise_class_code("H01M 10/0525") == "H01M10/0525"
    assert normalise_class_code("H01M0010052500") == "H01M10/0525"
    assert class_hierarchy("H01M  10/0525") == ["H", "H01", "H01M", "H01M10", "H01M10/0525"]
    assert date_bounds("2018") == (20180101, 20181231)
    assert date_bounds("2020-02") == (20200201, 20200229)
    assert date_bounds("20180507") == date_bounds("2018年5月7日") == (20180507, 20180507)
