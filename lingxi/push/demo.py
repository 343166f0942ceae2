"""Demo data of this area for the fictional province, added after the demo patents are imported and tagged.

The demo enterprise account follows its first demand, the 光伏 chain's cell node and a keyword query; the operator
follows the hydrogen chain's fuel-cell stack by keywords. The first push run then fills their inboxes — as if the
newest DEMO_NEW_PATENTS demo patents had just arrived (so the run embeds a few hundred patents, not the whole demo
set, when the semantic index is still being built). E-mail and webhook channels are left out: the demo has no mail
server. Idempotent: subscriptions are found by owner and name, and the run happens only once.
"""

from __future__ import annotations

from sqlalchemy import func, select

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db import Database
from lingxi.db.models import Demand, Patent, PushCursor, PushRun, Subscription, User
from lingxi.errors import LingxiError
from lingxi.push.subscriptions import SubscriptionInput, create_subscription

DEMO_NEW_PATENTS = 300

SUBSCRIPTIONS = (  # (username, name, input) — demand_id of the enterprise's first demand is filled in below
    ("enterprise", "我的需求：叠层电池湿热稳定性", SubscriptionInput(kind="demand")),
    ("enterprise", "光伏电池片新专利", SubscriptionInput(kind="chain_node", taxonomy="chain_pv", node="pv.cell")),
    ("enterprise", "钙钛矿与 TOPCon 关键词", SubscriptionInput(kind="keywords",
                                                              query="TIAB=(钙钛矿 OR TOPCon OR 隧穿氧化)")),
    ("operator", "氢燃料电池电堆（运营跟踪）", SubscriptionInput(kind="keywords",
                                                          query="TIAB=(燃料电池 AND (膜电极 OR 电堆 OR 双极板))")),
)


def seed_demo(db: Database) -> None:
    """Idempotent: running the demo again changes nothing."""
    from lingxi.settings import load_settings

    with db.sessions() as session:
        users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(("enterprise",
                                                                                               "operator"))))}
        for username, name, data in SUBSCRIPTIONS:
            user = users.get(username)
            if user is None or session.scalar(select(Subscription.id).where(Subscription.user_id == user.id,
                                                                             Subscription.name == name)):
                continue
            actor = Principal(user.id, user.username, user.role, user.organisation_id, user.display_name)
            values = SubscriptionInput(**{**data.__dict__, "name": name})
            if data.kind == "demand":
                values.demand_id = session.scalar(select(Demand.id).where(
                    Demand.organisation_id == user.organisation_id, Demand.confirmed.is_(True))
                    .order_by(Demand.id).limit(1))
                if values.demand_id is None:
                    continue  # the enterprises area has no demand for this account (yet)
            try:
                with session.begin_nested():
                    create_subscription(session, actor, values)
            except LingxiError:
                continue  # e.g. a taxonomy the demo did not install: the other subscriptions still count
        already_ran = session.scalar(select(func.count(PushRun.id)))
        if not already_ran and session.get(PushCursor, "patent") is None:
            newest = session.scalar(select(func.max(Patent.id))) or 0
            session.add(PushCursor(source="patent", last_id=max(0, newest - DEMO_NEW_PATENTS)))
        session.commit()
    if not already_ran:
        from lingxi.push.runner import run_push

        run_push(load_settings(), db, SYSTEM, trigger="demo", external=False)
