"""Demo navigation reports: one industry-planning report of the PV chain and one regional report of the demo province,
so /navigation opens with something to read. Idempotent: a report of the same type and scope is not made twice."""

from __future__ import annotations

from sqlalchemy import select

from lingxi.accounts.principal import SYSTEM
from lingxi.db import Database
from lingxi.db.models import NavigationReport
from lingxi.errors import NotFound

DEMO_REPORTS = (("industry", "chain:chain_pv", {"benchmark": "all"}),
                ("regional", "region:青峦", {"benchmark": "all"}))


def seed_demo(db: Database) -> int:
    from lingxi.navigation.service import create_report

    made = 0
    with db.sessions() as session, session.begin():
        for kind, scope, settings in DEMO_REPORTS:
            if session.scalar(select(NavigationReport.id).where(NavigationReport.report_type == kind,
                                                                NavigationReport.scope == scope)):
                continue
            try:
                create_report(session, SYSTEM, kind, scope, settings)
            except NotFound:  # the region has no applicant in a smaller demo
                continue
            made += 1
    return made
