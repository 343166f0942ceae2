"""A push run (`lingxi push run`) over 10,000 subscriptions and 1,000 new patents in a 20,000-patent store.

Corpus: bench/import_throughput.py's JSONL generator (real titles/abstracts of ../shared/data/cn_patents_dev scaled
up, with IPC codes). The first 20,000 are imported and tagged with the three industry chains, the push cursor is set
after them, then 1,000 more are imported and tagged: those are "new".

Subscriptions (10,000, written with bulk inserts — the service's per-row checks are not what is measured): 2,000
enterprise users with one organisation each, five subscriptions per user, kinds mixed evenly:
- chain node: a random node of 光伏/氢能/新能源汽车 chains;
- keywords: field queries built from technical terms (`TIAB=(A AND B)`, `TI=A`, `TIAB=(A OR B) NOT TI=C`);
- demand: 600 distinct demand texts (sentences of real abstracts, reworded as a need), each followed by ~5 users.
Demand vectors are warmed first (the cold cost is reported separately: in steady state a demand is embedded once,
when first seen); the new patents are NOT in a semantic index here, so the run embeds them itself (`item_vectors`;
on a server the background job has usually embedded them at import time). Inbox channel only for the timing.
E-mail and webhook cost per message is measured separately against a local aiosmtpd server and a local HTTP server.

Results: bench/results/push_run.json.  Usage: python bench/push_run.py [--store 20000] [--new 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results" / "push_run.json"
SUBSCRIPTIONS = 10_000
USERS = 2_000
DEMAND_TEXTS = 600
TERMS = ("电池", "正极", "负极", "隔膜", "电解液", "催化剂", "光伏", "太阳能", "逆变器", "传感器", "电机", "涂层",
         "复合材料", "燃料电池", "储能", "充电", "氢气", "膜电极", "硅片", "封装", "散热", "控制方法", "检测",
         "石墨烯", "纳米", "合金", "陶瓷", "聚合物", "焊接", "机器人", "算法", "阀门", "电极", "薄膜", "玻璃")


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build_store(tmp: Path, store: int, new: int):
    from import_throughput import make_jsonl

    from lingxi.db import open_database
    from lingxi.db.models import Patent, PushCursor
    from lingxi.patents.importing import run_import
    from lingxi.tagging.jobs import run_tagging
    from lingxi.tagging.store import install_shipped

    corpus = tmp / "all.jsonl"
    make_jsonl(corpus, store + new)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp / "old.jsonl").write_text("".join(lines[:store]), encoding="utf-8")
    (tmp / "new.jsonl").write_text("".join(lines[store:]), encoding="utf-8")
    db = open_database(f"sqlite:///{tmp}/lingxi.db")
    with db.sessions() as session:
        install_shipped(session)
        session.commit()
    chains = ["chain_pv", "chain_h2", "chain_ev"]
    started = time.perf_counter()
    run_import(db, [tmp / "old.jsonl"])
    run_tagging(db, chains, annotations=False)
    with db.sessions() as session:
        from sqlalchemy import func, select

        session.add(PushCursor(source="patent", last_id=session.scalar(select(func.max(Patent.id)))))
        session.commit()
    run_import(db, [tmp / "new.jsonl"])
    run_tagging(db, chains, annotations=False)
    print(f"store of {store:,} + {new:,} new patents imported and tagged in {time.perf_counter() - started:.0f} s")
    return db


def make_subscriptions(db) -> dict:
    from sqlalchemy import insert, select

    from lingxi.db.models import Demand, Organisation, Patent, Subscription, User
    from lingxi.tagging.store import load_taxonomy

    rng = random.Random(11)
    with db.sessions() as session:
        nodes = [(name, node.key) for name in ("chain_pv", "chain_h2", "chain_ev")
                 for node in load_taxonomy(session, name).nodes]
        abstracts = [a for a in session.scalars(select(Patent.abstract).limit(5_000)) if a]
        session.execute(insert(Organisation), [{"name": f"基准企业{i:05d}有限公司", "kind": "enterprise"}
                                               for i in range(USERS)])
        orgs = list(session.scalars(select(Organisation.id).order_by(Organisation.id)))[-USERS:]
        session.execute(insert(User), [{"username": f"bench{i:05d}", "display_name": f"企业用户{i}",
                                        "role": "enterprise", "organisation_id": orgs[i], "password_hash": "-",
                                        "is_active": True, "language": "zh"} for i in range(USERS)])
        users = list(session.scalars(select(User.id).order_by(User.id)))[-USERS:]
        demand_rows = []
        for i in range(DEMAND_TEXTS):
            sentence = rng.choice(abstracts).split("。")[0][:120]
            demand_rows.append({"organisation_id": orgs[i % USERS], "title": f"寻求技术：{sentence[:40]}",
                                "description": f"我们希望解决以下问题并引进成熟方案：{sentence}"})
        session.execute(insert(Demand), demand_rows)
        demands = list(session.scalars(select(Demand.id).order_by(Demand.id)))[-DEMAND_TEXTS:]
        rows = []
        for n in range(SUBSCRIPTIONS):
            user = n % USERS
            base = {"user_id": users[user], "organisation_id": orgs[user], "item_types": ["patent"], "active": True,
                    "demand_id": None, "taxonomy_name": None, "node_key": None, "query": None}
            kind = ("chain_node", "keywords", "demand")[n % 3]
            if kind == "chain_node":
                taxonomy, node = rng.choice(nodes)
                rows.append(base | {"kind": kind, "name": f"节点 {node}", "taxonomy_name": taxonomy,
                                    "node_key": node})
            elif kind == "keywords":
                a, b, c = rng.sample(TERMS, 3)
                query = rng.choice((f"TIAB=({a} AND {b})", f"TI={a}", f"TIAB=({a} OR {b}) NOT TI={c}"))
                rows.append(base | {"kind": kind, "name": f"关键词 {query}", "query": query})
            else:
                rows.append(base | {"kind": kind, "name": "需求订阅", "demand_id": rng.choice(demands)})
        session.execute(insert(Subscription), rows)
        session.commit()
    kinds = {k: sum(1 for r in rows if r["kind"] == k) for k in ("chain_node", "keywords", "demand")}
    return {"subscriptions": len(rows), "users": USERS, "by_kind": kinds, "distinct_demand_texts": DEMAND_TEXTS}


def warm_demand_vectors(db) -> dict:
    from lingxi.push.selection import active_subscriptions, demand_subscription_vectors
    from lingxi.text.embedding import default_embedder

    embedder = default_embedder()
    with db.sessions() as session:
        subs = [s for s in active_subscriptions(session) if s.kind == "demand"]
        started = time.perf_counter()
        demand_subscription_vectors(session, embedder, subs)
        session.commit()
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        demand_subscription_vectors(session, embedder, subs)  # warm: read from the cache only
        warm = time.perf_counter() - started
    return {"demand_subscriptions": len(subs), "cold_seconds": round(seconds, 2),
            "cold_ms_per_distinct_text": round(1000 * seconds / DEMAND_TEXTS, 1), "warm_seconds": round(warm, 3)}


def external_cost(samples: int = 50) -> dict:
    """Per-message cost of the e-mail and webhook channels against local servers (no network latency)."""
    from lingxi.push.channels.email import Email, SmtpSender, compose
    from lingxi.push.channels.webhook import WebhookSender
    from lingxi.settings import Settings

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    sender = WebhookSender(5.0, allow_private=True)
    payload = {"event": "push", "item": {"type": "patent", "id": 1, "title": "一种钙钛矿太阳能电池", "url": "x"}}
    started = time.perf_counter()
    for i in range(samples):
        assert sender.send(f"http://127.0.0.1:{http.server_address[1]}/h", "secret-secret-secret", payload, i) is None
    webhook_ms = 1000 * (time.perf_counter() - started) / samples
    sender.close()
    http.shutdown()
    result = {"webhook_ms_per_message_local": round(webhook_ms, 2), "samples": samples}
    try:
        import socket

        from aiosmtpd.controller import Controller
    except ImportError:
        result["email"] = "aiosmtpd not installed (pip install -e .[test])"
        return result

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    smtp = SmtpSender(Settings(smtp_host="127.0.0.1", smtp_port=port))
    subject, body = compose("patent", "一种钙钛矿太阳能电池", "摘要……", "http://127.0.0.1:8000/patents/1", "订阅")
    started = time.perf_counter()
    for _ in range(samples):
        assert smtp.send(Email("a@example.com", subject, body)) is None
    result["email_ms_per_message_local_one_session"] = round(1000 * (time.perf_counter() - started) / samples, 2)
    smtp.close()
    controller.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=1_000)
    args = parser.parse_args()
    from sqlalchemy import func, select

    from lingxi.accounts.principal import SYSTEM
    from lingxi.db.models import InboxMessage
    from lingxi.push.runner import run_push
    from lingxi.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = build_store(tmp, args.store, args.new)
        setup = make_subscriptions(db)
        print(json.dumps(setup, ensure_ascii=False))
        warm = warm_demand_vectors(db)
        print("demand vectors", json.dumps(warm))
        rss_before = rss_mb()
        settings = Settings(home=tmp / "home")
        cpu = time.process_time()
        report = run_push(settings, db, SYSTEM, trigger="bench", external=False)
        cpu = time.process_time() - cpu
        print("run", json.dumps(report.as_dict(), ensure_ascii=False)[:1500])
        rerun = run_push(settings, db, SYSTEM, trigger="bench", external=False)
        with db.sessions() as session:
            inbox = session.scalar(select(func.count(InboxMessage.id)))
        db.dispose()
    channels = external_cost()
    timings = report.timings
    results = {
        "store_patents": args.store, "new_patents": args.new, "cpu_count": os.cpu_count(),
        "database": "SQLite (embedded default)", "channels_timed": "inbox only",
        "setup": setup, "demand_vectors": warm,
        "run": {"total_seconds": timings.get("total"), "cpu_seconds": round(cpu, 2), "stages": timings,
                "total_minus_item_vectors_stage": round(timings.get("total", 0) - timings.get("item_vectors", 0), 3),
                "items_scanned": report.items_scanned, "subscriptions_checked": report.subscriptions_checked,
                "matches": report.matches, "matches_by_kind": report.matches_by_kind,
                "deliveries_made": report.deliveries_created, "inbox_messages": inbox,
                "notes": report.notes},
        "rerun_nothing_new": {"total_seconds": rerun.timings.get("total"), "deliveries_made": rerun.deliveries_created},
        "peak_rss_mb": {"before_run": rss_before, "after_run": rss_mb(),
                        "note": "ru_maxrss of the whole benchmark process (import, tagging and e5 included)"},
        "external_channels": channels,
        "note": "2-core machine shared with other helpers while measured",
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
