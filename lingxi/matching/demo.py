"""Demo data of this area for the fictional province, added after the demo patents are imported and tagged.

Matches themselves are computed on request; what the demo adds is a little history: for the first demo demands, the
demanding enterprise's user marked the best match "interested" (so the match page shows feedback at work). Runs after
the enterprise files and demands (lingxi.enterprises.demo); semantic vectors may not exist yet at that moment, so the
match used is whatever the engine answers then (keyword relevance while the vectors are being built).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from lingxi.db import Database

log = logging.getLogger(__name__)
DEMO_DEMANDS = 3


def seed_demo(db: Database) -> None:
    """Idempotent: running the demo again changes nothing (a demand that already has feedback is left alone)."""
    from lingxi.accounts.principal import Principal
    from lingxi.db.models import Demand, MatchFeedback, User
    from lingxi.matching.engine import MatchEngine
    from lingxi.matching.feedback import record_feedback
    from lingxi.settings import Settings

    with db.sessions() as session:
        demands = session.scalars(select(Demand).where(Demand.confirmed.is_(True)).order_by(Demand.id)
                                  .limit(DEMO_DEMANDS)).all()
        if not demands:
            return
        done = set(session.scalars(select(MatchFeedback.demand_id).where(
            MatchFeedback.demand_id.in_([d.id for d in demands]))))
        todo = [d for d in demands if d.id not in done]
        if not todo:
            return
        settings = Settings(database_url=str(db.engine.url.render_as_string(hide_password=False)))
        if db.engine.url.get_backend_name() == "sqlite" and db.engine.url.database:
            from pathlib import Path

            settings = Settings(home=Path(db.engine.url.database).parent)
        engine = MatchEngine(settings, db)
        for demand in todo:
            user = session.scalar(select(User).where(User.organisation_id == demand.organisation_id,
                                                     User.is_active.is_(True)).order_by(User.id).limit(1))
            if user is None:
                continue
            actor = Principal(user_id=user.id, username=user.username, role=user.role,
                              organisation_id=user.organisation_id)
            try:
                result = engine.match_demand(session, actor, demand.id, top_k=1)
            except Exception as error:  # noqa: BLE001 - demo history is optional: never fail `lingxi demo` for it
                log.warning("demo match feedback skipped for demand %s: %s", demand.id, error)
                continue
            if result.matches:
                record_feedback(session, actor, result.matches[0].patent_id, "interested", demand_id=demand.id,
                                note="演示数据：企业对首条匹配结果感兴趣")
        session.commit()
