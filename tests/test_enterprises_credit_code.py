"""统一社会信用代码 (GB 32100-2015) and GB/T 4754-2017 industry codes of enterprise files."""

from __future__ import annotations

import random

import pytest

from lingxi.enterprises import credit_code, industries
from lingxi.errors import InvalidInput

# Codes printed on real business licences (published in company filings) and the example of GB 32100-2015 itself.
REAL_CODES = ("91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91330100799655058B",
              "91110000802100433B")


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_the_check_digit(code):
    assert credit_code.problem(code) is None
    assert credit_code.check_character(code[:17]) == code[17]


def test_typed_codes_are_normalised():
    assert credit_code.validate(" 9144 0300 7152 6726xg ") == "9144030071526726XG"


@pytest.mark.parametrize("code, reason", [
    ("914403001922038217", "check character"),  # last character changed
    ("914403001922038261", "check character"),  # two characters swapped
    ("91440300192203821", "18 characters"),
    ("9144030019220382I6", "not allowed"),  # I, O, Z, S, V are not in the alphabet
    ("91440300O922038216", "not allowed"),
    ("91AB0300192203821X", "administrative division"),
])
def test_bad_codes_are_refused_with_the_reason(code, reason):
    assert reason in credit_code.problem(code)
    with pytest.raises(InvalidInput) as refused:
        credit_code.validate(code)
    assert refused.value.field == "credit_code"


def test_every_single_character_error_is_caught():
    """A mod-31 check with these weights detects every change of one character."""
    code = REAL_CODES[1]
    for position in range(17):
        for character in credit_code.ALPHABET:
            if character != code[position]:
                changed = code[:position] + character + code[position + 1:]
                if changed[2:8].isdigit():
                    assert not credit_code.is_valid(changed), changed


def test_generated_demo_codes_are_valid_and_deterministic():
    first = [credit_code.generate(random.Random(7), "990100") for _ in range(3)]
    again = [credit_code.generate(random.Random(7), "990100") for _ in range(3)]
    assert first == again
    rng = random.Random(1)
    codes = [credit_code.generate(rng, "990300") for _ in range(200)]
    assert all(credit_code.is_valid(c) and c[2:8] == "990300" and c[:2] == "91" for c in codes)


def test_industry_codes_come_from_gbt4754():
    assert industries.lookup("3825").name == "光伏设备及元器件制造"
    assert industries.lookup("3841").name == "锂离子电池制造"
    assert industries.lookup("C").level == 1 and industries.lookup("38").level == 2
    assert industries.validate("111") == "0111"  # Excel ate the leading zero of 稻谷种植
    with pytest.raises(InvalidInput) as refused:
        industries.validate("3826")
    assert refused.value.field == "industry_code"
    assert sum(1 for i in industries.industries().values() if i.level == 4) == 1380


def test_shipped_industry_list_matches_the_official_table(shared_data):
    """The compact list was built from the official table: every class there is here with the same name
    (trailing spaces of the official cells trimmed)."""
    import csv

    with (shared_data / "reference" / "gbt4754_2017.csv").open(encoding="utf-8-sig") as handle:
        official = {row["class"]: row["name"].strip() for row in csv.DictReader(handle) if row["level"] == "4"}
    shipped = {i.code: i.name for i in industries.industries().values() if i.level == 4}
    assert shipped == official
