"""The demo data set of the fictional province 青峦省: deterministic, valid numbers, coherent dates and stories."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from lingxi.demo.catalogue import (
    CHAINS,
    CITIES,
    DEMO_DATASET_LABEL,
    DEMO_PROVINCE,
    NAME_INDEX,
    ORGANISATIONS,
    UTILITY_MODEL_FORMS,
    applicant_type_of,
    chain_taxonomy,
)
from lingxi.demo.generator import DEMO_CUTOFF, demo_summary, generate_demo_records
from lingxi.parties.data.cn_divisions import PROVINCES
from lingxi.patents.numbers import parse_application_number, parse_publication_number

SIZE = 3000
REQUIRED_CHAINS = ("pv", "h2", "ev", "ic", "aero")


@pytest.fixture(scope="module")
def records():
    return generate_demo_records()


@pytest.fixture(scope="module")
def by_number(records):
    return {r.publication_number: r for r in records}


def _applicants(record):
    return [p for p in record.parties if p.role == "applicant"]


# --- determinism and size -------------------------------------------------------------------------------------


def test_same_seed_same_content(records):
    again = generate_demo_records()
    assert [r.content_hash() for r in again] == [r.content_hash() for r in records]


def test_different_seed_different_content(records):
    other = generate_demo_records(seed=7)
    assert len(other) == SIZE
    assert {r.content_hash() for r in other} != {r.content_hash() for r in records}


def test_exact_size(records):
    assert len(records) == SIZE
    assert len(generate_demo_records(size=250)) == 250
    assert len(generate_demo_records(size=1)) == 1
    assert generate_demo_records(size=0) == []


# --- numbers ----------------------------------------------------------------------------------------------------


def test_cn_application_numbers_are_valid_and_fictional(records):
    cn = [r for r in records if r.country == "CN"]
    assert cn
    for r in cn:
        number = parse_application_number(r.application_number)  # raises on a wrong check digit
        assert number.country == "CN"
        assert r.application_number == f"CN{number.serial}.{number.check}"
        year, type_digit, serial = number.serial[:4], number.serial[4], number.serial[5:]
        assert int(year) == r.application_date.year
        assert type_digit == {"invention": "1", "utility_model": "2", "design": "3"}[r.doc_type]
        assert serial.startswith("9") and len(serial) == 7  # beyond any real yearly serial


def test_publication_numbers_parse_and_are_unique(records):
    numbers = [r.publication_number for r in records]
    assert len(set(numbers)) == len(numbers)
    for r in records:
        parsed = parse_publication_number(r.publication_number)
        assert parsed.country == r.country
        assert parsed.key == r.publication_number
        if r.country == "CN":
            assert re.fullmatch(r"CN9\d{8}[ABUS]", r.publication_number)
            assert parsed.kind == r.kind_code
        else:
            assert re.fullmatch(r"US\d{4}09\d{5}A1|US19\d{6}B[12]", r.publication_number)
            parse_application_number(r.application_number)  # US99xxxxxx, a series code never assigned


def test_ab_pairs_share_the_application_number(records):
    by_application = defaultdict(list)
    for r in records:
        by_application[r.application_number].append(r)
    pairs = [sorted(rs, key=lambda r: r.kind_code) for rs in by_application.values() if len(rs) == 2]
    cn_pairs = [p for p in pairs if p[0].country == "CN"]
    assert len(cn_pairs) > 100
    for a, b in cn_pairs:
        assert (a.kind_code, b.kind_code) == ("A", "B")
        assert a.publication_number[:-1] == b.publication_number[:-1]  # CN keeps the serial on grant
        assert a.family_id == b.family_id
        assert a.publication_date < b.publication_date
    assert any(p[0].country == "US" and (p[0].kind_code, p[1].kind_code) == ("A1", "B2") for p in pairs)
    assert all(len(rs) <= 2 for rs in by_application.values())


# --- dates and status -------------------------------------------------------------------------------------------


def test_dates_are_coherent(records):
    for r in records:
        assert r.application_date.year >= 2008
        assert r.application_date <= r.publication_date <= DEMO_CUTOFF
        if r.grant_date:
            assert r.application_date <= r.grant_date <= DEMO_CUTOFF
        if r.kind_code in ("B", "B1", "B2", "U", "S"):
            assert r.grant_date == r.publication_date
        if r.kind_code == "B":
            days = (r.grant_date - r.application_date).days
            assert 700 <= days <= 4 * 366 + 10
        if r.kind_code == "U":
            assert 150 <= (r.grant_date - r.application_date).days <= 400
        if r.kind_code == "A":
            assert (r.publication_date - r.application_date).days <= 18 * 31 + 20
        for event in r.legal_events:
            assert r.application_date <= event.date <= DEMO_CUTOFF
        assert [e.date for e in r.legal_events] == sorted(e.date for e in r.legal_events)


def test_filing_years_grow(records):
    years = Counter(r.application_date.year for r in records)
    assert set(years) == set(range(2008, 2026))
    assert sum(years[y] for y in range(2018, 2023)) > 2 * sum(years[y] for y in range(2008, 2013))


def test_legal_status_is_coherent(records):
    allowed = {"granted", "published", "lapsed", "withdrawn", "rejected", "expired"}
    statuses = Counter(r.legal_status for r in records)
    assert set(statuses) == allowed
    for r in records:
        classes = Counter(e.event_class for e in r.legal_events)
        if r.legal_status in ("granted", "lapsed", "expired"):
            assert r.grant_date is not None
        if r.legal_status in ("published", "withdrawn", "rejected"):
            assert r.grant_date is None and r.kind_code in ("A", "A1")
        if r.kind_code in ("B", "B1", "B2", "U", "S"):
            assert classes["grant"] == 1
            if r.legal_status == "lapsed":
                assert classes["lapse"] == 1
            if r.legal_status == "expired":
                assert any(e.code == "CX01" for e in r.legal_events)
        if r.legal_status == "expired":
            assert r.doc_type in ("utility_model", "design")  # no invention filed in 2008 has reached 20 years
        if r.kind_code == "A" and r.legal_status in ("withdrawn", "rejected"):
            assert {e.code for e in r.legal_events} & {"WD01", "RJ01"}


def test_legal_events_tell_realistic_stories(records):
    classes = Counter(e.event_class for r in records for e in r.legal_events)
    for event_class in ("grant", "lapse", "transfer", "licence", "pledge", "open_licence"):
        assert classes[event_class] > 10, event_class
    # most university patents sleep: granted, never transferred, licensed or pledged
    granted_university = [
        r for r in records
        if r.kind_code in ("B", "U") and applicant_type_of(_applicants(r)[0].name) == "university"
    ]
    used = [r for r in granted_university if any(e.event_class in ("transfer", "licence", "pledge") for e in r.legal_events)]
    assert 0.02 < len(used) / len(granted_university) < 0.35
    # open licences only after the 2021 Patent Law
    assert all(e.date.year >= 2022 for r in records for e in r.legal_events if e.event_class == "open_licence")
    # a transfer shows the new owner as an assignee, and that owner is an organisation of the catalogue
    transferred = [r for r in records if r.country == "CN" and any(e.event_class == "transfer" for e in r.legal_events)]
    assert transferred
    for r in transferred:
        assignees = [p.name for p in r.parties if p.role == "assignee"]
        assert assignees and all(name in e.description for name in assignees for e in r.legal_events if e.code == "TR01")
        assert applicant_type_of(assignees[0]) == "enterprise"


# --- labelling, chains, language --------------------------------------------------------------------------------


def test_every_record_is_labelled_demo(records):
    for r in records:
        assert r.extra["demo"] is True
        assert r.extra["dataset"] == DEMO_DATASET_LABEL
        assert r.source_format == "demo"
    assert "虚构" in DEMO_DATASET_LABEL and "fictional" in DEMO_DATASET_LABEL


def test_the_province_is_fictional():
    real_names = {p[1] for p in PROVINCES} | {p[2] for p in PROVINCES}
    assert DEMO_PROVINCE not in real_names and DEMO_PROVINCE.removesuffix("省") not in real_names
    for org in ORGANISATIONS:
        if org.kind in ("university", "institute", "soe", "enterprise", "hospital"):
            assert org.name.startswith((DEMO_PROVINCE, *(c.name.removesuffix("市") for c in CITIES))), org.name
    assert len(CITIES) == 8


def test_each_chain_is_well_populated(records):
    counts = Counter(r.extra["demo_chain"] for r in records)
    for chain in REQUIRED_CHAINS:
        assert counts[chain] >= 300, (chain, counts)
    assert {c.key for c in CHAINS} == set(counts)
    nodes = Counter(r.extra["demo_node"] for r in records)
    assert len(nodes) == sum(len(c.nodes) for c in CHAINS)


def test_language_mix(records):
    languages = Counter(r.language for r in records)
    assert set(languages) == {"zh", "en"}
    assert 0.70 <= languages["zh"] / len(records) <= 0.80
    for r in records:
        if r.language == "zh":
            assert r.country == "CN" and re.search(r"[\u4e00-\u9fff]", r.title)
        else:
            assert r.country == "US" and not re.search(r"[\u4e00-\u9fff]", r.title + (r.abstract or ""))


def test_kinds_mix(records):
    kinds = Counter(r.kind_code for r in records)
    assert {"A", "B", "U", "S", "A1", "B2"} <= set(kinds)
    assert kinds["A"] > kinds["U"] > kinds["S"] > 0


def test_us_families_with_chinese_priority(records):
    by_application = {r.application_number: r for r in records}
    children = [r for r in records if r.priority_claims]
    assert children
    for r in children:
        claim = r.priority_claims[0]
        parent = by_application.get(claim["number"])
        if parent is not None:
            assert parent.family_id == r.family_id
            assert parent.application_date.isoformat() == claim["date"] < r.application_date.isoformat()


# --- texts ------------------------------------------------------------------------------------------------------


def test_texts(records):
    for r in records:
        assert r.title and r.abstract
        if r.language == "zh":
            assert 100 <= len(r.abstract) <= 300, (r.publication_number, len(r.abstract))
        if r.doc_type == "design":
            assert r.claims == [] and r.classifications[0].scheme == "LOCARNO"
            continue
        assert 3 <= len(r.claims) <= 10, r.publication_number
        assert r.first_claim == r.claims[0]
        assert r.claims[0].startswith("1.")
        assert "根据权利要求" not in r.claims[0] and "according to claim" not in r.claims[0]
        for number, claim in enumerate(r.claims, start=1):
            assert claim.startswith(f"{number}.")
            for ref in re.findall(r"权利要求(\d+)|claim (\d+)", claim):
                assert int(ref[0] or ref[1]) < number
    zh_abstracts = " ".join(r.abstract for r in records if r.language == "zh")
    for phrase in ("本发明公开了一种", "本实用新型", "解决了现有技术中", "提高了", "降低了"):
        assert phrase in zh_abstracts
    en_claims = " ".join(r.claims[0] for r in records if r.language == "en" and r.claims)
    assert "comprising" in en_claims


def test_same_node_shares_terms_different_nodes_differ(records):
    def vocabulary(node):
        words = Counter()
        for r in records:
            if r.extra["demo_node"] == node and r.language == "zh":
                words.update(set(re.findall(r"[\u4e00-\u9fff]{2}", r.title + r.abstract)))
        return {w for w, _ in words.most_common(60)}

    cell, cell2, pack = vocabulary("pv_cell"), vocabulary("pv_cell"), vocabulary("ev_pack")
    assert cell == cell2
    assert len(cell & pack) < len(cell) * 0.6


def test_utility_models_claim_structures_only(records):
    from lingxi.demo.catalogue import NODE_BY_KEY

    for r in records:
        if r.kind_code == "U":
            node = NODE_BY_KEY[r.extra["demo_node"]]
            assert any(t.form in UTILITY_MODEL_FORMS for t in node.topics)
            assert "方法" not in r.title


def test_classifications(records):
    for r in records:
        if r.doc_type == "design":
            continue
        ipc = [c for c in r.classifications if c.scheme == "IPC"]
        assert 1 <= len(ipc) <= 4
        assert ipc[0].is_main and not any(c.is_main for c in ipc[1:])
        for c in ipc:
            assert re.fullmatch(r"[A-H]\d{2}[A-Z] \d{1,4}/\d{2,6}", c.code), c.code
        if r.country == "US":
            assert any(c.scheme == "CPC" for c in r.classifications)


# --- parties ----------------------------------------------------------------------------------------------------


def test_parties(records):
    types = Counter()
    for r in records:
        applicants = _applicants(r)
        assert 1 <= len(applicants) <= 3
        inventors = [p for p in r.parties if p.role == "inventor"]
        assert 1 <= len(inventors) <= 6
        for a in applicants:
            types[applicant_type_of(a.name)] += 1
    for kind in ("university", "institute", "soe", "enterprise", "hospital", "individual", "foreign"):
        assert types[kind] > 0, kind
    assert types["unknown"] == 0
    assert any(p.role == "agent" for r in records for p in r.parties)


def test_name_variants_are_used(records):
    printed = defaultdict(set)
    for r in records:
        for p in r.parties:
            if p.role in ("applicant", "assignee") and p.name in NAME_INDEX:
                printed[NAME_INDEX[p.name]].add(p.name)
    varied = [key for key, names in printed.items() if len(names) > 1]
    assert len(varied) >= 10
    assert {"青峦能源集团有限公司", "青峦能源集团公司"} <= printed["qlenergy"]
    assert {"Qingluan University", "青峦大学"} <= printed["qlu"]


def test_inventor_teams_and_homonyms(records):
    orgs_of_name = defaultdict(set)
    inventor_counts = Counter()
    for r in records:
        if r.language != "zh":
            continue
        lead = NAME_INDEX.get(_applicants(r)[0].name)
        for p in r.parties:
            if p.role == "inventor":
                orgs_of_name[p.name].add(lead)
                inventor_counts[p.name] += 1
    assert sum(1 for orgs in orgs_of_name.values() if len(orgs) > 1) >= 10  # same name, several organisations
    assert inventor_counts.most_common(1)[0][1] >= 10  # stable teams: some inventors on many patents


# --- citations --------------------------------------------------------------------------------------------------


def test_citations_point_to_earlier_demo_patents(records, by_number):
    cited = Counter()
    total = 0
    for r in records:
        for c in r.citations:
            if c.npl_text:
                continue
            total += 1
            target = by_number.get(c.number)
            assert target is not None, c.number
            assert target.publication_date < r.publication_date
            assert target.publication_date < r.application_date
            assert (c.country, c.kind, c.date) == (target.country, target.kind_code, target.publication_date)
            assert c.category in ("examiner", "applicant")
            cited[target.family_id] += 1
    assert total > 1000
    assert any(c.npl_text for r in records for c in r.citations)
    # skewed: the most cited tenth of cited families receives a large share of the citations
    counts = sorted(cited.values(), reverse=True)
    top = counts[: max(1, len(counts) // 10)]
    assert sum(top) / sum(counts) > 0.3
    assert counts[0] >= 15


# --- summary and catalogue --------------------------------------------------------------------------------------


def test_demo_summary(records):
    summary = demo_summary(records)
    assert summary["records"] == SIZE
    assert sum(summary["by_language"].values()) == SIZE
    assert sum(summary["by_kind"].values()) == SIZE
    assert sum(summary["by_chain"].values()) == SIZE
    assert summary["by_applicant_type"].get("unknown", 0) == 0
    assert set(summary["by_filing_year"]) == set(range(2008, 2026))
    assert summary["citations"] > 0


def test_chain_taxonomy_is_data():
    taxonomy = chain_taxonomy()
    assert [c["key"] for c in taxonomy] == [c.key for c in CHAINS]
    for chain in taxonomy:
        assert {n["stage"] for n in chain["nodes"]} == {"upstream", "midstream", "downstream"}
        for node in chain["nodes"]:
            assert node["ipc"] and node["keywords"]
