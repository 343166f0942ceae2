"""Deal desk under load: transition throughput, no lost update under contention, and the Excel export.

1. Sequential: --deals licence deals, each taken draft → signed → filed → in_implementation → closed, one transaction
   per step (as the API does); time per transition.
2. Contention: --threads threads each record --payments payments of ¥0.01 on ONE deal, each reading the deal, then
   changing it with the version it read, retrying on Conflict (409). Afterwards the received total must be exactly
   threads × payments × 0.01 and there must be as many payment rows: no update lost, none doubled. Conflicts counted.
3. Export: the Excel file of all deals.

Runs on a fresh SQLite file and, when reachable, a fresh schema of the PostgreSQL test database
(LINGXI_TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Results: bench/results/market_deals.json.  Usage: python bench/market_deals.py [--deals N] [--threads T] [--payments K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "market_deals.json"
POSTGRES = os.environ.get("LINGXI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def run(url: str, deals_count: int, threads: int, payments: int) -> dict:
    from sqlalchemy import func, select

    from lingxi.accounts.principal import Principal
    from lingxi.db import open_database
    from lingxi.db.models import DealPayment, Party, Patent, PatentParty
    from lingxi.errors import Conflict
    from lingxi.market import deals
    from lingxi.market.deals_excel import write_deals

    operator = Principal(user_id=None, username="bench", role="operator")
    today = dt.date(2026, 6, 1)
    db = open_database(url)
    with db.sessions() as session, session.begin():
        holder = Party(kind="organisation", cluster_key="bench", name="青峦大学", party_type="university")
        session.add(holder)
        session.flush()
        ids = []
        for n in range(50):
            row = Patent(key=f"CN9{n:06d}B", publication_number=f"CN9{n:06d}B", country="CN", doc_type="invention",
                         application_number=f"BENCH{n}", application_date=dt.date(2018, 1, 1),
                         grant_date=dt.date(2021, 1, 1), title=f"电池 {n}", legal_status="granted", content_hash=str(n),
                         claims=[])
            session.add(row)
            session.flush()
            session.add(PatentParty(patent_id=row.id, party_id=holder.id, role="applicant", name=holder.name))
            ids.append(row.id)

    steps = [("signed", {"contract_amount_yuan": "100000.00", "signed_on": "2026-03-01"}),
             ("filed", {"filing_number": "B", "filed_on": "2026-04-01"}),
             ("in_implementation", {"implementation_status": "量产"}), ("closed", {"closed_on": "2026-05-01"})]
    started = time.perf_counter()
    for n in range(deals_count):
        with db.sessions() as session, session.begin():
            made = deals.create_deal(session, operator, kind="licence_ordinary", title=f"许可 {n}",
                                     patent_ids=[ids[n % len(ids)]], supplier="青峦大学", counterparty="甲公司")
        version = made["version"]
        for to_state, data in steps:
            with db.sessions() as session, session.begin():
                version = deals.transition(session, operator, made["id"], to_state, version, data,
                                           today=today)["version"]
    sequential = time.perf_counter() - started
    transitions = deals_count * (1 + len(steps))

    with db.sessions() as session, session.begin():
        target = deals.create_deal(session, operator, kind="transfer", title="争用", patent_ids=[ids[0]],
                                   supplier="青峦大学", counterparty="乙公司",
                                   contract_amount_yuan=str(Decimal("0.01") * threads * payments))
        deals.transition(session, operator, target["id"], "signed", target["version"], {}, today=today)
    conflicts = [0] * threads

    def pay(index: int) -> None:
        done = 0
        while done < payments:
            try:
                with db.sessions() as session, session.begin():
                    version = deals.get_deal(session, operator, target["id"])["version"]
                    deals.record_payment(session, operator, target["id"], "0.01", "2026-05-01", version, today=today)
                done += 1
            except Conflict:
                conflicts[index] += 1

    workers = [threading.Thread(target=pay, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    contention = time.perf_counter() - started
    with db.sessions() as session:
        final = deals.get_deal(session, operator, target["id"])
        rows = session.scalar(select(func.count()).select_from(DealPayment)
                              .where(DealPayment.deal_id == target["id"]))
        started = time.perf_counter()
        workbook = write_deals(session, operator, today)
        export = time.perf_counter() - started
    db.dispose()
    expected = Decimal("0.01") * threads * payments
    return {
        "database": url.split(":")[0].split("+")[0],
        "sequential": {"deals": deals_count, "transitions": transitions, "seconds": round(sequential, 3),
                       "ms_per_transition": round(1000 * sequential / transitions, 2)},
        "contention": {"threads": threads, "payments_per_thread": payments, "seconds": round(contention, 3),
                       "conflicts_detected": sum(conflicts), "received_yuan": final["received_yuan"],
                       "expected_yuan": f"{expected:.2f}", "payment_rows": rows,
                       "no_lost_or_doubled_update": Decimal(final["received_yuan"]) == expected
                       and rows == threads * payments},
        "export": {"deals": deals_count + 1, "seconds": round(export, 3), "bytes": len(workbook)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--payments", type=int, default=25)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run(f"sqlite:///{Path(folder) / 'bench.db'}", args.deals, args.threads, args.payments))
    try:
        from sqlalchemy import create_engine, text

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            separator = "&" if "?" in POSTGRES else "?"
            results.append(run(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}", args.deals, args.threads,
                               args.payments))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    except Exception as error:  # no PostgreSQL here: the SQLite figures still stand
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
    report = {"benchmark": "market_deals", "machine": f"{os.cpu_count()} cores", "results": results}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
