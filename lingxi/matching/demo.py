"""Demo data of this area for the fictional province, added after the demo patents are imported and tagged."""

from __future__ import annotations

from lingxi.db import Database


def seed_demo(db: Database) -> None:
    """Idempotent: running the demo again changes nothing."""
