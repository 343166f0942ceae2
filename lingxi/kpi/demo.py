"""Demo data of the KPI area: the shipped Shaanxi template and the demo province's own programme (青峦 2025–2027),
whose figures come from the market, push and enterprise demo records. Idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lingxi.accounts.principal import SYSTEM
from lingxi.db import Database
from lingxi.db.models import Deal, DealPatent, Programme
from lingxi.kpi.programmes import create_programme, flag_patent, install_templates, parse_programme

DEMO_PROGRAMME = Path(__file__).resolve().parent / "data" / "demo" / "qingluan_2025_2027.yaml"


def seed_demo(db: Database) -> None:
    with db.sessions() as session, session.begin():
        install_templates(session, SYSTEM)
        data = parse_programme(DEMO_PROGRAMME.read_text(encoding="utf-8"), DEMO_PROGRAMME.name)
        if session.scalar(select(Programme.id).where(Programme.key == data["key"])) is None:
            create_programme(session, SYSTEM, data)
        # The satellite company's patent taken under an open licence stands for a declassified defence patent
        # (解密国防专利), so the demo shows that indicator with a figure.
        satellite = session.scalars(
            select(DealPatent.patent_id).join(Deal, Deal.id == DealPatent.deal_id)
            .where(Deal.kind == "open_licence").order_by(DealPatent.id).limit(1)).all()
        for patent_id in satellite:
            flag_patent(session, SYSTEM, patent_id, note="演示数据")
