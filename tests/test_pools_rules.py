"""Patent pools on real SQLite and PostgreSQL: graded patents from members only, essential marking, cross and
package licences, royalty splits by the three rules that add up to the payment to the fen (Decimal), per-member
statements for a period, and permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from value_ops_builders import party, patent

from lingxi.accounts.principal import Principal
from lingxi.db.models import Organisation, PatentValueScore
from lingxi.errors import Conflict, InvalidInput, PermissionDenied
from lingxi.pools import service
from lingxi.pools.split import split

OPERATOR = Principal(user_id=None, username="op", role="operator")


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        orgs, patents = {}, {}
        for name, count in (("青峦大学", 3), ("青峦理工学院", 2), ("青峦电池有限公司", 1)):
            holder = party(session, name, "university")
            org = Organisation(name=name, kind="university", party_id=holder.id)
            session.add(org)
            session.flush()
            orgs[name] = org.id
            patents[name] = []
            for _ in range(count):
                row = patent(session, holder)
                session.add(PatentValueScore(patent_id=row.id, scenario="licensing", profile_name="l",
                                             profile_version=1, score=70.0, grade="B", coverage=1.0, breakdown={}))
                patents[name].append(row.id)
        outsider_party = party(session, "云川新能源有限公司", "enterprise")
        ungraded = patent(session, outsider_party).id
        outsider = Organisation(name="云川新能源有限公司", kind="enterprise", party_id=outsider_party.id)
        session.add(outsider)
        session.flush()
        pool = service.create_pool(session, OPERATOR, "青峦光伏专利池", chain="chain_pv", split_rule="patent_count")
        members = {name: service.add_member(session, OPERATOR, pool["id"], org_id, joined_on="2026-01-01")["id"]
                   for name, org_id in orgs.items()}
        for name, ids in patents.items():
            for number, pid in enumerate(ids):
                service.add_patent(session, OPERATOR, pool["id"], members[name], pid, essential=number == 0)
        licence = service.add_licence(session, OPERATOR, pool["id"], "package", "2026-02-01",
                                      licensee_organisation_id=outsider.id, upfront_fee_yuan="300000",
                                      royalty_rate="0.02")
    return {"db": db, "pool": pool, "members": members, "orgs": orgs, "patents": patents, "licence": licence,
            "outsider": outsider.id, "outsider_party": outsider_party.id, "ungraded": ungraded}


def test_split_is_exact_to_the_fen():
    assert split(Decimal("100.00"), [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    parts = split(Decimal("1000000.07"), [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")])
    assert sum(parts) == Decimal("1000000.07") and parts[0] == Decimal("500000.04")
    assert split(Decimal("0.01"), [3, 2, 1]) == [Decimal("0.01"), Decimal(0), Decimal(0)]


def test_patents_come_graded_from_their_own_member(world):
    db, pool, members = world["db"], world["pool"], world["members"]
    with db.sessions() as session, session.begin():
        with pytest.raises(InvalidInput, match="is not held by member 青峦理工学院"):
            service.add_patent(session, OPERATOR, pool["id"], members["青峦理工学院"], world["patents"]["青峦大学"][1])
        with pytest.raises(Conflict):
            service.add_patent(session, OPERATOR, pool["id"], members["青峦大学"], world["patents"]["青峦大学"][0])
        member = service.add_member(session, OPERATOR, pool["id"], world["outsider"])
        with pytest.raises(InvalidInput, match="no grade in the catalogue"):
            service.add_patent(session, OPERATOR, pool["id"], member["id"], world["ungraded"])
    with db.sessions() as session:
        assert service.candidates(session, OPERATOR, pool["id"], members["青峦大学"]) == []  # all three are in
        outsider_member = next(m for m in service.get_pool(session, OPERATOR, pool["id"])["members"]
                               if m["organisation"] == "云川新能源有限公司")
        assert service.candidates(session, OPERATOR, pool["id"], outsider_member["id"]) == []  # ungraded only
    with db.sessions() as session:
        view = service.get_pool(session, OPERATOR, pool["id"])
        by_name = {m["organisation"]: m for m in view["members"]}
        assert (by_name["青峦大学"]["patents"], by_name["青峦大学"]["essential"]) == (3, 1)
        assert sum(p["essential"] for p in view["patents"]) == 3 and all(p["grade"] == "B" for p in view["patents"])


def test_three_split_rules_and_statements_per_member_for_a_period(world):
    db, pool, members, licence = world["db"], world["pool"], world["members"], world["licence"]
    uni, inst, firm = members["青峦大学"], members["青峦理工学院"], members["青峦电池有限公司"]
    with db.sessions() as session, session.begin():
        by_count = service.record_payment(session, OPERATOR, licence["id"], "100000.00", "2026-03-31")
        got = {a["member_id"]: Decimal(a["amount_yuan"]) for a in by_count["allocations"]}
        assert got == {uni: Decimal("50000.00"), inst: Decimal("33333.33"), firm: Decimal("16666.67")}
        # essential ×3, others ×1: weights 3+2=5, 3+1=4, 3 → 12
        service.set_rule(session, OPERATOR, pool["id"], "essential_weight", essential_weight="3")
        weighted = service.record_payment(session, OPERATOR, licence["id"], "99999.99", "2026-06-30")
        got = {a["member_id"]: Decimal(a["amount_yuan"]) for a in weighted["allocations"]}
        assert sum(got.values()) == Decimal("99999.99")
        assert got == {uni: Decimal("41666.66"), inst: Decimal("33333.33"), firm: Decimal("25000.00")}
        service.set_rule(session, OPERATOR, pool["id"], "fixed_shares")
        with pytest.raises(InvalidInput, match="add up to 0, not 1"):
            service.record_payment(session, OPERATOR, licence["id"], "10", "2026-09-30")
    with db.sessions() as session, session.begin():
        for member_id, share in ((uni, "0.5"), (inst, "0.3"), (firm, "0.2")):
            service.set_member_share(session, OPERATOR, pool["id"], member_id, share)
        fixed = service.record_payment(session, OPERATOR, licence["id"], "0.05", "2026-09-30")
        assert [a["amount_yuan"] for a in fixed["allocations"]] == ["0.03", "0.01", "0.01"]
    with db.sessions() as session:
        whole = service.statements(session, OPERATOR, pool["id"])
        assert Decimal(whole["payments_yuan"]) == Decimal("200000.04")
        assert sum(Decimal(m["total_yuan"]) for m in whole["members"]) == Decimal("200000.04")
        first_half = service.statements(session, OPERATOR, pool["id"], "2026-01-01", "2026-06-30")
        totals = {m["member_id"]: m["total_yuan"] for m in first_half["members"]}
        assert totals == {uni: "91666.66", inst: "66666.66", firm: "41666.67"}
        uni_user = Principal(None, "u", "supplier", organisation_id=world["orgs"]["青峦大学"])
        own = service.statements(session, uni_user, pool["id"], "2026-01-01", "2026-06-30")
        assert [m["member_id"] for m in own["members"]] == [uni] and own["payments_yuan"] is None
        assert own["members"][0]["lines"][0]["basis"] == "3 patents / 6"
        with pytest.raises(PermissionDenied):
            service.statements(session, Principal(None, "e", "enterprise", organisation_id=world["outsider"]),
                               pool["id"])
        with pytest.raises(PermissionDenied):
            service.statements(session, Principal(None, "r", "regulator"), pool["id"])


def test_licences_and_permissions(world):
    db, pool, members = world["db"], world["pool"], world["members"]
    with db.sessions() as session, session.begin():
        cross = service.add_licence(session, OPERATOR, pool["id"], "cross", "2026-01-15",
                                    member_ids=[members["青峦大学"], members["青峦理工学院"]])
        assert cross["licensee"] == "青峦大学、青峦理工学院"
        with pytest.raises(InvalidInput, match="royalties are paid under package licences"):
            service.record_payment(session, OPERATOR, cross["id"], "100", "2026-03-01")
        with pytest.raises(InvalidInput, match="is a pool member"):
            service.add_licence(session, OPERATOR, pool["id"], "package", "2026-01-15",
                                licensee_organisation_id=world["orgs"]["青峦大学"])
        with pytest.raises(InvalidInput, match="at least two members"):
            service.add_licence(session, OPERATOR, pool["id"], "cross", "2026-01-15", member_ids=[members["青峦大学"]])
        with pytest.raises(InvalidInput, match="before the licence was signed"):
            service.record_payment(session, OPERATOR, world["licence"]["id"], "10", "2026-01-31")
        with pytest.raises(InvalidInput, match="more than two decimal places"):
            service.record_payment(session, OPERATOR, world["licence"]["id"], "10.001", "2026-03-01")
        for role in ("supplier", "enterprise", "financier", "broker"):
            with pytest.raises(PermissionDenied):
                service.create_pool(session, Principal(None, role, role), "x")
        assert service.list_pools(session, Principal(None, "f", "financier"))[0]["patents"] == 6
        with pytest.raises(PermissionDenied):
            service.list_pools(session, Principal(None, "r", "regulator"))
