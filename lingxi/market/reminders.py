"""Licence-filing deadlines (备案): a licence contract is filed within 3 months of taking effect (Regulations art. 15;
art. 87 for licences under an open licence). Reminders list the deals due within the reminder lead time; the
overdue list the ones past their deadline and still not filed. Both read the deals' filing_deadline, which the
signing step computed from the `licence_filing_months` parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from lingxi.accounts.roles import DEALS_MANAGE, MARKET_APPROVE, require
from lingxi.db.models import Deal
from lingxi.market import parameters as params
from lingxi.market.deal_states import LICENCE_KINDS
from lingxi.market.deals import _patent_ids, deal_dict, deals_query


def _unfiled(actor):
    return deals_query(actor).where(Deal.kind.in_(LICENCE_KINDS), Deal.state == "signed",
                                    Deal.filing_deadline.is_not(None))


def filing_reminders(session: Session, actor, today: dt.date | None = None,
                     within_days: int | None = None) -> dict[str, Any]:
    """Licence deals whose filing deadline falls within the next `within_days` days (default: the parameter)."""
    require(actor, DEALS_MANAGE)
    today = today or dt.date.today()
    days = int(params.current(session)["filing_reminder_days"] if within_days is None else within_days)
    horizon = today + dt.timedelta(days=days)
    rows = session.scalars(_unfiled(actor).where(Deal.filing_deadline >= today, Deal.filing_deadline <= horizon)
                           .order_by(None).order_by(Deal.filing_deadline, Deal.id)).all()
    return {"as_of": today.isoformat(), "within_days": days, "items": _items(session, rows, today)}


def overdue_filings(session: Session, actor, today: dt.date | None = None) -> dict[str, Any]:
    """Licence deals past their filing deadline and not filed, most overdue first."""
    require(actor, DEALS_MANAGE)
    today = today or dt.date.today()
    rows = session.scalars(_unfiled(actor).where(Deal.filing_deadline < today)
                           .order_by(None).order_by(Deal.filing_deadline, Deal.id)).all()
    return {"as_of": today.isoformat(), "items": _items(session, rows, today)}


def _items(session: Session, rows, today: dt.date) -> list[dict[str, Any]]:
    patents = _patent_ids(session, [d.id for d in rows])
    items = []
    for deal in rows:
        item = deal_dict(deal, patents[deal.id], today)
        item["days_left"] = (deal.filing_deadline - today).days
        items.append(item)
    return items


def send_filing_reminders(session: Session, actor, today: dt.date | None = None) -> dict[str, Any]:
    """Put a reminder in the in-app inbox of each deal's broker: once when the deadline comes within the lead time,
    once more when it has passed. Idempotent per deal and stage, so it can run every day (cron, CLI, API)."""
    require(actor, MARKET_APPROVE)
    from sqlalchemy import select

    from lingxi.db.models import InboxMessage

    today = today or dt.date.today()
    sent = skipped = 0
    stages = (("filing_due", filing_reminders(session, actor, today)["items"]),
              ("filing_overdue", overdue_filings(session, actor, today)["items"]))
    for stage, items in stages:
        for deal in items:
            if deal["broker_user_id"] is None:
                skipped += 1
                continue
            exists = session.scalar(select(InboxMessage.id).where(
                InboxMessage.user_id == deal["broker_user_id"], InboxMessage.item_type == stage,
                InboxMessage.item_id == deal["id"]))
            if exists:
                skipped += 1
                continue
            if stage == "filing_due":
                title = f"许可合同备案提醒：{deal['title']}（{deal['filing_deadline']} 前）"
                body = (f"Licence filing due by {deal['filing_deadline']} ({deal['days_left']} days left): file the "
                        "contract with CNIPA within 3 months of it taking effect (Implementing Regulations art. 15).")
            else:
                title = f"许可合同逾期未备案：{deal['title']}（期限 {deal['filing_deadline']}）"
                body = (f"Licence filing overdue since {deal['filing_deadline']} ({-deal['days_left']} days): "
                        "file it now and record the filing number on the deal.")
            session.add(InboxMessage(user_id=deal["broker_user_id"], item_type=stage, item_id=deal["id"],
                                     title=title, body=body, link=f"/market/deals/{deal['id']}"))
            sent += 1
    session.flush()
    return {"as_of": today.isoformat(), "sent": sent, "skipped": skipped}
