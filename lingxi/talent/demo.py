"""Demo talents: disambiguate the demo province's inventors once its patents are in, tagged and scored.
Idempotent — a rebuild of the same data gives the same talents."""

from __future__ import annotations

from lingxi.accounts.principal import SYSTEM
from lingxi.db import Database


def seed_demo(db: Database) -> None:
    from lingxi.talent.build import build_talents

    build_talents(db, SYSTEM)
