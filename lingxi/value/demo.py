"""Demo data of this area for the fictional province, added after the demo patents are imported and tagged."""

from __future__ import annotations

from lingxi.db import Database


def seed_demo(db: Database) -> None:
    """Score the demo patents with the shipped profiles (installed on first use).

    Idempotent: the scoring job recomputes everything from the patents, so running the demo again writes the same
    indicators and scores.
    """
    from lingxi.value.jobs import run_scoring
    from lingxi.value.operations_demo import seed_operations_demo

    run_scoring(db)
    seed_operations_demo(db)  # populations, pledge amounts, awards, comparable deals
