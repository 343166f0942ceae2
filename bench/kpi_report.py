"""Time of a full programme KPI report (the Shaanxi 2021–2023 template: 15 indicator rows × 3 years + the baseline
year) and of a drill-down, on a SQLite home at the scale the programme's targets imply.

Data (generated, fixed seed): 3,000 organisations (300 suppliers: universities / institutes / SOEs; 2,700 enterprises
of every size, a tenth of them resized later so the size history is read back from the audit log), DEALS deals from
2020 to 2023 with 1–3 patents and 0–3 payments each (5 % cancelled, 5 % draft), 4,000 pledges, 2,000 open-licence
acceptances. Results: bench/results/kpi_report.json.  Usage: python bench/kpi_report.py [--deals N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "kpi_report.json"


def build(db, deals: int, rng: random.Random) -> dict:
    from sqlalchemy import insert, select

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db.models import (
        Deal,
        DealPatent,
        DealPayment,
        EnterpriseProfile,
        OpenLicenceAcceptance,
        OpenLicenceDeclaration,
        Organisation,
        Party,
        Patent,
        PledgeRecord,
    )
    from lingxi.kpi.programmes import install_templates

    cities = ["西安", "宝鸡", "咸阳", "渭南", "汉中", "榆林", "延安"]
    with db.sessions() as session, session.begin():
        session.execute(insert(Party), [{"kind": "organisation", "cluster_key": "p", "name": "p",
                                         "party_type": "university"}])
        session.execute(insert(Patent), [{"key": f"CN{i}B", "title": f"专利 {i}", "content_hash": str(i),
                                          "claims": [], "priority_claims": [], "extra": {}} for i in range(20_000)])
        orgs = [{"name": f"供给方{i}", "kind": rng.choice(("university", "institute", "soe")), "province": "陕西",
                 "city": rng.choice(cities)} for i in range(300)]
        orgs += [{"name": f"企业{i}", "kind": "enterprise", "province": rng.choice(("陕西", "陕西", "陕西", "河南")),
                  "city": rng.choice(cities)} for i in range(2_700)]
        session.execute(insert(Organisation), orgs)
        ids = session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
        suppliers, enterprises = ids[:300], ids[300:]
        session.execute(insert(EnterpriseProfile), [
            {"organisation_id": e, "size_class": rng.choice(("micro", "small", "medium", "large")), "aliases": [],
             "contacts": [], "risk_indicators": {}} for e in enterprises])
    with db.sessions() as session, session.begin():  # a tenth of the enterprises change size (audited)
        for profile in session.scalars(select(EnterpriseProfile).limit(270)):
            profile.size_class = "large" if profile.size_class != "large" else "small"
    kinds = ["transfer", "licence_ordinary", "licence_exclusive", "open_licence", "equity"]
    with db.sessions() as session, session.begin():
        rows = []
        for i in range(deals):
            signed = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
            state = rng.choices(["registered", "in_implementation", "filed", "closed", "cancelled", "draft"],
                                [30, 30, 20, 10, 5, 5])[0]
            rows.append({"kind": rng.choice(kinds), "title": f"交易 {i}", "reference": f"B-{i}", "state": state,
                         "supplier": "s", "supplier_organisation_id": rng.choice(suppliers), "counterparty": "c",
                         "counterparty_organisation_id": rng.choice(enterprises),
                         "signed_on": None if state == "draft" else signed,
                         "contract_amount_yuan": Decimal(rng.randrange(10_000, 2_000_000)),
                         "received_yuan": Decimal(0), "implementation_evidence": [], "version": 1})
        session.execute(insert(Deal), rows)
        deal_rows = session.execute(select(Deal.id, Deal.signed_on)).all()
        links, payments = [], []
        for deal_id, signed in deal_rows:
            for patent in rng.sample(range(1, 20_001), rng.randint(1, 3)):
                links.append({"deal_id": deal_id, "patent_id": patent})
            for _ in range(rng.randint(0, 3)):
                day = (signed or dt.date(2023, 1, 1)) + dt.timedelta(days=rng.randrange(400))
                payments.append({"deal_id": deal_id, "amount_yuan": Decimal(rng.randrange(1_000, 500_000)),
                                 "received_on": day, "recorded_by": "bench"})
        session.execute(insert(DealPatent), links)
        session.execute(insert(DealPayment), payments)
        session.execute(insert(PledgeRecord), [
            {"patent_id": rng.randrange(1, 20_001), "pledgor": f"企业{rng.randrange(2_700)}", "pledgee": "银行",
             "amount_yuan": Decimal(rng.randrange(1_000_000, 50_000_000)),
             "registered_on": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365)),
             "recorded_by": "bench"} for _ in range(4_000)])
        session.execute(insert(OpenLicenceDeclaration), [
            {"patent_id": i, "patent_number": f"ZL{i}", "patentee": "供给方1", "payment_method": "一次性",
             "fee_standard": "1 万元", "upfront_fee_yuan": Decimal(10_000), "licence_term_years": 3,
             "pledgee_consent": False, "status": "published", "created_by": "bench", "version": 1}
            for i in range(1, 201)])
        session.execute(insert(OpenLicenceAcceptance), [
            {"declaration_id": 1 + i % 200, "licensee": f"企业{i}", "notified_on": dt.date(2021, 1, 1)
             + dt.timedelta(days=rng.randrange(3 * 365)), "paid_yuan": Decimal(10_000)} for i in range(2_000)])
        install_templates(session, SYSTEM)
    return {"deals": deals, "deal_patents": len(links), "payments": len(payments), "organisations": 3_000,
            "pledges": 4_000, "acceptances": 2_000, "patents": 20_000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=20_000)
    args = parser.parse_args()
    from lingxi.accounts.principal import SYSTEM
    from lingxi.db import open_database
    from lingxi.kpi.excel import report_workbook
    from lingxi.kpi.report import drilldown, programme_report

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'lingxi.db'}")
        started = time.perf_counter()
        size = build(db, args.deals, random.Random(8))
        built = time.perf_counter() - started
        timings = {}
        with db.sessions() as session:
            for attempt in ("first", "second"):
                started = time.perf_counter()
                result = programme_report(session, SYSTEM, "shaanxi-2021-2023", as_of=dt.date(2024, 3, 1))
                timings[f"report_{attempt}_s"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            workbook = report_workbook(result)
            timings["excel_s"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            drill = drilldown(session, SYSTEM, "shaanxi-2021-2023", "1", 2022)
            timings["drilldown_s"] = round(time.perf_counter() - started, 3)
        db.dispose()
    first = result["indicators"][0]["years"]
    out = {"data": size, "build_s": round(built, 1), **timings, "excel_bytes": len(workbook),
           "indicator_rows": len(result["indicators"]), "years": result["years"],
           "sme_received_patents": {row["year"]: row["actual"] for row in first},
           "drilldown_records": sum(len(v) for v in drill["records"].values())}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
