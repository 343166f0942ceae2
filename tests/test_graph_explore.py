"""The knowledge graph over the live tables: neighbourhoods, shortest paths, confidentiality, live dashboards."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lingxi.accounts.principal import Principal
from lingxi.db.models import Party, Patent, PatentTag, Talent
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.graph.dashboard import dashboard
from lingxi.graph.explore import neighbours, shortest_path
from lingxi.market.deals import create_deal
from lingxi.patents.importing import import_parsed
from lingxi.patents.records import Citation, Classification, ParsedRecord, PartyMention, PatentRecord, SourceLocation
from lingxi.talent.build import build_talents

OPERATOR = Principal(user_id=None, username="op", role="operator")
ENTERPRISE = Principal(user_id=None, username="ent", role="enterprise")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")

UNI = "青峦大学"
COMPANY = "云川新能源科技有限公司"
OTHER = "北辰电子股份有限公司"


def _record(number: str, year: int, applicant: str, inventors: list[str], cites: list[str] = ()) -> PatentRecord:
    return PatentRecord(
        title=f"一种电池{number}", publication_number=number, country="CN", kind_code="A", doc_type="invention",
        application_date=dt.date(year, 1, 5), publication_date=dt.date(year + 1, 1, 5), language="zh",
        classifications=[Classification("IPC", "H01M 4/525", True, 0)],
        parties=[PartyMention("applicant", applicant, 1)]
        + [PartyMention("inventor", n, i) for i, n in enumerate(inventors, start=1)],
        citations=[Citation(sequence=i, number=c, country="CN") for i, c in enumerate(cites)])


RECORDS = [
    _record("CN110000001A", 2015, UNI, ["欧阳澈", "司马青"]),
    _record("CN110000002A", 2018, COMPANY, ["司马青", "诸葛云"], cites=["CN110000001A"]),
    _record("CN110000003A", 2019, COMPANY, ["诸葛云"]),
    _record("CN110000004A", 2019, OTHER, ["公孙越"]),
]


@pytest.fixture
def graph(db):
    parsed = (ParsedRecord(r, SourceLocation("test", document=i)) for i, r in enumerate(RECORDS, start=1))
    assert import_parsed(db, parsed, source="test").rejected == 0
    build_talents(db, OPERATOR)
    with db.sessions() as session:
        ids = {p.publication_number: p.id for p in session.scalars(select(Patent))}
        orgs = {p.name: p.id for p in session.scalars(select(Party).where(Party.kind == "organisation"))}
        people = {t.name: t.id for t in session.scalars(select(Talent))}
    return db, ids, orgs, people


def test_neighbours_and_types(graph):
    db, ids, orgs, people = graph
    with db.sessions() as session:
        result = neighbours(session, ENTERPRISE, f"patent:{ids['CN110000002A']}")
        found = {n["id"] for n in result["nodes"]}
        assert found == {f"org:{orgs[COMPANY]}", f"person:{people['司马青']}", f"person:{people['诸葛云']}",
                         f"patent:{ids['CN110000001A']}"}
        kinds = {(e["source"], e["target"], e["kind"]) for e in result["edges"]}
        assert (f"patent:{ids['CN110000002A']}", f"patent:{ids['CN110000001A']}", "citation") in kinds
        # the cited side finds its citing patent too
        cited = neighbours(session, ENTERPRISE, f"patent:{ids['CN110000001A']}", types=["patent"])
        assert [n["id"] for n in cited["nodes"]] == [f"patent:{ids['CN110000002A']}"]
        only_people = neighbours(session, ENTERPRISE, f"patent:{ids['CN110000002A']}", types=["person"], limit=1)
        assert len(only_people["nodes"]) == 1 and only_people["truncated"]
        assert neighbours(session, ENTERPRISE, f"org:{orgs[UNI]}")["nodes"][0]["label"] == "CN110000001A"
        with pytest.raises(InvalidInput):
            neighbours(session, ENTERPRISE, "planet:1")
        with pytest.raises(NotFound):
            neighbours(session, ENTERPRISE, "patent:999999")


def test_shortest_path_enterprise_to_university(graph):
    db, _ids, orgs, _people = graph
    with db.sessions() as session:
        path = shortest_path(session, ENTERPRISE, f"org:{orgs[COMPANY]}", f"org:{orgs[UNI]}")
        assert path["found"] and path["length"] == 3  # company → its patent → cites the university's → university
        assert path["nodes"][0]["label"] == COMPANY and path["nodes"][-1]["label"] == UNI
        # through the citation, or through 司马青, who invented for both (affiliated with the university)
        assert [e["kind"] for e in path["edges"]] in (["ownership", "citation", "ownership"],
                                                      ["ownership", "inventorship", "affiliation"])
        via_patents = shortest_path(session, ENTERPRISE, f"org:{orgs[COMPANY]}", f"org:{orgs[UNI]}", via=["patent"])
        assert [n["label"] for n in via_patents["nodes"]] == [COMPANY, "CN110000002A", "CN110000001A", UNI]
        # without patents in between: a person affiliated with both would do, there is none
        assert not shortest_path(session, ENTERPRISE, f"org:{orgs[COMPANY]}", f"org:{orgs[UNI]}",
                                 via=["person", "org"])["found"]
        # an unconnected organisation: no path within the depth
        assert not shortest_path(session, ENTERPRISE, f"org:{orgs[OTHER]}", f"org:{orgs[UNI]}")["found"]
        with pytest.raises(InvalidInput):
            shortest_path(session, ENTERPRISE, f"org:{orgs[OTHER]}", f"org:{orgs[UNI]}", max_depth=9)


def test_deals_are_confidential_and_dashboards_are_live(graph):
    db, ids, _orgs, _people = graph
    with db.sessions() as session:
        session.add(PatentTag(patent_id=ids["CN110000003A"], taxonomy_name="chain_ev", taxonomy_version=1,
                              node_key="battery", confidence=0.9, source="rule"))
        session.commit()
        before = dashboard(session, REGULATOR, chain="chain_ev")
        assert before["counts"]["patents"] == 1 and before["counts"]["deals"] == 0
        assert before["top_organisations"][0]["name"] == COMPANY
        deal = create_deal(session, OPERATOR, kind="transfer", title="电池专利转让", patent_ids=[ids["CN110000003A"]],
                           supplier=COMPANY, counterparty=OTHER)
        session.commit()
        assert dashboard(session, REGULATOR, chain="chain_ev")["counts"]["deals"] == 1
        region = dashboard(session, REGULATOR, chain="chain_ev:battery")
        assert region["counts"]["talents"] == 1

        operator_view = neighbours(session, OPERATOR, f"patent:{ids['CN110000003A']}")
        assert {"source": f"deal:{deal['id']}", "target": f"patent:{ids['CN110000003A']}", "kind": "transfer"} \
            in operator_view["edges"]
        assert "taxon:chain_ev:battery" in {n["id"] for n in operator_view["nodes"]}
        enterprise_view = neighbours(session, ENTERPRISE, f"patent:{ids['CN110000003A']}")
        assert not any(n["type"] == "deal" for n in enterprise_view["nodes"])
        with pytest.raises(PermissionDenied):
            neighbours(session, ENTERPRISE, f"deal:{deal['id']}")
        with pytest.raises(InvalidInput):
            dashboard(session, REGULATOR)
