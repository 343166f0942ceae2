"""§3 value indicators on hand-built patents (SQLite and PostgreSQL): citations within and outside the 5-year window,
generality/originality/radicalness by their formulas, missing data kept apart from zero, legal status and terms,
and cohort normalisation."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest

from lingxi.db.models import (
    Deal,
    DealPatent,
    OpenLicenceDeclaration,
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentTag,
)
from lingxi.value import cohorts
from lingxi.value.indicators import compute_indicators
from lingxi.value.profiles import shipped_indicator_parameters

AS_OF = dt.date(2025, 1, 1)


def make_patent(session, number: str, *, country="US", kind="B2", doc_type="invention", filed=None, published=None,
                granted=None, status=None, ipc=(), claims=3, cites=(), npl=0, events=(), family_id=None,
                priority=(), application=None) -> Patent:
    base = number
    patent = Patent(key=f"{number}{kind}", publication_number=f"{number}{kind}", number_base=base, country=country,
                    kind_code=kind, doc_type=doc_type, application_number=application or f"APP-{number}",
                    application_date=filed, publication_date=published, grant_date=granted, title=f"patent {number}",
                    claims=[f"claim {i}" for i in range(1, claims + 1)], legal_status=status, family_id=family_id,
                    priority_claims=list(priority), content_hash=hashlib.sha1(number.encode()).hexdigest())
    session.add(patent)
    session.flush()
    for sequence, code in enumerate(ipc):
        session.add(PatentClassification(patent_id=patent.id, scheme="IPC", code=code, is_main=sequence == 0,
                                         sequence=sequence))
    for sequence, cited in enumerate(cites):
        session.add(PatentCitation(patent_id=patent.id, sequence=sequence, number=cited, cited_base=cited,
                                   category="examiner"))
    for i in range(npl):
        session.add(PatentCitation(patent_id=patent.id, sequence=100 + i, npl_text=f"Journal article {i}"))
    for day, event_class, description in events:
        session.add(PatentLegalEvent(patent_id=patent.id, date=day, event_class=event_class, description=description))
    session.flush()
    return patent


def make_deal(session, state: str, patent_ids, kind: str = "licence_ordinary") -> Deal:
    """A market deal row as lingxi.market.deals leaves it in `state` (the indicator reads only kind, state, patents)."""
    deal = Deal(kind=kind, title=f"{kind} {state}", state=state, supplier="青峦大学", counterparty="星澜电池有限公司",
                signed_on=None if state in ("draft", "cancelled") else dt.date(2024, 3, 1), implementation_evidence=[])
    session.add(deal)
    session.flush()
    session.add_all(DealPatent(deal_id=deal.id, patent_id=pid) for pid in patent_ids)
    session.flush()
    return deal


def declare_open_licence(session, patent_id: int, status: str = "published") -> None:
    session.add(OpenLicenceDeclaration(patent_id=patent_id, patent_number="ZL1", patentee="青峦大学", payment_method="一次性",
                                       fee_standard="5 万元", licence_term_years=3, status=status,
                                       published_on=dt.date(2024, 6, 1) if status == "published" else None))
    session.flush()


@pytest.fixture
def citation_store(db):
    d = dt.date
    with db.sessions() as session:
        ids = {}
        ids["P1"] = make_patent(session, "US1000001", filed=d(2008, 3, 1), published=d(2010, 1, 1),
                                granted=d(2010, 1, 1), status="granted", ipc=["H01M10/05", "H01M4/00"],
                                events=[(d(2010, 1, 1), "grant", "Patented case"),
                                        (d(2012, 5, 1), "transfer", "Assignment")],
                                priority=[{"country": "JP", "number": "2007-1"}]).id
        # three citing patents: two within 5 years of P1's publication, one after (6 years)
        ids["C1"] = make_patent(session, "US2000001", filed=d(2011, 1, 1), published=d(2012, 6, 1),
                                granted=d(2012, 6, 1), status="granted", ipc=["G06F3/01"], cites=["US1000001"]).id
        ids["C2"] = make_patent(session, "US2000002", filed=d(2013, 1, 1), published=d(2014, 12, 1),
                                granted=d(2014, 12, 1), status="granted", ipc=["H01M2/10", "H02J7/00"],
                                cites=["US1000001"], npl=2).id
        ids["C3"] = make_patent(session, "US2000003", filed=d(2015, 1, 1), published=d(2016, 1, 2),
                                granted=d(2016, 1, 2), status="granted", ipc=["G06F1/16"], cites=["US1000001"]).id
        # no citations, no claims, no events at all: missing, not zero
        ids["P2"] = make_patent(session, "US3000001", filed=d(2012, 1, 1), published=d(2014, 1, 1), claims=0,
                                granted=d(2014, 1, 1), status="granted", ipc=["A61K31/00"]).id
        # lapsed by a legal event
        ids["P3"] = make_patent(session, "CN201010000001", country="CN", kind="B", filed=d(2010, 1, 1),
                                published=d(2012, 1, 1), granted=d(2012, 1, 1), status="lapsed", ipc=["H01M"],
                                events=[(d(2016, 1, 1), "lapse", "未缴年费专利权终止")])
        ids["P3"] = ids["P3"].id
        # CN utility model: 10-year term; CN design filed after 2021-06-01: 15 years
        ids["U1"] = make_patent(session, "CN211000001", country="CN", kind="U", doc_type="utility_model",
                                filed=d(2020, 1, 1), published=d(2020, 9, 1), granted=d(2020, 9, 1),
                                status="有效", ipc=["H01M"]).id
        ids["D1"] = make_patent(session, "CN306000001", country="CN", kind="S", doc_type="design",
                                filed=d(2022, 1, 1), published=d(2022, 6, 1), granted=d(2022, 6, 1), status="有效").id
        ids["R1"] = make_patent(session, "CN201110000002", country="CN", kind="B", filed=d(2011, 1, 1),
                                published=d(2013, 1, 1), granted=d(2013, 1, 1), status="有效", ipc=["H01M"],
                                events=[(d(2016, 1, 1), "lapse", "未缴年费专利权终止"),
                                        (d(2016, 6, 1), "restoration", "专利权的恢复")]).id
        ids["A1"] = make_patent(session, "CN114000001", country="CN", kind="A", filed=d(2022, 3, 1),
                                published=d(2022, 9, 1), status="实质审查", ipc=["H01M"]).id
        session.add(PatentTag(patent_id=ids["P1"], taxonomy_name="chain_ev", taxonomy_version=1, node_key="battery",
                              confidence=0.9, source="rule", status="proposed"))
        # market (§6): P1 has a signed licence, a closed transfer, a cancelled and a draft deal → 2 transactions;
        # U1 has no deal but a published open-licence declaration; D1 only a withdrawn one
        make_deal(session, "signed", [ids["P1"]])
        make_deal(session, "closed", [ids["P1"], ids["C1"]], kind="transfer")
        make_deal(session, "cancelled", [ids["P1"]])
        make_deal(session, "draft", [ids["P1"], ids["P2"]])
        declare_open_licence(session, ids["U1"])
        declare_open_licence(session, ids["D1"], status="withdrawn")
        session.commit()
        table = compute_indicators(session, shipped_indicator_parameters(), AS_OF)
    index = {pid: k for k, pid in enumerate(table.ids.tolist())}

    def value(name: str, key: str):
        v = table.values[name][index[ids[key]]]
        return None if np.isnan(v) else float(v)

    def source(name: str, key: str) -> str:
        return table.source(name, index[ids[key]])

    return table, value, source, ids, index


def test_forward_citations_count_only_the_five_year_window_and_generality_follows_the_formula(citation_store):
    table, value, source, ids, _ = citation_store
    assert value("forward_citations", "P1") == 2  # C1 (2.4 y) and C2 (4.9 y); C3 came 6 years later
    assert "within 5 y" in source("forward_citations", "P1")
    # generality over all citing patents, a citing patent's weight split over its subclasses:
    # G06F 1 + 1, H01M ½, H02J ½ → shares ⅔, ⅙, ⅙ → 1 − (4/9 + 1/36 + 1/36) = 0.5
    assert value("generality", "P1") == pytest.approx(0.5)
    # a patent nobody cites has 0 forward citations (a real zero: the store does link citations) …
    assert value("forward_citations", "C1") == 0
    # … but its generality is undefined, so missing
    assert value("generality", "C1") is None
    assert "no stored patent cites it" in source("generality", "C1")


def test_originality_and_radicalness_use_the_classes_of_cited_patents(citation_store):
    _, value, _, _, _ = citation_store
    # C1 (G06F) cites only P1 (H01M): one cited class → originality 0, every cited class outside its own → 1
    assert value("originality", "C1") == pytest.approx(0.0)
    assert value("radicalness", "C1") == pytest.approx(1.0)
    # C2 (H01M, H02J) cites P1 (H01M): nothing outside its own classes
    assert value("radicalness", "C2") == pytest.approx(0.0)
    # P1 cites nothing in the store: missing, not 0
    assert value("originality", "P1") is None and value("radicalness", "P1") is None


def test_missing_data_is_missing_never_zero(citation_store):
    _, value, source, _, _ = citation_store
    assert value("claims", "P1") == 3
    assert value("claims", "P2") is None and "no claims" in source("claims", "P2")
    assert value("backward_citations", "P2") is None and value("npl_citations", "P2") is None
    assert value("backward_citations", "C2") == 1 and value("npl_citations", "C2") == 2
    assert value("transfer_events", "P1") == 1 and value("pledge_events", "P1") == 0
    assert value("transfer_events", "P2") is None and "no legal events" in source("transfer_events", "P2")
    # the platform's deal register is complete: no deal is 0, not missing
    assert value("platform_transactions", "P2") == 0
    assert source("platform_transactions", "P2") == "market deals signed or later"
    assert value("family_size", "P1") == 2  # US + JP priority
    assert value("family_size", "P2") is None
    assert value("scope", "P1") == 1 and value("scope", "C2") == 2 and value("scope", "D1") is None
    assert value("chain_growth", "P1") is not None and value("chain_growth", "P2") is None


def test_legal_status_terms_and_dates(citation_store):
    table, value, source, ids, index = citation_store
    assert value("legal_status", "P1") == 1.0
    assert value("remaining_term_years", "P1") == pytest.approx((dt.date(2028, 3, 1) - AS_OF).days / 365.25, abs=0.01)
    assert value("grant_lag_days", "P1") == (dt.date(2010, 1, 1) - dt.date(2008, 3, 1)).days
    assert value("grant_lag_days", "A1") is None
    # lapsed by the CF01-style event: remaining term 0, kept in force from filing to the lapse
    assert value("legal_status", "P3") == 0.0 and value("remaining_term_years", "P3") == 0.0
    assert value("years_in_force", "P3") == pytest.approx(6.0, abs=0.01)
    # a utility model's term is 10 years, a design filed after 2021-06-01 has 15
    assert value("remaining_term_years", "U1") == pytest.approx(5.0, abs=0.01)
    assert value("remaining_term_years", "D1") == pytest.approx(12.0, abs=0.01)
    # a restoration after the lapse undoes it
    assert value("legal_status", "R1") == 1.0 and value("remaining_term_years", "R1") > 0
    # a pending application: status 0.5 and a potential term
    assert value("legal_status", "A1") == 0.5 and "pending" in source("remaining_term_years", "A1")
    assert table.status[index[ids["A1"]]] == "pending"


def test_percentile_within_cohorts_ties_and_missing():
    values = np.array([1.0, 2.0, 2.0, 5.0, np.nan, 7.0, 3.0])
    groups = np.array([0, 0, 0, 0, 0, 1, 1])
    out = cohorts.percentile(values, groups)
    assert out[:4].tolist() == [0.0, 0.5, 0.5, 1.0]  # ties share their mean rank
    assert np.isnan(out[4])  # missing stays missing
    assert out[5] == 1.0 and out[6] == 0.0  # ranked only within their own cohort
    assert cohorts.percentile(np.array([4.0]), np.array([0]))[0] == 0.5


def test_trimmed_max_scales_by_the_cohort_maximum_and_keeps_rare_events():
    values = np.array([0.0] * 98 + [1.0, 100.0])
    out = cohorts.trimmed_max(values, np.zeros(100, dtype=int), 0.01)
    assert out[0] == 0.0 and out[98] == 1.0 and out[99] == 1.0  # the top 1 % is trimmed to the 99th value
    rare = cohorts.trimmed_max(np.array([0.0] * 50 + [2.0]), np.zeros(51, dtype=int), 0.05)
    assert rare[-1] == 1.0 and rare[0] == 0.0


def test_small_cohorts_fall_back_to_the_field_then_to_all():
    fields = ["wipo:A"] * 5 + ["wipo:A"] * 2 + ["wipo:B"] * 2
    years = np.array([2019] * 5 + [2020] * 2 + [2019] * 2)
    assigned = cohorts.assign(fields, years, min_size=5)
    assert assigned.labels[0] == "wipo:A|2019" and assigned.levels[0] == "field_year"
    assert assigned.labels[5] == "wipo:A|*" and assigned.levels[5] == "field" and assigned.sizes[5] == 7
    assert assigned.labels[7] == "all" and assigned.sizes[7] == 9


def test_platform_transactions_count_signed_deals_once_per_application(citation_store, db):
    _, value, source, _, _ = citation_store
    assert value("platform_transactions", "P1") == 2  # signed + closed; cancelled and draft never happened
    assert value("platform_transactions", "C1") == 1  # the closed transfer named it too
    assert value("platform_transactions", "U1") == 0
    assert "open licence declared" in source("platform_transactions", "U1")
    assert "open licence" not in source("platform_transactions", "D1")  # withdrawn: no offer any more

    # the A and the B of one application are one invention: a deal naming both counts once, for both
    d = dt.date
    with db.sessions() as session:
        a = make_patent(session, "CN115000009", country="CN", kind="A", filed=d(2021, 1, 4),
                        published=d(2021, 7, 1), application="CN2021100000091", ipc=["H01M"]).id
        b = make_patent(session, "CN115000009", country="CN", kind="B", filed=d(2021, 1, 4),
                        published=d(2023, 2, 1), granted=d(2023, 2, 1), status="有效",
                        application="CN2021100000091", ipc=["H01M"]).id
        make_deal(session, "in_implementation", [a, b], kind="equity")
        make_deal(session, "filed", [b])
        session.commit()
        table = compute_indicators(session, shipped_indicator_parameters(), AS_OF)
    index = {pid: k for k, pid in enumerate(table.ids.tolist())}
    assert table.values["platform_transactions"][index[a]] == 2
    assert table.values["platform_transactions"][index[b]] == 2
