"""Each built area adds its own demo records once the demo patents are imported and tagged, in this order
(value before matching: matches show value grades; enterprises before matching and push: they need demands)."""

from __future__ import annotations

from lingxi.db import Database


def seed_area_demos(db: Database) -> None:
    from lingxi.enterprises.demo import seed_demo as seed_enterprises
    from lingxi.market.demo import seed_demo as seed_market
    from lingxi.matching.demo import seed_demo as seed_matching
    from lingxi.push.demo import seed_demo as seed_push
    from lingxi.value.demo import seed_demo as seed_value

    for seed in (seed_value, seed_enterprises, seed_market, seed_matching, seed_push):
        seed(db)
