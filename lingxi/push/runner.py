"""A push run (`lingxi push run`, the API, the operator's button): new items → matching subscriptions → deliveries.

1. For every item source, the items after its cursor (PushCursor), or those it has not announced yet (the market's
   listings and open licences) — at most `push_batch_items` per source and run.
2. Selection (lingxi.push.selection) pairs them with active subscriptions.
3. One transaction records, per (recipient, item), a PushDelivery — skipped when that recipient already had the
   item, so nothing is pushed twice — with its inbox message and its queued e-mail/webhook channel rows, and moves
   the cursors or marks the items announced. A run killed before the commit leaves no trace and the next run sees
   the same items again.
4. External channels are sent after that commit: every queued row, and every failed row with attempts left
   (`push_max_attempts`) — which is how a failed webhook is retried by the next run. Each attempt is committed on
   its own, so a run killed mid-way loses no record of what went out.

Every run is logged (PushRun) with its counts, stage timings and notes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.accounts.roles import PUSH_MANAGE, require
from lingxi.db import Database, in_batches
from lingxi.db.base import utcnow
from lingxi.db.models import InboxMessage, PushChannelDelivery, PushCursor, PushDelivery, PushRun, Subscription
from lingxi.errors import Conflict
from lingxi.push.channels.email import Email, SmtpSender, compose
from lingxi.push.channels.inbox import inbox_row
from lingxi.push.channels.webhook import WebhookSender
from lingxi.push.items import PushItem, item_sources
from lingxi.push.selection import Match, active_subscriptions, select_matches
from lingxi.settings import Settings

STALE_RUN = dt.timedelta(hours=1)  # a "running" run older than this died without finishing: no longer blocks
KIND_ORDER = {"demand": 0, "chain_node": 1, "keywords": 2}  # the most specific subscription names the delivery
RECORD_BATCH = 5_000  # deliveries per bulk insert


@dataclass
class RunReport:
    run_id: int
    status: str = "running"
    items_scanned: int = 0
    subscriptions_checked: int = 0
    matches: int = 0
    matches_by_kind: dict[str, int] = field(default_factory=dict)
    deliveries_created: int = 0
    duplicates_skipped: int = 0
    channels_sent: int = 0
    channels_failed: int = 0
    retried: int = 0
    watermarks: dict[str, list[int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def run_push(settings: Settings, db: Database, actor: Principal = SYSTEM, trigger: str = "cli",
             external: bool = True) -> RunReport:
    """One push run; `external=False` leaves e-mails and webhooks queued for a later run (used by the benchmark)."""
    require(actor, PUSH_MANAGE)
    started = time.perf_counter()
    report = RunReport(run_id=_start_run(db, actor, trigger))
    try:
        _select_and_record(settings, db, report)
        if external:
            stage = time.perf_counter()
            deliver_pending(settings, db, report)
            report.timings["deliver_external"] = round(time.perf_counter() - stage, 4)
        report.status = "finished"
    except BaseException as error:
        report.status = "failed"
        report.notes.append(f"{type(error).__name__}: {error}")
        raise
    finally:
        report.timings["total"] = round(time.perf_counter() - started, 4)
        _finish_run(db, report)
    return report


def _start_run(db: Database, actor: Principal, trigger: str) -> int:
    with db.sessions() as session, session.begin():
        running = session.scalar(select(PushRun.id).where(PushRun.status == "running",
                                                          PushRun.started_at > utcnow() - STALE_RUN))
        if running is not None:
            raise Conflict(f"push run {running} is still running; wait for it to finish")
        run = PushRun(trigger=trigger, started_by=actor.username, status="running")
        session.add(run)
        session.flush()
        return run.id


def _finish_run(db: Database, report: RunReport) -> None:
    with db.sessions() as session, session.begin():
        run = session.get(PushRun, report.run_id)
        for name in ("status", "items_scanned", "subscriptions_checked", "matches", "matches_by_kind",
                     "deliveries_created",
                     "duplicates_skipped", "channels_sent", "channels_failed", "retried", "watermarks", "timings",
                     "notes"):
            setattr(run, name, getattr(report, name))
        run.error = report.notes[-1] if report.status == "failed" and report.notes else None
        run.finished_at = utcnow()


def _select_and_record(settings: Settings, db: Database, report: RunReport) -> None:
    with db.sessions() as session, session.begin():
        stage = time.perf_counter()
        subscriptions = active_subscriptions(session)
        report.subscriptions_checked = len(subscriptions)
        items: list[PushItem] = []
        cursors: dict[str, PushCursor] = {}
        announced: dict = {}  # source → its items this run, for sources that record what they announced
        for item_type, source in item_sources().items():
            cursor = session.get(PushCursor, item_type) or PushCursor(source=item_type, last_id=0)
            cursors[item_type] = cursor
            batch = source.items_after(session, cursor.last_id, settings.push_batch_items)
            if batch:
                if hasattr(source, "announced"):
                    announced[source] = batch
                else:
                    report.watermarks[item_type] = [cursor.last_id, batch[-1].item_id]
                items.extend(batch)
        report.items_scanned = len(items)
        report.timings["load"] = round(time.perf_counter() - stage, 4)
        if items and subscriptions:
            selection = select_matches(settings, db, session, items, subscriptions)
            report.timings.update(selection.timings)
            report.notes.extend(selection.notes)
            report.matches = len(selection.matches)
            stage = time.perf_counter()
            _record(session, report, selection.matches)
            report.timings["record"] = round(time.perf_counter() - stage, 4)
        for item_type, (_, last) in report.watermarks.items():
            cursor = cursors[item_type]
            cursor.last_id = last
            session.merge(cursor)
        for source, batch in announced.items():
            source.announced(session, batch)


def _record(session: Session, report: RunReport, matches: list[Match]) -> None:
    """Write the new pushes with Core bulk inserts: ~100k deliveries with their inbox messages and channel rows in
    one run are normal at 10k subscriptions, and ORM objects for them cost ten times the time and memory."""
    grouped: dict[tuple[int, str, int], list[Match]] = defaultdict(list)
    for match in matches:
        grouped[(match.subscription.user_id, match.item.item_type, match.item.item_id)].append(match)
        report.matches_by_kind[match.subscription.kind] = report.matches_by_kind.get(match.subscription.kind, 0) + 1
    already = _already_delivered(session, grouped)
    report.duplicates_skipped = sum(1 for key in grouped if key in already)
    fresh = [(key, group) for key, group in grouped.items() if key not in already]
    now = utcnow()
    for start in range(0, len(fresh), RECORD_BATCH):
        batch = fresh[start : start + RECORD_BATCH]
        rows = []
        for (user_id, item_type, item_id), group in batch:
            group.sort(key=lambda m: (KIND_ORDER.get(m.subscription.kind, 9), -m.score, m.subscription.id))
            first = group[0]
            rows.append({
                "user_id": user_id, "organisation_id": first.subscription.organisation_id, "item_type": item_type,
                "item_id": item_id, "subscription_id": first.subscription.id, "run_id": report.run_id,
                "title": first.item.title[:2000], "link": first.item.link[:300], "score": first.score,
                "created_at": now,
                "reason": {"summary": first.item.summary, "subscriptions": [
                    {"id": m.subscription.id, "name": m.subscription.name, "kind": m.subscription.kind,
                     "evidence": m.evidence} for m in group]}})
        ids = session.execute(insert(PushDelivery).returning(PushDelivery.id, sort_by_parameter_order=True),
                              rows).scalars().all()
        messages, channels = [], []
        for delivery_id, row, (_, group) in zip(ids, rows, batch, strict=True):
            messages.append(inbox_row(delivery_id, row["user_id"], row["item_type"], row["item_id"], row["title"],
                                      row["link"], group[0].item.summary, [m.subscription.name for m in group])
                            | {"created_at": now})
            channels.append({"delivery_id": delivery_id, "channel": "inbox", "target": str(row["user_id"]),
                             "subscription_id": row["subscription_id"], "status": "sent", "attempts": 1,
                             "created_at": now, "last_attempt_at": now, "sent_at": now})
            seen = set()
            for match in group:
                sub = match.subscription
                for channel, target in (("email", sub.email), ("webhook", sub.webhook_url)):
                    if target and (channel, target) not in seen:
                        seen.add((channel, target))
                        channels.append({"delivery_id": delivery_id, "channel": channel, "target": target,
                                         "subscription_id": sub.id, "status": "queued", "attempts": 0,
                                         "created_at": now, "last_attempt_at": None, "sent_at": None})
        session.execute(insert(InboxMessage), messages)
        session.execute(insert(PushChannelDelivery), channels)
        report.deliveries_created += len(rows)
        report.channels_sent += len(rows)  # the inbox messages


def _already_delivered(session: Session, grouped) -> set[tuple[int, str, int]]:
    by_type: dict[str, set[int]] = defaultdict(set)
    for _, item_type, item_id in grouped:
        by_type[item_type].add(item_id)
    found = set()
    for item_type, ids in by_type.items():
        for chunk in in_batches(sorted(ids)):
            found.update(tuple(row) for row in session.execute(
                select(PushDelivery.user_id, PushDelivery.item_type, PushDelivery.item_id)
                .where(PushDelivery.item_type == item_type, PushDelivery.item_id.in_(chunk))).all())
    return found


def deliver_pending(settings: Settings, db: Database, report: RunReport) -> None:
    """Send queued e-mails and webhooks, and retry failed ones that have attempts left."""
    with db.sessions() as session:
        pending = session.execute(
            select(PushChannelDelivery.id).where(
                PushChannelDelivery.channel.in_(("email", "webhook")),
                or_(PushChannelDelivery.status == "queued",
                    and_(PushChannelDelivery.status == "failed",
                         PushChannelDelivery.attempts < settings.push_max_attempts)))
            .order_by(PushChannelDelivery.id)).scalars().all()
    if not pending:
        return
    smtp = SmtpSender(settings)
    webhooks = WebhookSender(settings.webhook_timeout, settings.push_webhook_allow_private)
    waiting_for_smtp = postponed = 0
    try:
        for channel_id in pending:
            with db.sessions() as session, session.begin():
                row = session.get(PushChannelDelivery, channel_id)
                delivery = session.get(PushDelivery, row.delivery_id)
                sub = session.get(Subscription, row.subscription_id) if row.subscription_id else None
                if row.channel == "email" and not smtp.configured:
                    waiting_for_smtp += 1
                    continue
                if (row.channel == "email" and smtp.down) or (row.channel == "webhook"
                                                              and row.target in webhooks.unreachable):
                    postponed += 1  # its receiver failed earlier in this run: no attempt spent, next run tries
                    continue
                retry = row.attempts > 0
                error = _send(settings, smtp, webhooks, row, delivery, sub)
                row.attempts += 1
                row.last_attempt_at = utcnow()
                if error is None:
                    row.status, row.error, row.sent_at = "sent", None, row.last_attempt_at
                    report.channels_sent += 1
                else:
                    row.status, row.error = "failed", error
                    report.channels_failed += 1
                    if sub is None or not sub.active:  # nobody to send for any more: no further retries
                        row.attempts = max(row.attempts, settings.push_max_attempts)
                report.retried += int(retry)
    finally:
        smtp.close()
        webhooks.close()
    if postponed:
        report.notes.append(f"{postponed} e-mails/webhooks postponed to the next run: their server did not answer "
                            "earlier in this run")
    if waiting_for_smtp:
        report.notes.append(f"{waiting_for_smtp} e-mails wait in the queue: no SMTP host is configured "
                            "(LINGXI_SMTP_HOST); they go out on the first run after one is set")


def _send(settings: Settings, smtp: SmtpSender, webhooks: WebhookSender, row: PushChannelDelivery,
          delivery: PushDelivery, sub: Subscription | None) -> str | None:
    if sub is None:
        return "the subscription was deleted"
    if not sub.active:
        return "the subscription was deactivated"
    link = settings.public_url.rstrip("/") + delivery.link
    summary = (delivery.reason or {}).get("summary", "")
    if row.channel == "email":
        subject, body = compose(delivery.item_type, delivery.title, summary, link, sub.name)
        return smtp.send(Email(row.target, subject, body))
    if not sub.webhook_secret:
        return "the subscription has no webhook secret"
    payload = {
        "event": "push", "delivery_id": delivery.id, "pushed_at": delivery.created_at.isoformat() + "Z",
        "item": {"type": delivery.item_type, "id": delivery.item_id, "title": delivery.title, "summary": summary,
                 "url": link},
        "subscription": {"id": sub.id, "name": sub.name, "kind": sub.kind},
        "recipient": {"user_id": delivery.user_id, "organisation_id": delivery.organisation_id},
        "score": delivery.score, "reasons": (delivery.reason or {}).get("subscriptions", []),
    }
    return webhooks.send(row.target, sub.webhook_secret, payload, delivery.id)

