"""Subscriptions and push runs on real SQLite and PostgreSQL: matching, once-only delivery, e-mail through a real
local SMTP server, signed webhooks to a real local HTTP server, retries, yearly counts and the record rules."""

from __future__ import annotations

import json
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db.models import (
    Demand,
    InboxMessage,
    Organisation,
    Patent,
    PatentTag,
    PushChannelDelivery,
    PushDelivery,
    PushRun,
    User,
)
from lingxi.errors import InvalidInput, PermissionDenied
from lingxi.push import inbox, stats
from lingxi.push.channels.webhook import SIGNATURE_HEADER, verify_signature
from lingxi.push.runner import run_push
from lingxi.push.subscriptions import (
    SubscriptionInput,
    create_subscription,
    get_subscription,
    list_subscriptions,
    update_subscription,
)
from lingxi.settings import Settings
from lingxi.tagging.store import install_shipped

PEROVSKITE = ("一种钙钛矿太阳能电池及其制备方法", "本发明公开了一种钙钛矿太阳能电池，空穴传输层提高了光电转换效率和稳定性。")
UMBRELLA = ("一种可折叠的雨伞", "雨伞包括伞骨和伞面，折叠后体积小，便于携带。")
CATHODE = ("一种高镍三元正极材料及其制备方法", "本发明公开了一种高镍三元正极材料，提高了锂离子电池的循环寿命。")


def _settings(tmp_path, **values) -> Settings:
    return Settings(home=tmp_path / "home", **values)


def _people(db) -> dict[str, Principal]:
    """Two enterprises with one user each, and an operator."""
    out = {}
    with db.sessions() as session:
        for name, role, org in (("ent_a", "enterprise", "甲科技有限公司"), ("ent_b", "enterprise", "乙科技有限公司"),
                                ("op", "operator", None)):
            organisation = None
            if org:
                organisation = Organisation(name=org, kind="enterprise")
                session.add(organisation)
                session.flush()
            user = User(username=name, display_name=name, role=role, password_hash="-",
                        organisation_id=organisation.id if organisation else None)
            session.add(user)
            session.flush()
            out[name] = Principal(user.id, name, role, user.organisation_id)
        install_shipped(session)
        session.commit()
    return out


def _add_patent(db, title: str, abstract: str, tag: str | None = None) -> int:
    with db.sessions() as session:
        count = session.scalar(select(func.count(Patent.id)))
        patent = Patent(key=f"CN{count + 1:09d}A", title=title, abstract=abstract, content_hash=str(count),
                        claims=[], language="zh")
        session.add(patent)
        session.flush()
        if tag:
            session.add(PatentTag(patent_id=patent.id, taxonomy_name="chain_pv", taxonomy_version=1, node_key=tag,
                                  confidence=0.9, source="rule"))
        session.commit()
        return patent.id


def _deliveries(db, username: str) -> list[tuple[str, int]]:
    with db.sessions() as session:
        return sorted(tuple(row) for row in session.execute(select(PushDelivery.item_type, PushDelivery.item_id).join(
            User, User.id == PushDelivery.user_id).where(User.username == username)).all())


def test_a_matching_new_patent_is_pushed_once_and_a_non_matching_one_never(db, tmp_path):
    people = _people(db)
    settings = _settings(tmp_path)
    with db.sessions() as session:
        chain = create_subscription(session, people["ent_a"], SubscriptionInput(
            kind="chain_node", taxonomy="chain_pv", node="pv.cell"))
        create_subscription(session, people["ent_b"], SubscriptionInput(
            kind="keywords", query="TI=雨伞"))
        # a second subscription of ent_a that matches the same patent: still one push to ent_a
        create_subscription(session, people["ent_a"], SubscriptionInput(kind="keywords", query="钙钛矿"))
        session.commit()
        assert chain.name.startswith("产业链节点") and chain.item_types == ["patent"]
    cell_node = "pv.cell.perovskite" if _has_node(db, "pv.cell.perovskite") else "pv.cell"
    perovskite = _add_patent(db, *PEROVSKITE, tag=cell_node)
    umbrella = _add_patent(db, *UMBRELLA)
    _add_patent(db, *CATHODE)

    first = run_push(settings, db, SYSTEM)
    assert first.status == "finished" and first.items_scanned == 3
    assert _deliveries(db, "ent_a") == [("patent", perovskite)]  # chain node (node below pv.cell) + keyword
    assert _deliveries(db, "ent_b") == [("patent", umbrella)]
    assert first.deliveries_created == 2 and first.matches == 3
    with db.sessions() as session:
        message = session.scalars(select(InboxMessage).where(InboxMessage.user_id == people["ent_a"].user_id)).one()
        assert PEROVSKITE[0] in message.title and message.link == f"/patents/{perovskite}"
        reasons = session.scalars(select(PushDelivery.reason).where(PushDelivery.item_id == perovskite)).one()
        assert {r["kind"] for r in reasons["subscriptions"]} == {"chain_node", "keywords"}
        assert reasons["subscriptions"][0]["id"] == chain.id  # the most specific subscription names the push

    again = run_push(settings, db, SYSTEM)  # nothing new
    assert again.items_scanned == 0 and again.deliveries_created == 0
    # a rerun over the same items (cursor moved back, as after a restore) pushes nothing twice
    with db.sessions() as session:
        from lingxi.db.models import PushCursor
        session.get(PushCursor, "patent").last_id = 0
        session.commit()
    replay = run_push(settings, db, SYSTEM)
    assert replay.items_scanned == 3 and replay.deliveries_created == 0 and replay.duplicates_skipped == 2
    assert _deliveries(db, "ent_a") == [("patent", perovskite)]
    with db.sessions() as session:
        assert session.scalar(select(func.count(InboxMessage.id))) == 2
        runs = session.scalars(select(PushRun).order_by(PushRun.id)).all()
        assert [r.status for r in runs] == ["finished"] * 3 and runs[0].watermarks == {"patent": [0, perovskite + 2]}


def _has_node(db, key: str) -> bool:
    from lingxi.tagging.store import load_taxonomy

    with db.sessions() as session:
        return key in load_taxonomy(session, "chain_pv").by_key


def test_a_demand_subscription_receives_semantically_close_patents(db, tmp_path):
    people = _people(db)
    with db.sessions() as session:
        demand = Demand(organisation_id=people["ent_a"].organisation_id, title="提高钙钛矿光伏电池的稳定性",
                        description="我们生产薄膜太阳能组件，钙钛矿电池在湿热环境下效率衰减快，希望找到提高稳定性的技术。")
        secret = Demand(organisation_id=people["ent_b"].organisation_id, title="保密需求", description="-",
                        confidentiality="secret")
        session.add_all([demand, secret])
        session.flush()
        subscription = create_subscription(session, people["ent_a"], SubscriptionInput(kind="demand",
                                                                                       demand_id=demand.id))
        with pytest.raises(InvalidInput) as hidden:  # another enterprise's secret demand cannot be followed
            create_subscription(session, people["ent_a"], SubscriptionInput(kind="demand", demand_id=secret.id))
        assert hidden.value.field == "demand_id"
        session.commit()
    perovskite = _add_patent(db, *PEROVSKITE)
    _add_patent(db, *UMBRELLA)
    report = run_push(_settings(tmp_path), db, SYSTEM)
    assert _deliveries(db, "ent_a") == [("patent", perovskite)], report.notes
    with db.sessions() as session:
        delivery = session.scalars(select(PushDelivery)).one()
        assert delivery.subscription_id == subscription.id and delivery.reason["subscriptions"][0]["kind"] == "demand"
        messages = inbox.page_as_dicts(session, inbox.list_messages(session, people["ent_a"]))
        assert messages.items[0]["match_link"] == f"/matching?demand_id={demand.id}"
        assert messages.items[0]["link"] == f"/patents/{perovskite}"
        assert "select_demand" in report.timings


class _SmtpInbox:
    """A real SMTP server on a free local port (aiosmtpd), keeping what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []

        class Handler:
            async def handle_DATA(handler, server, session, envelope):  # noqa: N805,N802
                self.messages.append((envelope.rcpt_tos, envelope.content))
                return "250 OK"

        import socket

        with socket.socket() as probe:  # aiosmtpd checks its own port once started: it must be a real one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    _Receiver.answers, _Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Receiver
    server.shutdown()
    server.server_close()


def test_email_arrives_and_a_failing_webhook_is_recorded_and_retried_next_run(db, tmp_path, webhook_server):
    server, receiver = webhook_server
    people = _people(db)
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    with db.sessions() as session:
        subscription = create_subscription(session, people["ent_a"], SubscriptionInput(
            kind="keywords", query="钙钛矿 OR 雨伞", email="xuhang@example.com", webhook_url=url,
            webhook_secret="s3cret-s3cret-s3cret"))
        session.commit()
    perovskite = _add_patent(db, *PEROVSKITE)
    receiver.answers = [500]  # the receiver is down for the first delivery
    with _SmtpInbox() as smtp:
        refused = run_push(_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port), db, SYSTEM)
        assert refused.channels_failed == 1 and len(receiver.received) == 0  # loopback refused by default
        with db.sessions() as session:
            hook = session.scalars(select(PushChannelDelivery).where(PushChannelDelivery.channel == "webhook")).one()
            assert "private address" in hook.error
            hook.status, hook.attempts, hook.error = "queued", 0, None  # as if it had never been tried
            session.commit()
        settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="push@lingxi.test",
                             push_webhook_allow_private=True)
        first = run_push(settings, db, SYSTEM)
        assert refused.deliveries_created == 1 and first.deliveries_created == 0 and first.channels_failed == 1
        assert len(smtp.messages) == 1
        recipients, content = smtp.messages[0]
        assert recipients == ["xuhang@example.com"]
        mail = message_from_bytes(content)
        subject = str(make_header(decode_header(mail["Subject"])))
        assert subject == f"【灵犀精准推送】新专利：{PEROVSKITE[0]}"
        assert f"http://127.0.0.1:8000/patents/{perovskite}" in mail.get_payload(decode=True).decode("utf-8")
        with db.sessions() as session:
            hook = session.scalars(select(PushChannelDelivery).where(PushChannelDelivery.channel == "webhook")).one()
            assert (hook.status, hook.attempts) == ("failed", 1) and "HTTP 500" in hook.error

        umbrella = _add_patent(db, *UMBRELLA)
        second = run_push(settings, db, SYSTEM)  # the new item goes out, and the failed webhook is retried
        assert second.deliveries_created == 1 and second.retried == 1 and second.channels_failed == 0
        assert len(smtp.messages) == 2  # the e-mail that already arrived is not sent again
    assert len(receiver.received) == 3
    for headers, body in receiver.received:
        assert verify_signature("s3cret-s3cret-s3cret", body, headers[SIGNATURE_HEADER])
        assert not verify_signature("another-secret-value", body, headers[SIGNATURE_HEADER])
    items = sorted(json.loads(body)["item"]["id"] for _, body in receiver.received[1:])
    assert items == [perovskite, umbrella]
    payload = json.loads(receiver.received[0][1])
    assert payload["subscription"]["id"] == subscription.id and payload["item"]["title"] == PEROVSKITE[0]
    with db.sessions() as session:
        statuses = session.execute(select(PushChannelDelivery.channel, PushChannelDelivery.status,
                                          PushChannelDelivery.attempts).order_by(PushChannelDelivery.id)).all()
        assert ("webhook", "sent", 2) in statuses and all(status == "sent" for _, status, _ in statuses)
        counts = stats.push_counts(session, SYSTEM)
        year = counts["by_year"][0]["year"]
        assert stats.push_counts(session, SYSTEM, year=year - 1)["total"] == 0
    assert counts["total"] == 2 and counts["by_item_type"] == {"patent": 2}
    assert counts["by_channel"]["webhook"]["sent"] == 2 and counts["by_channel"]["email"]["sent"] == 2
    assert counts["by_channel"]["inbox"]["sent"] == 2
    assert counts["by_year"] == [{"year": year, "pushes": 2}]


def test_without_smtp_host_emails_wait_and_an_unreachable_webhook_is_tried_once_per_run(db, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    people = _people(db)
    with db.sessions() as session:
        create_subscription(session, people["ent_a"], SubscriptionInput(
            kind="keywords", query="雨伞", email="a@example.com", webhook_url=f"http://127.0.0.1:{closed}/h"))
        session.commit()
    _add_patent(db, *UMBRELLA)
    _add_patent(db, "一种自动开合的雨伞", "雨伞的伞骨由电机驱动自动开合。")
    report = run_push(_settings(tmp_path, push_webhook_allow_private=True), db, SYSTEM)
    assert report.deliveries_created == 2
    assert any("LINGXI_SMTP_HOST" in note for note in report.notes)
    assert report.channels_failed == 1 and any("postponed" in note for note in report.notes)
    with db.sessions() as session:
        rows = session.execute(select(PushChannelDelivery.channel, PushChannelDelivery.status,
                                      PushChannelDelivery.attempts).where(PushChannelDelivery.channel != "inbox")
                               .order_by(PushChannelDelivery.id)).all()
    assert sorted(tuple(r) for r in rows) == [("email", "queued", 0), ("email", "queued", 0),
                                              ("webhook", "failed", 1), ("webhook", "queued", 0)]


def test_record_rules_and_input_checks(db, tmp_path):
    people = _people(db)
    a, b, op = people["ent_a"], people["ent_b"], people["op"]
    with db.sessions() as session:
        mine = create_subscription(session, a, SubscriptionInput(kind="keywords", query="雨伞"))
        for bad, field in ((SubscriptionInput(kind="keywords", query="TI=(雨伞"), "query"),
                           (SubscriptionInput(kind="chain_node", taxonomy="chain_pv", node="pv.nowhere"), "node"),
                           (SubscriptionInput(kind="chain_node", taxonomy="no_such", node="x"), "taxonomy"),
                           (SubscriptionInput(kind="keywords", query="x", email="not-an-address"), "email"),
                           (SubscriptionInput(kind="keywords", query="x", webhook_url="ftp://host/x"), "webhook_url"),
                           (SubscriptionInput(kind="keywords", query="x", item_types=["patent", "car"]), "item_types"),
                           (SubscriptionInput(kind="weather"), "kind"),
                           (SubscriptionInput(kind="demand", demand_id=999999), "demand_id")):
            with pytest.raises(InvalidInput) as error:
                create_subscription(session, a, bad)
            assert error.value.field == field
        with pytest.raises(PermissionDenied):
            get_subscription(session, b, mine.id)
        with pytest.raises(PermissionDenied):
            update_subscription(session, b, mine.id, SubscriptionInput(active=False))
        with pytest.raises(PermissionDenied):
            create_subscription(session, b, SubscriptionInput(kind="keywords", query="x", user_id=a.user_id))
        assert list_subscriptions(session, b).total == 0
        with pytest.raises(PermissionDenied):
            list_subscriptions(session, b, everyone=True)
        # operators see and change anyone's, and subscribe on a user's behalf
        assert get_subscription(session, op, mine.id).id == mine.id
        made = create_subscription(session, op, SubscriptionInput(kind="keywords", query="电池", user_id=b.user_id))
        assert made.user_id == b.user_id and made.organisation_id == b.organisation_id
        assert list_subscriptions(session, op, everyone=True).total == 2
        with_hook = update_subscription(session, a, mine.id, SubscriptionInput(webhook_url="https://example.com/h"))
        assert len(with_hook.webhook_secret) >= 32  # generated when none is given
        session.commit()
    _add_patent(db, *UMBRELLA)
    with pytest.raises(PermissionDenied):
        run_push(_settings(tmp_path), db, a)  # only operators run pushes
    run_push(_settings(tmp_path, webhook_timeout=0.5), db, op)
    with db.sessions() as session:
        message = session.scalars(select(InboxMessage)).one()
        assert inbox.unread_count(session, a) == 1 and inbox.unread_count(session, b) == 0
        with pytest.raises(PermissionDenied):
            inbox.mark_read(session, b, message.id)
        assert inbox.list_messages(session, b).total == 0
        inbox.mark_read(session, a, message.id)
        assert inbox.unread_count(session, a) == 0
        with pytest.raises(PermissionDenied):
            stats.list_deliveries(session, a)
        log = stats.list_deliveries(session, op)
        assert log.total == 1 and {c["channel"] for c in log.items[0]["channels"]} == {"inbox", "webhook"}


def test_cli_push_run_and_stats_print_json(tmp_path):
    import subprocess
    import sys

    home = tmp_path / "cli-home"
    ran = subprocess.run([sys.executable, "-m", "lingxi.cli", "push", "run", "--json", "--home", str(home)],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["status"] == "finished" and report["items_scanned"] == 0 and report["run_id"] == 1
    counted = subprocess.run([sys.executable, "-m", "lingxi.cli", "push", "stats", "--json", "--home", str(home)],
                             capture_output=True, text=True, timeout=300)
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout)["total"] == 0


def test_demand_threshold_is_the_floor_or_the_stores_closest_half_percent(tmp_path):
    import numpy as np

    from lingxi.push.selection import demand_thresholds

    rng = np.random.default_rng(5)
    demand = rng.normal(size=(1, 64)).astype(np.float32)
    demand /= np.linalg.norm(demand)
    # a background whose cosines to the demand run evenly from 0.80 to 0.99
    cosines = np.linspace(0.80, 0.99, 1000, dtype=np.float32)
    other = rng.normal(size=(1000, 64)).astype(np.float32)
    other -= (other @ demand.T) * demand
    other /= np.linalg.norm(other, axis=1, keepdims=True)
    background = cosines[:, None] * demand + np.sqrt(1 - cosines[:, None] ** 2) * other
    settings = _settings(tmp_path)
    assert demand_thresholds(settings, demand, background)[0] == pytest.approx(0.989, abs=1e-3)
    assert demand_thresholds(settings, demand, background[:300])[0] == pytest.approx(0.87)  # floor wins
    assert demand_thresholds(settings, demand, background[:10])[0] == pytest.approx(0.87)  # too few: floor only


def test_listings_and_open_licences_come_from_the_market_source_and_count_apart_from_patents(db, tmp_path):
    """The item-source seam with the real market source: a listing of a patent is its own push."""
    from decimal import Decimal

    from lingxi.db.models import Listing, ListingPatent
    from lingxi.push.items import item_sources

    assert {"patent", "listing", "open_licence"} <= set(item_sources())
    people = _people(db)
    with db.sessions() as session:
        create_subscription(session, people["ent_a"], SubscriptionInput(kind="keywords", query="雨伞",
                                                                        item_types=["patent", "listing"]))
        create_subscription(session, people["ent_b"], SubscriptionInput(kind="keywords", query="雨伞"))
        session.commit()
    umbrella = _add_patent(db, *UMBRELLA)
    run_push(_settings(tmp_path), db, SYSTEM)
    with db.sessions() as session:
        listing = Listing(title="折叠雨伞专利转让", mode="transfer", asking_price_yuan=Decimal("50000"),
                          status="approved", publicity_days=15)
        draft = Listing(title="未审核挂牌", mode="licence", status="submitted", publicity_days=15)
        session.add(draft)
        session.flush()  # the draft has the older id
        session.add(listing)
        session.flush()
        session.add_all([ListingPatent(listing_id=listing.id, patent_id=umbrella),
                         ListingPatent(listing_id=draft.id, patent_id=umbrella)])
        session.commit()
    report = run_push(_settings(tmp_path), db, SYSTEM)
    assert report.items_scanned == 1 and report.deliveries_created == 1
    assert _deliveries(db, "ent_a") == [("listing", listing.id), ("patent", umbrella)]
    assert _deliveries(db, "ent_b") == [("patent", umbrella)]  # wants patents only
    with db.sessions() as session:
        message = session.scalars(select(InboxMessage).where(InboxMessage.item_type == "listing")).one()
        assert message.link == f"/market/listings/{listing.id}" and message.title.startswith("【挂牌专利】")
        assert stats.push_counts(session, SYSTEM)["by_item_type"] == {"patent": 2, "listing": 1}

    # The draft listing, older than the one pushed, is approved only now: it is still pushed, once
    with db.sessions() as session:
        session.get(Listing, draft.id).status = "approved"
        session.commit()
    report = run_push(_settings(tmp_path), db, SYSTEM)
    assert report.items_scanned == 1 and report.deliveries_created == 1
    assert _deliveries(db, "ent_a") == [("listing", draft.id), ("listing", listing.id), ("patent", umbrella)]
    assert run_push(_settings(tmp_path), db, SYSTEM).items_scanned == 0  # announced: not offered again


def test_one_run_at_a_time_deactivated_subscriptions_rest_and_the_cap_holds(db, tmp_path):
    import datetime as dt

    from lingxi.db.base import utcnow
    from lingxi.errors import Conflict
    from lingxi.push.subscriptions import deactivate_subscription

    people = _people(db)
    with db.sessions() as session:
        capped = create_subscription(session, people["ent_a"], SubscriptionInput(kind="keywords", query="雨伞"))
        resting = create_subscription(session, people["ent_b"], SubscriptionInput(kind="keywords", query="雨伞"))
        deactivate_subscription(session, people["ent_b"], resting.id)
        session.add(PushRun(status="running", started_by="other"))
        session.commit()
    for number in range(4):
        _add_patent(db, f"一种雨伞（第{number}型）", "雨伞包括伞骨和伞面。")
    with pytest.raises(Conflict):
        run_push(_settings(tmp_path), db, SYSTEM)
    with db.sessions() as session:  # a run that died an hour ago no longer blocks
        stuck = session.scalars(select(PushRun).where(PushRun.started_by == "other")).one()
        stuck.started_at = utcnow() - dt.timedelta(hours=2)
        session.commit()
    report = run_push(_settings(tmp_path, push_max_per_subscription=3), db, SYSTEM)
    assert report.deliveries_created == 3 and report.subscriptions_checked == 1
    assert len(_deliveries(db, "ent_a")) == 3 and _deliveries(db, "ent_b") == []
    with db.sessions() as session:
        assert get_subscription(session, people["ent_a"], capped.id).active
