"""Push counts (the programme counts pushes per year: ≥ 1,000 or ≥ 5,000) and the operator's logs of runs and
deliveries. A push is one PushDelivery: one item to one recipient, however many channels carried it; channel counts
say how many of those went out through each channel. The KPI module reads `push_counts`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PUSH_MANAGE, STATS_READ, require
from lingxi.db.models import PushChannelDelivery, PushDelivery, PushRun, User
from lingxi.db.pagination import Page, paginate
from lingxi.errors import InvalidInput, NotFound

CHANNEL_STATUSES = ("queued", "sent", "failed")


def push_counts(session: Session, actor: Principal, year: int | None = None) -> dict[str, Any]:
    """Pushes by year, by month (of `year`, or of every year), by item type and by channel and status."""
    require(actor, STATS_READ)
    year_of = extract("year", PushDelivery.created_at)
    month_of = extract("month", PushDelivery.created_at)
    by_year = [{"year": int(y), "pushes": n} for y, n in session.execute(
        select(year_of, func.count(PushDelivery.id)).group_by(year_of).order_by(year_of))]
    months = select(year_of, month_of, func.count(PushDelivery.id)).group_by(year_of, month_of)
    types = select(PushDelivery.item_type, func.count(PushDelivery.id)).group_by(PushDelivery.item_type)
    channels = (select(PushChannelDelivery.channel, PushChannelDelivery.status, func.count(PushChannelDelivery.id))
                .join(PushDelivery, PushDelivery.id == PushChannelDelivery.delivery_id)
                .group_by(PushChannelDelivery.channel, PushChannelDelivery.status))
    recipients = select(func.count(func.distinct(PushDelivery.user_id)))
    if year is not None:
        if not 1900 <= year <= 2200:
            raise InvalidInput("year must be a calendar year", field="year")
        months, types, channels, recipients = (q.where(year_of == year) for q in (months, types, channels, recipients))
    by_channel: dict[str, dict[str, int]] = {}
    for channel, status, count in session.execute(channels):
        by_channel.setdefault(channel, dict.fromkeys(CHANNEL_STATUSES, 0))[status] = count
    by_type = {item_type: count for item_type, count in session.execute(types)}
    return {
        "year": year,
        "total": sum(by_type.values()),
        "recipients": session.scalar(recipients) or 0,
        "by_year": by_year,
        "by_month": [{"year": int(y), "month": int(m), "pushes": n}
                     for y, m, n in sorted(session.execute(months).all())],
        "by_item_type": by_type,
        "by_channel": by_channel,
    }


def run_as_dict(run: PushRun) -> dict[str, Any]:
    return {name: getattr(run, name) for name in (
        "id", "trigger", "started_by", "status", "items_scanned", "subscriptions_checked", "matches",
        "matches_by_kind", "deliveries_created", "duplicates_skipped", "channels_sent", "channels_failed", "retried",
        "watermarks", "timings", "notes", "error")} | {
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None}


def list_runs(session: Session, actor: Principal, page: int = 1, page_size: int = 20) -> Page:
    require(actor, PUSH_MANAGE)
    return paginate(session, select(PushRun).order_by(PushRun.id.desc()), page, page_size).map(run_as_dict)


def get_run(session: Session, actor: Principal, run_id: int) -> dict[str, Any]:
    require(actor, PUSH_MANAGE)
    run = session.get(PushRun, run_id)
    if run is None:
        raise NotFound(f"push run {run_id} not found")
    return run_as_dict(run)


def list_deliveries(session: Session, actor: Principal, page: int = 1, page_size: int = 50,
                    run_id: int | None = None, user_id: int | None = None, channel_status: str | None = None) -> Page:
    """The delivery log (推送日志): each push with its channels' status, newest first."""
    require(actor, PUSH_MANAGE)
    statement = select(PushDelivery).order_by(PushDelivery.id.desc())
    if run_id is not None:
        statement = statement.where(PushDelivery.run_id == run_id)
    if user_id is not None:
        statement = statement.where(PushDelivery.user_id == user_id)
    if channel_status is not None:
        if channel_status not in CHANNEL_STATUSES:
            raise InvalidInput(f"channel_status must be one of {', '.join(CHANNEL_STATUSES)}", field="channel_status")
        statement = statement.where(PushDelivery.id.in_(
            select(PushChannelDelivery.delivery_id).where(PushChannelDelivery.status == channel_status)))
    page_rows = paginate(session, statement, page, page_size)
    ids = [d.id for d in page_rows.items]
    channels: dict[int, list[dict]] = {}
    for row in session.scalars(select(PushChannelDelivery).where(PushChannelDelivery.delivery_id.in_(ids))
                               .order_by(PushChannelDelivery.id)) if ids else ():
        channels.setdefault(row.delivery_id, []).append({
            "channel": row.channel, "target": row.target, "status": row.status, "attempts": row.attempts,
            "error": row.error, "sent_at": row.sent_at.isoformat() if row.sent_at else None})
    users = {user_id: name for user_id, name in session.execute(select(User.id, User.username).where(
        User.id.in_({d.user_id for d in page_rows.items})))} if ids else {}
    return page_rows.map(lambda d: {
        "id": d.id, "user_id": d.user_id, "username": users.get(d.user_id), "item_type": d.item_type,
        "item_id": d.item_id, "title": d.title, "link": d.link, "score": d.score, "run_id": d.run_id,
        "subscription_id": d.subscription_id, "reason": d.reason,
        "created_at": d.created_at.isoformat() if d.created_at else None, "channels": channels.get(d.id, [])})
